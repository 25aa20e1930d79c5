"""Teams: which reviewer reviews which document, and what each reviewer decided, from the log alone.

An `assignment` row gives a document to a reviewer. `slot` 1 is the document's first
reviewer, 2 its second (the overlap measured for agreement); a unique (document, slot)
index is what keeps two reviewers claiming the same unassigned document at once from
both getting it, on SQLite and PostgreSQL alike. Assigning again only adds rows for
documents nobody has yet, so work begun is never moved.

Each reviewer's view of a target is folded from that reviewer's own log entries still
in effect (not undone), not from the shared `review_state`, so two reviewers of one
document can be compared. Imported reviews (`import` entries) are what a file said,
not a decision made here, and are left out.

Until the store's migrations create it, the `assignment` table is created when first
needed (`ensure_tables`).
"""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from peewee import AutoField, FloatField, ForeignKeyField, IntegerField, PostgresqlDatabase, TextField

from annotator.domain import CONFIRMED_STATUSES, DECIDED_STATUSES, Action, Origin, Status, TargetKind
from annotator.store.locking import run_write
from annotator.store.models import (
    ArgumentRow,
    BaseModel,
    DecisionRow,
    DocumentRow,
    EntityRow,
    EventRow,
    SentenceRow,
    UndoneGroupRow,
    database,
)
from annotator.store.state import IDS_PER_QUERY

FIRST, SECOND = 1, 2
_DECIDED = frozenset(s.value for s in DECIDED_STATUSES)
_CONFIRMED = frozenset(s.value for s in CONFIRMED_STATUSES)


class TeamError(ValueError):
    """An assignment that cannot be made as asked (unknown document, bad overlap, too few reviewers)."""


class AssignmentRow(BaseModel):
    """A document given to a reviewer: by `assign`, or claimed from the unassigned documents."""

    pk = AutoField(column_name="id")
    document = ForeignKeyField(DocumentRow, on_delete="CASCADE", column_name="document_id")
    reviewer = TextField()
    slot = IntegerField()
    how = TextField()
    assigned_at = FloatField()

    class Meta:
        """One row per reviewer of a document; at most one first and one second reviewer of each."""

        table_name = "assignment"
        indexes = ((("document", "reviewer"), True), (("document", "slot"), True), (("reviewer", "document"), False))


TEAM_MODELS = (AssignmentRow,)


def ensure_tables() -> None:
    """Create the team tables when the store has none yet (a write: the store must be writable)."""
    if not database.table_exists(AssignmentRow._meta.table_name):
        run_write(lambda: database.create_tables(TEAM_MODELS, safe=True))


def _has_tables() -> bool:
    return bool(database.table_exists(AssignmentRow._meta.table_name))


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), IDS_PER_QUERY):
        yield values[i : i + IDS_PER_QUERY]


# ---------------------------------------------------------------- assignment


@dataclass(frozen=True)
class AssignResult:
    """What `assign_documents` did: documents newly given to each reviewer, how many twice, how many left alone."""

    given: Mapping[str, Sequence[int]]
    overlap_documents: int
    already_assigned: int
    seed: int


def document_pks_of(document_ids: Sequence[str]) -> list[int]:
    """The pks of documents by external id, in the order given; `TeamError` naming the ids not in the store."""
    found: dict[str, int] = {}
    for chunk in _chunks(list(dict.fromkeys(document_ids))):
        found.update(
            DocumentRow.select(DocumentRow.external_id, DocumentRow.pk)
            .where(DocumentRow.external_id.in_(list(chunk))).tuples().iterator()
        )
    missing = [key for key in document_ids if key not in found]
    if missing:
        shown = ", ".join(repr(key) for key in missing[:5]) + (", ..." if len(missing) > 5 else "")
        raise TeamError(f"{len(missing)} document id(s) not in the store: {shown}; list them with `annotator documents`")
    return [found[key] for key in dict.fromkeys(document_ids)]


