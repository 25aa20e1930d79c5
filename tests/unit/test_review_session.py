"""The review loop without Textual: keys decide the candidate they were pressed on, and the store says so."""

from __future__ import annotations

import subprocess
import sys

import pytest

from annotator.domain import Action, Status, TargetKind
from annotator.formats.native import read_native
from annotator.review.editing import EditResult
from annotator.review.session import ReviewSession, Row
from annotator.schema import load_schema
from annotator.store import Repository
from tests.conftest import SMALL_DOCUMENT, write_jsonl

# Two mentions of "Kerry" with the same label, and one of "Lavrov".
REPEATED_MENTIONS = {
    "id": "r1",
    "text": "Kerry met Lavrov. Kerry left.",
    "entities": [
        {"id": "K1", "start": 0, "end": 5, "label": "PERSON"},
        {"id": "L1", "start": 10, "end": 16, "label": "PERSON"},
        {"id": "K2", "start": 18, "end": 23, "label": "PERSON"},
    ],
}


def import_documents(repository: Repository, tmp_path, *documents: dict) -> None:
    path = write_jsonl(tmp_path / "documents.jsonl", *documents)
    repository.import_documents([d.document for d in read_native([path])])


@pytest.fixture
def session(repository, tmp_path) -> ReviewSession:
    """A session over d1 and d2 (the small document twice), opened where a new reviewer starts."""
    import_documents(repository, tmp_path, SMALL_DOCUMENT, {**SMALL_DOCUMENT, "id": "d2"})
    opened = ReviewSession(repository, "ana")
    opened.resume()
    return opened


def statuses(repository: Repository, document: str = "d1") -> dict[str, Status]:
    """Status of every candidate of a document as stored: entities and events by id, arguments as E1.0."""
    loaded = repository.load_document(document)
    found = {e.id: e.review.status for e in loaded.entities}
    for event in loaded.events:
        found[event.id] = event.review.status
        for index, argument in enumerate(event.arguments):
            found[f"{event.id}.{index}"] = argument.review.status
    return found


def decided(repository: Repository, document: str = "d1") -> dict[str, Status]:
    return {key: status for key, status in statuses(repository, document).items() if status is not Status.PENDING}


def row_of(session: ReviewSession, candidate_id: str) -> Row:
    """The row of a candidate of the current document by its id in the file (E1.1 for an argument)."""
    assert session.document is not None
    event_id, _, argument = candidate_id.partition(".")
    for event in session.document.events:
        if event.id == event_id:
            if argument:
                target = event.arguments[int(argument)]
                return Row(TargetKind.ARGUMENT, target.pk, target.review.status, event.pk)
            return Row(TargetKind.EVENT, event.pk, event.review.status)
    entity = session.entity_by_id(candidate_id)
    assert entity is not None and entity.pk is not None
    return Row(TargetKind.ENTITY, entity.pk, entity.review.status)


def current_id(session: ReviewSession) -> str:
    """The id in the file of the candidate under the cursor."""
    row = session.current_row
    assert row is not None
    if row.kind is TargetKind.ENTITY:
        return session.entity(row.pk).id
    if row.kind is TargetKind.EVENT:
        return session.event(row.pk).id
    assert row.event_pk is not None
    event = session.event(row.event_pk)
    return f"{event.id}.{[a.pk for a in event.arguments].index(row.pk)}"


def test_a_new_reviewer_starts_on_the_first_candidate(session):
    assert (session.document.id, session.sentence_index, current_id(session)) == ("d1", 0, "T1")


def test_accept_decides_the_row_it_was_given_even_after_the_cursor_moved(session, repository):
    pressed_on = session.current_row  # T1
    session.move(1)
    session.accept(pressed_on)
    assert decided(repository) == {"T1": Status.ACCEPTED}
    assert current_id(session) == "T3"  # the next pending row after the cursor


