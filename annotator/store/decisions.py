"""Recording decisions: the named review operations, each one decision group (one undo step).

Every operation appends to the decision log and updates the derived review state
in one transaction, committed before it returns. The rules of what a decision
means ("an already fixed item stays fixed", "accepting or rejecting an event does
the same to its pending arguments") live here and nowhere else; the operations on
arguments (add, move, copy, merge) are in `arguments`, sentences in `sentences`.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import orjson
from peewee import fn

from annotator.domain import (
    BULK_ACCEPT_ACTIONS,
    FIXABLE_FIELDS,
    Action,
    Origin,
    Sentence,
    Status,
    TargetKind,
    is_decided,
    sentence_of,
)
from annotator.schema import Schema
from annotator.store import queries
from annotator.store.bulk import record_in_batches
from annotator.store.changes import Change, record_changes
from annotator.store.models import DocumentRow, EntityRow, EventRow, SentenceRow, database
from annotator.store.sql import last_pk
from annotator.store.state import DecisionError, current_state, forget_work, next_group, target_facts


def _accepted_status(state: Mapping[str, Any]) -> Status:
    """What accepting makes of a target: a fixed one stays fixed, a reviewer's addition stays added."""
    if state["status"] == Status.ADDED.value:
        return Status.ADDED
    return Status.FIXED if state["fixed"] else Status.ACCEPTED


def fixed_status(state: Mapping[str, Any]) -> Status:
    """What a correction makes of a target: fixed, except that a reviewer's addition stays added."""
    return Status.ADDED if state["status"] == Status.ADDED.value else Status.FIXED


def accept(reviewer: str, kind: TargetKind, pk: int) -> int:
    """Accept a candidate (an item already fixed stays fixed); return the decision group."""
    with database.atomic():
        status = _accepted_status(current_state(kind, pk))
        return record_group(reviewer, Action.ACCEPT, [(kind, pk, {"status": status.value})])


def accept_event(reviewer: str, event_pk: int) -> int:
    """Accept an event and its pending arguments as one decision group; arguments already decided stay as they are."""
    with database.atomic():
        status = _accepted_status(current_state(TargetKind.EVENT, event_pk))
        changes: list[Change] = [(TargetKind.EVENT, event_pk, {"status": status.value})]
        changes += [
            (TargetKind.ARGUMENT, pk, {"status": Status.ACCEPTED.value}) for pk in queries.pending_arguments(event_pk)
        ]
        return record_group(reviewer, Action.ACCEPT, changes)


def reject(reviewer: str, kind: TargetKind, pk: int) -> int:
    """Reject a candidate; return the decision group."""
    return record_group(reviewer, Action.REJECT, [(kind, pk, {"status": Status.REJECTED.value})])


def reject_event(reviewer: str, event_pk: int) -> int:
    """Reject an event and its pending arguments as one decision group; arguments already decided stay as they are."""
    with database.atomic():
        changes: list[Change] = [(TargetKind.EVENT, event_pk, {"status": Status.REJECTED.value})]
        changes += [
            (TargetKind.ARGUMENT, pk, {"status": Status.REJECTED.value}) for pk in queries.pending_arguments(event_pk)
        ]
        return record_group(reviewer, Action.REJECT, changes)


def accept_many(reviewer: str, targets: Sequence[tuple[TargetKind, int]], action: Action) -> int:
    """Accept many candidates as one decision group (one undo step); `action` names the bulk operation.

    Written in batches that each hold the write lock briefly (see `bulk`).
    """
    if action not in BULK_ACCEPT_ACTIONS:
        raise DecisionError(f"{action.value} is not a bulk accept; use one of {sorted(a.value for a in BULK_ACCEPT_ACTIONS)}")
    if not targets:
        raise DecisionError("nothing to record")
    accepted = {"status": Status.ACCEPTED.value}
    group, _ = record_in_batches(reviewer, action, lambda: [(kind, pk, accepted) for kind, pk in targets])
    return group