def _check_names(reviewers: Sequence[str]) -> None:
    if not reviewers:
        raise TeamError("name at least one reviewer")
    for name in reviewers:
        if not name or not name.isprintable() or name != name.strip():
            raise TeamError(f"reviewer name {name!r}: give a non-empty name without control characters or outer spaces")
    if len(set(reviewers)) != len(reviewers):
        raise TeamError("each reviewer may be named once")


def assign_documents(
    reviewers: Sequence[str], overlap: float = 0.0, seed: int = 0, document_ids: Sequence[str] | None = None
) -> AssignResult:
    """Give every unassigned document (or each of `document_ids`) to one reviewer, a share `overlap` of them to two.

    Documents are taken in an order shuffled by `seed` and each goes to the reviewers
    with the fewest documents so far (the second reviewer of an overlap document also
    the one least often paired with the first), so loads differ by at most one and the
    same store, reviewers and seed give the same assignment. A document that already
    has a reviewer is left as it is, so running it again only hands out new documents.
    """
    _check_names(reviewers)
    if not 0.0 <= overlap <= 1.0:
        raise TeamError(f"overlap {overlap}: give a share between 0 and 1, such as 0.2 for 20% of the documents")
    if overlap > 0 and len(reviewers) < 2:
        raise TeamError("an overlap needs at least two reviewers")
    ensure_tables()
    wanted = document_pks_of(document_ids) if document_ids is not None else None
    return run_write(lambda: _assign(list(reviewers), overlap, seed, wanted))


def _assign(reviewers: list[str], overlap: float, seed: int, wanted: list[int] | None) -> AssignResult:
    pks = wanted if wanted is not None else [pk for (pk,) in DocumentRow.select(DocumentRow.pk).tuples().iterator()]
    taken = {pk for (pk,) in AssignmentRow.select(AssignmentRow.document).distinct().tuples().iterator()}
    new = sorted(pk for pk in set(pks) if pk not in taken)
    random.Random(seed).shuffle(new)
    # Round half up, so 20% of 5 documents is 1, not the 0 that rounding to even would give for 2.5.
    twice = set(new[: int(overlap * len(new) + 0.5)])
    load: Counter[str] = Counter(
        reviewer for (reviewer,) in AssignmentRow.select(AssignmentRow.reviewer)
        .where(AssignmentRow.reviewer.in_(reviewers)).tuples().iterator()
    )
    paired: Counter[tuple[str, str]] = Counter()
    order = {name: i for i, name in enumerate(reviewers)}
    given: dict[str, list[int]] = {name: [] for name in reviewers}
    rows = []
    now = time.time()
    for pk in new:
        first = min(reviewers, key=lambda r: (load[r], order[r]))
        chosen = [first]
        if pk in twice:
            chosen.append(min(
                (r for r in reviewers if r != first),
                key=lambda r: (load[r], paired[_pair(first, r)], order[r]),
            ))
            paired[_pair(first, chosen[1])] += 1
        for slot, reviewer in enumerate(chosen, start=FIRST):
            load[reviewer] += 1
            given[reviewer].append(pk)
            rows.append({"document": pk, "reviewer": reviewer, "slot": slot, "how": "assign", "assigned_at": now})
    for i in range(0, len(rows), IDS_PER_QUERY):
        AssignmentRow.insert_many(rows[i : i + IDS_PER_QUERY]).execute()
    return AssignResult(
        {name: sorted(pks) for name, pks in given.items()}, len(twice), len(set(pks)) - len(new), seed
    )


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def assignments() -> dict[str, list[int]]:
    """Every reviewer's assigned documents (pks, in order)."""
    found: dict[str, list[int]] = defaultdict(list)
    if not _has_tables():
        return {}
    for reviewer, pk in (
        AssignmentRow.select(AssignmentRow.reviewer, AssignmentRow.document)
        .order_by(AssignmentRow.reviewer, AssignmentRow.document).tuples().iterator()
    ):
        found[reviewer].append(pk)
    return dict(found)


