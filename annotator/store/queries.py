"""Questions about the review as a whole: what is pending, where to go next, how far along it is.

Every answer is about the lane in effect (see `lanes`): what its reviewer has left to do.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from peewee import JOIN, fn

from annotator.domain import CANDIDATE_KINDS, DECIDED_STATUSES, Origin, Status, TargetKind
from annotator.store.lanes import current
from annotator.store.locking import try_cache_write
from annotator.store.models import (
    ArgumentRow,
    DocumentRow,
    EntityRow,
    EventRow,
    MetaRow,
    ReviewStateRow,
)
from annotator.store.sql import contains_ignoring_case, put_meta
from annotator.store.watch import data_version

# The meta row that keeps the number of machine candidates, so progress never counts a corpus.
_CANDIDATE_COUNT_KEY = "machine_candidates"
_DECIDED = [status.value for status in DECIDED_STATUSES]
_CANDIDATES = [kind.value for kind in CANDIDATE_KINDS]


@dataclass(frozen=True)
class DocumentSummary:
    """A document's place in the store and its review progress."""

    pk: int
    id: str
    title: str | None
    candidates: int
    decided: int


@dataclass(frozen=True)
class FlaggedItem:
    """A flagged or noted target, as the list of flags shows it: where it is, what it is, its words, flag and note.

    `name` is the final label, event type or role (for a sentence, "sentence N"); `words`
    the text of its final span on one line, at most 60 characters.
    """

    document_pk: int
    document_id: str
    kind: TargetKind
    pk: int
    name: str
    words: str
    flagged: bool
    note: str


def _pending_join(
    model: type[EntityRow] | type[EventRow] | type[ArgumentRow], kind: TargetKind
) -> tuple[Any, Any, Any]:
    """A review-state alias, the condition to left-join it on, and the filter that keeps pending machine candidates.

    The states joined are those of the lane in effect.
    """
    state = ReviewStateRow.alias()
    on = (state.lane == current()) & (state.target_kind == kind.value) & (state.target_pk == model.pk)
    pending = (model.origin == Origin.MACHINE.value) & (state.status.is_null() | (state.status == Status.PENDING.value))
    return state, on, pending


def pending_entities(
    label: str | None = None, document_pk: int | None = None, min_score: float | None = None, text: str | None = None
) -> list[int]:
    """Pks of pending machine entities, by machine label, document, minimum score or exact text of the machine span."""
    state, on, pending = _pending_join(EntityRow, TargetKind.ENTITY)
    query = EntityRow.select(EntityRow.pk).join(state, JOIN.LEFT_OUTER, on=on).where(pending)
    if label is not None:
        query = query.where(EntityRow.label == label)
    if document_pk is not None:
        query = query.where(EntityRow.document == document_pk)
    if min_score is not None:
        query = query.where(EntityRow.score >= min_score)
    if text is not None:
        # SQLite's substr counts characters, as Python's offsets do.
        span = fn.SUBSTR(DocumentRow.text, EntityRow.start + 1, EntityRow.end - EntityRow.start)
        query = query.join_from(EntityRow, DocumentRow).where(span == text)
    return [pk for (pk,) in query.tuples().iterator()]


def identical_mentions(entity_pk: int) -> list[int]:
    """Pks of the other pending machine entities of the entity's document with its machine text and label."""
    entity = (
        EntityRow.select(EntityRow.document, EntityRow.start, EntityRow.end, EntityRow.label, DocumentRow.text)
        .join(DocumentRow)
        .where(EntityRow.pk == entity_pk)
        .tuples()
        .first()
    )
    if entity is None:
        return []
    document_pk, start, end, label, text = entity
    found = pending_entities(label=label, document_pk=document_pk, text=text[start:end])
    return [pk for pk in found if pk != entity_pk]


def pending_arguments(event_pk: int) -> list[int]:
    """Pks of the event's pending machine arguments, in their order."""
    state, on, pending = _pending_join(ArgumentRow, TargetKind.ARGUMENT)
    query = (
        ArgumentRow.select(ArgumentRow.pk)
        .join(state, JOIN.LEFT_OUTER, on=on)
        .where(pending & (ArgumentRow.event == event_pk))
        .order_by(ArgumentRow.position)
    )
    return [pk for (pk,) in query.tuples().iterator()]


