"""Where the reviewer is in the store, and how they move, without any widget.

`ReviewPosition` holds the current document (loaded from the repository one at a
time, never the whole corpus), the current sentence and the cursor over that
sentence's candidate rows. Moving never writes to the store; `ReviewSession` adds the
decisions on top.
"""

from __future__ import annotations

from annotator.domain import Argument, Document, Entity, Event, Review, Sentence, TargetKind
from annotator.review.document import ALL, DocumentView, Row
from annotator.store import Repository


class ReviewPosition:
    """The reviewer's place: document, sentence and cursor, and the moves between candidates."""

    def __init__(self, repository: Repository, reviewer: str):
        self.repository = repository
        self.reviewer = reviewer
        self.document_pks = repository.document_pks()
        """Every document's key, in review order."""
        self._positions = {pk: index for index, pk in enumerate(self.document_pks)}
        self.total_candidates = repository.candidate_count()
        self.document_index = 0
        """Position of the current document in `document_pks`."""
        self.view: DocumentView | None = None
        """The current document indexed by sentence; None until one is opened."""
        self.sentence_index = 0
        self.cursor = 0
        """Index into `rows` of the current row."""
        self.rows: list[Row] = []
        """The rows of the current sentence that the filter keeps."""
        self.last_message = ""
        """A line for the status bar when an intent found nothing to do; the screen clears it once shown."""
        self.row_filter: str = ALL
        """What the candidate list shows: all, status: S, flagged, label: L, type: T or score ≥ X."""

    # ------------------------------------------------------------------ the loaded document

    @property
    def document_count(self) -> int:
        """How many documents the store holds."""
        return len(self.document_pks)

    @property
    def document(self) -> Document | None:
        """The current document, or None before one is opened."""
        return None if self.view is None else self.view.document

    @property
    def sentence(self) -> Sentence:
        """The current sentence."""
        return self._loaded().document.sentences[self.sentence_index]

    @property
    def entities_in(self) -> dict[int, list[Entity]]:
        """The current document's entities by sentence index."""
        return self._loaded().entities_in

    @property
    def events_in(self) -> dict[int, list[Event]]:
        """The current document's events by sentence index."""
        return self._loaded().events_in

    @property
    def labels_of_words(self) -> dict[str, set[str]]:
        """Every label the current document gives a piece of text."""
        return self._loaded().labels_of_words

    @property
    def current_row(self) -> Row | None:
        """The row under the cursor, or None when the sentence lists none."""
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def entity(self, pk: int) -> Entity:
        """An entity of the current document by key."""
        return self._loaded().entity(pk)

    def event(self, pk: int) -> Event:
        """An event of the current document by key."""
        return self._loaded().event(pk)

    def argument(self, event_pk: int, pk: int) -> Argument:
        """An argument of an event of the current document by key."""
        return self._loaded().argument(event_pk, pk)

    def entity_by_id(self, entity_id: str) -> Entity | None:
        """An entity of the current document by its id in the source file, or None."""
        return self._loaded().entity_by_id(entity_id)

    def review_of(self, row: Row) -> Review:
        """The current review state of a row's target (not the status it was drawn with)."""
        return self._loaded().review_of(row)

    def _loaded(self) -> DocumentView:
        if self.view is None:
            raise LookupError("no document is open; call open_document or resume first")
        return self.view

    def _holds(self, row: Row) -> bool:
        return self.view is not None and self.view.sentence_of_target(row.kind, row.pk) is not None

    # ------------------------------------------------------------------ loading

    def open_document(self, index: int, sentence: int = 0) -> None:
        """Load one document from the store and put the cursor on the first row of `sentence`."""
        self.document_index = max(0, min(index, self.document_count - 1))
        self.view = DocumentView(self.repository.load_document(pk=self.document_pks[self.document_index]))
        self.sentence_index = max(0, min(sentence, len(self.view.document.sentences) - 1))
        self.cursor = 0
        self._rebuild_rows()

    def reload(self) -> None:
        """Re-read the current document after a change, keeping the cursor on the same target while it is listed."""
        document = self._loaded().document
        assert document.pk is not None
        current, cursor = self.current_row, self.cursor
        self.view = DocumentView(self.repository.load_document(pk=document.pk))
        self._rebuild_rows()
        if current is not None and current in self.rows:
            self.cursor = self.rows.index(current)
        else:
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
        self.open_document(self._positions.get(document_pk, 0))
        self._show_target(kind, pk)
        self.next_pending()

    def rows_of_sentence(self, index: int) -> list[Row]:
        """The rows of one sentence of the current document that the filter keeps."""
        return self._loaded().rows_of_sentence(index, self.row_filter)

    def _rebuild_rows(self) -> None:
        self.rows = self.rows_of_sentence(self.sentence_index)

    def filter_choices(self) -> list[str]:
        """The filters offered: statuses, flagged, the document's labels and event types, score thresholds."""
        return self._loaded().filter_choices()

    def set_filter(self, row_filter: str) -> None:
        """Show only the rows a filter keeps, from the first row of the sentence."""
        self.row_filter = row_filter
        self.cursor = 0
        self._rebuild_rows()

    # ------------------------------------------------------------------ moving

    def move(self, step: int) -> None:
        """Move the cursor within the sentence's rows."""
        if self.rows:
            self.cursor = max(0, min(self.cursor + step, len(self.rows) - 1))

    def goto_sentence(self, index: int) -> bool:
        """Go to a sentence of the current document; False when there is none."""
        if not 0 <= index < len(self._loaded().document.sentences):
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
                self.goto_sentence(len(self._loaded().document.sentences) - 1)

    def select(self, kind: TargetKind, pk: int) -> bool:
        """Put the cursor on a target of the current document, in its sentence; False (and no move) when it is not listed."""
        sentence = self._loaded().sentence_of_target(kind, pk)
        if sentence is None:
            return False
        rows = self.rows_of_sentence(sentence)
        index = next((i for i, row in enumerate(rows) if row.kind is kind and row.pk == pk), None)
        if index is None:
            return False
        self.sentence_index, self.rows, self.cursor = sentence, rows, index
        return True

    def _show_target(self, kind: TargetKind, pk: int) -> None:
        """Select a target, or when the filter hides it (or it was withdrawn) at least go to its sentence."""
        if not self.select(kind, pk):
            sentence = self._loaded().sentence_of_target(kind, pk)
            if sentence is not None:
                self.goto_sentence(sentence)

    def focus_target(self, kind: TargetKind, pk: int) -> bool:
        """The same as `select`: put the cursor on a target of the current document."""
        return self.select(kind, pk)

    def next_pending(self) -> bool:
        """Move to the next pending row after the cursor, anywhere in the store; False when none is left."""
        document = self._loaded().document
        for index in range(self.cursor + 1, len(self.rows)):
            if self.rows[index].is_pending:
                self.cursor = index
                return True
        for sentence in range(self.sentence_index + 1, len(document.sentences)):
            rows = self.rows_of_sentence(sentence)
            if any(r.is_pending for r in rows):
                self.goto_sentence(sentence)
                self.cursor = next(i for i, r in enumerate(rows) if r.is_pending)
                return True
        assert document.pk is not None
        after = document.pk
        while (next_pk := self.repository.next_document_with_pending(after)) is not None:
            position = self._positions.get(next_pk)
            if position is None:
                return False
            self.open_document(position)
            if self.current_row is not None and self.current_row.is_pending:
                return True
            if self.next_pending():
                return True
            after = next_pk
        return False

    # ------------------------------------------------------------------ search

    def find(self, needle: str, forward: bool = True) -> bool:
        """Go to the next (or previous) sentence containing `needle`, case-insensitive, across documents."""
        document = self._loaded().document
        lowered = needle.lower()
        sentences = document.sentences
        order = range(self.sentence_index + 1, len(sentences)) if forward else range(self.sentence_index - 1, -1, -1)
        for index in order:
            if lowered in document.text[sentences[index].start : sentences[index].end].lower():
                return self.goto_sentence(index)
        if not forward:
            return False
        assert document.pk is not None
        next_pk = self.repository.find_text(needle, document.pk)
        position = None if next_pk is None else self._positions.get(next_pk)
        if position is None:
            return False
        self.open_document(position)
        document = self._loaded().document
        for sentence in document.sentences:
            if lowered in document.text[sentence.start : sentence.end].lower():
                return self.goto_sentence(sentence.index)
        return False
