"""The article pane's text: the sentence under review between its neighbours, candidates styled in place."""

from __future__ import annotations

from textual.content import Content
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


class ArticleView(Static):
    """The current sentence and its context: entities coloured by label, triggers reversed, the cursor's target marked.

    On an argument, its extent is underlined and the entity it refers to is marked, so the
    reviewer sees both; the last match of find stands out.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self._shown: tuple[object, ...] | None = None

    def show(self, place: Place | None, target: Row | None) -> None:
        """Draw a place's sentence with `target` marked; nothing is redrawn when nothing changed."""
        if place is None or place.view is None:
            return
        before = CONTEXT_SENTENCES if self.app.size.height >= TALL_SCREEN_ROWS else 1
        shown = (place.view, place.sentence_index, target, before, place.match)
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


def _stylize(content: Content, sentence: tuple[int, int], style: str, start: int, end: int) -> Content:
    """Style the part of a document span that falls in a sentence drawn as `content`."""
    start, end = max(start, sentence[0]), min(end, sentence[1])
    return content if start >= end else content.stylize(style, start - sentence[0], end - sentence[0])


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
        parts += [plain(document.title or document.text[headline.start : headline.end], "bold"), "\n  …\n\n"]
    last = min(len(document.sentences), sentence_index + CONTEXT_SENTENCES + 1)
    marks = _marks(view, target)
    if match is not None:
        marks.append((match, MATCH_STYLE))
    for sentence in document.sentences[first:last]:
        is_current = sentence.index == sentence_index
        content = plain(document.text[sentence.start : sentence.end], "" if is_current else "dim")
        offsets = (sentence.start, sentence.end)
        for entity in view.entities_in.get(sentence.index, ()):
            if entity.review.status is Status.WITHDRAWN:
                continue
            start, end = entity.final_span
            content = _stylize(content, offsets, f"{label_colour(entity.final('label'))} {review_style(entity.review)}", start, end)
        for event in view.events_in.get(sentence.index, ()):
            if event.review.status is Status.WITHDRAWN:
                continue
            style = TRIGGER_STYLE if event.review.status is not Status.REJECTED else "strike dim"
            content = _stylize(content, offsets, style, event.final("trigger_start"), event.final("trigger_end"))
        for (start, end), style in marks:
            content = _stylize(content, offsets, style, start, end)
        parts += [("▶ " if is_current else "  ", "bold" if is_current else ""), content, "\n\n"]
    return Content.assemble(*parts)
