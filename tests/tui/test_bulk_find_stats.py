"""Bulk decisions (preview, confirm, one undo step), find, notes, document jumps and the stats screen."""

from __future__ import annotations

from textual.widgets import DataTable, SelectionList, Static

from annotator.domain import Action, Status, TargetKind
from annotator.formats.native import read_native
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.bulk_preview import BulkPreviewScreen
from annotator.tui.screens.review import ReviewScreen
from annotator.tui.screens.stats import StatsScreen
from tests.conftest import write_jsonl
from tests.tui.pilot import SIZE, show_candidate


def entity_statuses(repository, document="d1"):
    return {e.id: e.review.status for e in repository.load_document(document).entities}


async def test_accept_the_rest_of_the_sentence_after_a_preview_is_one_undo_step(two_documents):
    app = AnnotatorApp(two_documents, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("A")
        preview = str(app.screen.query_one("#preview-title", Static).render())
        assert "accept 7 pending candidates" in preview
        await pilot.press("enter")
        first_sentence = entity_statuses(two_documents)
        assert [first_sentence[t] for t in ("T1", "T2", "T3")] == [Status.ACCEPTED] * 3
        assert first_sentence["T4"] is Status.PENDING
        await pilot.press("u")
        assert set(entity_statuses(two_documents).values()) == {Status.PENDING}


async def test_accept_a_label_in_the_document_or_the_corpus(two_documents):
    app = AnnotatorApp(two_documents, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("L")  # cursor on T1, an ORG
        preview = str(app.screen.query_one("#preview-title", Static).render())
        assert "accept 2 pending ORG in this document" in preview
        assert "label, this document: 2" in preview and "label, whole corpus: 4" in preview
        assert "score, whole corpus: 2" in preview
        await pilot.press("c", "enter")
    for document in ("d1", "d2"):
        statuses = entity_statuses(two_documents, document)
        assert statuses["T1"] is statuses["T2"] is Status.ACCEPTED
        assert statuses["T3"] is Status.PENDING


async def test_apply_a_decision_to_identical_mentions(repository, tmp_path):
    doc = {"id": "d", "text": "Homs fell. Rebels left Homs. Homs is quiet. Homs again.",
           "entities": [{"start": 0, "end": 4, "label": "GPE"}, {"start": 23, "end": 27, "label": "GPE"},
                        {"start": 29, "end": 33, "label": "GPE"}, {"start": 44, "end": 48, "label": "ORG"}]}
    repository.import_documents([d.document for d in read_native([write_jsonl(tmp_path / "d.jsonl", doc)])])
    app = AnnotatorApp(repository, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")  # reject the first Homs; the cursor moves on
        await show_candidate(pilot, TargetKind.ENTITY, repository.load_document("d").entities[0].pk)
        await pilot.press("I")
        assert "reject: 2 other mentions of «Homs»" in str(app.screen.query_one("#preview-title", Static).render())
        await pilot.press("enter")
    statuses = [e.review.status for e in repository.load_document("d").entities]
    assert statuses == [Status.REJECTED, Status.REJECTED, Status.REJECTED, Status.PENDING]


async def test_find_goes_to_matching_sentences_across_documents(two_documents):
    app = AnnotatorApp(two_documents, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await pilot.press(*"new york", "enter")
        session = app.screen.session
        assert (session.document.id, session.sentence_index) == ("d1", 1)
        await pilot.press("full_stop")
        assert (session.document.id, session.sentence_index) == ("d2", 1)


async def test_a_note_is_saved_on_the_candidate(two_documents):
    app = AnnotatorApp(two_documents, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await pilot.press(*"check [ISIS]", "enter")
    first = two_documents.load_document("d1").entities[0]
    assert first.review.note == "check [ISIS]" and first.review.status is Status.PENDING


async def test_jump_to_a_document_from_the_list_and_next_pending_crosses_documents(two_documents):
    app = AnnotatorApp(two_documents, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("D")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2 and "0/14" in str(table.get_row_at(0)[3])
        await pilot.press("down", "enter")
        assert app.screen.session.document.id == "d2"
        two_documents.accept_many(
            "ana", [(TargetKind.ENTITY, e.pk) for e in two_documents.load_document("d1").entities], Action.BULK_ACCEPT,
        )
        await pilot.press("D")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("up", "enter")
        session = app.screen.session
        assert session.document.id == "d1"
        session.goto_sentence(1)
        session.cursor = len(session.rows) - 1
        await pilot.press("g")
        assert session.document.id == "d2"


async def test_stats_screen_shows_rates_per_label_type_and_role(two_documents):
    entities = two_documents.load_document("d1").entities
    two_documents.accept("ana", TargetKind.ENTITY, entities[0].pk)
    two_documents.reject("ana", TargetKind.ENTITY, entities[1].pk)
    two_documents.fix("ana", TargetKind.ENTITY, entities[2].pk, end=entities[2].end - 1)
    app = AnnotatorApp(two_documents, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        labels = app.screen.query_one("#stats-labels", DataTable)
        rows = {str(labels.get_row_at(i)[0]): [str(c) for c in labels.get_row_at(i)] for i in range(labels.row_count)}
        assert rows["ORG"][1:] == ["2", "1", "1", "0", "0", "50%", "0%"]
        assert rows["GPE"][1:] == ["3", "0", "0", "1", "0", "100%", "100%"]
        assert "3 decisions" in str(app.screen.query_one("#throughput", Static).render())
        await pilot.press("escape")
        assert not isinstance(app.screen, StatsScreen)


async def test_filter_shows_only_matching_candidates_and_next_pending_follows_it(two_documents):
    app = AnnotatorApp(two_documents, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        session = app.screen.session
        await pilot.press("F", *"person")
        await pilot.press("1")
        assert session.row_filter == "label: PERSON"
        await pilot.press("g")
        row = session.current_row
        assert session.entity(row.pk).label == "PERSON" and session.sentence_index == 1
        await pilot.press("a", "a")
        statuses = entity_statuses(two_documents)
        assert statuses["T4"] is statuses["T5"] is Status.ACCEPTED and statuses["T6"] is Status.PENDING
        await pilot.press("F", "1")
        assert session.row_filter == "all"


def preview_lines(app) -> list[str]:
    mentions = app.screen.query_one(SelectionList)
    return [str(mentions.get_option_at_index(i).prompt) for i in range(mentions.option_count)]


async def test_a_bulk_preview_lists_the_mentions_in_context_and_an_unticked_one_is_left_pending(two_documents):
    app = AnnotatorApp(two_documents, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("L")
        assert isinstance(app.screen, BulkPreviewScreen)
        lines = preview_lines(app)
        assert len(lines) == 2 and "Rebels" in lines[0] and "[ISIS]" in lines[1] and "attacked [ISIS] in" in lines[1]
        await pilot.press("down", "space", "enter")  # [ISIS] is no organisation of the corpus's: leave it
        assert isinstance(app.screen, ReviewScreen)
        assert "1 left as they were" in str(app.screen.query_one("#message", Static).render())
    statuses = entity_statuses(two_documents)
    assert (statuses["T1"], statuses["T2"]) == (Status.ACCEPTED, Status.PENDING)
    assert entity_statuses(two_documents, "d2")["T1"] is Status.PENDING  # the document scope, not the corpus


async def test_identical_mentions_say_what_they_apply(repository, tmp_path):
    doc = {"id": "d", "text": "Homs fell. Rebels left Homs. Homs is quiet.",
           "entities": [{"start": 0, "end": 4, "label": "ORG"}, {"start": 23, "end": 27, "label": "ORG"},
                        {"start": 29, "end": 33, "label": "ORG"}]}
    repository.import_documents([d.document for d in read_native([write_jsonl(tmp_path / "d.jsonl", doc)])])
    first = repository.load_document("d").entities[0]
    repository.fix("ana", TargetKind.ENTITY, first.pk, label="GPE")
    app = AnnotatorApp(repository, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        await show_candidate(pilot, TargetKind.ENTITY, first.pk)
        await pilot.press("I")
        assert "ORG→GPE: 2 other mentions of «Homs»" in str(app.screen.query_one("#preview-title", Static).render())
        await pilot.press("enter")
    assert [e.final("label") for e in repository.load_document("d").entities] == ["GPE", "GPE", "GPE"]


async def test_a_corpus_wide_preview_reads_its_mentions_as_they_are_scrolled(two_documents, monkeypatch):
    monkeypatch.setattr("annotator.tui.screens.bulk_preview.PAGE", 2)
    app = AnnotatorApp(two_documents, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("L", "c")  # every pending ORG of the corpus: 4, read two at a time
        assert "4 of 4 ticked (first 2 shown" in str(app.screen.query_one("#preview-keys", Static).render())
        assert len(preview_lines(app)) == 2
        await pilot.press("down")
        lines = preview_lines(app)
        assert len(lines) == 4 and lines[2].endswith("d2")
        await pilot.press("down", "down", "space", "enter")  # untick the last: d2's [ISIS]
    assert entity_statuses(two_documents, "d2")["T2"] is Status.PENDING
    assert entity_statuses(two_documents, "d2")["T1"] is Status.ACCEPTED
    assert entity_statuses(two_documents)["T2"] is Status.ACCEPTED
