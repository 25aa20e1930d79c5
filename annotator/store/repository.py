"""The repository: the only door through which the rest of annotator reads or writes the store.

It takes and returns domain objects, and delegates each operation to the module of
its aggregate: `importer`, `documents`, `decisions`, `log`, `queries` and `stats`.
Every decision is one transaction, committed before the method returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from annotator.domain import Action, Decision, Document, TargetKind
from annotator.store import decisions, documents, importer, log, queries, stats
from annotator.store.importer import ImportResult
from annotator.store.models import database
from annotator.store.queries import DocumentSummary


class Repository:
    """Reads and writes documents, candidates and decisions in the database bound by `annotator.store.connect`."""

    def __init__(self) -> None:
        if database.obj is None:
            raise RuntimeError("the store is not connected; call annotator.store.connect() first")

    # ------------------------------------------------------------------ import

    def import_documents(self, documents: Sequence[Document], reviewer: str = "import") -> ImportResult:
        """Store new documents with their candidates in one transaction; see `importer.import_documents`."""
        return importer.import_documents(documents, reviewer)

    def existing_hashes(self, document_ids: Iterable[str]) -> dict[str, str]:
        """Text hashes of the given document ids that are already stored."""
        return importer.existing_hashes(document_ids)

    # ------------------------------------------------------------------ documents

    def document_pks(self) -> list[int]:
        """The pks of all documents, in import order."""
        return documents.document_pks()

    def document_pk(self, document_id: str) -> int | None:
        """The pk of the document with this id, or None."""
        return documents.document_pk(document_id)

    def load_document(self, document_id: str | None = None, pk: int | None = None) -> Document:
        """One document, by id or by pk, with its sentences, candidates and review states."""
        return documents.load_document(document_id, pk)

    def iter_documents(self, document_ids: Sequence[str] | None = None, with_tokens: bool = True) -> Iterator[Document]:
        """Documents in import order (all, or those with the given ids), loaded a batch at a time."""
        return documents.iter_documents(document_ids, with_tokens)

    # ------------------------------------------------------------------ decisions

    def accept(self, reviewer: str, kind: TargetKind, pk: int) -> int:
        """Accept a candidate (an item already fixed stays fixed); return the decision group."""
        return decisions.accept(reviewer, kind, pk)

    def accept_event(self, reviewer: str, event_pk: int) -> int:
        """Accept an event and its pending arguments as one decision group (one undo step)."""
        return decisions.accept_event(reviewer, event_pk)

    def reject(self, reviewer: str, kind: TargetKind, pk: int) -> int:
        """Reject a candidate; return the decision group."""
        return decisions.reject(reviewer, kind, pk)

    def reject_event(self, reviewer: str, event_pk: int) -> int:
        """Reject an event (its arguments keep their own states); return the decision group."""
        return decisions.reject_event(reviewer, event_pk)

    def accept_many(self, reviewer: str, targets: Sequence[tuple[TargetKind, int]], action: Action) -> int:
        """Accept many candidates as one decision group; `action` names the bulk operation."""
        return decisions.accept_many(reviewer, targets, action)

    def identical_mentions(self, entity_pk: int) -> list[int]:
        """Pks of the other pending machine entities of the entity's document with its machine text and label."""
        return queries.identical_mentions(entity_pk)

    def apply_to_identical(self, reviewer: str, entity_pk: int) -> int:
        """Give the entity's identical pending mentions its decision (a boundary fix excepted); return how many."""
        return decisions.apply_to_identical(reviewer, entity_pk)

    def fix(self, reviewer: str, kind: TargetKind, pk: int, **values: Any) -> int:
        """Correct some of a candidate's values; the machine's values stay as they were."""
        return decisions.fix(reviewer, kind, pk, **values)

    def set_flag(self, reviewer: str, kind: TargetKind, pk: int, flagged: bool) -> int:
        """Flag or unflag a candidate for a second look."""
        return decisions.set_flag(reviewer, kind, pk, flagged)

    def set_note(self, reviewer: str, kind: TargetKind, pk: int, note: str) -> int:
        """Attach a free-text note to a candidate."""
        return decisions.set_note(reviewer, kind, pk, note)

    def add_entity(self, reviewer: str, document_pk: int, start: int, end: int, label: str) -> int:
        """Add an entity the machine missed; return its pk."""
        return decisions.add_entity(reviewer, document_pk, start, end, label)

    def add_event(self, reviewer: str, document_pk: int, type_: str, trigger_start: int, trigger_end: int) -> int:
        """Add an event the machine missed; return its pk."""
        return decisions.add_event(reviewer, document_pk, type_, trigger_start, trigger_end)

    def add_argument(
        self, reviewer: str, event_pk: int, role: str, entity_pk: int | None = None,
        start: int | None = None, end: int | None = None,
    ) -> int:
        """Add an argument to an event: a role and an entity (or a bare span); return its pk."""
        return decisions.add_argument(reviewer, event_pk, role, entity_pk, start, end)

    # ------------------------------------------------------------------ the log: undo and redo

    def undo(self, reviewer: str) -> int | None:
        """Undo the reviewer's most recent decision group; return it, or None when nothing is left."""
        return log.undo(reviewer)

    def redo(self, reviewer: str) -> int | None:
        """Redo the reviewer's most recently undone group; return it, or None."""
        return log.redo(reviewer)

    def undo_stacks(self, reviewer: str) -> tuple[list[int], list[int]]:
        """The reviewer's groups that can be undone and redone, most recent last."""
        return log.undo_stacks(reviewer)

    def group_targets(self, group: int) -> list[tuple[int, TargetKind, int]]:
        """(document pk, kind, target pk) of every target a decision group touched, in order."""
        return log.group_targets(group)

    def last_decided_target(self, reviewer: str) -> tuple[int, TargetKind, int] | None:
        """(document pk, kind, target pk) of the reviewer's latest decision still in effect, or None."""
        return log.last_decided_target(reviewer)

    def decisions(self, reviewer: str | None = None) -> list[Decision]:
        """The decision log in order, all of it or one reviewer's."""
        return log.decisions(reviewer)

    def review_states(self) -> dict[tuple[str, int], tuple[Any, ...]]:
        """Every stored review state as (status, fixed, flagged, note), keyed by (kind, target pk)."""
        return log.review_states()

    def rebuild_derived_state(self) -> None:
        """Recompute the undone groups and every review state from the decision log alone."""
        log.rebuild_derived_state()

    # ------------------------------------------------------------------ navigation and progress

    def pending_entities(
        self, label: str | None = None, document_pk: int | None = None, min_score: float | None = None,
        text: str | None = None,
    ) -> list[int]:
        """Pks of pending machine entities, by machine label, document, minimum score or exact text."""
        return queries.pending_entities(label, document_pk, min_score, text)

    def find_text(self, needle: str, after_document_pk: int) -> int | None:
        """The pk of the first document after the given one whose text contains `needle` (ignoring case), or None."""
        return queries.find_text(needle, after_document_pk)

    def next_document_with_pending(self, after_document_pk: int) -> int | None:
        """The pk of the first document after the given one that still has a pending candidate, or None."""
        return queries.next_document_with_pending(after_document_pk)

    def decided_count(self) -> int:
        """How many machine candidates are decided (see `domain.is_decided`)."""
        return queries.decided_count()

    def candidate_count(self) -> int:
        """How many machine candidates the store holds."""
        return queries.candidate_count()

    def document_summaries(self) -> list[DocumentSummary]:
        """Every document with its number of machine candidates and how many are decided, in import order."""
        return queries.document_summaries()

    # ------------------------------------------------------------------ statistics

    def review_figures(self) -> dict[str, Any]:
        """Per label, type and role: decisions and acceptance rates; per reviewer: throughput."""
        return stats.review_figures()

    def status_counts(self) -> dict[str, Any]:
        """Candidate counts per status: per document, label, event type and role, and in all."""
        return stats.status_counts()