def test_accept_decides_its_row_after_a_redraw_reordered_the_list(session, repository):
    session.move(1)
    pressed_on = session.current_row  # T2, second in the list
    session.set_filter("label: GPE")  # the list now shows only T3, first
    assert current_id(session) == "T3"
    session.accept(pressed_on)
    assert decided(repository) == {"T2": Status.ACCEPTED}


def test_rows_are_the_same_target_whatever_status_they_were_drawn_with():
    drawn_pending = Row(TargetKind.ENTITY, 7, Status.PENDING)
    drawn_accepted = Row(TargetKind.ENTITY, 7, Status.ACCEPTED)
    assert drawn_pending == drawn_accepted and len({drawn_pending, drawn_accepted}) == 1
    assert Row(TargetKind.EVENT, 7, Status.PENDING) != drawn_pending


def test_reject_decides_only_its_row_and_moves_on(session, repository):
    session.move(1)
    session.reject(session.current_row)
    assert decided(repository) == {"T2": Status.REJECTED}
    assert current_id(session) == "T3"


def test_rejecting_an_argument_leaves_its_event_pending(session, repository):
    session.reject(row_of(session, "E1.1"))
    assert decided(repository) == {"E1.1": Status.REJECTED}


def test_accepting_an_event_accepts_its_pending_arguments_in_one_undo_step(session, repository):
    session.reject(row_of(session, "E1.1"))
    session.accept(row_of(session, "E1"))
    assert decided(repository) == {
        "E1": Status.ACCEPTED, "E1.0": Status.ACCEPTED, "E1.1": Status.REJECTED, "E1.2": Status.ACCEPTED,
    }
    assert session.undo()
    assert decided(repository) == {"E1.1": Status.REJECTED}
    assert current_id(session) in {"E1", "E1.0", "E1.2"}


def test_undo_and_redo_put_the_cursor_on_what_they_changed(session, repository):
    session.accept(session.current_row)  # T1
    session.accept(session.current_row)  # T2
    session.goto_sentence(1)
    assert session.undo()
    assert decided(repository) == {"T1": Status.ACCEPTED}
    assert (session.sentence_index, current_id(session)) == (0, "T2")
    session.next_sentence(1)
    assert session.redo()
    assert decided(repository) == {"T1": Status.ACCEPTED, "T2": Status.ACCEPTED}
    assert (session.sentence_index, current_id(session)) == (0, "T2")
    session.undo()
    session.undo()
    assert not session.undo() and session.last_message == "Nothing to undo."


def test_next_pending_crosses_sentences_then_documents(session, repository):
    session.reject(row_of(session, "T3"))
    session.select(TargetKind.ARGUMENT, row_of(session, "E1.2").pk)
    assert session.next_pending()
    assert (session.document.id, session.sentence_index, current_id(session)) == ("d1", 1, "T4")
    session.goto_sentence(0)
    assert session.apply_preview(session.preview_rest_of_sentence()) == 6
    assert (session.document.id, session.sentence_index, current_id(session)) == ("d1", 1, "T4")
    assert session.apply_preview(session.preview_rest_of_sentence()) == 7
    assert (session.document.id, session.sentence_index, current_id(session)) == ("d2", 0, "T1")
    assert Status.PENDING not in statuses(repository, "d1").values()
    assert decided(repository, "d2") == {}
    bulk_groups = {d.group for d in repository.decisions("ana") if d.action == Action.BULK_ACCEPT_SENTENCE.value}
    assert len(bulk_groups) == 2


def test_accepting_a_label_in_the_document_is_one_undo_step(session, repository):
    in_document = session.preview_label(row_of(session, "T4"), whole_corpus=False)
    in_corpus = session.preview_label(row_of(session, "T4"), whole_corpus=True)
    assert (in_document.total, in_corpus.total) == (2, 4)
    assert session.apply_preview(in_document) == 2
    assert decided(repository) == {"T4": Status.ACCEPTED, "T5": Status.ACCEPTED}
    assert decided(repository, "d2") == {}
    session.undo()
    assert decided(repository) == {}


