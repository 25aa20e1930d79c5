"""The review screen's top line: the document's title, and where the reviewer is with how much is decided."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from annotator.review.session import Progress
from annotator.tui.render import plain

BAR_CELLS = 10


class ReviewHeader(Horizontal):
    """Title on the left; document, sentence, reviewer and a progress bar on the right."""

    def compose(self) -> ComposeResult:
        """The title and the status, each one line."""
        yield Static(id="header-title", markup=False)
        yield Static(id="header-status", markup=False)

    def show(self, title: str, position: str, reviewer: str, progress: Progress | None) -> None:
        """Draw the title and the status: decided out of all machine candidates, or `counting…` until counted."""
        self.query_one("#header-title", Static).update(Content.assemble(("annotator", "bold"), " · ", plain(title, "bold")))
        if progress is None:
            counted: Content | str = " · counting…"
        else:
            decided, total = progress.decided, progress.total
            share = decided / total if total else 0.0
            filled = round(share * BAR_CELLS)
            bar = "█" * filled + "░" * (BAR_CELLS - filled)
            counted = f" · {decided}/{total} ▕{bar}▏ {share:.0%}"
        status = Content.assemble(f"{position} · ", plain(reviewer), counted)
        widget = self.query_one("#header-status", Static)
        widget.update(status)
        # Sized here, not by `width: auto`: Textual 8.2.8 caches a widget's box model per layout request, so a
        # second update before the layout runs (the progress count landing right after a move) kept the first width.
        widget.styles.width = status.cell_length + widget.styles.padding.left
