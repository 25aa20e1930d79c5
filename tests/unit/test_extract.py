"""Pre-extraction with the real spaCy pipeline on the seed article, scored against hand-checked golds.

Entities and triggers are scored against `tests/gold/seed.gold.jsonl`; arguments against
`fixtures/demo.target.jsonl`, the later annotation of the same article whose argument extents
are full noun phrases, the convention the extractor follows (the seed gold gives names or heads).
"""

from __future__ import annotations

import json

import pytest

from annotator.domain import Document
from annotator.evaluate import score
from annotator.formats.native import read_native
from annotator.formats.raw import read_raw
from annotator.nlp.extract import Extractor, load_pipeline
from tests.conftest import FIXTURES, ROOT

SEED = ROOT / "seeds" / "000_64f573a14888b357.txt"
GOLD = ROOT / "tests" / "gold" / "seed.gold.jsonl"
TARGET = FIXTURES / "demo.target.jsonl"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(load_pipeline())


@pytest.fixture(scope="module")
def seed(extractor) -> Document:
    [document] = extractor.extract(read_raw([SEED]))
    return document


def spans_text(document: Document, start: int, end: int) -> str:
    return document.text[start:end]


def test_seed_metadata_comes_from_the_sidecar(seed):
    assert seed.id == "000_64f573a14888b357"
    assert seed.title == "Russia admits hitting non-ISIS targets in Syria"
    assert seed.meta["source"] == "TRT World" and seed.meta["date"] == "2015-10-01"


def test_no_sentence_and_no_entity_crosses_a_line_break(seed):
    text = seed.text
    assert seed.sentences and seed.entities
    assert [s.index for s in seed.sentences] == list(range(len(seed.sentences)))
    assert sum("\n" in text[s.start : s.end] for s in seed.sentences) == 0
    assert sum("\n" in text[e.start : e.end] for e in seed.entities) == 0
    first_lines = [text[s.start : s.end] for s in seed.sentences[:4]]
    assert first_lines[0] == "Russia admits hitting non-ISIS targets in Syria"
    assert first_lines[2:4] == ["Photo by: Reuters", "Photo by: Reuters"]
    assert not any(e.label == "ORG" and "Photo" in text[e.start : e.end] for e in seed.entities)


def test_the_parser_does_not_split_before_a_bracket(seed):
    text = seed.text
    quote = next(s for s in seed.sentences if text[s.start : s.end].startswith('"I would recall'))
    assert text[quote.start : quote.end].endswith('Lavrov said.')


def test_every_candidate_names_its_source(seed):
    assert all(e.source and e.source.startswith("en_core_web_sm") for e in seed.entities)
    assert all(e.source == "annotator-rules:ACE 2005 events (annotator default)" for e in seed.events)


def arguments_by_role(document: Document, event) -> dict[str, list[str]]:
    """{role: [extent words]}: every argument by its extent, linked or not."""
    found: dict[str, list[str]] = {}
    for argument in event.arguments:
        found.setdefault(argument.role, []).append(document.text[argument.start : argument.end])
    return found


def test_the_air_strikes_are_attacks_with_attacker_target_place_and_time(seed):
    attacks = [arguments_by_role(seed, e) for e in seed.events if e.type == "Conflict.Attack"]
    assert len(attacks) >= 20
    assert {"Attacker": ["Russian"], "Target": ["his group"], "Place": ["Hama"], "Time": ["Wednesday"]} in attacks
    assert any(a.get("Target") == ["the Fatah Army"] and a.get("Attacker") == ["Russian"] for a in attacks)
    # "Russian jets began bombing territories held by ... in the Hama, Homs and Idlib on Wednesday"
    bombing = next(a for a in attacks if "territories held by Syrian opposition forces" in a.get("Place", []))
    assert bombing["Instrument"] == ["Russian jets"] and bombing["Time"] == ["Wednesday"]
    assert {"Hama", "Homs", "Idlib"} <= set(bombing["Place"])


def test_the_36_civilians_killed_is_a_death_with_its_victim_as_a_full_phrase(seed):
    deaths = [arguments_by_role(seed, e) for e in seed.events if e.type == "Life.Die"]
    assert any(d.get("Victim") == ["at least 36 civilians"] for d in deaths)


