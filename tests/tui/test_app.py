"""The review application, driven with Textual's Pilot against a real store; assertions read the database."""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import Static

from annotator.domain import Status, TargetKind
from annotator.formats.native import read_native
from annotator.store import Repository
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.review import ReviewScreen
from annotator.tui.widgets.article_view import ArticleView
from annotator.tui.widgets.candidate_list import CandidateList
from tests.conftest import write_jsonl
from tests.tui.pilot import SIZE, show_candidate


def statuses(repository: Repository) -> dict[str, Status]:
    document = repository.load_document("d1")
    found = {e.id: e.review.status for e in document.entities}
    for event in document.events:
        found[event.id] = event.review.status
        for index, argument in enumerate(event.arguments):
            found[f"{event.id}.{index}"] = argument.review.status
    return found


def decisions(repository: Repository) -> int:
    return len(repository.decisions())


async def test_opens_on_the_first_pending_candidate_and_accept_costs_one_key(small_store):
    app = AnnotatorApp(small_store, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("a")
        assert decisions(small_store) == 1
        assert statuses(small_store)["T1"] is Status.ACCEPTED
        await pilot.press("x")
        assert statuses(small_store)["T2"] is Status.REJECTED
        assert decisions(small_store) == 2
    [first, second] = small_store.decisions()
    assert (first.reviewer, first.action, second.action) == ("ana", "accept", "reject")


async def test_accepting_an_event_accepts_its_pending_arguments_in_one_key_and_one_undo(small_store):
    app = AnnotatorApp(small_store, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(3):  # T1, T2, T3 (the entities of the first sentence)
            await pilot.press("a")
        await pilot.press("a")  # the Attack event
        found = statuses(small_store)
        assert found["E1"] is Status.ACCEPTED
        assert [found[f"E1.{i}"] for i in range(3)] == [Status.ACCEPTED] * 3
        await pilot.press("u")
        found = statuses(small_store)
        assert found["E1"] is Status.PENDING and found["E1.0"] is Status.PENDING
        assert found["T3"] is Status.ACCEPTED
        await pilot.press("U")
        assert statuses(small_store)["E1.2"] is Status.ACCEPTED


async def test_rejecting_one_argument_costs_one_key(small_store):
    app = AnnotatorApp(small_store, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        await show_candidate(pilot, TargetKind.ARGUMENT, small_store.load_document("d1").events[0].arguments[1].pk)
        await pilot.press("x")
        found = statuses(small_store)
        assert found["E1.1"] is Status.REJECTED and found["E1"] is Status.PENDING
        assert decisions(small_store) == 1


async def test_navigation_keys_move_between_candidates_and_sentences(small_store):
    app = AnnotatorApp(small_store, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        session = app.screen.session
        assert (session.sentence_index, session.cursor) == (0, 0)
        await pilot.press("j", "j")
        assert session.cursor == 2
        await pilot.press("k")
        assert session.cursor == 1
        await pilot.press("down", "down", "up")
        assert session.cursor == 2
        await pilot.press("k")
        await pilot.press("right_square_bracket")
        assert session.sentence_index == 1
        await pilot.press("left_square_bracket")
        assert session.sentence_index == 0
        await pilot.press("space")
        assert session.cursor == 1 and decisions(small_store) == 0


async def test_reopening_resumes_after_the_last_decision(small_store, db_path):
    app = AnnotatorApp(small_store, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right_square_bracket")  # sentence 2: Kerry...
        await pilot.press("a")  # accept T4
    again = AnnotatorApp(small_store, reviewer="ana")
    async with again.run_test(size=SIZE):
        session = again.screen.session
        row = session.current_row
        assert session.sentence_index == 1
        assert (row.kind, session.entity(row.pk).id) == (TargetKind.ENTITY, "T5")


async def test_help_lists_every_key_from_the_bindings(small_store):
    app = AnnotatorApp(small_store, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        text = str(app.screen.query_one("#help", Static).render())
        for description in ("Accept", "Reject", "Skip", "Undo", "Redo", "Next sentence", "Next pending", "Quit"):
            assert description in text
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)


async def test_article_text_is_shown_literally(repository, tmp_path):
    text = "Rebels 🙂\u200f\tcafe\u0301 [bold red]attacked[/] [ISIS] in Homs\x1b[31m today 🙂\u200f.\n\nNext line."
    start = text.index("[ISIS]")
    doc = {"id": "hard", "text": text, "entities": [{"start": start, "end": start + 6, "label": "ORG"}]}
    repository.import_documents([d.document for d in read_native([write_jsonl(tmp_path / "h.jsonl", doc)])])
    app = AnnotatorApp(repository, reviewer="ana")
    async with app.run_test(size=SIZE):
        rendered = app.screen.query_one("#article", ArticleView).render()
        article = str(rendered)
        assert "[bold red]attacked[/] [ISIS]" in article
        highlighted = [article[span.start : span.end] for span in rendered.spans if "#ff8787" in str(span.style)]
        assert highlighted == ["[ISIS]"]
        assert "\x1b" not in article and "␛[31m" in article
        candidates = app.screen.query_one("#candidates", CandidateList)
        assert "[ISIS]" in str(candidates.get_option_at_index(0).prompt)


async def test_the_demo_opens_with_a_title_and_progress(demo_app):
    app = demo_app
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        header = " ".join(str(app.screen.query_one(f"#header-{part}", Static).render()) for part in ("title", "status"))
        assert "Russia admits hitting non-ISIS targets in Syria" in header
        assert "doc 1/1" in header and "sentence 1/47" in header and "ana" in header
        assert "0/" in header and "▕░░░░░░░░░░▏ 0%" in header
        status = app.screen.query_one("#header-status", Static)
        assert status.size.width >= len(str(status.render())), "the status line is cut: laid out for an earlier text"


async def test_an_empty_store_says_how_to_fill_it(repository):
    app = AnnotatorApp(repository, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        assert "annotator import" in str(app.query_one("#notice", Static).render())
        await pilot.press("ctrl+q")


async def test_a_click_puts_the_cursor_on_the_candidate_and_the_next_key_decides_it(small_app, small_store):
    async with small_app.run_test(size=SIZE) as pilot:
        candidates = small_app.screen.query_one(CandidateList)
        assert await pilot.click(CandidateList, offset=(4, 3))  # inside the border: the third line, T3
        assert candidates.highlighted_row == small_app.screen.session.current_row
        await pilot.press("a")
    found = statuses(small_store)
    assert found["T3"] is Status.ACCEPTED and found["T1"] is Status.PENDING and decisions(small_store) == 1


async def test_labels_types_roles_notes_and_warnings_are_shown_as_written(repository, tmp_path):
    text = "Rebels attacked Homs."
    doc = {"id": "odd", "text": text,
           "entities": [{"id": "T1", "start": 0, "end": 6, "label": "[b]ORG\x07"},
                        {"id": "T2", "start": 16, "end": 20, "label": "GPE"}],
           "events": [{"id": "E1", "type": "[red]Bad\x1bType", "trigger": {"start": 7, "end": 15},
                       "attributes": {"polarity": "[i]neg\x1b"},
                       "arguments": [{"role": "[u]Who\x1b", "entity": "T1"}]}]}
    # The readers now refuse control characters, but a store written by an older release or by
    # another program may hold them: put them on the documents after reading, as such a store would.
    hostile = {"LABEL": "[b]ORG\x07", "TYPE": "[red]Bad\x1bType", "VALUE": "[i]neg\x1b", "ROLE": "[u]Who\x1b"}
    doc["entities"][0]["label"], doc["events"][0]["type"] = "LABEL", "TYPE"
    doc["events"][0]["attributes"]["polarity"], doc["events"][0]["arguments"][0]["role"] = "VALUE", "ROLE"
    [read] = [d.document for d in read_native([write_jsonl(tmp_path / "odd.jsonl", doc)])]
    [event] = read.events
    event = replace(
        event, type=hostile["TYPE"], attributes={"polarity": hostile["VALUE"]},
        arguments=tuple(replace(a, role=hostile["ROLE"]) for a in event.arguments),
    )
    read = replace(read, entities=(replace(read.entities[0], label=hostile["LABEL"]), *read.entities[1:]), events=(event,))
    repository.import_documents([read])
    first = repository.load_document("odd").entities[0]
    repository.set_note("bob", TargetKind.ENTITY, first.pk, "see [bold]this[/]\x1b[31m")
    app = AnnotatorApp(repository, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        candidates = app.screen.query_one(CandidateList)
        lines = [str(candidates.get_option_at_index(i).prompt) for i in range(candidates.option_count)]
        shown = "\n".join(lines)
        assert "[b]ORG␇" in lines[0] and "✉ see [bold]this[/]␛[31m" in lines[0]
        assert "[red]Bad␛Type" in shown and "[i]neg␛" in shown and "[u]Who␛" in shown
        assert "⚠ [red]Bad␛Type is not an event type of the schema" in lines[2]
        assert "\x1b" not in shown and "\x07" not in shown
        event = repository.load_document("odd").events[0]
        await show_candidate(pilot, TargetKind.ARGUMENT, event.arguments[0].pk)
        detail = str(app.screen.query_one("#detail", Static).render())
        assert "[u]Who␛ of [red]Bad␛Type «attacked»: “Rebels”  = Rebels ([b]ORG␇)" in detail
        assert "\x1b" not in detail
        await show_candidate(pilot, TargetKind.EVENT, event.pk)
        assert "polarity: [i]neg␛" in str(app.screen.query_one("#detail", Static).render())
