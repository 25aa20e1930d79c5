"""The review screen's top line: the document's title, and where the reviewer is with how much is decided."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from annotator.review.session import Progress
from annotator.tui.render import plain

BAR_CELLS = 10
READ_ONLY_MARK = " read-only: nothing is saved "
"""The header's first words on a store opened read-only."""
WIDE_SCREEN = 100
"""Narrower screens show the position and a percentage only (no counts, no bar), so the title keeps its room."""


class ReviewHeader(Horizontal):
    """Title on the left; document, sentence, reviewer and a progress bar on the right."""

    def compose(self) -> ComposeResult:
        """The title and the status, each one line."""
        yield Static(id="header-title", markup=False)
        yield Static(id="header-status", markup=False)

    def show(self, title: str, position: str, reviewer: str, progress: Progress | None, read_only: bool = False) -> None:
        """Draw the title and the status: candidates decided and sentences seen, or `counting…` until counted.

        The bar and the percentage count both; "done" needs every candidate decided and every sentence seen.
        A store opened read-only says so first, so nobody decides in vain.
        """
        narrow = self.app.size.width < WIDE_SCREEN
        name: list[tuple[str, str] | str] = [] if narrow else [("annotator", "bold"), " · "]
        _update(self.query_one("#header-title", Static), Content.assemble(*name, plain(title, "bold")))
        marker: tuple[str, str] | str = (READ_ONLY_MARK, "bold reverse") if read_only else ""
        status = Content.assemble(marker, " " if read_only else "", f"{position} · ", plain(reviewer), progress_text(progress, self.app.size.width))
        widget = self.query_one("#header-status", Static)
        if not _update(widget, status):
            return
        # Sized here, not by `width: auto`: Textual 8.2.8 caches a widget's box model per layout request, so a
        # second update before the layout runs (the progress count landing right after a move) kept the first width.
        widget.styles.width = status.cell_length + widget.styles.padding.left


def _update(widget: Static, content: Content) -> bool:
    """Show new content in a Static; False, and nothing redrawn, when it shows that already (the header is drawn at every decision)."""
    if isinstance(widget.content, Content) and widget.content.is_same(content):
        return False
    widget.update(content)
    return True


def progress_text(progress: Progress | None, screen_width: int) -> Content | str:
    """How far the review is: decided out of all machine candidates, sentences seen, a bar (on a wide screen), done."""
    if progress is None:
        return " · counting…"
    narrow = screen_width < WIDE_SCREEN
    counts = f" · {progress.decided}/{progress.total} decided"
    if progress.total_sentences:  # none in adjudication, which settles candidates only
        counts += f" · {progress.seen_sentences}/{progress.total_sentences} seen"
    if progress.is_done:
        return Content.assemble("" if narrow else counts, " · ", ("done ✓", "bold"))
    # Rounded down, so 100% never shows while work is left.
    share = int(progress.fraction * 100)
    if narrow:
        return f" · {share}%"
    filled = int(progress.fraction * BAR_CELLS)
    return f"{counts} ▕{'█' * filled}{'░' * (BAR_CELLS - filled)}▏ {share}%"
