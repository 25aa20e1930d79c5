"""Shared fixtures: isolation from the user's own setup, stores on both backends, and small native documents.

`store_url` (and `repository`, bound to it) is parametrised: a real SQLite file under
tmp_path, and a fresh database on a throwaway PostgreSQL server (see
`tests.postgres_server`). A test that looks at the SQLite file itself asks for
`db_path` or is marked `sqlite_only`, and runs on SQLite alone.
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from annotator import store
from annotator.store import Repository
from tests import postgres_server as pg_cluster

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"

SMALL_DOCUMENT = {
    "id": "d1",
    "title": "Strikes and talks",
    "text": "Rebels attacked [ISIS] in Homs.\n\nKerry met Lavrov in New York on Wednesday.",
    "meta": {"source": "test"},
    "entities": [
        {"id": "T1", "start": 0, "end": 6, "label": "ORG", "score": 0.9},
        {"id": "T2", "start": 16, "end": 22, "label": "ORG"},
        {"id": "T3", "start": 26, "end": 30, "label": "GPE"},
        {"id": "T4", "start": 33, "end": 38, "label": "PERSON"},
        {"id": "T5", "start": 43, "end": 49, "label": "PERSON"},
        {"id": "T6", "start": 53, "end": 61, "label": "GPE"},
    ],
    "events": [
        {"id": "E1", "type": "Conflict.Attack", "trigger": {"start": 7, "end": 15, "text": "attacked"},
         "arguments": [{"role": "Attacker", "entity": "T1"}, {"role": "Target", "entity": "T2"},
                       {"role": "Place", "entity": "T3"}]},
        {"id": "E2", "type": "Contact.Meet", "trigger": {"start": 39, "end": 42},
         "arguments": [{"role": "Entity", "entity": "T4"}, {"role": "Entity", "entity": "T5"},
                       {"role": "Time", "start": 65, "end": 74}]},
    ],
}


@pytest.fixture(autouse=True)
def isolated_from_the_user(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test runs with an empty home and config folder and no `ANNOTATOR_*` variable.

    A reviewer's own keymap, default store or environment would otherwise change what
    the tests see (a keymap in the real config folder once made the terminal test hang).
    Subprocesses inherit the same environment.
    """
    home = tmp_path_factory.mktemp("home")
    for name in list(os.environ):
        if name.startswith("ANNOTATOR_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    return home


def write_jsonl(path: Path, *documents: dict) -> Path:
    """Write documents as native JSONL."""
    path.write_bytes(b"".join(orjson.dumps(d) + b"\n" for d in documents))
    return path


# Read once, before any test's isolation takes the ANNOTATOR_* variables away.
_SERVER_URL = os.environ.get(pg_cluster.ENVIRONMENT)
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgresql: runs against the throwaway PostgreSQL server")
    config.addinivalue_line("markers", "sqlite_only(reason): looks at what only a SQLite store has (its file)")


@pytest.fixture(scope="session")
def postgres_server():
    """The PostgreSQL server of this session: the one ANNOTATOR_TEST_PG names, or one started here."""
    if _SERVER_URL:
        server = pg_cluster.Server(_SERVER_URL)
        server.prepare()
        yield server
        server.close()
        return
    why = pg_cluster.why_no_server()
    if why is not None:
        pytest.skip(f"PostgreSQL half skipped: {why}")
    with pg_cluster.started_server() as url:
        server = pg_cluster.Server(url)
        server.prepare()
        yield server
        server.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store.db"


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """What `--db` names for this test: a SQLite file under tmp_path, or a PostgreSQL database of its own.

    The database is empty, or, for a test that also asks for `repository` (which would
    create the store at once), a copy of an empty store: copying it is faster than creating it.
    """
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    marker = request.node.get_closest_marker("sqlite_only")
    if marker is not None:
        pytest.skip(f"SQLite only: {marker.args[0] if marker.args else 'looks at the SQLite file'}")
    if "db_path" in request.fixturenames:
        pytest.skip("SQLite only: the test looks at the SQLite file at db_path")
    server = request.getfixturevalue("postgres_server")
    name, url = server.fresh_database(with_store="repository" in request.fixturenames)
    request.addfinalizer(lambda: server.drop(name))
    return url


@pytest.fixture
def repository(store_url: str):
    """A repository bound to a fresh store (a SQLite file, or a PostgreSQL database); closed after the test."""
    store.connect(store_url)
    yield Repository()
    store.close()


@pytest.fixture
def small_file(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "small.jsonl", SMALL_DOCUMENT)


@pytest.fixture
def make_role(postgres_server):
    """Names for this test's PostgreSQL roles (`alice` becomes `alice_<suffix>`: roles are shared by the
    whole server); every one is dropped after the test."""
    import uuid

    import psycopg

    suffix = uuid.uuid4().hex[:8]
    made: list[str] = []

    def named(base: str) -> str:
        made.append(f"{base}_{suffix}")
        return made[-1]

    yield named
    store.close()
    with postgres_server.admin() as connection:
        for role in made:
            connection.execute(psycopg.sql.SQL("DROP ROLE IF EXISTS {}").format(psycopg.sql.Identifier(role)))
