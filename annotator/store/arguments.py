"""Operations on event arguments: add an extent, move or copy it to another event, merge two events.

An argument is a role, an extent in the text and optionally the entity it refers
to. It belongs to one event; a move is a fix of its `event_id` (the external id of
the event), so the machine's placement stays as it was and undo brings it back.
Every operation here is one decision group (one undo step).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import orjson
from peewee import JOIN, fn

from annotator.domain import Action, Origin, Status, TargetKind, is_live
from annotator.store.changes import Change
from annotator.store.decisions import (
    check_extent,
    entity_pk_of,
    fixed_status,
    record_group,
)
from annotator.store.lanes import current
from annotator.store.models import ArgumentRow, EventRow, ReviewStateRow, database
from annotator.store.sql import last_pk
from annotator.store.state import DecisionError, current_state, initial_state, target_facts


def _event(event_pk: int) -> tuple[int, str]:
    """The document pk and external id of an event; `DecisionError` when there is none."""
    row = EventRow.select(EventRow.document, EventRow.external_id).where(EventRow.pk == event_pk).tuples().first()
    if row is None:
        raise DecisionError(f"no event with pk {event_pk}")
    return row


def _final_values(kind: TargetKind, pk: int) -> tuple[int, dict[str, Any], dict[str, Any]]:
    """A target's document, final values (machine values under its corrections) and current state."""
    facts = target_facts(kind, pk)
    state = current_state(kind, pk, facts.origin)
    return facts.document_pk, {**facts.machine_values, **state["fixed"]}, state


def add_argument(
    reviewer: str, event_pk: int, role: str, start: int | None = None, end: int | None = None,
    entity_pk: int | None = None,
) -> int:
    """Add an argument to an event: a role, an extent, optionally the entity it refers to; return its pk.

    The extent is required unless an entity is given, whose final span it then takes.
    The extent must lie in the text and the entity in the event's document.
    """
    if not role:
        raise DecisionError("an argument needs a role")
    with database.atomic():
        document_pk, _ = _event(event_pk)
        if entity_pk is not None:
            entity_document, entity, _ = _final_values(TargetKind.ENTITY, entity_pk)
            if entity_document != document_pk:
                raise DecisionError(f"entity {entity_pk} is not in the event's document; link an entity of the same document")
            if start is None and end is None:
                start, end = entity["start"], entity["end"]
        if start is None or end is None:
            raise DecisionError("an argument needs an extent (start and end) or an entity to take it from")
        check_extent(document_pk, start, end)
        pk = last_pk(ArgumentRow) + 1
        position = (
            ArgumentRow.select(fn.COALESCE(fn.MAX(ArgumentRow.position), -1)).where(ArgumentRow.event == event_pk).scalar()
            + 1
        )
        ArgumentRow.insert(
            pk=pk, event=event_pk, position=position, role=role, entity=entity_pk,
            start=start, end=end, score=None, origin=Origin.REVIEWER.value,
        ).execute()
        record_group(reviewer, Action.ADD, [(TargetKind.ARGUMENT, pk, {"status": Status.ADDED.value})])
    return pk


def move_argument(reviewer: str, argument_pk: int, to_event_pk: int) -> int:
    """Move an argument to another event of its document (a fix of its `event_id`); return the decision group."""
    with database.atomic():
        document_pk, argument, state = _final_values(TargetKind.ARGUMENT, argument_pk)
        target_document, target_id = _event(to_event_pk)
        if target_document != document_pk:
            raise DecisionError("an argument moves only to an event of its own document")
        if argument["event_id"] == target_id:
            raise DecisionError(f"the argument already belongs to event {target_id}")
        delta = {"event_id": target_id, "status": fixed_status(state).value}
        return record_group(reviewer, Action.MOVE, [(TargetKind.ARGUMENT, argument_pk, delta)])


def copy_argument(reviewer: str, argument_pk: int, to_event_pk: int) -> int:
    """Give another event of the document an argument with this one's final role, extent and entity; return its pk."""
    with database.atomic():
        document_pk, argument, _ = _final_values(TargetKind.ARGUMENT, argument_pk)
        target_document, _ = _event(to_event_pk)
        if target_document != document_pk:
            raise DecisionError("an argument is copied only to an event of its own document")
        entity_pk = None
        if argument["entity_id"] is not None:
            entity_pk = entity_pk_of(document_pk, argument["entity_id"])
        return add_argument(reviewer, to_event_pk, argument["role"], argument["start"], argument["end"], entity_pk)


