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
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any
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
    """A running server, and the databases made on it for tests.

    One worker thread makes the next database of each kind while a test runs, and drops
    a finished test's database after it, so a test seldom waits for either.
    """

    url: str
    _numbers: Iterator[int] = field(default_factory=count)
    _prefix: str = field(default_factory=lambda: f"t{os.getpid()}_{time.monotonic_ns() % 10**9}_")
    _worker: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(1, "test-databases"))
    _ahead: dict[bool, Future] = field(default_factory=dict)
    _connection: Any = None

    def admin(self):
        """An autocommit connection to the server's maintenance database."""
        import psycopg

        return psycopg.connect(self.url, autocommit=True)

    def template(self, with_store: bool) -> str:
        """The name of a template database: empty, or holding an empty store of the current version."""
        return f"{self._prefix}{'store' if with_store else 'empty'}"

    def prepare(self) -> None:
        """Make the two templates test databases are copied from: an empty one, and one with an empty store."""
        from annotator import store

        with self.admin() as connection:
            for with_store in (False, True):
                connection.execute(f"CREATE DATABASE \"{self.template(with_store)}\" TEMPLATE template0 ENCODING 'UTF8'")
        store.connect(with_database(self.url, self.template(True)))
        store.close()

    def _execute(self, sql: str) -> None:
        """Run a statement on the worker's own connection (opened on first use)."""
        if self._connection is None:
            self._connection = self.admin()
        self._connection.execute(sql)

    def _create(self, with_store: bool) -> tuple[str, str]:
        name = f"{self._prefix}{next(self._numbers)}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template(with_store)}"')
        return name, with_database(self.url, name)

    def fresh_database(self, with_store: bool = False) -> tuple[str, str]:
        """A database for one test, empty or holding an empty store; return its name and URL."""
        ready = self._ahead.pop(with_store, None) or self._worker.submit(self._create, with_store)
        self._ahead[with_store] = self._worker.submit(self._create, with_store)
        return ready.result()

    def drop(self, name: str) -> None:
        """Drop a test's database (soon, on the worker), ending whatever connections it left open."""
        self._worker.submit(self._execute, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        """Drop the databases made ahead and the templates; wait for every drop to finish."""
        for ready in self._ahead.values():
            self.drop(ready.result()[0])
        self._ahead.clear()
        for with_store in (False, True):
            self.drop(self.template(with_store))
        self._worker.shutdown(wait=True)
        if self._connection is not None:
            self._connection.close()
