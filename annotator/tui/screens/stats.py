"""The statistics screen: what the reviewer's decisions say about the extractor, and how fast they go."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Static

from annotator.store import Repository
from annotator.tui.messages import FiguresCounted
from annotator.tui.render import plain

COLUMNS = ("pending", "accepted", "rejected", "fixed", "added", "acceptance", "boundary fixes")


def _rate(value: float | None) -> str:
    """A share as a percentage, or a dash when nothing was decided."""
    return "—" if value is None else f"{value:.0%}"


class StatsScreen(Screen[None]):
    """Per label, event type and role: decisions, acceptance rate, boundary-fix rate; throughput."""

    BINDINGS = [Binding("escape,s,q", "app.pop_screen", "Back to review", id="stats_back")]

    def __init__(self, repository: Repository):
        super().__init__()
        self.repository = repository

    def compose(self) -> ComposeResult:
        """A placeholder line until the figures are counted, and the footer."""
        yield VerticalScroll(Static(Content("Counting the decisions…"), id="stats-loading"), id="stats")
        yield Footer()

    def on_mount(self) -> None:
        """Start counting."""
        self.count_figures()

    @work(thread=True, exclusive=True)
    def count_figures(self) -> None:
        """Figures read every candidate of the corpus: off the UI thread."""
        self.post_message(FiguresCounted(self.repository.review_figures()))

    @on(FiguresCounted)
    def _figures_counted(self, event: FiguresCounted) -> None:
        container = self.query_one("#stats", VerticalScroll)
        self.query_one("#stats-loading").remove()
        container.mount_all(list(self._widgets(event.figures)))

    def _widgets(self, figures: dict[str, Any]) -> Iterator[Widget]:
        """The tables and the throughput line."""
        for key, title in (("labels", "Entity labels"), ("event_types", "Event types"), ("roles", "Argument roles")):
            yield Static(Content.styled(title, "bold"), classes="stats-title")
            table: DataTable[str | Content] = DataTable(id=f"stats-{key}", cursor_type="none", zebra_stripes=True)
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
