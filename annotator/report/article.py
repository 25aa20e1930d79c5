"""One article's page: the text drawn like displaCy's entity view, and its events as cards beside it.

Every entity the reviewers saw is drawn at its final span, in its final label's
colour with the label beside it; the review state shows as a border style, a
glyph and (for a rejected one) struck-through text, so it reads without colour.
A fixed entity shows its machine value beside the new one. Event triggers are
underlined in the text and numbered; the numbers lead to the cards, which list
type, trigger, attributes and arguments (role, extent, linked entity), with
every flag and note.

Spans may nest or cross. They are drawn as nested elements; a span that crosses
the end of the one it sits in is cut there and continues after it, and only its
last piece carries the label.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from annotator.domain import Argument, Document, Entity, Event, Review, Status, is_decided
from annotator.report.html import (
    STATUS_GLYPHS,
    STATUS_WORDS,
    decided_by,
    label_colour,
    legend,
    marks,
    page,
    state,
    status_class,
    text,
)

QUOTE_LIMIT = 80
"""How many characters of an argument's extent a card quotes."""


def is_reviewed(document: Document) -> bool:
    """True when a reviewer did anything on the document: decided, added, flagged or noted an item, or confirmed a sentence."""
    reviews = [e.review for e in document.entities]
    for event in document.events:
        reviews.append(event.review)
        reviews += [a.review for a in event.arguments]
    reviews += [s.review for s in document.sentences]
    return any(r.status is not Status.PENDING or r.flagged or r.note for r in reviews)


def status_counts(document: Document) -> dict[str, Counter[Status]]:
    """How many entities, events and arguments of the document are in each review state (withdrawn ones left out)."""
    counts: dict[str, Counter[Status]] = {"entities": Counter(), "events": Counter(), "arguments": Counter()}
    for entity in document.entities:
        counts["entities"][entity.review.status] += 1
    for event in document.events:
        counts["events"][event.review.status] += 1
        for argument in event.arguments:
            counts["arguments"][argument.review.status] += 1
    for counter in counts.values():
        counter.pop(Status.WITHDRAWN, None)
    return counts


@dataclass(frozen=True)
class _Span:
    """Something drawn over the text: an entity (with its anchor) or an event trigger (with its card number)."""

    start: int
    end: int
    entity: Entity | None = None
    event: Event | None = None
    number: int = 0


@dataclass
class _Node:
    """A piece of a span in the tree of nested pieces; `last` is true for the piece that ends the span."""

    start: int
    end: int
    span: _Span | None
    last: bool
    children: list[_Node] = field(default_factory=list)


def _tree(spans: Iterable[_Span], low: int, high: int) -> _Node:
    """Nest the spans clipped to [low, high); one crossing the end of its container is cut there and continues."""
    root = _Node(low, high, None, True)
    queue: list[tuple[int, int, int, _Span]] = []
    for order, span in enumerate(spans):
        start, end = max(span.start, low), min(span.end, high)
        if start < end:
            queue.append((start, -end, order, span))
    heapq.heapify(queue)
    stack = [root]
    while queue:
        start, negative_end, order, span = heapq.heappop(queue)
        end = -negative_end
        while len(stack) > 1 and stack[-1].end <= start:
            stack.pop()
        container = stack[-1]
        if end > container.end:
            heapq.heappush(queue, (container.end, negative_end, order, span))
            end = container.end
        node = _Node(start, end, span, end == span.end)
        container.children.append(node)
        stack.append(node)
    return root


def _was_entity(entity: Entity, document: Document) -> str:
    """What the machine had for a fixed entity: its label and, when the span moved, its words."""
    fixed = entity.review.fixed
    parts = []
    if "label" in fixed and fixed["label"] != entity.label:
        parts.append(text(entity.label))
    if entity.final_span != (entity.start, entity.end):
        parts.append("«" + text(document.text[entity.start : entity.end]) + "»")
    return f'<span class="was">was {" ".join(parts)}</span>' if parts else ""


def _draw(node: _Node, document: Document) -> str:
    """The HTML of a piece and everything nested in it."""
    span = node.span
    item: Entity | Event | None = None if span is None else (span.entity or span.event)
    rejected = item is not None and item.review.status is Status.REJECTED
    inner: list[str] = []
    at = node.start
    for child in node.children:
        if child.start > at:
            inner.append(_plain(document.text[at : child.start], rejected))
        inner.append(_draw(child, document))
        at = child.end
    if node.end > at:
        inner.append(_plain(document.text[at : node.end], rejected))
    body = "".join(inner)
    if span is None:
        return body
    if span.entity is not None:
        entity = span.entity
        review = entity.review
        label = entity.final("label")
        tag = ""
        if node.last:
            tag = (
                f'<span class="tag"><span class="glyph" aria-label="{STATUS_WORDS[review.status]}">'
                f"{STATUS_GLYPHS[review.status]}</span>{text(label)}{_was_entity(entity, document)}"
                + (f'<span class="mark">{marks(review)}</span>' if review.flagged or review.note else "")
                + "</span>"
            )
        anchor = f' id="ent-{span.number}"' if node.last else ""
        tooltip = " · ".join(filter(None, [STATUS_WORDS[review.status], decided_by(review), review.note]))
        return (
            f'<mark class="ent {status_class(review.status)}"{anchor} style="--c:{label_colour(label)}" '
            f'data-label="{text(label)}" data-status="{review.status.value}" title="{text(tooltip)}">{body}{tag}</mark>'
        )
    event = span.event
    assert event is not None
    review = event.review
    number = (
        f'<sup><a href="#ev-{span.number}" title="{text(event.final("type"))}, {STATUS_WORDS[review.status]}">'
        f"{span.number}</a></sup>" if node.last else ""
    )
    return f'<span class="trig {status_class(review.status)}" data-event="{span.number}">{body}{number}</span>'


