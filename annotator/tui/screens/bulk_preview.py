"""Bulk decisions with eyes open: every mention a bulk key would decide, in context, ticked; untick the exceptions.

The preview says what it applies ("accept", "ORG→GPE") and to how many; the list shows
each mention with the words around it. Mentions are read a page at a time as the list
is scrolled, so a label that spans a whole corpus opens at once. `space` unticks or
ticks the highlighted mention, `enter` (or `y`) applies the preview to the ticked ones (one
undo step), `escape` cancels; when the key offers several scopes (this document, the
whole corpus, a score threshold), their letters switch between them.
"""

from __future__ import annotations

from collections.abc import Iterator

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from annotator.review.bulk import BulkPreview, Mention
from annotator.review.document import Row
from annotator.tui.questions import Scope
from annotator.tui.render import clip, label_colour, one_line, plain_line

PAGE = 100
"""Mentions read at a time: more are read when the highlight comes near the end of those shown."""
LABEL_WIDTH = 10
WORDS_WIDTH = 24


def mention_prompt(mention: Mention, other_document: bool) -> Content:
    """A mention on one line: its words, its label, then its context with the words standing out (and its document).

    The words come first so the reviewer reads down one column to spot the odd one out.
    """
    context = one_line(mention.context)
    words = one_line(mention.words)
    at = context.find(words) if words else -1
    line = Content.styled(context, "dim", strip_control_codes=False)
    if at >= 0:
        line = line.stylize("not dim bold", at, at + len(words))
    label = mention.label.split(" ")[0]
    parts: list[Content | str | tuple[str, str]] = [
        plain_line(f"{clip(words, WORDS_WIDTH):<{WORDS_WIDTH}}", "bold"), " ",
        plain_line(f"{mention.label:<{LABEL_WIDTH}}", label_colour(label)), " ", line,
    ]
    if other_document:
        parts += ["  ", plain_line(mention.document_id, "dim")]
    return Content.assemble(*parts)


class BulkPreviewScreen(ModalScreen[tuple[BulkPreview, list[Row]] | None]):
    """The mentions a bulk decision would decide, ticked; answers the preview and the unticked rows, or None."""

    BINDINGS = [
        Binding("enter", "apply", "Apply to the ticked", id="preview_apply", priority=True),
        Binding("y", "apply", "Yes, apply to the ticked", id="preview_yes", show=False),
        Binding("escape", "cancel", "Cancel", id="preview_cancel"),
    ]

    def __init__(self, scopes: list[Scope], document_id: str = ""):
        super().__init__()
        self.scopes = scopes
        """The previews on offer, each under its key; the first is shown first."""
        self.scope = scopes[0]
        """The preview shown, the one enter applies."""
        self.document_id = document_id
        """The document under review: mentions from another one say which they are in."""
        self._mentions: list[Mention] = []
        self._reading: Iterator[Mention] = iter(())
        self._unticked: set[int] = set()

    def compose(self) -> ComposeResult:
        """The title, the scopes, the list of mentions and the keys."""
        with Vertical(id="preview-box"):
            yield Static(id="preview-title")
            yield SelectionList[int](id="preview-mentions")
            yield Static(id="preview-keys")

    def on_mount(self) -> None:
        """Show the first scope and put the focus on its mentions."""
        self._show(self.scopes[0])
        self.query_one(SelectionList).focus()

    @property
    def exceptions(self) -> list[Row]:
        """The mentions the reviewer unticked, by the rows they stand for."""
        return [self._mentions[index].row for index in sorted(self._unticked)]

    def _show(self, scope: Scope) -> None:
        self.scope = scope
        self._mentions = []
        self._unticked = set()
        self._reading = scope.preview.iter_mentions()
        mentions = self.query_one(SelectionList)
        mentions.clear_options()
        self._read_more()
        if mentions.option_count:
            mentions.highlighted = 0
        self._redraw()

    def _read_more(self) -> None:
        """Read the next page of mentions into the list, all ticked."""
        start = len(self._mentions)
        for mention in self._reading:
            self._mentions.append(mention)
            if len(self._mentions) - start >= PAGE:
                break
        page = self._mentions[start:]
        if page:
            self.query_one(SelectionList).add_options(
                Selection(mention_prompt(m, m.document_id != self.document_id), start + i, True) for i, m in enumerate(page)
            )

    def _redraw(self) -> None:
        preview = self.scope.preview
        ticked = preview.total - len(self._unticked)
        title: list[Content | str | tuple[str, str]] = [plain_line(preview.description, "bold")]
        if len(self.scopes) > 1:
            title.append("\n")
            for scope in self.scopes:
                style = "bold reverse" if scope is self.scope else ""
                title += ["  ", (f" {scope.key} ", "bold reverse"), " ", (f"{scope.name}: {scope.preview.total}", style)]
        shown = len(self._mentions)
        more = f" (first {shown} shown; more as you scroll)" if shown < preview.total else ""
        self.query_one("#preview-title", Static).update(Content.assemble(*title))
        self.query_one("#preview-keys", Static).update(Content.assemble(
            (f"{ticked} of {preview.total} ticked{more}", "bold"), "\n",
            ("space: untick/tick · enter or y: apply to the ticked (one undo step) · esc: cancel"
             + (" · letter: scope" if len(self.scopes) > 1 else ""), "dim"),
        ))

    @on(SelectionList.SelectionHighlighted)
    def _near_the_end(self, event: SelectionList.SelectionHighlighted) -> None:
        # A quarter of a page before the end: the next page is there before the highlight reaches it.
        if event.selection_index >= len(self._mentions) - max(1, PAGE // 4) and len(self._mentions) < self.scope.preview.total:
            self._read_more()
            self._redraw()

    @on(SelectionList.SelectedChanged)
    def _ticked(self, event: SelectionList.SelectedChanged) -> None:
        selected = set(event.selection_list.selected)
        self._unticked = set(range(len(self._mentions))) - selected
        self._redraw()

    def on_key(self, event: events.Key) -> None:
        """A scope's letter shows that scope."""
        scope = next((s for s in self.scopes if s.key == event.character), None)
        if scope is not None and len(self.scopes) > 1:
            event.stop()
            if scope is not self.scope:
                self._show(scope)

    def action_apply(self) -> None:
        """Answer the preview shown and the mentions unticked in it."""
        self.dismiss((self.scope.preview, self.exceptions))

    def action_cancel(self) -> None:
        """Close without deciding anything."""
        self.dismiss(None)
