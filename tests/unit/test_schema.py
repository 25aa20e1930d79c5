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


def test_the_default_schema_lists_the_ace_attributes_in_order_and_a_default_for_added_events():
    schema = load_schema()
    assert schema.attributes == {
        "polarity": ("positive", "negative"), "modality": ("asserted", "other"),
        "genericity": ("specific", "generic"), "tense": ("past", "present", "future", "unspecified"),
    }
    assert list(schema.attributes) == ["polarity", "modality", "genericity", "tense"]
    assert schema.default_attributes() == {
        "polarity": "positive", "modality": "asserted", "genericity": "specific", "tense": "unspecified",
    }
    assert schema.attribute_error("polarity", "negative") is None
    assert "give one of positive, negative" in schema.attribute_error("polarity", "no")


def test_choices_keep_the_schema_order_and_the_schema_names_the_digit_ones():
    schema = load_schema()
    assert schema.event_types[:3] == ("Life.Be-Born", "Life.Marry", "Life.Divorce")
    assert schema.entity_labels[:4] == ("PERSON", "ORG", "GPE", "NORP")
    assert "Conflict.Attack" in schema.digit_types and len(schema.digit_types) == 9
    assert schema.digit_labels[:3] == ("PERSON", "ORG", "GPE") and len(schema.digit_labels) == 9
    assert schema.allowed_labels("Time") == ("DATE", "TIME")
    assert schema.allowed_labels("Crime") == () and schema.allowed_labels("Nope") == ()


def test_without_digit_lists_the_first_nine_in_schema_order_get_digits(tmp_path):
    path = tmp_path / "schema.json"
    labels = [f"L{i}" for i in range(12)]
    events = {f"T{i}": {"roles": []} for i in range(11)}
    path.write_text(json.dumps({"entity_labels": labels, "roles": {}, "events": events}))
    schema = load_schema(path)
    assert schema.digit_labels == tuple(labels[:9]) and schema.digit_types == tuple(events)[:9]
    assert schema.attributes == {} and schema.default_attributes() == {}


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"attributes": {"polarity": []}}, "attributes.polarity: list at least one value"),
        ({"attributes": ["polarity"]}, "attributes: must be an object"),
        ({"attributes": {"p": ["a"]}, "attribute_defaults": {"p": "b"}}, "attribute_defaults.p: 'b' is not one of"),
        ({"digit_types": ["X", "Nope"]}, "digit_types: Nope not declared"),
        ({"digit_labels": [f"L{i}" for i in range(10)]}, "at most 9"),
    ],
)
def test_bad_attributes_or_digit_lists_are_refused_with_the_reason(tmp_path, extra, message):
    path = tmp_path / "schema.json"
    labels = [f"L{i}" for i in range(10)]
    path.write_text(json.dumps({"entity_labels": labels, "roles": {}, "events": {"X": {"roles": []}}, **extra}))
    with pytest.raises(SchemaError, match=message):
        load_schema(path)


def test_dismissed_warnings_are_left_out_and_others_stay():
    schema = load_schema()
    entities = [Entity("T1", 0, 5, "GPE")]
    dismissed_here = Review(status=Status.ACCEPTED, dismissed=("GPE is not allowed as Victim",))
    event = Event("E1", "Life.Die", 20, 25, arguments=(
        Argument("Victim", "T1", 0, 5, review=dismissed_here),
        Argument("Victim", "T1", 0, 5),
    ), review=Review(dismissed=("nothing of the kind",)))
    assert schema.event_warnings(event, entities) == [(1, "GPE is not allowed as Victim")]
    meet = Event("E3", "Contact.Meet", 0, 3, review=Review(dismissed=("required role Entity is missing",)))
    assert schema.event_warnings(meet, entities) == []


def test_an_attribute_value_the_schema_does_not_list_is_a_warning():
    schema = load_schema()
    event = Event("E1", "Contact.Meet", 0, 3, arguments=(Argument("Entity", None, 0, 1),),
                  attributes={"polarity": "maybe", "polarity_cue": "denied"})
    assert schema.event_warnings(event, []) == [(None, "'maybe' is not a value of polarity")]
