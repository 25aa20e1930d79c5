"""A store that refuses a write (read-only, locked too long, full) is said on the review screen; nothing is lost or crashed.

Every path that writes from the review screen is tried: plain keys, and the answer of
every dialog (fix, add an entity or an argument, move, attributes, merge, note, a bulk
preview). The store refuses at the moment of writing, after the dialog was answered;
the screen must say so, keep running, leave the store exactly as it was, and save the
same answer once the store takes writes again.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import Static

from annotator.domain import TargetKind
from annotator.review.editing import DIGITS, HINT_LETTERS
from annotator.store import ReadOnlyStore, StoreBusy, StoreError, StoreFull
from annotator.tui.screens.review import ReviewScreen
from tests.tui.pilot import SIZE, show_candidate

REFUSALS: list[StoreError] = [
    ReadOnlyStore("/tmp/s.db", "the file is not writable"),
    StoreBusy("/tmp/s.db", 30.0),
    StoreFull("/tmp/s.db", "database or disk is full"),
]


def store_contents(repository) -> tuple:
    """Everything a write could change: the log, the review states, and the candidates themselves."""
    document = repository.load_document("two")
    candidates = (
        [(e.pk, e.label, e.start, e.end) for e in document.entities],
        [(e.pk, e.type, e.final("attributes"), [(a.pk, a.role, a.entity_id) for a in e.arguments]) for e in document.events],
    )
    return len(repository.decisions()), repository.review_states(), candidates


def token(session, words: str) -> str:
    """The hint letter of a token of the current sentence, by its text."""
    text = session.document.text
    return HINT_LETTERS[next(i for i, (s, e) in enumerate(session.sentence.tokens) if text[s:e] == words)]


def event(repository, event_id: str):
    return next(e for e in repository.load_document("two").events if e.id == event_id)


def entity(repository, entity_id: str):
    return next(e for e in repository.load_document("two").entities if e.id == entity_id)


# Each path: where the cursor goes, then the keys that answer its dialog (or the key itself).
PATHS: dict[str, tuple[Callable, Callable]] = {
    "accept": (lambda r: (TargetKind.ENTITY, entity(r, "T1").pk), lambda s: ["a"]),
    "reject": (lambda r: (TargetKind.EVENT, event(r, "E1").pk), lambda s: ["x"]),
    "flag": (lambda r: (TargetKind.ENTITY, entity(r, "T1").pk), lambda s: ["f"]),
    "fix": (lambda r: (TargetKind.ENTITY, entity(r, "T1").pk), lambda s: ["e", DIGITS[s.label_choices().index("GPE")]]),
    "add entity": (lambda r: (TargetKind.ENTITY, entity(r, "T1").pk), lambda s: ["n", token(s, "Homs"), DIGITS[0]]),
    "add argument": (
        lambda r: (TargetKind.EVENT, event(r, "E1").pk),
        lambda s: ["r", token(s, "soldiers"), DIGITS[s.role_choices(s.current_row.pk).index("Target")], "enter"],
    ),
    "move argument": (
        lambda r: (TargetKind.ARGUMENT, event(r, "E1").arguments[1].pk),
        lambda s: ["M", s.move_targets(s.current_row)[0].key],
    ),
    "attributes": (lambda r: (TargetKind.EVENT, event(r, "E1").pk), lambda s: ["t", "n"]),
    "merge": (lambda r: (TargetKind.EVENT, event(r, "E2").pk), lambda s: ["w", "1"]),
    "note": (lambda r: (TargetKind.ENTITY, entity(r, "T1").pk), lambda s: ["m", "o", "k", "enter"]),
    "bulk preview": (lambda r: (TargetKind.ENTITY, entity(r, "T1").pk), lambda s: ["A", "enter"]),
}


@pytest.mark.parametrize("path", list(PATHS))
async def test_a_write_the_store_refuses_from_any_key_or_dialog_is_said_and_nothing_changes(
    events_app, repository, monkeypatch, path,
):
    refusal = REFUSALS[list(PATHS).index(path) % len(REFUSALS)]
    where, keys_for = PATHS[path]

    def refuse() -> None:
        raise refusal

    before = store_contents(repository)
    async with events_app.run_test(size=SIZE) as pilot:
        session = events_app.screen.session
        await show_candidate(pilot, *where(repository))
        keys = keys_for(session)
        with monkeypatch.context() as refusing:
            refusing.setattr("annotator.store.locking.check_writable", refuse)
            await pilot.press(*keys)
            await pilot.pause()
            assert events_app.is_running and isinstance(events_app.screen, ReviewScreen)
            message = str(events_app.screen.query_one("#message", Static).render())
            assert str(refusal)[:40] in message
            assert store_contents(repository) == before
        # The store takes writes again: the same keys, from the same row, are saved.
        await show_candidate(pilot, *where(repository))
        await pilot.press(*keys_for(session))
        await pilot.pause()
        assert events_app.is_running
    assert store_contents(repository) != before


async def test_a_refused_decision_is_said_and_the_next_key_is_saved(small_app, small_store, monkeypatch):
    def refuse(*args, **kwargs):
        raise StoreBusy("/tmp/s.db", 30.0)

    before = small_store.review_states()
    async with small_app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(small_store, "accept", refuse)
        monkeypatch.setattr(small_store, "accept_event", refuse)
        await pilot.press("a")
        await pilot.pause()
        assert small_app.is_running
        message = str(small_app.screen.query_one("#message", Static).render())
        assert "/tmp/s.db" in message and "busy" in message
        assert small_store.review_states() == before
        monkeypatch.undo()
        await pilot.press("a")
        await pilot.pause()
    assert small_store.review_states() != before
