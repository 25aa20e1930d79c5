"""Every malformed file of `fixtures/bad/` is refused by the real `annotator import`, cleanly and changing nothing.

The table in `fixtures/bad/README.md` is the list of cases: each row names a file
(or a brat folder), its format and a fragment of the message that must name it.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from annotator.cli import main
from tests.conftest import SMALL_DOCUMENT

BAD = Path(__file__).resolve().parents[2] / "fixtures" / "bad"


def bad_cases() -> list[tuple[str, str, str]]:
    """(file, format, expected fragment) of every row of the README's table."""
    cases = []
    for line in (BAD / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`"):
            cases.append((cells[0].strip("`").rstrip("/"), cells[1], cells[3].strip("`")))
    return cases


CASES = bad_cases()


def store_dump(db: Path) -> list[str]:
    """Every row of every table of the store, as SQL."""
    with sqlite3.connect(db) as connection:
        return list(connection.iterdump())


@pytest.fixture(scope="module")
def good_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store that already holds one document, so that 'unchanged' means something."""
    folder = tmp_path_factory.mktemp("good")
    good = folder / "good.jsonl"
    good.write_bytes(orjson.dumps(SMALL_DOCUMENT) + b"\n")
    db = folder / "store.db"
    result = CliRunner().invoke(main, ["--db", str(db), "import", str(good)])
    assert result.exit_code == 0, result.output
    return db


def test_the_table_covers_every_importer_and_at_least_forty_files():
    assert len(CASES) >= 40
    assert {fmt for _name, fmt, _expected in CASES} == {"native", "prodigy", "brat", "doccano", "conll", "spacy"}
    listed = {name for name, _fmt, _expected in CASES}
    assert listed == {path.name for path in BAD.iterdir() if path.name != "README.md"}


# Problems of a whole line (no field to name) or of a whole file (no line either).
WHOLE_LINE_OR_FILE = ("not valid JSON", "not valid UTF-8", "not a spaCy DocBin", "cannot read it", "is not a regular file",
                      "is a character device")


def test_every_row_expects_file_line_and_field_unless_a_whole_line_or_file_is_wrong():
    for name, _fmt, expected in CASES:
        if any(phrase in expected for phrase in WHOLE_LINE_OR_FILE):
            assert re.search(r":\d+: ", expected) or expected.startswith(name), name
            continue
        assert re.search(r":\d+: [^ ]+: ", expected), f"{name}: {expected!r} names no line and field"


@pytest.mark.parametrize(("name", "fmt", "expected"), CASES, ids=[case[0] for case in CASES])
def test_a_bad_file_is_refused_by_file_line_and_field_and_changes_nothing(good_store, tmp_path, name, fmt, expected):
    db = tmp_path / "store.db"
    db.write_bytes(good_store.read_bytes())
    before = store_dump(db)
    result = CliRunner().invoke(main, ["--db", str(db), "import", "--format", fmt, str(BAD / name)])
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert expected in result.output, result.output
    assert name in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert store_dump(db) == before
