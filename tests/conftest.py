"""Shared fixtures: isolation from the user's own setup, a store in a real SQLite file under tmp_path,
and small native documents."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from annotator import store
from annotator.store import Repository

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"

SMALL_DOCUMENT = {
    "id": "d1",
    "title": "Strikes and talks",
    "text": "Rebels attacked [ISIS] in Homs.\n\nKerry met Lavrov in New York on Wednesday.",
    "meta": {"source": "test"},
    "entities": [
        {"id": "T1", "start": 0, "end": 6, "label": "ORG", "score": 0.9},
        {"id": "T2", "start": 16, "end": 22, "label": "ORG"},
        {"id": "T3", "start": 26, "end": 30, "label": "GPE"},
        {"id": "T4", "start": 33, "end": 38, "label": "PERSON"},
        {"id": "T5", "start": 43, "end": 49, "label": "PERSON"},
        {"id": "T6", "start": 53, "end": 61, "label": "GPE"},
    ],
    "events": [
        {"id": "E1", "type": "Conflict.Attack", "trigger": {"start": 7, "end": 15, "text": "attacked"},
         "arguments": [{"role": "Attacker", "entity": "T1"}, {"role": "Target", "entity": "T2"},
                       {"role": "Place", "entity": "T3"}]},
        {"id": "E2", "type": "Contact.Meet", "trigger": {"start": 39, "end": 42},
         "arguments": [{"role": "Entity", "entity": "T4"}, {"role": "Entity", "entity": "T5"},
                       {"role": "Time", "start": 65, "end": 74}]},
    ],
}


@pytest.fixture(autouse=True)
def isolated_from_the_user(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test runs with an empty home and config folder and no `ANNOTATOR_*` variable.

    A reviewer's own keymap, default store or environment would otherwise change what
    the tests see (a keymap in the real config folder once made the terminal test hang).
    Subprocesses inherit the same environment.
    """
    home = tmp_path_factory.mktemp("home")
    for name in list(os.environ):
        if name.startswith("ANNOTATOR_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    return home


def write_jsonl(path: Path, *documents: dict) -> Path:
    """Write documents as native JSONL."""
    path.write_bytes(b"".join(orjson.dumps(d) + b"\n" for d in documents))
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store.db"


@pytest.fixture
def repository(db_path: Path):
    """A repository bound to a fresh SQLite file; closed after the test."""
    store.connect(db_path)
    yield Repository()
    store.close()


@pytest.fixture
def small_file(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "small.jsonl", SMALL_DOCUMENT)
