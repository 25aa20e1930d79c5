"""Raw text to segment and extract from: every id, title and metadata passes the native record's checks.

`annotator extract` writes what `read_raw` read; a title or id holding a terminal
control sequence would be written into a file that `annotator import` refuses, or,
with --into-store, into a store whose export never re-imports.
"""

from __future__ import annotations

import json

import pytest

from annotator.formats.raw import read_raw
from annotator.formats.reading import InvalidInput
from annotator.formats.record import parse_record


def problems(paths) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        read_raw(paths)
    return [str(error) for error in caught.value.errors]


def test_a_title_or_id_with_control_characters_is_refused_naming_the_file_that_holds_it(tmp_path):
    (tmp_path / "a.txt").write_text("Title \x1b]0;owned\x07here\n\nKerry met Lavrov.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Plain title\n\nKerry met Lavrov.\n", encoding="utf-8")
    (tmp_path / "b.meta.json").write_text(json.dumps({"id": "b\x1b[2J"}), encoding="utf-8")
    (tmp_path / "c.txt").write_text("Kerry met Lavrov.\n", encoding="utf-8")
    (tmp_path / "c.meta.json").write_text(json.dumps({"title": 5}), encoding="utf-8")
    (tmp_path / "d.jsonl").write_text(
        json.dumps({"id": "d1", "text": "Kerry.", "title": "x\x9b2J"}) + "\n" + json.dumps({"id": ["d2"], "text": "K."}) + "\n",
        encoding="utf-8",
    )
    found = problems([tmp_path])
    assert found == [
        f"{tmp_path / 'a.txt'}:1: document.title: holds a control character: 'Title \\x1b]0;owned\\x07here'; remove it",
        f"{tmp_path / 'b.meta.json'}:1: id: holds a control character: 'b\\x1b[2J'; remove it",
        f"{tmp_path / 'c.meta.json'}:1: document.title: must be a string or null, got 5",
        f"{tmp_path / 'd.jsonl'}:1: document.title: holds a control character: 'x\\x9b2J'; remove it",
        f"{tmp_path / 'd.jsonl'}:2: id: must be a non-empty string, got ['d2']",
    ]


def test_what_read_raw_gives_is_a_valid_native_record(tmp_path):
    (tmp_path / "a.txt").write_text("Strikes in Syria\n\nKerry met Lavrov.\tThey talked.\n", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text(json.dumps({"id": 7, "source": "wire"}), encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(json.dumps({"id": 12, "text": "Kerry met Lavrov.", "meta": {"k": 1}}) + "\n", encoding="utf-8")
    documents = read_raw([tmp_path])
    assert [(d.id, d.title, d.meta) for d in documents] == [
        ("7", "Strikes in Syria", {"file": "a.txt", "source": "wire"}),
        ("12", None, {"k": 1}),
    ]
    for document in documents:
        record = {"id": document.id, "text": document.text, "title": document.title, "meta": document.meta}
        assert parse_record(record).document == document
