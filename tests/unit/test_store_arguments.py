"""Arguments as extents: import fills them, add and fix make and resize them, move, copy and merge, what the tables hold."""

from __future__ import annotations

import orjson
import pytest

from annotator import store
from annotator.domain import Action, Argument, Document, Entity, Event, Status, TargetKind
from annotator.formats.native import read_native
from annotator.store import ArgumentWithoutExtent, DecisionError, Repository
from annotator.store.sql import run
from tests.conftest import SMALL_DOCUMENT, write_jsonl

# SMALL_DOCUMENT's text: "Rebels attacked [ISIS] in Homs.\n\nKerry met Lavrov in New York on Wednesday."


@pytest.fixture
def d1(repository, small_file) -> Document:
    repository.import_documents([d.document for d in read_native([small_file])])
    return repository.load_document("d1")


def argument_rows() -> dict[int, tuple]:
    """Argument pk -> (event key, role, entity key, start, end, origin), read from the tables."""
    rows = run(
        'SELECT a.id, v.key, a.role, e.key, a.start, a."end", a.origin FROM argument a'
        " JOIN event v ON v.id = a.event_id LEFT JOIN entity e ON e.id = a.entity_id"
    ).fetchall()
    return {pk: tuple(rest) for pk, *rest in rows}


def state(kind: str, pk: int) -> tuple[str, dict] | None:
    row = run(
        "SELECT status, fixed FROM review_state WHERE target_kind = ? AND target_id = ?", (kind, pk)
    ).fetchone()
    return (row[0], orjson.loads(row[1])) if row else None


def test_import_gives_an_argument_naming_an_entity_the_entity_span_as_its_extent(d1):
    rows = argument_rows()
    assert sorted(rows.values()) == sorted([
        ("E1", "Attacker", "T1", 0, 6, "machine"), ("E1", "Target", "T2", 16, 22, "machine"),
        ("E1", "Place", "T3", 26, 30, "machine"), ("E2", "Entity", "T4", 33, 38, "machine"),
        ("E2", "Entity", "T5", 43, 49, "machine"), ("E2", "Time", None, 65, 74, "machine"),
    ])
    assert [a.final_span for a in d1.events[1].arguments] == [(33, 38), (43, 49), (65, 74)]
    assert {a.event_id for a in d1.events[0].arguments} == {"E1"}


def test_an_argument_without_extent_or_entity_is_refused_before_anything_is_written(repository):
    document = Document("x", "Rebels attacked.", entities=(Entity("T1", 0, 6, "ORG"),),
                        events=(Event("E1", "Conflict.Attack", 7, 15, arguments=(Argument("Attacker"),)),))
    with pytest.raises(ArgumentWithoutExtent, match="document x, event E1: the Attacker argument"):
        repository.import_documents([document])
    assert repository.document_pks() == []


def test_a_reviewed_relink_without_extent_takes_the_linked_entity_span(repository, tmp_path):
    reviewed = dict(SMALL_DOCUMENT, events=[dict(SMALL_DOCUMENT["events"][0], arguments=[
        {"role": "Target", "entity": "T3", "status": "fixed", "original": {"entity_id": "T2"}},
    ])])
    repository.import_documents([d.document for d in read_native([write_jsonl(tmp_path / "r.jsonl", reviewed)])])
    [target] = repository.load_document("d1").events[0].arguments
    assert (target.entity_id, target.start, target.end) == ("T2", 16, 22)
    assert (target.final("entity_id"), target.final_span) == ("T3", (26, 30))


def test_add_argument_makes_an_extent_with_or_without_an_entity(repository, d1):
    meet = d1.events[1]
    lavrov = next(e for e in d1.entities if e.id == "T5")
    bare = repository.add_argument("ana", meet.pk, "Place", 53, 61)
    pronoun = repository.add_argument("ana", meet.pk, "Entity", 43, 46, entity_pk=lavrov.pk)
    repository.fix("ana", TargetKind.ENTITY, lavrov.pk, start=44)
    from_entity = repository.add_argument("ana", meet.pk, "Entity", entity_pk=lavrov.pk)
    rows = argument_rows()
    assert rows[bare] == ("E2", "Place", None, 53, 61, "reviewer")
    assert rows[pronoun] == ("E2", "Entity", "T5", 43, 46, "reviewer")
    assert rows[from_entity] == ("E2", "Entity", "T5", 44, 49, "reviewer")  # the entity's final span
    assert state("argument", bare) == ("added", {})
    added = repository.load_document("d1").events[1].arguments[-3:]
    assert [(a.role, a.entity_id, a.final_span) for a in added] == [
        ("Place", None, (53, 61)), ("Entity", "T5", (43, 46)), ("Entity", "T5", (44, 49)),
    ]


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"start": None, "end": None}, "needs an extent"),
        ({"start": 5, "end": 5}, "bad extent 5-5"),
        ({"start": -1, "end": 3}, "bad extent"),
        ({"start": 70, "end": 200}, "bad extent 70-200: give 0 <= start < end <= 75"),
    ],
)
def test_add_argument_refuses_a_missing_or_impossible_extent(repository, d1, arguments, message):
    with pytest.raises(DecisionError, match=message):
        repository.add_argument("ana", d1.events[1].pk, "Place", **arguments)
    assert len(argument_rows()) == 6


def test_add_argument_refuses_an_entity_of_another_document(repository, d1, tmp_path):
    other = dict(SMALL_DOCUMENT, id="d2")
    repository.import_documents([d.document for d in read_native([write_jsonl(tmp_path / "d2.jsonl", other)])])
    stranger = repository.load_document("d2").entities[0]
    with pytest.raises(DecisionError, match="not in the event's document"):
        repository.add_argument("ana", d1.events[0].pk, "Attacker", entity_pk=stranger.pk)
    with pytest.raises(DecisionError, match="no event"):
        repository.add_argument("ana", 999, "Attacker", 0, 6)


