"""The statistics screen: what the reviewer's decisions say about the extractor, and how fast they go."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from annotator.tui.widgets.render import plain

COLUMNS = ("pending", "accepted", "rejected", "fixed", "added", "acceptance", "boundary fixes")


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


class StatsScreen(Screen[None]):
    """Per label, event type and role: decisions, acceptance rate, boundary-fix rate; throughput."""

    BINDINGS = [Binding("escape,s,q", "app.pop_screen", "Back to review", id="stats_back")]

    def __init__(self, repository):
        super().__init__()
        self.repository = repository

    def compose(self) -> ComposeResult:
        yield VerticalScroll(Static(Content("Counting the decisions…"), id="stats-loading"), id="stats")
        yield Footer()

    def on_mount(self) -> None:
        self.load_figures()

    @work(thread=True, exclusive=True)
    def load_figures(self) -> None:
        """Figures read every candidate of the corpus: off the UI thread."""
        figures = self.repository.review_figures()
        self.app.call_from_thread(self.show_figures, figures)

    def show_figures(self, figures: dict[str, Any]) -> None:
        container = self.query_one("#stats", VerticalScroll)
        self.query_one("#stats-loading").remove()
        container.mount_all(list(self._widgets(figures)))

    def _widgets(self, figures: dict[str, Any]):
        """The tables and the throughput line."""
        for key, title in (("labels", "Entity labels"), ("event_types", "Event types"), ("roles", "Argument roles")):
            yield Static(Content.styled(title, "bold"), classes="stats-title")
            table = DataTable(id=f"stats-{key}", cursor_type="none", zebra_stripes=True)
            table.add_column(title.split()[-1].rstrip("s"), key="name", width=24)
            for column in COLUMNS:
                table.add_column(column, key=column)
            for name, row in figures[key].items():
                table.add_row(
                    plain(name), *(str(row[c]) for c in COLUMNS[:5]),
                    _rate(row["acceptance_rate"]), _rate(row["boundary_fix_rate"]),
                )
            yield table
        yield Static(Content.styled("Throughput (decisions per active minute; pauses over 5 minutes left out)", "bold"), classes="stats-title")
        lines = [
            Content.assemble(plain(reviewer, "bold"), f"  {row['decisions']} decisions, {row['active_minutes']:.1f} active minutes, "
                             + (f"{row['per_minute']:.1f} per minute" if row["per_minute"] is not None else "— per minute"))
            for reviewer, row in sorted(figures["throughput"].items())
        ] or [Content("No decisions yet.")]
        yield Static(Content("\n").join(lines), id="throughput")
