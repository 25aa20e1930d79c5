"""Snapshots of the main screens (reviewed like code; `pytest --snapshot-update` rewrites them)."""

from __future__ import annotations

import pytest

from annotator import store
from annotator.domain import TargetKind
from annotator.formats.native import read_native
from annotator.store import Repository
from annotator.tui.app import AnnotatorApp
from tests.conftest import FIXTURES


@pytest.fixture
def demo_app(tmp_path, monkeypatch):
    """The demo article in a fresh store, with a few decisions (at fixed times) so every status shows."""
    store.connect(tmp_path / "snap.db")
    repository = Repository()
    repository.import_documents([d.document for d in read_native([FIXTURES / "demo.jsonl"])])
    entities = repository.load_document("000_64f573a14888b357").entities
    moments = iter(range(1_700_000_000, 1_800_000_000, 20))
    with monkeypatch.context() as patched:
        patched.setattr("annotator.store.repository.time.time", lambda: float(next(moments)))
        repository.accept("ana", TargetKind.ENTITY, entities[0].pk)
        repository.reject("ana", TargetKind.ENTITY, entities[1].pk)
        repository.fix("ana", TargetKind.ENTITY, entities[2].pk, label="NORP")
    yield AnnotatorApp(repository, reviewer="ana")
    store.close()


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_review_screen_120x36(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=(120, 36), run_before=settle)


def test_review_screen_80x24(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=settle)


def test_event_card_being_fixed(snap_compare, demo_app):
    async def open_fix(pilot):
        await settle(pilot)
        session = pilot.app.screen.session
        event = next(e for e in session.document.events if e.arguments)
        session.focus_target(TargetKind.EVENT, event.pk)
        pilot.app.screen.refresh_view()
        await pilot.press("e")
        await pilot.pause()

    assert snap_compare(demo_app, terminal_size=(120, 36), run_before=open_fix)


def test_help_screen(snap_compare, demo_app):
    async def open_help(pilot):
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(demo_app, terminal_size=(120, 36), run_before=open_help)


def test_stats_screen(snap_compare, demo_app):
    async def open_stats(pilot):
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)

    assert snap_compare(demo_app, terminal_size=(120, 36), run_before=open_stats)
