"""The review screen's footer: Textual's, recomposed only when the keys it shows change.

Textual's `Footer` recomposes whenever its screen's bindings are updated, which happens
each time a dialog closes over the review screen; every recompose leaves the old keys'
watchers on the footer (each key binds the footer's `compact`), and each new key checks
all of those before adding its own. A reviewer who opened a thousand dialogs waited
longer at each one. The keys of the review screen do not change while it is open, so
the footer is composed once and kept.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


def shown_keys(screen: Screen) -> tuple[tuple[str, str, bool, str], ...]:
    """What the footer shows for a screen: each shown binding's key, description, whether enabled, and tooltip."""
    return tuple(
        (binding.key, binding.description, enabled, tooltip)
        for _node, binding, enabled, tooltip in screen.active_bindings.values()
        if binding.show
    )


class BindingsFooter(Footer):
    """A footer that recomposes only when the keys it would show differ from those it shows."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._composed_keys: tuple[tuple[str, str, bool, str], ...] | None = None
        """The keys of the last recompose asked for; None before the first."""

    def bindings_changed(self, screen: Screen) -> None:
        """Recompose as Textual's footer does, unless the keys shown would be the same."""
        will_recompose = screen.app.app_focus and self.is_attached and screen is self.screen
        if will_recompose:
            keys = shown_keys(screen)
            if keys == self._composed_keys:
                return
            self._composed_keys = keys
        super().bindings_changed(screen)
