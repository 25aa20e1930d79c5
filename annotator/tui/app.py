"""The review application: opens the store on the review screen, where the reviewer stopped."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Footer, Header, Static

from annotator.schema import Schema, load_schema
from annotator.store import Repository
from annotator.tui.screens.review import ReviewScreen
from annotator.tui.session import ReviewSession


class AnnotatorApp(App[None]):
    """Review machine-extracted entities and events, one sentence at a time."""

    CSS_PATH = "app.tcss"
    TITLE = "annotator"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", id="app_quit", show=False)]

    def __init__(self, repository: Repository, reviewer: str, db_label: str = "", schema: Schema | None = None):
        super().__init__()
        self.repository = repository
        self.reviewer = reviewer
        self.db_label = db_label
        self.schema = schema or load_schema()
        self.session = ReviewSession(repository, reviewer)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            Content("The store is empty: run `annotator import FILE`, `annotator extract PATH --into-store` or `annotator demo`."),
            id="notice",
        )
        yield Footer()

    def on_mount(self) -> None:
        if self.session.document_count:
            self.session.resume()
            self.push_screen(ReviewScreen(self.session, self.schema))
