"""At 80 columns the header keeps the document's title whole: the status shrinks to position and percentage."""

from __future__ import annotations

from textual.widgets import Static


async def test_at_eighty_columns_the_title_is_whole_and_the_status_short(demo_app):
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await demo_app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        title = demo_app.screen.query_one("#header-title", Static)
        status = str(demo_app.screen.query_one("#header-status", Static).render())
        assert status.startswith("1/47 · ana") and status.endswith("%")
        assert "Russia admits hitting non-ISIS targets in Syria" in str(title.render())
        assert title.size.width >= len("Russia admits hitting non-ISIS targets in Syria")
