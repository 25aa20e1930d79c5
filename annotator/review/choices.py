"""What the reviewer picks from, in an order that never moves under their fingers.

Labels, event types and roles come in the schema's order, the ones the schema puts on
digits first; never by frequency and never by the cursor, so a digit always means the
same value. Lettered choices (entities to link, events to move to, attribute values)
are computed from the document and the schema alone, so the letter shown in a request
picks the same thing when its answer comes back.
"""

from __future__ import annotations

from typing import NamedTuple

from annotator.domain import Entity, Event, Status, TargetKind
from annotator.review.document import DocumentView, context_of
from annotator.review.editing import HINT_LETTERS
from annotator.schema import Schema

UNLINK_KEY = "x"
"""The lettered choice that unlinks an argument from its entity, leaving its extent bare."""
LINK_LETTERS = HINT_LETTERS.replace(UNLINK_KEY, "")
"""Letters that pick an entity to link: every hint letter but the one that unlinks."""
# Characters of context either side of a choice's words: enough to tell two "Russia"s apart.
_CHOICE_CONTEXT = 16


class LinkChoice(NamedTuple):
    """An entity an argument may refer to, picked by `key`, described with a few words of context."""

    key: str
    entity_pk: int
    entity_id: str
    description: str


class AttributeChoice(NamedTuple):
    """One (attribute, value) pair of the schema, set with one key."""

    key: str
    name: str
    value: str
    label: str


class MoveTarget(NamedTuple):
    """Another live event of the sentence an argument can move or be copied to, picked by `key`."""

    key: str
    event_pk: int
    description: str


def _digits_first(ordered: tuple[str, ...] | list[str], on_digits: tuple[str, ...]) -> list[str]:
    first = [value for value in on_digits if value in ordered]
    return first + [value for value in ordered if value not in first]


def label_choices(view: DocumentView, schema: Schema) -> list[str]:
    """Entity labels: the schema's digit labels, the rest of the schema's in its order, then any others the document uses."""
    ordered = _digits_first(schema.entity_labels, schema.digit_labels)
    used = {e.final("label") for e in view.document.entities if e.review.status is not Status.WITHDRAWN}
    return ordered + sorted(used - set(ordered))


def type_choices(schema: Schema) -> list[str]:
    """Event types: the schema's digit types, then the rest in the schema's order."""
    return _digits_first(list(schema.events), schema.digit_types)


def role_choices(schema: Schema, event_type: str) -> list[str]:
    """The roles an event type takes, in the schema's order; every role the schema knows for a type it does not."""
    return list(schema.roles_of(event_type)) or list(schema.role_labels)


def link_choices(view: DocumentView, sentence: int, role: str, schema: Schema) -> list[LinkChoice]:
    """Entities an argument of `role` in a sentence may refer to, lettered: the role's allowed labels first.

    The sentence's own entities come before those of the earlier sentences of its paragraph
    (a pronoun's referent is often there), then the rest of the document, nearest first;
    every choice shows
    its label and a few words around it, so two mentions of one name are told apart.
    """
    candidates: list[Entity] = list(view.hint_entities(sentence))
    nearby = view.paragraph_before(sentence)
    for earlier in nearby:
        candidates += view.hint_entities(earlier)
    # A referent may sit further back ("we" → Russia two paragraphs up): the rest of the
    # document follows, nearest sentence first, earlier text before later, while letters last.
    count = len(view.document.sentences)
    further = [i for i in range(sentence - 1, -1, -1) if i not in nearby] + list(range(sentence + 1, count))
    for index in further:
        if len(candidates) >= 4 * len(LINK_LETTERS):
            break
        candidates += view.hint_entities(index)
    allowed = [e for e in candidates if schema.allows_label(role, e.final("label"))]
    others = [e for e in candidates if not schema.allows_label(role, e.final("label"))]
    text = view.document.text
    choices = []
    for key, entity in zip(LINK_LETTERS, allowed + others):
        assert entity.pk is not None
        start, end = entity.final_span
        context = context_of(text, start, end, _CHOICE_CONTEXT)
        choices.append(LinkChoice(key, entity.pk, entity.id, f"{text[start:end]}  {entity.final('label')}  {context}"))
    return choices


def attribute_choices(schema: Schema, event: Event) -> list[AttributeChoice]:
    """Every (attribute, value) pair of the schema with a key of its own, so setting one takes one key.

    A pair's key is the first free letter of its value, else of its attribute's name, else
    any free letter: "n" for polarity negative, "g" for genericity generic, and it stays
    the same for every event because it depends on the schema alone.
    """
    current = event.final("attributes") or {}
    taken: set[str] = set()
    choices = []
    for name, values in schema.attributes.items():
        for value in values:
            key = next(
                (c for c in f"{value}{name}{HINT_LETTERS}".lower() if c in HINT_LETTERS and c not in taken), None,
            )
            if key is None:
                break
            taken.add(key)
            mark = "  (now)" if current.get(name) == value else ""
            choices.append(AttributeChoice(key, name, value, f"{name}: {value}{mark}"))
    return choices


def move_targets(view: DocumentView, event_pk: int) -> list[MoveTarget]:
    """The other live events of an event's sentence, lettered in list order, each with its type and trigger."""
    sentence = view.sentence_of_target(TargetKind.EVENT, event_pk)
    if sentence is None:
        return []
    text = view.document.text
    others = [e for e in view.live_events(sentence) if e.pk != event_pk]
    targets = []
    for key, event in zip(HINT_LETTERS, others):
        assert event.pk is not None
        trigger = text[event.final("trigger_start") : event.final("trigger_end")]
        targets.append(MoveTarget(key, event.pk, f"{event.final('type')} «{trigger}»"))
    return targets
