"""Recording decisions: the named review operations, each one decision group (one undo step).

Every operation appends to the decision log and updates the derived review state
in one transaction, committed before it returns. The rules of what a decision
means ("an already fixed item stays fixed", "accepting an event accepts its
pending arguments") live here and nowhere else.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
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
from annotator.store import queries
from annotator.store.models import ArgumentRow, DecisionRow, DocumentRow, EntityRow, EventRow, SentenceRow, database
from annotator.store.sql import last_pk
from annotator.store.state import (
    REVIEW_FIELDS,
    DecisionError,
    current_state,
    fold,
    next_group,
    target_facts,
    write_state,
)

# One change of a decision group: the target and the values its decision sets.
Change = tuple[TargetKind, int, Mapping[str, Any]]


def _accepted_status(state: Mapping[str, Any]) -> Status:
    """What accepting makes of a target: a fixed one stays fixed, a reviewer's addition stays added."""
    if state["status"] == Status.ADDED.value:
        return Status.ADDED
    return Status.FIXED if state["fixed"] else Status.ACCEPTED


def accept(reviewer: str, kind: TargetKind, pk: int) -> int:
    """Accept a candidate (an item already fixed stays fixed); return the decision group."""
    with database.atomic():
        status = _accepted_status(current_state(kind, pk))
        return _record(reviewer, Action.ACCEPT, [(kind, pk, {"status": status.value})])


def accept_event(reviewer: str, event_pk: int) -> int:
    """Accept an event and its pending arguments as one decision group; arguments already decided stay as they are."""
    with database.atomic():
        status = _accepted_status(current_state(TargetKind.EVENT, event_pk))
        changes: list[Change] = [(TargetKind.EVENT, event_pk, {"status": status.value})]
        changes += [
            (TargetKind.ARGUMENT, pk, {"status": Status.ACCEPTED.value}) for pk in queries.pending_arguments(event_pk)
        ]
        return _record(reviewer, Action.ACCEPT, changes)


def reject(reviewer: str, kind: TargetKind, pk: int) -> int:
    """Reject a candidate; return the decision group."""
    return _record(reviewer, Action.REJECT, [(kind, pk, {"status": Status.REJECTED.value})])


def reject_event(reviewer: str, event_pk: int) -> int:
    """Reject an event (its arguments keep their own states); return the decision group."""
    return reject(reviewer, TargetKind.EVENT, event_pk)


def accept_many(reviewer: str, targets: Sequence[tuple[TargetKind, int]], action: Action) -> int:
    """Accept many candidates as one decision group (one undo step); `action` names the bulk operation."""
    if action not in BULK_ACCEPT_ACTIONS:
        raise DecisionError(f"{action.value} is not a bulk accept; use one of {sorted(a.value for a in BULK_ACCEPT_ACTIONS)}")
    return _record(reviewer, action, [(kind, pk, {"status": Status.ACCEPTED.value}) for kind, pk in targets])


def apply_to_identical(reviewer: str, entity_pk: int) -> int:
    """Give the entity's identical pending mentions its decision, as one group; return how many (0 when none).

    The status and a label fix carry over; a boundary fix is about that one mention's
    offsets and does not, so a mention of an entity whose only fix was a boundary is accepted.
    """
    with database.atomic():
        state = current_state(TargetKind.ENTITY, entity_pk)
        if not is_decided(Status(state["status"])):
            return 0
        mentions = queries.identical_mentions(entity_pk)
        if not mentions:
            return 0
        delta: dict[str, Any] = {"status": state["status"]}
        if "label" in state["fixed"]:
            delta["label"] = state["fixed"]["label"]
        elif state["status"] == Status.FIXED.value:
            delta["status"] = Status.ACCEPTED.value
        _record(reviewer, Action.APPLY_TO_IDENTICAL, [(TargetKind.ENTITY, pk, delta) for pk in mentions])
        return len(mentions)


def fix(reviewer: str, kind: TargetKind, pk: int, **values: Any) -> int:
    """Correct some of a candidate's values; the machine's values stay as they were."""
    allowed = FIXABLE_FIELDS[kind]
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise DecisionError(f"cannot fix {', '.join(unknown)} of an {kind.value}; fixable: {', '.join(allowed)}")
    with database.atomic():
        state = current_state(kind, pk)
        status = Status.ADDED if state["status"] == Status.ADDED.value else Status.FIXED
        return _record(reviewer, Action.FIX, [(kind, pk, {**values, "status": status.value})])


def set_flag(reviewer: str, kind: TargetKind, pk: int, flagged: bool) -> int:
    """Flag or unflag a candidate for a second look."""
    return _record(reviewer, Action.FLAG, [(kind, pk, {"flagged": bool(flagged)})])


def set_note(reviewer: str, kind: TargetKind, pk: int, note: str) -> int:
    """Attach a free-text note to a candidate."""
    return _record(reviewer, Action.NOTE, [(kind, pk, {"note": note})])


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
        _record(reviewer, Action.ADD, [(TargetKind.ENTITY, pk, {"status": Status.ADDED.value})])
    return pk


def add_event(reviewer: str, document_pk: int, type_: str, trigger_start: int, trigger_end: int) -> int:
    """Add an event the machine missed; return its pk."""
    with database.atomic():
        pk = last_pk(EventRow) + 1
        EventRow.insert(
            pk=pk, document=document_pk, external_id=f"added-{pk}", type=type_, trigger_start=trigger_start,
            trigger_end=trigger_end, score=None, source=f"reviewer:{reviewer}",
            sentence_idx=_sentence_at(document_pk, trigger_start), origin=Origin.REVIEWER.value,
        ).execute()
        _record(reviewer, Action.ADD, [(TargetKind.EVENT, pk, {"status": Status.ADDED.value})])
    return pk


def add_argument(
    reviewer: str, event_pk: int, role: str, entity_pk: int | None = None,
    start: int | None = None, end: int | None = None,
) -> int:
    """Add an argument to an event: a role and an entity (or a bare span); return its pk."""
    if entity_pk is None and (start is None or end is None):
        raise DecisionError("an argument needs an entity or a span")
    with database.atomic():
        pk = last_pk(ArgumentRow) + 1
        position = (
            ArgumentRow.select(fn.COALESCE(fn.MAX(ArgumentRow.position), -1)).where(ArgumentRow.event == event_pk).scalar()
            + 1
        )
        ArgumentRow.insert(
            pk=pk, event=event_pk, position=position, role=role, entity=entity_pk,
            start=start, end=end, score=None, origin=Origin.REVIEWER.value,
        ).execute()
        _record(reviewer, Action.ADD, [(TargetKind.ARGUMENT, pk, {"status": Status.ADDED.value})])
    return pk


def _record(reviewer: str, action: Action, changes: Sequence[Change]) -> int:
    """Append one decision group of any number of changes and fold each into its target's state."""
    if not changes:
        raise DecisionError("nothing to record")
    with database.atomic():
        group = next_group()
        now = time.time()
        for kind, pk, delta in changes:
            facts = target_facts(kind, pk)
            state = current_state(kind, pk, facts.origin)
            before = {
                name: state[name] if name in REVIEW_FIELDS else state["fixed"].get(name, facts.machine_values.get(name))
                for name in delta
            }
            DecisionRow.insert(
                group=group, reviewer=reviewer, at=now, action=action.value, target_kind=kind.value,
                target_pk=pk, document_pk=facts.document_pk, before=orjson.dumps(before).decode(),
                after=orjson.dumps(dict(delta)).decode(),
            ).execute()
            fold(state, delta)
            write_state(kind, pk, facts.document_pk, state, reviewer, now)
        return group