def claim_next(reviewer: str) -> int | None:
    """The pk of the reviewer's next unfinished document: their own first, else one claimed from the unassigned ones.

    The claim is one write transaction. On SQLite it holds the write lock from its
    first read (BEGIN IMMEDIATE), so claimers take turns; on PostgreSQL it locks the
    document row it takes with `FOR UPDATE SKIP LOCKED`, so claimers running at once pass
    over each other's row instead of waiting on it. In both, the unique (document, slot)
    index refuses a second first reviewer.
    None when nothing is left.
    """
    _check_names([reviewer])
    ensure_tables()
    return run_write(lambda: _claim(reviewer))


def _claim(reviewer: str) -> int | None:
    own = [
        pk for (pk,) in AssignmentRow.select(AssignmentRow.document)
        .where(AssignmentRow.reviewer == reviewer).order_by(AssignmentRow.document).tuples().iterator()
    ]
    unfinished = [pk for pk, done in documents_done(reviewer, own).items() if not done]
    if unfinished:
        return min(unfinished)
    on_postgres = isinstance(database.obj, PostgresqlDatabase)
    # A few tries: on PostgreSQL a document another claimer just committed can slip past the lock (see below).
    for _ in range(10):
        query = (
            DocumentRow.select(DocumentRow.pk)
            .where(DocumentRow.pk.not_in(AssignmentRow.select(AssignmentRow.document)))
            .order_by(DocumentRow.pk).limit(1)
        )
        if on_postgres:
            query = query.for_update(skip_locked=True)
        pk = query.scalar()
        if pk is None:
            return None
        AssignmentRow.insert(
            document=pk, reviewer=reviewer, slot=FIRST, how="claim", assigned_at=time.time()
        ).on_conflict_ignore().execute()
        # Under READ COMMITTED a claimer whose query began before another's commit may pick the
        # same document; the unique index turned its insert into nothing, so it tries the next.
        holder = (
            AssignmentRow.select(AssignmentRow.reviewer)
            .where((AssignmentRow.document == pk) & (AssignmentRow.slot == FIRST)).scalar()
        )
        if holder == reviewer:
            return int(pk)
    return None


# ---------------------------------------------------------------- each reviewer's own decisions


@dataclass(frozen=True)
class ReviewerState:
    """One reviewer's current decision on one target, from their own decisions in effect."""

    status: Status
    fixed: Mapping[str, Any] = field(default_factory=dict)
    document_pk: int = 0


def reviewer_states(
    document_pks: Sequence[int] | None = None, reviewers: Sequence[str] | None = None
) -> dict[str, dict[tuple[TargetKind, int], ReviewerState]]:
    """Per reviewer, per target (kind, pk) of the given documents (all, without any): their own current decision.

    Folded from that reviewer's entries still in effect, oldest first, starting from
    pending: a target a reviewer never decided (or whose decisions they undid) is absent.
    An accept records "fixed" when the shared state held someone's fix; without a fix of
    the reviewer's own it is read as the accept it was.
    """
    undone = UndoneGroupRow.select(UndoneGroupRow.group)
    base = (
        DecisionRow.select(
            DecisionRow.reviewer, DecisionRow.target_kind, DecisionRow.target_pk, DecisionRow.document_pk,
            DecisionRow.after,
        )
        .where(
            DecisionRow.target_pk.is_null(False) & (DecisionRow.action != Action.IMPORT.value)
            & DecisionRow.group.not_in(undone)
        )
        .order_by(DecisionRow.pk)
    )
    if reviewers is not None:
        base = base.where(DecisionRow.reviewer.in_(list(reviewers)))
    queries = [base] if document_pks is None else [
        base.where(DecisionRow.document_pk.in_(list(chunk))) for chunk in _chunks(list(document_pks))
    ]
    folded: dict[str, dict[tuple[TargetKind, int], dict[str, Any]]] = defaultdict(dict)
    where: dict[tuple[TargetKind, int], int] = {}
    for query in queries:
        for reviewer, kind, pk, document_pk, after in query.tuples().iterator():
            key = (TargetKind(kind), pk)
            state = folded[reviewer].setdefault(key, {"status": Status.PENDING.value, "fixed": {}})
            for name, value in orjson.loads(after).items():
                if name == "status":
                    state["status"] = value
                elif name not in ("flagged", "note", "dismissed"):
                    state["fixed"][name] = value
            where[key] = document_pk
    return {
        reviewer: {key: ReviewerState(_own_status(s), s["fixed"], where[key]) for key, s in states.items()}
        for reviewer, states in folded.items()
    }


