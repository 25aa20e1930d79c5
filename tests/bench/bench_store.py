"""Import and export throughput of the store beside raw sqlite3, measured in the same run.

Run: python -m tests.bench.bench_store [--documents 10000]

Builds a synthetic corpus (about 100 candidate entities, events and arguments per
document), then times, each on a fresh database file:
  * annotator import (read + validate native JSONL, store in one transaction), run as
    `annotator import` in a child process, so that its peak resident memory is its own
    (the child's rusage, as getrusage(RUSAGE_CHILDREN) gives it for one child)
  * a raw importer: json.loads of each line, the same rows built in Python and
    stored with sqlite3.executemany into the same schema (no validation)
  * annotator export (load from the store, write native JSONL)
  * raw SELECT of the same rows + json.dumps per document
and prints candidates per second and the ratios.

Then the import of a big file: copies of the demo article with distinct ids
(`--demo-copies`, by default one per five documents: 2,000, a 187 MB file), with its
throughput and peak resident memory (target: under 300 MB). `--annotator-root DIR`
runs the imports with the annotator package of another checkout (say, the commit
before a change), to compare throughput and memory before and after in one run.

Then, on one store of the corpus, the decisions:
  * one accept at a time: latency from the call to the committed decision (p50/p95)
  * a bulk accept of every pending candidate of the store as one decision group,
    and its undo and redo: the time each takes and the longest time the write lock
    was held at once, as another process sees it (a probe thread takes the write
    lock every 50 ms and records its longest wait).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import orjson

from annotator import store
from annotator.domain import Tokens
from annotator.formats.native import read_native, write_native
from annotator.store import Repository
from annotator.store.importer import text_hash
from tests.synthetic import write_corpus


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


ROOT = Path(__file__).resolve().parents[2]

IMPORT_CHILD = """
import sys, time
sys.path.insert(0, sys.argv[3])
from annotator.cli import main
started = time.perf_counter()
main(["--db", sys.argv[1], "import", *sys.argv[4:], sys.argv[2]], standalone_mode=False)
print("seconds", time.perf_counter() - started)
"""


def annotator_import(corpus: Path, db: Path, root: Path = ROOT, *options: str) -> tuple[float, int, float]:
    """Run `annotator import [OPTIONS] CORPUS` in a child process: its seconds (start-up left out), candidates stored, peak RSS in MB."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen([sys.executable, "-c", IMPORT_CHILD, str(db), str(corpus), str(root), *options], cwd=root,
                                 stdout=out, stderr=err)
        # wait4 gives this one child's rusage: what getrusage(RUSAGE_CHILDREN) reports when it is the only child.
        _pid, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        said, problems = out.read().decode().split(), err.read().decode()
    if child.returncode != 0:
        raise RuntimeError(f"annotator import failed: {problems}")
    seconds = float(said[said.index("seconds") + 1])
    candidates = int(said[said.index("with") + 1])
    return seconds, candidates, usage.ru_maxrss / 1024


def demo_copies(path: Path, copies: int) -> None:
    """Write `copies` copies of the demo article, each with its own id, one per line."""
    document = orjson.loads((ROOT / "fixtures" / "demo.jsonl").read_bytes())
    with open(path, "wb") as handle:
        for number in range(copies):
            document["id"] = f"demo-{number:05d}"
            handle.write(orjson.dumps(document) + b"\n")


def raw_rows(corpus: Path):
    """The rows annotator stores, built outside the timed section for the insert-only baseline."""
    documents, sentences, entities, events, arguments = [], [], [], [], []
    entity_pk = event_pk = argument_pk = sentence_pk = 0
    with open(corpus, "rb") as handle:
        for doc_pk, line in enumerate(handle, start=1):
            doc = json.loads(line)
            documents.append((doc_pk, doc["id"], doc["text"], text_hash(doc["text"]), doc["title"], json.dumps(doc["meta"]), 0.0))
            for index, s in enumerate(doc["sentences"]):
                sentence_pk += 1
                sentences.append((sentence_pk, doc_pk, index, s["start"], s["end"], Tokens(s["tokens"]).packed))
            ids = {}
            for e in doc["entities"]:
                entity_pk += 1
                ids[e["id"]] = entity_pk
                entities.append((entity_pk, doc_pk, e["id"], e["start"], e["end"], e["label"], e["score"], e["source"], 0, "machine"))
            for v in doc["events"]:
                event_pk += 1
                events.append((event_pk, doc_pk, v["id"], v["type"], v["trigger"]["start"], v["trigger"]["end"],
                               v["score"], v["source"], "{}", 0, "machine"))
                for position, a in enumerate(v["arguments"]):
                    argument_pk += 1
                    arguments.append((argument_pk, event_pk, position, a["role"], ids[a["entity"]], None, None, None, "machine"))
    return {"document": documents, "sentence": sentences, "entity": entities, "event": events, "argument": arguments}


