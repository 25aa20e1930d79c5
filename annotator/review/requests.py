"""What a fix or an addition asks the reviewer, and which corrections their answer makes.

Pure functions over a `DocumentView`: they build the `EditRequest` a modal shows and
turn its `EditResult` back into the values to store, without touching the repository.
A request and its answer are both read in the sentence of the target itself, with the
same schema, so a lettered choice picks the same entity whatever the cursor did in between.
"""

from __future__ import annotations

from typing import Any

from annotator.domain import TargetKind
from annotator.review.choices import (
    UNLINK_KEY,
    attribute_choices,
    label_choices,
    link_choices,
    role_choices,
    type_choices,
)
from annotator.review.document import DocumentView, Row
from annotator.review.editing import EditRequest, EditResult
from annotator.schema import Schema


def token_span(view: DocumentView, sentence: int, start: int, end: int) -> tuple[int, int] | None:
    """The token indices (end exclusive) of a sentence covering a character span, or None."""
    tokens = view.document.sentences[sentence].tokens
    first = next((i for i, (_, token_end) in enumerate(tokens) if token_end > start), None)
    last = next((i for i in range(len(tokens) - 1, -1, -1) if tokens[i][0] < end), None)
    if first is None or last is None or last < first:
        return None
    return first, last + 1


def _numbered(values: list[str], on_digits: tuple[str, ...]) -> int | None:
    return len([v for v in on_digits if v in values]) or None


def fix_request(view: DocumentView, row: Row, schema: Schema) -> EditRequest | None:
    """The modal request to fix one row's target, read in that target's sentence; None when it is gone.

    On an argument: arrows resize its extent, a digit sets its role, a letter links it to
    an entity and `UNLINK_KEY` unlinks it.
    """
    sentence = view.sentence_of_target(row.kind, row.pk)
    if sentence is None:
        return None
    text = view.document.text
    tokens = view.document.sentences[sentence].tokens
    if row.kind is TargetKind.ENTITY:
        entity = view.entity(row.pk)
        label = entity.final("label")
        start, end = entity.final_span
        labels = label_choices(view, schema)
        return EditRequest(
            f"Fix entity «{text[start:end]}» ({label})", text, labels, label,
            tokens=tokens, span=token_span(view, sentence, start, end), numbered=_numbered(labels, schema.digit_labels),
        )
    if row.kind is TargetKind.EVENT:
        event = view.event(row.pk)
        event_type = event.final("type")
        start, end = event.final("trigger_start"), event.final("trigger_end")
        types = type_choices(schema)
        return EditRequest(
            f"Fix event {event_type} «{text[start:end]}»", text, types, event_type,
            tokens=tokens, span=token_span(view, sentence, start, end), numbered=_numbered(types, schema.digit_types),
        )
    assert row.event_pk is not None
    event = view.event(row.event_pk)
    argument = view.argument(row.event_pk, row.pk)
    role = argument.final("role")
    extent = view.extent_of_argument(argument)
    choices = [(c.key, c.description) for c in link_choices(view, sentence, role, schema)]
    if argument.final("entity_id") is not None:
        choices.append((UNLINK_KEY, "unlink: keep the extent, refer to no entity"))
    return EditRequest(
        f"Fix argument {role} of {event.final('type')}: ←/→ extent · digit = role · letter = link",
        text, role_choices(schema, event.final("type")), role, choices=choices,
        tokens=tokens, span=None if extent is None else token_span(view, sentence, *extent),
    )


def fix_changes(view: DocumentView, row: Row, result: EditResult, schema: Schema) -> dict[str, Any]:
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
        role = argument.final("role")
        if result.value is not None and result.value != role:
            changes["role"] = result.value
        if result.start is not None and (result.start, result.end) != view.extent_of_argument(argument):
            changes.update(start=result.start, end=result.end)
        sentence = view.sentence_of_target(row.kind, row.pk)
        if result.choice == UNLINK_KEY:
            if argument.final("entity_id") is not None:
                changes["entity_id"] = None
        elif result.choice is not None and sentence is not None:
            # The letters were shown for the role the argument had when the request was made.
            chosen = next((c for c in link_choices(view, sentence, role, schema) if c.key == result.choice), None)
            if chosen is not None and chosen.entity_id != argument.final("entity_id"):
                changes["entity_id"] = chosen.entity_id
    return changes


def add_entity_request(view: DocumentView, sentence: int, schema: Schema) -> EditRequest:
    """The modal request to add an entity in a sentence: a span picked by word, then a label."""
    labels = label_choices(view, schema)
    return EditRequest(
        "Add an entity: pick its first word, extend with →, then a digit for its label",
        view.document.text, labels, tokens=view.document.sentences[sentence].tokens,
        pick_start=True, numbered=_numbered(labels, schema.digit_labels),
    )


def add_event_request(view: DocumentView, sentence: int, schema: Schema) -> EditRequest:
    """The modal request to add an event in a sentence: a trigger picked by word, then a type."""
    types = type_choices(schema)
    return EditRequest(
        "Add an event: pick its trigger's first word, extend with →, then a digit (letters filter) for its type",
        view.document.text, types, tokens=view.document.sentences[sentence].tokens, pick_start=True,
        numbered=_numbered(types, schema.digit_types),
    )


def add_argument_request(view: DocumentView, event_pk: int, schema: Schema) -> EditRequest:
    """The first step of adding an argument: its extent picked by word and grown with →, then a digit for its role."""
    sentence = view.sentence_of_target(TargetKind.EVENT, event_pk) or 0
    event = view.event(event_pk)
    return EditRequest(
        f"Add an argument to {event.final('type')}: pick its first word, extend with →, then a digit for its role",
        view.document.text, role_choices(schema, event.final("type")),
        tokens=view.document.sentences[sentence].tokens, pick_start=True,
    )


def link_request(view: DocumentView, event_pk: int, role: str, schema: Schema) -> EditRequest:
    """The optional second step of adding an argument: a letter links the entity it refers to; enter leaves it bare."""
    sentence = view.sentence_of_target(TargetKind.EVENT, event_pk) or 0
    return EditRequest(
        f"…does this {role} refer to an entity? letter: link · enter: no, keep the bare extent",
        view.document.text, choices=[(c.key, c.description) for c in link_choices(view, sentence, role, schema)],
        skippable=True,
    )


def attribute_request(view: DocumentView, event_pk: int, schema: Schema) -> EditRequest:
    """The attribute picker of an event: one key per (attribute, value) pair."""
    event = view.event(event_pk)
    return EditRequest(
        f"Attributes of {event.final('type')}: one key sets one value",
        view.document.text, choices=[(c.key, c.label) for c in attribute_choices(schema, event)],
    )
