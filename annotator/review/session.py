"""What the reviewer's keys decide, without any widget.

`ReviewSession` turns a reviewer's intent (accept, reject, confirm an empty sentence,
undo, accept many) into named repository operations, then moves on to the next work
without skipping any: first the pending rows of the same sentence, wrapping within it,
then the next sentence with work. Every deciding method takes the `Row` it decides,
captured when the key was pressed: a row names its target by kind and key, so a redraw
that moves the cursor in between cannot redirect the decision.

Restricted to an `Adjudication`, the keys decide in the shared lane the repository
works in, and a decision settles exactly the target it is on: accepting or rejecting a
disputed event leaves its arguments to the reviewers' agreement or their own dispute.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from annotator.domain import Action, Decision, Entity, TargetKind, is_decided
from annotator.review import bulk, checks
from annotator.review.adjudication import NO_DISPUTES_LEFT
from annotator.review.bulk import BulkPreview, Mention
from annotator.review.choices import AttributeChoice, LinkChoice, MoveTarget
from annotator.review.corrections import Corrections
from annotator.review.document import ALL, Row
from annotator.store import FlaggedItem

__all__ = [
    "NOTHING_LEFT", "AttributeChoice", "BulkPreview", "LinkChoice", "Mention", "MoveTarget", "Progress",
    "ReviewSession", "Row",
]

NOTHING_LEFT = "Nothing left to review."
CONFIRM_EMPTY = "Nothing is left in this sentence: confirm it holds nothing more, or add what the machine missed."


@dataclass(frozen=True)
class Progress:
    """How far the review is: machine candidates decided, and sentences seen (decided or confirmed)."""

    decided: int
    total: int
    seen_sentences: int
    total_sentences: int

    @property
    def is_done(self) -> bool:
        """True once every candidate is decided and every sentence seen: both, never one alone."""
        return self.decided >= self.total and self.seen_sentences >= self.total_sentences

    @property
    def fraction(self) -> float:
        """Share of the work done, counting candidates and sentences alike (1.0 for an empty store)."""
        work = self.total + self.total_sentences
        return 1.0 if not work else (self.decided + self.seen_sentences) / work


class ReviewSession(Corrections):
    """The reviewer's position in the store and the decisions made from it."""

    def progress(self) -> Progress:
        """Decided and total machine candidates, seen and total sentences (reads the store: keep off the UI thread).

        In adjudication: the disputes settled out of all, and no sentences.
        """
        if self.adjudication is not None:
            return Progress(self.adjudication.settled_count(), len(self.adjudication), 0, 0)
        seen, sentences = self.repository.sentence_progress()
        return Progress(self.repository.decided_count(), self.total_candidates, seen, sentences)

    # ------------------------------------------------------------------ deciding

    def decided_elsewhere(self, row: Row, since: float) -> Decision | None:
        """Another reviewer's latest decision on a row's target made after the time `since` (when it was shown), or None."""
        return self.repository.decided_after(row.kind, row.pk, since, other_than=self.reviewer)

    def accept(self, row: Row | None) -> bool:
        """Accept a row's target (on an event, its pending arguments too, as one undo step), then go to the next work."""
        if row is None:
            return False
        if row.kind is TargetKind.EVENT and self.adjudication is None:
            group = self.repository.accept_event(self.reviewer, row.pk)
        else:
            group = self.repository.accept(self.reviewer, row.kind, row.pk)
        self._after_decision(group)
        return True

    def reject(self, row: Row | None) -> bool:
        """Reject a row's target (on an event, its pending arguments too, as one undo step), then go to the next work."""
        if row is None:
            return False
        if row.kind is TargetKind.EVENT and self.adjudication is None:
            group = self.repository.reject_event(self.reviewer, row.pk)
        else:
            group = self.repository.reject(self.reviewer, row.kind, row.pk)
        self._after_decision(group)
        return True

    def confirm_sentence(self) -> bool:
        """Record that the current sentence holds nothing (more) to annotate (one undo step), then go to the next work."""
        document = self._loaded().document
        assert document.pk is not None
        if not document.sentences:
            return False
        self.repository.confirm_sentence(self.reviewer, document.pk, self.sentence_index)
        self.reload()
        if not self.next_pending():
            self.last_message = self.nothing_left
        return True

    def _after_decision(self, group: int | None = None) -> None:
        """Stay in the sentence while it has pending rows (wrapping) or is left empty and unconfirmed, else move on.

        With the decision's `group`, only what it changed is read again (see `refresh`).
        """
        if group is None:
            self.reload()
        else:
            self.refresh_group(group)
        if self.pending_in_sentence():
            return
        if self.row_filter == ALL and self.needs_confirmation:
            self.last_message = CONFIRM_EMPTY
            return
        if not self.next_pending():
            self.last_message = self.nothing_left

    @property
    def nothing_left(self) -> str:
        """What to say when no work is left: nothing to review, or no dispute to adjudicate."""
        return NOTHING_LEFT if self.adjudication is None else NO_DISPUTES_LEFT

    def undo(self) -> bool:
        """Undo the reviewer's last decision, put the cursor on what it changed and say what it was."""
        return self._show_group(self.repository.undo(self.reviewer), "Undid: ", "Nothing to undo.")

    def redo(self) -> bool:
        """Redo the last undone decision, put the cursor on what it changed and say what it was."""
        return self._show_group(self.repository.redo(self.reviewer), "Redid: ", "Nothing to redo.")

    def _show_group(self, group: int | None, done: str, nothing: str) -> bool:
        if group is None:
            self.last_message = nothing
            return False
        targets = self.repository.group_targets(group)
        self.refresh(targets)
        if targets:
            self.jump_to_target(*targets[0])
        self.last_message = done + self.repository.describe_group(group)
        return True

    # ------------------------------------------------------------------ flags, notes and warnings

    def toggle_flag(self, row: Row | None) -> bool:
        """Flag a row's target for a second look, or clear its flag."""
        if row is None or not self._holds(row):
            return False
        self.refresh_group(self.repository.set_flag(self.reviewer, row.kind, row.pk, not self.review_of(row).flagged))
        return True

    def set_note(self, row: Row | None, note: str) -> bool:
        """Attach a free-text note to a row's target."""
        if row is None:
            return False
        self.refresh_group(self.repository.set_note(self.reviewer, row.kind, row.pk, note))
        return True

    def warnings(self, row: Row) -> list[str]:
        """The warnings a row shows: schema problems, a label given elsewhere, a shared trigger; dismissed ones left out."""
        view = self._loaded()
        shared = self.trigger_warning(row.pk) if row.kind is TargetKind.EVENT else None
        found = checks.row_warnings(view, row, self.schema) + ([shared] if shared else [])
        dismissed = view.review_of(row).dismissed
        return [text for text in found if text not in dismissed]

    def dismiss_warning(self, row: Row | None, text: str) -> bool:
        """Record that the reviewer knows better than a row's warning (logged, exported as a flag); it is no longer shown."""
        if row is None or not self._holds(row) or text in self.review_of(row).dismissed:
            return False
        self.refresh_group(self.repository.dismiss_warning(self.reviewer, row.kind, row.pk, text))
        return True

    def flags(self) -> list[FlaggedItem]:
        """Every flagged or noted candidate of the store, for the flags screen."""
        return self.repository.flagged_items()

    def jump_to_item(self, item: FlaggedItem) -> bool:
        """Go to a flagged or noted item, in whatever document it is."""
        return self.jump_to_target(item.document_pk, item.kind, item.pk)

    # ------------------------------------------------------------------ bulk, previewed mention by mention

    def preview_rest_of_sentence(self) -> BulkPreview:
        """The pending rows of the current sentence (in adjudication: the open disputes), in context: what "accept the rest" would accept."""
        rows = [row for row in self.rows if self.is_open(row)]
        return bulk.rows_preview(
            self._loaded(), rows, f"accept {len(rows)} pending candidates of this sentence", Action.BULK_ACCEPT_SENTENCE,
        )

    def preview_label(self, row: Row | None, whole_corpus: bool) -> BulkPreview | None:
        """For an entity row: every pending entity with its label, in this document or the corpus, in context."""
        entity = self._entity_of(row)
        if entity is None:
            return None
        label = entity.final("label")
        pks = self.repository.pending_entities(label=label, document_pk=self._scope(whole_corpus))
        where = "the whole corpus" if whole_corpus else "this document"
        return bulk.entities_preview(
            self.repository, self._loaded(), pks, f"accept {len(pks)} pending {label} in {where}", Action.BULK_ACCEPT_LABEL,
        )

    def preview_score(self, row: Row | None, whole_corpus: bool) -> BulkPreview | None:
        """For a scored entity row: every pending entity scoring at least as much, in this document or the corpus."""
        entity = self._entity_of(row)
        if entity is None or entity.score is None:
            return None
        pks = self.repository.pending_entities(document_pk=self._scope(whole_corpus), min_score=entity.score)
        where = "the whole corpus" if whole_corpus else "this document"
        return bulk.entities_preview(
            self.repository, self._loaded(), pks, f"accept {len(pks)} pending entities scoring ≥ {entity.score:.2f} in {where}",
            Action.BULK_ACCEPT_SCORE,
        )

    def preview_identical(self, row: Row | None) -> BulkPreview | None:
        """For a decided entity row: its pending identical mentions and what they would get ("accept", "ORG→GPE")."""
        entity = self._entity_of(row)
        if entity is None or entity.pk is None or not is_decided(entity.review.status):
            return None
        pks = self.repository.identical_mentions(entity.pk)
        words = self._loaded().document.text[entity.start : entity.end]
        applies = bulk.identical_description(entity)
        return bulk.entities_preview(
            self.repository, self._loaded(), pks, f"{applies}: {len(pks)} other mentions of «{words}»",
            Action.APPLY_TO_IDENTICAL, source_pk=entity.pk,
        )

    def apply_preview(self, preview: BulkPreview, exceptions: Iterable[Row] = ()) -> int:
        """Apply a preview to its candidates minus the unticked `exceptions`, as one undo step; return how many."""
        rows = preview.without(exceptions)
        if not rows:
            return 0
        if preview.source_pk is not None:
            count = self.repository.apply_to_identical(self.reviewer, preview.source_pk, only=[row.pk for row in rows])
        else:
            self.repository.accept_many(self.reviewer, [(row.kind, row.pk) for row in rows], preview.action)
            count = len(rows)
        self._after_decision()
        return count

    def accept_rows(self, rows: Iterable[Row], action: Action | str = Action.BULK_ACCEPT) -> int:
        """Accept exactly these rows' targets as one decision group (one undo step); return how many."""
        targets = [(row.kind, row.pk) for row in rows]
        if not targets:
            return 0
        self.repository.accept_many(self.reviewer, targets, Action(action))
        self._after_decision()
        return len(targets)

    def _scope(self, whole_corpus: bool) -> int | None:
        return None if whole_corpus else self._loaded().document.pk

    def _entity_of(self, row: Row | None) -> Entity | None:
        if row is None or row.kind is not TargetKind.ENTITY or not self._holds(row):
            return None
        return self.entity(row.pk)
