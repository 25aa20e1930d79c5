"""How the review screen writes to the store and sees other processes' writes.

Every write of the review screen (a key's decision, a dialog's answer, a bulk preview
applied) goes through `StoreWrites.commit`. The action awaits the write, which runs
on one writer thread: the app reads the next key only once the write is done, so each
key still decides the row current when it is handled, while the screen stays drawn.
When another process holds the write lock, the message bar says that the screen is
waiting for the database; the decision is saved when the lock frees, and a store that
refuses (read-only, busy for longer than `--wait`, a full disk) is said plainly by
`refused`, the one place that handles a `StoreError` on this screen, with nothing changed.

The screen also polls the store's data version about once a second, so another
process's decisions show within a second or two; and before a decision overrides one
that another reviewer made after the candidate was shown here, it asks first.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from textual.screen import Screen
from textual.widgets import Static

from annotator.domain import Decision
from annotator.review.session import ReviewSession, Row
from annotator.store import StoreError, set_wait_listener
from annotator.tui.messages import DecisionRecorded
from annotator.tui.render import plain
from annotator.tui.screens.picker import PickerScreen, PickLine

POLL_SECONDS = 1.0
"""How often the screen asks whether any process wrote to the store (one indexed read)."""
SAY_SAVING_AFTER = 0.3
"""A write still running after this long is said on the message bar, before the store reports its first wait."""
READ_ONLY = "The store is read-only: you can read and move around it, but nothing you decide can be saved."
OVERRIDE_KEY = "y"

Answer = Callable[[Any], Awaitable[None] | None]


def waiting_line(waited: float | None) -> str:
    """What the message bar says while a write waits for another process's write lock."""
    since = "" if waited is None else f" ({waited:.0f} s)"
    return f"Waiting for the database: another process is writing{since}; your key is saved when it finishes."


def override_question(other: Decision) -> str:
    """What the screen asks before overriding another reviewer's decision made after the candidate was shown."""
    at = datetime.fromtimestamp(other.at).strftime("%H:%M:%S")
    return (
        f"{other.reviewer} recorded “{other.action.value}” on this candidate at {at}, after it was shown here "
        "(the screen now shows it). Override it with yours?"
    )


