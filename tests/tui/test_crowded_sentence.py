"""A sentence holding more candidates than the list shows at once: the list pages, keys still decide their own row.

The list holds `PAGE_ROWS` rows at a time, the page holding the cursor; crossing a page
boundary relists it. The database must show each key's decision on the candidate the
cursor was on, across the boundary, and the article must show a window of the long
sentence around that candidate.
"""

from __future__ import annotations

import sqlite3

import orjson
import pytest
from textual.widgets import Static

from annotator.domain import Status
from annotator.formats.native import read_native
from annotator.tui.app import AnnotatorApp
from annotator.tui.place import PAGE_ROWS
from annotator.tui.widgets.article_view import ArticleView
from annotator.tui.widgets.candidate_list import CandidateList
from tests.bench.bench_tui import crowded_document
from tests.tui.pilot import SIZE, show_candidate

CANDIDATES = PAGE_ROWS * 2 + 50


@pytest.fixture
def crowded_app(repository, tmp_path) -> AnnotatorApp:
    """The app over one sentence of `CANDIDATES` candidates."""
    path = tmp_path / "crowded.jsonl"
    path.write_bytes(orjson.dumps(crowded_document(CANDIDATES)) + b"\n")
    repository.import_documents([d.document for d in read_native([path])])
    return AnnotatorApp(repository, reviewer="ana")


def decided(db) -> list[tuple[str, str, int]]:
    connection = sqlite3.connect(db)
    try:
        return connection.execute(
            "SELECT action, target_kind, target_id FROM decision WHERE action != 'import' ORDER BY id"
        ).fetchall()
    finally:
        connection.close()


async def test_keys_across_a_page_boundary_decide_the_row_under_the_cursor(crowded_app, db_path):
    async with crowded_app.run_test(size=SIZE) as pilot:
        session = crowded_app.screen.session
        candidates = crowded_app.screen.query_one(CandidateList)
        assert len(session.rows) == CANDIDATES and candidates.option_count == PAGE_ROWS
        last_of_first_page = session.rows[PAGE_ROWS - 1]
        await show_candidate(pilot, last_of_first_page.kind, last_of_first_page.pk)
        await pilot.press("j")  # onto the second page
        first_of_second_page = session.rows[PAGE_ROWS]
        assert session.current_row == first_of_second_page
        assert candidates.highlighted_row == first_of_second_page
        assert f"rows {PAGE_ROWS + 1}–{2 * PAGE_ROWS}" in str(candidates.border_title)
        await pilot.press("x")
        await pilot.press("k", "k", "a")  # back onto the first page: its last row
        article = str(crowded_app.screen.query_one(ArticleView).render())
        assert article.startswith("▶ … ") or "\n▶ … " in article  # a window of the long sentence
        words = crowded_app.session.document.text
        entity = session.entity(last_of_first_page.pk)
        assert words[entity.start : entity.end] in article
        detail = str(crowded_app.screen.query_one("#detail", Static).render())
        assert detail
    assert decided(db_path) == [
        ("reject", first_of_second_page.kind.value, first_of_second_page.pk),
        ("accept", last_of_first_page.kind.value, last_of_first_page.pk),
    ]


async def test_keys_in_a_crowded_sentence_show_what_a_full_reload_shows(crowded_app):
    """Decisions update the loaded sentence in place; the lines, statuses and article then equal a fresh read's."""
    async with crowded_app.run_test(size=SIZE) as pilot:
        session = crowded_app.screen.session
        view = session.view
        await pilot.press("j", "j", "a", "x", "j", "a", "u", "U", "u", "f")
        await pilot.pause()
        assert session.view is view  # updated in place, never read again
        candidates = crowded_app.screen.query_one(CandidateList)

        def shown() -> tuple:
            return (
                [(row.kind, row.pk, row.status) for row in session.rows],
                session.cursor,
                [str(option.prompt) for option in candidates.options],
                str(candidates.border_title),
                str(crowded_app.screen.query_one(ArticleView).render()),
                str(crowded_app.screen.query_one("#detail", Static).render()),
            )

        in_place = shown()
        top = candidates.scroll_offset.y
        for y in range(candidates.scrollable_content_region.height):  # each line drawn anew where its words changed
            assert str(candidates.options[top + y].prompt).strip() in candidates.render_line(y).text
        assert sum(row.status is not Status.PENDING for row in session.rows) == 2  # a, x, a, then u U u
        session.reload()
        crowded_app.screen.show_session()
        await pilot.pause()
        assert session.view is not view
        assert shown() == in_place


async def test_home_end_and_page_keys_reach_any_row_of_a_crowded_sentence(crowded_app, db_path):
    async with crowded_app.run_test(size=SIZE) as pilot:
        session = crowded_app.screen.session
        candidates = crowded_app.screen.query_one(CandidateList)
        await pilot.press("end")
        assert session.cursor == CANDIDATES - 1 and candidates.highlighted_row == session.rows[-1]
        await pilot.press("a")  # decides the last row, on the last page of the list
        await pilot.press("home")
        assert session.cursor == 0 and candidates.highlighted_row == session.rows[0]
        await pilot.press("pagedown")
        screenful = session.cursor
        assert 1 < screenful < CANDIDATES
        await pilot.press("pagedown", "pageup")
        assert session.cursor == screenful
        await pilot.press("x")
        await pilot.pause()
    last, paged = session.rows[-1], session.rows[screenful]
    assert decided(db_path) == [("accept", last.kind.value, last.pk), ("reject", paged.kind.value, paged.pk)]
