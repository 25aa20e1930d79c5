"""The benchmarks under tests/bench still run (on a tiny corpus); their figures are printed, not asserted."""

from __future__ import annotations

from tests.bench import bench_store


def test_store_benchmark_runs_and_reports_every_figure(capsys):
    figures = bench_store.main(["--documents", "20", "--repeats", "1"])
    assert set(figures) >= {"import_per_s", "raw_insert_per_s", "export_per_s", "raw_export_per_s", "import_ratio", "export_ratio"}
    assert all(value > 0 for value in figures.values())
    assert "ratio" in capsys.readouterr().out


def test_extract_benchmark_runs_and_reports_every_figure(capsys):
    from tests.bench import bench_extract

    figures = bench_extract.main(["--documents", "2", "--repeats", "1", "--no-jobs"])
    assert set(figures) == {"bare_words_per_s", "extract_words_per_s", "extract_ratio"}
    assert all(value > 0 for value in figures.values())


def test_formats_benchmark_runs_for_every_format():
    from tests.bench import bench_formats

    figures = bench_formats.main(["--documents", "3"])
    assert set(figures) == {"native", "prodigy", "doccano", "conll", "spacy", "brat"}
    assert all(value > 0 for value in figures.values())


def test_team_load_benchmark_loses_nothing_with_two_reviewers_at_once():
    from tests.bench import bench_team_load

    figures = bench_team_load.main(["--seconds", "2", "--reviewers", "2", "--documents", "2"])
    assert figures["decisions"] > 0
    assert figures["lost"] == 0 and figures["errors"] == 0


def test_segment_benchmark_runs_every_mode_on_both_kinds_of_text():
    from tests.bench import bench_segment

    for shape in ([], ["--hostile"]):
        figures = bench_segment.main(["--megabytes", "0.05", *shape])
        assert set(figures) == set(bench_segment.MODES)
        assert len({f["tokens"] for f in figures.values()}) == 1  # every mode found the same tokens
        assert all(f["peak_rss_mb"] > 0 and f["sentences"] > 0 for f in figures.values())