def _plain(words: str, rejected: bool) -> str:
    return f"<s>{text(words)}</s>" if rejected else text(words)


def _blocks(document: Document) -> list[tuple[int, int]]:
    """The article's paragraphs as (start, end): text between blank lines, never empty."""
    blocks = []
    source = document.text
    start = 0
    while start < len(source):
        cut = source.find("\n\n", start)
        end = len(source) if cut < 0 else cut
        if source[start:end].strip():
            blocks.append((start, end))
        start = end
        while start < len(source) and source[start] == "\n":
            start += 1
    return blocks


def _quote(document: Document, start: int | None, end: int | None) -> str:
    if start is None or end is None:
        return '<span class="muted">no extent</span>'
    words = " ".join(document.text[start:end].split())
    if len(words) > QUOTE_LIMIT:
        words = words[: QUOTE_LIMIT - 1] + "…"
    return "«" + text(words) + "»"


def _notes(review: Review) -> str:
    """A card line's flag, note, dismissed warnings and who decided."""
    parts = []
    if review.flagged:
        parts.append('<span class="flag">⚑ flagged for a second look</span>')
    if review.note:
        parts.append(f'<p class="note">✉ {text(review.note)}</p>')
    if review.dismissed:
        parts.append('<p class="dismissed">dismissed warnings: ' + "; ".join(text(w) for w in review.dismissed) + "</p>")
    return "".join(parts)


def _argument(argument: Argument, document: Document, entities: Mapping[str, Entity]) -> str:
    review = argument.review
    start, end = argument.final_span
    entity_id = argument.final("entity_id")
    linked = entities.get(entity_id) if entity_id is not None else None
    if (start is None or end is None) and linked is not None:
        start, end = linked.final_span
    link = ""
    if linked is not None:
        label = linked.final("label")
        s, e = linked.final_span
        gone = " (rejected)" if linked.review.status is Status.REJECTED else ""
        link = (
            f' → <span class="chip" style="--c:{label_colour(label)}">{_quote(document, s, e)}'
            f"<b>{text(label)}</b></span>{gone}"
        )
    elif entity_id is not None:
        link = f' → <span class="muted">entity {text(entity_id)} (not in this document)</span>'
    was = []
    fixed = review.fixed
    if "role" in fixed and fixed["role"] != argument.role:
        was.append(text(argument.role))
    if ("start" in fixed or "end" in fixed) and (argument.start, argument.end) != (start, end):
        was.append(_quote(document, argument.start, argument.end))
    if "entity_id" in fixed and fixed["entity_id"] != argument.entity_id:
        was.append("linked to " + text(argument.entity_id) if argument.entity_id else "unlinked")
    if "event_id" in fixed:
        was.append("moved from event " + text(argument.event_id))
    was_html = f' <span class="was">was {", ".join(was)}</span>' if was else ""
    by = decided_by(review)
    return (
        f'<li class="{status_class(review.status)}" data-status="{review.status.value}" title="{text(by)}">'
        f'<span class="glyph" aria-label="{STATUS_WORDS[review.status]}">{STATUS_GLYPHS[review.status]}</span> '
        f'<span class="what"><span class="role">{text(argument.final("role"))}</span> {_quote(document, start, end)}</span>'
        f"{link}{was_html} {marks(review)}{_notes(review)}</li>"
    )


def _attributes(event: Event) -> str:
    final: Mapping[str, Any] = event.final("attributes") or {}
    machine: Mapping[str, Any] = event.attributes or {}
    chips = []
    for name, value in final.items():
        was = f' <span class="was">was {text(machine.get(name, "–"))}</span>' if machine.get(name) != value else ""
        chips.append(f'<span class="attr">{text(name)}: <b>{text(value)}</b>{was}</span>')
    return f'<div class="attrs">{"".join(chips)}</div>' if chips else ""


