"""The review application (a first screen: the store's documents and their progress)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, Static

from annotator.store import Repository


class AnnotatorApp(App[None]):
    """Opens the store and shows what there is to review."""

    CSS_PATH = "app.tcss"
    TITLE = "annotator"
    BINDINGS = [Binding("q", "quit", "Quit", id="quit")]

    def __init__(self, repository: Repository, reviewer: str, db_label: str = ""):
        super().__init__()
        self.repository = repository
        self.reviewer = reviewer
        self.db_label = db_label

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Content(f"reviewer {self.reviewer} · store {self.db_label}"), id="where")
        yield DataTable(id="documents", cursor_type="row")
        yield Static(
            Content("The sentence-by-sentence review screen is not built yet; documents and progress are listed here."),
            id="notice",
        )
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#documents", DataTable)
        table.add_column("document", width=24)
        table.add_column("title", width=60)
        table.add_column("decided", width=8)
        table.add_column("candidates", width=10)
        summaries = self.repository.document_summaries()
        for summary in summaries:
            table.add_row(
                Content(summary.id), Content(summary.title or ""), str(summary.decided), str(summary.candidates)
            )
        if not summaries:
            self.query_one("#notice", Static).update(
                Content("The store is empty: run `annotator import FILE` or `annotator demo`.")
            )
