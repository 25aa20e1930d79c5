"""The documents list: every document with its review progress, to jump to one."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from annotator.store import Repository
from annotator.tui.messages import DocumentsListed
from annotator.tui.render import plain


class DocumentsScreen(ModalScreen[int | None]):
    """Every document with its review progress; enter returns the highlighted one's position."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="documents_cancel")]

    def __init__(self, repository: Repository, current: int):
        super().__init__()
        self.repository = repository
        self.current = current
        """Position of the document under review, where the cursor starts."""

    def compose(self) -> ComposeResult:
        """A title line and the table, filled once the worker has counted."""
        with Vertical(id="documents-box"):
            yield Static(Content.styled("Documents · enter opens · esc cancels", "bold"))
            yield DataTable(id="documents", cursor_type="row")

    def on_mount(self) -> None:
        """Lay out the columns and start counting."""
        table = self.query_one(DataTable)
        table.add_column("#", width=6)
        table.add_column("document", width=24)
        table.add_column("title", width=44)
        table.add_column("decided", width=14)
        table.loading = True
        self.list_documents()

    @work(thread=True, exclusive=True)
    def list_documents(self) -> None:
        """Per-document progress counts the whole corpus: off the UI thread."""
        self.post_message(DocumentsListed(self.repository.document_summaries()))

    @on(DocumentsListed)
    def _documents_listed(self, event: DocumentsListed) -> None:
        table = self.query_one(DataTable)
        table.loading = False
        for index, summary in enumerate(event.summaries):
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
        """Close without jumping."""
        self.dismiss(None)
