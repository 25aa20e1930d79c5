"""Imports of any size: read, checked and written a bounded batch at a time inside one transaction, all or nothing.

What must hold: the documents reach the store in several batches; after the first
bad record nothing more is written but every later one is still checked and named;
a bad record anywhere, or a document that conflicts with the store, leaves the
store exactly as it was; a reviewed import is one decision group however many
batches it takes; a line too long to be a record stops the reading there, named by file:line.
"""

from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest

from annotator.formats import inputs
from annotator.formats.inputs import StreamedInput
from annotator.formats.native import write_native
from annotator.formats.prodigy_reader import prodigy_records
from annotator.formats.reading import (
    CheckedInput,
    InputError,
    InvalidInput,
    LeftOut,
    LocatedRecord,
    jsonl_objects,
    read_documents,
)
from annotator.store import DocumentConflict
from annotator.store.importer import import_stream
from tests.conftest import SMALL_DOCUMENT

# A budget a little above one small document: each batch holds one or two of them.
SMALL_BUDGET = 2 * len(SMALL_DOCUMENT["text"])


def numbered(number: int, **changes) -> dict:
    return {**SMALL_DOCUMENT, "id": f"d{number:03d}", **changes}


def write_lines(path: Path, documents: list[dict]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(d) + b"\n" for d in documents))
    return path


def snapshot(repository) -> bytes:
    """Everything the store holds that an export shows, review state included."""
    out = io.BytesIO()
    write_native(repository.iter_documents(), out)
    return out.getvalue()


def batches_of(checked: CheckedInput, counted: list[int]):
    """The checked input's batches as the importer takes them, counting each one handed on."""
    for batch in checked.batches():
        counted.append(len(batch))
        yield [sourced.document for sourced in batch]


def test_a_big_input_goes_into_the_store_in_several_batches(repository, tmp_path):
    path = write_lines(tmp_path / "many.jsonl", [numbered(i) for i in range(40)])
    counted: list[int] = []
    checked = CheckedInput([path], jsonl_objects, budget=SMALL_BUDGET)
    result = import_stream(batches_of(checked, counted), reviewer="ana")
    assert len(counted) > 10 and sum(counted) == 40
    assert len(result.added) == 40 and [d.id for d in repository.iter_documents()][:2] == ["d000", "d001"]


def test_after_a_bad_record_nothing_more_is_written_every_later_one_is_named_and_the_store_is_unchanged(
    repository, tmp_path,
):
    repository.import_documents([d.document for d in read_documents([write_lines(tmp_path / "a.jsonl", [numbered(999)])],
                                                                     jsonl_objects)])
    before = snapshot(repository)
    documents = [numbered(i) for i in range(30)]
    documents[12] = numbered(12, entities=[{"id": "T1", "start": 0, "end": 6, "label": ""}])
    documents[27] = numbered(27, text=5)
    path = write_lines(tmp_path / "bad.jsonl", documents)
    counted: list[int] = []
    checked = CheckedInput([path], jsonl_objects, budget=SMALL_BUDGET)
    with pytest.raises(InvalidInput) as raised:
        import_stream(batches_of(checked, counted), reviewer="ana")
    assert 0 < sum(counted) <= 12  # batches before the bad record were written, none after it
    assert [(e.line, e.field) for e in raised.value.errors] == [(13, "entities[0].label"), (28, "text")]
    assert raised.value.total == 2
    assert snapshot(repository) == before


def test_documents_that_conflict_with_the_store_are_all_named_and_nothing_is_written(repository, tmp_path):
    repository.import_documents([d.document for d in read_documents(
        [write_lines(tmp_path / "a.jsonl", [numbered(3), numbered(25)])], jsonl_objects)])
    before = snapshot(repository)
    changed = {"text": SMALL_DOCUMENT["text"].replace("Rebels", "Troops"), "entities": [], "events": [],
               "sentences": None}
    documents = [numbered(i) for i in range(30)]
    documents[3], documents[25] = numbered(3, **changed), numbered(25, **changed)
    checked = CheckedInput([write_lines(tmp_path / "b.jsonl", documents)], jsonl_objects, budget=SMALL_BUDGET)
    with pytest.raises(DocumentConflict) as raised:
        import_stream(batches_of(checked, []), reviewer="ana")
    assert raised.value.document_ids == ["d003", "d025"]
    assert checked.where("d025") == f"{tmp_path / 'b.jsonl'}:26"
    assert snapshot(repository) == before


