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
    "The minister appeared in a video on Monday.",        # appearing anywhere but in court
    "The battery is charged with solar power.",           # "charged with" outside a court
    "He entered politics in 2001.",                       # entering no place
    "The sun removed the stain from the shirt.",          # removing from no office
    "He made a bid to win the title.",                    # a bid that buys nothing
    "Donald Trump's rally drew thousands.",               # a candidate's rally is no demonstration
    "She received 45 percent of the vote.",               # receiving no money
    "He gave a speech to the crowd.",                     # giving no money
    "They assumed the worst.",                            # assuming no post
    "Turkey assumed the role of mediator.",
    "The CEO departed the company in March.",             # leaving a firm is no journey
    "He left the company in 2019.",
    "He carried the boxes upstairs.",
    "The storm left the country in ruins.",               # a result, no journey
    "He left the house to his daughter in his will.",
    "The company seized the top position in the smartphone market.",
    "The company signed a letter of intent with the startup.",
    "Germany agreed to the restitution of looted art to Nigeria.",
    "The transfer of funds was approved.",
    "In an open letter to supporters, the president said nothing would change.",  # a letter nobody writes here
    "The minister is battling cancer.",                   # battling an illness or a fire
    "Firefighters battled the blaze for hours.",
    "He suffered a cardiac arrest during the match.",     # an arrest of the heart
    "A man named John Smith lives in Ohio.",              # a name given, no post
    "The storm, named Ian, hit the coast.",
    "Firefighters battled flames for hours.",
    "He was fired upon by soldiers.",                     # shots, not a dismissal
    "The team stormed to victory in the final.",          # an idiom of winning
    "The minister carried a letter of congratulations to the president.",  # a message, not a transport
    "He suffered a heart attack last year.",             # an illness
    "She launched a veiled attack on the party leader's leadership.",  # words, not force
    "The airline will begin operation next month.",       # an operation that is no military one
    "Last year's unrest hit the capital and major cities.",  # unrest is no attacker
    "The case moved to the Supreme Court.",               # moving no one
    "The company moved to cut costs.",
    "Protesters tried to move barricades.",
    "He was moved by the outpouring of support.",
    "It is time to move on to new opportunities.",
    "They went to pay a courtesy call on the president.",  # a call, no money
    "The concert will be held on Monday in Beijing.",     # holding no one
    "Rebels held the town for a week.",
    "A fire destroyed the factory.",                      # fire that no one fires
    "The ministry dispatched a letter to the embassy.",   # a letter, not a journey
    "The scheme will create 500 jobs.",                   # jobs, not an organisation
    "The deal will create a company able to offer new bundles.",  # a merger's result, no founding
    "The president made a call for calm.",                # an appeal, not a call
    "The storm moved east into the Gulf of Mexico.",      # moving no one
    "The Dow moved into negative territory.",
    "The ceremony was held in a former prison.",          # holding no one
    "A fuel tank fire at the depot burned for two days.", # a fire no one fires
    "Firefighters battled for hours to contain the blaze.",
    "He brought a cake to the party.",                    # bringing no one
    "The chef was relieved of his apron.",                # relieved of no post
    "Residents filed for protection under the new tenancy law.",  # no company files
    "The coach dispatched his opponent in three rounds.",  # dispatched nowhere
    "The judge ordered the remand of the case to a lower court.",  # a case remanded, no one held
    "The governor did not answer the call of duty.",
    "A fuel tank fire broke out at the refinery.",
    "The minister came under heavy fire from critics.",
])
def test_a_lexicon_word_used_otherwise_is_no_trigger(extractor, text):
    assert types(extractor, text) == []


@pytest.mark.parametrize("text", [
    "The court found him guilty of bribery charges.",     # charges that only fill a Crime role
    "The lower court acquitted him of all charges.",
])
def test_charges_named_as_a_crime_are_no_charge_event(extractor, text):
    assert "Justice.Charge-Indict" not in [t for t, _w in types(extractor, text)]


