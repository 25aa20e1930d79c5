"""The command line, run in-process with click's runner against a real SQLite file."""

from __future__ import annotations

import copy
import hashlib
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from annotator.cli import main
from tests.conftest import SMALL_DOCUMENT, write_jsonl
from tests.unit.test_native_format import BAD_DOCUMENTS


def run(db: Path, *args: str, reviewer: str = "ana"):
    return CliRunner().invoke(main, ["--db", str(db), "--reviewer", reviewer, *args], catch_exceptions=False)


def fingerprint(db: Path) -> dict[str, str]:
    """Hashes of the database file and any journal beside it."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(db.parent.glob(db.name + "*"))
    }


@pytest.fixture
def loaded_db(tmp_path, small_file) -> Path:
    db = tmp_path / "cli.db"
    result = run(db, "import", str(small_file))
    assert result.exit_code == 0, result.output
    assert "imported 1 document(s) with 14 candidates" in result.output
    return db


@pytest.mark.parametrize("case", sorted(BAD_DOCUMENTS))
def test_a_bad_line_imports_nothing_and_leaves_the_database_byte_for_byte(loaded_db, tmp_path, case):
    document, field, _reason = BAD_DOCUMENTS[case]
    fresh = dict(copy.deepcopy(SMALL_DOCUMENT), id="new-good-document")
    path = write_jsonl(tmp_path / "bad.jsonl", fresh, dict(document, id="new-bad-document"))
    before = fingerprint(loaded_db)
    result = run(loaded_db, "import", str(path))
    assert result.exit_code != 0
    assert f"{path}:2: {field}: " in result.output
    assert "nothing imported" in result.output
    assert fingerprint(loaded_db) == before


@pytest.mark.parametrize(
    "content, reason",
    [(b'{"id": "x", "text": "caf\xe9"}\n', "UTF-8"), (b'{"id": "x", "text": "a"\n', "JSON")],
)
def test_undecodable_lines_leave_the_database_byte_for_byte(loaded_db, tmp_path, content, reason):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(orjson.dumps({"id": "fine", "text": "Fine."}) + b"\n" + content)
    before = fingerprint(loaded_db)
    result = run(loaded_db, "import", str(path))
    assert result.exit_code != 0 and f"{path}:2: not valid {reason}" in result.output
    assert fingerprint(loaded_db) == before


def test_one_bad_file_among_several_imports_nothing(loaded_db, tmp_path):
    good = write_jsonl(tmp_path / "good.jsonl", dict(SMALL_DOCUMENT, id="other"))
    bad = write_jsonl(tmp_path / "bad.jsonl", dict(SMALL_DOCUMENT, id="third", entities=[{"start": 0, "end": 0, "label": "X"}]))
    before = fingerprint(loaded_db)
    result = run(loaded_db, "import", str(good), str(bad))
    assert result.exit_code != 0 and f"{bad}:1: entities[0]" in result.output
    assert fingerprint(loaded_db) == before


def test_changed_text_under_a_known_id_is_refused_and_changes_nothing(loaded_db, tmp_path):
    changed = write_jsonl(tmp_path / "changed.jsonl", {"id": "new", "text": "New."}, dict(SMALL_DOCUMENT, text=SMALL_DOCUMENT["text"] + " More."))
    before = fingerprint(loaded_db)
    result = run(loaded_db, "import", str(changed))
    assert result.exit_code != 0
    assert f"{changed}:2: id: 'd1' is already in the store with a different text" in result.output
    assert fingerprint(loaded_db) == before


def test_reimporting_the_same_file_adds_nothing(loaded_db, small_file):
    result = run(loaded_db, "import", str(small_file))
    assert result.exit_code == 0 and "imported 0 document(s)" in result.output and "1 already present" in result.output


def test_export_to_a_file_round_trips_through_import(loaded_db, tmp_path):
    out = tmp_path / "out" / "export.jsonl"
    result = run(loaded_db, "export", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "1 documents, 6 entities, 2 events, 6 arguments" in result.output
    assert list(out.parent.iterdir()) == [out]
    second = tmp_path / "second.db"
    assert run(second, "import", str(out)).exit_code == 0
    again = tmp_path / "again.jsonl"
    run(second, "export", "-o", str(again))
    assert again.read_bytes() == out.read_bytes()


def test_export_filters_and_unknown_document(loaded_db):
    assert run(loaded_db, "export", "--document", "nope").exit_code != 0
    result = run(loaded_db, "export", "--status", "accepted")
    assert result.exit_code == 0
    assert result.output.strip() == "0 documents, 0 entities, 0 events, 0 arguments"


def test_stats_counts_per_document_label_type_and_status(loaded_db):
    result = run(loaded_db, "stats", "--json")
    counts = orjson.loads(result.output)
    assert counts["documents"]["d1"] == {"pending": 14}
    assert counts["labels"]["ORG"] == {"pending": 2}
    assert counts["event_types"]["Contact.Meet"] == {"pending": 1}
    text = run(loaded_db, "stats").output
    assert "PERSON" in text and "total 14" in text


def test_python_dash_m_runs_the_cli():
    completed = subprocess.run(
        [sys.executable, "-m", "annotator", "--help"], capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0 and "import" in completed.stdout


def test_a_file_that_is_not_a_store_gets_a_clear_error(tmp_path):
    not_a_store = tmp_path / "notes.txt"
    not_a_store.write_text("hello, this is not SQLite\n" * 100)
    result = run(not_a_store, "stats")
    assert result.exit_code != 0
    assert f"{not_a_store}: cannot open as an annotator store" in result.output
    assert not_a_store.read_text().startswith("hello")


@pytest.mark.parametrize("format_name, target", [
    ("prodigy", "out.jsonl"), ("doccano", "out.jsonl"), ("conll", "out.conll"), ("brat", "out_folder"),
])
def test_every_format_exports_and_imports_through_the_cli(tmp_path, format_name, target):
    from tests.conftest import FIXTURES

    db = tmp_path / "formats.db"
    assert run(db, "import", str(FIXTURES / "demo.jsonl")).exit_code == 0
    out = tmp_path / target
    result = run(db, "export", "--format", format_name, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "left out because a boundary falls inside a token" not in result.output
    second = tmp_path / "second.db"
    result = run(second, "import", str(out))
    assert result.exit_code == 0, result.output
    counts = orjson.loads(run(second, "stats", "--json").output)
    expected_entities = 192
    assert sum(sum(row.values()) for row in counts["labels"].values()) == expected_entities
    if format_name != "conll":
        assert sum(sum(row.values()) for row in counts["event_types"].values()) == 54
