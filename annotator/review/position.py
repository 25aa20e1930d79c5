"""Where the reviewer is in the store, and how they move, without any widget.

`ReviewPosition` holds the current document (loaded from the repository one at a
time, never the whole corpus), the current sentence and the cursor over that
sentence's candidate rows, and finds the next work: a pending row, or a sentence that
keeps no candidate and is not confirmed. Restricted to an `Adjudication`, it lists only
the documents and rows with a dispute, and the work is the disputes still open.
Moving never writes to the store; `Search`, `Corrections` and `ReviewSession` add
find, corrections and decisions on top.
"""

from __future__ import annotations

from collections.abc import Iterable

from annotator.domain import Argument, Document, Entity, Event, Review, Sentence, TargetKind
from annotator.review.adjudication import Adjudication
from annotator.review.document import ALL, DocumentView, Row
from annotator.review.editing import hint_labels
from annotator.store import Repository

IN_PLACE_TARGETS = 64
"""Above this many targets of a decision in the document, reading it again costs about what updating each in place does."""


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
        self.adjudication: Adjudication | None = None
        """The disputes the review is restricted to (see `restrict_to`); None to review everything."""

    def restrict_to(self, adjudication: Adjudication) -> None:
        """Review only the disputes: their documents, and in each sentence the disputed rows (see `Adjudication`)."""
        self.adjudication = adjudication
        self.document_pks = list(adjudication.document_pks)
        self._positions = {pk: index for index, pk in enumerate(self.document_pks)}
        self.last_message = (
            f"{len(adjudication)} disagreement(s) in {len(self.document_pks)} document(s): under each, what every reviewer"
            " decided; your decision is the final state."
        )

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
        self.adopt(self.read_view())

    def read_view(self) -> DocumentView:
        """The current document as the store holds it now, read without moving anything (safe off the UI thread)."""
        document = self._loaded().document
        assert document.pk is not None
        return DocumentView(self.repository.load_document(pk=document.pk))

    def adopt(self, view: DocumentView) -> None:
        """Show a fresh read of the current document (`read_view`), keeping the cursor on the same target while listed."""
        self.view = view
        self._relist()

    def refresh(self, targets: Iterable[tuple[int, TargetKind, int]]) -> None:
        """Show what a decision changed: re-read these targets' reviews alone and update the document in place.

        `targets` are (document key, kind, key), as `Repository.group_targets` gives them.
        The cursor stays on the same target while it is listed. A change the update cannot
        follow in place (a sentence confirmed, an argument moved to another event, many
        targets at once) re-reads the whole document, as `reload` does; so does another
        process's write, which the screen's poll picks up.
        """
        view = self._loaded()
        here = list(dict.fromkeys((kind, pk) for document_pk, kind, pk in targets if document_pk == view.document.pk))
        if not here:
            return
        relisted = None
        if len(here) <= IN_PLACE_TARGETS:
            relisted = view.update_reviews(self.repository.load_reviews(here))
        if relisted is None:
            self.reload()
        elif self.row_filter != ALL or self.adjudication is not None or self.sentence_index in relisted:
            self._relist()
        else:
            changed = set(here)
            self.rows = [
                Row(row.kind, row.pk, view.review_of(row).status, row.event_pk) if (row.kind, row.pk) in changed else row
                for row in self.rows
            ]

    def refresh_group(self, group: int) -> None:
        """Show what a decision group changed (see `refresh`)."""
        self.refresh(self.repository.group_targets(group))

    def _relist(self) -> None:
        """List the current sentence's rows again, keeping the cursor on the same target while it is listed."""
        current, cursor = self.current_row, self.cursor
        self._rebuild_rows()
        if current is not None and current in self.rows:
            self.cursor = self.rows.index(current)
        else:
            self.cursor = min(cursor, max(len(self.rows) - 1, 0))

    def resume(self) -> None:
        """Open where the reviewer stopped: the next work after their last decision (see `next_pending`).

        An adjudication starts at its first open dispute.
        """
        if not self.document_count:
            return
        last = None if self.adjudication is not None else self.repository.last_decided_target(self.reviewer)
        if last is None:
            self.open_document(0)
            if self._is_work(self.sentence_index, self.rows):
                self._land_on_work(self.sentence_index, self.rows)
            else:
                self.next_pending()
            return
        document_pk, kind, pk = last
        self.open_document(self._positions.get(document_pk, 0))
        self._show_target(kind, pk)
        self.next_pending()

    def rows_of_sentence(self, index: int) -> list[Row]:
        """The rows of one sentence of the current document that the filter keeps (in adjudication: the disputed ones)."""
        if self.adjudication is not None:
            return self.adjudication.rows_of_sentence(self._loaded(), index)
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

    def move_to(self, index: int) -> None:
        """Put the cursor on a row of the sentence by position; a negative index counts from the end."""
        if self.rows:
            self.cursor = max(0, min(index if index >= 0 else len(self.rows) + index, len(self.rows) - 1))

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
        # The current sentence's rows are listed already: listing thousands again would cost more than finding one.
        rows = self.rows if sentence == self.sentence_index else self.rows_of_sentence(sentence)
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


    # ------------------------------------------------------------------ work: pending rows and sentences to confirm

    @property
    def needs_confirmation(self) -> bool:
        """True when the current sentence keeps no candidate and nobody confirmed yet that it holds nothing."""
        return self.adjudication is None and self.view is not None and self.view.needs_confirmation(self.sentence_index)

    def is_open(self, row: Row) -> bool:
        """Whether a row is work: pending, or in adjudication a dispute the shared lane has not decided."""
        return row.is_pending if self.adjudication is None else self.adjudication.is_open(row)

    def _is_work(self, sentence: int, rows: list[Row]) -> bool:
        # A filter or an adjudication narrows the review to some candidates; an empty sentence is then not what was asked for.
        if any(self.is_open(r) for r in rows):
            return True
        return self.row_filter == ALL and self.adjudication is None and self._loaded().needs_confirmation(sentence)

    def _land_on_work(self, sentence: int, rows: list[Row]) -> None:
        self.goto_sentence(sentence)
        self.cursor = next((i for i, r in enumerate(rows) if self.is_open(r)), 0)

    def _work_in_sentences(self, sentences: range) -> bool:
        """Go to the first sentence of the range with work; False (and no move) when none has any."""
        for sentence in sentences:
            rows = self.rows_of_sentence(sentence)
            if self._is_work(sentence, rows):
                self._land_on_work(sentence, rows)
                return True
        return False

    def pending_in_sentence(self) -> bool:
        """Go to the next pending row of the current sentence after the cursor, wrapping within it; False when none."""
        count = len(self.rows)
        for step in range(1, count + 1):
            index = (self.cursor + step) % count
            if self.is_open(self.rows[index]):
                self.cursor = index
                return True
        return False

    def next_pending(self) -> bool:
        """Go to the next work after the cursor, wrapping round the corpus; False (and no move) when there is none.

        Work is a pending row, or a sentence that keeps no candidate and is not confirmed
        (see `needs_confirmation`): the loop stops there too, so no sentence goes unseen.
        """
        view = self._loaded()
        document_pk = view.document.pk
        assert document_pk is not None
        here = (self.document_index, self.sentence_index, self.cursor)
        for index in range(self.cursor + 1, len(self.rows)):
            if self.is_open(self.rows[index]):
                self.cursor = index
                return True
        if self._work_in_sentences(range(self.sentence_index + 1, len(view.document.sentences))):
            return True
        if self._work_in_other_documents(document_pk):
            return True
        if self.document_index != here[0]:
            self.open_document(here[0], here[1])
        if self._work_in_sentences(range(0, here[1])):
            return True
        self.goto_sentence(here[1])
        self.cursor = here[2]
        if self.pending_in_sentence() or (self.row_filter == ALL and self.needs_confirmation):
            return True
        self.cursor = here[2]
        return False

    def _work_in_other_documents(self, document_pk: int) -> bool:
        """Open the next document with work after this one, wrapping round to the first; False when only this one has any."""
        if self.adjudication is not None:
            return self._work_in_listed_documents()
        after, wrapped = document_pk, False
        while True:
            found = self.repository.next_document_with_work(after)
            if found is None and not wrapped:
                after, wrapped = 0, True  # document keys start at 1
                continue
            if found is None or (wrapped and found >= document_pk):
                return False
            position = self._positions.get(found)
            if position is not None:
                self.open_document(position)
                if self._work_in_sentences(range(len(self._loaded().document.sentences))):
                    return True
            after = found

    def _work_in_listed_documents(self) -> bool:
        """Open the next listed document after this one with work, wrapping round; for an adjudication's few documents."""
        here = self.document_index
        for step in range(1, self.document_count):
            self.open_document((here + step) % self.document_count)
            if self._work_in_sentences(range(len(self._loaded().document.sentences))):
                return True
        return False

    # ------------------------------------------------------------------ jumping

    def row_hints(self) -> list[tuple[str, Row]]:
        """A letter hint for each row of the current sentence (two letters when there are more than 26)."""
        return list(zip(hint_labels(len(self.rows)), self.rows))

    def jump(self, hint: str) -> bool:
        """Put the cursor on the row of the current sentence with this letter hint; False when no row has it."""
        for index, (label, _row) in enumerate(self.row_hints()):
            if label == hint:
                self.cursor = index
                return True
        return False

    def jump_to_target(self, document_pk: int, kind: TargetKind, pk: int) -> bool:
        """Open a target's document and put the cursor on it (a sentence: go to it); False when the store has no such target."""
        position = self._positions.get(document_pk)
        if position is None:
            return False
        if self.view is None or self.view.document.pk != document_pk:
            self.open_document(position)
        sentence = self._loaded().sentence_of_target(kind, pk)
        if sentence is None:
            return False
        if kind is TargetKind.SENTENCE or not self.select(kind, pk):
            self.goto_sentence(sentence)
        return True

