"""What holds only for a store on a PostgreSQL server: opening, refusing, credentials, locks, roles and bulk loads.

Everything else the store does is tested on both backends through the parametrised
`repository` and `store_url` fixtures; these tests need the server itself.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest
from click.testing import CliRunner

from annotator import store
from annotator.cli import main
from annotator.domain import TargetKind
from annotator.formats.native import read_native
from annotator.store import ForeignDatabase, ReadOnlyStore, Repository, StoreBusy, StoreError, locking
from annotator.store.postgres import WRITE_LOCK, without_password
from annotator.store.sql import run
from tests.postgres_server import with_database

pytestmark = pytest.mark.postgresql


@pytest.fixture
def store_url(postgres_server, request) -> str:
    """Here only a PostgreSQL database: empty, or holding an empty store when the test asks for `repository`."""
    name, url = postgres_server.fresh_database(with_store="repository" in request.fixturenames)
    yield url
    store.close()
    postgres_server.drop(name)


@pytest.fixture
def empty_url(postgres_server) -> str:
    """An empty database of its own on the test server."""
    name, url = postgres_server.fresh_database()
    yield url
    store.close()
    postgres_server.drop(name)


def cli(url: str, *args: str):
    return CliRunner().invoke(main, ["--db", url, "--reviewer", "ana", *args], catch_exceptions=False)


def tables(postgres_server, url: str) -> list[str]:
    import psycopg

    with psycopg.connect(url) as connection:
        return [name for (name,) in connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]


def test_passwords_never_show_in_a_url_fit_to_print():
    assert without_password("postgresql://ana:s3cret@db.example:5432/news") == "postgresql://ana:***@db.example:5432/news"
    assert without_password("postgresql://ana@h/news?password=s3cret&sslmode=require") == (
        "postgresql://ana@h/news?password=***&sslmode=require"
    )
    assert without_password("postgresql://h/news") == "postgresql://h/news"


def test_a_store_is_created_only_by_the_commands_that_fill_one(postgres_server, empty_url, small_file):
    refused = cli(empty_url, "export")
    assert refused.exit_code != 0 and "no store at" in refused.output and "Traceback" not in refused.output
    assert tables(postgres_server, empty_url) == []
    imported = cli(empty_url, "import", str(small_file))
    assert imported.exit_code == 0, imported.output
    assert "imported 1 document(s) with 14 candidates" in imported.output
    assert "store_meta" in tables(postgres_server, empty_url)
    exported = cli(empty_url, "export")
    assert exported.exit_code == 0 and '"id":"d1"' in exported.output


def test_annotator_db_names_a_server_store_for_every_command(empty_url, small_file, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_DB", empty_url)
    runner = CliRunner()
    assert runner.invoke(main, ["import", str(small_file)]).exit_code == 0
    stats = runner.invoke(main, ["stats"])
    assert stats.exit_code == 0 and "14" in stats.output


def test_a_missing_database_or_server_is_a_message_without_the_password(postgres_server):
    missing = with_database(postgres_server.url, "no_such_database").replace("postgres@", "postgres:hunter2@")
    result = cli(missing, "export")
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "no such database on the server" in result.output and "createdb" in result.output
    assert "hunter2" not in result.output and "postgres:***@" in result.output
    # A port nobody listens on: refused at once, said plainly.
    nobody = "postgresql://ana:hunter2@127.0.0.1:9/news"
    result = cli(nobody, "stats")
    assert result.exit_code != 0 and "cannot reach the database server" in result.output
    assert "hunter2" not in result.output and "Traceback" not in result.output


def test_a_schema_with_other_tables_is_refused_and_left_untouched(postgres_server, empty_url):
    import psycopg

    with psycopg.connect(empty_url, autocommit=True) as connection:
        connection.execute("CREATE TABLE invoices (id int)")
    with pytest.raises(ForeignDatabase, match=r"other tables \(invoices\)"):
        store.connect(empty_url)
    assert tables(postgres_server, empty_url) == ["invoices"]
    with pytest.raises(ForeignDatabase):
        store.connect(empty_url, create=False)
    assert tables(postgres_server, empty_url) == ["invoices"]


def test_floats_keep_full_precision_and_sequences_follow_imported_keys(repository, small_file):
    repository.import_documents([d.document for d in read_native([small_file])])
    (kind,) = run("SELECT data_type FROM information_schema.columns WHERE table_name = 'decision' AND column_name = 'at'").fetchone()
    assert kind == "double precision"
    pk = repository.load_document("d1").entities[0].pk
    before = time.time()
    repository.reject("ana", TargetKind.ENTITY, pk)
    # A time rounded to a REAL would land minutes away; `decided_after` compares exact times.
    (at,) = run("SELECT at FROM decision").fetchone()
    assert before <= at <= time.time()
    added = repository.add_entity("ana", repository.document_pk("d1"), 62, 64, "DATE")
    assert added > max(e.pk for e in repository.load_document("d1").entities if e.pk != added)


def test_a_write_waits_for_the_write_lock_within_its_patience(repository, small_file, store_url):
    import psycopg

    repository.import_documents([d.document for d in read_native([small_file])])
    pk = repository.load_document("d1").entities[0].pk
    store.close()
    store.connect(store_url, patience=0.6)
    try:
        waiting = Repository()
        with psycopg.connect(store_url) as holder:
            holder.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            started = time.monotonic()
            with pytest.raises(StoreBusy, match="the store is busy"):
                waiting.reject("ana", TargetKind.ENTITY, pk)
            assert 0.5 <= time.monotonic() - started < 5
            holder.rollback()
        waiting.reject("ana", TargetKind.ENTITY, pk)
        assert waiting.load_document("d1").entities[0].review.status.value == "rejected"
    finally:
        store.close()
        # The patience is the process's setting: give the next test the default again.
        locking.configure("", patience=locking.DEFAULT_PATIENCE)


def test_two_processes_creating_one_store_at_once_migrate_it_once(empty_url):
    script = textwrap.dedent(
        f"""
        from annotator import store
        store.connect({empty_url!r})
        store.close()
        """
    )
    processes = [subprocess.Popen([sys.executable, "-c", script]) for _ in range(3)]
    assert [p.wait(timeout=120) for p in processes] == [0, 0, 0]
    db = store.connect(empty_url, create=False)
    assert store.store_version(db) == store.STORE_VERSION
    assert run("SELECT COUNT(*) FROM store_meta WHERE key = 'schema_version'").fetchone() == (1,)


def test_a_role_that_may_only_read_opens_the_store_read_only(postgres_server, repository, small_file, store_url):
    import psycopg

    repository.import_documents([d.document for d in read_native([small_file])])
    store.close()
    role = f"reader_{int(time.time() * 1000) % 10**9}"
    with psycopg.connect(store_url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN")
        admin.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    try:
        as_reader = store_url.replace("postgres@", f"{role}@")
        store.connect(as_reader)
        reader = Repository()
        assert reader.read_only and reader.load_document("d1").entities
        with pytest.raises(ReadOnlyStore, match="may not write"):
            reader.reject("ana", TargetKind.ENTITY, reader.load_document("d1").entities[0].pk)
        store.close()
        result = cli(as_reader, "export")
        assert result.exit_code == 0 and '"id":"d1"' in result.output
    finally:
        store.close()
        with psycopg.connect(store_url, autocommit=True) as admin:
            admin.execute(f"DROP OWNED BY {role}")
            admin.execute(f"DROP ROLE {role}")


def test_text_postgresql_cannot_hold_is_refused_with_a_message(repository, tmp_path):
    from tests.conftest import write_jsonl

    path = write_jsonl(tmp_path / "nul.jsonl", {"id": "n", "text": "a\x00b", "entities": [], "events": []})
    try:
        documents = [d.document for d in read_native([path])]
    except Exception:  # noqa: BLE001 - the reader may refuse it first, which is as good
        return
    with pytest.raises(StoreError):
        repository.import_documents(documents)
    assert repository.document_summaries() == []


def test_the_postgresql_benchmark_runs_and_prints_its_ratios(postgres_server, monkeypatch, capsys):
    from tests.bench import bench_postgres
    from tests.postgres_server import ENVIRONMENT

    monkeypatch.setenv(ENVIRONMENT, postgres_server.url)
    figures = bench_postgres.main(["--documents", "5", "--repeats", "1"])
    assert set(figures) >= {"pg_import_per_s", "pg_raw_copy_per_s", "pg_import_ratio", "pg_export_ratio"}
    assert all(value > 0 for value in figures.values())
    printed = capsys.readouterr().out
    assert "raw json.loads + psycopg COPY FROM" in printed and "ratio" in printed


def test_every_command_that_reads_or_fills_a_store_works_on_a_server_store(empty_url, tmp_path):
    """The same commands, the same code: demo, extract --into-store, stats, evaluate, export in every format, report."""
    from tests.conftest import ROOT

    steps = [
        ("demo", "--no-review"),
        ("extract", str(ROOT / "seeds" / "000_64f573a14888b357.txt"), "--into-store"),
        ("stats", "--json"),
        ("evaluate",),
        ("report", "-o", str(tmp_path / "report")),
        *(("export", "--format", name, "-o", str(tmp_path / f"out-{name}")) for name in
          ("native", "prodigy", "brat", "spacy", "doccano", "conll")),
    ]
    for step in steps:
        result = cli(empty_url, *step)
        assert result.exit_code == 0, (step, result.output)
        assert "Traceback" not in result.output
    assert (tmp_path / "report" / "index.html").exists()
    assert (tmp_path / "out-native").read_text().count("\n") >= 1


def test_two_writers_on_one_server_store_both_finish_and_the_states_match_the_log(empty_url):
    from tests.cli.hostile import annotator, python
    from tests.cli.test_hostile_processes import WRITER

    assert annotator("--db", empty_url, "demo", "--no-review").returncode == 0
    writers = [
        subprocess.Popen([*python(WRITER), empty_url, name, str(parity)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for name, parity in (("ana", 0), ("bo", 1))
    ]
    results = [writer.communicate(timeout=240) for writer in writers]
    for writer, (_, err) in zip(writers, results):
        assert writer.returncode == 0 and "Traceback" not in err, err
    store.connect(empty_url, create=False)
    by_reviewer = dict(run("SELECT reviewer, COUNT(*) FROM decision GROUP BY reviewer").fetchall())
    for (out, _), name in zip(results, ("ana", "bo")):
        made = int(out)
        assert made > 50 and by_reviewer[name] == made + made // 10  # every decision and every undo entry
    repository = Repository()
    states = repository.review_states()
    repository.rebuild_derived_state()
    assert repository.review_states() == states  # what each writer folded agrees with the log


def test_two_imports_of_one_file_at_once_add_it_once_and_a_killed_one_adds_all_or_nothing(empty_url, tmp_path):
    from tests.cli.hostile import ANNOTATOR
    from tests.synthetic import write_corpus

    corpus = tmp_path / "corpus.jsonl"
    write_corpus(corpus, 200)
    importers = [subprocess.Popen([str(ANNOTATOR), "--db", empty_url, "import", str(corpus)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [importer.communicate(timeout=240) for importer in importers]
    for importer, (out, err) in zip(importers, outputs):
        assert importer.returncode == 0 and "Traceback" not in err, out + err
    said = sorted(out for out, _ in outputs)
    assert said[0].startswith("imported 0 document(s) with 0 candidates; 200 already present"), said
    assert said[1].startswith("imported 200 document(s)"), said

    bigger = tmp_path / "bigger.jsonl"
    write_corpus(bigger, 1500)
    killed = subprocess.Popen([str(ANNOTATOR), "--db", empty_url, "import", str(bigger)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.5)
    assert killed.poll() is None, "the import finished before it could be killed; give it a bigger file"
    killed.kill()
    killed.communicate(timeout=30)
    store.connect(empty_url, create=False)
    # All or nothing: a kill before the commit adds nothing, one after it (a fast machine can get there
    # while the process is still closing) has added the whole file; never a part of it.
    assert run("SELECT COUNT(*) FROM document").fetchone() in ((200,), (1500,))
    # The next rows are numbered without a clash with any key the killed import took.
    repository = Repository()
    assert repository.add_entity("ana", repository.document_pks()[0], 0, 1, "X") > 0
