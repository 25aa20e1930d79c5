"""Where the reviewer is and what the keys do, without any widget.

A `ReviewSession` holds the current document (loaded from the repository one at a
time, never the whole corpus), the current sentence and the cursor over that
sentence's candidate rows, and turns a reviewer's intent (accept, reject, undo,
move on) into repository calls. The screen only renders it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bisect import bisect_right
from collections import Counter, defaultdict

from annotator.domain import Argument, Document, Entity, Event, Status, TargetKind
from annotator.schema import Schema
from annotator.store import Repository
from annotator.review.editing import HINT_LETTERS, EditRequest, EditResult

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
        self.document_pks = repository.document_pks()
        self._positions = {pk: index for index, pk in enumerate(self.document_pks)}
        self.total_candidates = repository.candidate_count()
        self.document_index = 0
        self.document: Document | None = None
        self.sentence_index = 0
        self.cursor = 0
        self.rows: list[Row] = []
        self.last_message = ""
        self.row_filter: str = "all"
        """What the candidate list shows: all, status: S, flagged, label: L, type: T or score ≥ X."""

    # ------------------------------------------------------------------ loading

    @property
    def document_count(self) -> int:
        return len(self.document_pks)

    def open_document(self, index: int, sentence: int = 0) -> None:
        """Load one document from the store and put the cursor on its first row of `sentence`."""
        self.document_index = max(0, min(index, self.document_count - 1))
        self._set_document(self.repository.load_document(pk=self.document_pks[self.document_index]))
        self.sentence_index = max(0, min(sentence, len(self.document.sentences) - 1))
        self.cursor = 0
        self._rebuild_rows()

    def reload(self) -> None:
        """Re-read the current document after a decision, keeping the position."""
        assert self.document is not None
        cursor = self.cursor
        self._set_document(self.repository.load_document(pk=self.document.pk))
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
        self.open_document(self._positions.get(document_pk, 0))
        self.focus_target(kind, pk)
        self.next_pending()

    def _set_document(self, document: Document) -> None:
        """Adopt a freshly loaded document and index its candidates by sentence (once, not per row)."""
        self.document = document
        starts = [s.start for s in document.sentences]
        self.entities_in: dict[int, list[Entity]] = defaultdict(list)
        self.events_in: dict[int, list[Event]] = defaultdict(list)
        self.labels_of_words: dict[str, set[str]] = defaultdict(set)
        for entity in document.entities:
            self.entities_in[max(bisect_right(starts, entity.final("start")) - 1, 0)].append(entity)
            if entity.review.status not in (Status.REJECTED, Status.WITHDRAWN):
                words = document.text[entity.final("start") : entity.final("end")]
                self.labels_of_words[words].add(entity.final("label"))
        for event in document.events:
            self.events_in[max(bisect_right(starts, event.final("trigger_start")) - 1, 0)].append(event)
        self._entities_by_pk = {e.pk: e for e in document.entities}
        self._events_by_pk = {e.pk: e for e in document.events}

    def _rebuild_rows(self) -> None:
        self.rows = self.rows_of_sentence(self.sentence_index)

    def rows_of_sentence(self, index: int) -> list[Row]:
        """The candidate rows of one sentence: entities by position, then each event and its arguments."""
        document = self.document
        if document is None or not document.sentences:
            return []
        rows: list[Row] = []
        kind, _, value = self.row_filter.partition(": ")
        for entity in sorted(self.entities_in.get(index, ()), key=lambda e: e.final_span):
            if entity.review.status in HIDDEN or kind == "type":
                continue
            if self._keeps(entity, entity.final("label")):
                rows.append(Row(TargetKind.ENTITY, entity.pk, entity.review.status))
        for event in self.events_in.get(index, ()):
            if event.review.status in HIDDEN:
                continue
            if kind == "label":
                continue
            arguments = [a for a in event.arguments if a.review.status not in HIDDEN]
            shown_arguments = [a for a in arguments if kind != "status" or a.review.status.value == value]
            if not self._keeps(event, event.final("type")) and not shown_arguments:
                continue
            rows.append(Row(TargetKind.EVENT, event.pk, event.review.status))
            for argument in shown_arguments if kind in ("status", "flagged") else arguments:
                if kind == "flagged" and not argument.review.flagged:
                    continue
                rows.append(Row(TargetKind.ARGUMENT, argument.pk, argument.review.status, event.pk))
        return rows

    def filter_choices(self) -> list[str]:
        """The filters offered: statuses, flagged, the document's labels and event types, score thresholds."""
        assert self.document is not None
        labels = sorted({e.final("label") for e in self.document.entities})
        types = sorted({e.final("type") for e in self.document.events})
        return [
            "all", *(f"status: {s.value}" for s in Status if s is not Status.WITHDRAWN), "flagged",
            *(f"label: {label}" for label in labels), *(f"type: {t}" for t in types),
            "score ≥ 0.5", "score ≥ 0.8", "score ≥ 0.9",
        ]

    def set_filter(self, row_filter: str) -> None:
        self.row_filter = row_filter
        self.cursor = 0
        self._rebuild_rows()

    def _keeps(self, item, name: str) -> bool:
        kind, _, value = self.row_filter.partition(": ")
        if self.row_filter == "all":
            return True
        if self.row_filter == "flagged":
            return item.review.flagged
        if kind == "status":
            return item.review.status.value == value
        if kind in ("label", "type"):
            return name == value
        if self.row_filter.startswith("score ≥ "):
            return item.score is not None and item.score >= float(self.row_filter.removeprefix("score ≥ "))
        return True

    # ------------------------------------------------------------------ lookups

    @property
    def current_row(self) -> Row | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def entity(self, pk: int) -> Entity:
        return self._entities_by_pk[pk]

    def event(self, pk: int) -> Event:
        return self._events_by_pk[pk]

    def argument(self, event_pk: int, pk: int) -> Argument:
        return next(a for a in self.event(event_pk).arguments if a.pk == pk)

    def entity_by_id(self, entity_id: str) -> Entity | None:
        assert self.document is not None
        return next((e for e in self.document.entities if e.id == entity_id), None)

    def progress(self) -> tuple[int, int]:
        """Decided and total machine candidates."""
        return self.repository.decided_count(), self.total_candidates

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
        assert self.document.pk is not None
        after = self.document.pk
        while (next_pk := self.repository.next_document_with_pending(after)) is not None:
            index = self._positions.get(next_pk)
            if index is None:
                return False
            self.open_document(index)
            if self.current_row is not None and self.current_row.is_pending:
                return True
            if self.next_pending():
                return True
            after = next_pk
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
                self.open_document(self._positions.get(document_pk, 0))
            self.focus_target(kind, pk)
        return True

    # ------------------------------------------------------------------ fixing and adding

    @property
    def sentence(self):
        assert self.document is not None
        return self.document.sentences[self.sentence_index]

    def _token_span(self, start: int, end: int) -> tuple[int, int] | None:
        tokens = self.sentence.tokens
        first = next((i for i, (s, e) in enumerate(tokens) if e > start), None)
        last = next((i for i in range(len(tokens) - 1, -1, -1) if tokens[i][0] < end), None)
        if first is None or last is None or last < first:
            return None
        return first, last + 1

    def label_choices(self, schema: Schema) -> list[str]:
        """Entity labels, the ones this document uses most first, then the rest of the schema's."""
        assert self.document is not None
        used = Counter(e.final("label") for e in self.document.entities if e.review.status is not Status.WITHDRAWN)
        ordered = [label for label, _ in used.most_common()]
        return ordered + [label for label in schema.entity_labels if label not in used]

    def type_choices(self, schema: Schema, current: str) -> list[str]:
        """Event types: the current one, then its category's, then the rest."""
        category = current.split(".")[0]
        names = list(schema.events)
        same = [n for n in names if n.split(".")[0] == category and n != current]
        return [current, *same, *[n for n in names if n not in same and n != current]]

    def _sentence_entities(self) -> list[Entity]:
        assert self.document is not None
        return [
            e for e in sorted(self.entities_in.get(self.sentence_index, ()), key=lambda e: e.final_span)
            if e.review.status not in (Status.WITHDRAWN, Status.REJECTED)
        ][: len(HINT_LETTERS)]

    def _entity_choices(self) -> list[tuple[str, str]]:
        assert self.document is not None
        text = self.document.text
        return [
            (letter, f"{text[e.final('start'):e.final('end')]}  {e.final('label')}")
            for letter, e in zip(HINT_LETTERS, self._sentence_entities())
        ]

    def fix_request(self, schema: Schema) -> EditRequest | None:
        """The modal request to fix the row under the cursor."""
        row = self.current_row
        if row is None or self.document is None:
            return None
        text = self.document.text
        tokens = self.sentence.tokens
        if row.kind is TargetKind.ENTITY:
            entity = self.entity(row.pk)
            label = entity.final("label")
            start, end = entity.final_span
            return EditRequest(
                f"Fix entity «{text[start:end]}» ({label})", text, self.label_choices(schema), label,
                tokens=tokens, span=self._token_span(start, end),
            )
        if row.kind is TargetKind.EVENT:
            event = self.event(row.pk)
            event_type = event.final("type")
            start, end = event.final("trigger_start"), event.final("trigger_end")
            return EditRequest(
                f"Fix event {event_type} «{text[start:end]}»", text, self.type_choices(schema, event_type), event_type,
                tokens=tokens, span=self._token_span(start, end),
            )
        event = self.event(row.event_pk)
        argument = self.argument(row.event_pk, row.pk)
        roles = list(schema.roles_of(event.final("type"))) or sorted(schema.role_labels)
        return EditRequest(
            f"Fix argument {argument.final('role')} of {event.final('type')}: digit = role, letter = entity",
            text, roles, argument.final("role"), choices=self._entity_choices(),
        )

    def apply_fix(self, row: Row, result: EditResult) -> None:
        """Record the reviewer's correction of a row; the machine's values stay beside it."""
        changes: dict = {}
        if row.kind is TargetKind.ENTITY:
            entity = self.entity(row.pk)
            if result.value is not None and result.value != entity.final("label"):
                changes["label"] = result.value
            if result.start is not None and (result.start, result.end) != entity.final_span:
                changes.update(start=result.start, end=result.end)
        elif row.kind is TargetKind.EVENT:
            event = self.event(row.pk)
            if result.value is not None and result.value != event.final("type"):
                changes["type"] = result.value
            if result.start is not None and (result.start, result.end) != (event.final("trigger_start"), event.final("trigger_end")):
                changes.update(trigger_start=result.start, trigger_end=result.end)
        else:
            argument = self.argument(row.event_pk, row.pk)
            if result.value is not None and result.value != argument.final("role"):
                changes["role"] = result.value
            if result.choice is not None:
                entity = self._sentence_entities()[HINT_LETTERS.index(result.choice)]
                if entity.id != argument.final("entity_id"):
                    changes.update(entity_id=entity.id, start=None, end=None)
        if not changes:
            self.last_message = "Nothing changed."
            return
        self.repository.fix(self.reviewer, row.kind, row.pk, **changes)
        self.reload()
        self.focus_target(row.kind, row.pk)

    def add_entity_request(self, schema: Schema) -> EditRequest | None:
        if self.document is None or not self.document.sentences:
            return None
        return EditRequest(
            "Add an entity: pick its first word, extend with →, then a digit for its label",
            self.document.text, self.label_choices(schema), tokens=self.sentence.tokens, pick_start=True,
        )

    def add_entity(self, start: int, end: int, label: str) -> None:
        assert self.document is not None
        pk = self.repository.add_entity(self.reviewer, self.document.pk, start, end, label)
        self.reload()
        self.focus_target(TargetKind.ENTITY, pk)

    def add_event_request(self, schema: Schema) -> EditRequest | None:
        if self.document is None or not self.document.sentences:
            return None
        return EditRequest(
            "Add an event: pick its trigger's first word, extend with →, then a digit (letters filter) for its type",
            self.document.text, list(schema.events), tokens=self.sentence.tokens, pick_start=True,
        )

    def add_event(self, start: int, end: int, event_type: str) -> None:
        assert self.document is not None
        pk = self.repository.add_event(self.reviewer, self.document.pk, event_type, start, end)
        self.reload()
        self.focus_target(TargetKind.EVENT, pk)

    def add_argument_requests(self, event_pk: int, schema: Schema) -> tuple[EditRequest, EditRequest]:
        """The two steps of adding an argument: its role (digit), then its entity (letter)."""
        assert self.document is not None
        event = self.event(event_pk)
        roles = list(schema.roles_of(event.final("type"))) or sorted(schema.role_labels)
        text = self.document.text
        return (
            EditRequest(f"Add an argument to {event.final('type')}: its role", text, roles),
            EditRequest("…and the entity that fills it", text, choices=self._entity_choices()),
        )

    def add_argument(self, event_pk: int, role: str, letter: str) -> None:
        entity = self._sentence_entities()[HINT_LETTERS.index(letter)]
        pk = self.repository.add_argument(self.reviewer, event_pk, role, entity_pk=entity.pk)
        self.reload()
        self.focus_target(TargetKind.ARGUMENT, pk)

    def toggle_flag(self) -> None:
        row = self.current_row
        if row is None:
            return
        if row.kind is TargetKind.ENTITY:
            review = self.entity(row.pk).review
        elif row.kind is TargetKind.EVENT:
            review = self.event(row.pk).review
        else:
            review = self.argument(row.event_pk, row.pk).review
        self.repository.set_flag(self.reviewer, row.kind, row.pk, not review.flagged)
        self.reload()

    # ------------------------------------------------------------------ bulk

    def bulk_sentence_preview(self) -> list[Row]:
        """The pending rows of the current sentence (what "accept the rest" would accept)."""
        return [row for row in self.rows if row.is_pending]

    def accept_rows(self, rows: list[Row], action: str = "bulk-accept") -> int:
        """Accept many rows as one decision group (one undo step); return how many."""
        if not rows:
            return 0
        self.repository.record(self.reviewer, action, [(row.kind, row.pk, {"status": Status.ACCEPTED.value}) for row in rows])
        self._after_decision()
        return len(rows)

    def bulk_label_preview(self) -> tuple[str, int, int] | None:
        """For the entity under the cursor: its label, pending entities with it in this document, and in the corpus."""
        row = self.current_row
        if row is None or row.kind is not TargetKind.ENTITY or self.document is None:
            return None
        label = self.entity(row.pk).label
        return (
            label,
            len(self.repository.pending_entities(label=label, document_pk=self.document.pk)),
            len(self.repository.pending_entities(label=label)),
        )

    def bulk_score_preview(self) -> tuple[float, int, int] | None:
        """For a scored entity under the cursor: its score, and pending entities scoring at least that here and in the corpus."""
        row = self.current_row
        if row is None or row.kind is not TargetKind.ENTITY or self.document is None:
            return None
        score = self.entity(row.pk).score
        if score is None:
            return None
        return (
            score,
            len(self.repository.pending_entities(document_pk=self.document.pk, min_score=score)),
            len(self.repository.pending_entities(min_score=score)),
        )

    def accept_above_score(self, score: float, whole_corpus: bool) -> int:
        """Accept every pending entity scoring at least `score`, in the document or the corpus (one undo step)."""
        assert self.document is not None
        pks = self.repository.pending_entities(document_pk=None if whole_corpus else self.document.pk, min_score=score)
        return self.accept_rows([Row(TargetKind.ENTITY, pk, Status.PENDING) for pk in pks], "bulk-accept-score")

    def accept_label(self, label: str, whole_corpus: bool) -> int:
        """Accept every pending entity with this machine label, in the document or the corpus (one undo step)."""
        assert self.document is not None
        pks = self.repository.pending_entities(label=label, document_pk=None if whole_corpus else self.document.pk)
        return self.accept_rows([Row(TargetKind.ENTITY, pk, Status.PENDING) for pk in pks], "bulk-accept-label")

    def identical_mentions(self) -> tuple[str, list[int]] | None:
        """For a decided entity under the cursor: the pending mentions with the same text and label in the document."""
        row = self.current_row
        if row is None or row.kind is not TargetKind.ENTITY or self.document is None:
            return None
        entity = self.entity(row.pk)
        if not entity.review.is_decided:
            return None
        words = self.document.text[entity.start : entity.end]
        pks = [pk for pk in self.repository.pending_entities(label=entity.label, document_pk=self.document.pk, text=words) if pk != entity.pk]
        return words, pks

    def apply_to_identical(self) -> int:
        """Give the identical pending mentions the decision of the entity under the cursor (one undo step)."""
        found = self.identical_mentions()
        if not found or not found[1]:
            return 0
        entity = self.entity(self.current_row.pk)
        delta = {"status": entity.review.status.value, **entity.review.fixed}
        # A boundary fix is about that mention's offsets; a label fix carries over.
        delta.pop("start", None)
        delta.pop("end", None)
        if delta["status"] == Status.FIXED.value and "label" not in delta:
            delta["status"] = Status.ACCEPTED.value
        self.repository.record(self.reviewer, "apply-to-identical", [(TargetKind.ENTITY, pk, dict(delta)) for pk in found[1]])
        self._after_decision()
        return len(found[1])

    # ------------------------------------------------------------------ search and notes

    def find(self, needle: str, forward: bool = True) -> bool:
        """Go to the next (or previous) sentence containing `needle`, case-insensitive, across documents."""
        assert self.document is not None
        lowered = needle.lower()
        sentences = self.document.sentences
        order = range(self.sentence_index + 1, len(sentences)) if forward else range(self.sentence_index - 1, -1, -1)
        for index in order:
            sentence = sentences[index]
            if lowered in self.document.text[sentence.start : sentence.end].lower():
                self.goto_sentence(index)
                return True
        if not forward:
            return False
        next_pk = self.repository.find_text(needle, self.document.pk)
        if next_pk is None:
            return False
        index = self._positions.get(next_pk)
        if index is None:
            return False
        self.open_document(index)
        for sentence in self.document.sentences:
            if lowered in self.document.text[sentence.start : sentence.end].lower():
                self.goto_sentence(sentence.index)
                return True
        return False

    def set_note(self, note: str) -> None:
        row = self.current_row
        if row is None:
            return
        self.repository.set_note(self.reviewer, row.kind, row.pk, note)
        self.reload()
