"""One loaded document indexed by sentence, and the candidate rows each sentence lists.

The session loads one document at a time; `DocumentView` indexes its candidates by
sentence once, so drawing a sentence or moving to the next pending row never rescans
the whole document.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from annotator.domain import (
    Argument,
    Document,
    Entity,
    Event,
    Review,
    Status,
    TargetKind,
    is_live,
    sentence_of,
)

# Statuses never listed: an added candidate the reviewer took back by undo.
HIDDEN = (Status.WITHDRAWN,)

# What a filter can keep: "all", "status: S", "flagged", "label: L", "type: T" or "score ≥ X".
ALL = "all"
FLAGGED = "flagged"
SCORE_PREFIX = "score ≥ "

# A blank line between two sentences ends a paragraph.
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")


def context_of(text: str, start: int, end: int, around: int = 20) -> str:
    """The words of a span with about `around` characters either side, cut at word boundaries, marked … where cut.

    Control characters are left as they are: rendering them visibly is the screen's job.
    """
    left = max(0, start - around)
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    right = min(len(text), end + around)
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right
    return ("…" if left > 0 else "") + text[left:right] + ("…" if right < len(text) else "")


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
        self.revision = 0
        """How many times `update_reviews` changed the view in place: what was drawn from it is stale once it moves."""
        self.entities_in: dict[int, list[Entity]] = defaultdict(list)
        """Entities by the index of the sentence holding their (corrected) start."""
        self.events_in: dict[int, list[Event]] = defaultdict(list)
        """Events by the index of the sentence holding their (corrected) trigger."""
        self.labels_of_words: dict[str, set[str]] = defaultdict(set)
        """Every label the document gives a piece of text, to point out inconsistent labelling."""
        self._index_sentences()
        self._entities_by_pk = {e.pk: e for e in document.entities}
        self._entities_by_id: dict[str, Entity] = {}
        for entity in document.entities:
            self._entities_by_id.setdefault(entity.id, entity)  # the first, as a scan in file order finds
        self._events_by_pk = {e.pk: e for e in document.events}
        self._event_of_argument = {a.pk: e for e in document.events for a in e.arguments}
        self._label_counts: Counter[tuple[str, str]] | None = None
        """How many live entities give each (words, label) of `labels_of_words`; counted at the first update."""
        self._positions: tuple[dict[int | None, int], dict[int | None, int]] | None = None
        """Where each entity and each event sits in the document's tuples, by key; found at the first update."""

    def _index_sentences(self) -> None:
        """Group the entities and events by sentence and gather the labels of words, from the document."""
        document, sentences = self.document, self.document.sentences
        self.entities_in.clear()
        self.events_in.clear()
        self.labels_of_words.clear()
        for entity in document.entities:
            start, end = span_of_entity(entity)
            self.entities_in[sentence_of(sentences, start)].append(entity)
            if is_live(entity.review.status):
                self.labels_of_words[document.text[start:end]].add(entity.final("label"))
        for event in document.events:
            self.events_in[sentence_of(sentences, event.final("trigger_start"))].append(event)
        self._label_counts = None

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
        return self._entities_by_id.get(entity_id)

    def event_of_argument(self, pk: int) -> Event | None:
        """The event an argument belongs to, or None when the document has no such argument."""
        return self._event_of_argument.get(pk)

    def extent_of_argument(self, argument: Argument) -> tuple[int, int] | None:
        """An argument's corrected extent; an old argument without one spans its entity. None when neither is known."""
        start, end = argument.final("start"), argument.final("end")
        if start is not None and end is not None:
            return start, end
        entity_id = argument.final("entity_id")
        entity = None if entity_id is None else self.entity_by_id(entity_id)
        return None if entity is None else entity.final_span

    def span_of(self, row: Row) -> tuple[int, int] | None:
        """The characters a row stands for: an entity's span, an event's trigger, an argument's extent."""
        if row.kind is TargetKind.ENTITY:
            return self.entity(row.pk).final_span
        if row.kind is TargetKind.EVENT:
            event = self.event(row.pk)
            return event.final("trigger_start"), event.final("trigger_end")
        assert row.event_pk is not None
        return self.extent_of_argument(self.argument(row.event_pk, row.pk))

    def label_of(self, row: Row) -> str:
        """What a row is labelled: an entity's label, an event's type, an argument's role."""
        if row.kind is TargetKind.ENTITY:
            return str(self.entity(row.pk).final("label"))
        if row.kind is TargetKind.EVENT:
            return str(self.event(row.pk).final("type"))
        assert row.event_pk is not None
        return str(self.argument(row.event_pk, row.pk).final("role"))

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
        if kind is TargetKind.SENTENCE:
            return next((s.index for s in sentences if s.pk == pk), None)
        if kind is TargetKind.ENTITY:
            entity = self._entities_by_pk.get(pk)
            return None if entity is None else sentence_of(sentences, entity.final("start"))
        event = self._events_by_pk.get(pk) if kind is TargetKind.EVENT else self._event_of_argument.get(pk)
        return None if event is None else sentence_of(sentences, event.final("trigger_start"))

    def hint_entities(self, sentence: int) -> list[Entity]:
        """The entities of a sentence a letter can pick (as an argument's filler), in reading order."""
        kept = (e for e in self.entities_in.get(sentence, ()) if is_live(e.review.status))
        return sorted(kept, key=lambda e: e.final_span)

    def live_events(self, sentence: int) -> list[Event]:
        """The events of a sentence the review still keeps (neither rejected nor withdrawn), in list order."""
        return [e for e in self.events_in.get(sentence, ()) if is_live(e.review.status)]

    def has_live_candidates(self, sentence: int) -> bool:
        """True when a sentence lists an entity or event that is neither rejected nor withdrawn."""
        return any(is_live(e.review.status) for e in self.entities_in.get(sentence, ())) or any(
            is_live(e.review.status) for e in self.events_in.get(sentence, ())
        )

    def needs_confirmation(self, sentence: int) -> bool:
        """True when a sentence keeps no candidate and the reviewer has not yet confirmed there is nothing in it.

        Such a sentence is work: the machine found nothing (or nothing right) there, which is
        exactly where a missed entity or event hides.
        """
        sentences = self.document.sentences
        if not 0 <= sentence < len(sentences) or self.has_live_candidates(sentence):
            return False
        return not sentences[sentence].confirmed

    def paragraph_before(self, sentence: int) -> list[int]:
        """The sentences before this one in its paragraph, nearest first (a blank line ends a paragraph)."""
        sentences, text = self.document.sentences, self.document.text
        earlier: list[int] = []
        for index in range(sentence - 1, -1, -1):
            if _PARAGRAPH_BREAK.search(text, sentences[index].end, sentences[index + 1].start):
                break
            earlier.append(index)
        return earlier

    # ------------------------------------------------------------------ updating in place

    def update_reviews(self, reviews: Mapping[tuple[TargetKind, int], Review]) -> set[int] | None:
        """Put new reviews of some of the document's targets in place, so the view holds what a fresh load would.

        Returns the sentences whose rows are now listed differently (a target shown, hidden,
        moved or reordered); in the others only statuses changed. Returns None, changing
        nothing, when a target is not in this view, is a sentence, or is an argument whose
        final event changed: where a fresh load puts those is for a fresh load to say.
        """
        if not all(self._updatable(kind, pk, review) for (kind, pk), review in reviews.items()):
            return None
        entities, events = list(self.document.entities), list(self.document.events)
        if self._positions is None:
            self._positions = {e.pk: i for i, e in enumerate(entities)}, {e.pk: i for i, e in enumerate(events)}
        if self._label_counts is None and any(kind is TargetKind.ENTITY for kind, _ in reviews):
            self._label_counts = self._count_labels_of_words()
        positions = self._positions
        relisted: set[int] = set()
        for (kind, pk), review in reviews.items():
            if kind is TargetKind.ENTITY:
                old = self._entities_by_pk[pk]
                new = replace(old, review=review)
                entities[positions[0][pk]] = new
                self._put_entity(old, new, relisted)
            elif kind is TargetKind.EVENT:
                event = self._events_by_pk[pk]
                self._put_event(event, replace(event, review=review), relisted, events, positions[1])
            else:
                event = self._event_of_argument[pk]
                arguments = list(event.arguments)
                index = next(i for i, a in enumerate(arguments) if a.pk == pk)
                if (arguments[index].review.status in HIDDEN) != (review.status in HIDDEN):
                    relisted.add(sentence_of(self.document.sentences, event.final("trigger_start")))
                arguments[index] = replace(arguments[index], review=review)
                self._put_event(event, replace(event, arguments=tuple(arguments)), relisted, events, positions[1])
        self.document = replace(self.document, entities=tuple(entities), events=tuple(events))
        if relisted and any(self._sentence_changed(kind, pk) for kind, pk in reviews):
            self._index_sentences()
        self.revision += 1
        return relisted

    def _updatable(self, kind: TargetKind, pk: int, review: Review) -> bool:
        if kind is TargetKind.ENTITY:
            return pk in self._entities_by_pk
        if kind is TargetKind.EVENT:
            return pk in self._events_by_pk
        if kind is not TargetKind.ARGUMENT or pk not in self._event_of_argument:
            return False
        argument = next(a for a in self._event_of_argument[pk].arguments if a.pk == pk)
        return review.fixed.get("event_id", argument.event_id) == argument.final("event_id")

    def _sentence_changed(self, kind: TargetKind, pk: int) -> bool:
        """Whether an updated entity or event is no longer in the sentence list it sits in."""
        sentences = self.document.sentences
        if kind is TargetKind.ENTITY:
            entity = self._entities_by_pk[pk]
            return not any(e is entity for e in self.entities_in.get(sentence_of(sentences, span_of_entity(entity)[0]), ()))
        event = self._events_by_pk[pk] if kind is TargetKind.EVENT else self._event_of_argument[pk]
        return not any(e is event for e in self.events_in.get(sentence_of(sentences, event.final("trigger_start")), ()))

    def _put_entity(self, old: Entity, new: Entity, relisted: set[int]) -> None:
        sentences = self.document.sentences
        before, after = span_of_entity(old), span_of_entity(new)
        sentence, moved_to = sentence_of(sentences, before[0]), sentence_of(sentences, after[0])
        if sentence == moved_to:
            _swap(self.entities_in[sentence], old, new)
        if before != after or sentence != moved_to or (old.review.status in HIDDEN) != (new.review.status in HIDDEN):
            relisted |= {sentence, moved_to}
        self._entities_by_pk[new.pk] = new
        if self._entities_by_id.get(new.id) is old:
            self._entities_by_id[new.id] = new
        self._count_labels(old, -1)
        self._count_labels(new, 1)

    def _count_labels_of_words(self) -> Counter[tuple[str, str]]:
        """How many live entities give each (words, label) pair of `labels_of_words`."""
        text = self.document.text
        return Counter(
            (text[start:end], e.final("label"))
            for e in self.document.entities if is_live(e.review.status)
            for start, end in (span_of_entity(e),)
        )

    def _count_labels(self, entity: Entity, step: int) -> None:
        """Add (1) or take back (-1) a live entity's label of its words in `labels_of_words`."""
        if not is_live(entity.review.status) or self._label_counts is None:
            return
        start, end = span_of_entity(entity)
        key = (self.document.text[start:end], entity.final("label"))
        self._label_counts[key] += step
        if self._label_counts[key] > 0:
            self.labels_of_words[key[0]].add(key[1])
            return
        del self._label_counts[key]
        labels = self.labels_of_words.get(key[0])
        if labels is not None:
            labels.discard(key[1])
            if not labels:
                del self.labels_of_words[key[0]]

    def _put_event(
        self, old: Event, new: Event, relisted: set[int], events: list[Event], positions: Mapping[int | None, int]
    ) -> None:
        sentences = self.document.sentences
        sentence = sentence_of(sentences, old.final("trigger_start"))
        moved_to = sentence_of(sentences, new.final("trigger_start"))
        if sentence == moved_to:
            _swap(self.events_in[sentence], old, new)
        if sentence != moved_to or (old.review.status in HIDDEN) != (new.review.status in HIDDEN):
            relisted |= {sentence, moved_to}
        assert new.pk is not None
        events[positions[new.pk]] = new
        self._events_by_pk[new.pk] = new
        for argument in new.arguments:
            self._event_of_argument[argument.pk] = new

    # ------------------------------------------------------------------ rows

    def rows_of_sentence(self, index: int, row_filter: str = ALL) -> list[Row]:
        """The rows of one sentence the filter keeps: entities by position, then each event and its arguments."""
        if not self.document.sentences:
            return []
        kind, _, value = row_filter.partition(": ")
        rows: list[Row] = []
        keep_all = row_filter == ALL
        for entity in sorted(self.entities_in.get(index, ()), key=span_of_entity):
            if entity.review.status in HIDDEN or kind == "type":
                continue
            if keep_all or _keeps(row_filter, entity, entity.final("label")):
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


def span_of_entity(entity: Entity) -> tuple[int, int]:
    """An entity's span after correction (`Entity.final_span`), without a lookup per field when nothing was fixed.

    Loading a document asks this of every entity, and a sentence may hold thousands.
    """
    fixed = entity.review.fixed
    if not fixed:
        return entity.start, entity.end
    return fixed.get("start", entity.start), fixed.get("end", entity.end)


def _swap(items: list, old: object, new: object) -> None:
    """Put `new` where `old` is in a list, found by identity (two candidates may be equal in value); else leave the list."""
    for index, item in enumerate(items):
        if item is old:
            items[index] = new
            return


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
