"""A modal that asks for one line of text: what to find, or a note on a candidate."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class TextPrompt(ModalScreen[str | None]):
    """Ask for one line of text; enter returns it, escape returns None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt_cancel")]

    def __init__(self, title: str, value: str = ""):
        super().__init__()
        self.title_text = title
        """What the prompt asks, shown above the input."""
        self.value = value
        """The text the input starts with."""

    def compose(self) -> ComposeResult:
        """The question and the input line."""
        with Vertical(id="prompt-box"):
            yield Static(Content.styled(self.title_text, "bold"))
            yield Input(self.value, id="prompt-input")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """Close without an answer."""
        self.dismiss(None)
