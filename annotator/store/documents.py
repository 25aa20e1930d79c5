"""Reading documents back: sentences, candidates and their review states, as domain objects.

Exports read the whole corpus through `iter_documents`, so loading runs a few
raw queries per batch of documents rather than one ORM object per row.

Review states are those of the lane in effect (see `lanes`), or, for an export, those
a source gives across lanes (see `sources`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

import orjson

from annotator.domain import (
    NO_TOKENS,
    PENDING,
    Argument,
    Document,
    Entity,
    Event,
    Origin,
    Review,
    Sentence,
    Status,
    TargetKind,
    Tokens,
)
from annotator.store import sources
from annotator.store.lanes import current
from annotator.store.models import (
    ArgumentRow,
    DocumentRow,
    EntityRow,
    EventRow,
    ReviewStateRow,
    SentenceRow,
    database,
)
from annotator.store.sql import marks, run
from annotator.store.state import IDS_PER_QUERY, review_from_row

# Documents loaded per round of queries: large enough to amortise them, small enough to stream a corpus.
_BATCH_SIZE = 500


def document_pks() -> list[int]:
    """The pks of all documents, in import order.

    Read from the small index on the document ids rather than the table, whose
    pages hold the texts: scanning those would fill the page cache with a corpus.
    """
    pks = [
        pk for (pk,) in DocumentRow.select(DocumentRow.pk).where(DocumentRow.external_id.is_null(False)).tuples().iterator()
    ]
    pks.sort()
    return pks


def document_pk(document_id: str) -> int | None:
    """The pk of the document with this id, or None."""
    return DocumentRow.select(DocumentRow.pk).where(DocumentRow.external_id == document_id).scalar()


def load_document(document_id: str | None = None, pk: int | None = None) -> Document:
    """One document, by id or by pk, with its sentences, candidates and review states."""
    query = DocumentRow.select(DocumentRow.pk)
    if document_id is not None:
        query = query.where(DocumentRow.external_id == document_id)
    else:
        query = query.where(DocumentRow.pk == pk)
    found = query.scalar()
    if found is None:
        raise KeyError(f"no document {document_id if document_id is not None else pk!r} in the store")
    return next(_load_batch([found]))


def iter_documents(
    document_ids: Sequence[str] | None = None, with_tokens: bool = True, source: str | None = None,
    tally: sources.Disagreements | None = None,
) -> Iterator[Document]:
    """Documents in import order (all, or those with the given ids), loaded a batch at a time.

    Tokens are left out on request: most exports do not need them, and they are the bulk of the rows.
    With a `source` (see `sources`), the review states are those it gives across lanes, and
    `tally` counts the targets it leaves undecided.
    """
    query = DocumentRow.select(DocumentRow.pk).order_by(DocumentRow.pk)
    if document_ids:
        query = query.where(DocumentRow.external_id.in_(list(document_ids)))
    pks = [pk for (pk,) in query.tuples().iterator()]
    if source is not None and not sources.has_reviewer_lanes():
        source = sources.SHARED  # every source reads the shared lane alone, as fast as a review does
    for i in range(0, len(pks), _BATCH_SIZE):
        yield from _load_batch(pks[i : i + _BATCH_SIZE], with_tokens, source, tally)


def _load_batch(
    document_pks: list[int], with_tokens: bool = True, source: str | None = None,
    tally: sources.Disagreements | None = None,
) -> Iterator[Document]:
    sentences: dict[int, list[Sentence]] = defaultdict(list)
    run = database.execute  # raw rows: peewee's per-value conversion costs more than the query
    low, high = min(document_pks), max(document_pks)
    contiguous = high - low + 1 == len(document_pks)

    def in_batch(column):
        # A range is cheaper to bind than hundreds of IN parameters; import order makes it common.
        return column.between(low, high) if contiguous else column.in_(document_pks)

    reviews = sources.reviews(in_batch(ReviewStateRow.document_pk), document_pks, source, tally)

    sentence_kind = TargetKind.SENTENCE.value
    for pk, in_document, idx, start, end, blob in run(
        SentenceRow.select(
            SentenceRow.pk, SentenceRow.document, SentenceRow.idx, SentenceRow.start, SentenceRow.end, SentenceRow.tokens
        )
        .where(in_batch(SentenceRow.document))
        .order_by(SentenceRow.document, SentenceRow.idx)
    ):
        sentences[in_document].append(
            Sentence(idx, start, end, Tokens.from_packed(blob) if with_tokens else NO_TOKENS, pk,
                     reviews.get((sentence_kind, pk), PENDING) if reviews else PENDING)
        )

    # Without a state row, a machine candidate is pending and a reviewer's addition was undone.
    machine = Origin.MACHINE.value
    withdrawn = Review(status=Status.WITHDRAWN)
    entity_kind, event_kind, argument_kind = TargetKind.ENTITY.value, TargetKind.EVENT.value, TargetKind.ARGUMENT.value
    entities: dict[int, list[Entity]] = defaultdict(list)
    entity_ids: dict[int, str] = {}
    for pk, in_document, external_id, start, end, label, score, source, origin in run(
        EntityRow.select(
            EntityRow.pk, EntityRow.document, EntityRow.external_id, EntityRow.start, EntityRow.end,
            EntityRow.label, EntityRow.score, EntityRow.source, EntityRow.origin,
        )
        .where(in_batch(EntityRow.document))
        .order_by(EntityRow.document, EntityRow.start, EntityRow.end, EntityRow.pk)
    ):
        entity_ids[pk] = external_id
        review = reviews.get((entity_kind, pk), PENDING if origin == machine else withdrawn)
        entities[in_document].append(Entity(external_id, start, end, label, score, source, review, pk))

    arguments: dict[int, list[Argument]] = defaultdict(list)
    event_rows = list(run(
        EventRow.select(
            EventRow.pk, EventRow.document, EventRow.external_id, EventRow.type, EventRow.trigger_start,
            EventRow.trigger_end, EventRow.score, EventRow.source, EventRow.attributes, EventRow.origin,
        )
        .where(in_batch(EventRow.document))
        .order_by(EventRow.document, EventRow.trigger_start, EventRow.trigger_end, EventRow.pk)
    ))
    event_ids = {row[0]: row[2] for row in event_rows}
    # A moved argument names its final event by external id, unique within the document.
    moved: list[tuple[int, str, Argument]] = []
    for pk, event_pk, role, entity_pk, start, end, score, origin in run(
        ArgumentRow.select(
            ArgumentRow.pk, ArgumentRow.event, ArgumentRow.role, ArgumentRow.entity,
            ArgumentRow.start, ArgumentRow.end, ArgumentRow.score, ArgumentRow.origin,
        )
        .join(EventRow)
        .where(in_batch(EventRow.document))
        .order_by(ArgumentRow.event, ArgumentRow.position)
    ):
        review = reviews.get((argument_kind, pk), PENDING if origin == machine else withdrawn)
        entity_id = entity_ids.get(entity_pk) if entity_pk is not None else None
        argument = Argument(role, entity_id, start, end, score, review, pk, event_ids[event_pk])
        if review.fixed and "event_id" in review.fixed and review.fixed["event_id"] != argument.event_id:
            moved.append((event_pk, review.fixed["event_id"], argument))
        else:
            arguments[event_pk].append(argument)
    if moved:
        event_pks = {(row[1], row[2]): row[0] for row in event_rows}
        document_of = {row[0]: row[1] for row in event_rows}
        for event_pk, final_event_id, argument in moved:
            arguments[event_pks.get((document_of[event_pk], final_event_id), event_pk)].append(argument)

    events: dict[int, list[Event]] = defaultdict(list)
    for pk, in_document, external_id, type_, t_start, t_end, score, source, attributes, origin in event_rows:
        review = reviews.get((event_kind, pk), PENDING if origin == machine else withdrawn)
        attrs = orjson.loads(attributes) if attributes and attributes != "{}" else {}
        events[in_document].append(
            Event(external_id, type_, t_start, t_end, score, source, tuple(arguments[pk]), attrs, review, pk)
        )

    rows = {
        pk: (external_id, text, title, meta)
        for pk, external_id, text, title, meta in run(
            DocumentRow.select(
                DocumentRow.pk, DocumentRow.external_id, DocumentRow.text, DocumentRow.title, DocumentRow.meta
            ).where(in_batch(DocumentRow.pk))
        )
    }
    for pk in document_pks:
        external_id, text, title, meta = rows[pk]
        yield Document(
            external_id, text, title, orjson.loads(meta) if meta and meta != "{}" else {},
            tuple(sentences[pk]), tuple(entities[pk]), tuple(events[pk]), pk,
        )


# Where each kind of target is kept, to tell a machine candidate from an addition when it has no review state.
_TABLES = {
    TargetKind.SENTENCE: "sentence", TargetKind.ENTITY: "entity", TargetKind.EVENT: "event",
    TargetKind.ARGUMENT: "argument",
}


def load_reviews(targets: Sequence[tuple[TargetKind, int]]) -> dict[tuple[TargetKind, int], Review]:
    """The review now, in the lane in effect, of each of these targets the store holds, as `load_document` gives it.

    It reads the targets' own rows only, so a decision can be shown without reading its
    document again. A target without a review state is in its initial state: pending,
    or withdrawn for a reviewer's addition.
    """
    by_kind: dict[TargetKind, list[int]] = defaultdict(list)
    for kind, pk in targets:
        by_kind[kind].append(pk)
    found: dict[tuple[TargetKind, int], Review] = {}
    withdrawn = Review(status=Status.WITHDRAWN)
    for kind, pks in by_kind.items():
        unique = list(dict.fromkeys(pks))
        for i in range(0, len(unique), IDS_PER_QUERY):
            chunk = unique[i : i + IDS_PER_QUERY]
            for pk, *columns in run(
                "SELECT target_id, status, fixed, flagged, note, reviewer, decided_at, dismissed FROM review_state"
                f" WHERE lane = ? AND target_kind = ? AND target_id IN ({marks(len(chunk))})",
                (current(), kind.value, *chunk),
            ).fetchall():
                found[(kind, pk)] = review_from_row(*columns)
            stateless = [pk for pk in chunk if (kind, pk) not in found]
            if not stateless:
                continue
            origin = "'machine'" if kind is TargetKind.SENTENCE else "origin"
            for pk, of in run(
                f"SELECT id, {origin} FROM {_TABLES[kind]} WHERE id IN ({marks(len(stateless))})", stateless
            ).fetchall():
                found[(kind, pk)] = PENDING if of == Origin.MACHINE.value else withdrawn
    return found
