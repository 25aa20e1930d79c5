"""Adjudication on the review screen: only the disputes are listed, each with every reviewer's decision, and the keys settle them in the shared lane."""

from __future__ import annotations

from textual.widgets import Static

from annotator.domain import Status, TargetKind
from annotator.review.adjudication import NO_DISPUTES_LEFT, Adjudication
from annotator.store import Repository
from annotator.store.sources import FINAL
from annotator.tui.app import AnnotatorApp
from tests.tui.pilot import SIZE
from tests.tui.test_review_loop import header, list_text

ENTITY, EVENT, ARGUMENT = TargetKind.ENTITY, TargetKind.EVENT, TargetKind.ARGUMENT
BO = "[bold]bo"
"""A reviewer name that is markup: it must show as written."""


def decide_in_lanes(shared: Repository) -> dict[str, int]:
    """ana and bo review d1 in their own lanes: they agree on T1, T4, E1 and E2, and differ on T2, T3 and E1's Target.

    bo's name is markup and his fix of T2 holds a control character: both must show as written.
    """
    document = shared.load_document("d1")
    pks = {e.id: e.pk for e in document.entities} | {e.id: e.pk for e in document.events}
    pks["Target"] = next(a.pk for a in document.events[0].arguments if a.role == "Target")
    ana, bo = Repository(lane="ana"), Repository(lane=BO)
    for reviewer, lane in (("ana", ana), (BO, bo)):
        lane.accept(reviewer, ENTITY, pks["T1"])
        lane.reject(reviewer, ENTITY, pks["T4"])
        lane.accept(reviewer, EVENT, pks["E1"])
        lane.reject(reviewer, EVENT, pks["E2"])
    ana.accept("ana", ENTITY, pks["T2"])
    bo.fix(BO, ENTITY, pks["T2"], label="GPE\x1b[2J")  # a control character must not reach the terminal
    ana.accept("ana", ENTITY, pks["T3"])
    bo.reject(BO, ENTITY, pks["T3"])
    ana.accept("ana", ARGUMENT, pks["Target"])
    bo.reject(BO, ARGUMENT, pks["Target"])
    return pks


def detail(app) -> str:
    return str(app.screen.query_one("#detail", Static).render())


def shared_statuses(repository: Repository) -> dict[str, Status]:
    document = repository.load_document("d1")
    found = {e.id: e.review.status for e in document.entities} | {e.id: e.review.status for e in document.events}
    found |= {f"{e.id}.{a.role}.{a.entity_id}": a.review.status for e in document.events for a in e.arguments}
    return found


async def test_adjudication_lists_only_the_disputes_shows_both_decisions_and_settles_them_in_the_shared_lane(small_store):
    pks = decide_in_lanes(small_store)
    app = AnnotatorApp(small_store, reviewer="carol", adjudication=Adjudication(small_store))
    async with app.run_test(size=SIZE) as pilot:
        session = app.screen.session
        assert session.document_count == 1
        assert str(app.screen.query_one("#message", Static).render()).startswith("3 disagreement(s) in 1 document(s)")
        assert "0/3 decided" in await header(app, pilot)
        lines = list_text(app).splitlines()
        assert len(lines) == 4  # T2, T3, then E1 (agreed on, listed for its argument) and its disputed Target
        assert "[ISIS]" in lines[0] and "Homs" in lines[1] and "Conflict.Attack" in lines[2] and "Target" in lines[3]
        assert not any("Rebels" in line or "Attacker" in line or "Place" in line for line in lines)
        assert session.current_row.pk == pks["T2"]
        assert detail(app).splitlines()[-1] == f"{BO}: fixed, label → GPE␛[2J · ana: accepted"  # by name

        await pilot.press("a")  # T2 as ana saw it
        assert session.current_row.pk == pks["T3"]
        assert detail(app).splitlines()[-1] == f"{BO}: rejected · ana: accepted"
        await pilot.press("x")  # T3 as bo saw it; the next key passes the event, agreed on, to its disputed argument
        assert session.current_row.kind is ARGUMENT and session.current_row.pk == pks["Target"]
        await pilot.press("a")
        await pilot.pause()
        assert str(app.screen.query_one("#message", Static).render()) == NO_DISPUTES_LEFT
        status = await header(app, pilot)
        assert "3/3 decided" in status and "done" in status and "seen" not in status  # disputes, not sentences

    shared = shared_statuses(small_store)
    assert shared["T2"] is Status.ACCEPTED and shared["T3"] is Status.REJECTED
    assert shared["E1.Target.T2"] is Status.ACCEPTED
    # Nothing agreed on was written to the shared lane: the export takes it from the reviewers.
    assert shared["T1"] is Status.PENDING and shared["E1"] is Status.PENDING and shared["E2"] is Status.PENDING
    assert small_store.disputes() == []

    document = next(iter(small_store.iter_documents(source=FINAL)))
    exported = {e.id: (e.review.status, e.final("label")) for e in document.entities}
    assert exported == {
        "T1": (Status.ACCEPTED, "ORG"), "T2": (Status.ACCEPTED, "ORG"), "T3": (Status.REJECTED, "GPE"),
        "T4": (Status.REJECTED, "PERSON"), "T5": (Status.PENDING, "PERSON"), "T6": (Status.PENDING, "GPE"),
    }
    events = {e.id: e for e in document.events}
    assert events["E1"].review.status is Status.ACCEPTED and events["E2"].review.status is Status.REJECTED
    target = next(a for a in events["E1"].arguments if a.role == "Target")
    assert target.review.status is Status.ACCEPTED


