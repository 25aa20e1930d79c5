"""A reviewer's keymap file replaces keys everywhere; the command palette runs every action."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from textual.widgets import Static

from annotator.cli import main
from annotator.domain import Status
from annotator.tui.app import AnnotatorApp
from annotator.tui.keymap import KeymapError, load_keymap
from annotator.tui.screens.review import ReviewScreen
from tests.tui.pilot import SIZE

IDS = {b.id for b in ReviewScreen.BINDINGS}


def first_status(repository) -> Status:
    return repository.load_document("d1").entities[0].review.status


async def test_a_keymap_changes_the_key_and_the_help_shows_it(small_store, tmp_path):
    path = tmp_path / "keys.json"
    path.write_text(json.dumps({"accept": "y"}))
    app = AnnotatorApp(small_store, reviewer="ana", keymap=load_keymap(path, IDS))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        assert first_status(small_store) is Status.PENDING
        await pilot.press("y")
        assert first_status(small_store) is Status.ACCEPTED
        await pilot.press("question_mark")
        help_text = str(app.screen.query_one("#help", Static).render())
        assert "y  Accept" in help_text.replace("   [accept]", "")


def test_a_bad_keymap_is_refused_with_the_reason(tmp_path, monkeypatch):
    path = tmp_path / "keys.json"
    path.write_text(json.dumps({"acept": "y"}))
    with pytest.raises(KeymapError, match="unknown binding id"):
        load_keymap(path, IDS)
    with pytest.raises(KeymapError, match="no such keymap file"):
        load_keymap(tmp_path / "absent.json", IDS)
    monkeypatch.setattr("annotator.tui.keymap.default_keymap_path", lambda: tmp_path / "none" / "keys.json")
    assert load_keymap(None, IDS) == {}  # the default file is optional


def test_keys_command_lists_binding_ids():
    result = CliRunner().invoke(main, ["keys"])
    assert result.exit_code == 0
    assert "accept" in result.output and "keys.json" in result.output
    listed = {line.split()[0] for line in result.output.splitlines() if line.strip()}
    new_ids = {"add_entity", "add_event", "add_argument", "move_argument", "edit_attributes", "dismiss_warning", "flags", "jump"}
    assert new_ids <= listed
    assert "jump                 '" in result.output and "flags                !" in result.output


async def test_the_command_palette_runs_an_action(small_store):
    app = AnnotatorApp(small_store, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Reject")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert first_status(small_store) is Status.REJECTED
