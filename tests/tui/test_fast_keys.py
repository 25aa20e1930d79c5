"""Keys faster than the screen redraws (a held key, a paste, a typist over SSH) each decide their own candidate.

The app runs in a real pseudo-terminal and gets 40 decisions 10 ms apart; the
database must then hold 40 decisions on 40 different candidates, each the one its
key was pressed on: accepted for `a`, rejected for `x`. The Pilot test replays the
same race deterministically: after each key, the candidate list receives the
highlight message an earlier redraw would have sent, which must not move the cursor.
"""

from __future__ import annotations

import sqlite3
import sys
import time

from textual.widgets import OptionList

from tests.conftest import ROOT
from tests.tui.pilot import SIZE
from tests.tui.terminal import terminal

# With the demo, this pattern never leaves a sentence with all its candidates rejected, where the
# session would stop and wait for the reviewer to confirm the sentence: each key decides a new candidate.
KEYS = b"xaa" * 13 + b"x"
GAP_SECONDS = 0.010
EXPECTED = {ord("a"): ("accept", "accepted"), ord("x"): ("reject", "rejected")}


def decision_groups(db) -> list[tuple[str, str, int]]:
    """Each decision group's action and the target it was keyed on (its first entry), in order."""
    connection = sqlite3.connect(db)
    try:
        rows = connection.execute(
            "SELECT group_id, action, target_kind, target_id FROM decision ORDER BY id"
        ).fetchall()
    finally:
        connection.close()
    groups: dict[int, tuple[str, str, int]] = {}
    for group, action, kind, target in rows:
        groups.setdefault(group, (action, kind, target))
    return list(groups.values())


def status_of(db, kind: str, target: int) -> str:
    connection = sqlite3.connect(db)
    try:
        [(status,)] = connection.execute(
            "SELECT status FROM review_state WHERE target_kind = ? AND target_id = ?", (kind, target)
        ).fetchall()
    finally:
        connection.close()
    return status


def test_forty_decisions_ten_ms_apart_each_land_on_their_own_candidate(tmp_path):
    db = tmp_path / "fast.db"
    command = [sys.executable, "-m", "annotator", "--db", str(db), "--reviewer", "fast", "demo"]
    with terminal(command, cwd=ROOT) as app:
        app.wait_for(b"Accept")
        app.settle(1.0)  # the first screen is drawn and idle
        app.type(KEYS, GAP_SECONDS)
        deadline = time.monotonic() + 30
        while len(decision_groups(db)) < len(KEYS) and time.monotonic() < deadline:
            app.settle(0.2)
        app.settle(0.5)
        app.type(b"q", 0)
        assert app.wait_exit() == 0
    groups = decision_groups(db)
    assert [action for action, _, _ in groups] == [EXPECTED[key][0] for key in KEYS]
    targets = [(kind, target) for _, kind, target in groups]
    assert len(set(targets)) == len(KEYS), "a decision landed on a candidate an earlier key had decided"
    assert [status_of(db, kind, target) for kind, target in targets] == [EXPECTED[key][1] for key in KEYS]


async def test_a_stale_highlight_between_keys_never_moves_the_decision(demo_app, db_path):
    async with demo_app.run_test(size=SIZE) as pilot:
        for key in KEYS.decode():
            candidates = demo_app.screen.query_one("#candidates", OptionList)
            index = candidates.highlighted
            assert index is not None
            stale = OptionList.OptionHighlighted(candidates, candidates.options[index], index)
            await pilot.press(key)
            candidates.post_message(stale)  # what the redraw before this key announced, arriving late
            await pilot.pause()
    groups = decision_groups(db_path)
    assert [action for action, _, _ in groups] == [EXPECTED[key][0] for key in KEYS]
    targets = [(kind, target) for _, kind, target in groups]
    assert len(set(targets)) == len(KEYS), "a decision landed on a candidate an earlier key had decided"
    assert [status_of(db_path, kind, target) for kind, target in targets] == [EXPECTED[key][1] for key in KEYS]
