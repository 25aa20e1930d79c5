"""Helpers for the hostile-condition tests: real `annotator` processes, other processes on the same store,
and what a store held before and after (a dump of its tables, a hash of its file)."""

from __future__ import annotations

import ctypes
import hashlib
import os
import resource
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ANNOTATOR = Path(sys.executable).with_name("annotator")
# Derived rows that reading may refill, and the counter every write bumps: not what a store "holds".
_DERIVED_TABLES = {"document_work"}
_VOLATILE_META = {"data_version"}


@dataclass
class Ran:
    """What a finished `annotator` process did."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        """Standard output and standard error together."""
        return self.stdout + self.stderr


def annotator(*args: str, timeout: float = 120, preexec_fn: Callable[[], None] | None = None,
              env: dict[str, str] | None = None) -> Ran:
    """Run the installed `annotator` command in its own process and wait for it."""
    completed = subprocess.run(
        [str(ANNOTATOR), *args], capture_output=True, text=True, timeout=timeout, preexec_fn=preexec_fn,
        env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL,
    )
    return Ran(completed.returncode, completed.stdout, completed.stderr)


def assert_refused(ran: Ran, *names: str) -> None:
    """A clean refusal: non-zero exit, the message names each of `names`, and no traceback."""
    assert ran.returncode != 0, ran.output
    assert "Traceback" not in ran.output, ran.output
    for name in names:
        assert name in ran.output, ran.output


def python(script: str) -> list[str]:
    """The command line that runs a Python script from the repository root (so `tests` imports)."""
    return [sys.executable, "-c", textwrap.dedent(script)]


def start(script: str, **kwargs) -> subprocess.Popen:
    """Start a Python script in its own process; its output is read with `communicate`."""
    return subprocess.Popen(python(script), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, **kwargs)


def dump(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table of a store, read without writing, leaving out derived caches and the data version."""
    connection = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        rows = {}
        for table in sorted(set(tables) - _DERIVED_TABLES):
            columns = len(connection.execute(f'SELECT * FROM "{table}" LIMIT 0').description)
            order = ", ".join(str(i) for i in range(1, columns + 1))
            found = connection.execute(f'SELECT * FROM "{table}" ORDER BY {order}').fetchall()
            if table == "store_meta":
                found = [row for row in found if row[0] not in _VOLATILE_META]
            rows[table] = found
        return rows
    finally:
        connection.close()


def file_hash(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_store(db: Path, corpus: Path | None = None, documents: int = 0) -> None:
    """A store holding the demo, or a synthetic corpus of `documents` documents written to `corpus`."""
    if documents:
        from tests.synthetic import write_corpus

        assert corpus is not None
        write_corpus(corpus, documents)
        ran = annotator("--db", str(db), "import", str(corpus), timeout=300)
    else:
        ran = annotator("--db", str(db), "demo", "--no-review")
    assert ran.returncode == 0, ran.output


def file_size_limit(limit: int) -> Callable[[], None]:
    """A `preexec_fn` that caps the size of any file the process writes (Python ignores SIGXFSZ: writes fail)."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return cap


# Linux capabilities that let root ignore file modes; dropped so 0444 means read-only even for root.
_PR_CAPBSET_DROP, _CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER = 24, 1, 2, 3


def _drop_root_overrides() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def as_ordinary_user() -> Callable[[], None] | None:
    """A `preexec_fn` under which file modes apply (root drops the capabilities that bypass them); None if not root."""
    if os.geteuid() != 0:
        return None
    probe = subprocess.run(["true"], preexec_fn=_drop_root_overrides, capture_output=True)
    if probe.returncode != 0:
        pytest.skip("cannot drop root's file-permission override here")
    return _drop_root_overrides


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `condition` until it holds; fail the test with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


LOCK_HOLDER = """
    import sqlite3, sys, time
    connection = sqlite3.connect(sys.argv[1], isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    connection.execute("COMMIT")
    print("released", flush=True)
"""


def hold_lock(db: Path, seconds: float) -> subprocess.Popen:
    """Start another process that holds the store's write lock for `seconds`; return once it holds it."""
    holder = subprocess.Popen(
        [*python(LOCK_HOLDER), str(db), str(seconds)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked", holder.stderr.read() if holder.stderr else ""
    return holder
