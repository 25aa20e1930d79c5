"""What the reviewer's keys decide, without any widget.

`ReviewSession` turns a reviewer's intent (accept, reject, fix, undo, accept many)
into named repository operations, then moves on from where the reviewer is. Every
deciding method takes the `Row` it decides, captured when the key was pressed: a row
names its target by kind and key, so a redraw that moves the cursor in between
cannot redirect the decision.
"""

from __future__ import annotations

from collections.abc import Iterable

from annotator.domain import Action, Entity, TargetKind, is_decided
from annotator.review import requests
from annotator.review.document import Row
from annotator.review.editing import EditRequest, EditResult
from annotator.review.position import ReviewPosition
from annotator.schema import Schema

__all__ = ["NOTHING_LEFT", "ReviewSession", "Row"]

NOTHING_LEFT = "Nothing left to review."


class ReviewSession(ReviewPosition):
    """The reviewer's position in the store and the decisions made from it."""

    def progress(self) -> tuple[int, int]:
        """Decided and total machine candidates."""
        return self.repository.decided_count(), self.total_candidates

    # ------------------------------------------------------------------ deciding

    def accept(self, row: Row | None) -> bool:
        """Accept a row's target (on an event, its pending arguments too, as one undo step), then go to the next pending row."""
        if row is None:
            return False
        if row.kind is TargetKind.EVENT:
            self.repository.accept_event(self.reviewer, row.pk)
        else:
            self.repository.accept(self.reviewer, row.kind, row.pk)
        self._after_decision()
        return True

    def reject(self, row: Row | None) -> bool:
        """Reject a row's target, then go to the next pending row."""
        if row is None:
            return False
        if row.kind is TargetKind.EVENT:
            self.repository.reject_event(self.reviewer, row.pk)
        else:
            self.repository.reject(self.reviewer, row.kind, row.pk)
        self._after_decision()
        return True

    def _after_decision(self) -> None:
        self.reload()
        if not self.next_pending():
            self.last_message = NOTHING_LEFT

    def undo(self) -> bool:
        """Undo the reviewer's last decision and put the cursor on what it changed."""
        return self._show_group(self.repository.undo(self.reviewer), "Nothing to undo.")

    def redo(self) -> bool:
        """Redo the last undone decision and put the cursor on what it changed."""
        return self._show_group(self.repository.redo(self.reviewer), "Nothing to redo.")

    def _show_group(self, group: int | None, nothing: str) -> bool:
        if group is None:
            self.last_message = nothing
            return False
        targets = self.repository.group_targets(group)
        self.reload()
        if targets:
            document_pk, kind, pk = targets[0]
            if self._loaded().document.pk != document_pk:
                self.open_document(self._positions.get(document_pk, 0))
            self._show_target(kind, pk)
        return True

    def toggle_flag(self, row: Row | None) -> bool:
        """Flag a row's target for a second look, or clear its flag."""
        if row is None or not self._holds(row):
            return False
        self.repository.set_flag(self.reviewer, row.kind, row.pk, not self.review_of(row).flagged)
        self.reload()
        return True

    def set_note(self, row: Row | None, note: str) -> bool:
        """Attach a free-text note to a row's target."""
        if row is None:
            return False
        self.repository.set_note(self.reviewer, row.kind, row.pk, note)
        self.reload()
        return True

    # ------------------------------------------------------------------ fixing and adding

    def label_choices(self, schema: Schema) -> list[str]:
        """Entity labels, the ones this document uses most first, then the rest of the schema's."""
        return requests.label_choices(self._loaded(), schema)

    def type_choices(self, schema: Schema, current: str) -> list[str]:
        """Event types: the current one, then the others of its category, then the rest."""
        return requests.type_choices(schema, current)

    def fix_request(self, row: Row | None, schema: Schema) -> EditRequest | None:
        """The modal request to fix a row's target; None when there is no such row."""
        if row is None or not self._holds(row):
            return None
        return requests.fix_request(self._loaded(), row, schema)

    def apply_fix(self, row: Row, result: EditResult) -> bool:
        """Record the reviewer's correction of a row's target; the machine's values stay beside it."""
        if not self._holds(row):
            return False
        changes = requests.fix_changes(self._loaded(), row, result)
        if not changes:
            self.last_message = "Nothing changed."
            return False
        self.repository.fix(self.reviewer, row.kind, row.pk, **changes)
        self.reload()
        self.select(row.kind, row.pk)
        return True

    def add_entity_request(self, schema: Schema) -> EditRequest | None:
        """The modal request to add an entity in the current sentence; None when the document has none."""
        if self.view is None or not self.view.document.sentences:
            return None
        return requests.add_entity_request(self.view, self.sentence_index, schema)

    def add_entity(self, start: int, end: int, label: str) -> int:
        """Add an entity the machine missed and put the cursor on it; return its key."""
        document = self._loaded().document
        assert document.pk is not None
        pk = self.repository.add_entity(self.reviewer, document.pk, start, end, label)
        self.reload()
        self.select(TargetKind.ENTITY, pk)
        return pk

    def add_event_request(self, schema: Schema) -> EditRequest | None:
        """The modal request to add an event in the current sentence; None when the document has none."""
        if self.view is None or not self.view.document.sentences:
            return None
        return requests.add_event_request(self.view, self.sentence_index, schema)

    def add_event(self, start: int, end: int, event_type: str) -> int:
        """Add an event the machine missed and put the cursor on it; return its key."""
        document = self._loaded().document
        assert document.pk is not None
        pk = self.repository.add_event(self.reviewer, document.pk, event_type, start, end)
        self.reload()
        self.select(TargetKind.EVENT, pk)
        return pk

    def add_argument_requests(self, event_pk: int, schema: Schema) -> tuple[EditRequest, EditRequest]:
        """The two steps of adding an argument to an event: its role (digit), then its entity (letter)."""
        return requests.add_argument_requests(self._loaded(), event_pk, schema)

    def add_argument(self, event_pk: int, role: str, letter: str) -> int:
        """Add an argument filled by the entity a hint letter picks in the event's sentence; return its key."""
        view = self._loaded()
        sentence = view.sentence_of_target(TargetKind.EVENT, event_pk) or 0
        entity = requests.entity_for_letter(view, sentence, letter)
        pk = self.repository.add_argument(self.reviewer, event_pk, role, entity_pk=entity.pk)
        self.reload()
        self.select(TargetKind.ARGUMENT, pk)
        return pk

    # ------------------------------------------------------------------ bulk

    def bulk_sentence_preview(self) -> list[Row]:
        """The pending rows of the current sentence: what "accept the rest" would accept."""
        return [row for row in self.rows if row.is_pending]

    def accept_rows(self, rows: Iterable[Row], action: Action | str = Action.BULK_ACCEPT) -> int:
        """Accept exactly these rows' targets as one decision group (one undo step); return how many."""
        targets = [(row.kind, row.pk) for row in rows]
        if not targets:
            return 0
        self.repository.accept_many(self.reviewer, targets, Action(action))
        self._after_decision()
        return len(targets)

    def bulk_label_preview(self, row: Row | None) -> tuple[str, int, int] | None:
        """For an entity row: its label, and how many pending entities have it in this document and in the corpus."""
        entity = self._entity_of(row)
        if entity is None:
            return None
        document_pk = self._loaded().document.pk
        return (
            entity.label,
            len(self.repository.pending_entities(label=entity.label, document_pk=document_pk)),
            len(self.repository.pending_entities(label=entity.label)),
        )

    def bulk_score_preview(self, row: Row | None) -> tuple[float, int, int] | None:
        """For a scored entity row: its score, and how many pending entities score at least that here and in the corpus."""
        entity = self._entity_of(row)
        if entity is None or entity.score is None:
            return None
        document_pk = self._loaded().document.pk
        return (
            entity.score,
            len(self.repository.pending_entities(document_pk=document_pk, min_score=entity.score)),
            len(self.repository.pending_entities(min_score=entity.score)),
        )

    def accept_label(self, label: str, whole_corpus: bool) -> int:
        """Accept every pending entity with this machine label, in the document or the corpus (one undo step)."""
        document_pk = None if whole_corpus else self._loaded().document.pk
        pks = self.repository.pending_entities(label=label, document_pk=document_pk)
        return self._accept_entities(pks, Action.BULK_ACCEPT_LABEL)

    def accept_above_score(self, score: float, whole_corpus: bool) -> int:
        """Accept every pending entity scoring at least `score`, in the document or the corpus (one undo step)."""
        document_pk = None if whole_corpus else self._loaded().document.pk
        pks = self.repository.pending_entities(document_pk=document_pk, min_score=score)
        return self._accept_entities(pks, Action.BULK_ACCEPT_SCORE)

    def _accept_entities(self, pks: list[int], action: Action) -> int:
        if not pks:
            return 0
        self.repository.accept_many(self.reviewer, [(TargetKind.ENTITY, pk) for pk in pks], action)
        self._after_decision()
        return len(pks)

    def identical_mentions(self, row: Row | None) -> tuple[str, list[int]] | None:
        """For a decided entity row: its text and the pending mentions of it with the same label; else None."""
        entity = self._entity_of(row)
        if entity is None or not is_decided(entity.review.status):
            return None
        assert entity.pk is not None
        words = self._loaded().document.text[entity.start : entity.end]
        return words, self.repository.identical_mentions(entity.pk)

    def apply_to_identical(self, row: Row | None) -> int:
        """Give the pending mentions identical to a decided entity row its decision (one undo step); return how many."""
        if self.identical_mentions(row) is None:
            return 0
        assert row is not None
        count = self.repository.apply_to_identical(self.reviewer, row.pk)
        if count:
            self._after_decision()
        return count

    def _entity_of(self, row: Row | None) -> Entity | None:
        if row is None or row.kind is not TargetKind.ENTITY or not self._holds(row):
            return None
        return self.entity(row.pk)
