"""Opening and closing dialogs over the review screen leaves nothing behind: the footer is composed once.

Textual's footer recomposed after every dialog and kept the old keys' watchers, so each
dialog opened slower than the one before. After many dialogs the footer must hold the
same keys it was composed with, no more watchers, and the next key must still decide.
"""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from annotator.domain import Status
from annotator.tui.screens.review import ReviewScreen
from annotator.tui.widgets.bindings_footer import BindingsFooter
from tests.tui.pilot import SIZE


def compact_watchers(footer: BindingsFooter) -> int:
    """How many watchers Textual keeps on the footer's `compact` (one per key it has ever composed)."""
    return len(getattr(footer, "__watchers", {}).get("compact", []))


async def test_twenty_dialogs_leave_the_footer_as_it_was_and_the_next_key_decides(small_app, small_store):
    async with small_app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        footer = small_app.screen.query_one(BindingsFooter)
        keys = list(footer.query(FooterKey))
        watchers = compact_watchers(footer)
        assert keys and watchers
        for _ in range(5):
            await pilot.press("question_mark", "escape", "slash", "escape")
        await pilot.pause()
        assert isinstance(small_app.screen, ReviewScreen)
        assert list(footer.query(FooterKey)) == keys
        assert compact_watchers(footer) == watchers
        await pilot.press("a")
    assert Status.ACCEPTED in {e.review.status for e in small_store.load_document("d1").entities}
