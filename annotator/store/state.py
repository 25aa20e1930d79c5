"""The review state of one target: what it starts as, how decisions fold into it, where it is kept.

A state is a plain dict `{"status", "fixed", "flagged", "note", "dismissed"}`;
`fixed` maps a corrected field to its new value and `dismissed` lists the warnings
the reviewer overrode. The `review_state` table holds the state folded from every
decision still in effect, so reading a document never replays the log. States are
read and written in the lane in effect (see `lanes`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from annotator.domain import Origin, Review, Status, TargetKind
from annotator.store.lanes import current
from annotator.store.models import DocumentWorkRow, ReviewStateRow
from annotator.store.sql import insert_rows, run

# Decision fields that are the review itself; any other field of a decision is a correction.
REVIEW_FIELDS = ("status", "flagged", "note", "dismissed")


class DecisionError(Exception):
    """A decision that cannot be recorded (unknown target, value out of range)."""


@dataclass(frozen=True)
class TargetFacts:
    """What a decision needs to know about its target: its document, origin and the machine's values."""

    document_pk: int
    origin: Origin
    machine_values: Mapping[str, Any]


def initial_state(origin: Origin) -> dict[str, Any]:
    """The state before any decision: a machine candidate is pending, a reviewer's addition not yet there."""
    status = Status.PENDING if origin is Origin.MACHINE else Status.WITHDRAWN
    return {"status": status.value, "fixed": {}, "flagged": False, "note": "", "dismissed": []}


def fold(state: dict[str, Any], delta: Mapping[str, Any]) -> None:
    """Apply one decision's `after` values to a state, in place."""
    for name, value in delta.items():
        if name in REVIEW_FIELDS:
            state[name] = value
        else:
            state["fixed"][name] = value


def review_from_row(
    status: str, fixed: str, flagged: bool, note: str | None, reviewer: str | None, decided_at: float | None,
    dismissed: str | None = None,
) -> Review:
    """The domain `Review` of a `review_state` row's values."""
    return Review(
        status=Status(status),
        fixed=orjson.loads(fixed) if fixed and fixed != "{}" else {},
        flagged=bool(flagged),
        note=note or "",
        reviewer=reviewer,
        decided_at=decided_at,
        dismissed=tuple(orjson.loads(dismissed)) if dismissed and dismissed != "[]" else (),
    )


# The machine's values of each kind of target, selected by pk (`{marks}`: one `?` per pk).
_FACTS_SQL = {
    TargetKind.ENTITY: 'SELECT id, document_id, origin, start, "end", label FROM entity WHERE id IN ({marks})',
    TargetKind.EVENT: (
        "SELECT id, document_id, origin, type, trigger_start, trigger_end, attributes FROM event WHERE id IN ({marks})"
    ),
    TargetKind.SENTENCE: "SELECT id, document_id, 'machine' FROM sentence WHERE id IN ({marks})",
    TargetKind.ARGUMENT: (
        'SELECT a.id, v.document_id, a.origin, a.role, e."key", a.start, a."end", v."key" FROM argument a'
        " JOIN event v ON v.id = a.event_id LEFT JOIN entity e ON e.id = a.entity_id WHERE a.id IN ({marks})"
    ),
}
# How many pks one `IN (...)` binds: well under SQLite's limit on parameters.
IDS_PER_QUERY = 500


def _machine_values(kind: TargetKind, values: tuple) -> dict[str, Any]:
    """The machine's values of a target from the columns `_FACTS_SQL` selects after id, document and origin."""
    if kind is TargetKind.ENTITY:
        start, end, label = values
        return {"start": start, "end": end, "label": label}
    if kind is TargetKind.EVENT:
        type_, trigger_start, trigger_end, attributes = values
        return {
            "type": type_, "trigger_start": trigger_start, "trigger_end": trigger_end,
            "attributes": orjson.loads(attributes) if attributes else {},
        }
    if kind is TargetKind.SENTENCE:
        return {}
    role, entity_id, start, end, event_id = values
    return {"role": role, "entity_id": entity_id, "start": start, "end": end, "event_id": event_id}


