"""One candidate as the review screen draws it: a line of the candidate list, and the full detail of the current one.

Every string from the store (words, labels, types, roles, attribute values, warnings,
notes) goes through `render`, so none is parsed as markup and control characters show.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content

from annotator.domain import SHARED_TRIGGER_WARNING, Argument, Event, TargetKind
from annotator.review.document import DocumentView, Row
from annotator.schema import Schema
from annotator.tui.render import WARNING_STYLE, clip, label_colour, one_line, plain_line, review_style, symbol

NEEDS_CONFIRMATION = "Nothing found here — a: nothing missing, n/N: add"
CONFIRMED_EMPTY = "Nothing here (confirmed) — n/N: add"
MERGE_HINT = " (w: merge)"
"""What the shared-trigger warning adds: the key that merges the two events."""
ROLE_WIDTH = 11
LABEL_WIDTH = 9


def words_width(list_width: int, hint_width: int = 1) -> int:
    """Room for a candidate's words in a list `list_width` cells wide, less hint, symbol, label and score."""
    return max(8, list_width - hint_width - 24)


def entity_words_width(view: DocumentView, rows: Sequence[Row], room: int) -> int:
    """The column an entity's words take: as wide as the longest entity's words of the sentence, at most `room`."""
    longest = max(
        (len(one_line(view.document.text[slice(*view.entity(row.pk).final_span)])) for row in rows if row.kind is TargetKind.ENTITY),
        default=0,
    )
    return max(8, min(longest, room))


def drawn_from(view: DocumentView, row: Row) -> tuple[object, ...]:
    """The candidates a row's line (see `candidate_line`) is drawn from: while they are the same objects, so is the line.

    A view updated in place replaces the candidates a decision changed, and only those.
    """
    if row.kind is TargetKind.ENTITY:
        return (view, view.entity(row.pk))
    if row.kind is TargetKind.EVENT:
        return (view, view.event(row.pk))
    assert row.event_pk is not None
    argument = view.argument(row.event_pk, row.pk)
    entity_id = argument.final("entity_id")
    return (view, argument, None if entity_id is None else view.entity_by_id(entity_id))


def candidate_line(
    view: DocumentView, row: Row, schema: Schema, width: int, warnings: Sequence[str] = (), hint: str = "",
    hint_style: str = "dim", words_column: int | None = None,
) -> Content:
    """One line of the list: hint, status, words, label or type, score, attributes, warnings, then flag and note.

    `width` is the room for words; an entity's words are padded to `words_column` (the
    sentence's longest, see `entity_words_width`) so labels line up.
    """
    if row.kind is TargetKind.ENTITY:
        line = _entity_line(view, row, width, words_column or width)
    elif row.kind is TargetKind.EVENT:
        line = _event_line(view, row, schema)
    else:
        line = _argument_line(view, row, width)
    parts: list[Content | str | tuple[str, str]] = [(hint, hint_style), " "] if hint else []
    parts.append(line)
    parts += _marks(view, row, warnings, "  ⚑")
    return Content.assemble(*parts)


def _marks(view: DocumentView, row: Row, warnings: Sequence[str], flag: str) -> list[Content | tuple[str, str]]:
    """What follows a row's own words: its warnings, its flag and its note."""
    marks: list[Content | tuple[str, str]] = [_warnings(warnings)] if warnings else []
    review = view.review_of(row)
    if review.flagged:
        marks.append((flag, WARNING_STYLE))
    if review.note:
        marks.append(("  ✉ " + one_line(review.note), WARNING_STYLE))
    return marks


def _warnings(warnings: Sequence[str]) -> Content:
    texts = [one_line(text) + (MERGE_HINT if text == SHARED_TRIGGER_WARNING else "") for text in warnings]
    return Content.styled(f"  ⚠ {'; '.join(texts)}", WARNING_STYLE, strip_control_codes=False)


def _score(score: float | None) -> str:
    return f"{score:.2f}" if score is not None else "  — "


def _entity_line(view: DocumentView, row: Row, width: int, column: int) -> Content:
    entity = view.entity(row.pk)
    start, end = entity.final_span
    label = one_line(entity.final("label"))
    words = clip(one_line(view.document.text[start:end]), min(width, column))
    return Content.assemble(
        f"{symbol(entity.review)} ", (f"{words:<{column}}", review_style(entity.review)), " ",
        (f"{label:<{LABEL_WIDTH}}", label_colour(entity.final("label"))), _score(entity.score),
    )


