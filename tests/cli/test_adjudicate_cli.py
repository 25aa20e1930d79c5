"""`annotator adjudicate` opens the review screen on the disputes alone; export then gives adjudicated-else-agreed states."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator import store
from annotator.cli import main
from annotator.domain import TargetKind
from annotator.store import Repository
from tests.cli.test_lanes_cli import exported_statuses, invoke
from tests.conftest import SMALL_DOCUMENT, write_jsonl
from tests.unit import test_roles_postgres as role_tests

# The PostgreSQL role fixtures: a store owned by the superuser, and reviewer roles bound to their own lanes.
owner_url, alice_and_bob = role_tests.owner_url, role_tests.alice_and_bob


def decide(db: Path, plans: dict[str, list[tuple[str, str]]]) -> None:
    """Each reviewer's decisions on d1's entities, in a lane of their own ('' is the shared lane)."""
    store.connect(db)
    try:
        for lane, plan in plans.items():
            repository = Repository(lane=lane)
            pks = {e.id: e.pk for e in repository.load_document("d1").entities}
            for verb, entity_id in plan:
                getattr(repository, verb)(lane or "carol", TargetKind.ENTITY, pks[entity_id])
    finally:
        store.close()


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    db = tmp_path / "team.db"
    assert invoke(db, "import", str(write_jsonl(tmp_path / "d.jsonl", SMALL_DOCUMENT))).exit_code == 0
    return db


@pytest.fixture
def screen_runs(monkeypatch: pytest.MonkeyPatch) -> list:
    """Instead of running, the app records what it was opened on."""
    from annotator.tui.app import AnnotatorApp

    opened: list = []
    monkeypatch.setattr(AnnotatorApp, "run", lambda app: opened.append(app))
    return opened


def test_a_store_without_reviewer_lanes_has_nothing_to_adjudicate(imported, screen_runs):
    decide(imported, {"": [("accept", "T1")]})
    result = invoke(imported, "adjudicate")
    assert result.exit_code == 1 and screen_runs == []
    assert "nothing to adjudicate: no reviewer decided in a lane of their own" in result.output
    assert "annotator review --own-lane" in result.output


def test_reviewers_who_agree_leave_no_disagreement_and_the_screen_stays_shut(imported, screen_runs):
    decide(imported, {"ana": [("accept", "T1"), ("reject", "T2")], "bo": [("accept", "T1"), ("reject", "T2")]})
    result = invoke(imported, "adjudicate")
    assert result.exit_code == 0 and screen_runs == []
    assert result.output.startswith("No disagreement to adjudicate: export gives what the reviewers agree on")


def test_reviewers_are_named_and_checked(imported, screen_runs):
    decide(imported, {"ana": [("accept", "T1")], "bo": [("reject", "T1")], "cy": [("reject", "T1")]})
    unknown = invoke(imported, "adjudicate", "--reviewers", "ana,dee")
    assert unknown.exit_code == 1 and "--reviewers: no lane of dee in the store (lanes: ana, bo, cy)" in unknown.output
    alone = invoke(imported, "adjudicate", "--reviewers", "ana")
    assert alone.exit_code == 2 and "name at least two reviewers" in alone.output
    agreed = invoke(imported, "adjudicate", "--reviewers", "bo,cy")
    assert agreed.exit_code == 0 and "No disagreement to adjudicate between bo, cy" in agreed.output
    assert screen_runs == []
    assert invoke(imported, "adjudicate", "--reviewers", "ana,cy").exit_code == 0
    (app,) = screen_runs
    assert app.repository.lane == "" and app.reviewer == "ana"
    assert app.session.adjudication.reviewers == ["ana", "cy"] and len(app.session.adjudication) == 1


def test_export_after_adjudication_gives_adjudicated_else_agreed_and_the_other_sources_still_work(imported, screen_runs):
    decide(imported, {
        "ana": [("accept", "T1"), ("accept", "T2"), ("accept", "T3"), ("reject", "T4")],
        "bo": [("accept", "T1"), ("reject", "T2"), ("reject", "T3"), ("reject", "T4")],
        "cy": [("reject", "T2")],
    })
    assert invoke(imported, "adjudicate", reviewer="carol").exit_code == 0
    (app,) = screen_runs
    adjudication = app.session.adjudication
    assert sorted(pk for _, pk in adjudication.disputes) == sorted(
        e.pk for e in app.repository.load_document("d1").entities if e.id in ("T2", "T3")
    )
    before, said = exported_statuses(imported)
    assert before["T2"] == "pending" and "2 candidate(s) in 1 document(s) exported as pending" in said

    decide(imported, {"": [("accept", "T2")]})  # the adjudicator settles T2 only
    statuses, said = exported_statuses(imported)
    assert statuses == {"T1": "accepted", "T2": "accepted", "T3": "pending", "T4": "rejected", "T5": "pending",
                        "T6": "pending"}
    assert "1 candidate(s) in 1 document(s) exported as pending" in said
    assert exported_statuses(imported, "--source", "bo")[0]["T2"] == "rejected"
    assert exported_statuses(imported, "--source", "ana")[0]["T3"] == "accepted"
    majority = exported_statuses(imported, "--source", "majority")[0]
    assert majority["T4"] == "rejected" and majority["T3"] == "pending"  # both lanes; a tie of two
    # What is left to adjudicate afterwards is what the export still leaves pending.
    screen_runs.clear()
    assert invoke(imported, "adjudicate").exit_code == 0
    assert len(screen_runs[0].session.adjudication) == 1


@pytest.mark.postgresql
def test_a_reviewer_role_may_not_adjudicate_and_the_owner_may(owner_url, alice_and_bob, screen_runs):
    alice, bob = alice_and_bob  # bob accepted T1 in his lane
    repository = role_tests.open_as(owner_url, alice)
    repository.reject(alice, TargetKind.ENTITY, role_tests.entity_pk(repository, "T1"))
    store.close()

    refused = CliRunner().invoke(main, ["--db", role_tests.as_role(owner_url, alice), "adjudicate"])
    assert refused.exit_code == 1 and screen_runs == []
    assert f"adjudication decides in the shared lane, which your role ({alice}) may not write" in refused.output
    allowed = CliRunner().invoke(main, ["--db", owner_url, "--reviewer", "carol", "adjudicate"])
    assert allowed.exit_code == 0, allowed.output
    (app,) = screen_runs
    assert app.repository.lane == "" and len(app.session.adjudication) == 1
