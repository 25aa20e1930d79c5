"""Mutated files of every format, fed to every importer: a document or a clean `InvalidInput`, nothing else.

Hypothesis starts from a valid export of each format and breaks it: flipped bytes,
deleted or duplicated lines, truncation, and for the JSON formats deleted keys and
values of the wrong type anywhere in a record. Each result goes through every
reader, as `annotator import --format X` would send it.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.domain import Document
from annotator.formats.brat import write_brat
from annotator.formats.reading import InvalidInput, read_documents
from annotator.formats.registry import READERS, WRITERS, UnknownFormat, detect_format
from tests.conftest import SMALL_DOCUMENT

SETTINGS = settings(
    max_examples=120, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
JSON_FORMATS = ("native", "prodigy", "doccano")
JSON_INTEGERS = st.integers(-(2**63), 2**63 - 1)
ODD_VALUES = st.one_of(
    st.none(), st.booleans(), JSON_INTEGERS, st.floats(allow_nan=True), st.text(max_size=5),
    st.lists(JSON_INTEGERS, max_size=3), st.dictionaries(st.text(max_size=3), JSON_INTEGERS, max_size=2),
    st.sampled_from(["\x1b[2J", "\u2028", "", " ", "0", "T1", "E1"]),
)


def small_document(tmp_path_factory: pytest.TempPathFactory) -> Document:
    """The small test document, read and completed with its sentences."""
    folder = tmp_path_factory.mktemp("source")
    source = folder / "small.jsonl"
    reviewed = dict(SMALL_DOCUMENT, entities=[
        dict(SMALL_DOCUMENT["entities"][0], status="fixed", original={"label": "GPE"}, reviewer="ann",
             decided_at="2024-05-01T10:00:00Z", note="checked"),
        *SMALL_DOCUMENT["entities"][1:],
    ])
    source.write_bytes(orjson.dumps(reviewed) + b"\n")
    return read_documents([source], READERS["native"])[0].document


@pytest.fixture(scope="module")
def valid_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A valid export of the small document in every format: bytes, or for brat the folder's files."""
    document = small_document(tmp_path_factory)
    files: dict[str, Any] = {}
    for name, write in WRITERS.items():
        out = io.BytesIO()
        write([document], out)
        files[name] = out.getvalue()
    folder = tmp_path_factory.mktemp("brat")
    write_brat([document], folder)
    files["brat"] = {path.name: path.read_bytes() for path in folder.iterdir()}
    return files


def mutated_json(data: st.DataObject, content: bytes) -> bytes:
    """A JSONL file with values in one record deleted, duplicated or replaced by a value of another type.

    The field to break is drawn by name first (`tokens`, `start`, `label`, a list item...),
    then one of its places, so that a rare field is broken as often as a frequent one.
    """
    lines = content.splitlines()
    index = data.draw(st.integers(0, len(lines) - 1))
    record = orjson.loads(lines[index])
    places: dict[str, list[tuple[Any, Any]]] = {}

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, child in value.items():
                places.setdefault(key, []).append((value, key))
                walk(child)
        elif isinstance(value, list):
            for position, child in enumerate(value):
                places.setdefault("[]", []).append((value, position))
                walk(child)

    walk(record)
    for _ in range(data.draw(st.integers(1, 3))):
        name = data.draw(st.sampled_from(sorted(places)))
        target, key = data.draw(st.sampled_from(places[name]))
        action = data.draw(st.sampled_from(["delete", "replace", "replace everywhere", "duplicate"]))
        try:
            if action == "replace everywhere":
                odd = data.draw(ODD_VALUES)
                for every_target, every_key in places[name]:
                    every_target[every_key] = odd
            elif action == "delete":
                del target[key]
            elif action == "replace":
                target[key] = data.draw(ODD_VALUES)
            elif isinstance(target, list):
                target.append(target[key])
            else:
                target[f"{key}_"] = target[key]
        except (IndexError, KeyError):
            pass  # an earlier mutation removed this place
    lines[index] = orjson.dumps(record)
    return b"\n".join(lines) + b"\n"


