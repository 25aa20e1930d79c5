"""A throwaway PostgreSQL server for the tests: found through ANNOTATOR_TEST_PG, or started here.

`.ci/run` starts one and exports its URL; a developer's plain `pytest` starts its own
the same way when the PostgreSQL binaries (and, as root, the `postgres` user) are
there. It listens on 127.0.0.1 only, keeps its files in a temporary folder, and is
stopped when the session ends. Each test gets a database of its own, copied from an
empty template (a copy takes a few milliseconds), and dropped after it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ENVIRONMENT = "ANNOTATOR_TEST_PG"
TEMPLATE = "annotator_template"
_BIN_FOLDERS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
# Durability is worth nothing in a throwaway cluster; without it, tests run several times faster.
_FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"


def _binary(name: str) -> str | None:
    for folder in _BIN_FOLDERS:
        if (folder / name).exists():
            return str(folder / name)
    return shutil.which(name)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def why_no_server() -> str | None:
    """Why this machine cannot start a throwaway server, or None when it can."""
    if _binary("initdb") is None or _binary("pg_ctl") is None:
        return "no PostgreSQL binaries (initdb, pg_ctl) on this machine; install postgresql or set ANNOTATOR_TEST_PG"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root, and initdb refuses root: no `postgres` user to run it as; set ANNOTATOR_TEST_PG"
        if shutil.which("runuser") is None:
            return "running as root without `runuser` to start PostgreSQL as the postgres user; set ANNOTATOR_TEST_PG"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "the psycopg driver is not installed (pip install -e '.[test]')"
    return None


@contextmanager
def started_server() -> Iterator[str]:
    """Start a cluster on 127.0.0.1 in a temporary folder; yield its URL; stop it and remove the folder."""
    folder = Path(tempfile.mkdtemp(prefix="annotator-pg-"))
    as_postgres: list[str] = []
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(folder, account.pw_uid, account.pw_gid)
        as_postgres = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", _free_port()

    def run(*command: str) -> None:
        subprocess.run([*as_postgres, *command], check=True, capture_output=True, stdin=subprocess.DEVNULL)

    _stop_on_sigterm()
    try:
        run(str(_binary("initdb")), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 {_FAST}"
        run(str(_binary("pg_ctl")), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start")
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            run(str(_binary("pg_ctl")), "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _stop_on_sigterm() -> None:
    """Let SIGTERM end the process as Ctrl-C does, through the `finally` that stops the server.

    pg_ctl leaves the server running on its own, so a test run killed without this
    would leave it behind.
    """
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))


def with_database(url: str, name: str) -> str:
    """The URL naming database `name` on the same server."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@dataclass
class Server:
    """A running server, and the databases made on it for tests."""

    url: str
    _numbers: Iterator[int] = field(default_factory=count)
    _prefix: str = field(default_factory=lambda: f"t{os.getpid()}_{int(time.time()) % 100000}_")

    def admin(self):
        """An autocommit connection to the server's maintenance database."""
        import psycopg

        return psycopg.connect(self.url, autocommit=True)

    def template(self, with_store: bool) -> str:
        """The name of the template database: empty, or holding an empty store of the current version."""
        return f"{TEMPLATE}_{os.getpid()}_{'store' if with_store else 'empty'}"

    def prepare(self) -> None:
        """Make the two templates test databases are copied from: an empty one, and one with an empty store."""
        from annotator import store

        with self.admin() as connection:
            for with_store in (False, True):
                name = self.template(with_store)
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                connection.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
        store.connect(with_database(self.url, self.template(True)))
        store.close()

    def fresh_database(self, with_store: bool = False) -> tuple[str, str]:
        """Create a database for one test, empty or holding an empty store; return its name and URL."""
        name = f"{self._prefix}{next(self._numbers)}"
        with self.admin() as connection:
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template(with_store)}"')
        return name, with_database(self.url, name)

    def drop(self, name: str) -> None:
        """Drop a test's database, ending whatever connections it left open."""
        with self.admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