async def test_undo_in_adjudication_opens_the_dispute_again(small_store):
    pks = decide_in_lanes(small_store)
    app = AnnotatorApp(small_store, reviewer="carol", adjudication=Adjudication(small_store))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x", "u")
        assert app.screen.session.current_row.pk == pks["T2"]
        await pilot.press("g")
        assert app.screen.session.current_row.pk == pks["T3"]  # T2 is open again, and the next open one is T3
    assert shared_statuses(small_store)["T2"] is Status.PENDING
    assert {(d.kind, d.pk) for d in small_store.disputes()} == {
        (ENTITY, pks["T2"]), (ENTITY, pks["T3"]), (ARGUMENT, pks["Target"]),
    }


async def test_bulk_keys_in_adjudication_never_decide_what_the_reviewers_agree_on(small_store):
    from annotator.tui.questions import NOT_IN_ADJUDICATION

    decide_in_lanes(small_store)
    app = AnnotatorApp(small_store, reviewer="carol", adjudication=Adjudication(small_store))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("L")  # every pending ORG of the corpus would include T1, which both reviewers accepted
        await pilot.pause()
        assert str(app.screen.query_one("#message", Static).render()) == NOT_IN_ADJUDICATION
        await pilot.press("A")  # the rest of the sentence: the open disputes only, not the agreed event listed
        preview = str(app.screen.query_one("#preview-title", Static).render())
        assert "accept 3 pending candidates" in preview
        await pilot.press("enter")
    shared = shared_statuses(small_store)
    assert shared["T2"] is shared["T3"] is shared["E1.Target.T2"] is Status.ACCEPTED
    assert shared["T1"] is shared["E1"] is Status.PENDING
    assert small_store.disputes() == []


async def test_a_fix_settles_a_dispute_with_the_adjudicators_values(small_store):
    from annotator.review.editing import DIGITS

    pks = decide_in_lanes(small_store)
    app = AnnotatorApp(small_store, reviewer="carol", adjudication=Adjudication(small_store))
    async with app.run_test(size=SIZE) as pilot:
        session = app.screen.session
        labels = session.label_choices(app.schema)
        await pilot.press("e", DIGITS[labels.index("LOC")])  # neither ana's ORG nor bo's label: the adjudicator's own
        assert session.current_row.pk == pks["T2"]  # a fix stays on its row, as in review
        await pilot.press("g")
        assert session.current_row.pk == pks["T3"]
    assert {(d.kind, d.pk) for d in small_store.disputes()} == {(ENTITY, pks["T3"]), (ARGUMENT, pks["Target"])}
    document = next(iter(small_store.iter_documents(source=FINAL)))
    t2 = next(e for e in document.entities if e.id == "T2")
    assert (t2.review.status, t2.final("label"), t2.review.reviewer) == (Status.FIXED, "LOC", "carol")
