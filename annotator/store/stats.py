"""Statistics over the whole store: status counts, and what the decisions say about the extractor.

The states counted are those of the lane in effect (see `lanes`); throughput counts every decision.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from typing import Any

import orjson
from peewee import fn

from annotator.domain import DECIDED_STATUSES, GONE_STATUSES, NOT_UNDOABLE_ACTIONS, Origin, Status, TargetKind
from annotator.store.lanes import current
from annotator.store.models import ArgumentRow, DecisionRow, DocumentRow, EntityRow, EventRow, ReviewStateRow

# A gap between two decisions longer than this is a pause, not work.
IDLE_GAP_SECONDS = 300.0
# Fields whose fix moves a span rather than relabelling it.
_SPAN_FIELDS = {
    TargetKind.ENTITY: ("start", "end"),
    TargetKind.EVENT: ("trigger_start", "trigger_end"),
    TargetKind.ARGUMENT: ("start", "end", "entity_id"),
}


def _states() -> dict[tuple[str, int], tuple[str, str]]:
    """(status, fixed JSON) of every target that has a review state in the lane in effect, keyed by (kind, pk)."""
    return {
        (kind, pk): (status, fixed)
        for kind, pk, status, fixed in ReviewStateRow.select(
            ReviewStateRow.target_kind, ReviewStateRow.target_pk, ReviewStateRow.status, ReviewStateRow.fixed
        ).where(ReviewStateRow.lane == current()).tuples().iterator()
    }


def _status(state: tuple[str, str] | None, origin: str) -> str:
    """The stored status, or without a state row the initial one: pending for the machine's, withdrawn for a reviewer's."""
    if state is not None:
        return state[0]
    return Status.PENDING.value if origin == Origin.MACHINE.value else Status.WITHDRAWN.value


def _fixed(state: tuple[str, str] | None) -> dict[str, Any]:
    return orjson.loads(state[1]) if state is not None and state[1] and state[1] != "{}" else {}


_GONE = {status.value for status in GONE_STATUSES}


def attribute_counts(states: dict[tuple[str, int], tuple[str, str]], names: Collection[str]) -> dict[str, dict[str, int]]:
    """Per event attribute named, how many live events have each final value: {"polarity": {"negative": 3, ...}}."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in names}
    if not counts:
        return {}
    kind = TargetKind.EVENT.value
    for pk, attributes_json, origin in EventRow.select(EventRow.pk, EventRow.attributes, EventRow.origin).tuples().iterator():
        state = states.get((kind, pk))
        if _status(state, origin) in _GONE:
            continue
        fixed = _fixed(state)
        attributes = fixed["attributes"] if "attributes" in fixed else (
            orjson.loads(attributes_json) if attributes_json and attributes_json != "{}" else {}
        )
        for name, value in attributes.items():
            if name in counts and isinstance(value, str):
                counts[name][value] += 1
    return {name: dict(sorted(values.items())) for name, values in counts.items()}


def review_figures(attribute_names: Collection[str] = ()) -> dict[str, Any]:
    """What the reviewers' decisions say about the extractor, and how fast they decide.

    Per entity label, event type and argument role (the machine's value): how many
    were accepted, rejected, fixed and added, the acceptance rate (accepted + fixed
    over decided) and the boundary-fix rate (fixes that moved a span, over decided).
    Throughput per reviewer counts decision groups per active minute: a gap longer
    than `IDLE_GAP_SECONDS` between two of them is a pause, not work. Per event
    attribute named, how many live events have each final value.
    """
    states = _states()
    tables: dict[str, dict[str, Counter[str]]] = {
        "labels": defaultdict(Counter), "event_types": defaultdict(Counter), "roles": defaultdict(Counter)
    }
    sources: Iterable[tuple[TargetKind, str, Any]] = (
        (TargetKind.ENTITY, "labels", EntityRow.select(EntityRow.pk, EntityRow.label, EntityRow.origin)),
        (TargetKind.EVENT, "event_types", EventRow.select(EventRow.pk, EventRow.type, EventRow.origin)),
        (TargetKind.ARGUMENT, "roles", ArgumentRow.select(ArgumentRow.pk, ArgumentRow.role, ArgumentRow.origin)),
    )
    for kind, table, query in sources:
        for pk, name, origin in query.tuples().iterator():
            state = states.get((kind.value, pk))
            status = _status(state, origin)
            if status == Status.WITHDRAWN.value:
                continue
            row = tables[table][name]
            row[status] += 1
            if status == Status.FIXED.value and any(f in _fixed(state) for f in _SPAN_FIELDS[kind]):
                row["boundary_fixed"] += 1
    result: dict[str, Any] = {}
    for table, rows in tables.items():
        result[table] = {}
        for name, row in sorted(rows.items()):
            decided = sum(row[status.value] for status in DECIDED_STATUSES)
            result[table][name] = {
                "pending": row["pending"], "accepted": row["accepted"], "rejected": row["rejected"],
                "fixed": row["fixed"], "added": row["added"],
                "acceptance_rate": (row["accepted"] + row["fixed"]) / decided if decided else None,
                "boundary_fix_rate": row["boundary_fixed"] / decided if decided else None,
            }
    result["attributes"] = attribute_counts(states, attribute_names)
    result["throughput"] = _throughput()
    return result


