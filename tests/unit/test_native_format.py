"""Reading and validating native JSONL, without a database."""

from __future__ import annotations

import copy
import io
from dataclasses import replace

import orjson
import pytest

from annotator.domain import Argument, Document, Entity, Event, Review, Sentence, Status
from annotator.formats.native import read_native, write_native
from annotator.formats.reading import InvalidInput
from tests.conftest import SMALL_DOCUMENT, write_jsonl


def test_reads_entities_events_and_arguments(small_file):
    [sourced] = read_native([small_file])
    document = sourced.document
    assert (sourced.path, sourced.line) == (str(small_file), 1)
    assert [e.id for e in document.entities] == ["T1", "T2", "T3", "T4", "T5", "T6"]
    attack, meet = document.events
    assert [(a.role, a.entity_id) for a in attack.arguments] == [("Attacker", "T1"), ("Target", "T2"), ("Place", "T3")]
    assert (meet.arguments[2].start, meet.arguments[2].end) == (65, 74)
    assert all(e.review.status is Status.PENDING for e in document.entities)


def test_computes_sentences_and_tokens_when_absent(small_file):
    document = read_native([small_file])[0].document
    text = document.text
    assert [text[s.start : s.end] for s in document.sentences] == [
        "Rebels attacked [ISIS] in Homs.",
        "Kerry met Lavrov in New York on Wednesday.",
    ]
    first = document.sentences[0]
    assert [text[start:end] for start, end in first.tokens] == ["Rebels", "attacked", "[", "ISIS", "]", "in", "Homs", "."]


def test_a_line_break_always_ends_a_sentence(tmp_path):
    text = "Headline without a stop\nStandfirst line\n\nBody sentence one. Body two."
    path = write_jsonl(tmp_path / "l.jsonl", {"id": "x", "text": text})
    sentences = read_native([path])[0].document.sentences
    assert [text[s.start : s.end] for s in sentences] == [
        "Headline without a stop", "Standfirst line", "Body sentence one.", "Body two.",
    ]


def test_an_imported_entity_across_a_single_line_break_keeps_its_sentence(tmp_path):
    text = "Hard wrapped Free Syrian\nArmy text.\n\nNext."
    doc = {"id": "w", "text": text, "entities": [{"start": 13, "end": 29, "label": "ORG"}]}
    sentences = read_native([write_jsonl(tmp_path / "w.jsonl", doc)])[0].document.sentences
    assert text[sentences[0].start : sentences[0].end] == "Hard wrapped Free Syrian\nArmy text."


def test_given_sentences_are_kept_and_tokenized(tmp_path):
    doc = dict(copy.deepcopy(SMALL_DOCUMENT), sentences=[[0, 31], {"start": 33, "end": 75}])
    document = read_native([write_jsonl(tmp_path / "s.jsonl", doc)])[0].document
    assert [(s.start, s.end) for s in document.sentences] == [(0, 31), (33, 75)]
    assert document.sentences[1].tokens[0] == (33, 38)


