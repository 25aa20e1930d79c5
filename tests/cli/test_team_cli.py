"""`assign`, `progress` and `agree` end to end: two reviewers decide the team fixture differently through the
repository, and the command line prints the figures computed by hand in fixtures/team/README.md."""

from __future__ import annotations

import orjson
import pytest
from click.testing import CliRunner

from annotator import store
from annotator.cli import main
from annotator.domain import TargetKind
from annotator.store import Repository
from tests.conftest import FIXTURES

TEAM = FIXTURES / "team" / "two_reviewers.jsonl"


def run(db: str, *args: str):
    return CliRunner().invoke(main, ["--db", db, *args])


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def decide_as_in_the_readme(db: str, second: str = "bo") -> None:
    """ana and the second reviewer decide t1 and t2 as the fixture's README says."""
    store.connect(db, create=False)
    try:
        repository = Repository()
        t1, t2 = repository.load_document("t1"), repository.load_document("t2")
        norp = [e.pk for e in t1.entities]
        # A decision ana takes back first: only decisions still in effect count.
        repository.reject("ana", TargetKind.ENTITY, norp[0])
        repository.undo("ana")
        for i, pk in enumerate(norp):
            repository.accept("ana", TargetKind.ENTITY, pk) if i < 7 else repository.reject("ana", TargetKind.ENTITY, pk)
            if i < 5 or i == 9:
                repository.accept(second, TargetKind.ENTITY, pk)
            else:
                repository.reject(second, TargetKind.ENTITY, pk)
        g, p, o = (e.pk for e in t2.entities if e.id in ("G", "P", "O"))
        meet = t2.events[0]
        entity_argument, place_argument = (a.pk for a in meet.arguments)
        for pk in (g, p, o):
            repository.accept("ana", TargetKind.ENTITY, pk)
        repository.accept_event("ana", meet.pk)
        repository.accept(second, TargetKind.ENTITY, g)
        repository.fix(second, TargetKind.ENTITY, p, end=14)
        repository.reject(second, TargetKind.ENTITY, o)
        repository.add_entity(second, t2.pk, 30, 35, "ORG")
        repository.accept(second, TargetKind.EVENT, meet.pk)
        repository.accept(second, TargetKind.ARGUMENT, entity_argument)
        repository.fix(second, TargetKind.ARGUMENT, place_argument, start=0, end=6)
    finally:
        store.close()


@pytest.fixture
def team_store(store_url: str) -> str:
    ok(run(store_url, "import", str(TEAM)))
    ok(run(store_url, "assign", "--reviewers", "ana,bo", "--overlap", "1", "--documents", "t1,t2"))
    ok(run(store_url, "assign", "--reviewers", "bo", "--documents", "t3"))
    decide_as_in_the_readme(store_url)
    return store_url


def test_assign_prints_what_it_gave_and_leaves_assigned_documents_alone(store_url):
    ok(run(store_url, "import", str(TEAM)))
    first = ok(run(store_url, "assign", "--reviewers", "ana,bo", "--overlap", "0.34", "--seed", "5"))
    # 3 documents, round(0.34·3) = 1 of them twice: 4 assignments, 2 each.
    assert "4 assignment(s) made with seed 5; 1 document(s) given to two reviewers" in first
    assert [line.split() for line in first.splitlines()[-2:]] == [["ana", "2", "2"], ["bo", "2", "2"]]
    again = orjson.loads(ok(run(store_url, "assign", "--reviewers", "ana,bo,cy", "--json")))
    assert again["already_assigned"] == 3
    assert again["reviewers"] == {"ana": {"new": 0, "total": 2}, "bo": {"new": 0, "total": 2}, "cy": {"new": 0, "total": 0}}


def test_assign_errors_are_messages(store_url):
    ok(run(store_url, "import", str(TEAM)))
    missing = run(store_url, "assign", "--reviewers", "ana", "--documents", "t1,nope")
    assert missing.exit_code == 1 and "1 document id(s) not in the store: 'nope'" in missing.output
    alone = run(store_url, "assign", "--reviewers", "ana", "--overlap", "0.5")
    assert alone.exit_code == 1 and "an overlap needs at least two reviewers" in alone.output
    assert run(store_url, "assign", "--reviewers", "ana,bo", "--overlap", "2").exit_code == 2


def test_progress_table_and_json(team_store):
    table = ok(run(team_store, "progress")).splitlines()
    assert table[0].split() == ["reviewer", "assigned", "done", "remaining", "decided"]
    assert table[1].split() == ["ana", "2", "2", "0", "16"]
    assert table[2].split() == ["bo", "3", "2", "1", "16"]
    figures = orjson.loads(ok(run(team_store, "progress", "--json")))
    assert figures["reviewers"][1] == {"reviewer": "bo", "assigned": 3, "done": 2, "remaining": 1, "decided": 16}


