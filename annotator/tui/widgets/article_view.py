"""The article pane's text: the sentence under review between its neighbours, candidates styled in place."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from annotator.domain import Status, TargetKind
from annotator.review.document import DocumentView, Row
from annotator.tui.render import CURSOR_STYLE, TRIGGER_STYLE, label_colour, plain, review_style

CONTEXT_SENTENCES = 3
"""Sentences shown before and after the current one (before it only one on a short terminal)."""
TALL_SCREEN_ROWS = 30


class ArticleView(Static):
    """The current sentence and its context; entities coloured by label, triggers reversed, the cursor's entity marked."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self._shown: tuple[object, ...] | None = None

    def show(self, view: DocumentView | None, sentence_index: int, target: Row | None) -> None:
        """Draw a sentence of a document with `target` marked; nothing is redrawn when nothing changed."""
        before = CONTEXT_SENTENCES if self.app.size.height >= TALL_SCREEN_ROWS else 1
        shown = (view, sentence_index, target, before)
        if view is None or shown == self._shown:
            return
        self._shown = shown
        self.update(article_content(view, sentence_index, target, before))


def article_content(view: DocumentView, sentence_index: int, target: Row | None, before: int) -> Content:
    """The document's headline, `before` sentences, the current one (marked ▶) and the next few, styled."""
    document = view.document
    parts: list[Content | str | tuple[str, str]] = []
    first = max(0, sentence_index - before)
    if first > 0 and document.sentences:
        # The headline always stays in sight: the title, or the document's first sentence.
        headline = document.sentences[0]
        parts += [plain(document.title or document.text[headline.start : headline.end], "bold"), "\n  …\n\n"]
    last = min(len(document.sentences), sentence_index + CONTEXT_SENTENCES + 1)
    for sentence in document.sentences[first:last]:
        is_current = sentence.index == sentence_index
        content = plain(document.text[sentence.start : sentence.end], "" if is_current else "dim")
        for entity in view.entities_in.get(sentence.index, ()):
            if entity.review.status is Status.WITHDRAWN:
                continue
            start, end = entity.final_span
            style = f"{label_colour(entity.final('label'))} {review_style(entity.review)}"
            if target is not None and target.kind is TargetKind.ENTITY and target.pk == entity.pk:
                style += f" {CURSOR_STYLE}"
            content = content.stylize(style, start - sentence.start, min(end, sentence.end) - sentence.start)
        for event in view.events_in.get(sentence.index, ()):
            if event.review.status is Status.WITHDRAWN:
                continue
            start, end = event.final("trigger_start"), event.final("trigger_end")
            style = TRIGGER_STYLE if event.review.status is not Status.REJECTED else "strike dim"
            content = content.stylize(style, start - sentence.start, min(end, sentence.end) - sentence.start)
        parts += [("▶ " if is_current else "  ", "bold" if is_current else ""), content, "\n\n"]
    return Content.assemble(*parts)
