"""Stores and apps the TUI tests share: the small two-sentence document, two copies of it, and the demo article."""

from __future__ import annotations

import copy

import pytest

from annotator.formats.native import read_native
from annotator.store import Repository
from annotator.tui.app import AnnotatorApp
from tests.conftest import FIXTURES, SMALL_DOCUMENT, write_jsonl

DEMO_DOCUMENT = "000_64f573a14888b357"

TWO_EVENTS_TEXT = "Rebels attacked and killed soldiers in Homs."
TWO_EVENTS = {
    "id": "two",
    "text": TWO_EVENTS_TEXT,
    "entities": [
        {"id": "T1", "start": 0, "end": 6, "label": "ORG"},
        {"id": "T2", "start": 27, "end": 35, "label": "PERSON"},
        {"id": "T3", "start": 39, "end": 43, "label": "GPE"},
    ],
    "events": [
        {"id": "E1", "type": "Conflict.Attack", "trigger": {"start": 7, "end": 15},
         "arguments": [{"role": "Attacker", "entity": "T1"}, {"role": "Victim", "entity": "T2"},
                       {"role": "Place", "entity": "T3"}]},
        {"id": "E2", "type": "Life.Die", "trigger": {"start": 20, "end": 26},
         "arguments": [{"role": "Place", "entity": "T3"}]},
        {"id": "E3", "type": "Conflict.Attack", "trigger": {"start": 20, "end": 26},
         "arguments": [{"role": "Target", "entity": "T2"}]},
    ],
}
"""One sentence, three events: an attack, a death, and a second attack on the death's trigger."""


@pytest.fixture
def small_store(repository: Repository, small_file) -> Repository:
    """A store holding the small document `d1` (two sentences, six entities, two events)."""
    repository.import_documents([d.document for d in read_native([small_file])])
    return repository


@pytest.fixture
def small_app(small_store: Repository) -> AnnotatorApp:
    """The app over the small document, reviewed by ana."""
    return AnnotatorApp(small_store, reviewer="ana")


@pytest.fixture
def two_documents(repository: Repository, tmp_path) -> Repository:
    """A store holding `d1` and `d2`, the same document with Homs replaced by Hama."""
    second = copy.deepcopy(SMALL_DOCUMENT)
    second["id"] = "d2"
    second["text"] = second["text"].replace("Homs", "Hama")
    path = write_jsonl(tmp_path / "two.jsonl", SMALL_DOCUMENT, second)
    repository.import_documents([d.document for d in read_native([path])])
    return repository


@pytest.fixture
def events_app(repository: Repository, tmp_path) -> AnnotatorApp:
    """The app over `TWO_EVENTS`, reviewed by ana."""
    repository.import_documents([d.document for d in read_native([write_jsonl(tmp_path / "two.jsonl", TWO_EVENTS)])])
    return AnnotatorApp(repository, reviewer="ana")


@pytest.fixture
def demo_store(repository: Repository) -> Repository:
    """A store holding the demo article (47 sentences with their machine candidates)."""
    repository.import_documents([d.document for d in read_native([FIXTURES / "demo.jsonl"])])
    return repository


@pytest.fixture
def demo_app(demo_store: Repository) -> AnnotatorApp:
    """The app over the demo article, reviewed by ana."""
    return AnnotatorApp(demo_store, reviewer="ana")
