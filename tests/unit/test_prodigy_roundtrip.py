"""Prodigy tasks go back out as the same tasks: text, meta, hashes and view kept, with the review applied."""

from __future__ import annotations

import io
from dataclasses import replace

import orjson

from annotator import store
from annotator.domain import TargetKind
from annotator.formats.exporting import ExportSummary
from annotator.formats.native import read_native, write_native
from annotator.formats.prodigy import write_prodigy
from annotator.formats.reading import InputWarning, read_documents
from annotator.formats.registry import READERS, detect_format
from annotator.store import Repository
from tests.conftest import FIXTURES, SMALL_DOCUMENT, write_jsonl

NER_MANUAL = FIXTURES / "prodigy" / "ner_manual.jsonl"
RELATIONS = FIXTURES / "prodigy" / "relations.jsonl"
KEPT_KEYS = ("text", "meta", "_input_hash", "_task_hash", "_view_id")
ANSWER_KEYS = ("_timestamp", "_annotator_id", "_session_id")


def tasks_of(path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def imported(tmp_path, *paths, name="first.db") -> Repository:
    for path in paths:
        assert detect_format(path) == "prodigy"
    documents = read_documents(list(paths), READERS["prodigy"])
    store.close()
    store.connect(tmp_path / name)
    repository = Repository()
    repository.import_documents([d.document for d in documents])
    return repository


def exported(repository: Repository) -> tuple[list[dict], ExportSummary]:
    buffer = io.BytesIO()
    summary = write_prodigy(repository.iter_documents(), buffer)
    return [orjson.loads(line) for line in buffer.getvalue().splitlines()], summary


def span_keys(task: dict) -> set[tuple[int, int, str]]:
    return {(s["start"], s["end"], s["label"]) for s in task.get("spans") or []}


def relation_keys(task: dict) -> set[tuple]:
    return {
        ((r["head_span"]["start"], r["head_span"]["end"], r["head_span"]["label"]),
         (r["child_span"]["start"], r["child_span"]["end"], r["child_span"]["label"]), r["label"])
        for r in task.get("relations") or []
    }


def words(task: dict) -> list[tuple[str, int, int]]:
    return [(t["text"], t["start"], t["end"]) for t in task["tokens"] if not t["text"].isspace()]


def assert_consistent(task: dict) -> None:
    """Every span sits on the task's own tokens (token_end inclusive) and quotes its text."""
    tokens = task["tokens"]
    assert [t["id"] for t in tokens] == list(range(len(tokens)))
    for span in task["spans"]:
        assert tokens[span["token_start"]]["start"] == span["start"]
        assert tokens[span["token_end"]]["end"] == span["end"]
        assert task["text"][span["start"] : span["end"]] == span["text"]
    for relation in task["relations"]:
        assert relation["head"] == relation["head_span"]["token_end"]
        assert relation["child"] == relation["child_span"]["token_end"]


def entity_at(document, task_start: int, text: str, phrase: str):
    start = document.text.index(phrase, task_start)
    return next(e for e in document.entities if (e.start, e.end) == (start, start + len(phrase)))


def test_the_fixtures_are_what_prodigy_writes():
    tasks = tasks_of(NER_MANUAL) + tasks_of(RELATIONS)
    assert {t["_view_id"] for t in tasks} == {"ner_manual", "relations"}
    assert any(t["text"] != t["text"].rstrip() for t in tasks), "some task text ends in whitespace"
    assert any(t["tokens"][-1]["text"].isspace() for t in tasks), "spaCy gives trailing newlines a token"
    sentence_tasks = [t for t in tasks_of(NER_MANUAL) if t["meta"].get("id") == "reuters-2016-10-03-aleppo"]
    assert len(sentence_tasks) == 3
    for task in tasks:
        assert set(ANSWER_KEYS) <= task.keys() and task["answer"] in ("accept", "reject", "ignore")
        for span in task["spans"]:
            assert task["tokens"][span["token_end"]]["end"] == span["end"]


def test_ner_manual_tasks_round_trip_task_for_task_with_the_review_applied(tmp_path):
    originals = tasks_of(NER_MANUAL)
    repository = imported(tmp_path, NER_MANUAL)
    story = repository.load_document("reuters-2016-10-03-aleppo")
    starts = [t["start"] for t in story.meta["prodigy"]["tasks"]]
    expected = [span_keys(task) for task in originals]

    def shift(index, phrase):  # a phrase's span in its task's offsets, as Prodigy has it
        start = originals[index]["text"].index(phrase)
        return start, start + len(phrase)

    syrian = entity_at(story, starts[0], story.text, "Syrian")
    repository.accept("ana", TargetKind.ENTITY, syrian.pk)
    monday = entity_at(story, starts[0], story.text, "Monday")
    repository.reject("ana", TargetKind.ENTITY, monday.pk)
    expected[0].discard((*shift(0, "Monday"), "DATE"))
    old_city = entity_at(story, starts[1], story.text, "the Old City")
    repository.fix("ana", TargetKind.ENTITY, old_city.pk, label="LOC")
    expected[1] = (expected[1] - {(*shift(1, "the Old City"), "FAC")}) | {(*shift(1, "the Old City"), "LOC")}
    kerry = entity_at(story, starts[2], story.text, "John Kerry")
    repository.fix("ana", TargetKind.ENTITY, kerry.pk, start=kerry.start + len("John "))
    expected[2] = (expected[2] - {(*shift(2, "John Kerry"), "PERSON")}) | {(*shift(2, "Kerry"), "PERSON")}
    civil = story.text.index("civil defence")
    repository.add_entity("ana", story.pk, civil, civil + len("civil defence"), "ORG")
    expected[1].add((*shift(1, "civil defence"), "ORG"))
    for entity in repository.load_document("reuters-2016-10-03-aleppo").entities:
        if starts[2] <= entity.start and entity.review.status.value == "pending":
            repository.accept("ana", TargetKind.ENTITY, entity.pk)

    written, summary = exported(repository)
    assert len(written) == len(originals)
    for original, task, spans in zip(originals, written, expected):
        assert {key: task.get(key) for key in KEPT_KEYS} == {key: original[key] for key in KEPT_KEYS}
        assert span_keys(task) == spans
        assert words(task) == words(original)
        assert not set(ANSWER_KEYS) & task.keys()
        assert_consistent(task)
    assert written[0]["text"].endswith("Monday. ") and written[1]["text"].endswith("Reuters.\n")
    assert [t["answer"] for t in written] == ["ignore", "ignore", "accept", "ignore", "ignore"]
    assert summary.left_out == {"rejected entities left out": 1}


def test_relations_tasks_keep_events_as_trigger_spans_and_role_relations(tmp_path):
    originals = tasks_of(RELATIONS)
    repository = imported(tmp_path, RELATIONS)
    hama = repository.load_document("bbc-2016-10-11-hama")
    rebels = next(e for e in hama.entities if hama.text[e.start : e.end] == "Rebels")
    repository.reject("ana", TargetKind.ENTITY, rebels.pk)
    attack = next(e for e in hama.events if e.type == "Conflict.Attack")
    time_argument = next(a for a in attack.arguments if a.role == "Time")
    repository.fix("ana", TargetKind.ARGUMENT, time_argument.pk, role="Place")
    geneva = repository.load_document("bbc-2016-10-11-geneva")
    [meeting] = geneva.events
    repository.accept_event("ana", meeting.pk)
    for entity in geneva.entities:
        repository.accept("ana", TargetKind.ENTITY, entity.pk)

    written, _summary = exported(repository)
    assert len(written) == 2
    first, second = written
    rebels_span = (0, 6, "ORG")
    tuesday = (38, 45, "DATE")
    expected_first = {r for r in relation_keys(originals[0]) if rebels_span not in r[:2]}
    expected_first = {(h, c, "Place") if c == tuesday else (h, c, role) for h, c, role in expected_first}
    assert relation_keys(first) == expected_first
    assert span_keys(first) == span_keys(originals[0]) - {rebels_span}
    assert relation_keys(second) == relation_keys(originals[1])
    assert span_keys(second) == span_keys(originals[1])
    for original, task in zip(originals, written):
        assert {key: task.get(key) for key in KEPT_KEYS} == {key: original[key] for key in KEPT_KEYS}
        assert_consistent(task)
    assert [t["answer"] for t in written] == ["ignore", "accept"]


def test_a_second_round_trip_writes_the_same_tasks(tmp_path):
    repository = imported(tmp_path, NER_MANUAL, RELATIONS)
    first, _ = exported(repository)
    again = tmp_path / "again.jsonl"
    again.write_bytes(b"".join(orjson.dumps(task) + b"\n" for task in first))
    second, _ = exported(imported(tmp_path, again, name="second.db"))
    assert second == first


def test_the_tasks_survive_a_native_export_and_import(tmp_path):
    originals = tasks_of(NER_MANUAL)
    repository = imported(tmp_path, NER_MANUAL)
    native = io.BytesIO()
    write_native(repository.iter_documents(), native)
    records = [orjson.loads(line) for line in native.getvalue().splitlines()]
    kept = records[0]["meta"]["prodigy"]["tasks"]
    assert len(kept) == 3 and all(set(k) <= {"start", "end", "crc32", "meta", "_input_hash", "_task_hash", "_view_id"} for k in kept)
    path = tmp_path / "native.jsonl"
    path.write_bytes(native.getvalue())
    documents = read_native([path])
    store.close()
    store.connect(tmp_path / "native.db")
    second = Repository()
    second.import_documents([d.document for d in documents])
    written, _ = exported(second)
    assert [{key: t.get(key) for key in KEPT_KEYS} for t in written] == [{key: t[key] for key in KEPT_KEYS} for t in originals]
    assert [span_keys(t) for t in written] == [span_keys(t) for t in originals]


def test_the_task_s_own_tokens_keep_a_span_the_tokeniser_would_split(tmp_path):
    text = "U.S.-backed rebels took Raqqa. "
    pieces = [("U.S.", 0), ("-", 4), ("backed", 5), ("rebels", 12), ("took", 19), ("Raqqa", 24), (".", 29)]
    tokens = [{"text": t, "start": s, "end": s + len(t), "id": i, "ws": text[s + len(t) : s + len(t) + 1] == " "}
              for i, (t, s) in enumerate(pieces)]
    task = {"text": text, "meta": {"source": "custom tokenizer"}, "tokens": tokens,
            "spans": [{"start": 0, "end": 4, "token_start": 0, "token_end": 0, "label": "GPE"},
                      {"start": 24, "end": 29, "token_start": 5, "token_end": 5, "label": "GPE"}],
            "_input_hash": 17, "_task_hash": -23, "_view_id": "ner_manual", "answer": "accept"}
    path = tmp_path / "custom.jsonl"
    path.write_bytes(orjson.dumps(task) + b"\n")
    written, summary = exported(imported(tmp_path, path))
    assert span_keys(written[0]) == {(0, 4, "GPE"), (24, 29, "GPE")}
    assert words(written[0]) == [(t, s, s + len(t)) for t, s in pieces]
    assert summary.left_out == {}


def test_a_document_not_from_prodigy_is_still_one_task_per_sentence(tmp_path):
    path = tmp_path / "native.jsonl"
    write_jsonl(path, SMALL_DOCUMENT)
    [document] = [d.document for d in read_native([path])]
    buffer = io.BytesIO()
    write_prodigy([document], buffer)
    written = [orjson.loads(line) for line in buffer.getvalue().splitlines()]
    assert len(written) == len(document.sentences) == 2
    assert [t["meta"]["sentence"] for t in written] == [0, 1] and written[0]["meta"]["document"] == "d1"
    assert written[0]["_view_id"] == "relations"


def test_kept_tasks_that_no_longer_fit_the_text_are_said(tmp_path):
    [sourced] = [d for d in read_documents([RELATIONS], READERS["prodigy"]) if d.document.id == "bbc-2016-10-11-geneva"]
    document = sourced.document
    [task] = document.meta["prodigy"]["tasks"]
    original = tasks_of(RELATIONS)[1]

    def written(kept: dict) -> tuple[list[dict], ExportSummary]:
        buffer = io.BytesIO()
        summary = write_prodigy([replace(document, meta={"prodigy": {"tasks": [kept]}})], buffer)
        return [orjson.loads(line) for line in buffer.getvalue().splitlines()], summary

    [same], summary = written(task)
    assert (same["_input_hash"], same["_task_hash"], same["meta"]) == (original["_input_hash"], original["_task_hash"], original["meta"])
    [changed], summary = written({**task, "crc32": task["crc32"] ^ 1})
    assert changed["text"] == original["text"] and changed["meta"] == original["meta"]
    assert (changed["_input_hash"], changed["_task_hash"]) != (original["_input_hash"], original["_task_hash"])
    assert summary.left_out == {"Prodigy tasks whose text changed since import written with new hashes": 1}
    [per_sentence], summary = written({**task, "end": task["end"] + 100})
    assert per_sentence["meta"]["document"] == document.id and per_sentence["text"] == original["text"].rstrip()
    assert list(summary.left_out) == ["documents whose kept Prodigy tasks no longer fit their text written one task per sentence"]


def test_a_relation_from_a_span_the_task_does_not_have_is_said(tmp_path):
    head = {"start": 10, "end": 16, "label": "PERSON"}
    task = {"text": "Kerry met Lavrov.", "spans": [{"start": 0, "end": 5, "label": "PERSON"}],
            "relations": [{"head": 2, "child": 0, "head_span": head,
                           "child_span": {"start": 0, "end": 5, "label": "PERSON"}, "label": "Entity"}],
            "_input_hash": 5, "_task_hash": 6, "answer": "accept"}
    path = tmp_path / "rel.jsonl"
    path.write_bytes(orjson.dumps(task) + b"\n")
    warnings: list[InputWarning] = []
    [document] = read_documents([path], READERS["prodigy"], warnings=warnings)
    assert [(e.start, e.end) for e in document.document.entities] == [(0, 5)]
    assert [str(w) for w in warnings] == [
        f"{path}:1: relations[0]: 'Entity' starts from (10, 16, 'PERSON'), which is not one of the task's spans; left out"
    ]


def test_tokens_that_do_not_cover_the_text_leave_it_to_the_tokeniser(tmp_path):
    task = {"text": "Kerry met Lavrov in Geneva.", "tokens": [{"text": "Kerry", "start": 0, "end": 5, "id": 0}],
            "spans": [{"start": 0, "end": 5, "token_start": 0, "token_end": 0, "label": "PERSON"}], "_input_hash": 3}
    path = tmp_path / "partial.jsonl"
    path.write_bytes(orjson.dumps(task) + b"\n")
    [sourced] = read_documents([path], READERS["prodigy"])
    document = sourced.document
    [sentence] = document.sentences
    assert [document.text[start:end] for start, end in sentence.tokens] == ["Kerry", "met", "Lavrov", "in", "Geneva", "."]