def _card(event: Event, number: int, document: Document, entities: Mapping[str, Entity]) -> str:
    """An event as a card: number, type, trigger, state, attributes, arguments, flags and notes."""
    review = event.review
    start, end = event.final("trigger_start"), event.final("trigger_end")
    was = []
    if event.final("type") != event.type:
        was.append(text(event.type))
    if (start, end) != (event.trigger_start, event.trigger_end):
        was.append(_quote(document, event.trigger_start, event.trigger_end))
    was_html = f'<span class="was">was {" ".join(was)}</span>' if was else ""
    arguments = [a for a in event.arguments if a.review.status is not Status.WITHDRAWN]
    rows = "".join(_argument(a, document, entities) for a in arguments)
    score = f'<span class="muted small">score {event.score:.2f}</span>' if event.score is not None else ""
    by = decided_by(review)
    return (
        f'<article class="card {status_class(review.status)}" id="ev-{number}" data-status="{review.status.value}">'
        f'<div class="head"><span class="no">{number}</span><span class="type">{text(event.final("type"))}</span>'
        f'<span class="trigger">{_quote(document, start, end)}</span>{state(review)}{score}{marks(review)}{was_html}</div>'
        f"{_attributes(event)}"
        + (f'<ul class="args">{rows}</ul>' if rows else '<p class="muted small">no arguments</p>')
        + _notes(review)
        + (f'<div class="by">{text(by)}</div>' if by else "")
        + "</article>"
    )


def _entity_marks(entities: list[Entity], document: Document) -> str:
    """The flagged or noted entities of the page, each linked to its mark in the text."""
    rows = []
    for n, entity in enumerate(entities, 1):
        review = entity.review
        if not (review.flagged or review.note):
            continue
        rows.append(
            f'<li><a href="#ent-{n}">{_quote(document, *entity.final_span)}</a> '
            f'<span class="chip" style="--c:{label_colour(entity.final("label"))}">{text(entity.final("label"))}</span> '
            f"{state(review)}{_notes(review)}</li>"
        )
    if not rows:
        return ""
    return f'<h2>Flags and notes on entities</h2><ul class="panel entity-notes">{"".join(rows)}</ul>'


def _counts_table(document: Document) -> str:
    counts = status_counts(document)
    order = [Status.ACCEPTED, Status.FIXED, Status.ADDED, Status.REJECTED, Status.PENDING]
    head = "".join(f'<th class="num">{STATUS_GLYPHS[s]} {STATUS_WORDS[s]}</th>' for s in order)
    rows = "".join(
        f"<tr><th>{kind}</th>" + "".join(f'<td class="num">{counter.get(s, 0)}</td>' for s in order) + "</tr>"
        for kind, counter in counts.items()
    )
    return f'<div class="scroll"><table id="state-counts"><tr><th></th>{head}</tr>{rows}</table></div>'


def render_article(document: Document, root: str = "../") -> str:
    """The page of one article: header, legend, the text with its marks beside the event cards, the count of states."""
    entities = {e.id: e for e in document.entities}
    shown = [e for e in document.entities if e.review.status is not Status.WITHDRAWN]
    events = sorted(
        (e for e in document.events if e.review.status is not Status.WITHDRAWN),
        key=lambda e: (e.final("trigger_start"), e.final("trigger_end")),
    )
    number = {id(e): n for n, e in enumerate(events, 1)}
    spans = [_Span(*e.final_span, entity=e, number=n) for n, e in enumerate(shown, 1)]
    spans += [_Span(e.final("trigger_start"), e.final("trigger_end"), event=e, number=number[id(e)]) for e in events]
    parts = []
    for position, (low, high) in enumerate(_blocks(document)):
        in_block = [e for e in events if low <= e.final("trigger_start") < high]
        cards = "".join(_card(e, number[id(e)], document, entities) for e in in_block)
        headline = " headline" if position == 0 and document.title and document.text[low:high] == document.title else ""
        parts.append(
            f'<section class="block{headline}"><div class="text">{_draw(_tree(spans, low, high), document)}</div>'
            f'<div class="cards">{cards}</div></section>'
        )
    machine = [e for e in shown if e.review.status is not Status.ADDED]
    decided = sum(1 for e in machine if is_decided(e.review.status))
    meta = "".join(f"<div><dt>{text(k)}</dt><dd>{text(v)}</dd></div>" for k, v in document.meta.items())
    title = document.title or document.id
    body = (
        '<div class="doc-head">'
        f'<p class="small"><a href="{root}index.html">← all documents</a></p>'
        f"<h1>{text(title)}</h1>"
        f'<dl class="meta"><div><dt>id</dt><dd>{text(document.id)}</dd></div>{meta}'
        f"<div><dt>entities decided</dt><dd>{decided} of {len(machine)}</dd></div>"
        f"<div><dt>events</dt><dd>{len(events)}</dd></div></dl></div>"
        f'<div class="key">{legend()}<p class="small muted">Event triggers are underlined; '
        "their numbers lead to the event cards beside the paragraph.</p></div>"
        f'<div class="panel article">{"".join(parts)}</div>'
        f"<h2>Review states on this page</h2>{_counts_table(document)}"
        f"{_entity_marks(shown, document)}"
    )
    return page(title, body, root, where=document.id)
