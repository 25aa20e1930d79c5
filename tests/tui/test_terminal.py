"""End to end: the installed `annotator` runs in a real pseudo-terminal, takes keys, and the database shows them."""

from __future__ import annotations

import fcntl
import os
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

ANNOTATOR = Path(sys.executable).with_name("annotator")
DEADLINE_SECONDS = 60


def drain(fd: int, seen: bytearray, seconds: float) -> None:
    """Keep reading the app's output: a terminal that is not read fills up and blocks the app."""
    read_until(fd, b"\x00never\x00", seen, seconds)


def read_until(fd: int, needle: bytes, seen: bytearray, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return needle in seen
            if not chunk:
                return needle in seen
            seen.extend(chunk)
            if needle in seen:
                return True
    return needle in seen


@pytest.mark.skipif(not ANNOTATOR.exists(), reason="the annotator console script is not installed next to this Python")
def test_review_in_a_real_terminal_records_the_keys(tmp_path):
    db = tmp_path / "pty.db"
    controller, terminal = os.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "36"}
    process = subprocess.Popen(
        [str(ANNOTATOR), "--db", str(db), "--reviewer", "pty", "demo"],
        stdin=terminal, stdout=terminal, stderr=terminal, env=env, start_new_session=True, close_fds=True,
    )
    os.close(terminal)
    seen = bytearray()
    try:
        assert read_until(controller, b"Accept", seen, DEADLINE_SECONDS), seen[-2000:].decode("utf-8", "replace")
        drain(controller, seen, 1.0)  # let the first screen settle before typing
        for key in (b"a", b"x", b"q"):
            os.write(controller, key)
            drain(controller, seen, 1.0)
        end = time.monotonic() + DEADLINE_SECONDS
        while process.poll() is None and time.monotonic() < end:
            drain(controller, seen, 0.5)
        process.wait(timeout=5)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        os.close(controller)
    assert process.returncode == 0
    connection = sqlite3.connect(db)
    rows = connection.execute("SELECT action, reviewer FROM decision ORDER BY id").fetchall()
    states = connection.execute("SELECT status FROM review_state ORDER BY decided_at").fetchall()
    connection.close()
    assert rows == [("accept", "pty"), ("reject", "pty")]
    assert states == [("accepted",), ("rejected",)]
