"""Other processes on the same store: a held lock, two writers, two importers, kill -9 mid-write, signals to an export.

Every process here is real, with its own timeout. What must hold: a write waits
for a short lock and succeeds, gives up on a long one with a message naming the
path and how long it waited, and a killed writer leaves the store unchanged or
complete, never half of one operation.
"""

from __future__ import annotations

import ast
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from annotator import store
from annotator.store import Repository
from tests.cli.hostile import (
    ANNOTATOR,
    annotator,
    assert_refused,
    build_store,
    dump,
    hold_lock,
    python,
    start,
    wait_for,
)
from tests.synthetic import write_corpus


def test_an_import_waits_for_a_short_lock_and_gives_up_on_a_long_one(tmp_path):
    db = tmp_path / "store.db"
    build_store(db)
    corpus = tmp_path / "corpus.jsonl"
    write_corpus(corpus, 3)
    holder = hold_lock(db, 3)
    started = time.monotonic()
    waited = annotator("--db", str(db), "import", str(corpus), timeout=60)
    assert waited.returncode == 0, waited.output
    assert time.monotonic() - started > 2  # it did wait for the lock
    assert "imported 3 document(s)" in waited.stdout
    holder.communicate(timeout=30)

    write_corpus(corpus, 5)
    before = dump(db)
    holder = hold_lock(db, 30)
    try:
        started = time.monotonic()
        ran = annotator("--db", str(db), "--wait", "2", "import", str(corpus), timeout=60)
        assert time.monotonic() - started < 20
        assert_refused(ran, str(db), "busy", "held its write lock for 2.", "nothing was changed")
    finally:
        holder.kill()
        holder.communicate(timeout=30)
    assert dump(db) == before


DECIDE_UNDER_LOCK = """
    import sys, time
    from annotator import store
    from annotator.domain import TargetKind
    from annotator.store import Repository, StoreBusy
    store.connect(sys.argv[1], create=False, patience=float(sys.argv[2]))
    repository = Repository()
    waits = []
    store.set_wait_listener(waits.append)
    pk = repository.pending_entities()[0]
    print("ready", flush=True)
    sys.stdin.readline()
    started = time.monotonic()
    try:
        repository.accept("ana", TargetKind.ENTITY, pk)
        print("decided", round(time.monotonic() - started, 1), len(waits) > 0)
    except StoreBusy as busy:
        print("busy", round(busy.waited, 1), busy)
"""


