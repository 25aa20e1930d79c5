"""Import and export throughput of a store on PostgreSQL beside raw psycopg COPY of the same rows, in one run.

Run: python -m tests.bench.bench_postgres [--documents 10000]

Uses the server ANNOTATOR_TEST_PG names, or starts a throwaway one on 127.0.0.1 as
the tests do. On the synthetic corpus of `bench_store`, each on a fresh database:
  * annotator import (read + validate native JSONL, store in one transaction)
  * raw: json.loads of each line, the same rows built in Python, loaded with psycopg
    `COPY … FROM STDIN` into the same tables (no validation)
  * annotator export (load from the store, write native JSONL)
  * raw: `COPY (SELECT …) TO STDOUT` of the same rows through psycopg + json.dumps per document
and prints candidates per second and the ratios (target >= 0.5), then the latency
of one decision at a time.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from annotator import store
from annotator.domain import TargetKind
from annotator.formats.native import read_native, write_native
from annotator.store import Repository
from tests import postgres_server
from tests.bench.bench_store import raw_rows, timed
from tests.synthetic import write_corpus


@contextlib.contextmanager
def server() -> Iterator[postgres_server.Server]:
    """The server named by ANNOTATOR_TEST_PG, or a throwaway one."""
    url = os.environ.get(postgres_server.ENVIRONMENT)
    if url:
        found = postgres_server.Server(url)
        found.prepare()
        yield found
        found.close()
        return
    why = postgres_server.why_no_server()
    if why is not None:
        raise SystemExit(f"no PostgreSQL server for the benchmark: {why}")
    with postgres_server.started_server() as started:
        found = postgres_server.Server(started)
        found.prepare()
        yield found
        found.close()


def annotator_import(corpus: Path, url: str) -> int:
    store.connect(url)
    documents = [d.document for d in read_native([corpus])]
    result = Repository().import_documents(documents)
    store.close()
    return result.candidates


def raw_copy(url: str, rows: dict) -> None:
    """Load the rows with psycopg COPY into an empty store's tables, in one transaction."""
    import psycopg

    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        for table, table_rows in rows.items():
            with cursor.copy(f'COPY "{table}" FROM STDIN') as copy:
                for row in table_rows:
                    copy.write_row(row)


def annotator_export(url: str, out: Path) -> int:
    store.connect(url, create=False)
    with open(out, "wb") as handle:
        summary = write_native(Repository().iter_documents(with_tokens=False), handle)
    store.close()
    return summary.entities + summary.events + summary.arguments


def _copied(cursor, select: str) -> Iterator[tuple]:
    with cursor.copy(f"COPY ({select}) TO STDOUT") as copy:
        yield from copy.rows()


def raw_export(url: str, out: Path) -> int:
    """The same documents, entities, events and arguments read with COPY TO STDOUT and written as JSON lines."""
    import psycopg

    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        entities = defaultdict(list)
        for doc, key, start, end, label, score, source in _copied(
            cursor, 'SELECT document_id, key, start, "end", label, score, source FROM entity ORDER BY document_id, start'
        ):
            entities[int(doc)].append({"id": key, "start": int(start), "end": int(end), "label": label,
                                       "score": None if score is None else float(score), "source": source})
        arguments = defaultdict(list)
        for event, role, key in _copied(
            cursor, "SELECT a.event_id, a.role, e.key FROM argument a JOIN entity e ON e.id = a.entity_id"
            " ORDER BY a.event_id, a.position"
        ):
            arguments[int(event)].append({"role": role, "entity": key})
        events = defaultdict(list)
        for pk, doc, key, type_, start, end, score, source in _copied(
            cursor, "SELECT id, document_id, key, type, trigger_start, trigger_end, score, source FROM event"
            " ORDER BY document_id, trigger_start"
        ):
            events[int(doc)].append({"id": key, "type": type_, "trigger": {"start": int(start), "end": int(end)},
                                     "score": None if score is None else float(score), "source": source,
                                     "arguments": arguments[int(pk)]})
        count = 0
        with open(out, "w", encoding="utf-8") as handle:
            for pk, key, text, title in _copied(cursor, "SELECT id, key, text, title FROM document ORDER BY id"):
                doc = {"id": key, "title": title, "text": text, "entities": entities[int(pk)], "events": events[int(pk)]}
                count += len(doc["entities"]) + len(doc["events"]) + sum(len(v["arguments"]) for v in doc["events"])
                handle.write(json.dumps(doc) + "\n")
    return count