def raw_insert(db: Path, rows: dict) -> None:
    store.connect(db)  # the same schema, then plain sqlite3
    store.close()
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA journal_mode=wal")
    connection.execute("PRAGMA synchronous=full")
    with connection:
        for table, table_rows in rows.items():
            marks = ", ".join("?" * len(table_rows[0]))
            connection.executemany(f'INSERT INTO "{table}" VALUES ({marks})', table_rows)
    connection.close()


def annotator_export(db: Path, out: Path) -> int:
    store.connect(db)
    with open(out, "wb") as handle:
        summary = write_native(Repository().iter_documents(with_tokens=False), handle)
    store.close()
    return summary.entities + summary.events + summary.arguments


def raw_export(db: Path, out: Path) -> int:
    connection = sqlite3.connect(db)
    entities = defaultdict(list)
    for row in connection.execute('SELECT document_id, key, start, "end", label, score, source FROM entity ORDER BY document_id, start'):
        entities[row[0]].append({"id": row[1], "start": row[2], "end": row[3], "label": row[4], "score": row[5], "source": row[6]})
    arguments = defaultdict(list)
    for row in connection.execute("SELECT a.event_id, a.role, e.key FROM argument a JOIN entity e ON e.id = a.entity_id ORDER BY a.event_id, a.position"):
        arguments[row[0]].append({"role": row[1], "entity": row[2]})
    events = defaultdict(list)
    for row in connection.execute("SELECT id, document_id, key, type, trigger_start, trigger_end, score, source FROM event ORDER BY document_id, trigger_start"):
        events[row[1]].append({"id": row[2], "type": row[3], "trigger": {"start": row[4], "end": row[5]},
                               "score": row[6], "source": row[7], "arguments": arguments[row[0]]})
    count = 0
    with open(out, "w", encoding="utf-8") as handle:
        for pk, key, text, title in connection.execute("SELECT id, key, text, title FROM document ORDER BY id"):
            doc = {"id": key, "title": title, "text": text, "entities": entities[pk], "events": events[pk]}
            count += len(doc["entities"]) + len(doc["events"]) + sum(len(v["arguments"]) for v in doc["events"])
            handle.write(json.dumps(doc) + "\n")
    connection.close()
    return count


class LockProbe:
    """Another writer on the same file: takes the write lock every 50 ms and keeps its longest wait."""

    def __init__(self, db: Path):
        self.db = db
        self.longest_wait = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> LockProbe:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        connection = sqlite3.connect(self.db, timeout=600, isolation_level=None)
        while not self._stop.is_set():
            started = time.perf_counter()
            connection.execute("BEGIN IMMEDIATE")
            self.longest_wait = max(self.longest_wait, time.perf_counter() - started)
            connection.execute("COMMIT")
            self._stop.wait(0.05)
        connection.close()