def test_apply_to_identical_gives_the_same_decision_to_the_other_mentions(repository, tmp_path):
    import_documents(repository, tmp_path, REPEATED_MENTIONS)
    session = ReviewSession(repository, "ana")
    session.resume()
    kerry = row_of(session, "K1")
    assert session.preview_identical(kerry) is None  # undecided: nothing to copy yet
    session.accept(kerry)
    preview = session.preview_identical(kerry)
    assert preview.rows == (row_of(session, "K2"),) and preview.description.startswith("accept")
    assert [(m.words, m.context) for m in preview.mentions()] == [("Kerry", "Kerry met Lavrov. Kerry left.")]
    assert session.apply_preview(preview) == 1
    assert decided(repository, "r1") == {"K1": Status.ACCEPTED, "K2": Status.ACCEPTED}
    session.undo()
    assert decided(repository, "r1") == {"K1": Status.ACCEPTED}


def test_flag_note_and_fix_act_on_their_row_not_on_the_cursor(session, repository):
    first = session.current_row  # T1
    session.move(2)
    session.toggle_flag(first)
    session.set_note(first, "check [ISIS]")
    request = session.fix_request(first, load_schema())
    assert request is not None and request.current_value == "ORG"
    assert session.apply_fix(first, EditResult(value="GPE"))
    t1 = next(e for e in repository.load_document("d1").entities if e.id == "T1")
    assert (t1.id, t1.review.flagged, t1.review.note, t1.final("label")) == ("T1", True, "check [ISIS]", "GPE")
    assert t1.review.status is Status.FIXED and t1.label == "ORG"
    assert decided(repository) == {"T1": Status.FIXED}


def test_select_finds_a_target_by_identity_in_any_sentence(session):
    assert session.select(TargetKind.ENTITY, row_of(session, "T5").pk)
    assert (session.sentence_index, current_id(session)) == (1, "T5")
    assert not session.select(TargetKind.ENTITY, 10_000)
    assert (session.sentence_index, current_id(session)) == (1, "T5")


def test_find_goes_to_the_next_sentence_with_the_text_across_documents(session):
    assert session.find("NEW YORK")
    assert (session.document.id, session.sentence_index) == ("d1", 1)
    assert session.find("new york")
    assert (session.document.id, session.sentence_index) == ("d2", 1)
    assert not session.find("nowhere to be found")
    assert (session.document.id, session.sentence_index) == ("d2", 1)