def test_a_bare_deal_is_a_purchase_only_in_a_document_that_reports_one(extractor):
    takeover = "Cisco agreed to buy Acacia for $4.5 billion. Acacia said it was pulling out of the deal."
    assert ("Transaction.Transfer-Ownership", "deal") in types(extractor, takeover)
    assert types(extractor, "The government and the rebels signed the deal on Monday.") == []
    assert types(extractor, "Cisco agreed to buy Acacia. The peace deal was signed on Monday.") == [
        ("Transaction.Transfer-Ownership", "buy")]


def test_overturning_a_verdict_is_an_appeal_and_a_term_of_imprisonment_is_no_arrest(extractor):
    [(event_type, _w, roles)] = [e for e in found(extractor, "An appeals court overturned the not guilty verdict.") if e[1] == "overturned"]
    assert event_type == "Justice.Appeal" and roles["Adjudicator"] == ["An appeals court"]
    assert types(extractor, "The court sentenced him to three years imprisonment.") == [("Justice.Sentence", "sentenced")]


def test_filing_for_bankruptcy_protection_is_one_event_on_the_verb_and_filing_for_bankruptcy_one_on_the_noun(extractor):
    assert types(extractor, "The company filed for bankruptcy protection on Monday.") == [("Business.Declare-Bankruptcy", "filed")]
    assert types(extractor, "The company filed for bankruptcy in 2012.") == [("Business.Declare-Bankruptcy", "bankruptcy")]


def test_a_crime_named_in_a_charge_is_no_attack_but_an_assault_launched_is(extractor):
    assert types(extractor, "He was charged with assault.") == [("Justice.Charge-Indict", "charged")]
    assert ("Conflict.Attack", "assault") not in types(extractor, "He was arrested on charges of sexual assault.")
    for text in ("Rebels launched an assault on the town.", "The army pressed on with its assault on the city.",
                 "Victims of the assault were taken to hospital.", "He was charged in connection with the assault on the lawmaker."):
        assert ("Conflict.Attack", "assault") in types(extractor, text), text


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
    ("He pleaded guilty to fraud.", ("Justice.Convict", "guilty")),  # a plea is a Convict on "guilty"
    ("Macron won the runoff against Le Pen.", ("Personnel.Elect", "won")),
    ("Satya Nadella became chief executive of Microsoft in 2014.", ("Personnel.Start-Position", "became")),
    ("Prosecutors filed charges against the mayor.", ("Justice.Charge-Indict", "charges")),
    ("Mary Jones was born in Leeds in 1950.", ("Life.Be-Born", "born")),
    ("The suspect appeared before a judge on Tuesday.", ("Justice.Trial-Hearing", "appeared")),
    ("He was released after being charged with assault.", ("Justice.Charge-Indict", "charged")),
    ("She was re-elected mayor of London in 2021.", ("Personnel.Elect", "re-elected")),
    ("Troops retaliated, killing six militants.", ("Conflict.Attack", "retaliated")),
    ("The gunmen entered the village on motorcycles.", ("Movement.Transport", "entered")),
    ("The president was removed from office in 2019.", ("Personnel.End-Position", "removed")),
    ("Pfizer made a bid for Wyeth.", ("Transaction.Transfer-Ownership", "bid")),
    ("Chapek will succeed Iger as chief executive.", ("Personnel.Start-Position", "succeed")),
    ("The company is in discussions with potential buyers.", ("Contact.Meet", "discussions")),
    ("The army launched a major operation against militants.", ("Conflict.Attack", "operation")),
    ("A military operation in the north killed five militants.", ("Conflict.Attack", "operation")),
    ("Rebels launched an attack on the town.", ("Conflict.Attack", "attack")),
    ("Security forces launched an operation in the Swat valley.", ("Conflict.Attack", "operation")),
    ("The operation killed 12 militants in the province.", ("Conflict.Attack", "operation")),
    ("Operations carried out by the regime forces against those cities killed dozens.", ("Conflict.Attack", "Operations")),
    ("The evacuees were moved to another relief centre yesterday.", ("Movement.Transport", "moved")),
    ("The 27 families were moved out in boats.", ("Movement.Transport", "moved out")),
    ("He has pleaded not guilty and been held on $1,000 bail.", ("Justice.Arrest-Jail", "held")),
    ("He was held without charge for a week.", ("Justice.Arrest-Jail", "held")),
    ("Andrew Merriam was arraigned Monday on charges of enticing a child.", ("Justice.Trial-Hearing", "arraigned")),
    ("The minister is scheduled for a visit to Beijing from April 23 to 24.", ("Movement.Transport", "visit")),
    ("Restaurant chains Bennigan's and Steak & Ale have filed for Chapter 7 bankruptcy protection.",
     ("Business.Declare-Bankruptcy", "filed")),
    ("One of the patients had later succumbed to their injuries.", ("Life.Die", "succumbed")),
    ("Relief teams were dispatched to the area.", ("Movement.Transport", "dispatched")),
    ("Directors of Baugur have created a new company.", ("Business.Start-Org", "created")),
    ("ADB will provide $3 million to Myanmar.", ("Transaction.Transfer-Money", "provide")),
    ("Neither company returned calls for comment.", ("Contact.Phone-Write", "calls")),
    ("An intense firefight broke out on Thursday.", ("Conflict.Attack", "firefight")),
    ("Islamist fighters seized two armoured cars.", ("Transaction.Transfer-Ownership", "seized")),
    ("The attackers failed to capture a US-made Abrams tank.", ("Transaction.Transfer-Ownership", "capture")),
    ("The senator was axed as minister of health.", ("Personnel.End-Position", "axed")),
    ("The minister was relieved of the energy portfolio.", ("Personnel.End-Position", "relieved")),
    ("She has been assigned as minister of public administration.", ("Personnel.Start-Position", "assigned")),
    ("Andualem was nabbed during a police operation.", ("Justice.Arrest-Jail", "nabbed")),
    ("Three fishing crews were brought to Sulu.", ("Movement.Transport", "brought")),
    ("Rebels battled government forces for hours in the city.", ("Conflict.Attack", "battled")),
    ("The two armies fought for days over the hill.", ("Conflict.Attack", "fought")),
    ("Tank fire hit the hospital, killing three patients.", ("Conflict.Attack", "fire")),
    ("She assumed the position of chief executive last month.", ("Personnel.Start-Position", "assumed")),
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


