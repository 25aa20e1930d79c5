"""A decision re-reads what it changed, not its document, and the view it updates in place is what a fresh load gives.

The rows the store hands back are counted at the database connection, so the count is
what the session consumed whatever query it ran; and after each step of a review the
session's view and rows are compared with a document loaded afresh.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
import pytest

from annotator.domain import Status, TargetKind
from annotator.formats.native import read_native
from annotator.review.document import DocumentView
from annotator.review.editing import EditResult
from annotator.review.session import ReviewSession, Row
from annotator.store import Repository
from annotator.store.models import database
from tests.bench.bench_tui import crowded_document
from tests.conftest import SMALL_DOCUMENT, write_jsonl

CROWDED = 1_000


class _CountingCursor:
    """A database cursor that counts the rows handed back through it."""

    def __init__(self, cursor: Any, counter: list[int]) -> None:
        self._cursor, self._counter = cursor, counter

    def fetchone(self) -> Any:
        row = self._cursor.fetchone()
        self._counter[0] += row is not None
        return row

    def fetchmany(self, *args: Any) -> list[Any]:
        rows = self._cursor.fetchmany(*args)
        self._counter[0] += len(rows)
        return rows

    def fetchall(self) -> list[Any]:
        rows = self._cursor.fetchall()
        self._counter[0] += len(rows)
        return rows

    def __iter__(self) -> Iterator[Any]:
        for row in self._cursor:
            self._counter[0] += 1
            yield row

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


@contextmanager
def rows_read(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Count every row the bound database hands back while the body runs (raw statements and peewee's alike)."""
    counter = [0]
    execute_sql = database.obj.execute_sql

    def counting(*args: Any, **kwargs: Any) -> Any:
        return _CountingCursor(execute_sql(*args, **kwargs), counter)

    with monkeypatch.context() as patched:
        patched.setattr(database.obj, "execute_sql", counting)
        yield counter


def state(session: ReviewSession) -> dict[str, Any]:
    """What the session holds of its document: candidates with their reviews, the indexes by sentence, the rows listed."""
    view = session.view
    assert view is not None
    return {
        "document": view.document,
        "entities_in": {index: items for index, items in view.entities_in.items() if items},
        "events_in": {index: items for index, items in view.events_in.items() if items},
        "labels_of_words": {words: labels for words, labels in view.labels_of_words.items() if labels},
        "event_of_argument": {
            argument.pk: view.event_of_argument(argument.pk) for event in view.document.events for argument in event.arguments
        },
        "by_id": {entity.id: view.entity_by_id(entity.id) for entity in view.document.entities},
        "rows": [(row.kind, row.pk, row.status, row.event_pk) for row in session.rows],
    }


def fresh_state(session: ReviewSession) -> dict[str, Any]:
    """The same, from the document loaded afresh from the store, listed with the session's sentence and filter."""
    assert session.document is not None and session.document.pk is not None
    fresh = ReviewSession(session.repository, session.reviewer)
    fresh.view = DocumentView(session.repository.load_document(pk=session.document.pk))
    fresh.sentence_index, fresh.row_filter = session.sentence_index, session.row_filter
    fresh.rows = fresh.rows_of_sentence(session.sentence_index)
    return state(fresh)


def open_session(repository: Repository, tmp_path, document: dict, reviewer: str = "ana") -> ReviewSession:
    path = write_jsonl(tmp_path / "documents.jsonl", document)
    Repository().import_documents([d.document for d in read_native([path])])
    session = ReviewSession(repository, reviewer)
    session.resume()
    return session


def entity_row(session: ReviewSession, entity_id: str) -> Row:
    entity = session.entity_by_id(entity_id)
    assert entity is not None and entity.pk is not None
    return Row(TargetKind.ENTITY, entity.pk, entity.review.status)


def event_rows(session: ReviewSession, event_id: str) -> list[Row]:
    """An event's row, then its arguments' rows."""
    assert session.document is not None
    event = next(e for e in session.document.events if e.id == event_id)
    assert event.pk is not None
    return [Row(TargetKind.EVENT, event.pk, event.review.status)] + [
        Row(TargetKind.ARGUMENT, argument.pk, argument.review.status, event.pk)
        for argument in event.arguments if argument.pk is not None
    ]