def target_facts_many(kind: TargetKind, pks: Iterable[int]) -> dict[int, TargetFacts]:
    """The document, origin and machine values of each target of one kind that exists, by pk."""
    unique = list(dict.fromkeys(pks))
    found: dict[int, TargetFacts] = {}
    for i in range(0, len(unique), IDS_PER_QUERY):
        chunk = unique[i : i + IDS_PER_QUERY]
        sql = _FACTS_SQL[kind].format(marks=", ".join("?" * len(chunk)))
        for pk, document_pk, origin, *values in run(sql, chunk).fetchall():
            found[pk] = TargetFacts(document_pk, Origin(origin), _machine_values(kind, tuple(values)))
    return found


def target_facts(kind: TargetKind, pk: int) -> TargetFacts:
    """The document, origin and machine values of a target; `DecisionError` when there is no such target."""
    facts = target_facts_many(kind, [pk]).get(pk)
    if facts is None:
        raise DecisionError(f"no {kind.value} with pk {pk}")
    return facts


_STATE_COLUMNS = "status, fixed, flagged, note, dismissed"


def _stored_state(status: str, fixed: str, flagged: Any, note: str, dismissed: str | None) -> dict[str, Any]:
    """A state from the columns `_STATE_COLUMNS` of a `review_state` row."""
    return {
        "status": status, "fixed": orjson.loads(fixed), "flagged": bool(flagged), "note": note,
        "dismissed": orjson.loads(dismissed) if dismissed else [],
    }


def current_states(kind: TargetKind, facts: Mapping[int, TargetFacts]) -> dict[int, dict[str, Any]]:
    """The state now, in the lane in effect, of each target of one kind whose facts are given, by pk."""
    states = {pk: initial_state(fact.origin) for pk, fact in facts.items()}
    pks = list(facts)
    for i in range(0, len(pks), IDS_PER_QUERY):
        chunk = pks[i : i + IDS_PER_QUERY]
        sql = (
            f"SELECT target_id, {_STATE_COLUMNS} FROM review_state"
            f" WHERE lane = ? AND target_kind = ? AND target_id IN ({', '.join('?' * len(chunk))})"
        )
        for pk, *columns in run(sql, (current(), kind.value, *chunk)).fetchall():
            states[pk] = _stored_state(*columns)
    return states


def state_row(
    kind: TargetKind, pk: int, document_pk: int, state: Mapping[str, Any], reviewer: str | None, at: float | None
) -> tuple:
    """A `review_state` row of a state in the lane in effect, in the order of the table's columns."""
    return (
        kind.value, pk, document_pk, state["status"], orjson.dumps(state["fixed"]).decode(), bool(state["flagged"]),
        state["note"], reviewer, at, orjson.dumps(state["dismissed"]).decode(), current(),
    )


def current_state(kind: TargetKind, pk: int, origin: Origin | None = None) -> dict[str, Any]:
    """A target's state now in the lane in effect; pass its origin when known, to spare a query for an undecided target."""
    row = run(
        f"SELECT {_STATE_COLUMNS} FROM review_state WHERE lane = ? AND target_kind = ? AND target_id = ?",
        (current(), kind.value, pk),
    ).fetchone()
    if row is not None:
        return _stored_state(*row)
    return initial_state(origin if origin is not None else target_facts(kind, pk).origin)


def write_states(rows: Sequence[tuple]) -> None:
    """Store targets' states (rows of `state_row`), replacing the ones kept before."""
    insert_rows(ReviewStateRow, rows, replace=True)


def forget_work(document_pks: Iterable[int]) -> None:
    """Drop the cached sentence progress, in the lane in effect, of documents a decision touched.

    It is counted again when asked for; the other lanes' progress is not changed by this lane's decisions.
    """
    pks = sorted(set(document_pks))
    if pks:
        DocumentWorkRow.delete().where((DocumentWorkRow.lane == current()) & DocumentWorkRow.document_pk.in_(pks)).execute()


def next_group() -> int:
    """The number of the next decision group (one undo step)."""
    return int(run("SELECT COALESCE(MAX(group_id), 0) + 1 FROM decision").fetchone()[0])