def test_fix_resizes_an_extent_and_unlinks_its_entity(repository, d1):
    attacker = d1.events[0].arguments[0]
    repository.fix("ana", TargetKind.ARGUMENT, attacker.pk, end=3)
    repository.fix("ana", TargetKind.ARGUMENT, attacker.pk, entity_id=None)
    assert state("argument", attacker.pk) == ("fixed", {"end": 3, "entity_id": None})
    assert argument_rows()[attacker.pk] == ("E1", "Attacker", "T1", 0, 6, "machine")  # the machine's values stay
    fixed = repository.load_document("d1").events[0].arguments[0]
    assert fixed.final_span == (0, 3) and fixed.final("entity_id") is None
    with pytest.raises(DecisionError, match="bad extent 4-3"):
        repository.fix("ana", TargetKind.ARGUMENT, attacker.pk, start=4)
    with pytest.raises(DecisionError, match="no entity 'T9'"):
        repository.fix("ana", TargetKind.ARGUMENT, attacker.pk, entity_id="T9")


def test_move_argument_puts_it_under_its_final_event_and_undo_brings_it_back(repository, d1):
    attack, meet = d1.events
    attacker = attack.arguments[0]
    group = repository.move_argument("ana", attacker.pk, meet.pk)
    assert state("argument", attacker.pk) == ("fixed", {"event_id": "E2"})
    assert [d.action for d in repository.decisions() if d.group == group] == [Action.MOVE]
    attack, meet = repository.load_document("d1").events
    assert [a.pk for a in attack.arguments] == [a.pk for a in d1.events[0].arguments[1:]]
    assert meet.arguments[-1].pk == attacker.pk and meet.arguments[-1].final("event_id") == "E2"
    with pytest.raises(DecisionError, match="already belongs to event E2"):
        repository.move_argument("ana", attacker.pk, meet.pk)
    assert repository.undo("ana") == group
    assert [a.pk for a in repository.load_document("d1").events[0].arguments] == [a.pk for a in d1.events[0].arguments]
    assert state("argument", attacker.pk) is None


def test_an_argument_moves_only_within_its_document(repository, d1, tmp_path):
    repository.import_documents([d.document for d in read_native([write_jsonl(tmp_path / "d2.jsonl", dict(SMALL_DOCUMENT, id="d2"))])])
    elsewhere = repository.load_document("d2").events[1]
    with pytest.raises(DecisionError, match="its own document"):
        repository.move_argument("ana", d1.events[0].arguments[0].pk, elsewhere.pk)


def test_copy_argument_adds_the_final_role_extent_and_entity_to_the_other_event(repository, d1):
    attack, meet = d1.events
    place = attack.arguments[2]
    repository.fix("ana", TargetKind.ARGUMENT, place.pk, start=27)
    copy = repository.copy_argument("ana", place.pk, meet.pk)
    assert argument_rows()[copy] == ("E2", "Place", "T3", 27, 30, "reviewer")
    assert state("argument", copy) == ("added", {})
    assert state("argument", place.pk) == ("fixed", {"start": 27})  # the original stays where it was


def test_events_sharing_a_trigger_are_found_and_merged_in_one_undo_step(repository, d1):
    attack, meet = d1.events
    twin = repository.add_event("ana", d1.pk, "Conflict.Attack", 7, 15)
    elsewhere = repository.add_event("ana", d1.pk, "Life.Die", 9, 15)
    assert repository.events_sharing_trigger(d1.pk) == [(attack.pk, twin)]
    repository.fix("ana", TargetKind.EVENT, elsewhere, trigger_start=7)
    assert repository.events_sharing_trigger(d1.pk) == [(attack.pk, twin), (attack.pk, elsewhere), (twin, elsewhere)]
    repository.reject("ana", TargetKind.EVENT, elsewhere)
    assert repository.events_sharing_trigger(d1.pk) == [(attack.pk, twin)]

    victim = repository.add_argument("ana", twin, "Target", 16, 22)
    repository.reject("ana", TargetKind.ARGUMENT, attack.arguments[1].pk)
    before = repository.review_states()
    group = repository.merge_events("ana", twin, attack.pk)
    assert state("event", attack.pk)[0] == "rejected"
    moved = [attack.arguments[0].pk, attack.arguments[2].pk]
    assert [state("argument", pk) for pk in moved] == [("fixed", {"event_id": f"added-{twin}"})] * 2
    assert state("argument", attack.arguments[1].pk) == ("rejected", {})  # a rejected argument stays behind
    merged = next(e for e in repository.load_document("d1").events if e.pk == twin)
    assert [a.pk for a in merged.arguments] == [victim, *moved]
    assert repository.events_sharing_trigger(d1.pk) == []
    assert {d.group for d in repository.decisions() if d.action == Action.MERGE} == {group}
    assert repository.undo("ana") == group
    assert repository.review_states() == before
    with pytest.raises(DecisionError, match="into itself"):
        repository.merge_events("ana", twin, twin)


def test_a_moved_argument_reloads_under_its_event_after_reopening(repository, d1, db_path):
    attack, meet = d1.events
    repository.move_argument("ana", meet.arguments[2].pk, attack.pk)
    store.close()
    store.connect(db_path)
    attack, meet = Repository().load_document("d1").events
    assert [a.role for a in attack.arguments] == ["Attacker", "Target", "Place", "Time"]
    assert [a.role for a in meet.arguments] == ["Entity", "Entity"]
    assert Status(attack.arguments[-1].review.status) is Status.FIXED