def test_agree_json_gives_the_hand_computed_figures(team_store):
    result = orjson.loads(ok(run(team_store, "agree", "--json")))
    assert result["reviewers"] == ["ana", "bo"] and "own category" in result["definitions"]["kappa"]
    (pair,) = result["pairs"]
    assert (pair["first"], pair["second"], pair["documents"], pair["finished"], pair["decided_by_one"]) == (
        "ana", "bo", 2, 2, 0
    )
    kappa = pair["kappa"]
    assert kappa["entity"]["by_name"]["NORP"]["kappa"] == pytest.approx(0.16 / 0.46)
    assert round(kappa["entity"]["by_name"]["NORP"]["kappa"], 3) == 0.348
    assert kappa["entity"]["by_name"]["GPE"] == {"items": 1, "p_o": 1.0, "p_e": 1.0, "kappa": None}
    assert kappa["entity"]["total"]["kappa"] == pytest.approx(19 / 84)
    assert kappa["overall"]["items"] == 16 and kappa["overall"]["kappa"] == pytest.approx(7 / 31)
    assert kappa["argument"]["by_name"]["Place"]["items"] == 1
    exact, overlap = pair["entities_exact"], pair["entities_overlap"]
    assert exact["total"] == {"matched": 6, "first": 10, "second": 9, "f1": pytest.approx(12 / 19)}
    assert overlap["total"]["f1"] == pytest.approx(14 / 19)
    assert exact["by_name"]["PERSON"]["f1"] == 0.0 and overlap["by_name"]["PERSON"]["f1"] == 1.0
    assert overlap["by_name"]["ORG"] == {"matched": 0, "first": 1, "second": 1, "f1": 0.0}
    assert pair["triggers"]["total"]["f1"] == 1.0
    assert pair["arguments"]["total"] == {"matched": 1, "first": 2, "second": 2, "f1": 0.5}
    assert pair["arguments"]["by_name"]["Place"]["f1"] == 0.0


def test_agree_only_over_the_reference_document_gives_its_worked_span_figures(team_store):
    # Without t1, the entity sets are the reference's: exact 2/6, overlapping 4/6.
    store.connect(team_store, create=False)
    try:
        from annotator.agreement import compare
        from annotator.store.team import reviewer_work

        t2 = Repository().document_pk("t2")
        work = reviewer_work([t2])
    finally:
        store.close()
    pair = compare("ana", work["ana"], "bo", work["bo"])
    assert round(pair.span_total("entities exact").f1, 3) == 0.333
    assert round(pair.span_total("entities overlap").f1, 3) == 0.667


def test_agree_table_says_how_a_fix_counts_and_shows_undefined_kappa(team_store):
    lines = ok(run(team_store, "agree", "--reviewers", "ana,bo")).splitlines()
    assert "a fix counts as its own category" in lines[0]
    assert "ana and bo: 2 document(s) both worked on (2 finished by both); 16 candidate(s) decided by both, 0 by only one" in lines
    assert "kappa overall (micro): 0.226 over 16" in lines
    start = lines.index(next(line for line in lines if line.startswith("decisions on the same candidates")))
    kappa_table = lines[start : lines.index("", start)]
    row = {line.split()[0]: line.split() for line in kappa_table if line.startswith("  ")}
    assert row["NORP"][1:] == ["10", "0.700", "0.540", "0.348"]
    assert row["GPE"][1:] == ["1", "1.000", "1.000", "undefined"]
    assert kappa_table[1].split() == ["entity", "label:", "all", "13", "0.615", "0.503", "0.226"]
    f1_rows = [line.split() for line in lines if line.startswith("entities, overlapping (label): all")]
    assert f1_rows == [["entities,", "overlapping", "(label):", "all", "7", "10", "9", "0.737"]]


def test_agree_compares_every_pair_and_shows_hostile_names_safely(team_store):
    decide_as_in_the_readme(team_store, second="c\x1b[31md")
    store.connect(team_store, create=False)
    try:
        repository = Repository()
        pk = repository.load_document("t2").entities[0].pk
        repository.fix("ana", TargetKind.ENTITY, pk, label="GPE\x07")
    finally:
        store.close()
    output = ok(run(team_store, "agree"))
    assert "\x1b" not in output and "\x07" not in output
    assert "ana and bo:" in output and "ana and c␛[31md:" in output and "bo and c␛[31md:" in output
    assert "GPE␇" in output
    parsed = orjson.loads(ok(run(team_store, "agree", "--json")))
    assert [(p["first"], p["second"]) for p in parsed["pairs"]] == [
        ("ana", "bo"), ("ana", "c\x1b[31md"), ("bo", "c\x1b[31md")
    ]


def test_agree_needs_two_reviewers(store_url):
    ok(run(store_url, "import", str(TEAM)))
    result = run(store_url, "agree")
    assert result.exit_code == 1 and "agreement needs two reviewers with decisions; found 0" in result.output
    assert run(store_url, "agree", "--reviewers", "ana").exit_code == 2


def test_progress_before_any_assignment_says_what_to_do_and_creates_nothing(store_url):
    ok(run(store_url, "import", str(TEAM)))
    assert "give them documents with `annotator assign`" in ok(run(store_url, "progress"))
    assert orjson.loads(ok(run(store_url, "progress", "--json"))) == {"reviewers": []}
    store.connect(store_url, create=False)
    try:
        from annotator.store.models import database

        assert not database.table_exists("assignment")
    finally:
        store.close()


def test_agree_finished_compares_only_documents_both_finished(team_store):
    store.connect(team_store, create=False)
    try:
        repository = Repository()
        homs = repository.load_document("t3").entities[0].pk
        repository.accept("bo", TargetKind.ENTITY, homs)
        repository.set_flag("ana", TargetKind.ENTITY, homs, True)  # ana looked, decided nothing yet
    finally:
        store.close()
    (everything,) = orjson.loads(ok(run(team_store, "agree", "--json")))["pairs"]
    assert (everything["documents"], everything["finished"], everything["decided_by_one"]) == (3, 2, 1)
    finished = orjson.loads(ok(run(team_store, "agree", "--json", "--finished")))
    assert finished["finished_only"] is True
    (pair,) = finished["pairs"]
    assert (pair["documents"], pair["finished"], pair["decided_by_one"]) == (2, 2, 0)
    assert pair["kappa"]["overall"]["kappa"] == pytest.approx(7 / 31)
    # bo's final GPE "Homs" is in the comparison of every document, not of the finished ones.
    assert everything["entities_exact"]["by_name"]["GPE"]["second"] == 2
    assert pair["entities_exact"]["by_name"]["GPE"]["second"] == 1
