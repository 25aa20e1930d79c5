"""The help screen: every key and what it does, generated from the bindings themselves."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

KEY_NAMES = {
    "right_square_bracket": "]", "left_square_bracket": "[", "question_mark": "?", "slash": "/",
    "full_stop": ".", "comma": ",", "space": "space", "apostrophe": "'", "exclamation_mark": "!",
}


def key_names(binding: Binding, keymap: dict[str, str] | None = None) -> str:
    """The keys of a binding as a reader types them, after the reviewer's keymap."""
    keymap = keymap or {}
    keys = keymap.get(binding.id or "", binding.key)
    return ", ".join(KEY_NAMES.get(key.strip(), key.strip()) for key in keys.split(","))


class HelpScreen(ModalScreen[None]):
    """Lists the bindings in force; any of escape, q or ? closes it."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close help", id="close_help")]

    def __init__(self, bindings: list[Binding]):
        super().__init__()
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        """One line per binding description: its keys after the keymap, what it does, and its id."""
        lines = [Content.styled("Keys", "bold"), Content("")]
        seen: set[str] = set()
        for binding in self.bindings:
            if not binding.description or binding.description in seen:
                continue
            seen.add(binding.description)
            keymap = getattr(self.app, "user_keymap", {})
            lines.append(Content.assemble(
                (f"{key_names(binding, keymap):>12}", "bold"), "  ", binding.description, (f"   [{binding.id}]", "dim"),
            ))
        lines += [
            Content(""),
            Content("ctrl+p opens the command palette; escape closes this screen."),
            Content("Change any key in keys.json (binding id → key), e.g. {\"accept\": \"y\"}; see `annotator keys`."),
        ]
        with VerticalScroll(id="help-box"):
            yield Static(Content("\n").join(lines), id="help")