def _own_status(state: Mapping[str, Any]) -> Status:
    status = Status(state["status"])
    return Status.ACCEPTED if status is Status.FIXED and not state["fixed"] else status


@dataclass(frozen=True)
class _Candidate:
    """A target's machine values, for folding a reviewer's decisions over them."""

    kind: TargetKind
    pk: int
    document_pk: int
    origin: str
    name: str
    values: Mapping[str, Any]


def _candidates(document_pks: Sequence[int]) -> list[_Candidate]:
    """Every entity, event and argument of the documents, with the machine's values."""
    found: list[_Candidate] = []
    for chunk in _chunks(list(document_pks)):
        ids = list(chunk)
        for pk, doc, origin, start, end, label in (
            EntityRow.select(EntityRow.pk, EntityRow.document, EntityRow.origin, EntityRow.start, EntityRow.end,
                             EntityRow.label).where(EntityRow.document.in_(ids)).tuples().iterator()
        ):
            found.append(_Candidate(TargetKind.ENTITY, pk, doc, origin, label, {"start": start, "end": end, "label": label}))
        for pk, doc, origin, key, type_, start, end in (
            EventRow.select(EventRow.pk, EventRow.document, EventRow.origin, EventRow.external_id, EventRow.type,
                            EventRow.trigger_start, EventRow.trigger_end).where(EventRow.document.in_(ids)).tuples().iterator()
        ):
            values = {"type": type_, "trigger_start": start, "trigger_end": end, "key": key}
            found.append(_Candidate(TargetKind.EVENT, pk, doc, origin, type_, values))
        for pk, doc, origin, key, role, start, end in (
            ArgumentRow.select(ArgumentRow.pk, EventRow.document, ArgumentRow.origin, EventRow.external_id,
                               ArgumentRow.role, ArgumentRow.start, ArgumentRow.end)
            .join(EventRow).where(EventRow.document.in_(ids)).tuples().iterator()
        ):
            values = {"role": role, "start": start, "end": end, "event_id": key}
            found.append(_Candidate(TargetKind.ARGUMENT, pk, doc, origin, role, values))
    return found


@dataclass(frozen=True)
class ReviewerWork:
    """What one reviewer made of one document: decisions on machine candidates, final annotation, and whether done.

    `decisions` maps (kind, pk) to (machine label, type or role; status). The final
    annotation is what the reviewer accepted, fixed (with the fixed values) or added.
    """

    decisions: Mapping[tuple[str, int], tuple[str, str]]
    entities: tuple[tuple[int, int, str], ...]
    events: tuple[tuple[str, int, int, tuple[tuple[str, int, int], ...]], ...]
    done: bool


def reviewer_work(
    document_pks: Sequence[int] | None = None, reviewers: Sequence[str] | None = None
) -> dict[str, dict[int, ReviewerWork]]:
    """Per reviewer, per document they decided anything in (among the given ones): their `ReviewerWork`.

    A document is done for a reviewer when they decided every machine candidate in it
    (an argument of an event they rejected counts as decided with it) and, in a document
    without candidates, confirmed every sentence.
    """
    states = reviewer_states(document_pks, reviewers)
    documents = sorted({s.document_pk for by_target in states.values() for s in by_target.values()})
    candidates = _candidates(documents)
    sentences = Counter(
        doc for (doc,) in SentenceRow.select(SentenceRow.document)
        .where(SentenceRow.document.in_(documents)).tuples().iterator()
    ) if documents else Counter()
    by_document: dict[int, list[_Candidate]] = defaultdict(list)
    for candidate in candidates:
        by_document[candidate.document_pk].append(candidate)
    return {
        reviewer: {
            doc: _work_of(by_document.get(doc, []), by_target, sentences[doc])
            for doc in sorted({s.document_pk for s in by_target.values()})
        }
        for reviewer, by_target in states.items()
    }


