"""What a candidate row warns about: schema problems of an event, and a text labelled differently elsewhere.

Each warning is a stable text, so the reviewer can dismiss it where they know better;
the session leaves dismissed texts out.
"""

from __future__ import annotations

from annotator.domain import Entity, Event, TargetKind
from annotator.review.document import DocumentView, Row
from annotator.schema import Schema


def elsewhere_warning(labels: set[str]) -> str:
    """The warning on an entity whose words the document also labels otherwise: "GPE elsewhere"."""
    return f"{'/'.join(sorted(labels))} elsewhere"


def row_warnings(view: DocumentView, row: Row, schema: Schema) -> list[str]:
    """The warnings of one row: an entity's other labels in the document, an event's or argument's schema problems."""
    document = view.document
    if row.kind is TargetKind.ENTITY:
        entity = view.entity(row.pk)
        start, end = entity.final_span
        others = view.labels_of_words.get(document.text[start:end], set()) - {entity.final("label")}
        return [elsewhere_warning(others)] if others else []
    if row.kind is TargetKind.EVENT:
        event = view.event(row.pk)
        return [message for index, message in schema.event_warnings(event, referred_entities(view, event)) if index is None]
    assert row.event_pk is not None
    event = view.event(row.event_pk)
    index = [a.pk for a in event.arguments].index(row.pk)
    return [message for i, message in schema.event_warnings(event, referred_entities(view, event)) if i == index]


def referred_entities(view: DocumentView, event: Event) -> list[Entity]:
    """The entities an event's arguments point at: all the schema's checks look at, found by id, not by a scan."""
    ids = {a.final("entity_id") for a in event.arguments} - {None}
    found = (view.entity_by_id(entity_id) for entity_id in ids)
    return [entity for entity in found if entity is not None]
