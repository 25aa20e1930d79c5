"""Where the reviewer is and what the keys do, without any widget.

A `ReviewSession` holds the current document (loaded from the repository one at a
time, never the whole corpus), the current sentence and the cursor over that
sentence's candidate rows, and turns a reviewer's intent (accept, reject, undo,
move on) into repository calls. The screen only renders it.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.domain import Argument, Document, Entity, Event, Status, TargetKind
from annotator.store import Repository

HIDDEN = (Status.WITHDRAWN,)


@dataclass(frozen=True)
class Row:
    """One line of the candidate list: an entity, an event, or one argument of an event."""

    kind: TargetKind
    pk: int
    status: Status
    event_pk: int | None = None

    @property
    def is_pending(self) -> bool:
        return self.status is Status.PENDING


def sentence_of(document: Document, offset: int) -> int:
    """Index of the sentence holding a character offset (the last one starting at or before it)."""
    index = 0
    for sentence in document.sentences:
        if sentence.start <= offset:
            index = sentence.index
        else:
            break
    return index


class ReviewSession:
    """The reviewer's position in the store and the decisions made from it."""

    def __init__(self, repository: Repository, reviewer: str):
        self.repository = repository
        self.reviewer = reviewer
        self.summaries = repository.document_summaries()
        self.document_index = 0
        self.document: Document | None = None
        self.sentence_index = 0
        self.cursor = 0
        self.rows: list[Row] = []
        self.last_message = ""

    # ------------------------------------------------------------------ loading

    @property
    def document_count(self) -> int:
        return len(self.summaries)

    def open_document(self, index: int, sentence: int = 0) -> None:
        """Load one document from the store and put the cursor on its first row of `sentence`."""
        self.document_index = max(0, min(index, self.document_count - 1))
        self.document = self.repository.load_document(pk=self.summaries[self.document_index].pk)
        self.sentence_index = max(0, min(sentence, len(self.document.sentences) - 1))
        self.cursor = 0
        self._rebuild_rows()

    def reload(self) -> None:
        """Re-read the current document after a decision, keeping the position."""
        assert self.document is not None
        cursor = self.cursor
        self.document = self.repository.load_document(pk=self.document.pk)
        self._rebuild_rows()
        self.cursor = min(cursor, max(len(self.rows) - 1, 0))

    def resume(self) -> None:
        """Open where the reviewer stopped: the first pending row after their last decision."""
        if not self.document_count:
            return
        last = self.repository.last_decided_target(self.reviewer)
        if last is None:
            self.open_document(0)
            if self.current_row is None or not self.current_row.is_pending:
                self.next_pending()
            return
        document_pk, kind, pk = last
        index = next((i for i, s in enumerate(self.summaries) if s.pk == document_pk), 0)
        self.open_document(index)
        self.focus_target(kind, pk)
        self.next_pending()

    def _rebuild_rows(self) -> None:
        self.rows = self.rows_of_sentence(self.sentence_index)

    def rows_of_sentence(self, index: int) -> list[Row]:
        """The candidate rows of one sentence: entities by position, then each event and its arguments."""
        document = self.document
        if document is None or not document.sentences:
            return []
        sentence = document.sentences[index]
        rows: list[Row] = []
        for entity in document.entities:
            if entity.review.status in HIDDEN:
                continue
            if sentence.start <= entity.final("start") < sentence.end:
                rows.append(Row(TargetKind.ENTITY, entity.pk, entity.review.status))
        for event in document.events:
            if event.review.status in HIDDEN or not sentence.start <= event.final("trigger_start") < sentence.end:
                continue
            rows.append(Row(TargetKind.EVENT, event.pk, event.review.status))
            for argument in event.arguments:
                if argument.review.status not in HIDDEN:
                    rows.append(Row(TargetKind.ARGUMENT, argument.pk, argument.review.status, event.pk))
        return rows

    # ------------------------------------------------------------------ lookups

    @property
    def current_row(self) -> Row | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def entity(self, pk: int) -> Entity:
        assert self.document is not None
        return next(e for e in self.document.entities if e.pk == pk)

    def event(self, pk: int) -> Event:
        assert self.document is not None
        return next(e for e in self.document.events if e.pk == pk)

    def argument(self, event_pk: int, pk: int) -> Argument:
        return next(a for a in self.event(event_pk).arguments if a.pk == pk)

    def entity_by_id(self, entity_id: str) -> Entity | None:
        assert self.document is not None
        return next((e for e in self.document.entities if e.id == entity_id), None)

    def progress(self) -> tuple[int, int]:
        """Decided and total machine candidates in the store."""
        self.summaries = self.repository.document_summaries()
        return sum(s.decided for s in self.summaries), sum(s.candidates for s in self.summaries)

    # ------------------------------------------------------------------ moving

    def move(self, step: int) -> None:
        """Move the cursor within the sentence's rows."""
        if self.rows:
            self.cursor = max(0, min(self.cursor + step, len(self.rows) - 1))

    def goto_sentence(self, index: int) -> bool:
        """Go to a sentence of the current document; False when there is none."""
        assert self.document is not None
        if not 0 <= index < len(self.document.sentences):
            return False
        self.sentence_index = index
        self.cursor = 0
        self._rebuild_rows()
        return True

    def next_sentence(self, step: int = 1) -> None:
        """Next (or previous) sentence, crossing into the next (or previous) document."""
        if self.goto_sentence(self.sentence_index + step):
            return
        target = self.document_index + step
        if 0 <= target < self.document_count:
            self.open_document(target)
            if step < 0:
                self.goto_sentence(len(self.document.sentences) - 1)

    def focus_target(self, kind: TargetKind, pk: int) -> bool:
        """Put the cursor on a target of the current document; False when it is not there."""
        assert self.document is not None
        if kind is TargetKind.ENTITY:
            offset = next((e.final("start") for e in self.document.entities if e.pk == pk), None)
        elif kind is TargetKind.EVENT:
            offset = next((e.final("trigger_start") for e in self.document.events if e.pk == pk), None)
        else:
            offset = next(
                (e.final("trigger_start") for e in self.document.events for a in e.arguments if a.pk == pk), None
            )
        if offset is None:
            return False
        self.goto_sentence(sentence_of(self.document, offset))
        for index, row in enumerate(self.rows):
            if row.kind is kind and row.pk == pk:
                self.cursor = index
                return True
        return False

    def next_pending(self) -> bool:
        """Move to the next pending row after the cursor, anywhere in the store; False when none is left."""
        assert self.document is not None
        for index in range(self.cursor + 1, len(self.rows)):
            if self.rows[index].is_pending:
                self.cursor = index
                return True
        for sentence in range(self.sentence_index + 1, len(self.document.sentences)):
            rows = self.rows_of_sentence(sentence)
            if any(r.is_pending for r in rows):
                self.goto_sentence(sentence)
                self.cursor = next(i for i, r in enumerate(rows) if r.is_pending)
                return True
        for document_index in range(self.document_index + 1, self.document_count):
            summary = self.summaries[document_index]
            if summary.decided >= summary.candidates and summary.candidates:
                continue
            self.open_document(document_index)
            if self.current_row is not None and self.current_row.is_pending:
                return True
            if self.next_pending():
                return True
        return False

    # ------------------------------------------------------------------ deciding

    def accept(self) -> None:
        """Accept the row under the cursor; on an event, its pending arguments too (one undo step)."""
        row = self.current_row
        if row is None:
            return
        if row.kind is TargetKind.EVENT:
            event = self.event(row.pk)
            changes = [(TargetKind.EVENT, row.pk, {"status": Status.FIXED.value if event.review.fixed else Status.ACCEPTED.value})]
            changes += [
                (TargetKind.ARGUMENT, a.pk, {"status": Status.ACCEPTED.value})
                for a in event.arguments
                if a.review.status is Status.PENDING
            ]
            self.repository.record(self.reviewer, "accept", changes)
        else:
            self.repository.accept(self.reviewer, row.kind, row.pk)
        self._after_decision()

    def reject(self) -> None:
        """Reject the row under the cursor."""
        row = self.current_row
        if row is None:
            return
        self.repository.reject(self.reviewer, row.kind, row.pk)
        self._after_decision()

    def _after_decision(self) -> None:
        self.reload()
        if not self.next_pending():
            self.last_message = "Nothing left to review."

    def undo(self) -> bool:
        """Undo the reviewer's last decision and put the cursor on what it changed."""
        group = self.repository.undo(self.reviewer)
        return self._show_group(group, "Nothing to undo.")

    def redo(self) -> bool:
        """Redo the last undone decision."""
        group = self.repository.redo(self.reviewer)
        return self._show_group(group, "Nothing to redo.")

    def _show_group(self, group: int | None, nothing: str) -> bool:
        if group is None:
            self.last_message = nothing
            return False
        targets = self.repository.group_targets(group)
        self.reload()
        if targets:
            document_pk, kind, pk = targets[0]
            if self.document is None or self.document.pk != document_pk:
                index = next((i for i, s in enumerate(self.summaries) if s.pk == document_pk), 0)
                self.open_document(index)
            self.focus_target(kind, pk)
        return True
