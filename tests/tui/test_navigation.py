"""Getting round and reading it right: jump by a row's letters, find that wraps and lands on the match, the flags
list, dismissed warnings, undo that says what it undid, a pane that widens, the current row always whole."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from annotator.domain import Action, TargetKind
from annotator.formats.native import read_native
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.flags import FlagsScreen
from annotator.tui.screens.review import ReviewScreen
from annotator.tui.screens.text_prompt import TextPrompt
from annotator.tui.widgets.candidate_list import CandidateList
from tests.conftest import write_jsonl
from tests.tui.pilot import SIZE, show_candidate


def message(app) -> str:
    return str(app.screen.query_one("#message", Static).render())


def detail(app) -> str:
    return str(app.screen.query_one("#detail", Static).render())


def list_lines(app) -> list[str]:
    candidates = app.screen.query_one(CandidateList)
    return [str(candidates.get_option_at_index(i).prompt) for i in range(candidates.option_count)]


def entity_id(app) -> str:
    session = app.screen.session
    row = session.current_row
    assert row is not None and row.kind is TargetKind.ENTITY
    return session.entity(row.pk).id


async def test_jump_goes_to_a_row_by_the_letters_beside_it_and_any_other_key_cancels(small_app, small_store):
    async with small_app.run_test(size=SIZE) as pilot:
        session = small_app.screen.session
        assert [line[0] for line in list_lines(small_app)] == ["a", "b", "c", "d", "e", "f", "g"]
        await pilot.press("apostrophe", "c")
        assert entity_id(small_app) == "T3"
        await pilot.press("apostrophe", "right_square_bracket")  # not a hint: the jump is off, and so is the key
        assert session.sentence_index == 0 and entity_id(small_app) == "T3"
        await pilot.press("apostrophe", "e")
        assert session.current_row.kind is TargetKind.ARGUMENT
        await pilot.press("a")
    attack = small_store.load_document("d1").events[0]
    assert attack.arguments[0].review.status.value == "accepted"


async def test_find_wraps_lands_on_the_match_and_the_prompt_offers_the_last_query_selected(two_documents):
    app = AnnotatorApp(two_documents, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        session = app.screen.session
        await pilot.press("slash", *"lavrov", "enter")
        assert (session.document.id, session.sentence_index, entity_id(app)) == ("d1", 1, "T5")
        await pilot.press("full_stop")
        assert (session.document.id, entity_id(app)) == ("d2", "T5")
        await pilot.press("full_stop")
        assert (session.document.id, entity_id(app)) == ("d1", "T5")
        assert "wrapped" in message(app)
        await pilot.press("slash")
        assert isinstance(app.screen, TextPrompt)
        field = app.screen.query_one(Input)
        assert field.value == "lavrov" and field.selected_text == "lavrov"
        await pilot.press(*"homs", "enter")  # typing replaces the offered query
        assert session.last_query == "homs"
        assert (session.document.id, session.sentence_index, entity_id(app)) == ("d1", 0, "T3")


async def test_flags_lists_every_flagged_or_noted_candidate_of_the_store_and_enter_jumps(two_documents):
    second = two_documents.load_document("d2").entities[4]  # Lavrov, in the other document
    two_documents.set_note("bob", TargetKind.ENTITY, second.pk, "check the [spelling]")
    app = AnnotatorApp(two_documents, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")  # flag Rebels, in d1
        await pilot.press("exclamation_mark")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, FlagsScreen)
        table = app.screen.query_one(DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert [row[0] for row in rows] == ["d1", "d2"]
        assert "Rebels" in rows[0][1] and rows[0][2] == "⚑" and rows[1][3] == "check the [spelling]"
        await pilot.press("down", "enter")
        assert isinstance(app.screen, ReviewScreen)
        session = app.screen.session
        assert (session.document.id, entity_id(app)) == ("d2", "T5")


async def test_a_warning_is_dismissed_by_its_letter_logged_and_no_longer_shown(repository, tmp_path):
    doc = {"id": "d", "text": "Homs fell. Rebels left Homs.",
           "entities": [{"start": 0, "end": 4, "label": "GPE"}, {"start": 23, "end": 27, "label": "ORG"}]}
    repository.import_documents([d.document for d in read_native([write_jsonl(tmp_path / "d.jsonl", doc)])])
    app = AnnotatorApp(repository, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        assert "⚠ ORG elsewhere" in list_lines(app)[0]
        await pilot.press("w", "a")
        assert "⚠" not in list_lines(app)[0]
    first = repository.load_document("d").entities[0]
    assert first.review.dismissed == ("ORG elsewhere",) and first.review.status.value == "pending"
    assert [d.action for d in repository.decisions()] == [Action.DISMISS]


async def test_undo_and_redo_say_what_they_undid(small_app, small_store):
    async with small_app.run_test(size=SIZE) as pilot:
        await pilot.press("a", "u")
        assert message(small_app).startswith("Undid: ") and "Rebels" in message(small_app)
        await pilot.press("U")
        assert message(small_app).startswith("Redid: ")


async def test_the_candidate_pane_widens_with_the_terminal_and_the_current_row_shows_whole(repository, tmp_path):
    name = "Syrian Observatory for Human Rights and Allied Monitoring Groups"
    doc = {"id": "long", "text": f"The {name} reported strikes.",
           "entities": [{"start": 4, "end": 4 + len(name), "label": "ORG"}]}
    repository.import_documents([d.document for d in read_native([write_jsonl(tmp_path / "l.jsonl", doc)])])
    for width in (80, 200):
        app = AnnotatorApp(repository, reviewer="ana")
        async with app.run_test(size=(width, 30)) as pilot:
            await pilot.pause()
            pane = app.screen.query_one("#candidate-pane")
            assert pane.size.width == width // 2
            line = list_lines(app)[0]
            assert (name in line) is (width == 200), line
            assert name in detail(app) and "ORG" in detail(app)


async def test_argument_rows_show_role_extent_and_referent_and_the_article_marks_both(events_app, repository):
    from annotator.tui.render import EXTENT_STYLE, REFERENT_STYLE
    from annotator.tui.widgets.article_view import ArticleView

    place = repository.load_document("two").events[0].arguments[2]
    repository.fix("ana", TargetKind.ARGUMENT, place.pk, start=36)  # "in Homs", still referring to Homs
    async with events_app.run_test(size=SIZE) as pilot:
        await show_candidate(pilot, TargetKind.ARGUMENT, place.pk)
        line = next(line for line in list_lines(events_app) if "Place" in line and "“in Homs”" in line)
        assert "= Homs (GPE)" in line
        assert "Place of Conflict.Attack «attacked»: “in Homs”  = Homs (GPE)" in detail(events_app)
        rendered = events_app.screen.query_one(ArticleView).render()
        article = str(rendered)
        marked = {str(span.style): article[span.start : span.end] for span in rendered.spans}
        assert marked[EXTENT_STYLE] == "in Homs" and marked[REFERENT_STYLE] == "Homs"