def apply_to_identical(reviewer: str, entity_pk: int, only: Collection[int] | None = None) -> int:
    """Give the entity's identical pending mentions its decision, as one group; return how many (0 when none).

    The status and a label fix carry over; a boundary fix is about that one mention's
    offsets and does not, so a mention of an entity whose only fix was a boundary is accepted.
    With `only`, just the identical mentions among those pks (the reviewer unticked the rest).
    Written in batches that each hold the write lock briefly (see `bulk`).
    """

    def plan() -> list[Change]:
        state = current_state(TargetKind.ENTITY, entity_pk)
        if not is_decided(Status(state["status"])):
            return []
        mentions = queries.identical_mentions(entity_pk)
        if only is not None:
            wanted = set(only)
            mentions = [pk for pk in mentions if pk in wanted]
        delta: dict[str, Any] = {"status": state["status"]}
        if "label" in state["fixed"]:
            delta["label"] = state["fixed"]["label"]
        elif state["status"] == Status.FIXED.value:
            delta["status"] = Status.ACCEPTED.value
        return [(TargetKind.ENTITY, pk, delta) for pk in mentions]

    _, count = record_in_batches(reviewer, Action.APPLY_TO_IDENTICAL, plan)
    return count


def fix(reviewer: str, kind: TargetKind, pk: int, **values: Any) -> int:
    """Correct some of a candidate's values; the machine's values stay as they were.

    An argument's corrected extent must lie inside the text, and a corrected `entity_id`
    or `event_id` must name an entity or event of the same document.
    """
    allowed = FIXABLE_FIELDS[kind]
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise DecisionError(f"cannot fix {', '.join(unknown)} of an {kind.value}; fixable: {', '.join(allowed) or 'nothing'}")
    with database.atomic():
        facts = target_facts(kind, pk)
        state = current_state(kind, pk, facts.origin)
        if kind is TargetKind.ARGUMENT:
            _check_argument_fix(facts.document_pk, {**facts.machine_values, **state["fixed"], **values}, values)
        action = Action.MOVE if kind is TargetKind.ARGUMENT and set(values) == {"event_id"} else Action.FIX
        return record_group(reviewer, action, [(kind, pk, {**values, "status": fixed_status(state).value})])


def _check_argument_fix(document_pk: int, final: Mapping[str, Any], values: Mapping[str, Any]) -> None:
    """Refuse an argument correction that leaves its extent outside the text or names what the document lacks."""
    if "start" in values or "end" in values:
        check_extent(document_pk, final["start"], final["end"])
    if "role" in values and not (isinstance(values["role"], str) and values["role"]):
        raise DecisionError("an argument's role must be a non-empty name")
    if values.get("entity_id") is not None and entity_pk_of(document_pk, values["entity_id"]) is None:
        raise DecisionError(f"no entity {values['entity_id']!r} in this document; link an entity of the same document")
    if "event_id" in values and event_pk_of(document_pk, values["event_id"]) is None:
        raise DecisionError(f"no event {values['event_id']!r} in this document; an argument moves within its document")


def check_extent(document_pk: int, start: Any, end: Any) -> None:
    """Refuse an extent that is not 0 <= start < end <= the length of the document's text."""
    text_length = DocumentRow.select(fn.LENGTH(DocumentRow.text)).where(DocumentRow.pk == document_pk).scalar()
    if text_length is None:
        raise DecisionError(f"no document with pk {document_pk}")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= int(text_length)):
        raise DecisionError(f"bad extent {start}-{end}: give 0 <= start < end <= {text_length}")


def entity_pk_of(document_pk: int, entity_id: str) -> int | None:
    """The pk of the document's entity with this external id, or None."""
    return (
        EntityRow.select(EntityRow.pk)
        .where((EntityRow.document == document_pk) & (EntityRow.external_id == entity_id))
        .scalar()
    )


def event_pk_of(document_pk: int, event_id: str) -> int | None:
    """The pk of the document's event with this external id, or None."""
    return (
        EventRow.select(EventRow.pk)
        .where((EventRow.document == document_pk) & (EventRow.external_id == event_id))
        .scalar()
    )


def set_attribute(reviewer: str, event_pk: int, schema: Schema, name: str, value: str) -> int:
    """Set one attribute of an event to a value the schema lists for it; return the decision group.

    The correction is the event's whole final mapping of attributes, so a machine
    event becomes FIXED and a reviewer's addition stays ADDED.
    """
    problem = schema.attribute_error(name, value)
    if problem:
        raise DecisionError(problem)
    with database.atomic():
        facts = target_facts(TargetKind.EVENT, event_pk)
        state = current_state(TargetKind.EVENT, event_pk, facts.origin)
        attributes = dict(state["fixed"].get("attributes", facts.machine_values["attributes"]))
        attributes[name] = value
        delta = {"attributes": attributes, "status": fixed_status(state).value}
        return record_group(reviewer, Action.FIX, [(TargetKind.EVENT, event_pk, delta)])


