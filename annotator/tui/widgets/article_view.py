"""The article pane's text: the sentence under review between its neighbours, candidates styled in place."""

from __future__ import annotations

from textual.content import Content, Span
from textual.widgets import Static

from annotator.domain import Status, TargetKind
from annotator.review.document import DocumentView, Row
from annotator.tui.place import Place
from annotator.tui.render import (
    CURSOR_STYLE,
    EXTENT_STYLE,
    MATCH_STYLE,
    REFERENT_STYLE,
    TRIGGER_STYLE,
    label_colour,
    plain,
    review_style,
)

CONTEXT_SENTENCES = 3
"""Sentences shown before and after the current one (before it only one on a short terminal)."""
TALL_SCREEN_ROWS = 30


LONG_SENTENCE = 1_200
"""A sentence longer than this (in characters) is shown as a window of it, around what the cursor is on."""
WINDOW_BEFORE, WINDOW_AFTER = 200, 500
"""Characters of a long sentence shown before and after the start of the cursor's target."""

Spans = list[tuple[int, int, str]]


class ArticleView(Static):
    """The current sentence and its context: entities coloured by label, triggers reversed, the cursor's target marked.

    On an argument, its extent is underlined and the entity it refers to is marked, so the
    reviewer sees both; the last match of find stands out. A sentence of thousands of
    candidates is shown as a window around the cursor, and only the candidates in that
    window are styled, so a key costs about the same there as anywhere.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self._shown: tuple[object, ...] | None = None

    def show(self, place: Place | None, target: Row | None) -> None:
        """Draw a place's sentence with `target` marked; nothing is redrawn when nothing changed."""
        if place is None or place.view is None:
            return
        before = CONTEXT_SENTENCES if self.app.size.height >= TALL_SCREEN_ROWS else 1
        shown = (place.view, place.revision, place.sentence_index, target, before, place.match)
        if shown == self._shown:
            return
        self._shown = shown
        self.update(article_content(place.view, place.sentence_index, target, before, place.match))


def _marks(view: DocumentView, target: Row | None) -> list[tuple[tuple[int, int], str]]:
    """The spans the cursor's target marks: an entity reversed; an argument's extent underlined and its referent marked."""
    if target is None:
        return []
    if target.kind is TargetKind.ENTITY:
        span = view.span_of(target)
        return [] if span is None else [(span, CURSOR_STYLE)]
    if target.kind is not TargetKind.ARGUMENT or target.event_pk is None:
        return []
    argument = view.argument(target.event_pk, target.pk)
    marks = []
    entity_id = argument.final("entity_id")
    entity = None if entity_id is None else view.entity_by_id(entity_id)
    if entity is not None:
        marks.append((entity.final_span, REFERENT_STYLE))
    extent = view.extent_of_argument(argument)
    if extent is not None:
        marks.append((extent, EXTENT_STYLE))
    return marks


def candidate_spans(view: DocumentView, sentence: int, part: tuple[int, int]) -> Spans:
    """The styled spans of a sentence's candidates that fall in `part`: entities by label and status, then triggers.

    A candidate is passed over by its machine offsets unless it was fixed (its offsets may
    have moved), so a window of a sentence of thousands costs little more than a short one.
    """
    first, last = part
    withdrawn = Status.WITHDRAWN
    spans: Spans = []
    for entity in view.entities_in.get(sentence, ()):
        review = entity.review
        if ((entity.end <= first or entity.start >= last) and not review.fixed) or review.status is withdrawn:
            continue
        start, end = entity.final_span
        spans.append((start, end, f"{label_colour(entity.final('label'))} {review_style(review)}"))
    for event in view.events_in.get(sentence, ()):
        review = event.review
        if ((event.trigger_end <= first or event.trigger_start >= last) and not review.fixed) or review.status is withdrawn:
            continue
        style = TRIGGER_STYLE if event.review.status is not Status.REJECTED else "strike dim"
        spans.append((event.final("trigger_start"), event.final("trigger_end"), style))
    return spans


def shown_part(sentence: tuple[int, int], focus: int | None, is_current: bool, is_before: bool) -> tuple[int, int]:
    """The part of a sentence drawn: all of it, or for a long one a window around `focus` (its start when none)."""
    start, end = sentence
    if end - start <= LONG_SENTENCE:
        return start, end
    if is_current and focus is not None:
        first = max(start, min(focus - WINDOW_BEFORE, end - WINDOW_BEFORE - WINDOW_AFTER))
        return first, min(end, first + WINDOW_BEFORE + WINDOW_AFTER)
    return (end - LONG_SENTENCE, end) if is_before else (start, start + LONG_SENTENCE)


def _sentence_content(text: str, part: tuple[int, int], whole: tuple[int, int], style: str, spans: Spans) -> Content:
    """One sentence's shown part with the spans that fall in it, styled once (never one copy of the text per span)."""
    first, last = part
    drawn = plain(text[first:last], style)
    found = [
        Span(max(start, first) - first, min(end, last) - first, span_style)
        for start, end, span_style in spans
        if start < last and end > first and start < end
    ]
    content = Content(drawn.plain, [*drawn.spans, *found], strip_control_codes=False)
    if first > whole[0]:
        content = Content.assemble(("… ", "dim"), content)
    if last < whole[1]:
        content = Content.assemble(content, (" …", "dim"))
    return content


def article_content(
    view: DocumentView, sentence_index: int, target: Row | None, before: int, match: tuple[int, int] | None = None,
) -> Content:
    """The document's headline, `before` sentences, the current one (marked ▶) and the next few, styled."""
    document = view.document
    parts: list[Content | str | tuple[str, str]] = []
    first = max(0, sentence_index - before)
    if first > 0 and document.sentences:
        # The headline always stays in sight: the title, or the document's first sentence.
        headline = document.sentences[0]
        title = document.title or document.text[headline.start : min(headline.end, headline.start + LONG_SENTENCE)]
        parts += [plain(title, "bold"), "\n  …\n\n"]
    last = min(len(document.sentences), sentence_index + CONTEXT_SENTENCES + 1)
    marks = [(start, end, style) for (start, end), style in _marks(view, target)]
    if match is not None:
        marks.append((match[0], match[1], MATCH_STYLE))
    focus = marks[0][0] if marks else None
    for sentence in document.sentences[first:last]:
        is_current = sentence.index == sentence_index
        whole = (sentence.start, sentence.end)
        part = shown_part(whole, focus, is_current, sentence.index < sentence_index)
        spans = candidate_spans(view, sentence.index, part) + marks
        content = _sentence_content(document.text, part, whole, "" if is_current else "dim", spans)
        parts += [("▶ " if is_current else "  ", "bold" if is_current else ""), content, "\n\n"]
    return Content.assemble(*parts)
