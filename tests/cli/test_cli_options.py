"""`--db` and `--reviewer` stand where hands put them; long commands show progress on a terminal only."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import orjson
from click.testing import CliRunner

from annotator import store
from annotator.cli import main
from annotator.store import Repository
from tests.conftest import SMALL_DOCUMENT, write_jsonl

ANNOTATOR = Path(sys.executable).with_name("annotator")


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def decisions_by(db: Path) -> list[str]:
    store.connect(db)
    try:
        return [decision.reviewer for decision in Repository().decisions()]
    finally:
        store.close()


def test_db_and_reviewer_after_the_subcommand(tmp_path, small_file):
    db = tmp_path / "after.db"
    reviewed = dict(SMALL_DOCUMENT, id="d2", entities=[dict(SMALL_DOCUMENT["entities"][0], status="accepted")], events=[])
    result = invoke("import", "--db", str(db), "--reviewer", "ana", str(small_file),
                    str(write_jsonl(tmp_path / "reviewed.jsonl", reviewed)))
    assert result.exit_code == 0, result.output
    assert "imported 2 document(s)" in result.output
    assert decisions_by(db) == ["ana"]

    stats = invoke("stats", "--json", "--db", str(db))
    assert stats.exit_code == 0, stats.output
    assert set(orjson.loads(stats.output)["documents"]) == {"d1", "d2"}


def test_an_option_after_the_subcommand_wins_over_the_one_before(tmp_path, small_file):
    before, after = tmp_path / "before.db", tmp_path / "after.db"
    result = invoke("--db", str(before), "import", "--db", str(after), str(small_file))
    assert result.exit_code == 0, result.output
    assert after.exists() and not before.exists()


def test_export_filters_by_reviewer_with_decided_by(tmp_path, small_file):
    db = tmp_path / "filter.db"
    reviewed = dict(SMALL_DOCUMENT, entities=[dict(e, status="accepted", reviewer="bo") for e in SMALL_DOCUMENT["entities"]], events=[])
    assert invoke("--db", str(db), "import", str(write_jsonl(tmp_path / "r.jsonl", reviewed))).exit_code == 0
    kept, none = tmp_path / "bo.jsonl", tmp_path / "nobody.jsonl"
    assert invoke("export", "--db", str(db), "--decided-by", "bo", "-o", str(kept)).exit_code == 0
    assert invoke("export", "--db", str(db), "--decided-by", "nobody", "-o", str(none)).exit_code == 0
    assert len(orjson.loads(kept.read_bytes())["entities"]) == len(SMALL_DOCUMENT["entities"])
    assert none.read_bytes() == b""


def test_export_is_quiet_when_not_on_a_terminal(tmp_path, small_file):
    db = tmp_path / "quiet.db"
    assert invoke("--db", str(db), "import", str(small_file)).exit_code == 0
    completed = subprocess.run(
        [str(ANNOTATOR), "export", "--db", str(db), "-o", str(tmp_path / "out.jsonl")],
        capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert "Exporting" not in completed.stderr
    assert completed.stderr == "1 documents, 6 entities, 2 events, 6 arguments\n"


def test_export_shows_progress_on_a_terminal(tmp_path, small_file):
    db = tmp_path / "shown.db"
    assert invoke("--db", str(db), "import", str(small_file)).exit_code == 0
    leader, follower = pty.openpty()
    try:
        completed = subprocess.run(
            [str(ANNOTATOR), "export", "--db", str(db), "-o", str(tmp_path / "out.jsonl")],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower, timeout=120,
        )
        os.close(follower)
        follower = -1
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    assert completed.returncode == 0
    assert b"Exporting" in shown


def test_exports_get_the_mode_the_users_umask_gives(tmp_path, small_file):
    db = tmp_path / "mode.db"
    assert invoke("--db", str(db), "import", str(small_file)).exit_code == 0
    previous = os.umask(0o022)
    try:
        assert invoke("export", "--db", str(db), "-o", str(tmp_path / "out.jsonl")).exit_code == 0
        assert invoke("export", "--db", str(db), "--format", "brat", "-o", str(tmp_path / "brat")).exit_code == 0
    finally:
        os.umask(previous)
    assert (tmp_path / "out.jsonl").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "brat").stat().st_mode & 0o777 == 0o755
    assert {path.stat().st_mode & 0o777 for path in (tmp_path / "brat").iterdir()} == {0o644}


def test_a_reviewer_name_holding_a_control_or_bidirectional_character_is_refused_before_the_store_opens(
    tmp_path, small_file
):
    db = tmp_path / "store.db"
    for name in ("ann\x1b]0;PWNED\x07", "ann\u202eRLO", "   "):
        for args in (["--reviewer", name, "import", str(small_file)], ["import", str(small_file), "--reviewer", name]):
            result = CliRunner().invoke(main, ["--db", str(db), *args])
            assert result.exit_code == 2, result.output
            assert "--reviewer" in result.output and "plain name" in result.output
            assert "Traceback" not in result.output
            assert not db.exists()
    result = CliRunner().invoke(main, ["--db", str(db), "import", str(small_file)], env={"ANNOTATOR_REVIEWER": "a\x07"})
    assert result.exit_code == 2 and not db.exists()


def test_a_schema_whose_names_hold_a_control_or_bidirectional_character_is_refused(tmp_path):
    import pytest

    from annotator.schema import SchemaError, load_schema

    for hostile in ("Conflict.Attack\x1b[2J", "Conflict.\u202eAttack"):
        path = tmp_path / "schema.json"
        path.write_text(orjson.dumps({"roles": {"Place": ["GPE"]}, "events": {hostile: {"roles": ["Place"]}}}).decode())
        with pytest.raises(SchemaError, match="holds a control character") as caught:
            load_schema(path)
        assert "events" in str(caught.value)
    seed = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))[0]
    result = CliRunner().invoke(main, ["extract", "--schema", str(path), str(seed), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code != 0 and "holds a control character" in result.output
    assert not (tmp_path / "out.jsonl").exists()


def test_a_label_with_a_bidirectional_override_is_refused_at_import(tmp_path):
    document = {**SMALL_DOCUMENT, "entities": [{**SMALL_DOCUMENT["entities"][0], "label": "PER\u202eRLO"}], "events": []}
    path = write_jsonl(tmp_path / "bidi.jsonl", document)
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "s.db"), "import", str(path)])
    assert result.exit_code == 1
    assert "bidi.jsonl:1: entities[0].label: holds a control character" in result.output
