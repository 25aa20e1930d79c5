"""What an export writes: which candidates it keeps, what it left out, and the final view of a document.

`ExportFilter` is the one rule for which candidates an export keeps: by status and
reviewer, never a withdrawn one. Native JSONL writes every kept candidate with its
review state. The other formats carry no review state per span, so they write the
`final_view` of a document: the reviewer's final values only, rejected candidates
left out, and an argument whose entity is not exported dropped with it. An
argument keeps its own extent, which may differ from the span of the entity it
refers to ("its" → Russia); `FinalArgument.extent_is_entity` tells the formats
that can only point at a span when they can reuse the entity's.
`ExportSummary` counts what was written and says what each format had to leave out.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.domain import GONE_STATUSES, PENDING, Document, Review, Status, sentence_of

DISMISSED_PREFIX = "dismissed warnings: "
"""How a format that has only free-text notes flags the schema warnings a reviewer dismissed."""


@dataclass
class ExportFilter:
    """Which candidates an export keeps: by status and by reviewer."""

    statuses: Collection[Status] = ()
    reviewer: str | None = None

    @property
    def filters_items(self) -> bool:
        """True when the filter can leave candidates out (so a document may end up empty)."""
        return bool(self.statuses) or self.reviewer is not None

    def keeps(self, review: Review) -> bool:
        """True when a candidate in this review state belongs in the export."""
        if review is PENDING:
            return not self.filters_items or (Status.PENDING in self.statuses and self.reviewer is None)
        if review.status is Status.WITHDRAWN:
            return False
        if self.statuses and review.status not in self.statuses:
            return False
        if self.reviewer is not None and review.reviewer != self.reviewer:
            return False
        return True


@dataclass
class ExportSummary:
    """Counts of what an export wrote and what it had to leave out."""

    documents: int = 0
    entities: int = 0
    events: int = 0
    arguments: int = 0
    dropped_arguments: int = 0
    left_out: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        """Note something the format could not carry, to be said in the summary."""
        self.left_out[what] = self.left_out.get(what, 0) + n

    def lines(self) -> list[str]:
        """The summary as lines for the user: what was written, then each thing left out."""
        text = [f"{self.documents} documents, {self.entities} entities, {self.events} events, {self.arguments} arguments"]
        if self.dropped_arguments:
            text.append(
                f"{self.dropped_arguments} arguments left out because their entity was not exported"
            )
        return text + [f"{n} {what}" for what, n in self.left_out.items()]


@dataclass(frozen=True)
class FinalEntity:
    """An exported entity with the reviewer's final offsets and label."""

    id: str
    start: int
    end: int
    label: str
    review: Review


@dataclass(frozen=True)
class FinalArgument:
    """An exported argument: its final role, its extent, and the exported entity it refers to, if any."""

    role: str
    entity_id: str | None
    start: int
    end: int
    review: Review
    entity: FinalEntity | None = None

    @property
    def extent_is_entity(self) -> bool:
        """True when the argument refers to an entity and its extent is exactly that entity's span."""
        return self.entity is not None and (self.start, self.end) == (self.entity.start, self.entity.end)


@dataclass(frozen=True)
class FinalEvent:
    """An exported event with its final type, trigger span and attributes, and the arguments exported with it."""

    id: str
    type: str
    start: int
    end: int
    attributes: dict
    arguments: tuple[FinalArgument, ...]
    review: Review


@dataclass(frozen=True)
class FinalDocument:
    """A document and the final values of the candidates an export writes of it."""

    document: Document
    entities: tuple[FinalEntity, ...]
    events: tuple[FinalEvent, ...]

    @property
    def text(self) -> str:
        """The document's text."""
        return self.document.text

    def by_sentence(self) -> tuple[dict[int, list[FinalEntity]], dict[int, list[FinalEvent]]]:
        """Entities and events grouped by the index of the sentence they start in."""
        sentences = self.document.sentences
        entities: dict[int, list[FinalEntity]] = {}
        events: dict[int, list[FinalEvent]] = {}
        for entity in self.entities:
            entities.setdefault(sentence_of(sentences, entity.start), []).append(entity)
        for event in self.events:
            events.setdefault(sentence_of(sentences, event.start), []).append(event)
        return entities, events


def _written(review: Review, keep: ExportFilter, summary: ExportSummary, kind: str) -> bool:
    """True when a candidate is written; a rejected one the filter would keep is counted as left out."""
    if review.status in GONE_STATUSES:
        if review.status is Status.REJECTED and keep.keeps(review):
            summary.count(f"rejected {kind} left out")
        return False
    return keep.keeps(review)


def final_view(document: Document, keep: ExportFilter, summary: ExportSummary) -> FinalDocument | None:
    """What a format exports of a document, or None when the filter leaves nothing in it."""
    entities: list[FinalEntity] = []
    exported: dict[str, FinalEntity] = {}
    for entity in document.entities:
        review = entity.review
        if not _written(review, keep, summary, "entities"):
            continue
        start, end = entity.final_span
        exported[entity.id] = final_entity = FinalEntity(entity.id, start, end, entity.final("label"), review)
        entities.append(final_entity)
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
            linked = None
            if entity_id is not None:
                linked = exported.get(entity_id)
                if linked is None:
                    summary.count("arguments dropped because their entity was rejected or not exported")
                    continue
            start, end = argument.final_span
            if start is None or end is None:  # an argument built without an extent: its entity's span
                if linked is None:
                    summary.count("arguments left out because they have neither an extent nor an entity")
                    continue
                start, end = linked.start, linked.end
            arguments.append(FinalArgument(argument.final("role"), entity_id, start, end, a_review, linked))
        events.append(FinalEvent(
            event.id, event.final("type"), event.final("trigger_start"), event.final("trigger_end"),
            dict(event.final("attributes") or {}), tuple(arguments), review,
        ))
    if keep.filters_items and not entities and not events:
        return None
    summary.documents += 1
    summary.entities += len(entities)
    summary.events += len(events)
    summary.arguments += sum(len(e.arguments) for e in events)
    return FinalDocument(document, tuple(entities), tuple(events))


def dismissed_note(review: Review) -> str | None:
    """The warnings a reviewer dismissed on a candidate, as one line for a format's note or comment."""
    if not review.dismissed:
        return None
    return DISMISSED_PREFIX + "; ".join(" ".join(warning.split()) for warning in review.dismissed)


def final_views(documents: Iterable[Document], keep: ExportFilter, summary: ExportSummary) -> Iterator[FinalDocument]:
    """`final_view` of each document, skipping the ones the filter empties."""
    for document in documents:
        view = final_view(document, keep, summary)
        if view is not None:
            yield view


_UMASK_LINE = re.compile(r"^Umask:\s*([0-7]+)$", re.MULTILINE)


def current_umask() -> int:
    """The process's umask: read from /proc where there is one, so that it is never changed, even for an instant."""
    try:
        found = _UMASK_LINE.search(Path("/proc/self/status").read_text())
    except OSError:
        found = None
    if found is not None:
        return int(found.group(1), 8)
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def give_user_mode(path: Path) -> None:
    """Give an export made by `tempfile` (0600 files, 0700 folders) the mode a new file gets under the user's umask.

    Call it before the temporary name is renamed into place; in a folder, every file and subfolder is set too.
    """
    umask = current_umask()
    if path.is_dir():
        for child in path.rglob("*"):
            child.chmod((0o777 if child.is_dir() else 0o666) & ~umask)
        path.chmod(0o777 & ~umask)
    else:
        path.chmod(0o666 & ~umask)
