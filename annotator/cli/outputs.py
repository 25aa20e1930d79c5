"""Writing an output file or folder atomically: beside it under a temporary name, renamed into place when complete.

The temporary name is `.NAME.PID.XXXXXXXX.tmp`, next to the output. It is removed on
every way out: an error, Ctrl-C (SIGINT) and SIGTERM included, which are turned
into a clean exit while it exists. A `kill -9` leaves it behind; the next write to
the same place removes any left by a process that no longer runs. The output that
was there before is untouched until the rename, so a reader never sees half of one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TypeVar

import click

from annotator.formats.exporting import give_user_mode

T = TypeVar("T")

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived while an output was being written; a BaseException, so no `except Exception` eats it."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


class InterruptedExit(click.ClickException):
    """The message and exit status (128 + the signal's number, as a shell reports it) of an interrupted write."""

    def __init__(self, message: str, signum: int):
        super().__init__(message)
        setattr(self, "exit_code", 128 + signum)  # noqa: B010 - click declares it on the class; each exit has its own


@contextlib.contextmanager
def signals_as_exceptions() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into `Interrupted` for the duration, so that `finally` blocks run.

    Once one has arrived the others are ignored, so that a second Ctrl-C cannot cut
    the cleanup short. Handlers can be set only in the main thread; elsewhere
    nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, _frame: object) -> None:
        for number in _SIGNALS:
            signal.signal(number, signal.SIG_IGN)
        raise Interrupted(signum)

    previous = {number: signal.signal(number, interrupt) for number in _SIGNALS}
    try:
        yield
    except Interrupted as interrupted:  # one that came after the output's own cleanup: nothing is half written
        name = signal.Signals(interrupted.signum).name
        raise InterruptedExit(f"interrupted ({name})", interrupted.signum) from None
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _temporary_prefix(path: Path) -> str:
    return f".{path.name}.{os.getpid()}."


def sweep_leftovers(path: Path) -> None:
    """Remove the temporary files or folders a killed write to `path` left beside it (their process is gone)."""
    prefix = f".{path.name}."
    try:
        candidates = [child for child in path.parent.iterdir() if child.name.startswith(prefix) and child.name.endswith(".tmp")]
    except OSError:
        return
    for child in candidates:
        pid_text = child.name[len(prefix):].split(".", 1)[0]
        if not pid_text.isdigit() or _running(int(pid_text)):
            continue
        try:
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        except OSError:
            pass  # another process swept it first, or it cannot be removed: the write goes on regardless


def _running(pid: int) -> bool:
    """Whether a process with this id runs (one that cannot be signalled, another user's, counts as running)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def check_output_file(path: Path) -> None:
    """Refuse an output path that names a folder, before any work is done."""
    if path.expanduser().is_dir():
        raise click.ClickException(f"{path}: is a folder; give the name of a file to write with -o")


def write_atomically(path: Path, write: Callable[[IO[bytes]], T]) -> T:
    """Run `write(handle)` on a temporary file beside `path`, then rename it into place.

    A failure to write (a full disk, a folder where the file should go, no permission)
    is reported with the path, and the file that was there before is left as it was;
    so is an interruption (SIGINT, SIGTERM), which exits with 128 + the signal's number.
    """
    path = path.expanduser()
    check_output_file(path)
    with signals_as_exceptions():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            sweep_leftovers(path)
            handle = tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=_temporary_prefix(path), suffix=".tmp", delete=False)
        except OSError as error:
            raise cannot_write(path, error) from error
        except Interrupted as interrupted:
            raise _interrupted(path, interrupted) from None
        temporary = Path(handle.name)
        try:
            with handle:
                result = write(handle)
                handle.flush()
                os.fsync(handle.fileno())
            give_user_mode(temporary)
            os.replace(temporary, path)
            return result
        except OSError as error:
            raise cannot_write(path, error) from error
        except Interrupted as interrupted:
            raise _interrupted(path, interrupted) from None
        finally:
            temporary.unlink(missing_ok=True)


def write_folder_atomically(folder: Path, write: Callable[[Path], T]) -> T:
    """Run `write(temporary folder)` beside `folder`, then rename it into place (an existing folder must be empty)."""
    folder = folder.expanduser()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise click.ClickException(f"{folder}: exists and is not an empty folder; choose a new one")
    with signals_as_exceptions():
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
            sweep_leftovers(folder)
            temporary = Path(tempfile.mkdtemp(dir=folder.parent, prefix=_temporary_prefix(folder), suffix=".tmp"))
        except OSError as error:
            raise cannot_write(folder, error) from error
        except Interrupted as interrupted:
            raise _interrupted(folder, interrupted) from None
        try:
            result = write(temporary)
            give_user_mode(temporary)
            if folder.exists():
                folder.rmdir()
            os.replace(temporary, folder)
            return result
        except OSError as error:
            raise cannot_write(folder, error) from error
        except Interrupted as interrupted:
            raise _interrupted(folder, interrupted) from None
        finally:
            shutil.rmtree(temporary, ignore_errors=True)


def _interrupted(path: Path, interrupted: Interrupted) -> InterruptedExit:
    """The message for a write cut short by a signal; the output is as it was."""
    name = signal.Signals(interrupted.signum).name
    return InterruptedExit(f"interrupted ({name}); {path} was not written, and what was there before is as it was", interrupted.signum)


def cannot_write(path: Path, error: OSError) -> click.ClickException:
    """The message for an output that could not be written; anything there before is untouched."""
    reason = error.strerror or str(error)
    return click.ClickException(f"{path}: cannot write the output ({reason}); nothing was written there")