def _decide_under_lock(db, patience: float, hold: float) -> list[str]:
    """Have another process try a decision while a third holds the write lock for `hold` seconds."""
    decider = subprocess.Popen([*python(DECIDE_UNDER_LOCK), str(db), str(patience)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert decider.stdout is not None and decider.stdout.readline().strip() == "ready"
    holder = hold_lock(db, hold)
    try:
        out, err = decider.communicate("go\n", timeout=60)
    finally:
        holder.kill()
        holder.communicate(timeout=30)
    assert "Traceback" not in err, err
    return out.split()


def test_a_decision_waits_for_a_short_lock_and_gives_up_on_a_long_one(tmp_path):
    db = tmp_path / "store.db"
    build_store(db)
    said = _decide_under_lock(db, patience=30, hold=3)
    assert said[0] == "decided" and float(said[1]) >= 2 and said[2] == "True", said
    before = dump(db)
    said = _decide_under_lock(db, patience=1.5, hold=20)
    assert said[0] == "busy" and 1.5 <= float(said[1]) < 10, said
    assert str(db) + ":" in " ".join(said)
    assert dump(db) == before


WRITER = """
    import sys
    from annotator import store
    from annotator.domain import TargetKind
    from annotator.store import Repository
    store.connect(sys.argv[1], create=False)
    repository = Repository()
    reviewer, parity = sys.argv[2], int(sys.argv[3])
    pks = [pk for pk in repository.pending_entities() if pk % 2 == parity]
    for i, pk in enumerate(pks):
        (repository.accept if i % 3 else repository.reject)(reviewer, TargetKind.ENTITY, pk)
        if i % 10 == 9:
            repository.undo(reviewer)
    print(len(pks))
"""


def test_two_writers_on_one_store_both_finish_and_the_states_match_the_log(tmp_path):
    db = tmp_path / "store.db"
    build_store(db)
    writers = [
        subprocess.Popen([*python(WRITER), str(db), name, str(parity)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for name, parity in (("ana", 0), ("bo", 1))
    ]
    results = [writer.communicate(timeout=240) for writer in writers]
    for writer, (_, err) in zip(writers, results):
        assert writer.returncode == 0 and "Traceback" not in err, err
    connection = sqlite3.connect(db)
    by_reviewer = dict(connection.execute("SELECT reviewer, COUNT(*) FROM decision GROUP BY reviewer").fetchall())
    connection.close()
    for (out, _), name in zip(results, ("ana", "bo")):
        made = int(out)
        assert by_reviewer[name] == made + made // 10  # every decision and every undo entry is in the log
    store.connect(db, create=False)
    try:
        repository = Repository()
        states = repository.review_states()
        repository.rebuild_derived_state()
        assert repository.review_states() == states  # what each writer folded agrees with the log
    finally:
        store.close()


def test_two_imports_of_one_file_at_once_add_it_once(tmp_path):
    db = tmp_path / "store.db"
    build_store(db)
    corpus = tmp_path / "corpus.jsonl"
    write_corpus(corpus, 200)
    importers = [subprocess.Popen([str(ANNOTATOR), "--db", str(db), "import", str(corpus)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [importer.communicate(timeout=240) for importer in importers]
    for importer, (out, err) in zip(importers, outputs):
        assert importer.returncode == 0, out + err
        assert "Traceback" not in err and "IntegrityError" not in err, err
    said = sorted(out for out, _ in outputs)
    assert said[0].startswith("imported 0 document(s) with 0 candidates; 200 already present"), said
    assert said[1].startswith("imported 200 document(s)"), said
    assert len(dump(db)["document"]) == 201


def test_kill_9_of_an_import_leaves_the_store_as_it_was(tmp_path):
    db = tmp_path / "store.db"
    build_store(db)
    corpus = tmp_path / "corpus.jsonl"
    write_corpus(corpus, 1500)
    before = dump(db)
    importer = subprocess.Popen([str(ANNOTATOR), "--db", str(db), "import", str(corpus)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wal = db.with_name(db.name + "-wal")
    wait_for(lambda: wal.exists() and wal.stat().st_size > 2_000_000 or importer.poll() is not None, 240,
             "the import to be writing")
    assert importer.poll() is None, "the import finished before it could be killed; give it a bigger file"
    importer.send_signal(signal.SIGKILL)
    importer.communicate(timeout=30)
    assert dump(db) == before
    stats = annotator("--db", str(db), "stats")
    assert stats.returncode == 0 and "Traceback" not in stats.output
    assert dump(db) == before


BULK = """
    import sys
    from annotator import store
    from annotator.domain import Action, TargetKind
    from annotator.store import Repository, bulk
    bulk.BATCH_SECONDS = 0.01  # many small batches, so the kill lands between two of them
    store.connect(sys.argv[1], create=False)
    repository = Repository()
    targets = [(TargetKind.ENTITY, pk) for pk in repository.pending_entities()]
    print(len(targets), flush=True)
    repository.accept_many("ana", targets, Action.BULK_ACCEPT)
    print("done", flush=True)
"""


def _markers(db) -> list[str]:
    connection = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        return [key for (key,) in connection.execute("SELECT key FROM store_meta WHERE key GLOB 'unfinished_group:*'")]
    finally:
        connection.close()


def test_kill_9_of_a_bulk_accept_leaves_the_store_unchanged_or_complete(tmp_path):
    db = tmp_path / "store.db"
    build_store(db, tmp_path / "corpus.jsonl", documents=60)
    complete_copy = tmp_path / "complete.db"
    before = dump(db)
    shutil.copy(db, complete_copy)
    finished = start(BULK.replace("sys.argv[1]", repr(str(complete_copy))))
    out, err = finished.communicate(timeout=240)
    assert out.split()[-1] == "done", err
    complete = dump(complete_copy)

    bulk = start(BULK.replace("sys.argv[1]", repr(str(db))))
    assert bulk.stdout is not None and int(bulk.stdout.readline()) > 2000
    wait_for(lambda: bool(_markers(db)) or bulk.poll() is not None, 120, "the bulk accept's first batch")
    os.kill(bulk.pid, signal.SIGKILL)
    bulk.communicate(timeout=30)
    assert _markers(db), "the bulk accept finished before it could be killed"
    half = dump(db)
    assert half != before and _without_times(half) != _without_times(complete)  # killed in the middle

    stats = annotator("--db", str(db), "stats")  # the next process to open the store finishes the job
    assert stats.returncode == 0 and "Traceback" not in stats.output
    after = dump(db)
    assert not _markers(db)
    assert after == before or _without_times(after) == _without_times(complete)


def _without_times(rows: dict[str, list[tuple]]) -> dict[str, list]:
    """The tables with each decision's time and each state's decision time left out (two runs differ there)."""
    kept = dict(rows)
    kept["decision"] = [row[:3] + row[4:] for row in rows["decision"]]
    kept["review_state"] = [row[:8] + row[9:] for row in rows["review_state"]]
    return kept


SEE = """
    import sys, time
    from annotator import store
    from annotator.domain import TargetKind
    from annotator.store import Repository
    store.connect(sys.argv[1], create=False)
    repository = Repository()
    print(repository.data_version(), flush=True)
    sys.stdin.readline()
    pk = int(sys.argv[2])
    shown_at = float(sys.argv[3])
    seen = repository.decided_after(TargetKind.ENTITY, pk, shown_at, other_than="ana")
    print(repository.data_version(), seen.reviewer if seen else None, seen.after if seen else None, flush=True)
"""


def test_a_review_process_sees_another_process_decide(tmp_path):
    db = tmp_path / "store.db"
    build_store(db)
    connection = sqlite3.connect(db)
    pk = connection.execute("SELECT MIN(id) FROM entity").fetchone()[0]
    connection.close()
    shown_at = time.time()
    watcher = subprocess.Popen([*python(SEE), str(db), str(pk), str(shown_at)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert watcher.stdout is not None
    version = int(watcher.stdout.readline())
    decider = start(f"""
        from annotator import store
        from annotator.domain import TargetKind
        from annotator.store import Repository
        store.connect({str(db)!r}, create=False)
        Repository().reject("bo", TargetKind.ENTITY, {pk})
    """)
    assert decider.wait(timeout=60) == 0
    out, err = watcher.communicate("go\n", timeout=60)
    assert "Traceback" not in err, err
    now, reviewer, after = out.split(maxsplit=2)
    assert int(now) > version
    assert reviewer == "bo" and ast.literal_eval(after) == {"status": "rejected"}


@pytest.fixture(scope="module")
def big_store(tmp_path_factory) -> Path:
    """A store big enough that exporting it takes a few seconds, so a signal lands in the middle."""
    folder = tmp_path_factory.mktemp("big")
    db = folder / "store.db"
    build_store(db, folder / "corpus.jsonl", documents=1500)
    return db


def _temporaries(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))


def _export_until_half_written(db: Path, output: Path, *args: str) -> subprocess.Popen:
    """Start an export and return once its temporary output holds a megabyte (or it has ended)."""
    exporter = subprocess.Popen([str(ANNOTATOR), "--db", str(db), "export", "-o", str(output), *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def written() -> int:
        total = 0
        for path in output.parent.glob(f".{output.name}.*.tmp"):
            total += sum(f.stat().st_size for f in path.rglob("*")) if path.is_dir() else path.stat().st_size
        return total

    wait_for(lambda: written() > 1_000_000 or exporter.poll() is not None, 120, "the export to be writing")
    assert exporter.poll() is None, "the export finished before the signal; give it a bigger store"
    return exporter


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_export_removes_its_temporary_file_and_leaves_the_old_output(big_store, tmp_path, signum):
    output = tmp_path / "out.jsonl"
    output.write_bytes(b"the previous export\n")
    exporter = _export_until_half_written(big_store, output)
    exporter.send_signal(signum)
    _out, err = exporter.communicate(timeout=60)
    assert exporter.returncode == 128 + signum, err
    assert "Traceback" not in err and f"interrupted ({signal.Signals(signum).name})" in err, err
    assert output.read_bytes() == b"the previous export\n"
    assert _temporaries(tmp_path) == []


def test_an_interrupted_folder_export_removes_its_temporary_folder(big_store, tmp_path):
    output = tmp_path / "brat"
    exporter = _export_until_half_written(big_store, output, "--format", "brat")
    exporter.send_signal(signal.SIGTERM)
    _out, err = exporter.communicate(timeout=60)
    assert exporter.returncode == 128 + signal.SIGTERM and "Traceback" not in err, err
    assert not output.exists() and _temporaries(tmp_path) == []


def test_kill_9_of_an_export_leaves_the_old_output_and_the_next_export_sweeps_the_leftover(big_store, tmp_path):
    output = tmp_path / "out.jsonl"
    output.write_bytes(b"the previous export\n")
    exporter = _export_until_half_written(big_store, output)
    exporter.send_signal(signal.SIGKILL)
    exporter.communicate(timeout=60)
    assert output.read_bytes() == b"the previous export\n"
    [leftover] = _temporaries(tmp_path)
    assert leftover.startswith(f".out.jsonl.{exporter.pid}.")
    other = tmp_path / f".out.jsonl.{os.getpid()}.live.tmp"  # a running process's: not swept
    other.write_bytes(b"")
    ran = annotator("--db", str(big_store), "export", "-o", str(output), "--document", "doc-000001", timeout=120)
    assert ran.returncode == 0, ran.output
    assert output.read_bytes().startswith(b'{"id":"doc-000001"')
    assert _temporaries(tmp_path) == [other.name]
