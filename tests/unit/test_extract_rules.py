"""Trigger conditions, polarity, modality and tense, one rule at a time, on sentences written for the rule."""

from __future__ import annotations

import pytest

from annotator.domain import Document
from annotator.nlp.extract import Extractor, load_pipeline


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(load_pipeline())


def found(extractor: Extractor, text: str) -> list[tuple[str, str, dict]]:
    """(type, trigger words, {role: [extent, ...]}) of every event, with the attributes under "attributes"."""
    [document] = extractor.extract([Document("t", text)])
    result = []
    for event in document.events:
        roles: dict = {}
        for argument in event.arguments:
            roles.setdefault(argument.role, []).append(text[argument.start : argument.end])
        roles["attributes"] = dict(event.attributes)
        result.append((event.type, text[event.trigger_start : event.trigger_end], roles))
    return result


def types(extractor: Extractor, text: str) -> list[tuple[str, str]]:
    return [(event_type, words) for event_type, words, _roles in found(extractor, text)]


@pytest.mark.parametrize("text", [
    "Shares shot up after the results.",                  # a particle construction
    "She works at a travel agency in Leeds.",             # a modifier of a noun
    "The merger company was renamed.",
    "The body was found in a river.",                     # "find" without an organisation
    "They are trying to form a coalition.",               # "try" not in a legal sense
    "The earthquake struck Japan on Friday.",             # a disaster is no attacker
    "The election commission published the rules.",
])
def test_a_lexicon_word_used_otherwise_is_no_trigger(extractor, text):
    assert types(extractor, text) == []


def test_the_same_words_in_their_event_sense_are_triggers(extractor):
    assert types(extractor, "Police shot two men in Chicago.") == [("Conflict.Attack", "shot")]
    assert types(extractor, "Steve Jobs founded Apple in 1976.") == [("Business.Start-Org", "founded")]
    assert ("Justice.Trial-Hearing", "tried") in types(extractor, "Smith was tried for murder in Boston.")


def test_pay_for_something_is_a_purchase_and_pay_someone_a_transfer_of_money(extractor):
    [(event_type, words, roles)] = found(extractor, "BAT will pay £8.7bn for its rival Reynolds.")
    assert (event_type, words) == ("Transaction.Transfer-Ownership", "pay")
    assert roles["Buyer"] == ["BAT"] and roles["Artifact"] == ["its rival Reynolds"]
    [(event_type, _words, roles)] = found(extractor, "The company paid $5 million to the victims.")
    assert event_type == "Transaction.Transfer-Money" and roles["Money"] == ["$5 million"]


@pytest.mark.parametrize("text, expected", [
    ("William Ruto was sworn in as president on Tuesday.", ("Personnel.Start-Position", "sworn in")),
    ("Ruto took office in September.", ("Personnel.Start-Position", "took office")),
    ("Theresa May will step down as leader.", ("Personnel.End-Position", "step down")),
    ("He pleaded guilty to fraud.", ("Justice.Convict", "pleaded guilty")),
    ("Macron won the runoff against Le Pen.", ("Personnel.Elect", "won")),
    ("Satya Nadella became chief executive of Microsoft in 2014.", ("Personnel.Start-Position", "became")),
    ("Prosecutors filed charges against the mayor.", ("Justice.Charge-Indict", "charges")),
    ("Mary Jones was born in Leeds in 1950.", ("Life.Be-Born", "born")),
])
def test_multiword_and_constructional_triggers_are_found(extractor, text, expected):
    assert expected in types(extractor, text)


def test_every_ace_type_has_triggers_and_its_conditions_parse():
    from annotator.schema import load_schema

    schema = load_schema()
    assert len(schema.events) == 33 and all(event.triggers for event in schema.events.values())
    pay = schema.events["Transaction.Transfer-Ownership"].conditions["pay:VERB"]
    assert pay.require_preps == ("for",) and pay.slots["prep"]["for"] == "Artifact"
    assert schema.trigger_conditions.as_modifier is False


@pytest.mark.parametrize("text, cue", [
    ("No casualties were reported.", "No"),
    ("The army did not attack the village.", "not"),
    ("Rebels never attacked the capital.", "never"),
    ("They left without firing a shot.", "without"),
    ("The minister denied that troops had killed civilians.", "denied"),
    ("The army failed to attack the town.", "failed"),
])
def test_negative_polarity_comes_from_its_cue(extractor, text, cue):
    [(_type, _words, roles)] = found(extractor, text)
    assert roles["attributes"]["polarity"] == "negative" and roles["attributes"]["polarity_cue"] == cue


@pytest.mark.parametrize("text, tense", [
    ("Russia would strike if provoked.", "future"),
    ("The company plans to buy Monsanto.", "future"),
    ("Iran threatened to attack the ships.", "future"),
    ("Police may arrest the protesters.", "unspecified"),
    ("If rebels attack the town, the army will respond.", "present"),
])
def test_hypothetical_and_intended_events_have_other_modality(extractor, text, tense):
    first = found(extractor, text)[0]
    assert first[2]["attributes"]["modality"] == "other"
    assert first[2]["attributes"]["tense"] == tense


def test_asserted_events_get_their_tense_from_the_verb(extractor):
    attributes = [roles["attributes"] for _t, _w, roles in found(
        extractor, "Rebels attacked the town. Rebels are attacking the town. Rebels have attacked the town."
    )]
    assert [(a["modality"], a["tense"], a["polarity"], a["genericity"]) for a in attributes] == [
        ("asserted", "past", "positive", "specific"),
        ("asserted", "present", "positive", "specific"),
        ("asserted", "past", "positive", "specific"),
    ]


def test_a_habitual_cue_makes_an_event_generic(extractor):
    [(_type, _words, roles)] = found(extractor, "Gangs usually attack tourists at night.")
    assert roles["attributes"]["genericity"] == "generic"


@pytest.mark.parametrize("condition, message", [
    ({"kill": {"forbid_objects": ["bill"]}}, "unknown condition forbid_objects"),
    ({"slay": {"as_modifier": True}}, "not one of the type's triggers"),
    ({"kill": {"as_modifier": "yes"}}, "must be true or false"),
    ({"kill": {"slots": {"object": "Buyer"}}}, "'Buyer' is not a role of Life.Die"),
])
def test_a_trigger_condition_the_extractor_cannot_use_is_refused(condition, message):
    from annotator.schema import SchemaError, parse_schema

    raw = {"roles": {"Victim": ["PERSON"], "Buyer": ["ORG"]},
           "events": {"Life.Die": {"roles": ["Victim"], "triggers": ["kill"], "conditions": condition}}}
    with pytest.raises(SchemaError, match=message):
        parse_schema(raw, "schema.json")
