"""An import that fails after it has created the store takes the store away again.

The input below is read in two batches, so the import has created the store and
written its first batch before the bad record at the end is read; the failure
must leave no store behind (no file, no `-wal`/`-shm`, no folder it made; on
PostgreSQL none of the tables it created).
"""

from __future__ import annotations

import os

import psycopg
import pytest
from click.testing import CliRunner

from annotator import store
from annotator.cli import main
from annotator.formats.reading import CheckedInput, jsonl_objects
from tests.cli.hostile import annotator, assert_refused, build_store, dump, file_size_limit
from tests.synthetic import write_corpus

BAD_LAST_LINE = b'{"id": "bad", "text": "x", "entities": [{"id": "T1", "start": 5, "end": 2, "label": "ORG"}]}\n'


@pytest.fixture(scope="module")
def bad_after_a_batch(tmp_path_factory: pytest.TempPathFactory):
    """A native file whose good records fill more than one batch, then a bad record on its last line."""
    path = tmp_path_factory.mktemp("input") / "corpus.jsonl"
    write_corpus(path, 300)
    assert sum(1 for _batch in CheckedInput([path], jsonl_objects).batches()) >= 2
    with open(path, "ab") as handle:
        handle.write(BAD_LAST_LINE)
    return path


def test_a_failed_import_removes_the_new_store_and_the_folders_it_made(tmp_path, bad_after_a_batch):
    db = tmp_path / "new" / "deeper" / "store.db"
    ran = annotator("--db", str(db), "import", str(bad_after_a_batch))
    assert_refused(ran, "nothing imported", "corpus.jsonl:301: entities[0]", f"{db}: the store this command had created was removed")
    assert os.listdir(tmp_path) == []


def test_an_import_that_runs_out_of_room_removes_the_new_store(tmp_path, bad_after_a_batch):
    good = tmp_path / "input" / "good.jsonl"
    good.parent.mkdir()
    good.write_bytes(bad_after_a_batch.read_bytes().removesuffix(BAD_LAST_LINE))
    db = tmp_path / "new" / "store.db"
    ran = annotator("--db", str(db), "import", str(good), preexec_fn=file_size_limit(2_000_000))
    assert_refused(ran, "nothing of this operation was saved", f"{db}: the store this command had created was removed")
    assert os.listdir(tmp_path) == ["input"]


def test_a_failed_import_gives_an_empty_file_its_bytes_back(tmp_path, bad_after_a_batch):
    db = tmp_path / "empty.db"
    db.touch()
    ran = annotator("--db", str(db), "import", str(bad_after_a_batch))
    assert_refused(ran, "nothing imported", f"{db}: the file is as it was before this command")
    assert os.listdir(tmp_path) == ["empty.db"]
    assert db.read_bytes() == b""


def test_a_failed_import_into_a_store_that_was_there_keeps_it(tmp_path, bad_after_a_batch):
    db = tmp_path / "store.db"
    build_store(db)
    before = dump(db)
    ran = annotator("--db", str(db), "import", str(bad_after_a_batch))
    assert_refused(ran, "nothing imported")
    assert "removed" not in ran.output
    assert dump(db) == before


def _tables(url: str) -> list[str]:
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        ).fetchall()
    return [name for (name,) in rows]


@pytest.mark.postgresql
def test_on_postgresql_a_failed_import_drops_the_tables_it_created(postgres_server, bad_after_a_batch):
    name, url = postgres_server.fresh_database()
    try:
        assert _tables(url) == []
        result = CliRunner().invoke(main, ["--db", url, "import", str(bad_after_a_batch)])
        store.close()
        assert result.exit_code == 1, result.output
        assert "the tables this command had created were dropped" in result.output
        assert _tables(url) == []
        good = bad_after_a_batch.with_name("good.jsonl")
        good.write_bytes(bad_after_a_batch.read_bytes().removesuffix(BAD_LAST_LINE))
        result = CliRunner().invoke(main, ["--db", url, "import", str(good)])
        store.close()
        assert result.exit_code == 0, result.output
        assert "imported 300 document(s)" in result.output
    finally:
        store.close()
        postgres_server.drop(name)
