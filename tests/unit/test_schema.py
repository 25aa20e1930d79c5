"""The event schema: loading, checking a schema file, and the warnings the review screen shows."""

from __future__ import annotations

import json

import pytest

from annotator.domain import Argument, Entity, Event, Review, Status
from annotator.schema import SchemaError, load_schema


def test_default_schema_has_the_ace_types_and_role_constraints():
    schema = load_schema()
    assert len(schema.events) == 33
    assert schema.roles_of("Life.Die") == ("Agent", "Victim", "Instrument", "Place", "Time")
    assert schema.allows_label("Place", "GPE") and not schema.allows_label("Place", "ORG")
    assert schema.allows_label("Victim", "PERSON") and not schema.allows_label("Victim", "GPE")


def test_event_warnings_cover_every_schema_problem():
    schema = load_schema()
    entities = [
        Entity("T1", 0, 5, "GPE"),
        Entity("T2", 6, 10, "ORG", review=Review(status=Status.REJECTED)),
        Entity("T3", 11, 15, "PERSON"),
    ]
    event = Event("E1", "Life.Die", 20, 25, arguments=(
        Argument("Victim", "T1"),            # GPE not allowed as Victim
        Argument("Place", "T2"),             # rejected entity, and ORG not allowed as Place
        Argument("Attacker", "T3"),          # role not allowed for Life.Die
        Argument("Victim", "T3", review=Review(status=Status.REJECTED)),  # rejected arguments are ignored
    ))
    warnings = schema.event_warnings(event, entities)
    assert (0, "GPE is not allowed as Victim") in warnings
    assert (1, "points at a rejected entity") in warnings
    assert (1, "ORG is not allowed as Place") in warnings
    assert (2, "role Attacker is not allowed for Life.Die") in warnings
    assert not any(index == 3 for index, _ in warnings)
    fixed_type = Event("E2", "Contact.Meet", 0, 3, review=Review(status=Status.FIXED, fixed={"type": "Nope"}))
    assert schema.event_warnings(fixed_type, entities) == [(None, "Nope is not an event type of the schema")]
    meet = Event("E3", "Contact.Meet", 0, 3)
    assert schema.event_warnings(meet, entities) == [(None, "required role Entity is missing")]


@pytest.mark.parametrize(
    "content, message",
    [
        ("not json", "not valid UTF-8 JSON"),
        ('{"roles": {}, "events": {}}', "non-empty 'events'"),
        ('{"roles": {"A": []}, "events": {"X": {"roles": ["A"], "required": ["B"]}}}', "required"),
        ('{"roles": {"A": []}, "events": {"X": {"roles": ["A"], "slots": {"subject": "B"}}}}', "'B' is not a role of X"),
    ],
)
def test_a_broken_schema_file_is_refused_with_the_reason(tmp_path, content, message):
    path = tmp_path / "schema.json"
    path.write_text(content)
    with pytest.raises(SchemaError, match=message):
        load_schema(path)


def test_schema_round_trips_through_its_json():
    schema = load_schema()
    assert json.loads(schema.to_json())["events"].keys() == schema.events.keys()
