"""`review --own-lane` decides in the reviewer's own lane; `export --source` says which lanes' states go out."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from annotator import store
from annotator.cli import main
from annotator.domain import TargetKind
from annotator.store import Repository
from tests.conftest import SMALL_DOCUMENT, write_jsonl


def invoke(db: Path, *args: str, reviewer: str = "ana"):
    return CliRunner().invoke(main, ["--db", str(db), "--reviewer", reviewer, *args], catch_exceptions=False)


def exported_statuses(db: Path, *args: str) -> tuple[dict[str, str], str]:
    result = invoke(db, "export", *args)
    assert result.exit_code == 0, result.output
    document = orjson.loads(result.stdout.splitlines()[0])
    return {e["id"]: e.get("status", "pending") for e in document["entities"]}, result.stderr


@pytest.fixture
def reviewed_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store where ana and bo each reviewed d1 in a lane of their own, through `review --own-lane`.

    Instead of running the screen, the app records the lane it was given and makes the reviewer's decisions.
    """
    from annotator.tui.app import AnnotatorApp

    db = tmp_path / "team.db"
    assert invoke(db, "import", str(write_jsonl(tmp_path / "d.jsonl", SMALL_DOCUMENT))).exit_code == 0
    plans = {
        "ana": [("accept", "T1"), ("accept", "T2"), ("accept", "T3")],
        "bo": [("accept", "T1"), ("reject", "T2"), ("accept", "T3")],
    }
    opened: list[tuple[str, str]] = []

    def decide_instead_of_running(app: AnnotatorApp) -> None:
        repository = app.repository
        opened.append((app.reviewer, repository.lane))
        pks = {e.id: e.pk for e in repository.load_document("d1").entities}
        # Each reviewer finds the document as nobody had touched it.
        assert {e.review.status.value for e in repository.load_document("d1").entities} == {"pending"}
        for verb, entity_id in plans[app.reviewer]:
            getattr(repository, verb)(app.reviewer, TargetKind.ENTITY, pks[entity_id])

    monkeypatch.setattr(AnnotatorApp, "run", decide_instead_of_running)
    for reviewer in ("ana", "bo"):
        result = invoke(db, "review", "--own-lane", reviewer=reviewer)
        assert result.exit_code == 0, result.output
    assert opened == [("ana", "ana"), ("bo", "bo")]
    return db


def test_without_own_lane_review_works_in_the_shared_lane(tmp_path, monkeypatch):
    from annotator.tui.app import AnnotatorApp

    db = tmp_path / "one.db"
    assert invoke(db, "import", str(write_jsonl(tmp_path / "d.jsonl", SMALL_DOCUMENT))).exit_code == 0
    lanes: list[str] = []
    monkeypatch.setattr(AnnotatorApp, "run", lambda app: lanes.append(app.repository.lane))
    assert invoke(db, "review").exit_code == 0
    assert lanes == [""]


def test_export_by_default_gives_the_agreed_states_and_says_how_many_are_left_pending(reviewed_twice):
    statuses, messages = exported_statuses(reviewed_twice)
    assert statuses == {"T1": "accepted", "T2": "pending", "T3": "accepted", "T4": "pending", "T5": "pending",
                        "T6": "pending"}
    assert "1 candidate(s) in 1 document(s) exported as pending" in messages
    assert exported_statuses(reviewed_twice, "--source", "final")[0] == statuses


def test_export_of_one_reviewers_lane(reviewed_twice):
    assert exported_statuses(reviewed_twice, "--source", "bo")[0]["T2"] == "rejected"
    statuses, messages = exported_statuses(reviewed_twice, "--source", "ana")
    assert statuses["T2"] == "accepted" and "pending" not in messages
    reviewed = exported_statuses(reviewed_twice, "--source", "ana", "--reviewed")[0]
    assert set(reviewed) == {"T1", "T2", "T3"}


def test_export_by_majority_of_three_lanes(reviewed_twice):
    store.connect(reviewed_twice)
    try:
        cy = Repository(lane="cy")
        cy.reject("cy", TargetKind.ENTITY, {e.id: e.pk for e in cy.load_document("d1").entities}["T2"])
    finally:
        store.close()
    assert exported_statuses(reviewed_twice, "--source", "majority")[0]["T2"] == "rejected"
    assert exported_statuses(reviewed_twice, "--source", "final")[0]["T2"] == "pending"


def test_export_refuses_a_reviewer_with_no_lane(reviewed_twice):
    result = invoke(reviewed_twice, "export", "--source", "cy")
    assert result.exit_code != 0
    assert "--source cy: no reviewer decided in a lane of that name (lanes in the store: ana, bo)" in result.output
