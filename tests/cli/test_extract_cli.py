"""`annotator extract` and `annotator schema` from the command line."""

from __future__ import annotations

import orjson
from click.testing import CliRunner

from annotator.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_extract_txt_to_a_file_then_import(tmp_path):
    article = tmp_path / "news" / "strike.txt"
    article.parent.mkdir()
    article.write_text("Rebels shelled Aleppo\n\nSyrian rebels attacked Aleppo on Monday.\nKerry met Lavrov in Geneva.\n", encoding="utf-8")
    out = tmp_path / "candidates.jsonl"
    result = run("extract", str(article.parent), "-o", str(out))
    assert result.exit_code == 0, result.output
    [document] = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert document["id"] == "strike" and document["title"] == "Rebels shelled Aleppo"
    assert all(len(s["tokens"]) > 0 for s in document["sentences"])
    assert {e["type"] for e in document["events"]} >= {"Conflict.Attack", "Contact.Meet"}
    db = tmp_path / "s.db"
    assert run("--db", str(db), "import", str(out)).exit_code == 0
    assert orjson.loads(run("--db", str(db), "stats", "--json").output)["documents"]["strike"]["pending"] > 0


def test_extract_into_the_store(tmp_path):
    raw = tmp_path / "raw.jsonl"
    raw.write_bytes(orjson.dumps({"id": 7, "text": "Police arrested two men in Paris on Friday."}) + b"\n")
    db = tmp_path / "s.db"
    result = run("--db", str(db), "extract", str(raw), "--into-store")
    assert result.exit_code == 0 and "imported 1 document(s)" in result.output
    exported = [orjson.loads(line) for line in run("--db", str(db), "export").output.splitlines() if line.startswith("{")]
    assert exported[0]["id"] == "7"
    assert [e["type"] for e in exported[0]["events"]] == ["Justice.Arrest-Jail"]


def test_extract_refuses_bad_input_naming_the_file(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"caf\xe9 au lait\n")
    annotated = tmp_path / "done.jsonl"
    annotated.write_bytes(orjson.dumps({"id": "a", "text": "x y", "entities": [{"start": 0, "end": 1, "label": "X"}]}) + b"\n")
    result = run("extract", str(bad), str(annotated), "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code != 0
    assert f"{bad}:1: not valid UTF-8" in result.output
    assert f"{annotated}:1: entities: already annotated" in result.output
    assert not (tmp_path / "out.jsonl").exists()


def test_extract_needs_exactly_one_destination(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Text.", encoding="utf-8")
    assert run("extract", str(article)).exit_code != 0


def test_schema_prints_the_schema_in_force_and_rejects_a_broken_one(tmp_path):
    schema = orjson.loads(run("schema").output)
    assert len(schema["events"]) == 33
    assert "Attacker" in schema["events"]["Conflict.Attack"]["roles"]
    broken = tmp_path / "broken.json"
    broken.write_text('{"roles": {}, "events": {"X": {"roles": ["Nope"]}}}')
    result = run("schema", "--schema", str(broken))
    assert result.exit_code != 0 and "Nope not declared" in result.output