def attribute_values(event: Event, schema: Schema, names: bool = False) -> Content:
    """An event's attribute values in the schema's order ("positive · asserted"); values other than the default stand out.

    With `names`, each value is named and its cue shown ("polarity: negative (cue «denied»)").
    """
    held = event.final("attributes") or {}
    defaults = schema.default_attributes()
    pieces: list[Content] = []
    for name in schema.attributes:
        value = held.get(name)
        if value is None:
            continue
        text = f"{one_line(name)}: {one_line(str(value))}" if names else one_line(str(value))
        cue = held.get(f"{name}_cue")
        if names and cue:
            text += f" (cue «{one_line(str(cue))}»)"
        style = "dim" if value == defaults.get(name) else WARNING_STYLE
        pieces.append(Content.styled(text, style, strip_control_codes=False))
    return Content(" · ").join(pieces)


def _event_line(view: DocumentView, row: Row, schema: Schema) -> Content:
    event = view.event(row.pk)
    trigger = one_line(view.document.text[event.final("trigger_start") : event.final("trigger_end")])
    attributes = attribute_values(event, schema)
    return Content.assemble(
        f"{symbol(event.review)} ", plain_line(event.final("type"), f"bold {review_style(event.review)}"),
        f"  «{trigger}»  {_score(event.score)}", "  " if attributes else "", attributes,
    )


def referent(view: DocumentView, argument: Argument) -> Content | None:
    """What a linked argument refers to, "= Russia (GPE)"; None for a bare extent."""
    entity_id = argument.final("entity_id")
    if entity_id is None:
        return None
    entity = view.entity_by_id(entity_id)
    if entity is None:
        return plain_line(f"= (missing {entity_id})", WARNING_STYLE)
    start, end = entity.final_span
    label = entity.final("label")
    return Content.assemble(
        "= ", plain_line(view.document.text[start:end]), " (", plain_line(label, label_colour(label)), ")",
    )


def _argument_line(view: DocumentView, row: Row, width: int) -> Content:
    assert row.event_pk is not None
    argument = view.argument(row.event_pk, row.pk)
    extent = view.extent_of_argument(argument)
    words = one_line(view.document.text[extent[0] : extent[1]]) if extent else "?"
    linked = referent(view, argument)
    return Content.assemble(
        f"    {symbol(argument.review)} ",
        (f"{one_line(argument.final('role')):<{ROLE_WIDTH}}", review_style(argument.review)),
        f" “{clip(words, width)}”", "  " if linked else "", linked or "",
    )


def row_detail(view: DocumentView, row: Row | None, schema: Schema, warnings: Sequence[str] = ()) -> Content:
    """The current row in full, never cut: its whole text, what it is, attributes or referent, warnings, flag and note."""
    if row is None:
        return Content("")
    text = view.document.text
    parts: list[Content | str | tuple[str, str]] = []
    if row.kind is TargetKind.ENTITY:
        entity = view.entity(row.pk)
        start, end = entity.final_span
        label = entity.final("label")
        parts += ["«", plain_line(text[start:end], "bold"), "»  ", plain_line(label, label_colour(label))]
    elif row.kind is TargetKind.EVENT:
        event = view.event(row.pk)
        trigger = text[event.final("trigger_start") : event.final("trigger_end")]
        parts += [plain_line(event.final("type"), "bold"), " «", plain_line(trigger), "»"]
        attributes = attribute_values(event, schema, names=True)
        if attributes:
            parts += ["  ", attributes]
    else:
        assert row.event_pk is not None
        event = view.event(row.event_pk)
        argument = view.argument(row.event_pk, row.pk)
        extent = view.extent_of_argument(argument)
        trigger = text[event.final("trigger_start") : event.final("trigger_end")]
        parts += [
            plain_line(argument.final("role"), "bold"), " of ", plain_line(event.final("type")), " «", plain_line(trigger),
            "»: “", plain_line(text[extent[0] : extent[1]] if extent else "?", "bold"), "”",
        ]
        linked = referent(view, argument)
        if linked is not None:
            parts += ["  ", linked]
    parts += _marks(view, row, warnings, "  ⚑ flagged")
    return Content.assemble(*parts)


def verdicts_line(verdicts: Sequence[tuple[str, str]]) -> Content:
    """Each reviewer's decision side by side, "ana: accepted · bo: rejected"; names and values are shown, never parsed."""
    pieces = [Content.assemble(plain_line(reviewer, "bold"), ": ", plain_line(decided)) for reviewer, decided in verdicts]
    return Content(" · ").join(pieces)
