"""A real pseudo-terminal for end-to-end tests: start `annotator` in it, type keys, read what it draws."""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

DEADLINE_SECONDS = 60


def read_until(fd: int, needle: bytes, seen: bytearray, timeout: float) -> bool:
    """Read the app's output into `seen` until `needle` shows up or `timeout` seconds pass."""
    end = time.monotonic() + timeout
    while (left := end - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], min(left, 0.05))
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


def drain(fd: int, seen: bytearray, seconds: float) -> None:
    """Keep reading the app's output: a terminal that is not read fills up and blocks the app."""
    read_until(fd, b"\x00never\x00", seen, seconds)


class Terminal:
    """A running program on the controller side of a pseudo-terminal."""

    def __init__(self, process: subprocess.Popen, controller: int):
        self.process = process
        self.controller = controller
        self.seen = bytearray()

    def wait_for(self, text: bytes, timeout: float = DEADLINE_SECONDS) -> None:
        """Read until `text` is drawn; fail with the tail of the output when it never is."""
        assert read_until(self.controller, text, self.seen, timeout), self.seen[-2000:].decode("utf-8", "replace")

    def settle(self, seconds: float) -> None:
        """Read the output for a while, so the app never blocks on a full terminal."""
        drain(self.controller, self.seen, seconds)

    def type(self, keys: bytes, gap: float) -> None:
        """Write one byte at a time, `gap` seconds apart, reading the output in between."""
        for key in keys:
            os.write(self.controller, bytes([key]))
            drain(self.controller, self.seen, gap)

    def wait_exit(self, timeout: float = DEADLINE_SECONDS) -> int:
        """Read until the program exits; its return code."""
        end = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < end:
            drain(self.controller, self.seen, 0.5)
        return self.process.wait(timeout=5)


@contextmanager
def terminal(command: Sequence[str], cwd: Path | None = None, size: tuple[int, int] = (120, 36)) -> Iterator[Terminal]:
    """Run `command` in a pseudo-terminal of `size` (columns, rows); kill it if the test leaves it running."""
    columns, rows = size
    controller, child = os.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(rows)}
    process = subprocess.Popen(
        list(command), stdin=child, stdout=child, stderr=child, env=env, cwd=cwd,
        start_new_session=True, close_fds=True,
    )
    os.close(child)
    try:
        yield Terminal(process, controller)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        os.close(controller)
