"""Several reviewers deciding at once on one store: lost decisions, errors, throughput and latency.

Run: python -m tests.bench.bench_team_load [--db URL] [--reviewers 8] [--seconds 60] [--think 0.3]

Imports a synthetic corpus into the store (a fresh SQLite file unless `--db` names
another store, e.g. a PostgreSQL database), then starts one process per reviewer.
Each process opens the store as its own reviewer, on its own document, and decides
candidate after candidate the way the review screen's keys do (a headless
`ReviewSession`: accept, reject, every fifth an undo), timing each call from the
"key" to the committed decision (the return of its last write) and to the next row
being ready. `--think S` pauses before each key, as a person's pace would; without
it keys come back to back, and on a 2-core machine 8 processes then wait for the CPU
more than for the database. When time is up each process says how many
decisions it made; the parent then counts the reviewer's entries in the decision
log. Lost = made minus logged (must be 0); errors are every exception a process met.
Printed: decisions per second (all reviewers), p50/p95/max key-to-commit latency.
Nothing is asserted: this is a benchmark.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import time
import traceback
from pathlib import Path

from tests.synthetic import write_corpus


def _reviewer_process(url: str, reviewer: str, document_index: int, seconds: float, think: float, queue) -> None:
    """Decide as `reviewer` until time is up; put (made, latencies, errors) on the queue."""
    import annotator.store.repository as repository_module
    from annotator import store
    from annotator.review.session import ReviewSession
    from annotator.store import Repository

    made = 0
    latencies: list[float] = []
    screen: list[float] = []
    errors: list[str] = []
    committed = [0.0]
    run_write = repository_module.run_write

    def timed_write(operation):
        result = run_write(operation)
        committed[0] = time.perf_counter()
        return result

    repository_module.run_write = timed_write
    try:
        store.connect(url, create=False, patience=30.0)
        session = ReviewSession(Repository(), reviewer)
        session.open_document(document_index % session.document_count)
        deadline = time.monotonic() + seconds
        step = 0
        while time.monotonic() < deadline:
            row = session.current_row
            if row is None:
                if not session.next_pending():
                    break
                continue
            step += 1
            if think:
                time.sleep(think)
            started = committed[0] = time.perf_counter()
            try:
                if step % 5 == 0:
                    done = session.undo()
                elif step % 2:
                    done = session.accept(row)
                else:
                    done = session.reject(row)
            except Exception as error:  # noqa: BLE001 - every error is counted, none may stop the run
                errors.append(f"{type(error).__name__}: {error}")
                continue
            # Key to commit: until the last write of the key returned (committed); key to the next row
            # ready: until the session had moved on (what the screen then draws).
            latencies.append(committed[0] - started)
            screen.append(time.perf_counter() - started)
            if done:
                made += 1
    except Exception:  # noqa: BLE001
        errors.append(traceback.format_exc(limit=3))
    finally:
        store.close()
    queue.put((reviewer, made, latencies, errors, screen))


def run(url: str, reviewers: int, seconds: float, think: float = 0.0) -> dict[str, float]:
    """Run the reviewers against the store at `url`; return the figures."""
    from annotator import store
    from annotator.store.models import DecisionRow

    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    names = [f"reviewer{i + 1}" for i in range(reviewers)]
    processes = [
        context.Process(target=_reviewer_process, args=(url, name, i, seconds, think, queue)) for i, name in enumerate(names)
    ]
    for process in processes:
        process.start()
    results = [queue.get(timeout=seconds + 120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    store.connect(url, create=False)
    try:
        logged = {
            name: DecisionRow.select().where((DecisionRow.reviewer == name) & (DecisionRow.action != "import")).count()
            for name in names
        }
    finally:
        store.close()
    made = sum(result[1] for result in results)
    # An undo is one log entry; every other decision here is one entry too (accept/reject of one target
    # writes one row, an event with arguments writes more): so the log holds at least what was made.
    lost = sum(max(0, result[1] - logged[result[0]]) for result in results)
    latencies = sorted(value for result in results for value in result[2])
    errors = [error for result in results for error in result[3]]
    ready = sorted(value for result in results for value in result[4])
    for error in errors[:5]:
        print("error:", error)
    figures = {
        "reviewers": float(reviewers),
        "decisions": float(made),
        "lost": float(lost),
        "errors": float(len(errors)),
        "decisions_per_s": made / seconds,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else 0.0,
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0.0,
        "max_ms": 1000 * latencies[-1] if latencies else 0.0,
        "ready_p95_ms": 1000 * ready[int(0.95 * (len(ready) - 1))] if ready else 0.0,
    }
    print(
        f"{reviewers} reviewers, {think * 1000:.0f} ms between keys, {seconds:.0f} s on {url.split('@')[-1]}: "
        f"{made} decisions "
        f"({figures['decisions_per_s']:.0f}/s), lost {lost}, errors {len(errors)}; "
        f"key→commit p50 {figures['p50_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms, max {figures['max_ms']:.1f} ms; "
        f"key→next row ready p95 {figures['ready_p95_ms']:.1f} ms"
    )
    return figures


def prepare(url: str, documents: int, folder: Path) -> None:
    """Import a synthetic corpus into the store (created if need be)."""
    from annotator import store
    from annotator.formats.native import read_native
    from annotator.store import Repository

    corpus = folder / "corpus.jsonl"
    write_corpus(corpus, documents)
    store.connect(url)
    try:
        Repository().import_documents([record.document for record in read_native([corpus])])
    finally:
        store.close()


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="store URL or path (default: a fresh SQLite file)")
    parser.add_argument("--reviewers", type=int, default=None, help="default: 8 on a server, 2 on SQLite")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--documents", type=int, default=None, help="default: two per reviewer")
    parser.add_argument(
        "--think", type=float, default=0.0,
        help="seconds each reviewer waits before each key (default 0: keys back to back, far faster than a person)",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or str(Path(tmp) / "load.db")
        server = "://" in url and not url.startswith("sqlite")
        reviewers = args.reviewers or (8 if server else 2)
        prepare(url, args.documents or 2 * reviewers, Path(tmp))
        return run(url, reviewers, args.seconds, args.think)


if __name__ == "__main__":
    main()
