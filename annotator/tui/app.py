"""The review application: opens the store on the review screen, where the reviewer stopped (or on the disputes)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from annotator.review.adjudication import Adjudication
from annotator.review.session import ReviewSession
from annotator.schema import Schema
from annotator.store import Repository, StoreError
from annotator.tui.keymap import effective_key
from annotator.tui.screens.review import ReviewScreen


class AnnotatorApp(App[None]):
    """Review machine-extracted entities and events, one sentence at a time."""

    CSS_PATH = "app.tcss"
    TITLE = "annotator"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", id="app_quit", show=False)]

    def __init__(
        self, repository: Repository, reviewer: str, db_label: str = "", schema: Schema | None = None,
        keymap: dict[str, str] | None = None, adjudication: Adjudication | None = None,
    ):
        super().__init__()
        self.repository = repository
        self.reviewer = reviewer
        self.db_label = db_label
        self.schema = schema or repository.schema
        self.session = ReviewSession(repository, reviewer, self.schema)
        if adjudication is not None:
            self.session.restrict_to(adjudication)
        self.user_keymap = dict(keymap or {})
        if self.user_keymap:
            self.set_keymap(self.user_keymap)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette offers every action of the current screen, with its key."""
        yield from super().get_system_commands(screen)
        for binding in getattr(screen, "BINDINGS", []):
            if not isinstance(binding, Binding) or not binding.description:
                continue
            key = effective_key(binding, self.user_keymap)
            yield SystemCommand(
                binding.description, f"key: {key}",
                partial(screen.run_action, binding.action),
            )

    def compose(self) -> ComposeResult:
        """What an empty store shows; a store with documents opens the review screen on top."""
        yield Header()
        yield Static(
            Content("The store is empty: run `annotator import FILE`, `annotator extract PATH --into-store` or `annotator demo`."),
            id="notice",
        )
        yield Footer()

    def on_mount(self) -> None:
        """Open the review screen where the reviewer stopped, when the store holds documents."""
        if self.session.document_count:
            self.session.resume()
            self.push_screen(ReviewScreen(self.session, self.schema))

    async def run_action(self, action, default_namespace=None, namespaces=None) -> bool:
        """Run an action; a store that refuses the write (read-only, locked too long) is said, not a crash.

        The write was one transaction that rolled back, so the session still shows what the
        store holds, and the next key is read as usual.
        """
        try:
            return await super().run_action(action, default_namespace, namespaces)
        except StoreError as error:
            review = next((s for s in reversed(self.screen_stack) if isinstance(s, ReviewScreen)), None)
            if review is not None:
                review.refused(error)
            else:
                self.notify(str(error), severity="error", markup=False)
            return True
