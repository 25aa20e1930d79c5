"""A small modal that answers one key: pick an attribute value, an event to move an argument to, a warning to dismiss.

Each line of the picker has a heading and one or more keys, each with what it does
("polarity   p positive   n negative"). The key pressed is the answer, case counts
(`a` moves, `A` copies); escape answers None. Nothing from the store is parsed as markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from annotator.tui.render import plain_line


@dataclass(frozen=True)
class PickLine:
    """One line of a picker: a heading, then each key with what it does (user text, shown as written)."""

    heading: str
    keys: tuple[tuple[str, str], ...]
    current: str = ""
    """The key whose value holds now, marked on the line; empty when none."""


class PickerScreen(ModalScreen[str | None]):
    """Lines of keys under a title; the first key that is on a line answers, escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="picker_cancel")]

    def __init__(self, title: str, lines: list[PickLine], footer: str = ""):
        super().__init__()
        self.title_text = title
        """What the picker asks."""
        self.lines = lines
        """The keys on offer, line by line."""
        self.footer = footer
        """A dim line under the keys: what the keys do when the title does not say."""
        self.keys = {key for line in lines for key, _ in line.keys}

    def compose(self) -> ComposeResult:
        """The title, the lines of keys and the footer, in one box."""
        width = max((len(line.heading) for line in self.lines), default=0)
        parts: list[Content | str | tuple[str, str]] = [plain_line(self.title_text, "bold"), "\n\n"]
        for line in self.lines:
            parts += [plain_line(f"{line.heading:<{width}}"), "  "]
            for key, description in line.keys:
                mark = "bold reverse #ffaf00" if key == line.current else "bold reverse"
                parts += ["  ", (f" {key} ", mark), " ", plain_line(description)]
            parts.append("\n")
        parts += ["\n", (f"{self.footer + ' · ' if self.footer else ''}esc: cancel", "dim")]
        with Vertical(id="picker-box"):
            yield Static(Content.assemble(*parts), id="picker-body")

    def on_key(self, event: events.Key) -> None:
        """A key on offer answers; the others are ignored (escape is a binding)."""
        if event.character is not None and event.character in self.keys:
            event.stop()
            self.dismiss(event.character)

    def action_cancel(self) -> None:
        """Close without an answer."""
        self.dismiss(None)