def test_the_review_package_loads_without_textual():
    code = (
        "import sys\n"
        "import annotator.review.session, annotator.review.requests\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'textual'], 'annotator.review imported textual'\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr


# ---------------------------------------------------------------------- a loop that never skips work

# Three paragraphs; the machine found nothing in the second.
WITH_AN_EMPTY_SENTENCE_TEXT = "Rebels attacked Homs.\n\nNothing happened in Aleppo.\n\nKerry met Lavrov."


def span(text: str, words: str, occurrence: int = 0) -> dict:
    """The start and end of the n-th occurrence of `words` in `text`."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(words, start + 1)
    return {"start": start, "end": start + len(words)}


WITH_AN_EMPTY_SENTENCE = {
    "id": "e1",
    "text": WITH_AN_EMPTY_SENTENCE_TEXT,
    "entities": [
        {"id": "R", **span(WITH_AN_EMPTY_SENTENCE_TEXT, "Rebels"), "label": "ORG"},
        {"id": "H", **span(WITH_AN_EMPTY_SENTENCE_TEXT, "Homs"), "label": "GPE"},
        {"id": "K", **span(WITH_AN_EMPTY_SENTENCE_TEXT, "Kerry"), "label": "PERSON"},
        {"id": "L", **span(WITH_AN_EMPTY_SENTENCE_TEXT, "Lavrov"), "label": "PERSON"},
    ],
}


@pytest.fixture
def empty_sentence_session(repository, tmp_path) -> ReviewSession:
    """A session over one document whose middle sentence has no candidate."""
    import_documents(repository, tmp_path, WITH_AN_EMPTY_SENTENCE)
    opened = ReviewSession(repository, "ana")
    opened.resume()
    return opened


def confirmed_sentences(repository: Repository, document: str) -> list[int]:
    return [s.index for s in repository.load_document(document).sentences if s.confirmed]


def test_after_a_decision_the_cursor_wraps_to_earlier_pending_rows_of_the_same_sentence(session, repository):
    assert session.select(TargetKind.ARGUMENT, row_of(session, "E1.2").pk)  # the last row of sentence 0
    session.accept(session.current_row)
    assert decided(repository) == {"E1.2": Status.ACCEPTED}
    assert (session.sentence_index, current_id(session)) == (0, "T1")  # not sentence 1
    session.select(TargetKind.ENTITY, row_of(session, "T3").pk)
    session.reject(session.current_row)
    assert current_id(session) == "E1"  # the next pending row after it, then wrapping


def test_auto_advance_stops_at_a_sentence_without_candidates_until_it_is_confirmed(empty_sentence_session, repository):
    session = empty_sentence_session
    assert [session.document.text[s.start : s.end] for s in session.document.sentences][1] == "Nothing happened in Aleppo."
    assert session.apply_preview(session.preview_rest_of_sentence()) == 2
    assert (session.sentence_index, session.current_row, session.needs_confirmation) == (1, None, True)
    assert session.progress().seen_sentences == 1
    assert session.confirm_sentence()
    assert confirmed_sentences(repository, "e1") == [1]
    assert (session.sentence_index, current_id(session), session.needs_confirmation) == (2, "K", False)
    assert session.undo() and session.last_message.startswith("Undid: ")
    assert confirmed_sentences(repository, "e1") == []
    assert (session.sentence_index, session.needs_confirmation) == (1, True)


def test_next_pending_stops_at_an_unconfirmed_empty_sentence_and_wraps_round_the_corpus(empty_sentence_session, repository):
    session = empty_sentence_session
    assert (session.sentence_index, current_id(session)) == (0, "R")
    assert session.next_pending() and current_id(session) == "H"
    assert session.next_pending() and (session.sentence_index, session.current_row) == (1, None)
    assert session.next_pending() and (session.sentence_index, current_id(session)) == (2, "K")
    assert session.next_pending() and current_id(session) == "L"
    assert session.next_pending() and (session.sentence_index, current_id(session)) == (0, "R")  # wrapped round
    session.accept(row_of(session, "R"))
    session.accept(row_of(session, "H"))
    session.confirm_sentence()
    session.accept(row_of(session, "K"))
    assert current_id(session) == "L"
    session.accept(row_of(session, "L"))
    assert session.last_message == "Nothing left to review."
    assert not session.next_pending()


def test_rejecting_the_last_candidate_of_a_sentence_leaves_it_to_confirm(empty_sentence_session, repository):
    session = empty_sentence_session
    session.accept(row_of(session, "R"))
    session.goto_sentence(2)
    session.reject(row_of(session, "K"))
    session.reject(row_of(session, "L"))
    assert decided(repository, "e1") == {"R": Status.ACCEPTED, "K": Status.REJECTED, "L": Status.REJECTED}
    assert (session.sentence_index, session.needs_confirmation) == (2, True)  # nothing kept: maybe something missed


def test_progress_is_done_only_when_every_candidate_is_decided_and_every_sentence_seen(empty_sentence_session):
    session = empty_sentence_session
    progress = session.progress()
    assert (progress.decided, progress.total, progress.seen_sentences, progress.total_sentences) == (0, 4, 0, 3)
    for candidate in ("R", "H", "K", "L"):
        session.accept(row_of(session, candidate))
    progress = session.progress()
    assert (progress.decided, progress.total, progress.seen_sentences) == (4, 4, 2)
    assert not progress.is_done  # every candidate decided, yet the empty sentence was never looked at
    session.goto_sentence(1)
    session.confirm_sentence()
    assert session.progress().is_done
