"""The decision log: undo and redo as entries of the same log, and the state folded back from it.

Undo never deletes: it appends an `undo` entry naming a group and marks the group
undone in `undone_group`; redo appends a `redo` entry and clears the mark. The
review state of each target the group touched is then folded again from its
decisions still in effect (in batches for a large group, see `bulk`), so
`rebuild_derived_state` can redo all of it from the log alone.

A reviewer's undo history is theirs in the lane in effect (see `lanes`): undo takes
back their latest group of that lane and never one of another lane.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import orjson

from annotator.domain import Action, Decision, TargetKind
from annotator.store.bulk import Target, finish_interrupted, is_unfinished, refold_in_batches, targets_of
from annotator.store.changes import refold_targets
from annotator.store.lanes import current, using
from annotator.store.models import DecisionRow, DocumentWorkRow, ReviewStateRow, UndoneGroupRow
from annotator.store.sql import run
from annotator.store.state import DecisionError, next_group


def undo_stacks(reviewer: str) -> tuple[list[int], list[int]]:
    """The reviewer's groups in the lane in effect that can be undone and redone, most recent last."""
    done: list[int] = []
    redo: list[int] = []
    # One row per group, in the order groups began: a bulk group written in batches may
    # have other processes' entries between its own, and is still one step.
    query = run(
        "SELECT d.group_id, d.action, d.reverts_group FROM decision d JOIN"
        " (SELECT MIN(id) AS first FROM decision WHERE reviewer = ? AND lane = ? GROUP BY group_id) f"
        " ON d.id = f.first ORDER BY d.id",
        (reviewer, current()),
    )
    for group, action, reverts in query.fetchall():
        if action == Action.UNDO:
            if done and done[-1] == reverts:
                done.pop()
            redo.append(reverts)
        elif action == Action.REDO:
            if redo and redo[-1] == reverts:
                redo.pop()
            done.append(reverts)
        elif action == Action.IMPORT:
            continue
        else:
            done.append(group)
            redo.clear()
    return done, redo


def _refuse_unfinished(group: int) -> None:
    if is_unfinished(group):
        raise DecisionError(
            f"decision group {group} is still being written by another process; undo it once that has finished"
        )


def undo(reviewer: str) -> int | None:
    """Undo the reviewer's most recent decision group; return it, or None when nothing is left.

    The undo entry and the first of the group's targets are one transaction; a large
    group's other targets are folded again in batches (see `bulk`).
    """

    def chosen() -> int | None:
        done, _ = undo_stacks(reviewer)
        return done[-1] if done else None

    def mark(group: int) -> None:
        UndoneGroupRow.insert(group=group).on_conflict_ignore().execute()
        _append_marker(reviewer, Action.UNDO, group)

    return _revert(reviewer, chosen, mark)


def redo(reviewer: str) -> int | None:
    """Redo the reviewer's most recently undone group; return it, or None."""

    def chosen() -> int | None:
        _, undone = undo_stacks(reviewer)
        return undone[-1] if undone else None

    def mark(group: int) -> None:
        UndoneGroupRow.delete().where(UndoneGroupRow.group == group).execute()
        _append_marker(reviewer, Action.REDO, group)

    return _revert(reviewer, chosen, mark)


def _entries_of(reviewer: str) -> tuple[int, int]:
    """(highest pk, count) of the reviewer's log entries: it changes whenever their undo stacks may have."""
    row = run("SELECT MAX(id), COUNT(*) FROM decision WHERE reviewer = ? AND lane = ?", (reviewer, current())).fetchone()
    return (row[0] or 0, row[1])


def _revert(reviewer: str, chosen: Callable[[], int | None], mark: Callable[[int], None]) -> int | None:
    """Undo or redo: choose the group outside the write lock (reading a long log takes time), then act on it.

    Inside the transaction the choice is checked against the reviewer's entries and made
    again if another process of theirs wrote meanwhile.
    """
    finish_interrupted()
    seen = _entries_of(reviewer)
    group = chosen()
    targets = targets_of(group) if group is not None else []

    def begin() -> tuple[int, list[Target]] | None:
        nonlocal group, targets
        if _entries_of(reviewer) != seen:
            group = chosen()
            targets = targets_of(group) if group is not None else []
        if group is None:
            return None
        _refuse_unfinished(group)
        mark(group)
        return group, targets

    return refold_in_batches(begin)


