"""The repository: the only door through which the rest of annotator reads or writes the store.

It takes and returns domain objects. Every decision is one transaction,
committed before the method returns. Undo and redo are entries of the same
append-only log; the current review state is folded from the log and kept in
derived tables that `rebuild_derived_state` can recompute from scratch.
"""

from __future__ import annotations

import hashlib
import sys
import time
from array import array
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, Iterable, Iterator, Mapping, Sequence

import orjson
from peewee import JOIN, Database, fn

from annotator.gc_pause import collector_paused
from annotator.domain import (
    FIXABLE_FIELDS,
    PENDING,
    Argument,
    Decision,
    Document,
    Entity,
    Event,
    Review,
    Sentence,
    Status,
    TargetKind,
    Token,
)
from annotator.store.models import (
    ArgumentRow,
    DecisionRow,
    DocumentRow,
    EntityRow,
    EventRow,
    MetaRow,
    ReviewStateRow,
    SentenceRow,
    UndoneGroupRow,
    database,
)

IMPORT_ACTION = "import"
CANDIDATE_COUNT_KEY = "machine_candidates"
UNDO_ACTION = "undo"
REDO_ACTION = "redo"
_NOT_UNDOABLE = {IMPORT_ACTION, UNDO_ACTION, REDO_ACTION}
_REVIEW_KEYS = ("status", "flagged", "note")
_CHUNK = 500


class DecisionError(Exception):
    """A decision that cannot be recorded (unknown target, value out of range)."""


class DocumentConflict(Exception):
    """A document id already in the store with a different text."""

    def __init__(self, keys: Sequence[str]):
        self.keys = list(keys)
        super().__init__(
            "already in the store with a different text: "
            + ", ".join(self.keys)
            + " (give the changed document a new id; annotator never merges texts)"
        )


@dataclass
class ImportResult:
    """What an import did: documents added and documents skipped as already present."""

    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    candidates: int = 0


@dataclass(frozen=True)
class DocumentSummary:
    """A document's place in the store and its review progress."""

    pk: int
    id: str
    title: str | None
    candidates: int
    decided: int