def bad(**changes):
    doc = copy.deepcopy(SMALL_DOCUMENT)
    for path, value in changes.items():
        target = doc
        keys = path.split("__")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        last = keys[-1]
        if value is DELETE:
            del target[last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return doc


DELETE = object()

BAD_DOCUMENTS = {
    "start after end": (bad(entities__0__start=7, entities__0__end=3), "entities[0]", "start < end"),
    "offset past the text": (bad(entities__1__end=500), "entities[1]", "text's length"),
    "negative offset": (bad(entities__2__start=-1), "entities[2]", "0 <= start"),
    "offset not an integer": (bad(entities__0__end="6"), "entities[0].end", "integer"),
    "empty label": (bad(entities__3__label=""), "entities[3].label", "non-empty"),
    "empty event type": (bad(events__0__type=" "), "events[0].type", "non-empty"),
    "dangling argument": (bad(events__0__arguments__1__entity="T99"), "events[0].arguments[1].entity", "'T99'"),
    "duplicate id": (bad(entities__1__id="T1"), "entities[1].id", "used twice"),
    "event id clashes with an entity id": (bad(events__1__id="T2"), "events[1].id", "used twice"),
    "text does not match offsets": (bad(entities__0__text="Rebel"), "entities[0].text", "does not match"),
    "trigger outside the text": (bad(events__1__trigger={"start": 70, "end": 90}), "events[1].trigger", "text's length"),
    "missing text": (bad(text=DELETE), "text", "non-empty"),
    "unknown field": (bad(entites=[]), "document", "unknown field"),
    "bad status": (bad(entities__0__status="maybe"), "entities[0].status", "must be one of"),
}


@pytest.mark.parametrize("case", sorted(BAD_DOCUMENTS))
def test_each_bad_document_is_named_by_file_line_and_field(tmp_path, case):
    document, field, reason = BAD_DOCUMENTS[case]
    good = dict(copy.deepcopy(SMALL_DOCUMENT), id="first")
    path = write_jsonl(tmp_path / "in.jsonl", good, document)
    with pytest.raises(InvalidInput) as raised:
        read_native([path])
    [error] = raised.value.errors
    assert (error.path, error.line, error.field) == (str(path), 2, field)
    assert reason in error.reason
    assert str(error).startswith(f"{path}:2: {field}: ")


def test_invalid_utf8_and_invalid_json_are_reported_with_their_lines(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_bytes(b'{"id": "a", "text": "ok"}\n\n{"id": "b", "text": "caf\xe9"}\n{"id": "c", "text": }\n')
    with pytest.raises(InvalidInput) as raised:
        read_native([path])
    assert [(e.line, e.reason.split(" ")[0]) for e in raised.value.errors] == [(3, "not"), (4, "not")]
    assert "UTF-8" in raised.value.errors[0].reason
    assert "JSON" in raised.value.errors[1].reason


def test_same_id_with_another_text_in_the_input_is_refused(tmp_path):
    path = write_jsonl(tmp_path / "dup.jsonl", {"id": "a", "text": "one"}, {"id": "a", "text": "two"})
    with pytest.raises(InvalidInput) as raised:
        read_native([path])
    assert raised.value.errors[0].line == 2
    assert f"{path}:1" in raised.value.errors[0].reason


def test_entity_across_a_blank_line_is_refused(tmp_path):
    doc = {"id": "b", "text": "One line.\n\nAnother.", "entities": [{"start": 4, "end": 14, "label": "X"}]}
    with pytest.raises(InvalidInput) as raised:
        read_native([write_jsonl(tmp_path / "b.jsonl", doc)])
    assert "blank line" in raised.value.errors[0].reason


@pytest.mark.parametrize(
    ("where", "start", "end"),
    [("across two given sentences", 5, 14), ("before the first given sentence", 0, 3)],
)
def test_a_span_outside_one_given_sentence_is_refused(tmp_path, where, start, end):
    doc = {"id": "g", "text": "Aaa. Bbb ccc. Ddd.", "sentences": [[5, 13], [14, 18]],
           "entities": [{"start": 14, "end": 17, "label": "X"}, {"start": start, "end": end, "label": "Y"}]}
    with pytest.raises(InvalidInput) as raised:
        read_native([write_jsonl(tmp_path / "g.jsonl", doc)])
    [error] = raised.value.errors
    assert error.field == "entities[1]"
    assert f"span {start}-{end} crosses the given sentences" in error.reason


def test_an_argument_naming_only_an_entity_takes_the_entity_span_as_its_extent(small_file):
    attack, meet = read_native([small_file])[0].document.events
    assert [(a.role, a.entity_id, a.start, a.end, a.event_id) for a in attack.arguments] == [
        ("Attacker", "T1", 0, 6, "E1"), ("Target", "T2", 16, 22, "E1"), ("Place", "T3", 26, 30, "E1"),
    ]
    assert (meet.arguments[2].entity_id, meet.arguments[2].final_span) == (None, (65, 74))


def test_an_argument_keeps_an_extent_that_differs_from_its_entity(tmp_path):
    doc = bad(events__0__arguments__1={"role": "Target", "entity": "T2", "start": 17, "end": 21, "text": "ISIS"})
    [sourced] = read_native([write_jsonl(tmp_path / "e.jsonl", doc)])
    target = sourced.document.events[0].arguments[1]
    assert (target.entity_id, target.start, target.end) == ("T2", 17, 21)


def test_an_old_relinked_argument_takes_each_entity_span_as_its_extents(tmp_path):
    """Before arguments had extents, a relink meant "this other entity, its span"."""
    doc = bad(events__0__arguments__1={"role": "Target", "entity": "T3", "status": "fixed", "original": {"entity_id": "T2"}})
    [sourced] = read_native([write_jsonl(tmp_path / "r.jsonl", doc)])
    target = sourced.document.events[0].arguments[1]
    assert (target.entity_id, target.start, target.end) == ("T2", 16, 22)
    assert dict(target.review.fixed) == {"entity_id": "T3", "start": 26, "end": 30}


ARGUMENT_FAULTS = {
    "neither extent nor entity": (
        bad(events__1__arguments__2__start=DELETE, events__1__arguments__2__end=DELETE),
        "events[1].arguments[2]", "neither an extent nor an entity",
    ),
    "extent text": (
        bad(events__1__arguments__2__text="Tuesday"), "events[1].arguments[2].text", "does not match",
    ),
    "moved from an unknown event": (
        bad(events__0__arguments__0={"role": "Attacker", "entity": "T1", "status": "fixed", "original": {"event_id": "E9"}}),
        "events[0].arguments[0].original.event_id", "'E9' is not the id of an event",
    ),
    "dismissed not a list": (bad(events__0__dismissed="ok"), "events[0].dismissed", "list of warning texts"),
    "attributes not an object": (bad(events__0__attributes=["negative"]), "events[0].attributes", "JSON object"),
    "original attributes not an object": (
        bad(events__0__attributes={"polarity": "negative"}, events__0__status="fixed", events__0__original={"attributes": 1}),
        "events[0].original.attributes", "JSON object",
    ),
    "decided_at far in the future": (
        bad(entities__0__status="accepted", entities__0__decided_at=1e20), "entities[0].decided_at", "between 1970 and 2200",
    ),
    "decided_at in year 1": (
        bad(entities__0__status="accepted", entities__0__decided_at="0001-01-01T00:00:00Z"),
        "entities[0].decided_at", "between 1970 and 2200",
    ),
    "original label null": (
        bad(entities__0__status="fixed", entities__0__original={"label": None}), "entities[0].original.label", "non-empty",
    ),
    "original label an object": (
        bad(entities__0__status="fixed", entities__0__original={"label": {}}), "entities[0].original.label", "non-empty",
    ),
    "original start a string": (
        bad(entities__0__status="fixed", entities__0__original={"start": "1"}), "entities[0].original.start", "integer",
    ),
    "original type null": (
        bad(events__0__status="fixed", events__0__original={"type": None}), "events[0].original.type", "non-empty",
    ),
    "original trigger past the text": (
        bad(events__0__status="fixed", events__0__original={"trigger_end": 900}), "events[0].original", "text's length",
    ),
    "original role null": (
        bad(events__0__arguments__0={"role": "Attacker", "entity": "T1", "status": "fixed", "original": {"role": None}}),
        "events[0].arguments[0].original.role", "non-empty",
    ),
    "reversed argument span": (
        bad(events__1__arguments__2__start=74, events__1__arguments__2__end=65), "events[1].arguments[2]", "start < end",
    ),
    "label with ESC": (bad(entities__0__label="ORG\x1b]0;owned\x07"), "entities[0].label", "control character"),
    "event type with a CSI": (bad(events__0__type="Conflict\x1b[2J"), "events[0].type", "control character"),
    "role with a C1 control": (bad(events__0__arguments__0__role="Attacker\x9b"), "events[0].arguments[0].role", "control"),
    "note with BEL": (bad(entities__0__status="accepted", entities__0__note="ok\x07"), "entities[0].note", "control"),
    "reviewer with ESC": (
        bad(entities__0__status="accepted", entities__0__reviewer="ann\x1b[31m"), "entities[0].reviewer", "control",
    ),
    "attribute value with ESC": (
        bad(events__0__attributes={"polarity": "neg\x1bative"}), "events[0].attributes.polarity", "control",
    ),
    "a sentence cannot be rejected": (
        bad(sentences=[{"start": 0, "end": 31, "status": "rejected"}, {"start": 33, "end": 75}]),
        "sentences[0].status", "pending or accepted",
    ),
}


@pytest.mark.parametrize("case", sorted(ARGUMENT_FAULTS))
def test_each_bad_argument_attribute_or_review_is_named_by_file_line_and_field(tmp_path, case):
    document, field, reason = ARGUMENT_FAULTS[case]
    path = write_jsonl(tmp_path / "in.jsonl", dict(copy.deepcopy(SMALL_DOCUMENT), id="first"), document)
    with pytest.raises(InvalidInput) as raised:
        read_native([path])
    [error] = raised.value.errors
    assert (error.path, error.line, error.field) == (str(path), 2, field)
    assert reason in error.reason


MOVED_TEXT = "Russian jets bombed Hama and its rebels killed two soldiers."


def reviewed_document():
    """One sentence, two events: a linked argument whose extent is wider than its entity, bare extents,
    a negated event, a dismissed warning, an argument moved (and re-roled) from E2 to E1, a confirmed sentence."""
    def at(phrase):
        start = MOVED_TEXT.index(phrase)
        return start, start + len(phrase)

    entities = (Entity("T1", *at("Russian"), "NORP"), Entity("T2", *at("Hama"), "GPE"))
    fixed = Review(Status.FIXED, reviewer="ana", decided_at=1_700_000_000.0)
    attack = Event(
        "E1", "Conflict.Attack", *at("bombed"),
        arguments=(
            Argument("Attacker", "T1", *at("Russian jets"), review=Review(Status.ACCEPTED), event_id="E1"),
            Argument("Place", "T2", *at("Hama"), event_id="E1"),
            Argument("Victim", None, *at("two soldiers"), event_id="E2",
                     review=replace(fixed, fixed={"event_id": "E1", "role": "Target"})),
        ),
        attributes={"polarity": "positive", "modality": "asserted"},
        review=replace(fixed, fixed={"attributes": {"polarity": "negative", "modality": "asserted"}},
                       dismissed=("required role Target is missing",)),
    )
    die = Event("E2", "Life.Die", *at("killed"),
                arguments=(Argument("Agent", None, *at("its rebels"), event_id="E2",
                                    review=Review(Status.ACCEPTED, dismissed=("a bare extent fills Agent",))),))
    sentence = Sentence(0, 0, len(MOVED_TEXT), review=Review(Status.ACCEPTED, reviewer="ana"))
    return Document("m1", MOVED_TEXT, sentences=(sentence,), entities=entities, events=(attack, die))


def exported(documents) -> bytes:
    buffer = io.BytesIO()
    write_native(documents, buffer)
    return buffer.getvalue()


def test_a_reviewed_export_writes_extents_links_original_attributes_moves_and_dismissed_warnings():
    [line] = exported([reviewed_document()]).splitlines()
    record = orjson.loads(line)
    attack, die = record["events"]
    assert attack["attributes"] == {"polarity": "negative", "modality": "asserted"}
    assert attack["original"] == {"attributes": {"polarity": "positive", "modality": "asserted"}}
    assert attack["dismissed"] == ["required role Target is missing"]
    attacker, place, moved = attack["arguments"]
    assert (attacker["entity"], attacker["start"], attacker["end"], attacker["text"]) == ("T1", 0, 12, "Russian jets")
    assert (place["entity"], place["text"]) == ("T2", "Hama")
    assert (moved["role"], moved["entity"], moved["text"]) == ("Target", None, "two soldiers")
    assert moved["original"] == {"event_id": "E2", "role": "Victim"}
    assert die["arguments"][0]["dismissed"] == ["a bare extent fills Agent"]
    assert record["sentences"][0]["status"] == "accepted"


def test_a_reviewed_export_reads_back_as_the_same_document(tmp_path):
    first = exported([reviewed_document()])
    path = tmp_path / "reviewed.jsonl"
    path.write_bytes(first)
    [sourced] = read_native([path])
    document = sourced.document
    attack = document.events[0]
    assert attack.attributes["polarity"] == "positive" and attack.final("attributes")["polarity"] == "negative"
    moved = attack.arguments[2]
    assert (moved.event_id, moved.final("event_id"), moved.role, moved.final("role")) == ("E2", "E1", "Victim", "Target")
    assert document.sentences[0].confirmed
    assert exported([document]) == first


def test_a_note_keeps_its_tabs_and_line_breaks(tmp_path):
    document = bad(entities__0__status="accepted", entities__0__note="first\tline\nsecond")
    [sourced] = read_native([write_jsonl(tmp_path / "in.jsonl", document)])
    assert sourced.document.entities[0].review.note == "first\tline\nsecond"


@pytest.mark.parametrize("decided_at", [1e20, -1e20, float("inf")])
def test_a_stored_time_no_calendar_holds_does_not_crash_an_export(decided_at):
    entity = Entity("T1", 0, 7, "NORP", review=Review(Status.ACCEPTED, reviewer="ana", decided_at=decided_at))
    [line] = exported([Document("t1", MOVED_TEXT, entities=(entity,))]).splitlines()
    assert orjson.loads(line)["entities"][0]["decided_at"] == str(decided_at)
