"""The decision log: undo and redo as entries of the same log, and the state folded back from it.

Undo never deletes: it appends an `undo` entry naming a group and marks the group
undone in `undone_group`; redo appends a `redo` entry and clears the mark. The
review state of each target the group touched is then folded again from its
decisions still in effect, so `rebuild_derived_state` can redo all of it from the log alone.
"""

from __future__ import annotations

import time
from typing import Any

import orjson

from annotator.domain import Action, Decision, TargetKind
from annotator.store.models import DecisionRow, DocumentWorkRow, ReviewStateRow, UndoneGroupRow, database
from annotator.store.state import fold, forget_work, initial_state, next_group, target_facts, write_state


def undo_stacks(reviewer: str) -> tuple[list[int], list[int]]:
    """The reviewer's groups that can be undone and redone, most recent last."""
    done: list[int] = []
    redo: list[int] = []
    query = (
        DecisionRow.select(DecisionRow.group, DecisionRow.action, DecisionRow.reverts_group)
        .where(DecisionRow.reviewer == reviewer)
        .order_by(DecisionRow.pk)
        .tuples().iterator()
    )
    for group, action, reverts in query:
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
        elif not done or done[-1] != group:
            done.append(group)
            redo.clear()
    return done, redo


def undo(reviewer: str) -> int | None:
    """Undo the reviewer's most recent decision group; return it, or None when nothing is left."""
    with database.atomic():
        done, _ = undo_stacks(reviewer)
        if not done:
            return None
        group = done[-1]
        UndoneGroupRow.insert(group=group).on_conflict_ignore().execute()
        _append_marker(reviewer, Action.UNDO, group)
        _refold_group(group)
        return group


def redo(reviewer: str) -> int | None:
    """Redo the reviewer's most recently undone group; return it, or None."""
    with database.atomic():
        _, undone = undo_stacks(reviewer)
        if not undone:
            return None
        group = undone[-1]
        UndoneGroupRow.delete().where(UndoneGroupRow.group == group).execute()
        _append_marker(reviewer, Action.REDO, group)
        _refold_group(group)
        return group


def _append_marker(reviewer: str, action: Action, group: int) -> None:
    DecisionRow.insert(
        group=next_group(), reviewer=reviewer, at=time.time(), action=action.value, reverts_group=group
    ).execute()


def _refold_group(group: int) -> None:
    targets = (
        DecisionRow.select(DecisionRow.target_kind, DecisionRow.target_pk, DecisionRow.document_pk)
        .where((DecisionRow.group == group) & DecisionRow.target_pk.is_null(False))
        .distinct()
        .tuples().iterator()
    )
    documents = set()
    for kind, pk, document_pk in list(targets):
        _refold_target(TargetKind(kind), pk)
        documents.add(document_pk)
    forget_work(documents)


def _refold_target(kind: TargetKind, pk: int) -> None:
    """Fold a target's state again from its decisions in effect.

    With none left the row goes: a target without one reads as its initial state
    (a machine candidate pending, a reviewer's addition withdrawn).
    """
    facts = target_facts(kind, pk)
    state = initial_state(facts.origin)
    undone = UndoneGroupRow.select(UndoneGroupRow.group)
    last = None
    for after, reviewer, at in (
        DecisionRow.select(DecisionRow.after, DecisionRow.reviewer, DecisionRow.at)
        .where((DecisionRow.target_kind == kind.value) & (DecisionRow.target_pk == pk) & DecisionRow.group.not_in(undone))
        .order_by(DecisionRow.pk)
        .tuples().iterator()
    ):
        fold(state, orjson.loads(after))
        last = (reviewer, at)
    if last is not None:
        write_state(kind, pk, facts.document_pk, state, *last)
    else:
        ReviewStateRow.delete().where(
            (ReviewStateRow.target_kind == kind.value) & (ReviewStateRow.target_pk == pk)
        ).execute()


def rebuild_derived_state() -> None:
    """Recompute the undone groups and every review state from the decision log alone."""
    with database.atomic():
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
            DecisionRow.select(DecisionRow.target_kind, DecisionRow.target_pk)
            .where(DecisionRow.target_pk.is_null(False))
            .tuples().iterator()
        )
        for kind, pk in sorted(targets):
            _refold_target(TargetKind(kind), pk)


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
    """(document pk, kind, target pk) of the reviewer's latest decision still in effect (to resume there), or None."""
    undone = UndoneGroupRow.select(UndoneGroupRow.group)
    row = (
        DecisionRow.select(DecisionRow.document_pk, DecisionRow.target_kind, DecisionRow.target_pk)
        .where(
            (DecisionRow.reviewer == reviewer)
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
    """Every stored review state as (status, fixed, flagged, note), keyed by (kind, target pk), for checks and tests."""
    return {
        (kind, pk): tuple(rest)
        for kind, pk, *rest in ReviewStateRow.select(
            ReviewStateRow.target_kind, ReviewStateRow.target_pk, ReviewStateRow.status,
            ReviewStateRow.fixed, ReviewStateRow.flagged, ReviewStateRow.note,
        ).tuples().iterator()
    }


def decisions(reviewer: str | None = None) -> list[Decision]:
    """The decision log in order, all of it or one reviewer's."""
    query = DecisionRow.select().order_by(DecisionRow.pk)
    if reviewer is not None:
        query = query.where(DecisionRow.reviewer == reviewer)
    return [
        Decision(
            row.pk, row.group, row.reviewer, row.at, Action(row.action),
            TargetKind(row.target_kind) if row.target_kind else None, row.target_pk,
            orjson.loads(row.before), orjson.loads(row.after), row.reverts_group,
        )
        for row in query
    ]