def text_hash(text: str) -> str:
    """A stable fingerprint of a document's text, to detect a changed text under the same id."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def pack_tokens(tokens: Iterable[tuple[int, int]]) -> bytes:
    """Token offsets as little-endian uint32 pairs."""
    flat = array("I", chain.from_iterable(tokens))
    if sys.byteorder == "big":
        flat.byteswap()
    return flat.tobytes()


def unpack_tokens(blob: bytes) -> tuple[Token, ...]:
    """Inverse of `pack_tokens`."""
    flat = array("I")
    flat.frombytes(blob)
    if sys.byteorder == "big":
        flat.byteswap()
    return tuple(zip(flat[0::2], flat[1::2]))


def _initial_state(origin: str) -> dict[str, Any]:
    status = Status.PENDING if origin == "machine" else Status.WITHDRAWN
    return {"status": status.value, "fixed": {}, "flagged": False, "note": ""}


def _fold(state: dict[str, Any], delta: Mapping[str, Any]) -> None:
    for key, value in delta.items():
        if key in _REVIEW_KEYS:
            state[key] = value
        else:
            state["fixed"][key] = value


def _review_from_row(status, fixed, flagged, note, reviewer, decided_at) -> Review:
    return Review(
        status=Status(status),
        fixed=orjson.loads(fixed) if fixed and fixed != "{}" else {},
        flagged=bool(flagged),
        note=note or "",
        reviewer=reviewer,
        decided_at=decided_at,
    )


def _quoted(model) -> tuple[str, list[str]]:
    table = model._meta.table_name
    columns = [f.column_name for f in model._meta.sorted_fields]
    return table, columns


class Repository:
    """Reads and writes documents, candidates and decisions in the bound database."""

    def __init__(self, db: Database | None = None):
        self.db = db if db is not None else database.obj
        if self.db is None:
            raise RuntimeError("the store is not connected; call annotator.store.connect() first")

    # ------------------------------------------------------------------ import

    def existing_hashes(self, keys: Iterable[str]) -> dict[str, str]:
        """Text hashes of the given document ids that are already stored."""
        keys = list(dict.fromkeys(keys))
        found: dict[str, str] = {}
        for i in range(0, len(keys), _CHUNK):
            chunk = keys[i : i + _CHUNK]
            query = DocumentRow.select(DocumentRow.key, DocumentRow.text_hash).where(
                DocumentRow.key.in_(chunk)
            )
            found.update(dict(query.tuples()))
        return found

    def conflicting_documents(self, documents: Sequence[Document]) -> list[str]:
        """Ids of documents whose stored text differs from the given one."""
        stored = self.existing_hashes(d.id for d in documents)
        return [d.id for d in documents if d.id in stored and stored[d.id] != text_hash(d.text)]

    def import_documents(self, documents: Sequence[Document], reviewer: str = "import") -> ImportResult:
        """Store new documents with their candidates, all in one transaction.

        A document already stored with the same text is skipped; one stored with a
        different text raises `DocumentConflict` before anything is written.
        Review states carried by the documents (a reviewed export) enter the log
        as `import` decisions.
        """
        result = ImportResult()
        hashes = [text_hash(d.text) for d in documents]
        stored = self.existing_hashes(d.id for d in documents)
        conflicts = [d.id for d, h in zip(documents, hashes) if d.id in stored and stored[d.id] != h]
        if conflicts:
            raise DocumentConflict(conflicts)
        seen: set[str] = set()
        fresh: list[tuple[Document, str]] = []
        for document, digest in zip(documents, hashes):
            if document.id in stored or document.id in seen:
                result.skipped.append(document.id)
                continue
            seen.add(document.id)
            fresh.append((document, digest))
        if not fresh:
            return result

        now = time.time()
        doc_rows: list[tuple] = []
        sentence_rows: list[tuple] = []
        entity_rows: list[tuple] = []
        event_rows: list[tuple] = []
        argument_rows: list[tuple] = []
        reviewed: list[tuple[TargetKind, int, int, Review]] = []

        with self.db.atomic(), collector_paused():
            doc_pk = self._max_id(DocumentRow)
            sentence_pk = self._max_id(SentenceRow)
            entity_pk = self._max_id(EntityRow)
            event_pk = self._max_id(EventRow)
            argument_pk = self._max_id(ArgumentRow)
            for document, digest in fresh:
                doc_pk += 1
                doc_rows.append(
                    (doc_pk, document.id, document.text, digest, document.title,
                     orjson.dumps(dict(document.meta)).decode(), now)
                )
                starts = [s.start for s in document.sentences]
                for sentence in document.sentences:
                    sentence_pk += 1
                    sentence_rows.append(
                        (sentence_pk, doc_pk, sentence.index, sentence.start, sentence.end,
                         pack_tokens(sentence.tokens))
                    )
                entity_pks: dict[str, int] = {}
                for entity in document.entities:
                    entity_pk += 1
                    entity_pks[entity.id] = entity_pk
                    review = entity.review
                    origin = "machine" if review is PENDING or review.status is not Status.ADDED else "reviewer"
                    entity_rows.append(
                        (entity_pk, doc_pk, entity.id, entity.start, entity.end, entity.label,
                         entity.score, entity.source, max(bisect_right(starts, entity.start) - 1, 0),
                         origin)
                    )
                    if review is not PENDING:
                        reviewed.append((TargetKind.ENTITY, entity_pk, doc_pk, review))
                for event in document.events:
                    event_pk += 1
                    origin = "reviewer" if event.review.status is Status.ADDED else "machine"
                    event_rows.append(
                        (event_pk, doc_pk, event.id, event.type, event.trigger_start, event.trigger_end,
                         event.score, event.source, orjson.dumps(dict(event.attributes)).decode(),
                         max(bisect_right(starts, event.trigger_start) - 1, 0), origin)
                    )
                    if event.review is not PENDING:
                        reviewed.append((TargetKind.EVENT, event_pk, doc_pk, event.review))
                    for position, argument in enumerate(event.arguments):
                        argument_pk += 1
                        review = argument.review
                        origin = "machine" if review is PENDING or review.status is not Status.ADDED else "reviewer"
                        argument_rows.append(
                            (argument_pk, event_pk, position, argument.role,
                             entity_pks[argument.entity_id] if argument.entity_id is not None else None,
                             argument.start, argument.end, argument.score, origin)
                        )
                        if review is not PENDING:
                            reviewed.append((TargetKind.ARGUMENT, argument_pk, doc_pk, review))
                result.added.append(document.id)
                result.candidates += len(document.entities) + len(document.events) + sum(
                    len(e.arguments) for e in document.events
                )
            self._insert_many(DocumentRow, doc_rows)
            self._insert_many(SentenceRow, sentence_rows)
            self._insert_many(EntityRow, entity_rows)
            self._insert_many(EventRow, event_rows)
            self._insert_many(ArgumentRow, argument_rows)
            if reviewed:
                self._import_reviews(reviewed, reviewer)
            known = MetaRow.get_or_none(MetaRow.key == CANDIDATE_COUNT_KEY)
            machine_added = len(entity_rows) + len(event_rows) + len(argument_rows) - sum(
                1 for rows in (entity_rows, event_rows, argument_rows) for row in rows if row[-1] != "machine"
            )
            self._store_candidate_count(
                int(known.value) + machine_added if known is not None else self._count_candidates()
            )
        return result

    def _max_id(self, model) -> int:
        return model.select(fn.COALESCE(fn.MAX(model.id), 0)).scalar()

    def _quote(self, name: str) -> str:
        left, right = self.db.quote
        return f"{left}{name}{right}"

    def _insert_many(self, model, rows: list[tuple]) -> None:
        if not rows:
            return
        table, columns = _quoted(model)
        quote = self._quote
        placeholders = ", ".join([self.db.param] * len(columns))
        sql = (
            f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
            f"VALUES ({placeholders})"
        )
        cursor = self.db.cursor()
        cursor.executemany(sql, rows)

    def _import_reviews(self, reviewed: list[tuple[TargetKind, int, int, Review]], default_reviewer: str) -> None:
        group = self._next_group()
        decisions = []
        states = []
        for kind, pk, doc_pk, review in reviewed:
            after: dict[str, Any] = {"status": review.status.value, **review.fixed}
            if review.flagged:
                after["flagged"] = True
            if review.note:
                after["note"] = review.note
            reviewer = review.reviewer or default_reviewer
            at = review.decided_at if review.decided_at is not None else time.time()
            decisions.append(
                (group, reviewer, at, IMPORT_ACTION, kind.value, pk, doc_pk, "{}",
                 orjson.dumps(after).decode(), None)
            )
            states.append(
                (kind.value, pk, doc_pk, review.status.value, orjson.dumps(dict(review.fixed)).decode(),
                 review.flagged, review.note, reviewer, at)
            )
        table, columns = _quoted(DecisionRow)
        columns = [c for c in columns if c != "id"]
        quote = self._quote
        self.db.cursor().executemany(
            f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
            f"VALUES ({', '.join([self.db.param] * len(columns))})",
            decisions,
        )
        self._insert_many(ReviewStateRow, states)

    # ------------------------------------------------------------------ reading

    def document_count(self) -> int:
        """How many documents the store holds."""
        return DocumentRow.select().count()

    def document_pks(self) -> list[int]:
        """The internal keys of all documents, in import order.

        Read from the small index on the document ids rather than the table, whose
        pages hold the texts: scanning those would fill the page cache with a corpus.
        """
        pks = [pk for (pk,) in DocumentRow.select(DocumentRow.id).where(DocumentRow.key.is_null(False)).tuples()]
        pks.sort()
        return pks

    def candidate_count(self) -> int:
        """How many machine candidates the store holds (kept as a counter, so this is cheap)."""
        row = MetaRow.get_or_none(MetaRow.key == CANDIDATE_COUNT_KEY)
        if row is not None:
            return int(row.value)
        with self.db.atomic():
            return self._store_candidate_count(self._count_candidates())

    def _count_candidates(self) -> int:
        return (
            EntityRow.select().where(EntityRow.origin == "machine").count()
            + EventRow.select().where(EventRow.origin == "machine").count()
            + ArgumentRow.select().where(ArgumentRow.origin == "machine").count()
        )

    def _store_candidate_count(self, count: int) -> int:
        MetaRow.insert(key=CANDIDATE_COUNT_KEY, value=str(count)).on_conflict_replace().execute()
        return count

    def document_pk(self, key: str) -> int | None:
        """The internal key of a document id, or None."""
        return DocumentRow.select(DocumentRow.id).where(DocumentRow.key == key).scalar()

    def pending_entities(
        self, label: str | None = None, document_pk: int | None = None, min_score: float | None = None,
        text: str | None = None,
    ) -> list[int]:
        """Keys of pending machine entities, by machine label, document, minimum score or exact text."""
        state = ReviewStateRow.alias()
        query = (
            EntityRow.select(EntityRow.id)
            .join(state, JOIN.LEFT_OUTER, on=((state.target_kind == "entity") & (state.target_id == EntityRow.id)))
            .where((EntityRow.origin == "machine") & (state.status.is_null() | (state.status == "pending")))
        )
        if label is not None:
            query = query.where(EntityRow.label == label)
        if document_pk is not None:
            query = query.where(EntityRow.document == document_pk)
        if min_score is not None:
            query = query.where(EntityRow.score >= min_score)
        if text is not None and document_pk is not None:
            document_text = DocumentRow.get_by_id(document_pk).text
            return [
                pk for pk, start, end in query.select(EntityRow.id, EntityRow.start, EntityRow.end).tuples()
                if document_text[start:end] == text
            ]
        return [pk for (pk,) in query.tuples()]

    def find_text(self, needle: str, after_document_pk: int) -> int | None:
        """The first document after the given one whose text contains `needle` (case-insensitive), or None."""
        return (
            DocumentRow.select(DocumentRow.id)
            .where((DocumentRow.id > after_document_pk) & (fn.INSTR(fn.LOWER(DocumentRow.text), needle.lower()) > 0))
            .order_by(DocumentRow.id)
            .limit(1)
            .scalar()
        )

    def decided_count(self) -> int:
        """How many machine candidates have been accepted, rejected or fixed (cheap: reads only decided rows)."""
        return (
            ReviewStateRow.select()
            .where(ReviewStateRow.status.in_([Status.ACCEPTED.value, Status.REJECTED.value, Status.FIXED.value]))
            .count()
        )

    def next_document_with_pending(self, after_pk: int) -> int | None:
        """The key of the first document after `after_pk` that still has a pending candidate, or None."""
        found = []
        for model, kind, document in (
            (EntityRow, "entity", EntityRow.document),
            (EventRow, "event", EventRow.document),
            (ArgumentRow, "argument", EventRow.document),
        ):
            state = ReviewStateRow.alias()
            query = model.select(document)
            if model is ArgumentRow:
                query = query.join(EventRow)
            query = (
                query.join_from(model, state, JOIN.LEFT_OUTER, on=((state.target_kind == kind) & (state.target_id == model.id)))
                .where((document > after_pk) & (model.origin == "machine") & (state.status.is_null() | (state.status == "pending")))
                .order_by(document)
                .limit(1)
            )
            value = query.scalar()
            if value is not None:
                found.append(value)
        return min(found) if found else None

    def document_summaries(self) -> list[DocumentSummary]:
        """Every document with its candidate count and how many are decided, in import order."""
        per_kind = (
            EntityRow.select(EntityRow.document, fn.COUNT(EntityRow.id))
            .where(EntityRow.origin == "machine")
            .group_by(EntityRow.document),
            EventRow.select(EventRow.document, fn.COUNT(EventRow.id))
            .where(EventRow.origin == "machine")
            .group_by(EventRow.document),
            ArgumentRow.select(EventRow.document, fn.COUNT(ArgumentRow.id))
            .join(EventRow)
            .where(ArgumentRow.origin == "machine")
            .group_by(EventRow.document),
        )
        totals: Counter[int] = Counter()
        for query in per_kind:
            for doc_pk, count in query.tuples():
                totals[doc_pk] += count
        decided: Counter[int] = Counter(
            dict(
                ReviewStateRow.select(ReviewStateRow.document, fn.COUNT(ReviewStateRow.target_id))
                .where(ReviewStateRow.status.in_([s.value for s in (Status.ACCEPTED, Status.REJECTED, Status.FIXED)]))
                .group_by(ReviewStateRow.document)
                .tuples()
            )
        )
        return [
            DocumentSummary(pk, key, title, totals[pk], decided[pk])
            for pk, key, title in DocumentRow.select(DocumentRow.id, DocumentRow.key, DocumentRow.title)
            .order_by(DocumentRow.id)
            .tuples()
        ]

    def load_document(self, key: str | None = None, pk: int | None = None) -> Document:
        """One document with its sentences, candidates and review states."""
        query = DocumentRow.select(DocumentRow.id)
        query = query.where(DocumentRow.key == key) if key is not None else query.where(DocumentRow.id == pk)
        found = query.scalar()
        if found is None:
            raise KeyError(f"no document {key if key is not None else pk!r} in the store")
        return next(self._load_batch([found]))

    def iter_documents(
        self, keys: Sequence[str] | None = None, batch_size: int = 500, with_tokens: bool = True
    ) -> Iterator[Document]:
        """Documents in import order, loaded from the store a batch at a time (tokens left out on request)."""
        query = DocumentRow.select(DocumentRow.id).order_by(DocumentRow.id)
        if keys:
            query = query.where(DocumentRow.key.in_(list(keys)))
        pks = [pk for (pk,) in query.tuples()]
        for i in range(0, len(pks), batch_size):
            yield from self._load_batch(pks[i : i + batch_size], with_tokens)

    def _load_batch(self, doc_pks: list[int], with_tokens: bool = True) -> Iterator[Document]:
        sentences: dict[int, list[Sentence]] = defaultdict(list)
        run = self.db.execute  # raw rows: peewee's per-value conversion costs more than the query
        low, high = min(doc_pks), max(doc_pks)
        contiguous = high - low + 1 == len(doc_pks)

        def in_batch(column):
            # A range is cheaper to bind than hundreds of IN parameters; import order makes it common.
            return column.between(low, high) if contiguous else column.in_(doc_pks)

        for doc_pk, idx, start, end, blob in run(
            SentenceRow.select(SentenceRow.document, SentenceRow.idx, SentenceRow.start, SentenceRow.end, SentenceRow.tokens)
            .where(in_batch(SentenceRow.document))
            .order_by(SentenceRow.document, SentenceRow.idx)
            
        ):
            sentences[doc_pk].append(Sentence(idx, start, end, unpack_tokens(blob) if with_tokens else ()))

        reviews: dict[tuple[str, int], Review] = {}
        for kind, target, status, fixed, flagged, note, reviewer, at in run(
            ReviewStateRow.select(
                ReviewStateRow.target_kind, ReviewStateRow.target_id, ReviewStateRow.status,
                ReviewStateRow.fixed, ReviewStateRow.flagged, ReviewStateRow.note,
                ReviewStateRow.reviewer, ReviewStateRow.decided_at,
            )
            .where(in_batch(ReviewStateRow.document))
            
        ):
            reviews[(kind, target)] = _review_from_row(status, fixed, flagged, note, reviewer, at)

        withdrawn = Review(status=Status.WITHDRAWN)
        entities: dict[int, list[Entity]] = defaultdict(list)
        entity_keys: dict[int, str] = {}
        for pk, doc_pk, key, start, end, label, score, source, origin in run(
            EntityRow.select(
                EntityRow.id, EntityRow.document, EntityRow.key, EntityRow.start, EntityRow.end,
                EntityRow.label, EntityRow.score, EntityRow.source, EntityRow.origin,
            )
            .where(in_batch(EntityRow.document))
            .order_by(EntityRow.document, EntityRow.start, EntityRow.end, EntityRow.id)
            
        ):
            entity_keys[pk] = key
            default = PENDING if origin == "machine" else withdrawn
            review = reviews.get(("entity", pk), default)
            entities[doc_pk].append(Entity(key, start, end, label, score, source, review, pk))

        arguments: dict[int, list[Argument]] = defaultdict(list)
        event_rows = list(run(
            EventRow.select(
                EventRow.id, EventRow.document, EventRow.key, EventRow.type, EventRow.trigger_start,
                EventRow.trigger_end, EventRow.score, EventRow.source, EventRow.attributes, EventRow.origin,
            )
            .where(in_batch(EventRow.document))
            .order_by(EventRow.document, EventRow.trigger_start, EventRow.trigger_end, EventRow.id)
        ))
        for pk, event_pk, role, entity_pk, start, end, score, origin in run(
            ArgumentRow.select(
                ArgumentRow.id, ArgumentRow.event, ArgumentRow.role, ArgumentRow.entity,
                ArgumentRow.start, ArgumentRow.end, ArgumentRow.score, ArgumentRow.origin,
            )
            .join(EventRow)
            .where(in_batch(EventRow.document))
            .order_by(ArgumentRow.event, ArgumentRow.position)
        ):
            default = PENDING if origin == "machine" else withdrawn
            review = reviews.get(("argument", pk), default)
            entity_key = entity_keys.get(entity_pk) if entity_pk is not None else None
            arguments[event_pk].append(Argument(role, entity_key, start, end, score, review, pk))

        events: dict[int, list[Event]] = defaultdict(list)
        for pk, doc_pk, key, type_, t_start, t_end, score, source, attributes, origin in event_rows:
            default = PENDING if origin == "machine" else withdrawn
            review = reviews.get(("event", pk), default)
            attrs = orjson.loads(attributes) if attributes and attributes != "{}" else {}
            events[doc_pk].append(
                Event(key, type_, t_start, t_end, score, source, tuple(arguments[pk]), attrs, review, pk)
            )

        rows = {
            pk: (key, text, title, meta)
            for pk, key, text, title, meta in run(
                DocumentRow.select(
                    DocumentRow.id, DocumentRow.key, DocumentRow.text, DocumentRow.title, DocumentRow.meta
                ).where(in_batch(DocumentRow.id))
            )
        }
        for doc_pk in doc_pks:
            key, text, title, meta = rows[doc_pk]
            yield Document(
                key, text, title, orjson.loads(meta) if meta and meta != "{}" else {},
                tuple(sentences[doc_pk]), tuple(entities[doc_pk]), tuple(events[doc_pk]), doc_pk,
            )

    # ------------------------------------------------------------------ decisions

    def accept(self, reviewer: str, kind: TargetKind, pk: int) -> int:
        """Accept a candidate (an item already fixed stays fixed); return the decision group."""
        state = self._state(kind, pk)
        status = Status.FIXED if state["fixed"] else Status.ACCEPTED
        return self.record(reviewer, "accept", [(kind, pk, {"status": status.value})])

    def reject(self, reviewer: str, kind: TargetKind, pk: int) -> int:
        """Reject a candidate; return the decision group."""
        return self.record(reviewer, "reject", [(kind, pk, {"status": Status.REJECTED.value})])

    def fix(self, reviewer: str, kind: TargetKind, pk: int, **values: Any) -> int:
        """Correct some of a candidate's values; the machine's values stay as they were."""
        allowed = FIXABLE_FIELDS[kind]
        unknown = sorted(set(values) - set(allowed))
        if unknown:
            raise DecisionError(f"cannot fix {', '.join(unknown)} of an {kind.value}; fixable: {', '.join(allowed)}")
        state = self._state(kind, pk)
        status = Status.ADDED if state["status"] == Status.ADDED.value else Status.FIXED
        return self.record(reviewer, "fix", [(kind, pk, {**values, "status": status.value})])

    def set_flag(self, reviewer: str, kind: TargetKind, pk: int, flagged: bool) -> int:
        """Flag or unflag a candidate for a second look."""
        return self.record(reviewer, "flag", [(kind, pk, {"flagged": bool(flagged)})])

    def set_note(self, reviewer: str, kind: TargetKind, pk: int, note: str) -> int:
        """Attach a free-text note to a candidate."""
        return self.record(reviewer, "note", [(kind, pk, {"note": note})])

    def add_entity(self, reviewer: str, document_pk: int, start: int, end: int, label: str) -> int:
        """Add an entity the machine missed; return its key in the store."""
        text_length = DocumentRow.select(fn.LENGTH(DocumentRow.text)).where(DocumentRow.id == document_pk).scalar()
        if text_length is None:
            raise DecisionError(f"no document with key {document_pk}")
        if not (0 <= start < end <= int(text_length)) or not label:
            raise DecisionError(f"bad entity {start}-{end} {label!r}")
        with self.db.atomic():
            pk = self._max_id(EntityRow) + 1
            sentence_idx = self._sentence_of(document_pk, start)
            EntityRow.insert(
                id=pk, document=document_pk, key=f"added-{pk}", start=start, end=end, label=label,
                score=None, source=f"reviewer:{reviewer}", sentence_idx=sentence_idx, origin="reviewer",
            ).execute()
            self._record_in_transaction(
                reviewer, "add", [(TargetKind.ENTITY, pk, {"status": Status.ADDED.value})]
            )
        return pk

    def add_event(self, reviewer: str, document_pk: int, type_: str, trigger_start: int, trigger_end: int) -> int:
        """Add an event the machine missed; return its key in the store."""
        with self.db.atomic():
            pk = self._max_id(EventRow) + 1
            EventRow.insert(
                id=pk, document=document_pk, key=f"added-{pk}", type=type_, trigger_start=trigger_start,
                trigger_end=trigger_end, score=None, source=f"reviewer:{reviewer}",
                sentence_idx=self._sentence_of(document_pk, trigger_start), origin="reviewer",
            ).execute()
            self._record_in_transaction(reviewer, "add", [(TargetKind.EVENT, pk, {"status": Status.ADDED.value})])
        return pk

    def add_argument(
        self, reviewer: str, event_pk: int, role: str, entity_pk: int | None = None,
        start: int | None = None, end: int | None = None,
    ) -> int:
        """Add an argument to an event: a role and an entity (or a bare span)."""
        if entity_pk is None and (start is None or end is None):
            raise DecisionError("an argument needs an entity or a span")
        with self.db.atomic():
            pk = self._max_id(ArgumentRow) + 1
            position = (
                ArgumentRow.select(fn.COALESCE(fn.MAX(ArgumentRow.position), -1))
                .where(ArgumentRow.event == event_pk)
                .scalar()
                + 1
            )
            ArgumentRow.insert(
                id=pk, event=event_pk, position=position, role=role, entity=entity_pk,
                start=start, end=end, score=None, origin="reviewer",
            ).execute()
            self._record_in_transaction(reviewer, "add", [(TargetKind.ARGUMENT, pk, {"status": Status.ADDED.value})])
        return pk

    def record(self, reviewer: str, action: str, changes: Sequence[tuple[TargetKind, int, Mapping[str, Any]]]) -> int:
        """Record one decision group (one undo step) of any number of changes, in one transaction."""
        if not changes:
            raise DecisionError("nothing to record")
        with self.db.atomic():
            return self._record_in_transaction(reviewer, action, changes)

    def _record_in_transaction(self, reviewer, action, changes) -> int:
        group = self._next_group()
        now = time.time()
        for kind, pk, delta in changes:
            kind = TargetKind(kind)
            doc_pk, origin, machine_values = self._target_facts(kind, pk)
            state = self._state(kind, pk, origin)
            before = {
                key: state[key] if key in _REVIEW_KEYS else state["fixed"].get(key, machine_values.get(key))
                for key in delta
            }
            DecisionRow.insert(
                group=group, reviewer=reviewer, at=now, action=action, target_kind=kind.value,
                target_id=pk, document=doc_pk, before=orjson.dumps(before).decode(),
                after=orjson.dumps(dict(delta)).decode(),
            ).execute()
            _fold(state, delta)
            self._write_state(kind, pk, doc_pk, state, reviewer, now)
        return group

    def _next_group(self) -> int:
        return DecisionRow.select(fn.COALESCE(fn.MAX(DecisionRow.group), 0)).scalar() + 1

    def _sentence_of(self, document_pk: int, offset: int) -> int:
        idx = (
            SentenceRow.select(fn.MAX(SentenceRow.idx))
            .where((SentenceRow.document == document_pk) & (SentenceRow.start <= offset))
            .scalar()
        )
        return idx or 0

    def _target_facts(self, kind: TargetKind, pk: int) -> tuple[int, str, dict[str, Any]]:
        if kind is TargetKind.ENTITY:
            row = EntityRow.get_or_none(EntityRow.id == pk)
            if row is None:
                raise DecisionError(f"no entity with key {pk}")
            return row.document_id, row.origin, {"start": row.start, "end": row.end, "label": row.label}
        if kind is TargetKind.EVENT:
            row = EventRow.get_or_none(EventRow.id == pk)
            if row is None:
                raise DecisionError(f"no event with key {pk}")
            values = {"type": row.type, "trigger_start": row.trigger_start, "trigger_end": row.trigger_end}
            return row.document_id, row.origin, values
        row = ArgumentRow.select(ArgumentRow, EventRow.document).join(EventRow).where(ArgumentRow.id == pk).first()
        if row is None:
            raise DecisionError(f"no argument with key {pk}")
        entity_key = EntityRow.get_by_id(row.entity_id).key if row.entity_id is not None else None
        values = {"role": row.role, "entity_id": entity_key, "start": row.start, "end": row.end}
        return row.event.document_id, row.origin, values

    def _state(self, kind: TargetKind, pk: int, origin: str | None = None) -> dict[str, Any]:
        row = ReviewStateRow.get_or_none(
            (ReviewStateRow.target_kind == kind.value) & (ReviewStateRow.target_id == pk)
        )
        if row is not None:
            return {"status": row.status, "fixed": orjson.loads(row.fixed), "flagged": row.flagged, "note": row.note}
        if origin is None:
            origin = self._target_facts(kind, pk)[1]
        return _initial_state(origin)

    def _write_state(self, kind, pk, doc_pk, state, reviewer, at) -> None:
        ReviewStateRow.insert(
            target_kind=kind.value, target_id=pk, document=doc_pk, status=state["status"],
            fixed=orjson.dumps(state["fixed"]).decode(), flagged=bool(state["flagged"]),
            note=state["note"], reviewer=reviewer, decided_at=at,
        ).on_conflict_replace().execute()

    # ------------------------------------------------------------------ undo / redo

    def undo_stacks(self, reviewer: str) -> tuple[list[int], list[int]]:
        """The reviewer's groups that can be undone and redone, most recent last."""
        done: list[int] = []
        redo: list[int] = []
        query = (
            DecisionRow.select(DecisionRow.group, DecisionRow.action, DecisionRow.reverts_group)
            .where(DecisionRow.reviewer == reviewer)
            .order_by(DecisionRow.id)
            .tuples()
        )
        for group, action, reverts in query:
            if action == UNDO_ACTION:
                if done and done[-1] == reverts:
                    done.pop()
                redo.append(reverts)
            elif action == REDO_ACTION:
                if redo and redo[-1] == reverts:
                    redo.pop()
                done.append(reverts)
            elif action == IMPORT_ACTION:
                continue
            elif not done or done[-1] != group:
                done.append(group)
                redo.clear()
        return done, redo

    def undo(self, reviewer: str) -> int | None:
        """Undo the reviewer's most recent decision group; return it, or None when nothing is left."""
        with self.db.atomic():
            done, _ = self.undo_stacks(reviewer)
            if not done:
                return None
            group = done[-1]
            UndoneGroupRow.insert(group=group).on_conflict_ignore().execute()
            self._append_marker(reviewer, UNDO_ACTION, group)
            self._refold_group(group)
            return group

    def redo(self, reviewer: str) -> int | None:
        """Redo the reviewer's most recently undone group; return it, or None."""
        with self.db.atomic():
            _, redo = self.undo_stacks(reviewer)
            if not redo:
                return None
            group = redo[-1]
            UndoneGroupRow.delete().where(UndoneGroupRow.group == group).execute()
            self._append_marker(reviewer, REDO_ACTION, group)
            self._refold_group(group)
            return group

    def _append_marker(self, reviewer: str, action: str, group: int) -> None:
        DecisionRow.insert(
            group=self._next_group(), reviewer=reviewer, at=time.time(), action=action, reverts_group=group
        ).execute()

    def _refold_group(self, group: int) -> None:
        targets = (
            DecisionRow.select(DecisionRow.target_kind, DecisionRow.target_id)
            .where((DecisionRow.group == group) & DecisionRow.target_id.is_null(False))
            .distinct()
            .tuples()
        )
        for kind, pk in list(targets):
            self._refold_target(TargetKind(kind), pk)

    def _refold_target(self, kind: TargetKind, pk: int) -> None:
        doc_pk, origin, _ = self._target_facts(kind, pk)
        state = _initial_state(origin)
        undone = UndoneGroupRow.select(UndoneGroupRow.group)
        last = None
        for after, reviewer, at in (
            DecisionRow.select(DecisionRow.after, DecisionRow.reviewer, DecisionRow.at)
            .where(
                (DecisionRow.target_kind == kind.value)
                & (DecisionRow.target_id == pk)
                & DecisionRow.group.not_in(undone)
            )
            .order_by(DecisionRow.id)
            .tuples()
        ):
            _fold(state, orjson.loads(after))
            last = (reviewer, at)
        if last is None:
            ReviewStateRow.delete().where(
                (ReviewStateRow.target_kind == kind.value) & (ReviewStateRow.target_id == pk)
            ).execute()
            if origin != "machine":
                self._write_state(kind, pk, doc_pk, state, None, None)
        else:
            self._write_state(kind, pk, doc_pk, state, *last)

    def rebuild_derived_state(self) -> None:
        """Recompute the undone groups and every review state from the decision log alone."""
        with self.db.atomic():
            UndoneGroupRow.delete().execute()
            ReviewStateRow.delete().execute()
            undone: set[int] = set()
            for action, reverts in (
                DecisionRow.select(DecisionRow.action, DecisionRow.reverts_group)
                .where(DecisionRow.action.in_([UNDO_ACTION, REDO_ACTION]))
                .order_by(DecisionRow.id)
                .tuples()
            ):
                if action == UNDO_ACTION:
                    undone.add(reverts)
                else:
                    undone.discard(reverts)
            for group in undone:
                UndoneGroupRow.insert(group=group).execute()
            targets = set(
                DecisionRow.select(DecisionRow.target_kind, DecisionRow.target_id)
                .where(DecisionRow.target_id.is_null(False))
                .tuples()
            )
            for kind, pk in sorted(targets):
                self._refold_target(TargetKind(kind), pk)

    def group_targets(self, group: int) -> list[tuple[int, TargetKind, int]]:
        """(document key, kind, target key) of every target a decision group touched, in order."""
        return [
            (document, TargetKind(kind), pk)
            for document, kind, pk in DecisionRow.select(DecisionRow.document, DecisionRow.target_kind, DecisionRow.target_id)
            .where((DecisionRow.group == group) & DecisionRow.target_id.is_null(False))
            .order_by(DecisionRow.id)
            .tuples()
        ]

    def last_decided_target(self, reviewer: str) -> tuple[int, TargetKind, int] | None:
        """The target of the reviewer's most recent decision still in effect (for resuming), or None."""
        undone = UndoneGroupRow.select(UndoneGroupRow.group)
        row = (
            DecisionRow.select(DecisionRow.document, DecisionRow.target_kind, DecisionRow.target_id)
            .where(
                (DecisionRow.reviewer == reviewer)
                & DecisionRow.target_id.is_null(False)
                & (DecisionRow.action != IMPORT_ACTION)
                & DecisionRow.group.not_in(undone)
            )
            .order_by(DecisionRow.id.desc())
            .tuples()
            .first()
        )
        return (row[0], TargetKind(row[1]), row[2]) if row else None

    def review_states(self) -> dict[tuple[str, int], tuple]:
        """Every stored review state, keyed by target (for checks and tests)."""
        return {
            (kind, pk): rest
            for kind, pk, *rest in ReviewStateRow.select(
                ReviewStateRow.target_kind, ReviewStateRow.target_id, ReviewStateRow.status,
                ReviewStateRow.fixed, ReviewStateRow.flagged, ReviewStateRow.note,
            ).tuples()
        }

    def decisions(self, reviewer: str | None = None) -> list[Decision]:
        """The decision log in order, optionally of one reviewer."""
        query = DecisionRow.select().order_by(DecisionRow.id)
        if reviewer is not None:
            query = query.where(DecisionRow.reviewer == reviewer)
        return [
            Decision(
                row.id, row.group, row.reviewer, row.at, row.action,
                TargetKind(row.target_kind) if row.target_kind else None, row.target_id,
                orjson.loads(row.before), orjson.loads(row.after), row.reverts_group,
            )
            for row in query
        ]

    # ------------------------------------------------------------------ statistics

    def review_figures(self, idle_gap_seconds: float = 300.0) -> dict[str, Any]:
        """What the reviewers' decisions say about the extractor, and how fast they decide.

        Per entity label, event type and argument role (the machine's value): how many
        were accepted, rejected, fixed and added, the acceptance rate (accepted + fixed
        over decided) and the boundary-fix rate (fixes that moved a span, over decided).
        Throughput per reviewer counts decisions per active minute: a gap longer than
        `idle_gap_seconds` between two decisions is a pause, not work.
        """
        states = {
            (kind, pk): (status, orjson.loads(fixed) if fixed and fixed != "{}" else {})
            for kind, pk, status, fixed in ReviewStateRow.select(
                ReviewStateRow.target_kind, ReviewStateRow.target_id, ReviewStateRow.status, ReviewStateRow.fixed
            ).tuples()
        }
        tables: dict[str, dict[str, Counter]] = {"labels": defaultdict(Counter), "event_types": defaultdict(Counter), "roles": defaultdict(Counter)}
        span_fields = {"entity": ("start", "end"), "event": ("trigger_start", "trigger_end"), "argument": ("start", "end", "entity_id")}
        sources = (
            ("entity", "labels", EntityRow.select(EntityRow.id, EntityRow.label, EntityRow.origin)),
            ("event", "event_types", EventRow.select(EventRow.id, EventRow.type, EventRow.origin)),
            ("argument", "roles", ArgumentRow.select(ArgumentRow.id, ArgumentRow.role, ArgumentRow.origin)),
        )
        for kind, table, query in sources:
            for pk, name, origin in query.tuples():
                status, fixed = states.get((kind, pk), (None, {}))
                if status is None:
                    status = Status.PENDING.value if origin == "machine" else Status.WITHDRAWN.value
                if status == Status.WITHDRAWN.value:
                    continue
                row = tables[table][name]
                row[status] += 1
                if status == Status.FIXED.value and any(f in fixed for f in span_fields[kind]):
                    row["boundary_fixed"] += 1
        result: dict[str, Any] = {}
        for table, rows in tables.items():
            result[table] = {}
            for name, row in sorted(rows.items()):
                decided = row["accepted"] + row["rejected"] + row["fixed"]
                result[table][name] = {
                    "pending": row["pending"], "accepted": row["accepted"], "rejected": row["rejected"],
                    "fixed": row["fixed"], "added": row["added"],
                    "acceptance_rate": (row["accepted"] + row["fixed"]) / decided if decided else None,
                    "boundary_fix_rate": row["boundary_fixed"] / decided if decided else None,
                }
        times: dict[str, list[float]] = defaultdict(list)
        for reviewer, at in (
            DecisionRow.select(DecisionRow.reviewer, DecisionRow.at)
            .where(DecisionRow.action.not_in(list(_NOT_UNDOABLE)) & DecisionRow.target_id.is_null(False))
            .group_by(DecisionRow.group)
            .order_by(DecisionRow.group)
            .tuples()
        ):
            times[reviewer].append(at)
        throughput = {}
        for reviewer, moments in times.items():
            moments.sort()
            active = sum(b - a for a, b in zip(moments, moments[1:]) if b - a <= idle_gap_seconds)
            throughput[reviewer] = {
                "decisions": len(moments),
                "active_minutes": active / 60,
                "per_minute": (len(moments) - 1) / (active / 60) if active > 0 else None,
            }
        result["throughput"] = throughput
        return result

    def status_counts(self) -> dict[str, Any]:
        """Candidate counts per document, entity label, event type, argument role and status."""
        states = {
            (kind, pk): (status, fixed)
            for kind, pk, status, fixed in ReviewStateRow.select(
                ReviewStateRow.target_kind, ReviewStateRow.target_id, ReviewStateRow.status, ReviewStateRow.fixed
            ).tuples()
        }
        keys = dict(DocumentRow.select(DocumentRow.id, DocumentRow.key).tuples())
        per_document: dict[str, Counter] = defaultdict(Counter)
        per_label: dict[str, Counter] = defaultdict(Counter)
        per_type: dict[str, Counter] = defaultdict(Counter)
        per_role: dict[str, Counter] = defaultdict(Counter)
        totals: Counter = Counter()

        def resolve(kind, pk, origin, name, value):
            status, fixed = states.get((kind, pk), (None, None))
            if status is None:
                status = Status.PENDING.value if origin == "machine" else Status.WITHDRAWN.value
            if fixed and fixed != "{}":
                value = orjson.loads(fixed).get(name, value)
            return status, value

        sources = (
            ("entity", "label", per_label,
             EntityRow.select(EntityRow.id, EntityRow.document, EntityRow.label, EntityRow.origin)),
            ("event", "type", per_type,
             EventRow.select(EventRow.id, EventRow.document, EventRow.type, EventRow.origin)),
            ("argument", "role", per_role,
             ArgumentRow.select(ArgumentRow.id, EventRow.document, ArgumentRow.role, ArgumentRow.origin).join(EventRow)),
        )
        for kind, field_name, table, query in sources:
            for pk, doc_pk, name, origin in query.tuples():
                status, name = resolve(kind, pk, origin, field_name, name)
                if status == Status.WITHDRAWN.value:
                    continue
                per_document[keys[doc_pk]][status] += 1
                table[name][status] += 1
                totals[status] += 1
        return {
            "documents": {key: dict(per_document.get(key, {})) for key in keys.values()},
            "labels": {k: dict(v) for k, v in sorted(per_label.items())},
            "event_types": {k: dict(v) for k, v in sorted(per_type.items())},
            "roles": {k: dict(v) for k, v in sorted(per_role.items())},
            "total": dict(totals),
        }