def test_a_visit_to_a_country_and_an_arrival_are_transport_and_receiving_a_guest_is_a_meeting(extractor):
    events = found(extractor, "The president arrived in Pakistan on a state visit to Pakistan on Sunday.")
    assert [(t, w) for t, w, _r in events] == [("Movement.Transport", "arrived"), ("Movement.Transport", "visit")]
    assert events[0][2]["Destination"] == ["Pakistan"] and events[1][2]["Destination"] == ["Pakistan"]
    assert ("Contact.Meet", "received") in types(extractor, "The prime minister received the Sri Lankan president at the airbase.")
    assert ("Movement.Transport", "left") in types(extractor, "After a brief stopover, he left for Islamabad.")


def test_firing_a_named_person_is_no_attack_and_repelling_an_attack_is_one(extractor):
    assert all(t != "Conflict.Attack" for t, _w in types(extractor, "In 2013 President Salva Kiir fired Machar."))
    assert ("Conflict.Attack", "repulsed") in types(extractor, "The army said it repulsed the rebels.")


def test_a_number_of_fighters_can_be_captured(extractor):
    assert ("Justice.Arrest-Jail", "captured") in types(extractor, "Two of their fighters were also captured.")


def test_a_manner_before_an_attack_noun_is_no_attacker_but_an_actor_is(extractor):
    [(_t, _w, roles)] = [e for e in found(extractor, "A suicide attack killed ten people.") if e[1] == "attack"]
    assert "Attacker" not in roles
    [(_t, _w, roles)] = [e for e in found(extractor, "The army repelled a rebel attack.") if e[1] == "attack"]
    assert roles["Attacker"] == ["rebel"]


def test_the_participles_after_a_clause_share_its_subject(extractor):
    events = {w: r for _t, w, r in found(
        extractor, "A suicide bomber attacked a marketplace in Baghdad, killing eight people and wounding 15.")}
    assert events["killing"]["Agent"] == ["A suicide bomber"] and events["wounding"]["Agent"] == ["A suicide bomber"]


