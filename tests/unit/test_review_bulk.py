"""Bulk decisions previewed mention by mention, warnings dismissed, flags listed, find, jump and undo messages, without Textual."""

from __future__ import annotations

import pytest

from annotator.domain import Action, Status, TargetKind
from annotator.review.editing import EditResult
from annotator.review.search import WRAPPED
from annotator.review.session import ReviewSession
from tests.conftest import SMALL_DOCUMENT
from tests.unit.test_review_session import current_id, decided, import_documents, row_of, span

# "Damascus" three times, as ORG each time: the second one is wrong in its own way.
TEXT = "Damascus said no.\n\nTroops left Damascus at dawn.\n\nThe Damascus club won."
REPEATED = {
    "id": "r1",
    "text": TEXT,
    "entities": [
        {"id": "D0", **span(TEXT, "Damascus"), "label": "ORG"},
        {"id": "D1", **span(TEXT, "Damascus", 1), "label": "ORG"},
        {"id": "D2", **span(TEXT, "Damascus", 2), "label": "ORG"},
    ],
}


@pytest.fixture
def session(repository, tmp_path) -> ReviewSession:
    """The small document twice (d1, d2), then the repeated name (r1)."""
    import_documents(repository, tmp_path, SMALL_DOCUMENT, {**SMALL_DOCUMENT, "id": "d2"}, REPEATED)
    opened = ReviewSession(repository, "ana")
    opened.resume()
    return opened


def test_accept_the_rest_of_a_sentence_lists_each_mention_and_spares_the_unticked(session, repository):
    preview = session.preview_rest_of_sentence()
    mentions = preview.mentions()
    assert [(m.words, m.label) for m in mentions][:4] == [
        ("Rebels", "ORG"), ("[ISIS]", "ORG"), ("Homs", "GPE"), ("attacked", "Conflict.Attack"),
    ]
    assert mentions[4].label == "Attacker of Conflict.Attack" and mentions[0].document_id == "d1"
    assert "attacked [ISIS] in" in mentions[1].context
    isis = mentions[1].row
    assert session.apply_preview(preview, exceptions=[isis]) == 6
    assert set(decided(repository)) == {"T1", "T3", "E1", "E1.0", "E1.1", "E1.2"}
    assert current_id(session) == "T2"  # the exception is still pending: the cursor stays for it


def test_accept_a_label_in_the_corpus_reads_its_mentions_lazily_and_spares_the_unticked(session, repository):
    preview = session.preview_label(row_of(session, "T1"), whole_corpus=True)
    assert preview.total == 7 and preview.description == "accept 7 pending ORG in the whole corpus"
    first_three = preview.mentions(limit=3)
    assert [(m.document_id, m.words) for m in first_three] == [("d1", "Rebels"), ("d1", "[ISIS]"), ("d2", "Rebels")]
    everything = preview.mentions()
    assert [m.document_id for m in everything] == ["d1", "d1", "d2", "d2", "r1", "r1", "r1"]
    club = everything[-1]
    assert club.context.endswith("club won.")
    assert session.apply_preview(preview, exceptions=[club.row]) == 6
    assert decided(repository, "r1") == {"D0": Status.ACCEPTED, "D1": Status.ACCEPTED}
    assert {d.action for d in repository.decisions("ana")} == {Action.BULK_ACCEPT_LABEL.value}


def test_identical_mentions_say_what_they_apply_and_spare_the_unticked(session, repository):
    session.open_document(2)
    first = row_of(session, "D0")
    session.apply_fix(first, EditResult(value="GPE"))
    preview = session.preview_identical(first)
    assert preview.description.startswith("ORG→GPE: 2 other mentions of «Damascus»")
    assert [m.context for m in preview.mentions()] == [
        "…no.\n\nTroops left Damascus at dawn.\n\nThe…", "…at dawn.\n\nThe Damascus club won.",
    ]  # about forty characters around each, line breaks left for the screen to show
    club = row_of(session, "D2")
    assert session.apply_preview(preview, exceptions=[club]) == 1
    document = repository.load_document("r1")
    assert [(e.id, e.final("label"), e.review.status) for e in document.entities] == [
        ("D0", "GPE", Status.FIXED), ("D1", "GPE", Status.FIXED), ("D2", "ORG", Status.PENDING),
    ]
    session.reject(club)
    assert session.preview_identical(club).description.startswith("reject")


def test_a_dismissed_warning_is_logged_and_no_longer_shown(session, repository):
    session.open_document(2)
    session.apply_fix(row_of(session, "D1"), EditResult(value="GPE"))
    club = row_of(session, "D2")
    assert session.warnings(club) == ["GPE elsewhere"]
    assert session.dismiss_warning(club, "GPE elsewhere")
    stored = next(e for e in repository.load_document("r1").entities if e.id == "D2")
    assert stored.review.dismissed == ("GPE elsewhere",)
    assert session.warnings(club) == []
    assert repository.decisions("ana")[-1].action == Action.DISMISS.value


def test_flags_list_flagged_and_noted_items_of_the_whole_store_and_jump_to_them(session, repository):
    session.toggle_flag(row_of(session, "T5"))
    session.open_document(2)
    session.set_note(row_of(session, "D2"), "a football club")
    items = session.flags()
    assert [(item.document_id, item.words, item.name, item.flagged, item.note) for item in items] == [
        ("d1", "Lavrov", "PERSON", True, ""), ("r1", "Damascus", "ORG", False, "a football club"),
    ]
    assert session.jump_to_item(items[0])
    assert (session.document.id, session.sentence_index, current_id(session)) == ("d1", 1, "T5")


def test_jump_goes_to_a_row_of_the_sentence_by_its_letter_hint(session):
    hints = session.row_hints()
    assert [hint for hint, _ in hints] == list("abcdefg")
    assert session.jump("e") and session.current_row == hints[4][1]
    assert not session.jump("z") and session.current_row == hints[4][1]


def test_find_lands_on_the_row_holding_the_match_wraps_round_the_corpus_and_remembers_the_query(session):
    assert session.find("lavrov")
    assert (session.document.id, session.sentence_index, current_id(session)) == ("d1", 1, "T5")
    assert session.last_query == "lavrov" and session.match == (43, 49)
    assert session.find("lavrov") and (session.document.id, current_id(session)) == ("d2", "T5")
    assert session.find("lavrov") and (session.document.id, current_id(session)) == ("d1", "T5")
    assert session.last_message == WRAPPED
    assert session.find("Damascus") and (session.document.id, session.sentence_index) == ("r1", 0)
    assert session.find("Damascus") and (session.sentence_index, current_id(session)) == (1, "D1")
    assert session.find("Damascus", forward=False) and current_id(session) == "D0"
    assert not session.find("Baghdad") and current_id(session) == "D0"


def test_undo_and_redo_say_what_they_undid(session, repository):
    session.reject(row_of(session, "T1"))
    assert session.undo() and session.last_message.startswith("Undid: ")
    assert len(session.last_message) > len("Undid: ")
    assert decided(repository) == {}
    assert session.redo() and session.last_message.startswith("Redid: ")
    assert decided(repository) == {"T1": Status.REJECTED}
    assert (session.current_row.kind, session.document.id) == (TargetKind.ENTITY, "d1")
