"""The final annotations of a document, as every interchange format writes them.

Formats other than native JSONL carry no review state per span, so they get the
reviewer's final values only: rejected and withdrawn candidates are left out, an
argument whose entity is not exported goes with it, and the export summary says
how many of each were left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

from annotator.domain import Document, Review, Status
from annotator.formats.native import ExportFilter, ExportSummary

GONE = (Status.REJECTED, Status.WITHDRAWN)


@dataclass(frozen=True)
class FinalEntity:
    id: str
    start: int
    end: int
    label: str
    review: Review


@dataclass(frozen=True)
class FinalArgument:
    role: str
    entity_id: str | None
    start: int
    end: int
    review: Review


@dataclass(frozen=True)
class FinalEvent:
    id: str
    type: str
    start: int
    end: int
    attributes: dict
    arguments: tuple[FinalArgument, ...]
    review: Review


@dataclass(frozen=True)
class FinalDocument:
    document: Document
    entities: tuple[FinalEntity, ...]
    events: tuple[FinalEvent, ...]

    @property
    def text(self) -> str:
        return self.document.text

    def by_sentence(self) -> tuple[dict[int, list[FinalEntity]], dict[int, list[FinalEvent]]]:
        """Entities and events grouped by the index of the sentence they start in."""
        from bisect import bisect_right

        starts = [s.start for s in self.document.sentences]
        entities: dict[int, list[FinalEntity]] = {}
        events: dict[int, list[FinalEvent]] = {}
        for entity in self.entities:
            entities.setdefault(max(bisect_right(starts, entity.start) - 1, 0), []).append(entity)
        for event in self.events:
            events.setdefault(max(bisect_right(starts, event.start) - 1, 0), []).append(event)
        return entities, events


def _written(review: Review, keep: ExportFilter, summary: ExportSummary, kind: str) -> bool:
    """True when a candidate is written; a rejected one the filter would keep is counted as left out."""
    if review.status in GONE:
        if review.status is Status.REJECTED and keep.keeps(review):
            summary.count(f"rejected {kind} left out")
        return False
    return keep.keeps(review)


def final_view(document: Document, keep: ExportFilter, summary: ExportSummary) -> FinalDocument | None:
    """What a format exports of a document, or None when the filter leaves nothing in it."""
    entities: list[FinalEntity] = []
    spans: dict[str, tuple[int, int]] = {}
    for entity in document.entities:
        review = entity.review
        if not _written(review, keep, summary, "entities"):
            continue
        start, end = entity.final_span
        spans[entity.id] = (start, end)
        entities.append(FinalEntity(entity.id, start, end, entity.final("label"), review))
    events: list[FinalEvent] = []
    for event in document.events:
        review = event.review
        if not _written(review, keep, summary, "events"):
            continue
        arguments = []
        for argument in event.arguments:
            a_review = argument.review
            if not _written(a_review, keep, summary, "arguments"):
                continue
            entity_id = argument.final("entity_id")
            if entity_id is not None:
                if entity_id not in spans:
                    summary.count("arguments dropped because their entity was rejected or not exported")
                    continue
                start, end = spans[entity_id]
            else:
                start, end = argument.final("start"), argument.final("end")
            arguments.append(FinalArgument(argument.final("role"), entity_id, start, end, a_review))
        events.append(FinalEvent(
            event.id, event.final("type"), event.final("trigger_start"), event.final("trigger_end"),
            dict(event.attributes), tuple(arguments), review,
        ))
    if keep.filters_items and not entities and not events:
        return None
    summary.documents += 1
    summary.entities += len(entities)
    summary.events += len(events)
    summary.arguments += sum(len(e.arguments) for e in events)
    return FinalDocument(document, tuple(entities), tuple(events))


def final_views(documents: Iterable[Document], keep: ExportFilter, summary: ExportSummary) -> Iterator[FinalDocument]:
    """`final_view` of each document, skipping the ones the filter empties."""
    for document in documents:
        view = final_view(document, keep, summary)
        if view is not None:
            yield view
