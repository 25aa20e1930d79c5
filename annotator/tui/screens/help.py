"""The help screen: every key and what it does, generated from the bindings themselves."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


def key_names(binding: Binding) -> str:
    """The keys of a binding as a reader types them."""
    if binding.key_display:
        return binding.key_display
    names = {"right_square_bracket": "]", "left_square_bracket": "[", "question_mark": "?", "space": "space"}
    return ", ".join(names.get(key.strip(), key.strip()) for key in binding.key.split(","))


class HelpScreen(ModalScreen[None]):
    """Lists the bindings in force; any of escape, q or ? closes it."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close help", id="close_help")]

    def __init__(self, bindings: list[Binding]):
        super().__init__()
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        lines = [Content.styled("Keys", "bold"), Content("")]
        seen: set[str] = set()
        for binding in self.bindings:
            if not binding.description or binding.description in seen:
                continue
            seen.add(binding.description)
            lines.append(Content.assemble((f"{key_names(binding):>12}", "bold"), "  ", binding.description))
        lines += [Content(""), Content("ctrl+p opens the command palette; escape closes this screen.")]
        with VerticalScroll(id="help-box"):
            yield Static(Content("\n").join(lines), id="help")