def find_text(needle: str, after_document_pk: int) -> int | None:
    """The pk of the first document after the given one whose text contains `needle` (ignoring case), or None."""
    return (
        DocumentRow.select(DocumentRow.pk)
        .where((DocumentRow.pk > after_document_pk) & contains_ignoring_case(DocumentRow.text, needle))
        .order_by(DocumentRow.pk)
        .limit(1)
        .scalar()
    )


def next_document_with_pending(after_document_pk: int) -> int | None:
    """The pk of the first document after the given one that still has a pending candidate, or None."""
    found = []
    for model, kind, document in (
        (EntityRow, TargetKind.ENTITY, EntityRow.document),
        (EventRow, TargetKind.EVENT, EventRow.document),
        (ArgumentRow, TargetKind.ARGUMENT, EventRow.document),
    ):
        state, on, pending = _pending_join(model, kind)
        query = model.select(document)
        if model is ArgumentRow:
            query = query.join(EventRow)
        query = (
            query.join_from(model, state, JOIN.LEFT_OUTER, on=on)
            .where((document > after_document_pk) & pending)
            .order_by(document)
            .limit(1)
        )
        value = query.scalar()
        if value is not None:
            found.append(value)
    return min(found) if found else None


def decided_count() -> int:
    """How many machine candidates are decided in the lane in effect (see `domain.is_decided`); reads only its rows."""
    return (
        ReviewStateRow.select()
        .where(
            (ReviewStateRow.lane == current())
            & ReviewStateRow.status.in_(_DECIDED)
            & ReviewStateRow.target_kind.in_(_CANDIDATES)
        )
        .count()
    )


def candidate_count() -> int:
    """How many machine candidates the store holds (kept as a counter, so this is cheap)."""
    row = MetaRow.get_or_none(MetaRow.key == _CANDIDATE_COUNT_KEY)
    if row is not None:
        return int(row.value)
    version = data_version()
    count = count_candidates()
    try_cache_write(lambda: _store_candidate_count(count), computed_at=version)
    return count


def add_to_candidate_count(added: int) -> None:
    """Count newly stored machine candidates; a store without the counter yet is counted from scratch."""
    row = MetaRow.get_or_none(MetaRow.key == _CANDIDATE_COUNT_KEY)
    _store_candidate_count(int(row.value) + added if row is not None else count_candidates())


def count_candidates() -> int:
    """How many machine candidates the tables hold, counted row by row (what the counter must equal)."""
    machine = Origin.MACHINE.value
    return (
        EntityRow.select().where(EntityRow.origin == machine).count()
        + EventRow.select().where(EventRow.origin == machine).count()
        + ArgumentRow.select().where(ArgumentRow.origin == machine).count()
    )


def _store_candidate_count(count: int) -> int:
    put_meta(_CANDIDATE_COUNT_KEY, str(count))
    return count


def document_summaries() -> list[DocumentSummary]:
    """Every document with its number of machine candidates and how many are decided in the lane, in import order."""
    machine = Origin.MACHINE.value
    per_kind = (
        EntityRow.select(EntityRow.document, fn.COUNT(EntityRow.pk))
        .where(EntityRow.origin == machine)
        .group_by(EntityRow.document),
        EventRow.select(EventRow.document, fn.COUNT(EventRow.pk))
        .where(EventRow.origin == machine)
        .group_by(EventRow.document),
        ArgumentRow.select(EventRow.document, fn.COUNT(ArgumentRow.pk))
        .join(EventRow)
        .where(ArgumentRow.origin == machine)
        .group_by(EventRow.document),
    )
    totals: Counter[int] = Counter()
    for query in per_kind:
        for document_pk, count in query.tuples().iterator():
            totals[document_pk] += count
    decided: Counter[int] = Counter(
        dict(
            ReviewStateRow.select(ReviewStateRow.document_pk, fn.COUNT(ReviewStateRow.target_pk))
            .where(
                (ReviewStateRow.lane == current())
                & ReviewStateRow.status.in_(_DECIDED)
                & ReviewStateRow.target_kind.in_(_CANDIDATES)
            )
            .group_by(ReviewStateRow.document_pk)
            .tuples().iterator()
        )
    )
    return [
        DocumentSummary(pk, external_id, title, totals[pk], decided[pk])
        for pk, external_id, title in DocumentRow.select(DocumentRow.pk, DocumentRow.external_id, DocumentRow.title)
        .order_by(DocumentRow.pk)
        .tuples().iterator()
    ]

