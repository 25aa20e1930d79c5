"""Small modals: a line of text (search, note), and the document list to jump to."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from annotator.store import DocumentSummary, Repository
from annotator.tui.widgets.render import plain


class TextPrompt(ModalScreen[str | None]):
    """Ask for one line of text; enter returns it, escape returns None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt_cancel")]

    def __init__(self, title: str, value: str = ""):
        super().__init__()
        self.title_text = title
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box"):
            yield Static(Content.styled(self.title_text, "bold"))
            yield Input(self.value, id="prompt-input")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class DocumentsScreen(ModalScreen[int | None]):
    """Every document with its review progress; enter jumps to the highlighted one."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="documents_cancel")]

    def __init__(self, repository: Repository, current: int):
        super().__init__()
        self.repository = repository
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="documents-box"):
            yield Static(Content.styled("Documents · enter opens · esc cancels", "bold"))
            yield DataTable(id="documents", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("#", width=6)
        table.add_column("document", width=24)
        table.add_column("title", width=44)
        table.add_column("decided", width=14)
        table.loading = True
        self.load_summaries()

    @work(thread=True, exclusive=True)
    def load_summaries(self) -> None:
        """Per-document progress counts the whole corpus: off the UI thread."""
        summaries = self.repository.document_summaries()
        self.app.call_from_thread(self.show_summaries, summaries)

    def show_summaries(self, summaries: list[DocumentSummary]) -> None:
        table = self.query_one(DataTable)
        table.loading = False
        for index, summary in enumerate(summaries):
            share = summary.decided / summary.candidates if summary.candidates else 1.0
            table.add_row(
                str(index + 1), plain(summary.id), plain(summary.title or ""),
                f"{summary.decided}/{summary.candidates} {share:.0%}",
            )
        table.move_cursor(row=self.current)
        table.focus()

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        self.dismiss(event.cursor_row)

    def action_cancel(self) -> None:
        self.dismiss(None)
