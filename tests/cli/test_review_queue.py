"""`annotator review` in a team: a reviewer's own queue, in their own lane, and a claim once it is done."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from annotator import store
from annotator.cli import main
from annotator.cli.base import Context
from annotator.cli.review import _in_team
from annotator.review.session import ReviewSession
from annotator.store import team
from tests.conftest import SMALL_DOCUMENT, write_jsonl


@pytest.fixture
def four_documents(store_url, tmp_path) -> list[str]:
    ids = [f"d{i}" for i in range(1, 5)]
    path = write_jsonl(tmp_path / "four.jsonl", *({**SMALL_DOCUMENT, "id": i} for i in ids))
    result = CliRunner().invoke(main, ["--db", store_url, "import", str(path)])
    assert result.exit_code == 0, result.output
    return ids


def opened(store_url: str, reviewer: str):
    context = Context(store_url, reviewer)
    return _in_team(context, context.open_store())


def test_without_assignments_review_walks_every_document_in_the_shared_lane(store_url, four_documents):
    repository = opened(store_url, "ana")
    try:
        assert repository.lane == "" and repository.queue is None
        assert len(repository.document_pks()) == 4
    finally:
        store.close()


def test_an_assigned_reviewer_walks_only_their_queue_in_their_own_lane_then_claims_the_next(store_url, four_documents):
    runner = CliRunner()
    result = runner.invoke(main, ["--db", store_url, "assign", "--reviewers", "ana,bo", "--documents", "d1,d2"])
    assert result.exit_code == 0, result.output
    store.connect(store_url)
    try:
        mine = team.assignments()["ana"]
    finally:
        store.close()

    repository = opened(store_url, "ana")
    try:
        assert repository.lane == "ana"
        assert repository.document_pks() == mine  # her assigned document, nothing claimed yet
        session = ReviewSession(repository, "ana")
        assert session.document_pks == mine
        # Deciding everything in the queue stays in it: the walk never opens another document.
        session.resume()
        for _ in range(200):  # bounded: a walk that never ends fails here instead of hanging
            row = session.current_row
            if row is None or not row.is_pending:
                if session.needs_confirmation:
                    session.confirm_sentence()
                elif not session.next_pending():
                    break
                continue
            assert session.document.pk in mine
            session.accept(row)
        from annotator.store.models import DecisionRow

        touched = {
            pk for (pk,) in DecisionRow.select(DecisionRow.document_pk)
            .where((DecisionRow.reviewer == "ana") & DecisionRow.target_pk.is_null(False)).tuples()
        }
        assert touched == set(mine)
    finally:
        store.close()

    # In her lane only: the shared lane and bo's see nothing of it.
    store.connect(store_url)
    try:
        from annotator.store import Repository

        assert Repository().decided_count() == 0
        assert Repository(lane="bo").decided_count() == 0
        assert Repository(lane="ana").decided_count() > 0
    finally:
        store.close()

    # Her queue done, the next review claims a document nobody had, and only one.
    repository = opened(store_url, "ana")
    try:
        queue = repository.document_pks()
        assert len(queue) == len(mine) + 1 and set(mine) < set(queue)
        claimed = (set(queue) - set(mine)).pop()
        assert claimed in team.assignments()["ana"]
    finally:
        store.close()
    repository = opened(store_url, "bo")
    try:
        assert claimed not in repository.document_pks()
    finally:
        store.close()


def test_a_reviewer_with_nothing_assigned_and_nothing_left_is_told_plainly(store_url, four_documents):
    result = CliRunner().invoke(main, ["--db", store_url, "assign", "--reviewers", "ana,bo"])
    assert result.exit_code == 0, result.output
    store.connect(store_url)
    try:
        from annotator.store.models import DocumentRow

        everyone = [pk for (pk,) in DocumentRow.select(DocumentRow.pk).tuples()]
        for pk in everyone:
            # Every document already has a first reviewer: nothing is left to claim.
            assert pk in sum(team.assignments().values(), [])
    finally:
        store.close()
    with pytest.raises(click.ClickException, match="nothing is assigned to 'cy' and no document is left to claim"):
        opened(store_url, "cy")
    store.close()
