"""brat import reads R, *, N and # lines: notes into the store, the rest said as left out by file:line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from annotator import store
from annotator.cli import main
from annotator.domain import Status
from annotator.formats.reading import InputWarning, InvalidInput, read_documents, warning_lines
from annotator.formats.registry import READERS, detect_format
from annotator.store import Repository
from tests.conftest import FIXTURES

USER = FIXTURES / "brat" / "user"
ANNOTATOR = FIXTURES / "brat" / "annotator"


def read(folder):
    warnings: list[InputWarning] = []
    assert detect_format(folder) == "brat"
    documents = [d.document for d in read_documents([folder], READERS["brat"], warnings=warnings)]
    return documents, warnings


def brat_folder(tmp_path, text: str, ann: str):
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a.txt").write_text(text, encoding="utf-8")
    (folder / "a.ann").write_text(ann, encoding="utf-8")
    return folder


def by_text(document, items):
    return {document.text[item.start : item.end]: item for item in items}


def test_a_brat_users_notes_go_on_their_entity_event_or_trigger_s_event(tmp_path):
    [document], _warnings = read(USER)
    entities = by_text(document, document.entities)
    assert set(entities) == {"Syrian government forces", "Aleppo", "Monday", "The Syrian Observatory for Human Rights",
                             "at least 25 people", "the city"}
    assert entities["Syrian government forces"].review.note == "government or army? see the style guide"
    assert entities["Syrian government forces"].review.status is Status.PENDING
    events = {event.type: event for event in document.events}
    assert events["Conflict.Attack"].review.note == "Time from the dateline"
    assert events["Life.Die"].review.note == "toll from the monitor, not confirmed"
    assert events["Life.Die"].attributes == {"modality": "other"}
    assert [(a.role, a.entity_id) for a in events["Conflict.Attack"].arguments] == [
        ("Attacker", "T1"), ("Place", "T2"), ("Time", "T3")]
    store.connect(tmp_path / "store.db")
    repository = Repository()
    repository.import_documents([document])
    stored = repository.load_document("aleppo")
    assert {e.review.note for e in stored.entities} == {"", "government or army? see the style guide"}
    assert sorted(e.review.note for e in stored.events) == ["Time from the dateline", "toll from the monitor, not confirmed"]
    store.close()


def test_what_a_brat_user_wrote_that_the_store_cannot_hold_is_said_by_file_and_line():
    _documents, warnings = read(USER)
    ann = USER / "aleppo.ann"
    assert [(w.path, w.line, w.field) for w in warnings] == [
        (str(ann), 11, "R1"), (str(ann), 12, "*"), (str(ann), 14, "A2"), (str(ann), 15, "N1"), (str(ann), 16, "N2"),
        (str(ann), 20, "#4"),
    ]
    said = [str(w) for w in warnings]
    assert said[0] == (f"{ann}:11: R1: relation Reports Arg1:T5 Arg2:T6 is not carried by annotator"
                       " (it holds event arguments and their Refers links only); left out")
    assert said[1] == f"{ann}:12: *: equivalence Equiv of T2, T8 is not carried by annotator; left out"
    assert "Confidence of entity T6" in said[2]
    assert said[3] == f"{ann}:15: N1: normalisation of T2 to Wikidata:Q41183 (Aleppo) is not carried by annotator; left out"
    assert "note on R1" in said[5] and "the monitor is the only source" in said[5]


def test_notes_and_dismissed_warnings_annotator_wrote_come_back_on_their_candidates():
    [document], warnings = read(ANNOTATOR)
    assert warnings == []
    entities = by_text(document, document.entities)
    assert entities["Russia"].review.status is Status.ACCEPTED
    assert (entities["Idlib"].review.status, entities["Idlib"].review.note) == (Status.FIXED, "province, not the city")
    [event] = document.events
    assert event.review.note == "air strike"
    assert event.review.dismissed == ("required role Target is missing",)
    arguments = [(a.role, document.text[a.start : a.end], a.entity_id, a.review.dismissed) for a in event.arguments]
    assert arguments == [
        ("Attacker", "its", "T1", ()), ("Instrument", "jets", None, ()), ("Place", "Idlib", "T2", ()),
        ("Place", "Friday", "T3", ("DATE is not allowed as Place",)),
    ]


def test_a_refers_relation_between_entities_keeps_both_and_is_said(tmp_path):
    folder = brat_folder(tmp_path, "Kerry met Lavrov.", "T1\tPERSON 0 5\tKerry\nT2\tPERSON 10 16\tLavrov\nR1\tRefers Arg1:T1 Arg2:T2\n")
    [document], warnings = read(folder)
    assert [(e.id, e.label) for e in document.entities] == [("T1", "PERSON"), ("T2", "PERSON")]
    assert [(w.line, w.field, w.kind) for w in warnings] == [(3, "R1", "relations (R) other than an argument's Refers link")]


def test_other_lines_the_store_cannot_hold_are_said_too(tmp_path):
    ann = (
        "T1\tConflict_Attack 7 15\tattacked\nE1\tConflict_Attack:T1\nT2\tARGUMENT 0 6\tRebels\n"
        "A1\tStatus E1 rejected\nA2\tNegation T2\nX1\tsomething else\n#1\tAnnotatorNotes T9\tno such annotation\n"
    )
    folder = brat_folder(tmp_path, "Rebels attacked Homs.", ann)
    [document], warnings = read(folder)
    assert [(e.type, e.review.status) for e in document.events] == [("Conflict.Attack", Status.PENDING)]
    assert document.entities == ()
    assert [(w.line, w.field) for w in warnings] == [(3, "T2"), (4, "A1"), (5, "A2"), (6, "X1"), (7, "#1")]
    assert "Status rejected of E1 is not one annotator imports" in str(warnings[1])


@pytest.mark.parametrize(("line", "problem"), [
    ("R1\tRefers Arg1:T1", "expected 'Type Arg1:Id Arg2:Id'"),
    ("#1\tAnnotatorNotes\tno target", "expected 'AnnotatorNotes Id<TAB>note'"),
    ("A1\tNegation", "expected 'Name Id' or 'Name Id Value'"),
])
def test_a_malformed_line_is_refused_with_file_and_line(tmp_path, line, problem):
    folder = brat_folder(tmp_path, "Kerry met Lavrov.", f"T1\tPERSON 0 5\tKerry\n{line}\n")
    with pytest.raises(InvalidInput) as raised:
        read(folder)
    assert str(raised.value.errors[0]).startswith(f"{folder / 'a.ann'}:2: {line.split(chr(9))[0]}: {problem}")


def test_many_left_out_items_end_in_a_count_per_kind(tmp_path):
    ann = "T1\tPERSON 0 5\tKerry\n" + "".join(f"N{i}\tReference T1 Wikidata:Q{i}\tKerry\n" for i in range(1, 24))
    ann += "*\tEquiv T1 T1\n"
    _documents, warnings = read(brat_folder(tmp_path, "Kerry met Lavrov.", ann))
    lines = warning_lines(warnings)
    assert len(lines) == 21 and lines[0].endswith(":2: N1: normalisation of T1 to Wikidata:Q1 (Kerry) is not carried by annotator; left out")
    assert lines[-1] == "... 24 left out in all: 23 normalisations (N), 1 equivalences (*)"


def test_the_import_command_prints_what_it_left_out_on_standard_error(tmp_path):
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "cli.db"), "import", str(USER)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "imported 1 document(s)" in result.stdout
    left_out = [line for line in result.stderr.splitlines() if line.startswith("left out: ")]
    assert len(left_out) == 6
    assert left_out[0].startswith(f"left out: {USER / 'aleppo.ann'}:11: R1: relation Reports")
    assert "left out" not in result.stdout
