"""One loaded document indexed by sentence, and the candidate rows each sentence lists.

The session loads one document at a time; `DocumentView` indexes its candidates by
sentence once, so drawing a sentence or moving to the next pending row never rescans
the whole document.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from annotator.domain import GONE_STATUSES, Argument, Document, Entity, Event, Review, Status, TargetKind, sentence_of

# Statuses never listed: an added candidate the reviewer took back by undo.
HIDDEN = (Status.WITHDRAWN,)

# What a filter can keep: "all", "status: S", "flagged", "label: L", "type: T" or "score ≥ X".
ALL = "all"
FLAGGED = "flagged"
SCORE_PREFIX = "score ≥ "


@dataclass(frozen=True)
class Row:
    """One line of the candidate list: an entity, an event, or one argument of an event.

    A row names its target by kind and key, so it means the same candidate however a
    redraw reorders the list. Equality and hashing ignore `status`, which only records
    how the row looked when it was drawn.
    """

    kind: TargetKind
    pk: int
    status: Status = field(compare=False)
    event_pk: int | None = None

    @property
    def is_pending(self) -> bool:
        """True when the row was still undecided when it was drawn."""
        return self.status is Status.PENDING


class DocumentView:
    """A document as the session reads it: candidates grouped by sentence and looked up by key."""

    def __init__(self, document: Document):
        self.document = document
        self.entities_in: dict[int, list[Entity]] = defaultdict(list)
        """Entities by the index of the sentence holding their (corrected) start."""
        self.events_in: dict[int, list[Event]] = defaultdict(list)
        """Events by the index of the sentence holding their (corrected) trigger."""
        self.labels_of_words: dict[str, set[str]] = defaultdict(set)
        """Every label the document gives a piece of text, to point out inconsistent labelling."""
        sentences = document.sentences
        for entity in document.entities:
            self.entities_in[sentence_of(sentences, entity.final("start"))].append(entity)
            if entity.review.status not in GONE_STATUSES:
                words = document.text[entity.final("start") : entity.final("end")]
                self.labels_of_words[words].add(entity.final("label"))
        for event in document.events:
            self.events_in[sentence_of(sentences, event.final("trigger_start"))].append(event)
        self._entities_by_pk = {e.pk: e for e in document.entities}
        self._events_by_pk = {e.pk: e for e in document.events}
        self._event_of_argument = {a.pk: e for e in document.events for a in e.arguments}

    # ------------------------------------------------------------------ lookups

    def entity(self, pk: int) -> Entity:
        """The entity with this key."""
        return self._entities_by_pk[pk]

    def event(self, pk: int) -> Event:
        """The event with this key."""
        return self._events_by_pk[pk]

    def argument(self, event_pk: int, pk: int) -> Argument:
        """The argument with this key of the event with `event_pk`."""
        return next(a for a in self.event(event_pk).arguments if a.pk == pk)

    def entity_by_id(self, entity_id: str) -> Entity | None:
        """The entity with this id in the source file, or None."""
        return next((e for e in self.document.entities if e.id == entity_id), None)

    def review_of(self, row: Row) -> Review:
        """The current review state of a row's target."""
        if row.kind is TargetKind.ENTITY:
            return self.entity(row.pk).review
        if row.kind is TargetKind.EVENT:
            return self.event(row.pk).review
        assert row.event_pk is not None
        return self.argument(row.event_pk, row.pk).review

    def sentence_of_target(self, kind: TargetKind, pk: int) -> int | None:
        """Index of the sentence listing a target (an argument is listed under its event), or None when absent."""
        sentences = self.document.sentences
        if kind is TargetKind.ENTITY:
            entity = self._entities_by_pk.get(pk)
            return None if entity is None else sentence_of(sentences, entity.final("start"))
        event = self._events_by_pk.get(pk) if kind is TargetKind.EVENT else self._event_of_argument.get(pk)
        return None if event is None else sentence_of(sentences, event.final("trigger_start"))

    def hint_entities(self, sentence: int) -> list[Entity]:
        """The entities of a sentence a letter can pick (as an argument's filler), in reading order."""
        kept = (e for e in self.entities_in.get(sentence, ()) if e.review.status not in GONE_STATUSES)
        return sorted(kept, key=lambda e: e.final_span)

    # ------------------------------------------------------------------ rows

    def rows_of_sentence(self, index: int, row_filter: str = ALL) -> list[Row]:
        """The rows of one sentence the filter keeps: entities by position, then each event and its arguments."""
        if not self.document.sentences:
            return []
        kind, _, value = row_filter.partition(": ")
        rows: list[Row] = []
        for entity in sorted(self.entities_in.get(index, ()), key=lambda e: e.final_span):
            if entity.review.status in HIDDEN or kind == "type":
                continue
            if _keeps(row_filter, entity, entity.final("label")):
                rows.append(Row(TargetKind.ENTITY, _key(entity), entity.review.status))
        if kind == "label":
            return rows
        for event in self.events_in.get(index, ()):
            if event.review.status in HIDDEN:
                continue
            arguments = [a for a in event.arguments if a.review.status not in HIDDEN]
            shown_arguments = [a for a in arguments if kind != "status" or a.review.status.value == value]
            if not _keeps(row_filter, event, event.final("type")) and not shown_arguments:
                continue
            rows.append(Row(TargetKind.EVENT, _key(event), event.review.status))
            for argument in shown_arguments if kind in ("status", FLAGGED) else arguments:
                if kind == FLAGGED and not argument.review.flagged:
                    continue
                rows.append(Row(TargetKind.ARGUMENT, _key(argument), argument.review.status, event.pk))
        return rows

    def filter_choices(self) -> list[str]:
        """The filters offered: statuses, flagged, the document's labels and event types, score thresholds."""
        labels = sorted({e.final("label") for e in self.document.entities})
        types = sorted({e.final("type") for e in self.document.events})
        return [
            ALL, *(f"status: {s.value}" for s in Status if s not in HIDDEN), FLAGGED,
            *(f"label: {label}" for label in labels), *(f"type: {t}" for t in types),
            *(f"{SCORE_PREFIX}{threshold}" for threshold in ("0.5", "0.8", "0.9")),
        ]


def _key(item: Entity | Event | Argument) -> int:
    """The store's key of a candidate; every candidate loaded from the store has one."""
    assert item.pk is not None, f"{item!r} was not loaded from the store"
    return item.pk


def _keeps(row_filter: str, item: Entity | Event, name: str) -> bool:
    """Whether a filter keeps an entity or event whose label or type is `name`."""
    kind, _, value = row_filter.partition(": ")
    if row_filter == ALL:
        return True
    if row_filter == FLAGGED:
        return item.review.flagged
    if kind == "status":
        return item.review.status.value == value
    if kind in ("label", "type"):
        return name == value
    if row_filter.startswith(SCORE_PREFIX):
        return item.score is not None and item.score >= float(row_filter.removeprefix(SCORE_PREFIX))
    return True