def _live_events(document_pk: int) -> list[tuple[int, str, int, int]]:
    """(pk, external id, final trigger start, final trigger end) of the document's live events, in pk order."""
    state = ReviewStateRow.alias()
    rows = (
        EventRow.select(
            EventRow.pk, EventRow.external_id, EventRow.trigger_start, EventRow.trigger_end, EventRow.origin,
            state.status, state.fixed,
        )
        .join(
            state, JOIN.LEFT_OUTER,
            on=(state.lane == current()) & (state.target_kind == TargetKind.EVENT.value) & (state.target_pk == EventRow.pk),
        )
        .where(EventRow.document == document_pk)
        .order_by(EventRow.pk)
        .tuples().iterator()
    )
    live = []
    for pk, external_id, start, end, origin, status, fixed_json in rows:
        status = status or initial_state(Origin(origin))["status"]
        if not is_live(Status(status)):
            continue
        fixed = orjson.loads(fixed_json) if fixed_json and fixed_json != "{}" else {}
        live.append((pk, external_id, fixed.get("trigger_start", start), fixed.get("trigger_end", end)))
    return live


def events_sharing_trigger(document_pk: int) -> list[tuple[int, int]]:
    """Pairs (lower pk, higher pk) of the document's live events whose final trigger spans are the same."""
    by_span: dict[tuple[int, int], list[int]] = defaultdict(list)
    for pk, _, start, end in _live_events(document_pk):
        by_span[(start, end)].append(pk)
    pairs = [
        (first, second)
        for pks in by_span.values()
        for i, first in enumerate(pks)
        for second in pks[i + 1:]
    ]
    return sorted(pairs)


def _final_arguments(document_pk: int, event_pk: int, event_id: str) -> list[tuple[int, dict[str, Any]]]:
    """(pk, state) of the arguments whose final event is this one: its own not moved away, and those moved in."""
    state = ReviewStateRow.alias()
    rows = (
        ArgumentRow.select(ArgumentRow.pk, ArgumentRow.event, ArgumentRow.origin, state.status, state.fixed)
        .join_from(ArgumentRow, EventRow)
        .join_from(
            ArgumentRow, state, JOIN.LEFT_OUTER,
            on=(state.lane == current())
            & (state.target_kind == TargetKind.ARGUMENT.value)
            & (state.target_pk == ArgumentRow.pk),
        )
        .where(EventRow.document == document_pk)
        .order_by(ArgumentRow.event, ArgumentRow.position)
        .tuples().iterator()
    )
    found = []
    for pk, own_event, origin, status, fixed_json in rows:
        fixed = orjson.loads(fixed_json) if fixed_json and fixed_json != "{}" else {}
        moved_to = fixed.get("event_id")
        if (moved_to == event_id) if moved_to is not None else own_event == event_pk:
            found.append((pk, {"status": status or initial_state(Origin(origin))["status"], "fixed": fixed}))
    return found


def merge_events(reviewer: str, keep_event_pk: int, other_event_pk: int) -> int:
    """Move the other event's live arguments to the kept one and reject the other, as one decision group."""
    if keep_event_pk == other_event_pk:
        raise DecisionError("an event cannot be merged into itself")
    with database.atomic():
        keep_document, keep_id = _event(keep_event_pk)
        other_document, other_id = _event(other_event_pk)
        if keep_document != other_document:
            raise DecisionError("only two events of the same document can be merged")
        changes: list[Change] = [(TargetKind.EVENT, other_event_pk, {"status": Status.REJECTED.value})]
        changes += [
            (TargetKind.ARGUMENT, pk, {"event_id": keep_id, "status": fixed_status(state).value})
            for pk, state in _final_arguments(other_document, other_event_pk, other_id)
            if is_live(Status(state["status"]))
        ]
        return record_group(reviewer, Action.MERGE, changes)