def test_a_reviewed_import_in_many_batches_is_one_decision_group(repository, tmp_path):
    from annotator.store.models import DecisionRow

    reviewed = []
    for i in range(12):
        document = numbered(i)
        document["entities"] = [dict(e, status="accepted", reviewer="bo", decided_at="2024-05-01T10:00:00Z")
                                for e in document["entities"]]
        reviewed.append(document)
    checked = CheckedInput([write_lines(tmp_path / "r.jsonl", reviewed)], jsonl_objects, budget=SMALL_BUDGET)
    counted: list[int] = []
    import_stream(batches_of(checked, counted), reviewer="ana")
    assert len(counted) > 3
    groups = {(row.group, row.action) for row in DecisionRow.select()}
    assert len(groups) == 1 and DecisionRow.select().count() == 12 * len(SMALL_DOCUMENT["entities"])
    assert all(e.review.status.value == "accepted" for d in repository.iter_documents() for e in d.entities)


def test_a_line_too_long_is_named_by_file_and_line_and_reading_stops_there(tmp_path, monkeypatch):
    monkeypatch.setattr(inputs, "MAX_LINE_BYTES", 1000)
    path = tmp_path / "long.jsonl"
    path.write_bytes(orjson.dumps(numbered(1)) + b"\n" + b"x" * 5000 + b"\n" + orjson.dumps(numbered(2)) + b"\n")
    records = list(jsonl_objects(path))
    assert [number for number, _item in records] == [1, 2]
    error = records[1][1]
    assert isinstance(error, InputError) and str(error).startswith(f"{path}:2: a line longer than")


def test_prodigy_documents_come_out_in_the_order_of_their_first_tasks_as_soon_as_they_end(tmp_path):
    task = {"text": "Rebels attacked.", "spans": [{"start": 0, "end": 6, "label": "ORG"}]}
    keys = ["a", "b", "a", "c", "c"]
    path = write_lines(tmp_path / "t.jsonl", [dict(task, meta={"document": key}) for key in keys])
    documents = [(number, item.record["id"]) for number, item in prodigy_records(path) if isinstance(item, LocatedRecord)]
    assert documents == [(1, "a"), (2, "b"), (4, "c")]
    with open(path, "rb") as handle:
        streamed = list(prodigy_records(StreamedInput("<stdin>", handle)))
    errors = [item for _number, item in streamed if isinstance(item, InputError)]
    assert [(e.line, e.field) for e in errors] == [(3, "meta.document")]


def test_what_readers_leave_out_is_counted_in_full_but_only_the_first_are_kept():
    from annotator.formats.reading import InputWarning

    left_out = LeftOut(limit=3)
    for number in range(1, 11):
        left_out.append(InputWarning("f.ann", number, "R1", "left out", "relations"))
    lines = left_out.lines()
    assert len(left_out.shown) == 3 and lines[:1] == ["f.ann:1: R1: left out"]
    assert lines[-1] == "... 10 left out in all: 10 relations"


def test_a_file_whose_first_line_is_too_long_is_refused_before_its_format_is_told(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from annotator.cli import main

    monkeypatch.setattr(inputs, "MAX_LINE_BYTES", 1000)
    path = tmp_path / "endless.txt"
    path.write_bytes(b"\n" + b"x" * 5000)
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "s.db"), "import", str(path)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), repr(result.exception)
    assert f"{path}:2: a line longer than" in result.output, result.output
    assert not (tmp_path / "s.db").exists()


def test_a_long_text_and_its_many_sentences_are_written_as_they_come_and_read_back_whole(
    repository, tmp_path, monkeypatch,
):
    from annotator.nlp.segment import segment
    from annotator.store import importer
    from annotator.store.sql import is_postgres, run

    # Scaled down: every text of 60 characters or more counts as long, and rows are written every few sentences.
    monkeypatch.setattr(importer, "_LONG_TEXT", 60)
    monkeypatch.setattr(importer, "_HELD_PER_INSERT", 1_000)
    long_text = "\n".join(f"Line {i} of a long text without a title." for i in range(300))
    entity_start = long_text.index("Line 250")
    documents = [
        numbered(0),
        numbered(1, text=long_text, events=[], entities=[{"id": "T1", "start": entity_start, "end": entity_start + 8,
                                                          "label": "ORG"}]),
        numbered(2, text="A short one.", entities=[], events=[]),
        numbered(3),
    ]
    checked = CheckedInput([write_lines(tmp_path / "long.jsonl", documents)], jsonl_objects)
    cache_before = None if is_postgres() else run("PRAGMA cache_size").fetchone()[0]
    import_stream(batches_of(checked, []), reviewer="ana")
    stored = {d.id: d for d in repository.iter_documents()}
    assert [stored[d["id"]].text for d in documents] == [d["text"] for d in documents]
    assert [(s.start, s.end, s.tokens) for s in stored["d001"].sentences] == [
        (s.start, s.end, s.tokens) for s in segment(long_text)
    ]
    assert len(stored["d001"].sentences) == 300
    [entity] = stored["d001"].entities
    assert long_text[entity.start : entity.end] == "Line 250"
    assert len(stored["d000"].entities) == len(SMALL_DOCUMENT["entities"])
    if cache_before is not None:
        assert run("PRAGMA cache_size").fetchone()[0] == cache_before
