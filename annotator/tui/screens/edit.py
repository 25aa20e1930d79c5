"""Fix and add from the keyboard: one small modal that picks a value and, where it applies, a span.

Digits pick from the numbered list (labels, event types, roles); letters filter it,
or, when the modal offers lettered choices (entities of the sentence, tokens to
start a new span at), pick one of those. Arrows move the span's end by one token,
shift+arrows its start; boundaries always snap to the sentence's stored tokens.
Enter saves, escape cancels. Every key is listed on the modal itself.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from annotator.review.editing import DIGITS, HINT_LETTERS, EditRequest, EditResult, hint_labels
from annotator.tui.render import plain, plain_line, visible


class EditScreen(ModalScreen[EditResult | None]):
    """Pick a value or a choice and adjust a span, with few keys."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="edit_cancel"),
        Binding("enter", "save", "Save", id="edit_save"),
        Binding("right", "move_end(1)", "End one token right", id="edit_end_right", show=False),
        Binding("left", "move_end(-1)", "End one token left", id="edit_end_left", show=False),
        Binding("shift+right", "move_start(1)", "Start one token right", id="edit_start_right", show=False),
        Binding("shift+left", "move_start(-1)", "Start one token left", id="edit_start_left", show=False),
    ]

    def __init__(self, request: EditRequest):
        super().__init__()
        self.request = request
        self.filter = ""
        self.span = request.span
        self.picking_start = request.pick_start
        self.hints = hint_labels(len(request.tokens)) if request.pick_start else []
        self.typed_hint = ""

    def compose(self) -> ComposeResult:
        """One box, redrawn on every key."""
        with Vertical(id="edit-box"):
            yield Static(id="edit-body")

    def on_mount(self) -> None:
        """Draw the request."""
        self._redraw()

    # ------------------------------------------------------------------ keys

    def on_key(self, event: events.Key) -> None:
        """Digits choose a value, letters pick a hint or a choice or filter the values, backspace unfilters."""
        char = event.character
        if char is None or not char.isprintable() or event.key in ("enter", "escape"):
            if event.key == "backspace" and self.filter:
                self.filter = self.filter[:-1]
                event.stop()
                self._redraw()
            return
        if self.picking_start and char in HINT_LETTERS:
            event.stop()
            self.typed_hint += char
            matches = [i for i, hint in enumerate(self.hints) if hint.startswith(self.typed_hint)]
            if len(matches) == 1 and self.hints[matches[0]] == self.typed_hint:
                self.span = (matches[0], matches[0] + 1)
                self.picking_start = False
            elif not matches:
                self.typed_hint = ""
            self._redraw()
            return
        if char in DIGITS and not self.picking_start:
            event.stop()
            values = self.visible_values()
            index = DIGITS.index(char)
            if index < len(values):
                self._finish(value=values[index])
            return
        if self.request.choices and char in HINT_LETTERS:
            event.stop()
            keys = [key for key, _ in self.request.choices]
            if char in keys:
                self._finish(choice=char)
            return
        if self.request.values and (char.isalnum() or char in "._-"):
            event.stop()
            self.filter += char
            self._redraw()

    def action_cancel(self) -> None:
        """Close without a result; an optional step answers that nothing was chosen."""
        self.dismiss(EditResult() if self.request.skippable else None)

    def action_save(self) -> None:
        """Return the one value the filter leaves, or the adjusted span; an optional step answers that nothing was chosen."""
        values = self.visible_values()
        if self.filter and len(values) == 1:
            self._finish(value=values[0])
        elif self.span is not None and not self.picking_start:
            self._finish()
        elif self.request.skippable:
            self.dismiss(EditResult())

    def action_move_end(self, step: int) -> None:
        """Move the span's end by `step` tokens, keeping at least one token."""
        if self.span is None or self.picking_start:
            return
        start, end = self.span
        self.span = (start, max(start + 1, min(end + step, len(self.request.tokens))))
        self._redraw()

    def action_move_start(self, step: int) -> None:
        """Move the span's start by `step` tokens, keeping at least one token."""
        if self.span is None or self.picking_start:
            return
        start, end = self.span
        self.span = (max(0, min(start + step, end - 1)), end)
        self._redraw()

    def _finish(self, value: str | None = None, choice: str | None = None) -> None:
        result = EditResult(value=value, choice=choice)
        if self.span is not None and not self.picking_start:
            tokens = self.request.tokens
            result.start, result.end = tokens[self.span[0]][0], tokens[self.span[1] - 1][1]
        self.dismiss(result)

    # ------------------------------------------------------------------ rendering

    def visible_values(self) -> list[str]:
        """The values a digit picks: the request's numbered ones, or the first ten the filter leaves."""
        if not self.filter:
            return self.request.values[: self.request.numbered or len(DIGITS)]
        needle = self.filter.lower()
        return [v for v in self.request.values if needle in v.lower()][: len(DIGITS)]

    def _redraw(self) -> None:
        request = self.request
        parts: list[Content | str | tuple[str, str]] = [plain_line(request.title, "bold"), "\n\n"]
        if request.tokens:
            parts += [self._sentence(), "\n\n"]
        if self.picking_start:
            parts.append("Type the letters over the first word of the new span.\n")
        if request.values and not self.picking_start:
            shown = self.visible_values()
            if self.filter:
                parts += [("filter: ", "dim"), plain(self.filter, "bold"), "\n"]
            for digit, value in zip(DIGITS, shown):
                mark = "  (now)" if value == request.current_value else ""
                parts += [(f" {digit} ", "bold reverse"), " ", plain_line(value), (mark, "dim"), "\n"]
        if request.choices:
            parts.append("\n")
            for key, description in request.choices:
                parts += [(f" {key} ", "bold reverse"), " ", plain_line(description), "\n"]
        keys = []
        if self.picking_start:
            keys.append("letters: the first word")
        else:
            if request.values:
                keys.append("digit: choose" + (" · letters: filter" if not request.choices else ""))
            if request.choices:
                keys.append("letter: choose")
            if self.span is not None:
                keys.append("←/→ end · shift+←/→ start · enter: save span")
        keys.append("enter: none" if request.skippable else "esc: cancel")
        parts += ["\n", (" · ".join(keys), "dim")]
        self.query_one("#edit-body", Static).update(Content.assemble(*parts))

    def _sentence(self) -> Content:
        request = self.request
        tokens = request.tokens
        pieces: list[Content | str | tuple[str, str]] = []
        for index, (start, end) in enumerate(tokens):
            if index:
                gap = request.text[tokens[index - 1][1] : start]
                pieces.append(" " if self.picking_start else visible(gap.replace("\n", " ")))
            word = visible(request.text[start:end])
            if self.picking_start:
                pieces += [(self.hints[index], "bold reverse #ffaf00"), word]
            elif self.span is not None and self.span[0] <= index < self.span[1]:
                pieces.append((word, "bold reverse"))
            else:
                pieces.append(word)
        return Content.assemble(*pieces)
