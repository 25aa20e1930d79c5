"""Decisions over large scopes, written in batches that each hold the write lock briefly, yet one undo step.

A corpus-wide bulk accept can touch hundreds of thousands of candidates. Written
in one transaction it would shut every other reviewer out for as long as it
takes; here it is written in batches of about `BATCH_SECONDS`, with a pause
between them in which other processes' writes get the lock. Every batch carries
the same decision group, so the whole is still one undo step, and undo and redo
of such a group fold its targets again in batches too.

A group being written is marked in `store_meta` (`unfinished_group:N`, with the
writer's process id). If the writer dies before the last batch, the next process
that opens the store finishes the job its own way: a bulk decision is taken back
whole (its entries are removed and its targets folded again, so the store is as
it was before it began), and an undo or redo, whose log entry is already
written, has its remaining targets folded. Either way the store ends unchanged
or complete, never half of one decision.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Sequence
from typing import Any

import orjson

from annotator.domain import Action, TargetKind
from annotator.store.changes import Change, record_changes, refold_targets
from annotator.store.errors import StoreError
from annotator.store.lanes import lane_of_group, using
from annotator.store.locking import run_write, settings
from annotator.store.models import MetaRow
from annotator.store.sql import marks, put_meta, run
from annotator.store.state import IDS_PER_QUERY, forget_work, next_group

# How long one batch may hold the write lock before it commits, and the pause after
# it: longer than SQLite's longest busy-handler sleep (100 ms), so a waiting writer gets in.
BATCH_SECONDS = 0.4
PAUSE_SECONDS = 0.12
# A marker not refreshed for this long is taken as abandoned, whoever wrote it.
_STALE_SECONDS = 600.0
_MARKER = "unfinished_group:"
_RECORD, _REFOLD = "record", "refold"
# Groups this process is writing right now: never finished by `finish_interrupted`.
_active: set[int] = set()
_KINDS = {kind.value: kind for kind in TargetKind}
Target = tuple[TargetKind, int]


def _mark(group: int, job: str) -> None:
    info = {"job": job, "pid": os.getpid(), "host": socket.gethostname(), "at": time.time()}
    put_meta(f"{_MARKER}{group}", orjson.dumps(info).decode())


def _unmark(group: int) -> None:
    MetaRow.delete().where(MetaRow.key == f"{_MARKER}{group}").execute()


def is_unfinished(group: int) -> bool:
    """Whether a decision group is still being written in batches (or was left half-written)."""
    return MetaRow.select(MetaRow.key).where(MetaRow.key == f"{_MARKER}{group}").exists()


def _still_mine(group: int) -> None:
    """Refuse to go on with a group whose marker another process removed (it took the group back)."""
    if not is_unfinished(group):
        raise StoreError(
            f"{settings.path}: decision group {group} was taken back by another process while it was being "
            "written; nothing of it is left in the store. Do it again"
        )


def targets_of(group: int) -> list[Target]:
    """Every target a decision group touched, each once, in the order it first did."""
    rows = run(
        "SELECT target_kind, target_id FROM decision WHERE group_id = ? AND target_id IS NOT NULL ORDER BY id", (group,)
    )
    return list(dict.fromkeys((_KINDS[kind], pk) for kind, pk in rows.fetchall()))


def record_in_batches(reviewer: str, action: Action, plan: Callable[[], Sequence[Change]]) -> tuple[int, int]:
    """Record the changes `plan` works out as one decision group, in batches; return (group, changes).

    `plan` runs inside the first batch's transaction, so what it reads is what the first
    batch writes on. With nothing to change, nothing is written and the group is 0.
    """
    job: dict[str, Any] = {"changes": [], "done": 0, "group": 0, "at": 0.0}

    def first_batch() -> None:
        job.update(changes=list(plan()), done=0, group=0)
        if not job["changes"]:
            return
        job.update(group=next_group(), at=time.time())
        if len(job["changes"]) > IDS_PER_QUERY:
            _mark(job["group"], _RECORD)
            _active.add(job["group"])
        _record_some(reviewer, action, job)

    def next_batch() -> None:
        _still_mine(job["group"])
        _record_some(reviewer, action, job)

    finish_interrupted()
    try:
        run_write(first_batch)
        while job["done"] < len(job["changes"]):
            time.sleep(PAUSE_SECONDS)
            run_write(next_batch)
    except BaseException:
        if job["group"] and job["done"]:
            _take_back_now(job["group"])
        raise
    finally:
        _active.discard(job["group"])
    return job["group"], len(job["changes"])


def _record_some(reviewer: str, action: Action, job: dict[str, Any]) -> None:
    """Record the next changes of a job until the batch has used its time; the last batch drops the marker."""
    started = time.perf_counter()
    changes: list[Change] = job["changes"]
    done = job["done"]
    documents: set[int] = set()
    # At least one chunk per batch, however slow, so every batch makes progress.
    while done < len(changes) and (done == job["done"] or time.perf_counter() - started < BATCH_SECONDS):
        chunk = changes[done : done + IDS_PER_QUERY]
        documents |= record_changes(job["group"], reviewer, action, job["at"], chunk)
        done += len(chunk)
    forget_work(documents)
    if len(changes) > IDS_PER_QUERY:
        if done < len(changes):
            _mark(job["group"], _RECORD)  # a fresh time: the writer is alive
        else:
            _unmark(job["group"])
    # Counted only once everything above went through: a failed batch is rolled back and done again.
    job["done"] = done


def _take_back_now(group: int) -> None:
    """After a failed batch, try to take back what the group wrote; if that fails too, the next opener will."""
    try:
        _finish(group, _RECORD)
    except Exception:  # noqa: BLE001 - the first error is the one to report; the marker stays for later
        pass


def refold_in_batches(begin: Callable[[], tuple[int, list[Target]] | None]) -> int | None:
    """Run `begin` (an undo or redo: it logs its entry and returns its group and the group's targets), then fold them.

    The entry and the first targets are one transaction; a large group's remaining
    targets follow in batches. Returns the group, or None when `begin` found nothing to do.
    """
    job: dict[str, Any] = {"group": None, "targets": [], "done": 0}

    def first_batch() -> None:
        job.update(group=None, targets=[], done=0)
        begun = begin()
        if begun is None:
            return
        job.update(group=begun[0], targets=begun[1])
        if len(job["targets"]) > IDS_PER_QUERY:
            _mark(job["group"], _REFOLD)
            _active.add(job["group"])
        _refold_some(job)

    def next_batch() -> None:
        _refold_some(job)

    try:
        run_write(first_batch)
        while job["done"] < len(job["targets"]):
            time.sleep(PAUSE_SECONDS)
            run_write(next_batch)
    finally:
        _active.discard(job["group"])
    return job["group"]


def _refold_some(job: dict[str, Any]) -> None:
    started = time.perf_counter()
    targets = job["targets"]
    done = job["done"]
    documents: set[int] = set()
    while done < len(targets) and (done == job["done"] or time.perf_counter() - started < BATCH_SECONDS):
        chunk = targets[done : done + IDS_PER_QUERY]
        documents |= refold_targets(chunk)
        done += len(chunk)
    forget_work(documents)
    if len(targets) > IDS_PER_QUERY:
        if done < len(targets):
            _mark(job["group"], _REFOLD)  # a fresh time: the writer is alive
        else:
            _unmark(job["group"])
    job["done"] = done


def _abandoned(info: dict[str, Any], group: int) -> bool:
    """Whether the process that marked a group is gone, or silent for so long it must be stuck.

    A writer refreshes its marker at every batch; one on another host can only be judged by that.
    """
    if time.time() - float(info.get("at", 0)) > _STALE_SECONDS:
        return True
    if info.get("host") != socket.gethostname():
        return False
    pid = int(info.get("pid", 0))
    if pid == os.getpid():
        return group not in _active
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def unfinished_groups() -> list[tuple[int, dict[str, Any]]]:
    """(group, marker) of every group marked as being written, alive or abandoned."""
    rows = run(
        "SELECT key, value FROM store_meta WHERE SUBSTR(key, 1, ?) = ?", (len(_MARKER), _MARKER)
    ).fetchall()
    return [(int(key[len(_MARKER):]), orjson.loads(value)) for key, value in rows]


def finish_interrupted() -> list[int]:
    """Finish every group a dead process left half-written; return those groups.

    A bulk decision is taken back whole; an undo or redo has its targets folded again.
    """
    finished = []
    for group, info in unfinished_groups():
        if _abandoned(info, group):
            _finish(group, info["job"])
            finished.append(group)
    return finished


def _finish(group: int, job: str) -> None:
    """Take back a half-recorded group, or fold again every target of a half-refolded one, in batches.

    It works in the group's own lane, whichever lane the process that finds it is in.
    """
    with using(lane_of_group(group)):
        _finish_in_lane(group, job)


def _finish_in_lane(group: int, job: str) -> None:
    if job == _REFOLD:
        refold: dict[str, Any] = {"group": group, "targets": targets_of(group), "done": 0}
        while refold["done"] < len(refold["targets"]):
            run_write(lambda: _refold_some(refold))
            time.sleep(PAUSE_SECONDS)
        run_write(lambda: _unmark(group))
        return
    while not run_write(lambda: _take_back_some(group)):
        time.sleep(PAUSE_SECONDS)


def _take_back_some(group: int) -> bool:
    """Remove some of a half-recorded group's entries and fold their targets again; True once none is left.

    The group's first entry goes last, with the marker, so its number stays taken
    (`next_group` counts from the highest) until nothing of it remains.
    """
    started = time.perf_counter()
    while True:
        rows = run(
            "SELECT id, target_kind, target_id FROM decision WHERE group_id = ? ORDER BY id DESC LIMIT ?",
            (group, IDS_PER_QUERY + 1),
        ).fetchall()
        last_one = len(rows) <= 1
        taken = rows if last_one else rows[:-1]
        if taken:
            run(f"DELETE FROM decision WHERE id IN ({marks(len(taken))})", [row[0] for row in taken])
            forget_work(refold_targets((TargetKind(kind), pk) for _, kind, pk in taken if pk is not None))
        if last_one:
            _unmark(group)
            return True
        if time.perf_counter() - started >= BATCH_SECONDS:
            return False