def bench_decisions(corpus: Path, db: Path, singles: int = 200) -> dict[str, float]:
    """Single-decision latency, and a bulk accept of the whole store with its undo and redo under a lock probe."""
    from annotator.domain import Action, Origin, TargetKind
    from annotator.store.models import ArgumentRow, EventRow

    store.connect(db)
    repository = Repository()
    repository.import_documents([d.document for d in read_native([corpus])])
    entity_pks = repository.pending_entities()
    latencies = []
    for pk in entity_pks[:singles]:
        started = time.perf_counter()
        repository.accept("bench", TargetKind.ENTITY, pk)
        latencies.append(time.perf_counter() - started)
    repository.undo("bench")  # the singles stay; only the store's log grows, as in real use
    targets = [(TargetKind.ENTITY, pk) for pk in entity_pks[singles:]]
    for kind, model in ((TargetKind.EVENT, EventRow), (TargetKind.ARGUMENT, ArgumentRow)):
        targets += [(kind, pk) for (pk,) in model.select(model.pk).where(model.origin == Origin.MACHINE.value).tuples()]
    figures: dict[str, float] = {
        "decision_p50_ms": statistics.median(latencies) * 1000,
        "decision_p95_ms": statistics.quantiles(latencies, n=20)[-1] * 1000,
        "bulk_targets": len(targets),
    }
    for name, operation in (
        ("bulk", lambda: repository.accept_many("bench", targets, Action.BULK_ACCEPT)),
        ("undo", lambda: repository.undo("bench")),
        ("redo", lambda: repository.redo("bench")),
    ):
        with LockProbe(db) as probe:
            seconds, _ = timed(operation)
        figures[f"{name}_s"] = seconds
        figures[f"{name}_lock_wait_s"] = probe.longest_wait
    store.close()
    return figures


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--demo-copies", type=int, default=None, help="copies of the demo article in the big file")
    parser.add_argument("--annotator-root", type=Path, default=ROOT, help="checkout whose annotator does the imports")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpus = folder / "corpus.jsonl"
        candidates = write_corpus(corpus, args.documents)
        print(f"corpus: {args.documents} documents, {candidates} candidates, {corpus.stat().st_size / 1e6:.1f} MB")

        # Each side runs `repeats` times, alternating, on fresh files; the best time counts
        # (as timeit does), since this machine's background load only ever adds time.
        raw_seconds = insert_seconds = ours_seconds = raw_export_seconds = export_seconds = float("inf")
        ours_peak = 0.0
        for round_number in range(args.repeats):
            raw_db, ours_db = folder / f"raw{round_number}.db", folder / f"ours{round_number}.db"
            parse, rows = timed(raw_rows, corpus)
            insert, _ = timed(raw_insert, raw_db, rows)
            del rows
            raw_seconds, insert_seconds = min(raw_seconds, parse + insert), min(insert_seconds, insert)
            seconds, imported, peak = annotator_import(corpus, ours_db, args.annotator_root)
            assert imported == candidates
            ours_seconds, ours_peak = min(ours_seconds, seconds), max(ours_peak, peak)
            seconds, raw_count = timed(raw_export, ours_db, folder / "raw.jsonl")
            raw_export_seconds = min(raw_export_seconds, seconds)
            seconds, exported = timed(annotator_export, ours_db, folder / "ours.jsonl")
            export_seconds = min(export_seconds, seconds)
            assert exported == raw_count == candidates
            raw_db.unlink()
            ours_db.unlink()
        decided = bench_decisions(corpus, folder / "decisions.db")
        copies = args.demo_copies if args.demo_copies is not None else max(1, args.documents // 5)
        big = folder / "demo-copies.jsonl"
        demo_copies(big, copies)
        big_mb = big.stat().st_size / 1e6
        big_seconds, big_candidates, big_peak = annotator_import(big, folder / "big.db", args.annotator_root)

    figures = {
        "import_per_s": candidates / ours_seconds,
        "raw_insert_per_s": candidates / raw_seconds,
        "export_per_s": candidates / export_seconds,
        "raw_export_per_s": candidates / raw_export_seconds,
    }
    figures["import_ratio"] = figures["import_per_s"] / figures["raw_insert_per_s"]
    figures["import_peak_mb"] = ours_peak
    figures["big_import_per_s"] = big_candidates / big_seconds
    figures["big_import_peak_mb"] = big_peak
    figures["export_ratio"] = figures["export_per_s"] / figures["raw_export_per_s"]
    print(f"import   annotator {figures['import_per_s']:>10,.0f} candidates/s ({ours_seconds:.2f} s), "
          f"peak RSS {ours_peak:,.0f} MB  [{args.annotator_root}]")
    print(
        f"         raw json.loads + sqlite3.executemany {figures['raw_insert_per_s']:>10,.0f} candidates/s "
        f"({raw_seconds:.2f} s, of which executemany {insert_seconds:.2f} s)"
    )
    print(f"         ratio {figures['import_ratio']:.2f} (target >= 0.5)")
    print(f"         big file: {copies} demo articles, {big_mb:.0f} MB: {figures['big_import_per_s']:>10,.0f} candidates/s "
          f"({big_seconds:.2f} s), peak RSS {big_peak:,.0f} MB (target < 300)")
    print(f"export   annotator {figures['export_per_s']:>10,.0f} candidates/s ({export_seconds:.2f} s)")
    print(f"         raw select + json.dumps {figures['raw_export_per_s']:>10,.0f} candidates/s ({raw_export_seconds:.2f} s)")
    print(f"         ratio {figures['export_ratio']:.2f} (target >= 0.5)")
    print(f"decide   one accept: p50 {decided['decision_p50_ms']:.2f} ms, p95 {decided['decision_p95_ms']:.2f} ms")
    for name, what in (("bulk", "accept"), ("undo", "undo  "), ("redo", "redo  ")):
        print(
            f"         bulk {what} of {decided['bulk_targets']:,.0f} candidates: {decided[name + '_s']:.2f} s; "
            f"another writer waited at most {decided[name + '_lock_wait_s']:.2f} s (target <= 1)"
        )
    figures.update(decided)
    return figures


if __name__ == "__main__":
    main()
