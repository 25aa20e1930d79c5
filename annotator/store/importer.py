"""Bulk import: documents with their sentences and candidates, all or nothing, in one transaction.

Documents come in batches (`import_stream`), each written before the next is read,
so an import of any size holds one batch in memory; the transaction spans them all.
Rows are built as plain tuples with primary keys assigned here and written with
one `executemany` per table: on a corpus of millions of candidates, a peewee
object per row would cost more than SQLite does.

Every stored argument has an extent: one that names an entity and gives no extent
(as files written before arguments had their own extents do) takes the entity's span.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from annotator.domain import (
    PENDING,
    Action,
    Argument,
    Document,
    Entity,
    Origin,
    Review,
    Status,
    TargetKind,
    sentence_of,
)
from annotator.gc_pause import collector_paused
from annotator.store import queries
from annotator.store.lanes import current
from annotator.store.models import (
    ArgumentRow,
    DecisionRow,
    DocumentRow,
    EntityRow,
    EventRow,
    ReviewStateRow,
    SentenceRow,
    database,
)
from annotator.store.sql import insert_rows, is_postgres, last_pk, run
from annotator.store.state import next_group

# How many ids one `IN (...)` query binds; SQLite allows a few thousand at most.
_IDS_PER_QUERY = 500


class ArgumentWithoutExtent(ValueError):
    """An argument with neither an extent nor an entity to take one from."""

    def __init__(self, document_id: str, event_id: str, role: str):
        super().__init__(
            f"document {document_id}, event {event_id}: the {role} argument has neither start/end nor an entity;"
            " give its extent in the text or the id of the entity it refers to"
        )


class DocumentConflict(Exception):
    """A document id already in the store with a different text."""

    def __init__(self, document_ids: Sequence[str]):
        self.document_ids = list(document_ids)
        super().__init__(
            "already in the store with a different text: "
            + ", ".join(self.document_ids)
            + " (give the changed document a new id; annotator never merges texts)"
        )


@dataclass
class ImportResult:
    """What an import did: documents added, documents skipped as already present, candidates stored."""

    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    candidates: int = 0


def text_hash(text: str) -> str:
    """A stable fingerprint of a document's text, to detect a changed text under the same id."""
    if len(text) <= _HASHED_CHARS:
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    # A book-sized text is encoded a slice at a time rather than copied whole; UTF-8 encodes each
    # character on its own, so the digest is the same.
    digest = hashlib.sha256()
    for start in range(0, len(text), _HASHED_CHARS):
        digest.update(text[start : start + _HASHED_CHARS].encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


_HASHED_CHARS = 1 << 20


def existing_hashes(document_ids: Iterable[str]) -> dict[str, str]:
    """Text hashes of the given document ids that are already stored."""
    unique_ids = list(dict.fromkeys(document_ids))
    found: dict[str, str] = {}
    for i in range(0, len(unique_ids), _IDS_PER_QUERY):
        query = DocumentRow.select(DocumentRow.external_id, DocumentRow.text_hash).where(
            DocumentRow.external_id.in_(unique_ids[i : i + _IDS_PER_QUERY])
        )
        found.update(dict(query.tuples().iterator()))
    return found


def _origin(review: Review) -> Origin:
    # Only an addition is the reviewer's own; any other reviewed item was the machine's first.
    return Origin.REVIEWER if review.status is Status.ADDED else Origin.MACHINE


def import_documents(documents: Sequence[Document], reviewer: str = "import") -> ImportResult:
    """Store new documents with their candidates, all in one transaction.

    A document already stored with the same text is skipped; one stored with a
    different text raises `DocumentConflict` and nothing is written.
    Review states carried by the documents (a reviewed export) enter the log
    as `import` decisions, by their own reviewer or else by `reviewer`.

    The check for documents already present runs inside the write transaction, so
    of two processes importing the same file at once the second finds the first's
    documents and skips them.
    """
    batches = (documents[i : i + _DOCUMENTS_PER_BATCH] for i in range(0, len(documents), _DOCUMENTS_PER_BATCH))
    with database.atomic():
        return import_batches(batches, reviewer)


# How much the unwritten document and sentence rows may hold (characters of text, bytes of tokens,
# `_ROW_WEIGHT` a sentence) before they are written, documents first for their keys: a batch of
# articles stays one insert per table, while a book-sized text is written before its sentences'
# rows are built and those go in as they come.
_HELD_PER_INSERT = 8_000_000
_ROW_WEIGHT = 200
# How many documents of a list one batch of rows is built from, so that the rows of a big list never all exist at once.
_DOCUMENTS_PER_BATCH = 500


def import_stream(batches: Iterable[Sequence[Document]], reviewer: str = "import") -> ImportResult:
    """Store documents that come in batches (an import of any size), in one write transaction that waits for the lock.

    The batches are read inside the transaction, each written before the next is
    read, so memory holds one batch at a time. An exception the batches raise (the
    reader's `InvalidInput` once it has found a bad record) rolls everything back;
    so does a `DocumentConflict`, raised once every batch has been checked. A store
    SQLite finds damaged is refused (`StoreDamaged`) before anything is read.
    """
    from annotator.store.database import check_integrity
    from annotator.store.locking import check_writable, run_write

    check_writable()
    check_integrity()
    started = False

    def once() -> ImportResult:
        nonlocal started
        # The lock is taken before the batches are touched, so a retry for the lock never finds them half read.
        if started:
            raise RuntimeError("an import stream can be read only once")
        started = True
        return import_batches(batches, reviewer)

    return run_write(once)


def import_batches(batches: Iterable[Sequence[Document]], reviewer: str) -> ImportResult:
    """Store each batch's new documents (see `import_documents`), inside the caller's transaction.

    After the first document that conflicts with the store nothing more is
    written, but every batch is still read and checked, so that `DocumentConflict`
    names every conflicting document.
    """
    result = ImportResult()
    conflicts: list[str] = []
    reviewed: list[tuple[TargetKind, int, int, Review]] = []
    group: int | None = None
    machine_candidates = 0
    now = time.time()
    for documents in batches:
        hashes = [text_hash(d.text) for d in documents]
        stored = existing_hashes(d.id for d in documents)
        found = [d.id for d, h in zip(documents, hashes) if d.id in stored and stored[d.id] != h]
        conflicts.extend(found)
        if conflicts:
            continue
        seen: set[str] = set()
        fresh: list[tuple[Document, str]] = []
        for document, digest in zip(documents, hashes):
            if document.id in stored or document.id in seen:
                result.skipped.append(document.id)
                continue
            seen.add(document.id)
            fresh.append((document, digest))
        if not fresh:
            continue
        reviewed.clear()
        machine_candidates += _store_batch(fresh, result, reviewed, now)
        if reviewed:
            # One import is one decision group, one undo step, however many batches it takes.
            group = group if group is not None else next_group()
            _import_reviews(reviewed, reviewer, now, group)
    if conflicts:
        raise DocumentConflict(conflicts)
    if result.added:
        queries.add_to_candidate_count(machine_candidates)
    return result


def _store_batch(
    fresh: list[tuple[Document, str]], result: ImportResult, reviewed: list[tuple[TargetKind, int, int, Review]],
    now: float,
) -> int:
    """Write one batch of new documents' rows; add to `result` and `reviewed`; return its machine candidates."""
    machine = Origin.MACHINE.value
    document_rows: list[tuple] = []
    sentence_rows: list[tuple] = []
    entity_rows: list[tuple] = []
    event_rows: list[tuple] = []
    argument_rows: list[tuple] = []
    machine_candidates = 0

    with collector_paused():
        document_pk = last_pk(DocumentRow)
        sentence_pk = last_pk(SentenceRow)
        entity_pk = last_pk(EntityRow)
        event_pk = last_pk(EventRow)
        argument_pk = last_pk(ArgumentRow)
        held = 0
        long_texts: list[tuple[int, str]] = []
        long_text = _LONG_TEXT if not is_postgres() else sys.maxsize
        for document, digest in fresh:
            document_pk += 1
            text = document.text
            if len(text) >= long_text:
                long_texts.append((document_pk, text))
            document_rows.append(
                (document_pk, document.id, "" if len(text) >= long_text else text, digest, document.title,
                 orjson.dumps(dict(document.meta)).decode(), now)
            )
            held += len(text)
            sentences = document.sentences
            for sentence in sentences:
                sentence_pk += 1
                packed = sentence.tokens.packed
                sentence_rows.append((sentence_pk, document_pk, sentence.index, sentence.start, sentence.end, packed))
                held += len(packed) + _ROW_WEIGHT
                if sentence.review is not PENDING:
                    reviewed.append((TargetKind.SENTENCE, sentence_pk, document_pk, sentence.review))
                if held >= _HELD_PER_INSERT:
                    _write_documents(document_rows, long_texts)
                    insert_rows(SentenceRow, sentence_rows)
                    sentence_rows.clear()
                    held = 0
            entity_pks: dict[str, int] = {}
            entities_by_id: dict[str, Entity] = {}
            for entity in document.entities:
                entity_pk += 1
                entity_pks[entity.id] = entity_pk
                entities_by_id[entity.id] = entity
                review = entity.review
                origin = machine if review is PENDING else _origin(review).value
                entity_rows.append(
                    (entity_pk, document_pk, entity.id, entity.start, entity.end, entity.label,
                     entity.score, entity.source, sentence_of(sentences, entity.start), origin)
                )
                machine_candidates += origin == machine
                if review is not PENDING:
                    reviewed.append((TargetKind.ENTITY, entity_pk, document_pk, review))
            # A moved argument is listed under its final event but belongs to the one it came from.
            event_pks = {event.id: event_pk + 1 + i for i, event in enumerate(document.events)}
            for event in document.events:
                event_pk += 1
                review = event.review
                origin = machine if review is PENDING else _origin(review).value
                event_rows.append(
                    (event_pk, document_pk, event.id, event.type, event.trigger_start, event.trigger_end,
                     event.score, event.source, orjson.dumps(dict(event.attributes)).decode(),
                     sentence_of(sentences, event.trigger_start), origin)
                )
                machine_candidates += origin == machine
                if review is not PENDING:
                    reviewed.append((TargetKind.EVENT, event_pk, document_pk, review))
                for position, argument in enumerate(event.arguments):
                    argument_pk += 1
                    review = argument.review
                    origin = machine if review is PENDING else _origin(review).value
                    a_start, a_end = argument.start, argument.end
                    if a_start is None or a_end is None:
                        a_start, a_end = _entity_span(document, event.id, argument, entities_by_id)
                        if review is not PENDING:
                            review = _with_relink_extent(review, entities_by_id)
                    owner_pk = event_pks.get(argument.event_id, event_pk) if argument.event_id else event_pk
                    argument_rows.append(
                        (argument_pk, owner_pk, position, argument.role,
                         entity_pks[argument.entity_id] if argument.entity_id is not None else None,
                         a_start, a_end, argument.score, origin)
                    )
                    machine_candidates += origin == machine
                    if review is not PENDING:
                        reviewed.append((TargetKind.ARGUMENT, argument_pk, document_pk, review))
            result.added.append(document.id)
        result.candidates += len(entity_rows) + len(event_rows) + len(argument_rows)
        _write_documents(document_rows, long_texts)
        insert_rows(SentenceRow, sentence_rows)
        insert_rows(EntityRow, entity_rows)
        insert_rows(EventRow, event_rows)
        insert_rows(ArgumentRow, argument_rows)
    return machine_candidates


# On SQLite a text at least this long is set after its document's row is written (`_write_documents`),
# with the page cache at this size (KiB, negative) meanwhile: the text's pages go to the journal as they
# are written rather than first filling the cache beside SQLite's copies of the text.
_LONG_TEXT = 1_000_000
_LONG_TEXT_CACHE = -2_000


def _write_documents(rows: list[tuple], long_texts: list[tuple[int, str]]) -> None:
    """Insert the document rows, then set the long texts left out of them (SQLite only); empty both lists.

    SQLite keeps the values last bound to a cached statement until it runs again, so a book's
    text bound to the insert would stay in memory to the end of the import. Each long text is
    set by an update that then runs once more, with an empty text and a key no row has.
    """
    insert_rows(DocumentRow, rows)
    rows.clear()
    if not long_texts:
        return
    previous_cache = run("PRAGMA cache_size").fetchone()[0]
    run(f"PRAGMA cache_size = {_LONG_TEXT_CACHE}")
    try:
        for pk, text in long_texts:
            DocumentRow.update(text=text).where(DocumentRow.pk == pk).execute()
        DocumentRow.update(text="").where(DocumentRow.pk == 0).execute()
    finally:
        run(f"PRAGMA cache_size = {int(previous_cache)}")
    long_texts.clear()


def _entity_span(
    document: Document, event_id: str, argument: Argument, entities: dict[str, Entity]
) -> tuple[int, int]:
    """The machine span of the entity an argument without an extent names."""
    if argument.entity_id is None:
        raise ArgumentWithoutExtent(document.id, event_id, argument.role)
    entity = entities[argument.entity_id]
    return entity.start, entity.end


def _with_relink_extent(review: Review, entities: dict[str, Entity]) -> Review:
    """A review that relinked an extent-less argument to another entity also takes that entity's span.

    Before arguments had their own extents, naming an entity meant "this entity, its span".
    """
    fixed = review.fixed
    relinked = fixed.get("entity_id")
    if relinked is None or "start" in fixed or "end" in fixed or relinked not in entities:
        return review
    entity = entities[relinked]
    return replace(review, fixed={**fixed, "start": entity.start, "end": entity.end})


def _import_reviews(
    reviewed: list[tuple[TargetKind, int, int, Review]], default_reviewer: str, now: float, group: int,
) -> None:
    """Log the review states an import carries in its `import` group, and store them as the states of the lane."""
    lane = current()
    decisions = []
    states = []
    for kind, pk, document_pk, review in reviewed:
        after: dict[str, Any] = {"status": review.status.value, **review.fixed}
        if review.flagged:
            after["flagged"] = True
        if review.note:
            after["note"] = review.note
        if review.dismissed:
            after["dismissed"] = list(review.dismissed)
        reviewer = review.reviewer or default_reviewer
        at = review.decided_at if review.decided_at is not None else now
        decisions.append(
            (group, reviewer, at, Action.IMPORT.value, kind.value, pk, document_pk, "{}",
             orjson.dumps(after).decode(), None, lane)
        )
        states.append(
            (kind.value, pk, document_pk, review.status.value, orjson.dumps(dict(review.fixed)).decode(),
             review.flagged, review.note, reviewer, at, orjson.dumps(list(review.dismissed)).decode(), lane)
        )
    insert_rows(DecisionRow, decisions, with_pk=False)
    insert_rows(ReviewStateRow, states)