def set_flag(reviewer: str, kind: TargetKind, pk: int, flagged: bool) -> int:
    """Flag or unflag a candidate for a second look."""
    return record_group(reviewer, Action.FLAG, [(kind, pk, {"flagged": bool(flagged)})])


def set_note(reviewer: str, kind: TargetKind, pk: int, note: str) -> int:
    """Attach a free-text note to a candidate."""
    return record_group(reviewer, Action.NOTE, [(kind, pk, {"note": note})])


def dismiss_warning(reviewer: str, kind: TargetKind, pk: int, warning: str) -> int:
    """Record that the reviewer overrode a warning on a target (its exact text); return the decision group."""
    if not warning:
        raise DecisionError("give the text of the warning to dismiss")
    with database.atomic():
        state = current_state(kind, pk)
        if warning in state["dismissed"]:
            raise DecisionError(f"the warning {warning!r} is already dismissed here")
        return record_group(reviewer, Action.DISMISS, [(kind, pk, {"dismissed": [*state["dismissed"], warning]})])


def _sentence_at(document_pk: int, offset: int) -> int:
    """The position of the document's sentence holding an offset, by the same rule as every other caller."""
    sentences = [
        Sentence(idx, start, end)
        for idx, start, end in SentenceRow.select(SentenceRow.idx, SentenceRow.start, SentenceRow.end)
        .where(SentenceRow.document == document_pk)
        .order_by(SentenceRow.idx)
        .tuples().iterator()
    ]
    return sentence_of(sentences, offset)


def add_entity(reviewer: str, document_pk: int, start: int, end: int, label: str) -> int:
    """Add an entity the machine missed; return its pk."""
    text_length = DocumentRow.select(fn.LENGTH(DocumentRow.text)).where(DocumentRow.pk == document_pk).scalar()
    if text_length is None:
        raise DecisionError(f"no document with pk {document_pk}")
    if not (0 <= start < end <= int(text_length)) or not label:
        raise DecisionError(f"bad entity {start}-{end} {label!r}: give 0 <= start < end <= {text_length} and a label")
    with database.atomic():
        pk = last_pk(EntityRow) + 1
        EntityRow.insert(
            pk=pk, document=document_pk, external_id=f"added-{pk}", start=start, end=end, label=label,
            score=None, source=f"reviewer:{reviewer}", sentence_idx=_sentence_at(document_pk, start),
            origin=Origin.REVIEWER.value,
        ).execute()
        record_group(reviewer, Action.ADD, [(TargetKind.ENTITY, pk, {"status": Status.ADDED.value})])
    return pk


def add_event(
    reviewer: str, document_pk: int, type_: str, trigger_start: int, trigger_end: int,
    attributes: Mapping[str, str] | None = None,
) -> int:
    """Add an event the machine missed, with the given attributes (the schema's defaults); return its pk."""
    with database.atomic():
        pk = last_pk(EventRow) + 1
        EventRow.insert(
            pk=pk, document=document_pk, external_id=f"added-{pk}", type=type_, trigger_start=trigger_start,
            trigger_end=trigger_end, score=None, source=f"reviewer:{reviewer}",
            attributes=orjson.dumps(dict(attributes or {})).decode(),
            sentence_idx=_sentence_at(document_pk, trigger_start), origin=Origin.REVIEWER.value,
        ).execute()
        record_group(reviewer, Action.ADD, [(TargetKind.EVENT, pk, {"status": Status.ADDED.value})])
    return pk


def record_group(reviewer: str, action: Action, changes: Sequence[Change]) -> int:
    """Append one decision group of any number of changes and fold each into its target's state, in one transaction.

    The one way a decision enters the log: every named operation ends here, or, for
    the large scopes of the bulk operations, in `bulk.record_in_batches`.
    """
    if not changes:
        raise DecisionError("nothing to record")
    with database.atomic():
        group = next_group()
        forget_work(record_changes(group, reviewer, action, time.time(), changes))
        return group
