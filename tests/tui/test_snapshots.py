"""Snapshots of the main screens (reviewed like code; `pytest --snapshot-update` rewrites them)."""

from __future__ import annotations

import pytest

from annotator import store
from annotator.domain import TargetKind
from annotator.review.editing import hint_labels
from annotator.store import Repository
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.review import ReviewScreen
from tests.tui.conftest import DEMO_DOCUMENT
from tests.tui.pilot import show_candidate


@pytest.fixture
def repository(tmp_path):
    """Snapshots are of the screen, not the store: one SQLite store, so each test has one snapshot."""
    store.connect(tmp_path / "store.db")
    yield Repository()
    store.close()


@pytest.fixture
def decided_demo_app(demo_store, monkeypatch):
    """The demo article with a few decisions (at fixed times) so every status shows."""
    entities = demo_store.load_document(DEMO_DOCUMENT).entities
    moments = iter(range(1_700_000_000, 1_800_000_000, 20))
    with monkeypatch.context() as patched:
        patched.setattr("time.time", lambda: float(next(moments)))
        demo_store.accept("ana", TargetKind.ENTITY, entities[0].pk)
        demo_store.reject("ana", TargetKind.ENTITY, entities[1].pk)
        demo_store.fix("ana", TargetKind.ENTITY, entities[2].pk, label="NORP")
    return AnnotatorApp(demo_store, reviewer="ana")


async def settle(pilot) -> None:
    """Wait for the workers, for the progress count to reach the header, and for the layout that follows it."""
    await pilot.app.workers.wait_for_complete()
    screen = pilot.app.screen
    while isinstance(screen, ReviewScreen) and screen.progress is None:
        await pilot.pause(0.01)
    await pilot.pause()
    await pilot.pause()


def test_review_screen_120x36(snap_compare, decided_demo_app):
    assert snap_compare(decided_demo_app, terminal_size=(120, 36), run_before=settle)


def test_review_screen_80x24(snap_compare, decided_demo_app):
    assert snap_compare(decided_demo_app, terminal_size=(80, 24), run_before=settle)


def test_event_card_being_fixed(snap_compare, decided_demo_app):
    async def open_fix(pilot):
        await settle(pilot)
        session = pilot.app.screen.session
        event = next(e for e in session.document.events if e.arguments)
        await show_candidate(pilot, TargetKind.EVENT, event.pk)
        await pilot.press("e")
        await pilot.pause()

    assert snap_compare(decided_demo_app, terminal_size=(120, 36), run_before=open_fix)


def test_help_screen(snap_compare, decided_demo_app):
    async def open_help(pilot):
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(decided_demo_app, terminal_size=(120, 36), run_before=open_help)


def test_stats_screen(snap_compare, decided_demo_app):
    async def open_stats(pilot):
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)

    assert snap_compare(decided_demo_app, terminal_size=(120, 36), run_before=open_stats)


def test_argument_being_added(snap_compare, decided_demo_app):
    async def add_argument(pilot):
        await settle(pilot)
        session = pilot.app.screen.session
        session.goto_sentence(6)  # "Russian jets began bombing territories held by Syrian opposition forces …"
        bombing = next(e for e in session.events_in[6] if session.document.text[e.trigger_start : e.trigger_end] == "bombing")
        await show_candidate(pilot, TargetKind.EVENT, bombing.pk)
        text, tokens = session.document.text, session.sentence.tokens
        first = next(i for i, (s, e) in enumerate(tokens) if text[s:e] == "territories")
        await pilot.press("r", *hint_labels(len(tokens))[first], "right", "right", "right", "right", "right")
        await pilot.pause()

    assert snap_compare(decided_demo_app, terminal_size=(120, 36), run_before=add_argument)


def test_bulk_preview(snap_compare, decided_demo_app):
    async def open_preview(pilot):
        await settle(pilot)
        session = pilot.app.screen.session
        gpe = next(e for e in session.document.entities if e.label == "GPE" and e.review.status.value == "pending")
        await show_candidate(pilot, TargetKind.ENTITY, gpe.pk)
        await pilot.press("L", "down", "down", "space")  # the third mention unticked
        await pilot.pause()

    assert snap_compare(decided_demo_app, terminal_size=(120, 36), run_before=open_preview)
