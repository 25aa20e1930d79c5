"""Helpers for Pilot tests: the terminal size, putting the cursor on a candidate, and counting the keys the app got."""

from __future__ import annotations

from textual import events
from textual.message import Message

from annotator.domain import TargetKind
from annotator.tui.screens.review import ReviewScreen

SIZE = (120, 36)


async def show_candidate(pilot, kind: TargetKind, pk: int) -> None:
    """Put the review screen's cursor on a candidate by identity, as a click on it would."""
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    assert screen.session.select(kind, pk)
    screen.show_session()
    await pilot.pause()


class KeyLog:
    """Every key event that reached the app, once each (a `run_test` message hook).

    A key travels from the app to the focused widget and bubbles back up; it is logged
    on its first arrival, before the app forwards it, so each press counts once.
    """

    def __init__(self) -> None:
        self.keys: list[str] = []

    def __call__(self, message: Message) -> None:
        if isinstance(message, events.Key) and not message.is_forwarded:
            self.keys.append(message.key)

    def mark(self) -> int:
        """A position in the log, to count the keys after it."""
        return len(self.keys)

    def since(self, mark: int) -> list[str]:
        """The keys the app got after `mark`."""
        return self.keys[mark:]