def decision_latency(corpus: Path, url: str, singles: int = 200) -> dict[str, float]:
    """One accept at a time on a store of the corpus: from the call to the committed decision."""
    store.connect(url)
    repository = Repository()
    repository.import_documents([d.document for d in read_native([corpus])])
    latencies = []
    for pk in repository.pending_entities()[:singles]:
        started = time.perf_counter()
        repository.accept("bench", TargetKind.ENTITY, pk)
        latencies.append(time.perf_counter() - started)
    store.close()
    return {
        "decision_p50_ms": statistics.median(latencies) * 1000,
        "decision_p95_ms": statistics.quantiles(latencies, n=20)[-1] * 1000 if len(latencies) > 1 else latencies[0] * 1000,
    }


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, server() as pg:
        folder = Path(tmp)
        corpus = folder / "corpus.jsonl"
        candidates = write_corpus(corpus, args.documents)
        print(f"corpus: {args.documents} documents, {candidates} candidates, {corpus.stat().st_size / 1e6:.1f} MB")

        # Each side runs `repeats` times, alternating, on fresh databases; the best time counts.
        raw_seconds = copy_seconds = ours_seconds = raw_export_seconds = export_seconds = float("inf")
        for _ in range(args.repeats):
            (raw_name, raw_url), (ours_name, ours_url) = pg.fresh_database(True), pg.fresh_database(True)
            parse, rows = timed(raw_rows, corpus)
            copied, _ = timed(raw_copy, raw_url, rows)
            del rows
            raw_seconds, copy_seconds = min(raw_seconds, parse + copied), min(copy_seconds, copied)
            seconds, imported = timed(annotator_import, corpus, ours_url)
            assert imported == candidates
            ours_seconds = min(ours_seconds, seconds)
            seconds, raw_count = timed(raw_export, ours_url, folder / "raw.jsonl")
            raw_export_seconds = min(raw_export_seconds, seconds)
            seconds, exported = timed(annotator_export, ours_url, folder / "ours.jsonl")
            export_seconds = min(export_seconds, seconds)
            assert exported == raw_count == candidates
            pg.drop(raw_name)
            pg.drop(ours_name)
        name, url = pg.fresh_database(True)
        decided = decision_latency(corpus, url)
        pg.drop(name)

    figures = {
        "pg_import_per_s": candidates / ours_seconds,
        "pg_raw_copy_per_s": candidates / raw_seconds,
        "pg_export_per_s": candidates / export_seconds,
        "pg_raw_export_per_s": candidates / raw_export_seconds,
    }
    figures["pg_import_ratio"] = figures["pg_import_per_s"] / figures["pg_raw_copy_per_s"]
    figures["pg_export_ratio"] = figures["pg_export_per_s"] / figures["pg_raw_export_per_s"]
    print(f"PostgreSQL import   annotator {figures['pg_import_per_s']:>10,.0f} candidates/s ({ours_seconds:.2f} s)")
    print(
        f"                    raw json.loads + psycopg COPY FROM {figures['pg_raw_copy_per_s']:>10,.0f} candidates/s "
        f"({raw_seconds:.2f} s, of which COPY {copy_seconds:.2f} s)"
    )
    print(f"                    ratio {figures['pg_import_ratio']:.2f} (target >= 0.5)")
    print(f"PostgreSQL export   annotator {figures['pg_export_per_s']:>10,.0f} candidates/s ({export_seconds:.2f} s)")
    print(
        f"                    raw psycopg COPY TO + json.dumps {figures['pg_raw_export_per_s']:>10,.0f} candidates/s "
        f"({raw_export_seconds:.2f} s)"
    )
    print(f"                    ratio {figures['pg_export_ratio']:.2f} (target >= 0.5)")
    print(f"PostgreSQL decide   one accept: p50 {decided['decision_p50_ms']:.2f} ms, p95 {decided['decision_p95_ms']:.2f} ms")
    figures.update(decided)
    return figures


if __name__ == "__main__":
    main()
