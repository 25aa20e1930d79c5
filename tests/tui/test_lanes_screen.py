"""The review screen opened in a reviewer's own lane shows and writes only that lane's decisions."""

from __future__ import annotations

from annotator.domain import Status, TargetKind
from annotator.formats.native import read_native
from annotator.store import Repository
from annotator.tui.app import AnnotatorApp
from tests.conftest import write_jsonl
from tests.tui.pilot import SIZE
from tests.tui.test_review_loop import WITH_AN_EMPTY_SENTENCE, header


async def test_a_reviewer_in_their_own_lane_starts_from_nothing_and_decides_there(repository, tmp_path):
    repository.import_documents(
        [d.document for d in read_native([write_jsonl(tmp_path / "gap.jsonl", WITH_AN_EMPTY_SENTENCE)])]
    )
    ana = Repository(lane="ana")
    pks = {e.id: e.pk for e in ana.load_document("gap").entities}
    ana.reject("ana", TargetKind.ENTITY, pks["T1"])
    ana.reject("ana", TargetKind.ENTITY, pks["T2"])

    bo = Repository(lane="bo")
    app = AnnotatorApp(bo, reviewer="bo")
    async with app.run_test(size=SIZE) as pilot:
        assert "0/4 decided · 0/3 seen" in await header(app, pilot)
        await pilot.press("a")  # accepts Rebels, which ana rejected in her lane
        assert "1/4 decided" in await header(app, pilot)

    def statuses(lane: Repository) -> dict[str, Status]:
        return {e.id: e.review.status for e in lane.load_document("gap").entities}

    assert statuses(bo)["T1"] is Status.ACCEPTED and statuses(bo)["T2"] is Status.PENDING
    assert statuses(ana)["T1"] is Status.REJECTED and statuses(ana)["T2"] is Status.REJECTED
    assert set(statuses(repository).values()) == {Status.PENDING}
    assert ana.decided_count() == 2 and bo.decided_count() == 1 and repository.decided_count() == 0
