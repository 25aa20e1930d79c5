"""The one way decisions enter the log, and the one way review states are folded again from it.

`record_changes` appends the entries of a decision group and folds each into its
target's state; `refold_targets` recomputes targets' states from their decisions
still in effect (after an undo, a redo, or a group taken back). Both work on many
targets with a few queries per few hundred of them, so one decision and a
corpus-wide bulk decision go through the same code at the speed each needs.
Both work in the lane in effect (see `lanes`): a decision is logged in it, and a
target is folded from that lane's decisions alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson

from annotator.domain import Action, TargetKind
from annotator.store.lanes import current
from annotator.store.models import DecisionRow
from annotator.store.sql import insert_rows, run
from annotator.store.state import (
    IDS_PER_QUERY,
    REVIEW_FIELDS,
    DecisionError,
    TargetFacts,
    current_states,
    fold,
    initial_state,
    state_row,
    target_facts_many,
    write_states,
)

# One change of a decision group: the target and the values its decision sets.
Change = tuple[TargetKind, int, Mapping[str, Any]]


def _facts_of(changes: Sequence[Change]) -> dict[TargetKind, dict[int, TargetFacts]]:
    """The facts of every target the changes name; `DecisionError` for one that does not exist."""
    wanted: dict[TargetKind, list[int]] = defaultdict(list)
    for kind, pk, _ in changes:
        wanted[kind].append(pk)
    facts = {kind: target_facts_many(kind, pks) for kind, pks in wanted.items()}
    for kind, pks in wanted.items():
        missing = next((pk for pk in pks if pk not in facts[kind]), None)
        if missing is not None:
            raise DecisionError(f"no {kind.value} with pk {missing}")
    return facts


def record_changes(group: int, reviewer: str, action: Action, at: float, changes: Sequence[Change]) -> set[int]:
    """Append the changes to the log as entries of `group` and fold each into its target's state.

    Changes apply in order, so a target named twice sees the first change in the
    `before` of the second. Returns the pks of the documents touched. Runs inside
    the caller's transaction.
    """
    documents: set[int] = set()
    lane = current()
    for i in range(0, len(changes), IDS_PER_QUERY):
        chunk = changes[i : i + IDS_PER_QUERY]
        facts = _facts_of(chunk)
        states = {kind: current_states(kind, of_kind) for kind, of_kind in facts.items()}
        entries = []
        touched: dict[tuple[TargetKind, int], tuple] = {}
        for kind, pk, delta in chunk:
            fact = facts[kind][pk]
            state = states[kind][pk]
            before = {
                name: state[name] if name in REVIEW_FIELDS else state["fixed"].get(name, fact.machine_values.get(name))
                for name in delta
            }
            entries.append(
                (group, reviewer, at, action.value, kind.value, pk, fact.document_pk,
                 orjson.dumps(before).decode(), orjson.dumps(dict(delta)).decode(), None, lane)
            )
            fold(state, delta)
            touched[(kind, pk)] = state_row(kind, pk, fact.document_pk, state, reviewer, at)
            documents.add(fact.document_pk)
        insert_rows(DecisionRow, entries, with_pk=False)
        write_states(list(touched.values()))
    return documents


def refold_targets(targets: Iterable[tuple[TargetKind, int]]) -> set[int]:
    """Fold each target's state in the lane in effect again from that lane's decisions in effect; return the documents.

    A target left without any decision in effect loses its row: it reads as its
    initial state (a machine candidate pending, a reviewer's addition withdrawn).
    """
    by_kind: dict[TargetKind, list[int]] = defaultdict(list)
    for kind, pk in targets:
        by_kind[kind].append(pk)
    documents: set[int] = set()
    for kind, pks in by_kind.items():
        unique = list(dict.fromkeys(pks))
        for i in range(0, len(unique), IDS_PER_QUERY):
            documents |= _refold_chunk(kind, unique[i : i + IDS_PER_QUERY])
    return documents


def _refold_chunk(kind: TargetKind, pks: list[int]) -> set[int]:
    facts = target_facts_many(kind, pks)
    states = {pk: initial_state(fact.origin) for pk, fact in facts.items()}
    last: dict[int, tuple[str, float]] = {}
    marks = ", ".join("?" * len(pks))
    lane = current()
    rows = run(
        "SELECT target_id, after, reviewer, at FROM decision"
        f" WHERE target_kind = ? AND target_id IN ({marks}) AND lane = ?"
        " AND group_id NOT IN (SELECT group_id FROM undone_group) ORDER BY id",
        (kind.value, *pks, lane),
    )
    for pk, after, reviewer, at in rows.fetchall():
        if pk in states:
            fold(states[pk], orjson.loads(after))
            last[pk] = (reviewer, at)
    write_states([state_row(kind, pk, facts[pk].document_pk, states[pk], *last[pk]) for pk in last])
    gone = [pk for pk in pks if pk not in last]
    if gone:
        run(
            f"DELETE FROM review_state WHERE lane = ? AND target_kind = ? AND target_id IN ({', '.join('?' * len(gone))})",
            (lane, kind.value, *gone),
        )
    return {fact.document_pk for fact in facts.values()}