def test_a_decision_in_a_crowded_sentence_reads_what_it_changed_not_the_document(repository, tmp_path, monkeypatch):
    path = tmp_path / "crowded.jsonl"
    path.write_bytes(orjson.dumps(crowded_document(CROWDED)) + b"\n")
    repository.import_documents([d.document for d in read_native([path])])
    session = ReviewSession(repository, "ana")
    session.resume()
    assert len(session.rows) == CROWDED
    with rows_read(monkeypatch) as by_reload:
        session.reload()
    assert by_reload[0] > CROWDED  # a whole read of the document, for comparison

    event = next(row for row in session.rows if row.kind is TargetKind.EVENT)
    steps = {
        "accept": lambda: session.accept(session.current_row),
        "reject": lambda: session.reject(session.current_row),
        "accept an event and its arguments": lambda: session.accept(event),
        "undo": session.undo,
        "redo": session.redo,
        "flag": lambda: session.toggle_flag(session.current_row),
        "fix": lambda: session.apply_fix(session.rows[0], EditResult(value="GPE" if session.rows[0].pk % 2 else "ORG")),
    }
    view = session.view
    for step, act in steps.items():
        with rows_read(monkeypatch) as read:
            assert act() is not False, step
        assert read[0] < CROWDED // 10, f"{step} read {read[0]} rows"
        assert session.view is view, f"{step} replaced the view instead of updating it"
    assert state(session) == fresh_state(session)
    assert view is not None and view.revision == len(steps)


@pytest.mark.parametrize("lane", [None, "ana"])
def test_the_view_updated_in_place_is_what_a_fresh_load_gives(repository, tmp_path, lane):
    # Two mentions of "Kerry" labelled alike, so a relabel changes the labels the document gives those words.
    document = {
        **SMALL_DOCUMENT,
        "text": SMALL_DOCUMENT["text"] + " Kerry left.",
        "entities": [*SMALL_DOCUMENT["entities"], {"id": "T7", "start": 76, "end": 81, "label": "PERSON"}],
    }
    session = open_session(Repository(lane=lane) if lane else repository, tmp_path, document)
    view = session.view
    assert view is not None and len(view.document.sentences) >= 2
    e1, e1_attacker, e1_target, e1_place = event_rows(session, "E1")
    _e2, e2_entity, _e2_other, _e2_time = event_rows(session, "E2")

    in_place = [
        ("accept T1", lambda: session.accept(entity_row(session, "T1"))),
        ("reject T2", lambda: session.reject(entity_row(session, "T2"))),
        ("accept E1 and its pending arguments", lambda: session.accept(e1)),
        ("reject an argument", lambda: session.reject(e2_entity)),
        ("relabel a Kerry", lambda: session.apply_fix(entity_row(session, "T4"), EditResult(value="GPE"))),
        ("move T5's span", lambda: session.apply_fix(entity_row(session, "T5"), EditResult(start=33, end=42))),
        ("move T3 into the next sentence", lambda: session.apply_fix(entity_row(session, "T3"), EditResult(start=53, end=61))),
        ("relink an argument", lambda: session.apply_fix(e1_target, EditResult(choice="x"))),
        ("flag", lambda: session.toggle_flag(e1_place)),
        ("note", lambda: session.set_note(e1_attacker, "check it")),
        ("only pending rows", lambda: session.set_filter("status: pending")),
        ("reject under a filter", lambda: session.reject(entity_row(session, "T6"))),
        ("undo", session.undo),
        ("undo", session.undo),
        ("all rows", lambda: session.set_filter("all")),
        ("undo", session.undo),
        ("redo", session.redo),
        ("undo the relabel", lambda: [session.undo() for _ in range(5)]),
        ("redo", session.redo),
    ]
    for step, act in in_place:
        act()
        assert session.view is view, f"{step}: the view was read again rather than updated"
        assert state(session) == fresh_state(session), step
    assert view.revision > 0

    # What the update cannot place itself is read afresh, and the result is the same.
    assert session.move_argument(e1_attacker, _e2.pk)
    assert state(session) == fresh_state(session)
    session.undo()
    assert state(session) == fresh_state(session)
    session.confirm_sentence()
    assert state(session) == fresh_state(session)


def test_a_decision_shows_in_place_the_status_of_the_row_it_was_made_on(repository, tmp_path):
    session = open_session(repository, tmp_path, SMALL_DOCUMENT)
    row = session.current_row
    assert row is not None and row.status is Status.PENDING
    session.accept(row)
    listed = next(r for r in session.rows if r == row)
    assert listed.status is Status.ACCEPTED
    session.undo()
    listed = next(r for r in session.rows if r == row)
    assert listed.status is Status.PENDING and session.current_row == row
