"""Where an import reads from: a regular file, a brat folder, standard input or a FIFO, never a device.

Standard input (`-`) and a FIFO can be read only once, so each is opened once and
its first line kept for telling its format (`StreamedInput`). Every input is read
a line at a time with a bound on a line's length (`bounded_lines`), so that input
with no line breaks (`/dev/zero` on standard input) is refused at its first line
instead of filling memory. A character or block device, a socket and the like are
refused before anything is read.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

STDIN = "-"
STDIN_NAME = "<stdin>"

# The longest line any reader takes: far above a real document (the demo article is 93 kB
# on one line), low enough that a stream without line breaks is refused long before memory runs out.
MAX_LINE_BYTES = 128 * 1024 * 1024


class UnusableInput(Exception):
    """An input that cannot be imported (missing, a device, a terminal); the message says what to give instead."""


class LineTooLong(Exception):
    """A line longer than `MAX_LINE_BYTES`: nothing after it can be told apart, so reading stops there."""

    def __init__(self, line: int, limit: int):
        self.line = line
        self.limit = limit
        super().__init__(f"line {line} is longer than {limit // (1024 * 1024)} MB")

    @property
    def reason(self) -> str:
        """What to say at file:line."""
        return (
            f"a line longer than {self.limit // (1024 * 1024)} MB without a line break; nothing after it was read"
            " (is this the right file and format?)"
        )


def bounded_lines(handle: BinaryIO, limit: int | None = None, first_number: int = 1) -> Iterator[bytes]:
    """Each line of a binary stream, its line break included; raise `LineTooLong` at one longer than `limit`."""
    limit = limit or MAX_LINE_BYTES
    readline = handle.readline
    number = first_number
    while True:
        raw = readline(limit + 1)
        if not raw:
            return
        if len(raw) > limit:
            raise LineTooLong(number, limit)
        number += 1
        # Handed on without a reference left here, so a long line is freed as soon as its reader is done with it.
        held = [raw]
        del raw
        yield held.pop()


class StreamedInput:
    """Standard input or a FIFO: opened once and read once, its first non-blank line kept for telling the format."""

    def __init__(self, name: str, handle: BinaryIO, limit: int | None = None):
        self.name = name
        self.handle = handle
        self._lines = bounded_lines(handle, limit)
        self._head: list[bytes] = []
        self._started = False

    def __str__(self) -> str:
        return self.name

    @property
    def stem(self) -> str:
        """The name document ids are made from when a format gives none (as a file's stem)."""
        return "stdin" if self.name == STDIN_NAME else Path(self.name).stem

    def first_line(self) -> bytes:
        """The first non-blank line, kept so that reading still starts at the top; raise `LineTooLong`."""
        for raw in self._head:
            if raw.strip():
                return raw
        for raw in self._lines:
            self._head.append(raw)
            if raw.strip():
                return raw
        return b""

    def lines(self) -> Iterator[bytes]:
        """Every line from the top, once; raise `LineTooLong` at a line longer than the bound."""
        if self._started:
            raise ValueError(f"{self.name} has been read already; it can be read only once")
        self._started = True
        head, self._head = self._head, []
        while head:
            yield head.pop(0)
        yield from self._lines

    def close(self) -> None:
        """Close a FIFO; standard input is left open for the process."""
        if self.handle is not sys.stdin.buffer:
            self.handle.close()


Source = Path | StreamedInput
"""What a reader reads: a path (file or brat folder) or a stream opened once."""


def input_lines(source: Source) -> Iterator[bytes]:
    """The lines of a file or stream, each bounded (see `bounded_lines`); `OSError` when a file cannot be opened."""
    if isinstance(source, StreamedInput):
        yield from source.lines()
        return
    with open(source, "rb") as handle:
        yield from bounded_lines(handle)


def usable_input(given: str | Path) -> Source:
    """The input a command-line argument names, opened once when it is a stream; raise `UnusableInput`.

    `-` is standard input (refused when it is a terminal, where nothing would come);
    a FIFO is opened here (waiting, as any reader of a FIFO does, for its writer); a
    regular file or a folder is returned as a path to be opened by its reader.
    """
    if str(given) == STDIN:
        if sys.stdin is None or sys.stdin.isatty():
            raise UnusableInput("-: standard input is a terminal; pipe the file in (annotator import - < FILE) or name it")
        return StreamedInput(STDIN_NAME, sys.stdin.buffer)
    path = Path(given)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise UnusableInput(f"{path}: no such file") from None
    except OSError as error:
        raise UnusableInput(f"{path}: cannot read it: {error.strerror}") from None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return path
    if stat.S_ISFIFO(mode):
        try:
            return StreamedInput(str(path), open(path, "rb"))  # noqa: SIM115 - closed by the caller
        except OSError as error:
            raise UnusableInput(f"{path}: cannot read it: {error.strerror}") from None
    raise UnusableInput(
        f"{path}: is {special_kind(mode)}, not a file; give a regular file, a FIFO, or - to read standard input"
    )


def special_kind(mode: int) -> str:
    """What a file that is neither regular, a folder nor a FIFO is, in words."""
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def is_regular_file(path: Path) -> bool:
    """Whether a path (its symbolic links followed) is a regular file, the only kind a brat folder's files may be."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False
