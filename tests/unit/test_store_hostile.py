"""The store under hostile conditions, in one process: refusing what is not a store, waiting for locks,
bulk decisions in batches that stay one undo step, work a dead process left half done, and what other
processes did (the data version, decisions since a time)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time

import orjson
import pytest

from annotator import store
from annotator.domain import Action, Status, TargetKind
from annotator.store import (
    ForeignDatabase,
    Repository,
    StoreBusy,
    StoreDamaged,
    StoreError,
    StoreFull,
    StoreMissing,
    bulk,
    explain,
    locking,
)
from tests.conftest import SMALL_DOCUMENT, write_jsonl
from tests.synthetic import make_document


def _store_with(db, documents: int = 0):
    """Connect a fresh store holding the small document and `documents` synthetic ones."""
    import random

    from annotator.formats.native import read_native

    store.connect(db)
    repository = Repository()
    rng = random.Random(7)
    records = [SMALL_DOCUMENT, *(make_document(i, rng) for i in range(documents))]
    path = write_jsonl(db.with_suffix(".jsonl"), *records)
    repository.import_documents([d.document for d in read_native([path])])
    return repository


@pytest.fixture
def closing():
    yield
    store.close()
    locking.set_wait_listener(None)
    locking.configure("", patience=locking.DEFAULT_PATIENCE)


def test_a_missing_store_is_created_only_when_asked(tmp_path, closing):
    missing = tmp_path / "folder" / "missing.db"
    with pytest.raises(StoreMissing, match=f"no store at {missing}"):
        store.connect(missing, create=False)
    assert not missing.parent.exists()
    store.connect(missing, create=True)
    assert Repository().document_pks() == []


def test_what_is_not_a_store_is_refused_before_anything_is_written(tmp_path, closing):
    foreign = tmp_path / "other.sqlite"
    connection = sqlite3.connect(foreign)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    before = foreign.read_bytes()
    with pytest.raises(ForeignDatabase, match="other tables \\(t\\)"):
        store.connect(foreign)
    assert foreign.read_bytes() == before and sorted(os.listdir(tmp_path)) == ["other.sqlite"]
    text = tmp_path / "notes.txt"
    text.write_text("not a database")
    with pytest.raises(ForeignDatabase, match="not a SQLite database"):
        store.connect(text)
    with pytest.raises(StoreError, match="is a folder"):
        store.connect(tmp_path)
    with pytest.raises(StoreError, match="mysql stores are not supported") as refused:
        store.connect("mysql://u:pw@host/db")
    assert "pw" not in str(refused.value)


def test_sqlite_errors_become_messages_that_name_the_path():
    full = sqlite3.OperationalError("database or disk is full")
    assert isinstance(explain(full, "/s.db"), StoreFull) and "/s.db: no room to write" in str(explain(full, "/s.db"))
    corrupt = sqlite3.DatabaseError("database disk image is malformed")
    assert isinstance(explain(corrupt, "/s.db"), StoreDamaged)
    # What a full disk looks like by the time it reaches the caller: SQLite rolled back by itself,
    # so the caller's own rollback fails, with the full disk behind it.
    second = sqlite3.OperationalError("cannot rollback - no transaction is active")
    second.__context__ = full
    assert isinstance(explain(second, "/s.db"), StoreFull)
    assert explain(sqlite3.OperationalError("no such table: x"), "/s.db") is None  # a bug stays a bug


def _hold_write_lock(db, seconds: float) -> threading.Thread:
    """Hold the store's write lock from another connection for `seconds`; return once it is held."""
    held = threading.Event()

    def hold() -> None:
        connection = sqlite3.connect(db, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        held.set()
        time.sleep(seconds)
        connection.execute("COMMIT")
        connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait()
    return thread


def test_a_write_waits_for_the_lock_tells_a_listener_and_gives_up_with_how_long_it_waited(tmp_path, closing):
    db = tmp_path / "s.db"
    repository = _store_with(db)
    store.close()
    store.connect(db, patience=0.6)
    pk = repository.pending_entities()[0]
    waits: list[float] = []
    store.set_wait_listener(waits.append)
    holder = _hold_write_lock(db, 3)
    started = time.monotonic()
    with pytest.raises(StoreBusy) as busy:
        repository.accept("ana", TargetKind.ENTITY, pk)
    gave_up_after = time.monotonic() - started
    holder.join()
    assert 0.6 <= busy.value.waited <= gave_up_after < 2.5
    assert f"{db}: the store is busy: another process held its write lock for 0.6 s" in str(busy.value)
    assert repository.decisions() == []
    locking.configure(str(db), patience=30)
    holder = _hold_write_lock(db, 2.5)
    repository.accept("ana", TargetKind.ENTITY, pk)  # waits past one busy timeout (2 s), then commits
    holder.join()
    assert [d.target_pk for d in repository.decisions()] == [pk] and waits


def test_reading_progress_never_waits_for_another_writer(tmp_path, closing):
    db = tmp_path / "s.db"
    repository = _store_with(db, documents=3)
    holder = _hold_write_lock(db, 4)
    started = time.monotonic()
    seen, total = repository.sentence_progress()
    assert time.monotonic() - started < 1.5 and total > 0 and seen == 0
    holder.join()


def test_the_data_version_moves_with_every_write_and_not_with_reads(tmp_path, closing):
    db = tmp_path / "s.db"
    repository = _store_with(db)
    first = repository.data_version()
    repository.document_summaries()
    repository.sentence_progress()
    assert repository.data_version() == first
    pk = repository.pending_entities()[0]
    repository.accept("ana", TargetKind.ENTITY, pk)
    second = repository.data_version()
    repository.undo("ana")
    assert first < second < repository.data_version()


def test_decided_after_finds_another_reviewers_decision_and_undo(tmp_path, closing):
    db = tmp_path / "s.db"
    repository = _store_with(db)
    first, second = repository.pending_entities()[:2]
    repository.accept("ana", TargetKind.ENTITY, first)
    shown_at = time.time()
    assert repository.decided_after(TargetKind.ENTITY, first, shown_at) is None
    time.sleep(0.01)
    repository.reject("bo", TargetKind.ENTITY, first)
    found = repository.decided_after(TargetKind.ENTITY, first, shown_at, other_than="ana")
    assert found is not None and found.reviewer == "bo" and found.after == {"status": Status.REJECTED.value}
    assert repository.decided_after(TargetKind.ENTITY, first, shown_at, other_than="bo") is None
    assert repository.decided_after(TargetKind.ENTITY, second, shown_at) is None
    repository.undo("bo")
    undone = repository.decided_after(TargetKind.ENTITY, first, shown_at)
    assert undone is not None and undone.action is Action.UNDO


def _targets(repository: Repository) -> list[tuple[TargetKind, int]]:
    return [(TargetKind.ENTITY, pk) for pk in repository.pending_entities()]


def test_a_bulk_accept_is_written_in_batches_another_writer_gets_between_and_it_stays_one_undo_step(
    tmp_path, closing, monkeypatch
):
    db = tmp_path / "s.db"
    repository = _store_with(db, documents=40)
    monkeypatch.setattr(bulk, "BATCH_SECONDS", 0.0)  # one chunk of targets per transaction
    targets = _targets(repository)
    assert len(targets) > 4 * 500
    before_states = repository.review_states()
    seen_counts: list[int] = []
    stop = threading.Event()

    def other_writer() -> None:
        connection = sqlite3.connect(db, isolation_level=None, timeout=30)
        while not stop.is_set():
            connection.execute("BEGIN IMMEDIATE")
            seen_counts.append(connection.execute("SELECT COUNT(*) FROM decision").fetchone()[0])
            connection.execute("COMMIT")
            time.sleep(0.01)
        connection.close()

    thread = threading.Thread(target=other_writer)
    thread.start()
    version = repository.data_version()
    group = repository.accept_many("ana", targets, Action.BULK_ACCEPT)
    stop.set()
    thread.join()
    assert repository.data_version() - version >= 4  # one version per batch
    assert any(0 < count < len(targets) for count in seen_counts)  # the other writer got in mid-way
    assert {d.group for d in repository.decisions("ana")} == {group}
    states = repository.review_states()
    assert all(states[("entity", pk)][0] == "accepted" for _, pk in targets)
    assert bulk.unfinished_groups() == []
    assert repository.undo("ana") == group
    assert repository.review_states() == before_states
    assert repository.redo("ana") == group
    assert repository.review_states() == states


def _dead_pid() -> int:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(finished.stdout)


def test_a_bulk_decision_a_dead_process_left_half_written_is_taken_back_whole(tmp_path, closing):
    db = tmp_path / "s.db"
    repository = _store_with(db, documents=20)
    repository.accept("ana", TargetKind.ENTITY, repository.pending_entities()[0])
    before = (repository.review_states(), repository.decisions())
    targets = _targets(repository)
    from annotator.store.changes import record_changes
    from annotator.store.models import MetaRow, database
    from annotator.store.state import next_group

    with database.atomic():  # what a killed bulk accept leaves: some batches of its group, and its marker
        group = next_group()
        marker = {"job": "record", "pid": _dead_pid(), "host": os.uname().nodename, "at": time.time()}
        MetaRow.insert(key=f"unfinished_group:{group}", value=orjson.dumps(marker).decode()).execute()
        record_changes(group, "bo", Action.BULK_ACCEPT, time.time(), [(k, pk, {"status": "accepted"}) for k, pk in targets[:700]])
    store.close()
    store.connect(db)  # the next process to open the store finishes the job
    assert (repository.review_states(), repository.decisions()) == before
    assert bulk.unfinished_groups() == []
    assert repository.undo_stacks("bo") == ([], [])


def test_an_undo_a_dead_process_left_half_folded_is_finished(tmp_path, closing, monkeypatch):
    db = tmp_path / "s.db"
    repository = _store_with(db, documents=20)
    before = repository.review_states()
    repository.accept_many("ana", _targets(repository), Action.BULK_ACCEPT)
    done = repository.review_states()

    def die_after_the_first_batch(job) -> None:
        raise KeyboardInterrupt

    original = bulk._refold_some
    calls = []

    def first_then_die(job) -> None:
        calls.append(1)
        if len(calls) > 1:
            die_after_the_first_batch(job)
        original(job)

    monkeypatch.setattr(bulk, "BATCH_SECONDS", 0.0)
    monkeypatch.setattr(bulk, "_refold_some", first_then_die)
    with pytest.raises(KeyboardInterrupt):
        repository.undo("ana")
    monkeypatch.setattr(bulk, "_refold_some", original)
    half = repository.review_states()
    assert half != before and half != done  # the log says undone; some states not folded yet
    assert [job["job"] for _, job in bulk.unfinished_groups()] == ["refold"]
    store.close()
    store.connect(db)
    assert repository.review_states() == before
    assert bulk.unfinished_groups() == []


def test_a_group_still_being_written_cannot_be_undone(tmp_path, closing):
    db = tmp_path / "s.db"
    repository = _store_with(db)
    group = repository.accept("ana", TargetKind.ENTITY, repository.pending_entities()[0])
    from annotator.store.models import MetaRow

    marker = {"job": "record", "pid": os.getpid(), "host": os.uname().nodename, "at": time.time()}
    MetaRow.insert(key=f"unfinished_group:{group}", value=orjson.dumps(marker).decode()).execute()
    bulk._active.add(group)
    try:
        with pytest.raises(store.DecisionError, match="still being written"):
            repository.undo("ana")
    finally:
        bulk._active.discard(group)
