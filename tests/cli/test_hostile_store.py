"""The store opens only what it should, and every fault ends in a message, never a traceback or a changed store.

Each test runs the real `annotator` command in its own process and checks: a
non-zero exit where it should, a message naming the path, no traceback, and the
store (or the file `--db` named) exactly as it was.
"""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from tests.cli.hostile import (
    annotator,
    as_ordinary_user,
    assert_refused,
    build_store,
    dump,
    file_hash,
    file_size_limit,
    python,
)
from tests.conftest import FIXTURES, SMALL_DOCUMENT, write_jsonl


@pytest.fixture
def small(tmp_path):
    return write_jsonl(tmp_path / "small.jsonl", SMALL_DOCUMENT)


def test_a_mistyped_db_creates_nothing_and_keeps_a_good_export(tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_bytes(b'{"a good": "export"}\n')
    typo = tmp_path / "typo.db"
    ran = annotator("--db", str(typo), "export", "-o", str(good))
    assert_refused(ran, f"no store at {typo}", "annotator import", "annotator demo")
    assert good.read_bytes() == b'{"a good": "export"}\n'
    for command in (["stats"], ["review"], ["export"]):
        assert_refused(annotator("--db", str(typo), *command), f"no store at {typo}")
    nested = tmp_path / "no" / "such" / "folder.db"
    assert_refused(annotator("--db", str(nested), "stats"), f"no store at {nested}")
    assert sorted(os.listdir(tmp_path)) == ["good.jsonl"]


def test_only_import_and_demo_create_a_store(tmp_path, small):
    imported, demo = tmp_path / "new" / "imported.db", tmp_path / "demo.db"
    assert annotator("--db", str(imported), "import", str(small)).returncode == 0
    assert annotator("--db", str(demo), "demo", "--no-review").returncode == 0
    assert annotator("--db", str(imported), "stats").returncode == 0
    assert dump(demo)["document"]


def test_an_empty_file_is_no_store_until_an_import_fills_it(tmp_path, small):
    empty = tmp_path / "empty.db"
    empty.touch()
    assert_refused(annotator("--db", str(empty), "stats"), f"no store at {empty}")
    assert empty.read_bytes() == b""
    assert annotator("--db", str(empty), "import", str(small)).returncode == 0


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_a_foreign_sqlite_file_is_refused_and_left_byte_for_byte(tmp_path, small, journal):
    foreign = tmp_path / "firefox-places.sqlite"
    connection = sqlite3.connect(foreign)
    connection.execute(f"PRAGMA journal_mode = {journal}")
    connection.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    connection.execute("INSERT INTO moz_places (url) VALUES ('https://example.org')")
    connection.commit()
    connection.close()
    before, files = file_hash(foreign), sorted(os.listdir(tmp_path))
    for command in (["stats"], ["export", "-o", str(tmp_path / "out.jsonl")], ["import", str(small)],
                    ["demo", "--no-review"], ["review"]):
        ran = annotator("--db", str(foreign), *command)
        assert_refused(ran, str(foreign), "cannot open as an annotator store", "moz_places", "left untouched")
    assert file_hash(foreign) == before
    assert sorted(os.listdir(tmp_path)) == files  # no WAL, no shared memory, no export


def test_a_file_that_is_not_sqlite_is_refused_and_left_as_it_was(tmp_path, small):
    notes = tmp_path / "notes.db"
    notes.write_text("my notes, not a database\n" * 50)
    before = file_hash(notes)
    for command in (["stats"], ["import", str(small)]):
        assert_refused(annotator("--db", str(notes), *command), str(notes), "not a SQLite database")
    assert file_hash(notes) == before


def test_a_server_out_of_reach_is_said_without_its_password(tmp_path):
    # Port 9 on loopback: nothing listens there, so the connection is refused at once.
    ran = annotator("--db", "postgresql://ann:s3cret@127.0.0.1:9/reviews", "stats")
    assert_refused(ran, "postgresql://ann:***@127.0.0.1:9/reviews", "cannot reach the database server")
    assert "s3cret" not in ran.output
    ran = annotator("--db", "mysql://ann:s3cret@127.0.0.1/reviews", "stats")
    assert_refused(ran, "mysql://ann:***@127.0.0.1/reviews", "not supported")
    assert "s3cret" not in ran.output
    assert_refused(annotator("--db", "mongodb://db.example.org/x", "stats"), "mongodb://db.example.org/x")
    assert_refused(annotator("--db", "mongodb://db.example.org/x", "stats"), "mongodb://db.example.org/x")


def test_a_folder_is_neither_a_store_nor_an_export_file(tmp_path):
    db = tmp_path / "store.db"
    build_store(db)
    assert_refused(annotator("--db", str(tmp_path), "stats"), str(tmp_path), "is a folder")
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    ran = annotator("--db", str(db), "export", "-o", str(folder))
    assert_refused(ran, str(folder), "is a folder")
    assert os.listdir(folder) == ["keep.txt"]


def _corrupt_a_middle_page(db, table: str) -> None:
    """Overwrite one leaf page of `table`, from the middle of its pages, with garbage."""
    # immutable: a read-only connection in WAL mode would leave -wal and -shm files beside the store.
    connection = sqlite3.connect(f"{db.as_uri()}?immutable=1", uri=True)
    try:
        pages = [page for (page,) in connection.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno", (table,)
        )]
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        page_count = connection.execute("PRAGMA page_count").fetchone()[0]
    except sqlite3.OperationalError:
        pytest.skip("this SQLite has no dbstat table to find a table's pages")
    finally:
        connection.close()
    page = pages[len(pages) // 2]
    assert 1 < page < page_count
    with open(db, "r+b") as handle:
        handle.seek((page - 1) * page_size)
        handle.write(b"\xa5" * page_size)


def test_a_corrupt_store_is_reported_and_left_as_it_was(tmp_path):
    db = tmp_path / "store.db"
    build_store(db, tmp_path / "corpus.jsonl", documents=30)
    _corrupt_a_middle_page(db, "entity")
    before = file_hash(db)
    out = tmp_path / "out.jsonl"
    for command in (["stats"], ["export", "-o", str(out)], ["import", str(FIXTURES / "demo.jsonl")],
                    ["demo", "--no-review"]):
        ran = annotator("--db", str(db), *command)
        assert_refused(ran, str(db), "damaged", ".recover")
    assert not out.exists()
    assert file_hash(db) == before


def test_a_store_damaged_where_opening_reads_gets_no_file_beside_it(tmp_path):
    db = tmp_path / "store.db"
    build_store(db, tmp_path / "corpus.jsonl", documents=30)
    _corrupt_a_middle_page(db, "store_meta")  # read by every command as it opens the store
    before = file_hash(db)
    for command in (["stats"], ["export"], ["import", str(FIXTURES / "demo.jsonl")], ["demo", "--no-review"],
                    ["db", "check"]):
        assert_refused(annotator("--db", str(db), *command), str(db), "damaged", ".recover")
        assert sorted(os.listdir(tmp_path)) == ["corpus.jsonl", "store.db"], command
    assert file_hash(db) == before


def test_db_check_finds_damage_on_a_page_no_command_read_and_writes_nothing(tmp_path):
    db = tmp_path / "store.db"
    build_store(db, tmp_path / "corpus.jsonl", documents=30)
    for full in ([], ["--full"]):
        ran = annotator("--db", str(db), "db", "check", *full)
        assert ran.returncode == 0 and f"{db}: the store is whole" in ran.stdout, ran.output
    _corrupt_a_middle_page(db, "sentence")
    before = file_hash(db)
    for full in ([], ["--full"]):
        assert_refused(annotator("--db", str(db), "db", "check", *full), str(db), "damaged", ".recover")
    assert sorted(os.listdir(tmp_path)) == ["corpus.jsonl", "store.db"]
    assert file_hash(db) == before
    assert_refused(annotator("--db", str(tmp_path / "typo.db"), "db", "check"), "no store at")


def test_a_full_disk_stops_an_import_with_the_store_as_it_was(tmp_path):
    db = tmp_path / "store.db"
    build_store(db)
    from tests.synthetic import write_corpus

    corpus = tmp_path / "corpus.jsonl"
    write_corpus(corpus, 40)
    before, rows = file_hash(db), dump(db)
    room = db.stat().st_size + 256 * 1024
    ran = annotator("--db", str(db), "import", str(corpus), preexec_fn=file_size_limit(room))
    assert_refused(ran, str(db), "nothing of this operation was saved")
    assert file_hash(db) == before and dump(db) == rows
    assert annotator("--db", str(db), "import", str(corpus)).returncode == 0  # the store is whole


def test_a_full_disk_stops_an_export_and_keeps_the_old_file(tmp_path):
    db = tmp_path / "store.db"
    build_store(db)
    out = tmp_path / "out.jsonl"
    out.write_bytes(b"the last good export\n")
    ran = annotator("--db", str(db), "export", "-o", str(out), preexec_fn=file_size_limit(64 * 1024))
    assert_refused(ran, str(out), "cannot write the output")
    assert out.read_bytes() == b"the last good export\n"
    assert sorted(os.listdir(tmp_path)) == ["out.jsonl", "store.db"]  # no temporary file left behind


DECIDE = """
    import sys
    from annotator import store
    from annotator.domain import TargetKind
    from annotator.store import Repository, StoreError
    store.connect(sys.argv[1], create=False)
    repository = Repository()
    print("read-only" if repository.read_only else "writable", repository.candidate_count(), flush=True)
    try:
        repository.accept("ana", TargetKind.ENTITY, repository.pending_entities()[0])
    except StoreError as error:
        print(type(error).__name__, error)
"""


@pytest.mark.parametrize("where", ["file", "folder"])
def test_a_read_only_store_opens_for_reading_and_refuses_writes_politely(tmp_path, where):
    folder = tmp_path / "shared"
    folder.mkdir()
    db = folder / "store.db"
    build_store(db)
    user = as_ordinary_user()
    locked = db if where == "file" else folder
    mode = stat.S_IMODE(locked.stat().st_mode)
    locked.chmod(0o444 if where == "file" else 0o555)
    try:
        before, rows = file_hash(db), dump(db)
        stats = annotator("--db", str(db), "stats", preexec_fn=user)
        assert stats.returncode == 0 and "pending" in stats.stdout, stats.output
        out = tmp_path / "out.jsonl"
        exported = annotator("--db", str(db), "export", "-o", str(out), preexec_fn=user)
        assert exported.returncode == 0 and out.stat().st_size > 0, exported.output
        ran = annotator("--db", str(db), "import", str(FIXTURES / "demo.jsonl"), preexec_fn=user)
        assert_refused(ran, str(db), "read-only")
        import subprocess

        decided = subprocess.run([*python(DECIDE), str(db)], capture_output=True, text=True, timeout=120,
                                 preexec_fn=user)
        assert "Traceback" not in decided.stderr, decided.stderr
        first, second = decided.stdout.splitlines()
        assert first.startswith("read-only ")
        assert second.startswith(f"ReadOnlyStore {db}: the store is read-only")
        assert file_hash(db) == before and dump(db) == rows
    finally:
        locked.chmod(mode)
