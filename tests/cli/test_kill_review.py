"""kill -9 of the review screen: every decision the screen counted before the kill is in the store.

The installed `annotator demo` runs in a real pseudo-terminal. After each key the
test waits until the header's "N/T decided" count has gone up (the screen's own
word that the write landed), then kills the process with SIGKILL right after the
last one, and a new process reopens the store and lists what it holds.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time

import pytest

from tests.cli.hostile import ANNOTATOR, ROOT, annotator, python
from tests.tui.terminal import Terminal, terminal

pytestmark = pytest.mark.skipif(not ANNOTATOR.exists(), reason="the annotator console script is not installed")

DECIDED = re.compile(rb"(\d+)/(\d+) decided")
KEYS = {"a": "accept", "x": "reject"}
START_SECONDS = 90
KEY_SECONDS = 30

READ_STORE = """
    import json, sys
    from annotator import store
    from annotator.store import Repository
    store.connect(sys.argv[1], create=False)
    repository = Repository()
    decisions = [
        [d.group, d.reviewer, d.action.value, d.target_kind.value if d.target_kind else None, d.target_pk]
        for d in repository.decisions()
    ]
    states = {f"{kind}:{pk}": state[0] for (kind, pk), state in repository.review_states().items()}
    print(json.dumps({"decisions": decisions, "states": states, "decided": repository.decided_count()}))
"""


def decided_shown(app: Terminal, since: int) -> int | None:
    """The highest decided count the header drew after byte `since` of the output, if any."""
    counts = [int(match.group(1)) for match in DECIDED.finditer(app.seen, since)]
    return max(counts) if counts else None


def press_and_wait_for_the_count(app: Terminal, key: str, shown: int) -> int:
    """Type one key and read until the header shows more than `shown` decided; return the new count."""
    mark = len(app.seen)
    app.type(key.encode(), 0.05)
    deadline = time.monotonic() + KEY_SECONDS
    while time.monotonic() < deadline:
        count = decided_shown(app, mark)
        if count is not None and count > shown:
            return count
        app.settle(0.1)
    raise AssertionError(f"the header never counted the {key!r} decision: " + app.seen[-2000:].decode("utf-8", "replace"))


def test_kill_9_of_the_review_screen_keeps_every_decision_it_showed(tmp_path):
    db = tmp_path / "review.db"
    keys = "axaaxa"
    with terminal([str(ANNOTATOR), "--db", str(db), "--reviewer", "pty", "demo"]) as app:
        app.wait_for(b" decided", START_SECONDS)
        app.settle(1.0)  # the first screen settles before typing
        shown = decided_shown(app, 0)
        assert shown == 0, app.seen[-2000:].decode("utf-8", "replace")
        for key in keys:
            shown = press_and_wait_for_the_count(app, key, shown)
        os.kill(app.process.pid, signal.SIGKILL)
        assert app.process.wait(timeout=10) == -signal.SIGKILL

    reopened = subprocess.run([*python(READ_STORE), str(db)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert reopened.returncode == 0, reopened.stderr
    held = json.loads(reopened.stdout)
    groups: dict[int, list[list]] = {}
    for group, reviewer, action, kind, pk in held["decisions"]:
        assert reviewer == "pty"
        groups.setdefault(group, []).append([action, kind, pk])
    # One decision group per key, in the order typed, each with the key's action on every target.
    assert [{action for action, _kind, _pk in rows} for rows in groups.values()] == [{KEYS[k]} for k in keys]
    for rows in groups.values():
        for action, kind, pk in rows:
            assert held["states"][f"{kind}:{pk}"] == {"accept": "accepted", "reject": "rejected"}[action]
    assert held["decided"] >= shown  # nothing the screen counted is missing

    stats = annotator("--db", str(db), "stats", "--json", timeout=120)
    assert stats.returncode == 0 and "Traceback" not in stats.output, stats.output
    total = json.loads(stats.stdout)["total"]
    decided_targets = [row for rows in groups.values() for row in rows]
    assert total.get("accepted", 0) == sum(1 for action, _kind, _pk in decided_targets if action == "accept")
    assert total.get("rejected", 0) == sum(1 for action, _kind, _pk in decided_targets if action == "reject")
