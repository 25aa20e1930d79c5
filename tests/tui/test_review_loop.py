"""The loop never skips work: a sentence without candidates stops the review until `a` confirms it, and the
header counts sentences seen as well as candidates decided, "done" only when both are complete."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from annotator.domain import Action, Status, TargetKind
from annotator.formats.native import read_native
from annotator.tui.app import AnnotatorApp
from annotator.tui.widgets.candidate_list import CandidateList
from annotator.tui.widgets.rows import NEEDS_CONFIRMATION
from tests.conftest import write_jsonl
from tests.tui.pilot import SIZE

TEXT = "Rebels attacked Homs. Nothing happened here. Kerry met Lavrov."
WITH_AN_EMPTY_SENTENCE = {
    "id": "gap",
    "text": TEXT,
    "entities": [
        {"id": "T1", "start": 0, "end": 6, "label": "ORG"},
        {"id": "T2", "start": 16, "end": 20, "label": "GPE"},
        {"id": "T3", "start": 45, "end": 50, "label": "PERSON"},
        {"id": "T4", "start": 55, "end": 61, "label": "PERSON"},
    ],
}


@pytest.fixture
def gap_store(repository, tmp_path):
    repository.import_documents(
        [d.document for d in read_native([write_jsonl(tmp_path / "gap.jsonl", WITH_AN_EMPTY_SENTENCE)])]
    )
    assert len(repository.load_document("gap").sentences) == 3
    return repository


async def header(app, pilot) -> str:
    """The header's status once the progress worker has counted."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    return str(app.screen.query_one("#header-status", Static).render())


def confirmed(repository) -> list[bool]:
    return [s.confirmed for s in repository.load_document("gap").sentences]


def list_text(app) -> str:
    candidates = app.screen.query_one(CandidateList)
    return "\n".join(str(candidates.get_option_at_index(i).prompt) for i in range(candidates.option_count))


async def test_the_review_stops_at_a_sentence_without_candidates_and_a_confirms_it(gap_store):
    app = AnnotatorApp(gap_store, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        session = app.screen.session
        assert "0/4 decided · 0/3 seen" in await header(app, pilot)
        await pilot.press("a", "a")  # Rebels, Homs: then the empty sentence, not Kerry's
        assert session.sentence_index == 1
        assert NEEDS_CONFIRMATION in list_text(app)
        assert "2/4 decided · 1/3 seen" in await header(app, pilot)
        await pilot.press("a")
        assert confirmed(gap_store) == [False, True, False]
        assert session.sentence_index == 2
        await pilot.press("a", "a")
        status = await header(app, pilot)
        assert "4/4 decided · 3/3 seen" in status and "done" in status
    assert [e.review.status for e in gap_store.load_document("gap").entities] == [Status.ACCEPTED] * 4


async def test_done_needs_every_sentence_seen_as_well_as_every_candidate_decided(gap_store):
    entities = gap_store.load_document("gap").entities
    gap_store.accept_many("ana", [(TargetKind.ENTITY, e.pk) for e in entities], Action.BULK_ACCEPT)
    app = AnnotatorApp(gap_store, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        status = await header(app, pilot)
        assert "4/4 decided · 2/3 seen" in status and "done" not in status and "100%" not in status
        assert app.screen.session.sentence_index == 1  # the work left: the sentence nobody looked at
        await pilot.press("a")
        assert "done" in await header(app, pilot)
    assert confirmed(gap_store) == [False, True, False]


async def test_after_rejecting_every_candidate_a_confirms_the_sentence_instead_of_accepting_again(gap_store):
    app = AnnotatorApp(gap_store, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x", "x")  # nothing the machine found in the first sentence is right
        session = app.screen.session
        assert session.sentence_index == 0 and NEEDS_CONFIRMATION in list_text(app)
        await pilot.press("a")
        assert confirmed(gap_store) == [True, False, False]
        assert session.sentence_index == 1  # on to the next work: the empty sentence
    assert [e.review.status for e in gap_store.load_document("gap").entities][:2] == [Status.REJECTED] * 2
