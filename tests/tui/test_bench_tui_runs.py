"""The review-screen benchmark still runs (tiny sizes); its figures are printed, not asserted."""

from __future__ import annotations


def test_tui_benchmark_runs_and_reports_every_figure():
    from tests.bench import bench_tui

    figures = bench_tui.main(["--small", "2", "--large", "4", "--presses", "3", "--repeats", "1"])
    assert figures["p95_ms"] > 0 and figures["time_ratio"] > 0 and figures["memory_ratio"] > 0