def _work_of(candidates: list[_Candidate], states: Mapping[tuple[TargetKind, int], ReviewerState], sentences: int) -> ReviewerWork:
    """One reviewer's work on one document, from the document's candidates and the reviewer's states."""

    def status(c: _Candidate) -> str | None:
        state = states.get((c.kind, c.pk))
        return state.status.value if state is not None else None

    def final(c: _Candidate) -> dict[str, Any]:
        state = states.get((c.kind, c.pk))
        return {**c.values, **(state.fixed if state is not None else {})}

    machine = [c for c in candidates if c.origin == Origin.MACHINE.value]
    decisions = {(c.kind.value, c.pk): (c.name, status(c) or Status.PENDING.value) for c in machine if status(c)}
    rejected_events = {c.values["key"] for c in candidates if c.kind is TargetKind.EVENT and status(c) == Status.REJECTED.value}
    undecided = [
        c for c in machine
        if status(c) not in _DECIDED and not (c.kind is TargetKind.ARGUMENT and c.values["event_id"] in rejected_events)
    ]
    confirmed_sentences = sum(
        1 for (kind, _), s in states.items() if kind is TargetKind.SENTENCE and s.status is Status.ACCEPTED
    )
    done = not undecided and (bool(machine) or confirmed_sentences >= sentences)
    kept = [c for c in candidates if status(c) in _CONFIRMED]
    entities = tuple(sorted(
        (v["start"], v["end"], v["label"]) for c in kept if c.kind is TargetKind.ENTITY for v in [final(c)]
    ))
    arguments: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for c in kept:
        if c.kind is TargetKind.ARGUMENT:
            v = final(c)
            arguments[v["event_id"]].append((v["role"], v["start"], v["end"]))
    events = tuple(sorted(
        (v["type"], v["trigger_start"], v["trigger_end"], tuple(sorted(arguments.get(v["key"], []))))
        for c in kept if c.kind is TargetKind.EVENT for v in [final(c)]
    ))
    return ReviewerWork(decisions, entities, events, done)


def documents_done(reviewer: str, document_pks: Sequence[int]) -> dict[int, bool]:
    """Whether each given document is done for the reviewer (see `reviewer_work`); untouched documents are not."""
    work = reviewer_work(document_pks, [reviewer]).get(reviewer, {})
    return {pk: pk in work and work[pk].done for pk in document_pks}


# ---------------------------------------------------------------- progress


@dataclass(frozen=True)
class ReviewerProgress:
    """One reviewer's progress: documents assigned, done and remaining; machine candidates they decided."""

    reviewer: str
    assigned: int
    done: int
    remaining: int
    decided: int

    def as_dict(self) -> dict[str, Any]:
        """The figures as plain values, for JSON."""
        return {"reviewer": self.reviewer, "assigned": self.assigned, "done": self.done,
                "remaining": self.remaining, "decided": self.decided}


def progress() -> list[ReviewerProgress]:
    """Every reviewer with an assignment or a decision in effect, by name.

    `decided` counts the machine candidates whose current state, from the reviewer's
    own decisions, is accepted, fixed or rejected, in any document.
    """
    given = assignments()
    work = reviewer_work()
    rows = []
    for reviewer in sorted(set(given) | set(work)):
        done_pks = {doc for doc, w in work.get(reviewer, {}).items() if w.done}
        assigned = given.get(reviewer, [])
        done = sum(1 for pk in assigned if pk in done_pks)
        decided = sum(
            1 for w in work.get(reviewer, {}).values() for _, status in w.decisions.values() if status in _DECIDED
        )
        rows.append(ReviewerProgress(reviewer, len(assigned), done, len(assigned) - done, decided))
    return rows
