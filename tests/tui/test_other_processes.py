"""The review screen beside other processes: a held write lock, another reviewer's decisions, a read-only store.

Each test uses a real second process on the same SQLite file: one that holds the
write lock (`BEGIN IMMEDIATE`) until told to let go, or one that decides as another
reviewer. What the database holds afterwards is the judge.
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import time

import pytest
from textual import events
from textual.widgets import Static

from annotator import store
from annotator.domain import Status, TargetKind
from annotator.store import Repository
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.picker import PickerScreen
from annotator.tui.screens.review import ReviewScreen
from annotator.tui.widgets.candidate_list import CandidateList
from annotator.tui.widgets.review_header import READ_ONLY_MARK
from tests.conftest import ROOT
from tests.tui.pilot import SIZE

HOLD = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("held", flush=True)
sys.stdin.readline()
connection.execute("COMMIT")
"""

DECIDE = """
import sys
from annotator import store
from annotator.domain import TargetKind
from annotator.store import Repository
store.connect(sys.argv[1], create=False)
Repository().reject(sys.argv[2], TargetKind(sys.argv[3]), int(sys.argv[4]))
"""


class LockHolder:
    """Another process holding the store's write lock until `release`."""

    def __init__(self, db) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLD, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert self.process.stdout is not None and self.process.stdout.readline().strip() == "held"

    def release(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.write("go\n")
            self.process.stdin.flush()
            self.process.wait(timeout=10)


def decision_log(db) -> list[tuple[str, str, str, int]]:
    """The log as another process reads it: reviewer, action, target kind and key, in order."""
    connection = sqlite3.connect(db)
    try:
        return connection.execute(
            "SELECT reviewer, action, target_kind, target_id FROM decision WHERE action != 'import' ORDER BY id"
        ).fetchall()
    finally:
        connection.close()


def decided_at(db) -> float:
    """When the last decision of the log was recorded (the deciding process's clock, this machine's)."""
    connection = sqlite3.connect(db)
    try:
        return float(connection.execute("SELECT max(at) FROM decision").fetchone()[0])
    finally:
        connection.close()


def message(app) -> str:
    return str(app.screen.query_one("#message", Static).render())


async def wait_until(condition, timeout: float) -> float:
    """Poll `condition` without blocking the app; return how long it took to hold."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, "it never happened"
        await asyncio.sleep(0.02)
    return time.monotonic() - started


async def test_keys_pressed_while_another_process_holds_the_lock_are_saved_in_order_when_it_frees(small_app, db_path):
    async with small_app.run_test(size=SIZE) as pilot:
        session = small_app.screen.session
        first = session.current_row
        holder = LockHolder(db_path)
        try:
            small_app.post_message(events.Key("a", "a"))
            await wait_until(lambda: "Waiting for the database" in message(small_app), 5)
            small_app.post_message(events.Key("x", "x"))  # typed during the wait: it waits its turn
            await asyncio.sleep(2.5)  # long enough for the store to report a wait of its own
            assert "Waiting for the database" in message(small_app)
            assert small_app.is_running and decision_log(db_path) == []
        finally:
            holder.release()
        await wait_until(lambda: len(decision_log(db_path)) == 2, 15)
        await pilot.pause()
        assert "Waiting" not in message(small_app)
    log = decision_log(db_path)
    assert [action for _, action, _, _ in log] == ["accept", "reject"]
    assert (log[0][2], log[0][3]) == (first.kind.value, first.pk)
    assert log[1][3] != first.pk  # the second key decided the row the first one moved on to


async def test_a_lock_held_longer_than_the_store_waits_is_said_plainly_and_nothing_is_saved(small_app, db_path, monkeypatch):
    monkeypatch.setattr("annotator.store.locking.settings.patience", 1.0)
    async with small_app.run_test(size=SIZE) as pilot:
        holder = LockHolder(db_path)
        try:
            await pilot.press("a")
            await pilot.pause()
            assert small_app.is_running and isinstance(small_app.screen, ReviewScreen)
            said = message(small_app)
            assert "busy" in said and "nothing was changed" in said
            assert decision_log(db_path) == []
        finally:
            holder.release()
        await pilot.press("a")
        await pilot.pause()
    assert [action for _, action, _, _ in decision_log(db_path)] == ["accept"]


async def decide_elsewhere(db, reviewer: str, kind: TargetKind, pk: int) -> None:
    """Another reviewer rejects a candidate, from a process of their own."""
    await asyncio.to_thread(
        subprocess.run, [sys.executable, "-c", DECIDE, str(db), reviewer, kind.value, str(pk)], cwd=ROOT, check=True,
        timeout=60,
    )


async def test_another_process_decision_shows_within_two_seconds(small_app, db_path):
    async with small_app.run_test(size=SIZE) as pilot:
        session = small_app.screen.session
        row = session.current_row
        assert session.review_of(row).status is Status.PENDING
        await decide_elsewhere(db_path, "bob", row.kind, row.pk)
        await wait_until(lambda: session.review_of(row).status is Status.REJECTED, 2.5)
        seen_after = time.time() - decided_at(db_path)
        assert seen_after < 2.5
        print(f"another process's decision shown {seen_after * 1000:.0f} ms after it was committed")
        await pilot.pause()
        candidates = small_app.screen.query_one(CandidateList)
        line = str(candidates.get_option_at_index(candidates.rows.index(row)).prompt)
        assert "✗" in line  # the list draws it rejected


@pytest.mark.parametrize("answer", ["y", "escape"])
async def test_overriding_another_reviewers_later_decision_asks_first(small_app, db_path, answer):
    async with small_app.run_test(size=SIZE) as pilot:
        session = small_app.screen.session
        row = session.current_row
        await decide_elsewhere(db_path, "bob", row.kind, row.pk)
        await pilot.press("a")  # on the row shown before bob's decision (the poll may or may not have shown it yet)
        await pilot.pause()
        assert isinstance(small_app.screen, PickerScreen)
        assert "bob" in small_app.screen.title_text and "reject" in small_app.screen.title_text
        assert decision_log(db_path)[-1][:2] == ("bob", "reject")
        await pilot.press(answer)
        await pilot.pause()
        assert isinstance(small_app.screen, ReviewScreen)
    last = decision_log(db_path)[-1]
    if answer == "y":
        assert last == ("ana", "accept", row.kind.value, row.pk)
    else:
        assert last[:2] == ("bob", "reject") and len(decision_log(db_path)) == 1


async def test_a_decision_on_a_row_nobody_else_touched_does_not_ask(small_app, db_path):
    async with small_app.run_test(size=SIZE) as pilot:
        row = small_app.screen.session.current_row
        other = small_app.screen.session.rows[1]
        await decide_elsewhere(db_path, "bob", other.kind, other.pk)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(small_app.screen, ReviewScreen)
    assert decision_log(db_path)[-1] == ("ana", "accept", row.kind.value, row.pk)


async def test_a_read_only_store_opens_says_so_and_refuses_decisions_politely(small_store, db_path, monkeypatch):
    store.close()
    monkeypatch.setattr("annotator.store.probe.writability", lambda path: (False, "the file is not writable"))
    store.connect(db_path, create=False)
    repository = Repository()
    assert repository.read_only
    before = db_path.read_bytes(), decision_log(db_path)
    app = AnnotatorApp(repository, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        header = str(app.screen.query_one("#header-status", Static).render())
        assert READ_ONLY_MARK.strip() in header
        for keys in (["a"], ["x"], ["e"], ["n"], ["m"], ["A"], ["u"], ["j"], ["right_square_bracket"]):
            await pilot.press(*keys)
            await pilot.pause()
            assert isinstance(app.screen, ReviewScreen), f"{keys} opened a dialog on a read-only store"
            if keys[0] not in ("j", "right_square_bracket"):
                assert "read-only" in message(app), keys
        assert app.is_running
    assert (db_path.read_bytes(), decision_log(db_path)) == before