class StoreWrites(Screen[None]):
    """A screen whose writes run off the UI thread in key order, say their waits and refusals, and see other processes' writes."""

    session: ReviewSession

    def __init__(self) -> None:
        super().__init__()
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="annotator-store-writer")
        self._writing = 0
        """Writes under way: while one runs, the writer thread owns the session (no poll, no click)."""
        self._seen_version: int | None = None
        """The store's data version this screen last showed."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._shown_row: Row | None = None
        self._shown_at = time.time()

    def show_session(self) -> None:
        """Show where the session stands (the review screen draws it)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ watching the store

    def start_watching(self) -> None:
        """Hear the store's lock waits, and poll its data version for other processes' writes."""
        self._loop = asyncio.get_running_loop()
        set_wait_listener(self._heard_wait)
        try:
            self._seen_version = self.session.repository.data_version()
        except StoreError as error:
            self.refused(error)
        self.set_interval(POLL_SECONDS, self.poll_store, name="poll-store")

    def on_unmount(self) -> None:
        """Stop hearing lock waits; the writer thread ends once its last write is done."""
        set_wait_listener(None)
        self._writer.shutdown(wait=False)

    async def poll_store(self) -> None:
        """When another process wrote to the store, read the current document again and show it.

        The document is read on the writer thread, so a large one never freezes the keys;
        the fresh read is shown only if nothing else re-read, changed or moved off the document
        meanwhile (else the next poll tries again). Skipped while a write, a dialog or a jump is under way.
        """
        if self._writing or self.app.screen is not self or getattr(self, "_jump_typed", None) is not None:
            return
        session = self.session
        shown = session.view
        revision = None if shown is None else shown.revision
        try:
            version = session.repository.data_version()
            if version == self._seen_version or shown is None:
                return
            view = await asyncio.wrap_future(self._writer.submit(session.read_view))
        except StoreError as error:
            self.refused(error)
            return
        if session.view is not shown or shown.revision != revision or self._writing or self.app.screen is not self:
            return
        self._seen_version = version
        session.adopt(view)
        self.show_session()
        self.post_message(DecisionRecorded())

    def note_shown(self, row: Row | None) -> None:
        """Remember when the cursor reached a row: a decision on it asks first if another reviewer decided it since."""
        if row != self._shown_row:
            self._shown_row, self._shown_at = row, time.time()

    @property
    def writing(self) -> bool:
        """Whether a write is under way (the writer thread owns the session meanwhile)."""
        return self._writing > 0

    # ------------------------------------------------------------------ writing

    def refused(self, error: StoreError) -> None:
        """Say what the store refused and why; it rolled back, so the screen still shows what it holds."""
        self.session.last_message = str(error)
        self.show_session()

    def writable(self) -> bool:
        """True when decisions can be saved; on a read-only store, say so (before a dialog asks for anything)."""
        if self.session.repository.read_only:
            self.session.last_message = READ_ONLY
            self.show_session()
            return False
        return True

    async def commit(self, write: Callable[[], bool | int | None], row: Row | None = None) -> None:
        """Run one write of the session on the writer thread, then show where the session stands.

        With `row`, the write first asks whether another reviewer decided that row since
        it was shown here, and if so asks before overriding. The caller awaits this, so
        the next key is handled after it; a refusal is said, never raised.
        """
        since = self._shown_at if row is not None and row == self._shown_row else None
        self._writing += 1
        saying = self.set_timer(SAY_SAVING_AFTER, lambda: self._say_now(waiting_line(None)))
        try:
            outcome = await asyncio.wrap_future(self._writer.submit(self._write, write, row, since))
        except StoreError as error:
            self.refused(error)
            return
        finally:
            saying.stop()
            self._writing -= 1
        if isinstance(outcome, Decision):
            assert row is not None
            self._ask_override(outcome, write)
            return
        wrote, version = outcome
        if version is not None:
            self._seen_version = version
        self.show_session()
        if wrote:
            # Counted once the decision is on screen: the count runs beside the next frame, not in its way.
            self.call_after_refresh(self.post_message, DecisionRecorded())

    def _write(
        self, write: Callable[[], bool | int | None], row: Row | None, since: float | None,
    ) -> Decision | tuple[bool | int | None, int | None]:
        """On the writer thread: check for another reviewer's decision, write, and say which data version that left."""
        repository = self.session.repository
        if row is not None and since is not None:
            other = self.session.decided_elsewhere(row, since)
            if other is not None:
                self.session.reload()
                return other
        before = repository.data_version()
        wrote = write()
        after = repository.data_version()
        # Only this write happened in between: the screen has seen that version. Otherwise the poll re-reads.
        return wrote, (after if after == before + 1 else None)

    def _ask_override(self, other: Decision, write: Callable[[], bool | int | None]) -> None:
        """Show the other reviewer's decision, and ask (one key) before overriding it with this one."""
        self.show_session()
        self._shown_at = time.time()

        async def answered(key: str | None) -> None:
            if key == OVERRIDE_KEY:
                await self.commit(write)
            else:
                self.session.last_message = f"Left as {other.reviewer} decided."
                self.show_session()

        line = PickLine("", ((OVERRIDE_KEY, "override it with my decision"),))
        self.ask(PickerScreen(override_question(other), [line], "any other answer leaves theirs"), answered)

    def ask(self, dialog: Screen[Any], answered: Answer) -> None:
        """Open a dialog; its answer runs `answered`, where a store refusal is said like a key's, never raised."""

        async def guarded(result: Any) -> None:
            try:
                outcome = answered(result)
                if inspect.isawaitable(outcome):
                    await outcome
            except StoreError as error:
                self.refused(error)

        self.app.push_screen(dialog, guarded)

    # ------------------------------------------------------------------ waiting

    def _heard_wait(self, waited: float) -> None:
        """The store's wait listener, called on the writer thread: say the wait on the UI thread, without blocking."""
        loop = self._loop
        if loop is None:
            return
        try:
            loop.call_soon_threadsafe(self._say_now, waiting_line(waited))
        except RuntimeError:  # the app has closed its loop
            pass

    def _say_now(self, line: str) -> None:
        """Put a line on the message bar at once (a wait under way), without touching the session."""
        if self.is_mounted:
            self.query_one("#message", Static).update(plain(line))
