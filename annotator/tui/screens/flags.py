"""The flags screen: every flagged or noted candidate of the store, to jump to one."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from annotator.review.session import ReviewSession
from annotator.store import FlaggedItem
from annotator.tui.messages import FlagsListed
from annotator.tui.render import WARNING_STYLE, plain_line


class FlagsScreen(ModalScreen[FlaggedItem | None]):
    """Every flagged or noted candidate, in document order; enter returns the highlighted one, to jump to it."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="flags_cancel")]

    def __init__(self, session: ReviewSession):
        super().__init__()
        self.session = session
        """Where the flags are read from."""
        self.items: list[FlaggedItem] = []
        """The items listed, in table order."""

    def compose(self) -> ComposeResult:
        """A title line and the table, filled once the worker has read the flags."""
        with Vertical(id="flags-box"):
            yield Static(Content.styled("Flagged and noted candidates · enter jumps · esc cancels", "bold"), id="flags-title")
            yield DataTable(id="flags", cursor_type="row")

    def on_mount(self) -> None:
        """Lay out the columns and start reading."""
        table = self.query_one(DataTable)
        table.add_column("document", width=16)
        table.add_column("candidate", width=40)
        table.add_column("⚑", width=2)
        table.add_column("note")
        table.loading = True
        self.list_flags()

    @work(thread=True, exclusive=True)
    def list_flags(self) -> None:
        """The flags of the whole store: off the UI thread."""
        self.post_message(FlagsListed(self.session.flags()))

    @on(FlagsListed)
    def _flags_listed(self, event: FlagsListed) -> None:
        table = self.query_one(DataTable)
        table.loading = False
        self.items = event.items
        for item in event.items:
            table.add_row(
                plain_line(item.document_id), Content.assemble(plain_line(item.name, "bold"), " ", plain_line(item.words)),
                Content.styled("⚑", WARNING_STYLE) if item.flagged else "", plain_line(item.note),
            )
        count = len(event.items)
        self.query_one("#flags-title", Static).update(Content.styled(
            f"{count} flagged or noted candidate{'s' if count != 1 else ''} · enter jumps · esc cancels"
            if count else "Nothing is flagged or noted: f flags a candidate, m writes a note · esc closes",
            "bold",
        ))
        table.focus()

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.items):
            self.dismiss(self.items[event.cursor_row])

    def action_cancel(self) -> None:
        """Close without jumping."""
        self.dismiss(None)