def _throughput() -> dict[str, dict[str, Any]]:
    """Per reviewer: decision groups, active minutes, and groups per active minute."""
    times: dict[str, list[float]] = defaultdict(list)
    for reviewer, at in (
        # One group has one reviewer and one time; MIN picks them as every database allows.
        DecisionRow.select(fn.MIN(DecisionRow.reviewer), fn.MIN(DecisionRow.at))
        .where(
            DecisionRow.action.not_in([a.value for a in NOT_UNDOABLE_ACTIONS]) & DecisionRow.target_pk.is_null(False)
        )
        .group_by(DecisionRow.group)
        .order_by(DecisionRow.group)
        .tuples().iterator()
    ):
        times[reviewer].append(at)
    throughput = {}
    for reviewer, moments in times.items():
        moments.sort()
        active = sum(b - a for a, b in zip(moments, moments[1:]) if b - a <= IDLE_GAP_SECONDS)
        throughput[reviewer] = {
            "decisions": len(moments),
            "active_minutes": active / 60,
            "per_minute": (len(moments) - 1) / (active / 60) if active > 0 else None,
        }
    return throughput


def status_counts(attribute_names: Collection[str] = ()) -> dict[str, Any]:
    """Candidate counts per status: per document, entity label, event type and argument role (after fixes), and in all.

    Also, per event attribute named, how many live events have each final value.
    """
    states = _states()
    document_ids = dict(DocumentRow.select(DocumentRow.pk, DocumentRow.external_id).tuples().iterator())
    per_document: dict[str, Counter[str]] = defaultdict(Counter)
    per_label: dict[str, Counter[str]] = defaultdict(Counter)
    per_type: dict[str, Counter[str]] = defaultdict(Counter)
    per_role: dict[str, Counter[str]] = defaultdict(Counter)
    totals: Counter[str] = Counter()
    sources: Iterable[tuple[TargetKind, str, dict[str, Counter[str]], Any]] = (
        (TargetKind.ENTITY, "label", per_label,
         EntityRow.select(EntityRow.pk, EntityRow.document, EntityRow.label, EntityRow.origin)),
        (TargetKind.EVENT, "type", per_type,
         EventRow.select(EventRow.pk, EventRow.document, EventRow.type, EventRow.origin)),
        (TargetKind.ARGUMENT, "role", per_role,
         ArgumentRow.select(ArgumentRow.pk, EventRow.document, ArgumentRow.role, ArgumentRow.origin).join(EventRow)),
    )
    for kind, field_name, table, query in sources:
        for pk, document_pk, name, origin in query.tuples().iterator():
            state = states.get((kind.value, pk))
            status = _status(state, origin)
            if status == Status.WITHDRAWN.value:
                continue
            name = _fixed(state).get(field_name, name)
            per_document[document_ids[document_pk]][status] += 1
            table[name][status] += 1
            totals[status] += 1
    return {
        "documents": {document_id: dict(per_document.get(document_id, {})) for document_id in document_ids.values()},
        "labels": {k: dict(v) for k, v in sorted(per_label.items())},
        "event_types": {k: dict(v) for k, v in sorted(per_type.items())},
        "roles": {k: dict(v) for k, v in sorted(per_role.items())},
        "attributes": attribute_counts(states, attribute_names),
        "total": dict(totals),
    }
