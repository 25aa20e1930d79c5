"""The review state of one target: what it starts as, how decisions fold into it, where it is kept.

A state is a plain dict `{"status", "fixed", "flagged", "note", "dismissed"}`;
`fixed` maps a corrected field to its new value and `dismissed` lists the warnings
the reviewer overrode. The `review_state` table holds the state folded from every
decision still in effect, so reading a document never replays the log.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from peewee import JOIN, fn

from annotator.domain import Origin, Review, Status, TargetKind
from annotator.store.models import (
    ArgumentRow,
    DecisionRow,
    DocumentWorkRow,
    EntityRow,
    EventRow,
    ReviewStateRow,
    SentenceRow,
)

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


def target_facts(kind: TargetKind, pk: int) -> TargetFacts:
    """The document, origin and machine values of a target; `DecisionError` when there is no such target."""
    if kind is TargetKind.ENTITY:
        entity = (
            EntityRow.select(EntityRow.document, EntityRow.origin, EntityRow.start, EntityRow.end, EntityRow.label)
            .where(EntityRow.pk == pk)
            .tuples()
            .first()
        )
        if entity is None:
            raise DecisionError(f"no entity with pk {pk}")
        document_pk, origin, start, end, label = entity
        return TargetFacts(document_pk, Origin(origin), {"start": start, "end": end, "label": label})
    if kind is TargetKind.EVENT:
        event = (
            EventRow.select(
                EventRow.document, EventRow.origin, EventRow.type, EventRow.trigger_start, EventRow.trigger_end,
                EventRow.attributes,
            )
            .where(EventRow.pk == pk)
            .tuples()
            .first()
        )
        if event is None:
            raise DecisionError(f"no event with pk {pk}")
        document_pk, origin, type_, trigger_start, trigger_end, attributes = event
        values = {
            "type": type_, "trigger_start": trigger_start, "trigger_end": trigger_end,
            "attributes": orjson.loads(attributes) if attributes else {},
        }
        return TargetFacts(document_pk, Origin(origin), values)
    if kind is TargetKind.SENTENCE:
        document_pk = SentenceRow.select(SentenceRow.document).where(SentenceRow.pk == pk).scalar()
        if document_pk is None:
            raise DecisionError(f"no sentence with pk {pk}")
        return TargetFacts(document_pk, Origin.MACHINE, {})
    argument = (
        ArgumentRow.select(
            EventRow.document, ArgumentRow.origin, ArgumentRow.role, EntityRow.external_id, ArgumentRow.start,
            ArgumentRow.end, EventRow.external_id,
        )
        .join_from(ArgumentRow, EventRow)
        .join_from(ArgumentRow, EntityRow, JOIN.LEFT_OUTER)
        .where(ArgumentRow.pk == pk)
        .tuples()
        .first()
    )
    if argument is None:
        raise DecisionError(f"no argument with pk {pk}")
    document_pk, origin, role, entity_id, start, end, event_id = argument
    values = {"role": role, "entity_id": entity_id, "start": start, "end": end, "event_id": event_id}
    return TargetFacts(document_pk, Origin(origin), values)


def current_state(kind: TargetKind, pk: int, origin: Origin | None = None) -> dict[str, Any]:
    """A target's state now; pass its origin when known, to spare a query for an undecided target."""
    row = ReviewStateRow.get_or_none((ReviewStateRow.target_kind == kind.value) & (ReviewStateRow.target_pk == pk))
    if row is not None:
        return {
            "status": row.status, "fixed": orjson.loads(row.fixed), "flagged": row.flagged, "note": row.note,
            "dismissed": orjson.loads(row.dismissed) if row.dismissed else [],
        }
    return initial_state(origin if origin is not None else target_facts(kind, pk).origin)


def write_state(
    kind: TargetKind, pk: int, document_pk: int, state: Mapping[str, Any], reviewer: str | None, at: float | None
) -> None:
    """Store a target's state, replacing the one kept before."""
    ReviewStateRow.insert(
        target_kind=kind.value, target_pk=pk, document_pk=document_pk, status=state["status"],
        fixed=orjson.dumps(state["fixed"]).decode(), flagged=bool(state["flagged"]),
        note=state["note"], reviewer=reviewer, decided_at=at, dismissed=orjson.dumps(state["dismissed"]).decode(),
    ).on_conflict_replace().execute()


def forget_work(document_pks: Iterable[int]) -> None:
    """Drop the cached sentence progress of documents a decision touched; it is counted again when asked for."""
    pks = sorted(set(document_pks))
    if pks:
        DocumentWorkRow.delete().where(DocumentWorkRow.document_pk.in_(pks)).execute()


def next_group() -> int:
    """The number of the next decision group (one undo step)."""
    return DecisionRow.select(fn.COALESCE(fn.MAX(DecisionRow.group), 0)).scalar() + 1
