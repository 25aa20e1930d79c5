"""What a fix or an addition asks the reviewer, and which corrections their answer makes.

Pure functions over a `DocumentView`: they build the `EditRequest` a modal shows and
turn its `EditResult` back into the values to store, without touching the repository.
A request and its answer are both read in the sentence of the target itself, so a
lettered choice picks the same entity whatever the cursor did in between.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from annotator.domain import Entity, Status, TargetKind
from annotator.review.document import DocumentView, Row
from annotator.review.editing import HINT_LETTERS, EditRequest, EditResult
from annotator.schema import Schema


def label_choices(view: DocumentView, schema: Schema) -> list[str]:
    """Entity labels, the ones this document uses most first, then the rest of the schema's."""
    used = Counter(e.final("label") for e in view.document.entities if e.review.status is not Status.WITHDRAWN)
    ordered = [label for label, _ in used.most_common()]
    return ordered + [label for label in schema.entity_labels if label not in used]


def type_choices(schema: Schema, current: str) -> list[str]:
    """Event types: the current one, then the others of its category, then the rest."""
    category = current.split(".")[0]
    names = list(schema.events)
    same = [n for n in names if n.split(".")[0] == category and n != current]
    return [current, *same, *[n for n in names if n not in same and n != current]]


def role_choices(view: DocumentView, event_pk: int, schema: Schema) -> list[str]:
    """The roles an event of this type takes, or every role the schema knows when it names none."""
    return list(schema.roles_of(view.event(event_pk).final("type"))) or sorted(schema.role_labels)


def lettered_entities(view: DocumentView, sentence: int) -> list[Entity]:
    """The entities of a sentence that the hint letters pick, in reading order."""
    return view.hint_entities(sentence)[: len(HINT_LETTERS)]


def entity_for_letter(view: DocumentView, sentence: int, letter: str) -> Entity:
    """The entity a hint letter picks in a sentence."""
    return lettered_entities(view, sentence)[HINT_LETTERS.index(letter)]


def _entity_choices(view: DocumentView, sentence: int) -> list[tuple[str, str]]:
    text = view.document.text
    return [
        (letter, f"{text[e.final('start'):e.final('end')]}  {e.final('label')}")
        for letter, e in zip(HINT_LETTERS, lettered_entities(view, sentence))
    ]


def token_span(view: DocumentView, sentence: int, start: int, end: int) -> tuple[int, int] | None:
    """The token indices (end exclusive) of a sentence covering a character span, or None."""
    tokens = view.document.sentences[sentence].tokens
    first = next((i for i, (_, token_end) in enumerate(tokens) if token_end > start), None)
    last = next((i for i in range(len(tokens) - 1, -1, -1) if tokens[i][0] < end), None)
    if first is None or last is None or last < first:
        return None
    return first, last + 1


def fix_request(view: DocumentView, row: Row, schema: Schema) -> EditRequest | None:
    """The modal request to fix one row's target, read in that target's sentence; None when it is gone."""
    sentence = view.sentence_of_target(row.kind, row.pk)
    if sentence is None:
        return None
    text = view.document.text
    tokens = view.document.sentences[sentence].tokens
    if row.kind is TargetKind.ENTITY:
        entity = view.entity(row.pk)
        label = entity.final("label")
        start, end = entity.final_span
        return EditRequest(
            f"Fix entity «{text[start:end]}» ({label})", text, label_choices(view, schema), label,
            tokens=tokens, span=token_span(view, sentence, start, end),
        )
    if row.kind is TargetKind.EVENT:
        event = view.event(row.pk)
        event_type = event.final("type")
        start, end = event.final("trigger_start"), event.final("trigger_end")
        return EditRequest(
            f"Fix event {event_type} «{text[start:end]}»", text, type_choices(schema, event_type), event_type,
            tokens=tokens, span=token_span(view, sentence, start, end),
        )
    assert row.event_pk is not None
    event = view.event(row.event_pk)
    argument = view.argument(row.event_pk, row.pk)
    return EditRequest(
        f"Fix argument {argument.final('role')} of {event.final('type')}: digit = role, letter = entity",
        text, role_choices(view, row.event_pk, schema), argument.final("role"),
        choices=_entity_choices(view, sentence),
    )


def fix_changes(view: DocumentView, row: Row, result: EditResult) -> dict[str, Any]:
    """The corrected values the reviewer's answer makes to a row's target; empty when nothing changed."""
    changes: dict[str, Any] = {}
    if row.kind is TargetKind.ENTITY:
        entity = view.entity(row.pk)
        if result.value is not None and result.value != entity.final("label"):
            changes["label"] = result.value
        if result.start is not None and (result.start, result.end) != entity.final_span:
            changes.update(start=result.start, end=result.end)
    elif row.kind is TargetKind.EVENT:
        event = view.event(row.pk)
        if result.value is not None and result.value != event.final("type"):
            changes["type"] = result.value
        trigger = (event.final("trigger_start"), event.final("trigger_end"))
        if result.start is not None and (result.start, result.end) != trigger:
            changes.update(trigger_start=result.start, trigger_end=result.end)
    else:
        assert row.event_pk is not None
        argument = view.argument(row.event_pk, row.pk)
        if result.value is not None and result.value != argument.final("role"):
            changes["role"] = result.value
        sentence = view.sentence_of_target(row.kind, row.pk)
        if result.choice is not None and sentence is not None:
            entity = entity_for_letter(view, sentence, result.choice)
            if entity.id != argument.final("entity_id"):
                changes.update(entity_id=entity.id, start=None, end=None)
    return changes


def add_entity_request(view: DocumentView, sentence: int, schema: Schema) -> EditRequest:
    """The modal request to add an entity in a sentence: a span picked by word, then a label."""
    return EditRequest(
        "Add an entity: pick its first word, extend with →, then a digit for its label",
        view.document.text, label_choices(view, schema), tokens=view.document.sentences[sentence].tokens,
        pick_start=True,
    )


def add_event_request(view: DocumentView, sentence: int, schema: Schema) -> EditRequest:
    """The modal request to add an event in a sentence: a trigger picked by word, then a type."""
    return EditRequest(
        "Add an event: pick its trigger's first word, extend with →, then a digit (letters filter) for its type",
        view.document.text, list(schema.events), tokens=view.document.sentences[sentence].tokens, pick_start=True,
    )


def add_argument_requests(view: DocumentView, event_pk: int, schema: Schema) -> tuple[EditRequest, EditRequest]:
    """The two steps of adding an argument to an event: its role (digit), then its entity (letter)."""
    sentence = view.sentence_of_target(TargetKind.EVENT, event_pk) or 0
    text = view.document.text
    return (
        EditRequest(
            f"Add an argument to {view.event(event_pk).final('type')}: its role", text,
            role_choices(view, event_pk, schema),
        ),
        EditRequest("…and the entity that fills it", text, choices=_entity_choices(view, sentence)),
    )