def test_the_kerry_lavrov_meeting_is_a_meet_with_entities_and_place(seed):
    meetings = [arguments_by_role(seed, e) for e in seed.events if e.type == "Contact.Meet"]
    assert {"Entity": ["Kerry", "Lavrov"], "Place": ["New York"], "Time": ["Wednesday"]} in meetings


def test_negated_and_hypothetical_events_are_marked_not_dropped(seed):
    text = seed.text
    denied = next(s for s in seed.sentences if text[s.start : s.end].startswith("Russian Foreign Minister Sergei Lavrov, on the other hand"))
    targeting = next(e for e in seed.events if denied.start <= e.trigger_start < denied.end and text[e.trigger_start : e.trigger_end] == "targeting")
    assert targeting.attributes["polarity"] == "negative" and targeting.attributes["polarity_cue"] == "denied"
    fights = next(e for e in seed.events if text[e.trigger_start : e.trigger_end] == "fights")
    assert fights.attributes["modality"] == "other" and fights.attributes["modality_cue"].lower() == "if"
    met = next(e for e in seed.events if text[e.trigger_start : e.trigger_end] == "met")
    assert met.attributes == {"polarity": "positive", "modality": "asserted", "genericity": "specific", "tense": "past"}


# Measured on the seed with en_core_web_sm 3.8.0 (see the README); floors a little below.
FLOORS = {
    "entities": (GOLD, 0.85, 0.80),
    "triggers": (GOLD, 0.95, 0.90),
    "arguments": (TARGET, 0.78, 0.52),
}


def test_scores_against_the_hand_checked_gold_stay_above_their_floors(seed, capsys):
    for kind, (path, precision_floor, recall_floor) in FLOORS.items():
        gold = [d.document for d in read_native([path])]
        scores = score(gold, [seed])
        print(f"{kind:9} {scores[kind]}  ({path.name})")
        assert scores[kind].precision >= precision_floor, kind
        assert scores[kind].recall >= recall_floor, kind


def test_the_committed_demo_fixture_is_still_a_subset_of_what_extract_produces(seed):
    # fixtures/demo.jsonl is frozen: fixtures/demo.target.jsonl and the demo review tests refer to its
    # ids. Its entity spans must still be the extractor's, and each of its triggers still found.
    [fixture] = [d.document for d in read_native([FIXTURES / "demo.jsonl"])]
    assert [(e.start, e.end) for e in fixture.entities] == [(e.start, e.end) for e in seed.entities]
    found = {(e.type, e.trigger_start, e.trigger_end) for e in seed.events}
    assert {(e.type, e.trigger_start, e.trigger_end) for e in fixture.events} <= found
    assert all(e.score is None for e in fixture.entities)
    assert all(0 < e.score < 1 for e in fixture.events)


def test_a_replacement_schema_changes_what_is_found(tmp_path):
    schema = {
        "name": "meetings only",
        "roles": {"Entity": ["PERSON"], "Place": ["GPE"], "Time": ["DATE"]},
        "events": {"Contact.Meet": {"roles": ["Entity", "Place", "Time"], "triggers": ["meet"],
                                    "slots": {"subject": "Entity"}}},
        "locative_prepositions": ["in"],
    }
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(schema))
    extractor = Extractor(load_pipeline(), str(path))
    [document] = extractor.extract([Document("x", "Kerry met Lavrov in Paris on Monday. Rebels attacked the town.")])
    assert [e.type for e in document.events] == ["Contact.Meet"]
    assert arguments_by_role(document, document.events[0]) == {"Entity": ["Kerry"], "Place": ["Paris"], "Time": ["Monday"]}


def test_two_processes_give_the_same_candidates_in_the_same_order(extractor):
    documents = [Document(f"d{i}", f"Rebels attacked Homs on day {i}.\n\nKerry met Lavrov in Geneva.") for i in range(6)]
    one = list(extractor.extract(documents, batch_size=2, jobs=1))
    two = list(extractor.extract(documents, batch_size=2, jobs=2))
    assert [d.id for d in two] == [f"d{i}" for i in range(6)]
    assert two == one
