"""`annotator db grant`, `revoke` and `roles` end to end, and the reviewer a PostgreSQL store records: its role."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
import pytest
from click.testing import CliRunner

from annotator import store
from annotator.cli import main
from annotator.cli.base import Context

PASSWORD = "hunter2-never-shown"
POLICIES = (
    "SELECT string_agg(tablename || policyname || cmd || coalesce(qual, '') || coalesce(with_check, ''), ','"
    " ORDER BY tablename, policyname) FROM pg_policies"
)


def run(db: str, *args: str, **options):
    return CliRunner().invoke(main, ["--db", db, *args], **options)


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def as_role(url: str, role: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{quote(role, safe='')}@{parts.hostname}:{parts.port}"))


def test_on_sqlite_db_grant_says_roles_exist_only_on_postgresql(tmp_path, small_file):
    db = str(tmp_path / "store.db")
    ok(run(db, "import", str(small_file)))
    result = run(db, "db", "grant", "alice", "--no-password")
    assert result.exit_code != 0 and "only on a PostgreSQL store" in result.output
    assert "Traceback" not in result.output


@pytest.fixture
def owner_url(postgres_server, make_role, small_file) -> Iterator[str]:
    """A store on the test server holding the small document, owned by the server's superuser."""
    name, url = postgres_server.fresh_database()
    ok(run(url, "import", str(small_file)))
    yield url
    store.close()
    # Dropped here and now, not later as the server fixture may: the test's roles go next.
    with postgres_server.admin() as connection:
        connection.execute(psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(psycopg.sql.Identifier(name)))


def scalar(url: str, query: str, *params):
    with psycopg.connect(url) as connection:
        row = connection.execute(query, params).fetchone()
        return row[0] if row else None


postgresql = pytest.mark.postgresql


@postgresql
def test_grant_makes_a_reviewer_role_and_granting_again_changes_nothing(owner_url, make_role):
    alice = make_role("alice")
    first = ok(run(owner_url, "db", "grant", alice, "--no-password"))
    assert f"Created reviewer role {alice!r} (LOGIN, no password set)" in first
    assert f"--db {as_role(owner_url, alice)}" in first
    policies = scalar(owner_url, POLICIES)
    again = ok(run(owner_url, "db", "grant", alice, "--no-password"))
    assert f"Updated reviewer role {alice!r} (LOGIN, password unchanged)" in again
    assert scalar(owner_url, POLICIES) == policies
    assert alice in ok(run(owner_url, "db", "roles"))
    # alice opens the store as herself: she reads it, and decides as herself.
    alice_url = as_role(owner_url, alice)
    assert "14" in ok(run(alice_url, "stats"))
    context = Context(alice_url, None)
    context.open_store()
    assert context.reviewer == alice
    store.close()


@postgresql
def test_a_reviewer_role_cannot_name_another_reviewer(owner_url, make_role):
    alice = make_role("alice")
    ok(run(owner_url, "db", "grant", alice, "--no-password"))
    refused = run(as_role(owner_url, alice), "--reviewer", "bob", "stats")
    assert refused.exit_code != 0 and "Traceback" not in refused.output
    assert f"you decide as the database role {alice!r}" in refused.output
    ok(run(as_role(owner_url, alice), "--reviewer", alice, "stats"))


@postgresql
def test_the_owner_is_free_to_name_a_reviewer_and_defaults_to_its_role(owner_url):
    context = Context(owner_url, None)
    context.open_store()
    assert context.reviewer == "postgres"
    store.close()
    named = Context(owner_url, "ana")
    named.open_store()
    assert named.reviewer == "ana"
    store.close()


@postgresql
def test_the_password_comes_from_the_environment_and_is_never_printed(owner_url, make_role, monkeypatch):
    alice = make_role("alice")
    monkeypatch.setenv("ANNOTATOR_ROLE_PASSWORD", PASSWORD)
    output = ok(run(owner_url, "db", "grant", alice))
    assert "password set" in output and PASSWORD not in output
    with_password = owner_url.replace("postgres@", f"postgres:{PASSWORD}@")
    again = ok(run(with_password, "db", "grant", alice))
    assert PASSWORD not in again and f"--db {as_role(owner_url, alice)}" in again
    kept = scalar(owner_url, "SELECT rolpassword FROM pg_authid WHERE rolname = %s", alice)
    assert kept.startswith("SCRAM-SHA-256$") and PASSWORD not in kept


@postgresql
def test_a_new_role_without_a_password_source_is_refused_unless_asked_in_a_terminal(owner_url, make_role, monkeypatch):
    alice, bob = make_role("alice"), make_role("bob")
    refused = run(owner_url, "db", "grant", alice)
    assert refused.exit_code != 0 and "ANNOTATOR_ROLE_PASSWORD" in refused.output and "--no-password" in refused.output
    assert scalar(owner_url, "SELECT COUNT(*) FROM pg_roles WHERE rolname = %s", alice) == 0
    monkeypatch.setattr("annotator.cli.db._in_terminal", lambda: True)
    asked = run(owner_url, "db", "grant", bob, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert asked.exit_code == 0, asked.output
    assert "password set" in asked.output and PASSWORD not in asked.output


@postgresql
def test_hostile_role_names_are_refused_or_quoted(owner_url, make_role):
    for hostile in ("pg_read_all_data", "public", "a\nb"):
        result = run(owner_url, "db", "grant", hostile, "--no-password")
        assert result.exit_code != 0 and "Traceback" not in result.output
    quoted = make_role('x"; DROP TABLE decision; --')
    ok(run(owner_url, "db", "grant", quoted, "--no-password"))
    assert scalar(owner_url, "SELECT to_regclass('decision') IS NOT NULL")
    assert scalar(owner_url, "SELECT COUNT(*) FROM pg_roles WHERE rolname = %s", quoted) == 1


@postgresql
def test_revoke_takes_back_the_rights_and_keeps_the_role(owner_url, make_role):
    alice = make_role("alice")
    ok(run(owner_url, "db", "grant", alice, "--no-password"))
    ok(run(owner_url, "db", "revoke", alice))
    assert alice not in ok(run(owner_url, "db", "roles"))
    assert run(as_role(owner_url, alice), "stats").exit_code != 0
    assert scalar(owner_url, "SELECT COUNT(*) FROM pg_roles WHERE rolname = %s", alice) == 1
