"""Reader errors say what is wrong where the user wrote it: a reversed span as reversed, an attribute at its own line.

Also: a doccano line is told as doccano from keys a native record never has, so a
malformed `entities` is said as doccano's, and nothing a file holds reaches the
terminal as a control code, in an error or in what an import leaves out.
"""

from __future__ import annotations

import orjson
import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.formats.reading import InvalidInput, read_documents
from annotator.formats.registry import READERS, format_of_first_line
from tests.conftest import FIXTURES, SMALL_DOCUMENT

BAD = FIXTURES / "bad"
TEXT = "Rebels attacked Homs."
ANN = "T1\tORG 0 6\tRebels\nT2\tConflict_Attack 7 15\tattacked\nE1\tConflict_Attack:T2 Attacker:T1\n"


def brat_errors(tmp_path, ann: str) -> list[str]:
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "d1.txt").write_text(TEXT, encoding="utf-8")
    (folder / "d1.ann").write_text(ann, encoding="utf-8")
    with pytest.raises(InvalidInput) as refused:
        read_documents([folder], READERS["brat"])
    return [str(error) for error in refused.value.errors]


@pytest.mark.parametrize(("offsets", "said"), [
    ("6 0", "offsets 6-0 are reversed: the start comes after the end"),
    ("6 6", "offsets 6-6 are an empty span"),
    ("0 99", "offsets 0-99 lie outside the text (length 21)"),
])
def test_a_brat_span_is_said_reversed_empty_or_outside_as_it_is(tmp_path, offsets, said):
    [error] = brat_errors(tmp_path, f"T1\tORG {offsets}\n")
    assert f"d1.ann:1: T1: {said}" in error


def test_a_brat_attribute_value_is_named_at_its_own_a_line_not_its_event(tmp_path):
    [error] = brat_errors(tmp_path, ANN + "A1\tStatus E1 pending\nA2\tPolarity E1 neg\x1bative\n")
    assert "d1.ann:5: A2.value: holds a control character" in error


def test_a_brat_negation_line_answers_for_the_polarity_it_stands_for(tmp_path):
    # Negation stands for polarity=negative; a polarity line of the schema's own wins, and answers for its value.
    [error] = brat_errors(tmp_path, ANN + "A1\tNegation E1\nA2\tPolarity E1 \x07\n")
    assert "d1.ann:5: A2.value: " in error


def test_a_brat_attribute_name_holding_a_control_character_is_refused_at_its_line(tmp_path):
    [error] = brat_errors(tmp_path, ANN + "A1\tPol\x1b[2Jarity E1 negative\n")
    assert "d1.ann:4: A1.name: holds a control character" in error


def test_a_prodigy_offset_that_is_not_an_integer_is_named_by_its_field():
    with pytest.raises(InvalidInput) as refused:
        read_documents([BAD / "prodigy_span_start_list.jsonl"], READERS["prodigy"])
    assert "prodigy_span_start_list.jsonl:1: spans[0].start: must be an integer offset, got [0]" in str(refused.value)


def test_a_doccano_line_is_told_by_its_own_keys_whatever_its_entities_hold():
    line = (BAD / "doccano_entities_string.jsonl").read_bytes().splitlines()[0]
    assert format_of_first_line(line) == "doccano"
    empty = {"id": 1, "text": "Rebels attacked.", "entities": [], "relations": []}
    assert format_of_first_line(orjson.dumps(empty)) == "doccano"
    # A native record, and Prodigy tasks with relations or a textcat label, are not taken for doccano.
    assert format_of_first_line(orjson.dumps(SMALL_DOCUMENT)) == "native"
    prodigy = {"text": "Rebels attacked.", "spans": [], "tokens": [], "relations": [], "_input_hash": 1}
    assert format_of_first_line(orjson.dumps(prodigy)) == "prodigy"
    textcat = {"text": "Rebels attacked.", "label": "WAR", "_input_hash": 1, "_task_hash": 2}
    assert format_of_first_line(orjson.dumps(textcat)) == "prodigy"


def test_a_doccano_file_with_entities_as_a_string_says_so_without_format(tmp_path):
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "s.db"), "import", str(BAD / "doccano_entities_string.jsonl")])
    assert result.exit_code == 1
    assert "doccano_entities_string.jsonl:1: entities: must be a list of {id, start_offset, end_offset, label}" in result.output
    assert "unknown field" not in result.output
    assert not (tmp_path / "s.db").exists()


def test_no_control_code_of_a_file_reaches_the_terminal_in_an_error_or_what_is_left_out(tmp_path):
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "d1.txt").write_text(TEXT, encoding="utf-8")
    (folder / "d1.ann").write_text(ANN + "A1\tNega\x1b]0;owned\x07tion T1\n", encoding="utf-8")
    db = str(tmp_path / "s.db")
    left_out = CliRunner().invoke(main, ["--db", db, "import", str(folder)])
    assert left_out.exit_code == 0, left_out.output
    assert "d1.ann:4: A1: attribute Nega␛]0;owned␇tion of entity T1" in left_out.output
    (folder / "d1.ann").write_text("T\x1b[2J1\tORG 0 x\n", encoding="utf-8")
    refused = CliRunner().invoke(main, ["--db", db, "import", str(folder)])
    assert refused.exit_code == 1
    assert "d1.ann:1: T␛[2J1: expected 'Type start end'" in refused.output
    assert "\x1b" not in left_out.output + refused.output and "\x07" not in left_out.output
