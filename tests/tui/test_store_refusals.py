"""A store that refuses a write (read-only, or locked too long) is said on the review screen; nothing is lost or crashed."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from annotator.store import ReadOnlyStore, StoreBusy
from tests.tui.pilot import SIZE


@pytest.mark.parametrize("refusal", [ReadOnlyStore("/tmp/s.db"), StoreBusy("/tmp/s.db", 30.0)])
async def test_a_refused_decision_is_said_and_the_review_goes_on(small_app, small_store, monkeypatch, refusal):
    def refuse(*args, **kwargs):
        raise refusal

    before = small_store.review_states()
    async with small_app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(small_store, "accept", refuse)
        monkeypatch.setattr(small_store, "accept_event", refuse)
        await pilot.press("a")
        await pilot.pause()
        assert small_app.is_running
        message = str(small_app.screen.query_one("#message", Static).render())
        assert "/tmp/s.db" in message and ("read-only" in message or "busy" in message)
        monkeypatch.undo()
        await pilot.press("a")
        await pilot.pause()
    assert small_store.review_states() != before  # the next key, once the store takes it, is saved