def test_a_position_of_a_country_gives_the_job_as_position_and_the_country_as_entity(extractor):
    [(_t, _w, roles)] = [e for e in found(extractor, "He was sworn in as president of Kenya on Tuesday.") if e[1] == "sworn in"]
    assert roles["Position"] == ["president"] and roles["Entity"] == ["Kenya"]


def test_a_dateline_with_a_wire_service_is_parsed_apart(extractor):
    [(_t, _w, roles)] = found(extractor, "PESHAWAR, Dec 8, 2010 (AFP): At least 17 people were killed on Wednesday.")
    assert roles["Victim"] == ["At least 17 people"]
    # "SEOUL, Oct. 28 (Yonhap) --" and "Accra, Dec. 9, GNA -": the town is nobody's Adjudicator or Person.
    [(_t, _w, roles)] = found(extractor, "SEOUL, Oct. 28 (Yonhap) -- An appeals court on Wednesday overturned a not guilty verdict.")[:1]
    assert roles["Adjudicator"] == ["An appeals court"] and roles["Time"] == ["Wednesday"]
    [(_t, _w, roles)] = found(extractor, "Accra, Dec. 9, GNA - Nana Akufo-Addo was on Friday declared the winner of the election.")
    assert "Accra" not in roles.get("Person", [])
    # "TRENTON, N.J. (CBSNewYork/AP) --": a joint credit.
    [(_t, _w, roles)] = found(extractor, "TRENTON, N.J. (CBSNewYork/AP) -- The former mayor was sentenced on Thursday.")[:1]
    assert roles["Defendant"] == ["The former mayor"]
    # "Damascus, Syria− A mortar shell …": a town and country in title case, a minus sign for a dash.
    [(_t, _w, roles)] = found(extractor, "Damascus, Syria− A mortar shell hit a school on Tuesday.")
    assert roles["Instrument"] == ["A mortar shell"]
    from annotator.nlp.extract import segments_of

    assert [t for _o, t in segments_of("Smith, Jones – and others – met.")] == ["Smith, Jones – and others – met."]
    meanwhile = "Meanwhile, Turkey — NATO's second-largest army — shelled Kurdish positions."
    assert [t for _o, t in segments_of(meanwhile)] == [meanwhile]  # a sentence adverb is no town


def test_an_event_noun_subject_takes_its_clause_place_as_place_not_target(extractor):
    [(_t, _w, roles)] = found(extractor, "The explosion took place at a busy bus terminal.")
    assert roles.get("Place") == ["a busy bus terminal"] and "Target" not in roles


def test_a_hearsay_adverb_makes_the_event_claimed_and_a_possessive_date_is_its_time(extractor):
    [(_t, _w, roles)] = found(extractor, "A man allegedly killed two guards in the city.")
    assert roles["attributes"]["modality"] == "other" and roles["attributes"]["modality_cue"] == "allegedly"
    [(_t, _w, roles)] = [e for e in found(extractor, "Tuesday's protest was peaceful.") if e[1] == "protest"]
    assert roles["Time"] == ["Tuesday"]


def test_an_event_noun_in_a_purpose_infinitive_is_not_yet_an_event(extractor):
    [(_type, _words, roles)] = found(extractor, "The former mayor walked into court on Thursday to face sentencing.")
    assert roles["attributes"]["modality"] == "other" and roles["attributes"]["modality_cue"] == "face"


def test_a_title_case_headline_is_parsed_as_if_in_sentence_case(extractor):
    # The model reads every capitalised word as a name: "Resigns Over Expenses Scandal" was a PERSON.
    events = found(extractor, "Japanese Cabinet Minister Resigns Over Expenses Scandal")
    assert [(t, w) for t, w, _roles in events] == [("Personnel.End-Position", "Resigns")]
    assert events[0][2]["Person"] == ["Japanese Cabinet Minister"]
    [(_t, _w, roles)] = [e for e in found(extractor, "Police Use Tear Gas, Protesters Arrested Outside Trump Rally In Arizona")
                         if e[1] == "Use"]
    assert roles["Attacker"] == ["Police"] and roles["Instrument"] == ["Tear Gas"]
    # A sentence of names that ends in a full stop is no headline and keeps its parse.
    assert all(t != "Conflict.Attack" for t, _w in types(extractor, "In 2013 President Salva Kiir fired Machar."))
