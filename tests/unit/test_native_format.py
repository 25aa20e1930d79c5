"""Reading and validating native JSONL, without a database."""

from __future__ import annotations

import copy

import pytest

from annotator.domain import Status
from annotator.formats.native import read_native
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
