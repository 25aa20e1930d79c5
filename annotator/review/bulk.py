"""Bulk decisions with eyes open: what `A`, `L` and `I` would decide, listed mention by mention in context.

A `BulkPreview` says what it applies ("accept", "reject", "ORG→GPE") and to which
candidates; its mentions are read only as far as the screen shows them, so a label
that spans a whole corpus costs nothing until it is scrolled. The reviewer unticks
exceptions, and the session applies the preview to the rest as one undo step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from annotator.domain import Action, Document, Entity, Status, TargetKind
from annotator.review.document import DocumentView, Row, context_of
from annotator.store import Repository

# Characters of context either side of a mention: about forty in all.
MENTION_CONTEXT = 20


@dataclass(frozen=True)
class Mention:
    """One candidate a bulk operation would decide: its words, label and the text around it.

    `context` keeps the text's own characters (newlines, tabs): showing them is the renderer's job.
    """

    row: Row
    document_id: str
    words: str
    label: str
    context: str


@dataclass(frozen=True)
class BulkPreview:
    """What a bulk key would do before it does it: what it applies, to which candidates, and their mentions."""

    description: str
    """What the operation applies, e.g. "accept", "reject" or "ORG→GPE", and to what."""
    rows: tuple[Row, ...]
    """Every candidate it would decide, in document and reading order."""
    action: Action
    """How the log names the operation."""
    source_pk: int | None = None
    """For identical mentions: the decided entity whose decision they get."""
    _read: Callable[[], Iterator[Mention]] = field(default=lambda: iter(()), repr=False, compare=False)

    @property
    def total(self) -> int:
        """How many candidates the operation would decide."""
        return len(self.rows)

    def iter_mentions(self) -> Iterator[Mention]:
        """The mentions one at a time, read from the store only as far as they are consumed."""
        return self._read()

    def mentions(self, limit: int | None = None) -> list[Mention]:
        """The first `limit` mentions (all of them when None)."""
        return list(islice(self._read(), limit))

    def without(self, exceptions: Iterable[Row]) -> list[Row]:
        """The rows the operation applies to once the reviewer unticked `exceptions`."""
        skipped = set(exceptions)
        return [row for row in self.rows if row not in skipped]


def mention_of(view: DocumentView, row: Row) -> Mention:
    """A row of a loaded document as a mention: an entity, an event's trigger or an argument's extent, in context."""
    text = view.document.text
    span = view.span_of(row) or (0, 0)
    label = view.label_of(row)
    if row.kind is TargetKind.ARGUMENT and row.event_pk is not None:
        label = f"{label} of {view.event(row.event_pk).final('type')}"
    return Mention(row, view.document.id, text[span[0] : span[1]], label, context_of(text, *span, MENTION_CONTEXT))


def _entity_mention(document: Document, entity: Entity) -> Mention:
    assert entity.pk is not None
    start, end = entity.final_span
    text = document.text
    return Mention(
        Row(TargetKind.ENTITY, entity.pk, entity.review.status), document.id, text[start:end],
        entity.final("label"), context_of(text, start, end, MENTION_CONTEXT),
    )


def rows_preview(view: DocumentView, rows: list[Row], description: str, action: Action) -> BulkPreview:
    """A preview of rows of the loaded document (the rest of a sentence)."""
    return BulkPreview(description, tuple(rows), action, _read=lambda: (mention_of(view, row) for row in rows))


def entities_preview(
    repository: Repository, view: DocumentView, pks: list[int], description: str, action: Action,
    source_pk: int | None = None,
) -> BulkPreview:
    """A preview of entities anywhere in the store, in document and reading order.

    Entities of the loaded document are read from it; others from the store, document by
    document, only when the mentions are consumed that far.
    """
    wanted = set(pks)
    here = {e.pk: e for e in view.document.entities if e.pk in wanted}
    if len(here) == len(wanted):
        entities = sorted(here.values(), key=lambda e: e.final_span)
        rows = tuple(Row(TargetKind.ENTITY, pk, here[pk].review.status) for pk in _keys(entities))
        return BulkPreview(
            description, rows, action, source_pk, lambda: (_entity_mention(view.document, e) for e in entities),
        )

    def read() -> Iterator[Mention]:
        left = set(wanted)
        for document in repository.iter_documents(with_tokens=False):
            for entity in sorted(document.entities, key=lambda e: e.final_span):
                if entity.pk in left:
                    left.discard(entity.pk)
                    yield _entity_mention(document, entity)
            if not left:
                return

    # Rows in key order: the store's keys follow import order, so document order too.
    rows = tuple(Row(TargetKind.ENTITY, pk, Status.PENDING) for pk in sorted(wanted))
    return BulkPreview(description, rows, action, source_pk, read)


def _keys(entities: list[Entity]) -> list[int]:
    keys = []
    for entity in entities:
        assert entity.pk is not None
        keys.append(entity.pk)
    return keys


def identical_description(entity: Entity) -> str:
    """What giving a decided entity's decision to its identical mentions applies: "accept", "reject" or "ORG→GPE".

    A boundary fix belongs to that one mention; the identical mentions are then accepted.
    """
    status = entity.review.status
    if status is Status.REJECTED:
        return "reject"
    fixed_label = entity.review.fixed.get("label")
    if fixed_label is not None and fixed_label != entity.label:
        return f"{entity.label}→{fixed_label}"
    return "accept"