def _append_marker(reviewer: str, action: Action, group: int) -> None:
    DecisionRow.insert(
        group=next_group(), reviewer=reviewer, at=time.time(), action=action.value, reverts_group=group, lane=current()
    ).execute()


def rebuild_derived_state() -> None:
    """Recompute the undone groups and every review state, of every lane, from the decision log alone (one transaction)."""
    UndoneGroupRow.delete().execute()
    ReviewStateRow.delete().execute()
    DocumentWorkRow.delete().execute()
    undone: set[int] = set()
    for action, reverts in (
        DecisionRow.select(DecisionRow.action, DecisionRow.reverts_group)
        .where(DecisionRow.action.in_([Action.UNDO.value, Action.REDO.value]))
        .order_by(DecisionRow.pk)
        .tuples().iterator()
    ):
        if action == Action.UNDO:
            undone.add(reverts)
        else:
            undone.discard(reverts)
    for group in undone:
        UndoneGroupRow.insert(group=group).execute()
    targets = set(
        DecisionRow.select(DecisionRow.lane, DecisionRow.target_kind, DecisionRow.target_pk)
        .where(DecisionRow.target_pk.is_null(False))
        .tuples().iterator()
    )
    for lane in sorted({lane for lane, _, _ in targets}):
        with using(lane):
            refold_targets((TargetKind(kind), pk) for in_lane, kind, pk in sorted(targets) if in_lane == lane)


def group_targets(group: int) -> list[tuple[int, TargetKind, int]]:
    """(document pk, kind, target pk) of every target a decision group touched, in order."""
    return [
        (document_pk, TargetKind(kind), pk)
        for document_pk, kind, pk in DecisionRow.select(
            DecisionRow.document_pk, DecisionRow.target_kind, DecisionRow.target_pk
        )
        .where((DecisionRow.group == group) & DecisionRow.target_pk.is_null(False))
        .order_by(DecisionRow.pk)
        .tuples().iterator()
    ]


def last_decided_target(reviewer: str) -> tuple[int, TargetKind, int] | None:
    """(document pk, kind, target pk) of the reviewer's latest decision in effect in the lane in effect, or None.

    The review screen resumes there.
    """
    undone = UndoneGroupRow.select(UndoneGroupRow.group)
    row = (
        DecisionRow.select(DecisionRow.document_pk, DecisionRow.target_kind, DecisionRow.target_pk)
        .where(
            (DecisionRow.reviewer == reviewer)
            & (DecisionRow.lane == current())
            & DecisionRow.target_pk.is_null(False)
            & (DecisionRow.action != Action.IMPORT.value)
            & DecisionRow.group.not_in(undone)
        )
        .order_by(DecisionRow.pk.desc())
        .tuples()
        .first()
    )
    return (row[0], TargetKind(row[1]), row[2]) if row else None


def review_states() -> dict[tuple[str, int], tuple[Any, ...]]:
    """Every review state of the lane in effect as (status, fixed, flagged, note), keyed by (kind, target pk).

    For checks and tests.
    """
    return {
        (kind, pk): tuple(rest)
        for kind, pk, *rest in ReviewStateRow.select(
            ReviewStateRow.target_kind, ReviewStateRow.target_pk, ReviewStateRow.status,
            ReviewStateRow.fixed, ReviewStateRow.flagged, ReviewStateRow.note,
        ).where(ReviewStateRow.lane == current()).tuples().iterator()
    }


def decisions(reviewer: str | None = None) -> list[Decision]:
    """The decision log in order, all of it or one reviewer's."""
    query = DecisionRow.select().order_by(DecisionRow.pk)
    if reviewer is not None:
        query = query.where(DecisionRow.reviewer == reviewer)
    return [decision_of(row) for row in query]


def decision_of(row: DecisionRow) -> Decision:
    """The domain `Decision` of a row of the log."""
    return Decision(
        row.pk, row.group, row.reviewer, row.at, Action(row.action),
        TargetKind(row.target_kind) if row.target_kind else None, row.target_pk,
        orjson.loads(row.before), orjson.loads(row.after), row.reverts_group,
    )
