"""End to end: the installed `annotator` runs in a real pseudo-terminal, takes keys, and the database shows them."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

from tests.tui.terminal import terminal

ANNOTATOR = Path(sys.executable).with_name("annotator")


@pytest.mark.skipif(not ANNOTATOR.exists(), reason="the annotator console script is not installed next to this Python")
def test_review_in_a_real_terminal_records_the_keys(tmp_path):
    db = tmp_path / "pty.db"
    with terminal([str(ANNOTATOR), "--db", str(db), "--reviewer", "pty", "demo"]) as app:
        app.wait_for(b"Accept")
        app.settle(1.0)  # let the first screen settle before typing
        for key in (b"a", b"x", b"q"):
            app.type(key, 1.0)
        assert app.wait_exit() == 0
    connection = sqlite3.connect(db)
    rows = connection.execute("SELECT action, reviewer FROM decision ORDER BY id").fetchall()
    states = connection.execute("SELECT status FROM review_state ORDER BY decided_at").fetchall()
    connection.close()
    assert rows == [("accept", "pty"), ("reject", "pty")]
    assert states == [("accepted",), ("rejected",)]
