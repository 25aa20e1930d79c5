"""Lanes: whose review states a reader sees and a decision writes.

Each reviewer of a team can decide in a lane of their own, so that in a document two
reviewers share neither sees the other's decisions, and their undo histories stay
apart. Lane `SHARED` (the empty name) is the shared, final lane: a store nobody works
on as a team keeps everything there and behaves as it always did.

The lane in effect is a context variable: a `Repository` opened for a lane sets it
around each of its calls, so every query and write under it (the review states read,
the decisions and states written, the progress cached) sees the same lane without
each function taking it as a parameter, and two repositories of different lanes in
one process, or in two threads, never see each other's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from annotator.store.models import DecisionRow

T = TypeVar("T")

SHARED = ""
_lane: ContextVar[str] = ContextVar("annotator_lane", default=SHARED)


def current() -> str:
    """The lane in effect: the one a repository's call runs in, `SHARED` outside any."""
    return _lane.get()


@contextmanager
def using(lane: str) -> Iterator[None]:
    """Run the body in `lane`; the lane in effect before comes back afterwards."""
    token = _lane.set(lane)
    try:
        yield
    finally:
        _lane.reset(token)


def iterate_in(lane: str, items: Iterator[T]) -> Iterator[T]:
    """Yield from `items`, each step run in `lane`: a generator's body runs at each `next`, in the caller's lane."""
    while True:
        with using(lane):
            try:
                item = next(items)
            except StopIteration:
                return
        yield item


def lane_of_group(group: int) -> str:
    """The lane a decision group was written in (`SHARED` for a group with no entry left)."""
    lane = DecisionRow.select(DecisionRow.lane).where(DecisionRow.group == group).limit(1).scalar()
    return lane if lane is not None else SHARED


def lanes_in_use() -> list[str]:
    """Every lane with a decision in the log, `SHARED` first when it has one."""
    return sorted(lane for (lane,) in DecisionRow.select(DecisionRow.lane).distinct().tuples().iterator())
