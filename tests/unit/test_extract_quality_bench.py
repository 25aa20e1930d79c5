"""bench_quality reads the split from SOURCES.md and reports every figure the issue asks for (on DEV here)."""

from __future__ import annotations

from annotator.formats.native import read_native
from annotator.nlp.extract import Extractor, load_pipeline
from tests.bench import bench_quality


def test_the_split_comes_from_the_sources_table():
    splits = bench_quality.article_splits()
    assert sum(split == "dev" for split in splits.values()) >= 5
    assert sum(split == "held-out" for split in splits.values()) >= 5
    assert splits["007_uk-theresa-may-resigns"] == "dev"
    assert all(article[:3].isdigit() and not article.endswith(".txt") for article in splits)


def test_the_dev_figures_are_measured_and_printed(capsys):
    figures = bench_quality.main(["--split", "dev"])
    assert set(figures) == {"dev"}
    assert set(figures["dev"]) == {
        "trigger_precision", "trigger_recall", "argument_precision", "argument_recall", "events_with_argument",
        "events_with_argument_of_arguable", "events_with_argument_ceiling", "entity_f1", "bare_entity_f1",
    }
    assert 0 < figures["dev"]["trigger_precision"] <= 1 and figures["dev"]["entity_f1"] > 0
    # The ceiling is what the gold allows (events it gives an argument / all its events), above any extractor.
    gold = bench_quality.gold_documents("dev")
    events = [event for document in gold for event in document.events]
    assert figures["dev"]["events_with_argument_ceiling"] == sum(bool(e.arguments) for e in events) / len(events)
    assert figures["dev"]["events_with_argument"] <= figures["dev"]["events_with_argument_ceiling"] < 1
    out = capsys.readouterr().out
    assert "Justice.Sentence" in out and "entities   bare" in out and "HELD-OUT" not in out
    # Each annotation round apart, named by its gold file: a round added later shows whether the figures hold.
    rounds = bench_quality.gold_batches("dev")
    assert len(rounds) > 1 and all(f"  {name}" in out for name in rounds)


def test_the_second_annotation_covers_held_out_articles_and_is_scored_beside_the_extractor(capsys):
    splits = bench_quality.article_splits()
    second = [r.document.id for path in bench_quality.SECOND_DIR.glob("*.jsonl") for r in read_native([path])]
    assert second and all(splits.get(article) == "held-out" for article in second)
    figures = bench_quality.agreement(Extractor(load_pipeline()))
    assert set(figures) == {"second_argument_precision", "second_argument_f1", "extractor_argument_precision",
                            "extractor_argument_f1"}
    assert 0 < figures["second_argument_f1"] <= 1
    assert "second annotator" in capsys.readouterr().out


def test_two_events_on_one_trigger_span_count_their_arguments_under_one_type_in_every_order():
    triggers = [("d", 0, 5, "Life.Die"), ("d", 0, 5, "Conflict.Attack"), ("d", 9, 12, "Life.Injure")]
    expected = {("d", 0, 5): "Conflict.Attack", ("d", 9, 12): "Life.Injure"}
    assert bench_quality.trigger_types(set(triggers)) == expected
    assert bench_quality.trigger_types(set(reversed(triggers))) == expected
