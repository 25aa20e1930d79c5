"""Sentences seen: a review loop that never skips work, not even a sentence where the machine found nothing.

A sentence is *seen* when none of its candidates is pending and it either holds a
live candidate (one that is not withdrawn: the reviewer looked at it, whatever the
verdict) or the reviewer confirmed it holds nothing ("nothing here", a decision on
the sentence like any other, so undo takes it back). A document has *work* while
one of its sentences is not seen, or, for a document without sentences, while it
has a pending candidate.

Counting this over a corpus reads every candidate, so each document's figures are
kept in `document_work`: a decision drops the row of its document, and the row is
counted again, for that one document, when next asked for. Progress is that of the
lane in effect (see `lanes`): each reviewer's own, in a lane of their own.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from peewee import fn

from annotator.domain import Action, Origin, Status, TargetKind
from annotator.store.decisions import record_group
from annotator.store.documents import document_pks
from annotator.store.lanes import current
from annotator.store.locking import try_cache_write
from annotator.store.models import DocumentWorkRow, SentenceRow
from annotator.store.sql import insert_rows, marks, run
from annotator.store.state import DecisionError
from annotator.store.watch import data_version

# Documents counted per query: enough to amortise it, few enough to bind as parameters.
_BATCH = 250
_MACHINE = Origin.MACHINE.value
_PENDING = Status.PENDING.value


# Where a candidate sits: in the sentence `s` of the outer query, or anywhere in one document.
_IN_SENTENCE = "{alias}.document_id = s.document_id AND {alias}.sentence_idx = s.idx"
_IN_DOCUMENT = "{alias}.document_id = ?"


def _pending(table: str, kind: TargetKind, scope: str) -> str:
    """SQL: a pending machine entity or event in the scope exists (parameters: lane, the scope's, machine, pending)."""
    return (
        f"EXISTS (SELECT 1 FROM {table} c LEFT JOIN review_state r"
        f" ON r.lane = ? AND r.target_kind = '{kind.value}' AND r.target_id = c.id"
        f" WHERE {scope.format(alias='c')} AND c.origin = ? AND (r.status IS NULL OR r.status = ?))"
    )


def _pending_argument(scope: str) -> str:
    """SQL: a pending machine argument of an event in the scope exists (parameters: lane, the scope's, machine, pending)."""
    return (
        "EXISTS (SELECT 1 FROM event v JOIN argument a ON a.event_id = v.id LEFT JOIN review_state r"
        f" ON r.lane = ? AND r.target_kind = '{TargetKind.ARGUMENT.value}' AND r.target_id = a.id"
        f" WHERE {scope.format(alias='v')} AND a.origin = ? AND (r.status IS NULL OR r.status = ?))"
    )


def _live(table: str, kind: TargetKind) -> str:
    """SQL: a live entity or event in the sentence exists (parameters: lane, machine)."""
    # A machine candidate is never withdrawn; a reviewer's addition is live while its state row says so.
    return (
        f"EXISTS (SELECT 1 FROM {table} c LEFT JOIN review_state r"
        f" ON r.lane = ? AND r.target_kind = '{kind.value}' AND r.target_id = c.id"
        f" WHERE {_IN_SENTENCE.format(alias='c')} AND (c.origin = ? OR r.status <> '{Status.WITHDRAWN.value}'))"
    )


_CONFIRMED = (
    f"EXISTS (SELECT 1 FROM review_state r WHERE r.lane = ? AND r.target_kind = '{TargetKind.SENTENCE.value}'"
    f" AND r.target_id = s.id AND r.status = '{Status.ACCEPTED.value}')"
)
# Per document: its sentences, and those seen. SQLite stops at the first false term of each AND.
_COUNT_SQL = (
    "SELECT s.document_id, COUNT(*), SUM(CASE WHEN"
    f" NOT {_pending('entity', TargetKind.ENTITY, _IN_SENTENCE)}"
    f" AND NOT {_pending('event', TargetKind.EVENT, _IN_SENTENCE)}"
    f" AND NOT {_pending_argument(_IN_SENTENCE)}"
    f" AND ({_live('entity', TargetKind.ENTITY)} OR {_live('event', TargetKind.EVENT)} OR {_CONFIRMED})"
    " THEN 1 ELSE 0 END) FROM sentence s WHERE s.document_id IN ({marks}) GROUP BY s.document_id"
)
# For a document without sentences: does it hold a pending candidate?
_HAS_PENDING_SQL = (
    f"SELECT {_pending('entity', TargetKind.ENTITY, _IN_DOCUMENT)}"
    f" OR {_pending('event', TargetKind.EVENT, _IN_DOCUMENT)} OR {_pending_argument(_IN_DOCUMENT)}"
)


def confirm_sentence(reviewer: str, document_pk: int, sentence_index: int) -> int:
    """Record that the reviewer saw a sentence and it holds nothing more to annotate; return the decision group."""
    pk = (
        SentenceRow.select(SentenceRow.pk)
        .where((SentenceRow.document == document_pk) & (SentenceRow.idx == sentence_index))
        .scalar()
    )
    if pk is None:
        raise DecisionError(f"no sentence {sentence_index} in document {document_pk}")
    return record_group(reviewer, Action.CONFIRM, [(TargetKind.SENTENCE, pk, {"status": Status.ACCEPTED.value})])


def _batches(pks: Sequence[int]) -> Iterator[list[int]]:
    for i in range(0, len(pks), _BATCH):
        yield list(pks[i : i + _BATCH])


def _count_parameters(lane: str) -> tuple[str, ...]:
    """The parameters of `_COUNT_SQL` before the document pks, in the order its terms name them."""
    return (lane, _MACHINE, _PENDING) * 3 + (lane, _MACHINE) * 2 + (lane,)


def _count(pks: list[int]) -> list[tuple[int, int, int, bool]]:
    """Count the sentence progress of documents without a `document_work` row, and keep it when the lock is free.

    Counting only reads, so it never waits for another process's write lock.
    """
    version = data_version()
    lane = current()
    sql = _COUNT_SQL.format(marks=marks(len(pks)))
    counted = {
        document_pk: (sentences, seen)
        for document_pk, sentences, seen in run(sql, (*_count_parameters(lane), *pks)).fetchall()
    }
    rows = []
    for pk in pks:
        sentences, seen = counted.get(pk, (0, 0))
        # Without sentences, a pending candidate is the only work there can be.
        has_work = seen < sentences if sentences else _has_pending(pk)
        rows.append((pk, sentences, seen, has_work))

    def keep() -> None:
        DocumentWorkRow.delete().where((DocumentWorkRow.lane == lane) & DocumentWorkRow.document_pk.in_(pks)).execute()
        insert_rows(DocumentWorkRow, [(*row, lane) for row in rows])

    try_cache_write(keep, computed_at=version)
    return rows


def _has_pending(document_pk: int) -> bool:
    parameters = (current(), document_pk, _MACHINE, _PENDING) * 3
    return bool(run(_HAS_PENDING_SQL, parameters).fetchone()[0])


def _uncounted(after_document_pk: int = 0) -> list[int]:
    """Pks of the documents after the given one whose progress in the lane in effect is not counted, in order."""
    counted = {
        pk for (pk,) in DocumentWorkRow.select(DocumentWorkRow.document_pk)
        .where((DocumentWorkRow.lane == current()) & (DocumentWorkRow.document_pk > after_document_pk))
        .tuples().iterator()
    }
    return [pk for pk in document_pks() if pk > after_document_pk and pk not in counted]


def sentence_progress() -> tuple[int, int]:
    """(seen, total) sentences of the whole store in the lane in effect; see the module docstring for "seen"."""
    uncounted = _uncounted()
    sentences, seen = DocumentWorkRow.select(
        fn.SUM(DocumentWorkRow.sentences), fn.SUM(DocumentWorkRow.seen)
    ).where(DocumentWorkRow.lane == current()).tuples().first() or (0, 0)
    sentences, seen = int(sentences or 0), int(seen or 0)
    # Added from what was counted, not read back: another process's lock may have kept it from being stored.
    for batch in _batches(uncounted):
        for _, in_document, seen_in_document, _ in _count(batch):
            sentences += in_document
            seen += seen_in_document
    return seen, sentences


def next_document_with_work(after_document_pk: int) -> int | None:
    """The pk of the first document after the given one with a pending candidate or an unseen sentence, or None.

    Counts only as many uncounted documents, in order, as it takes to find one.
    """
    found = (
        DocumentWorkRow.select(DocumentWorkRow.document_pk)
        .where(
            (DocumentWorkRow.lane == current()) & (DocumentWorkRow.document_pk > after_document_pk)
            & DocumentWorkRow.has_work
        )
        .order_by(DocumentWorkRow.document_pk)
        .limit(1)
        .scalar()
    )
    uncounted = [pk for pk in _uncounted(after_document_pk) if found is None or pk < found]
    for batch in _batches(uncounted):
        with_work = [pk for pk, _, _, has_work in _count(batch) if has_work]
        if with_work:
            return with_work[0]
    return found