def mutated_bytes(data: st.DataObject, content: bytes) -> bytes:
    """A file with a byte flipped, a line dropped or repeated, a control character inserted, or cut short."""
    action = data.draw(st.sampled_from(["flip", "drop line", "repeat line", "insert", "truncate"]))
    if action in ("drop line", "repeat line"):
        lines = content.split(b"\n")
        index = data.draw(st.integers(0, len(lines) - 1))
        if action == "drop line":
            del lines[index]
        else:
            lines.insert(index, lines[index])
        return b"\n".join(lines)
    position = data.draw(st.integers(0, max(len(content) - 1, 0)))
    if action == "flip":
        bit = data.draw(st.integers(0, 7))
        return content[:position] + bytes([content[position] ^ (1 << bit)]) + content[position + 1:]
    if action == "insert":
        inserted = data.draw(st.sampled_from(["\x1b", "\x00", "\u2028", "\x85", "\t", " ", "\n", "{", "é"])).encode()
        return content[:position] + inserted + content[position:]
    return content[:position]


def refused_cleanly_or_read(path: Path) -> None:
    """Every reader takes the file, or refuses it with `InvalidInput`; format detection only with `UnknownFormat`."""
    for reader in READERS.values():
        try:
            read_documents([path], reader)
        except InvalidInput as refused:
            assert refused.errors and all(str(path) in str(error) or error.path for error in refused.errors)
    try:
        detect_format(path)
    except UnknownFormat:
        pass


@pytest.mark.parametrize("fmt", [*WRITERS, "brat"])
@SETTINGS
@given(data=st.data())
def test_a_mutated_file_is_read_or_refused_cleanly(valid_files, tmp_path, fmt, data):
    folder = tmp_path / "case"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    if fmt == "brat":
        files = dict(valid_files["brat"])
        name = data.draw(st.sampled_from(sorted(files)))
        files[name] = mutated_bytes(data, files[name])
        for file_name, content in files.items():
            (folder / file_name).write_bytes(content)
        for reader in READERS.values():
            try:
                read_documents([folder], reader)
            except InvalidInput:
                pass
        refused_cleanly_or_read(folder / name)
        return
    content = valid_files[fmt]
    if fmt in JSON_FORMATS:
        content = mutated_json(data, content)
    if fmt not in JSON_FORMATS or data.draw(st.integers(0, 3)) == 0:
        content = mutated_bytes(data, content)
    path = folder / f"mutated.{fmt}"
    path.write_bytes(content)
    refused_cleanly_or_read(path)


CLI_SETTINGS = settings(SETTINGS, max_examples=8)


@pytest.fixture(scope="module")
def good_store_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A store holding one document, as bytes to copy for each example."""
    from click.testing import CliRunner

    from annotator.cli import main

    folder = tmp_path_factory.mktemp("store")
    good = folder / "good.jsonl"
    good.write_bytes(orjson.dumps(SMALL_DOCUMENT) + b"\n")
    result = CliRunner().invoke(main, ["--db", str(folder / "store.db"), "import", str(good)])
    assert result.exit_code == 0, result.output
    return (folder / "store.db").read_bytes()


@pytest.mark.parametrize("fmt", [*WRITERS, "brat"])
@CLI_SETTINGS
@given(data=st.data())
def test_a_mutated_file_imported_by_the_cli_succeeds_or_leaves_the_store_as_it_was(
    valid_files, good_store_bytes, tmp_path, fmt, data,
):
    from click.testing import CliRunner

    from annotator.cli import main
    from tests.unit.test_bad_inputs import store_dump

    case = tmp_path / "cli-case"
    shutil.rmtree(case, ignore_errors=True)
    case.mkdir()
    db = case / "store.db"
    db.write_bytes(good_store_bytes)
    if fmt == "brat":
        target = case / "brat"
        target.mkdir()
        files = dict(valid_files["brat"])
        name = data.draw(st.sampled_from(sorted(files)))
        files[name] = mutated_bytes(data, files[name])
        for file_name, content in files.items():
            (target / file_name).write_bytes(content)
    else:
        content = mutated_json(data, valid_files[fmt]) if fmt in JSON_FORMATS else mutated_bytes(data, valid_files[fmt])
        target = case / f"mutated.{fmt}"
        target.write_bytes(content)
    before = store_dump(db)
    result = CliRunner().invoke(main, ["--db", str(db), "import", "--format", fmt, str(target)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if result.exit_code != 0:
        assert str(target) in result.output, result.output
        assert store_dump(db) == before
