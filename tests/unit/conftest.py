"""Fixtures shared by the unit tests of reviewer lanes and adjudication."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator import store
from annotator.formats.native import read_native
from annotator.store import Repository
from tests.conftest import SMALL_DOCUMENT, write_jsonl

SECOND_DOCUMENT = {**SMALL_DOCUMENT, "id": "d2"}


@pytest.fixture
def team(store_url: str, tmp_path: Path):
    """A store holding d1 and d2, and a repository for the shared lane and for each of ana, bo and cy."""
    store.connect(store_url)
    shared = Repository()
    source = write_jsonl(tmp_path / "docs.jsonl", SMALL_DOCUMENT, SECOND_DOCUMENT)
    shared.import_documents([d.document for d in read_native([source])])
    yield {name: Repository(lane=name) for name in ("ana", "bo", "cy")} | {"": shared}
    store.close()
