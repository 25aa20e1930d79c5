"""Event arguments of a trigger: the fillers `slots.SlotReader` finds, given roles and extents.

Each filler becomes an argument whose extent is its full noun phrase (determiner, modifiers,
head, restrictive prepositional phrases and relative clauses; no apposition, no conjunct, no
comma-separated tail, nothing that holds the trigger), so "the ISIS militant group" and
"him" are arguments as they stand. A relative pronoun stands for its antecedent.

A role must fit the filler: the schema's allowed labels decide for a name; Time takes
only DATE/TIME names, Place/Origin/Destination only GPE/LOC/FAC names or a phrase headed
by a place noun ("the town", not "prison", "cash" or "multiple airstrikes"); a value role
(Crime, Position, Sentence) takes a phrase; a person, organisation or group role takes a
pronoun or a common noun phrase, with a hint for linking it to an entity at document level.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from annotator.nlp.entities import date_range
from annotator.nlp.fillers import (
    COURT_NOUNS,
    TITLE_MODIFIERS,
    TITLE_WORDS,
    VALUE_ROLES,
    FoundArgument,
    money_within,
    name_fragment,
    party,
    position_entity,
    position_span,
    title_position,
    trimmed_end,
    value,
    whole_words,
)
from annotator.nlp.phrases import (
    AGENT_NOUNS,
    DECIDERS,
    DECIDING_NOUNS,
    GATHERING_NOUNS,
    GEOGRAPHIC_NOUNS,
    MEDIA_NOUNS,
    MUNITION_NOUNS,
    NATURAL_FORCES,
    NOT_PARTICIPANTS,
    PERSONAL_PRONOUNS,
    SITUATING_PREPOSITIONS,
    TARGET_MODIFIERS,
    TIME_LABELS,
    VEHICLE_NOUNS,
    WEAPON_NOUNS,
    antecedent,
    entity_for,
    extent,
    is_bare_definite,
    is_sum,
)
from annotator.nlp.slots import SERIES_NOUNS, SlotReader
from annotator.nlp.triggers import Trigger
from annotator.schema import EventType, Schema

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token

NUMBER_LABELS = frozenset({"CARDINAL", "QUANTITY", "ORDINAL", "PERCENT"})
PLACE_ROLES = frozenset({"Place", "Origin", "Destination"})
SEATED_ROLES = frozenset({"Adjudicator", "Crime", "Sentence", "Position"})  # a place inside one of these is part of it
VEHICLE_PREPOSITIONS = frozenset({"in", "by", "aboard", "onboard", "on", "via"})
JUSTICE_PARTIES = frozenset({"Defendant", "Adjudicator", "Plaintiff"})
CONTROLLER_ROLES = {"winner": "Person", "recipient": "Recipient"}  # slots whose role does not vary by type
DURATION_UNITS = frozenset({"year", "month", "week", "day", "hour", "minute", "decade", "night"})  # "a three-week trial"
CHARGE_NOUNS = frozenset({"charge", "count", "accusation", "allegation", "suspicion", "indictment"})
PARTICIPANT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "obj", "pobj", "dative"})
TIME_SLOTS = frozenset({"prep", "time", "nested", "possessor", "modifier"})  # "on Tuesday", "Tuesday's protest"
# Attacks a state makes: a country before one names who struck ("US airstrikes"); before any other
# attack it names where ("Pakistan suicide attack", "Kabul bombing").
STATE_ATTACKS = frozenset({"strike", "airstrike", "raid", "invasion", "offensive", "bombardment", "shelling", "incursion", "sanction"})

# Nouns for a post itself: left or taken, they are the Position.
POST_NOUNS = frozenset({"role", "post", "position", "job", "seat"})
JAIL_NOUNS = frozenset({"prison", "jail", "gaol", "bars", "custody", "imprisonment", "detention"})
UNITS = ("year", "month", "week", "day", "hour")  # the lengths of a term, largest first
FIGHTING_WORDS = frozenset({"fight", "fighting", "clash", "battle", "skirmish", "combat", "firefight", "gunfight", "exchange"})
FREQUENCY_WORDS = frozenset({"annual", "daily", "weekly", "monthly", "yearly", "quarterly", "biennial", "nightly"})
# What ends a term: "for fraud", "over bribery", "in the bribery case", "on Monday" ("in prison", "under house arrest" stay).


class ArgumentFinder(SlotReader):
    """Finds the arguments of one trigger in its parsed sentence."""

    def __init__(self, schema: Schema, trigger_lemmas: frozenset[str]):
        super().__init__(schema.locative_prepositions, trigger_lemmas, schema.place_nouns)
        self.schema = schema
        self.trigger_lemma = ""

    def __call__(self, doc: Doc, trigger: Trigger, entity_of_token: dict[int, int],
                 trigger_tokens: dict[int, str]) -> list[FoundArgument]:
        """The arguments of `trigger`, at most one per entity and one per role and extent."""
        own = {t.i for t in trigger.span}
        self.trigger_tokens = trigger_tokens
        self.trigger_lemma = trigger.span.root.lemma_.lower()
        sentence = trigger.span.sent
        event_type = trigger.event_type
        slots = {**event_type.slots, **trigger.condition.slots}
        if "prep" in event_type.slots and "prep" in trigger.condition.slots:
            slots["prep"] = {**event_type.slots["prep"], **trigger.condition.slots["prep"]}
        if slots.get("noun_of") and trigger.span.root.pos_ == "NOUN" and "of" not in slots.get("prep", {}):
            slots["prep"] = {**slots.get("prep", {}), "of": slots["noun_of"]}  # "the evacuation of civilians"
        of_filler = next((g for c in trigger.span.root.children if c.dep_ == "prep" and c.lower_ == "of"
                          for g in c.children if g.dep_ == "pobj"), None) if trigger.span.root.pos_ == "NOUN" else None
        if of_filler is not None and slots.get("possessor") and slots.get("possessor") in (
                slots.get("prep", {}).get("of"), "Defendant" if party(of_filler, None) else None):
            slots["possessor"] = slots.get("agent") or slots.get("subject")  # "the state's prosecution of the officers"
        aimed = slots.get("prep", {}).get("at") == "Target" and slots.get("object") == "Target"
        if aimed and any(c.dep_ in ("dobj", "obj") and c.lemma_.lower() not in MUNITION_NOUNS for c in trigger.span.root.children):
            # "shot three people at a supermarket": with its target as the object, "at" says where.
            slots["prep"] = {**slots["prep"], "at": event_type.slots.get("prep", {}).get("at", "Place")}
        found: list[FoundArgument] = []
        taken: set[tuple[str, int, int]] = set()
        used_entities: set[int] = set()
        for slot, filler, preposition in self._all_slots(trigger, event_type):
            for token in self._conjuncts(filler):
                token = antecedent(token)
                if token.i in own or not sentence.start <= token.i < sentence.end or name_fragment(token, filler, entity_of_token):
                    continue
                argument = self._argument(doc, token, slot, preposition, event_type, slots, entity_of_token, own)
                if argument is None:
                    continue
                key = (argument.role, argument.start_char, argument.end_char)
                if key in taken or (argument.entity_index is not None and argument.entity_index in used_entities):
                    continue
                if trigger.span.start_char < argument.end_char and argument.start_char < trigger.span.end_char:
                    continue
                taken.add(key)
                if argument.entity_index is not None:
                    used_entities.add(argument.entity_index)
                found.append(argument)
                if argument.role == "Position" and "Entity" in event_type.roles:
                    found.extend(position_entity(doc, token, entity_of_token, used_entities))
        found = [b for a in found for b in self._name_apart(doc, a, entity_of_token, used_entities)]
        posts = [a for a in found if a.role == "Position" and self._names_post_only(doc, a)]
        leaving = event_type.name.endswith("End-Position")  # a title before the name is the post one leaves, not one taken
        if "Position" in event_type.roles and len(posts) == sum(a.role == "Position" for a in found) and (leaving or not posts):
            # "Police Chief Jerry Mitchell is stepping down from his position": the title, not "his position"
            titles = [t for person in found if person.role == "Person"
                      for t in title_position(doc, person, entity_of_token, used_entities)]
            if titles or not posts:
                found = [a for a in found if a not in posts] + titles
        if "Price" in event_type.roles and not any(a.role == "Price" for a in found):
            found = self._price_apart(doc, found)
        found = self._joined_places(doc, [whole_words(doc.text, a) for a in found])
        found = self._joined_terms(doc, found)
        found = [self._without_place(doc, a, found) for a in found]
        # "a courtroom in Virginia" is the Place; "Virginia" inside it is not a second one; nor are the words
        # of another role ("sworn in as a judge at the Supreme Court") a place as well.
        return [a for a in found if not any(
            b is not a and b.role == a.role and b.start_char <= a.start_char and a.end_char <= b.end_char
            and (b.start_char, b.end_char) != (a.start_char, a.end_char) for b in found
        ) and not (a.role == "Place" and any(b.role != "Place" and (b.start_char, b.end_char) == (a.start_char, a.end_char)
                                              or b.role in SEATED_ROLES and b.start_char <= a.start_char and a.end_char <= b.end_char
                                              for b in found))]

    # ------------------------------------------------------------------ roles and extents

    @staticmethod
    def _names_post_only(doc: Doc, argument: FoundArgument) -> bool:
        """True for a Position that is a noun for a post itself ("his position", "that role")."""
        span = doc.char_span(argument.start_char, argument.end_char)
        return span is not None and span.root.lemma_.lower() in POST_NOUNS

    @staticmethod
    def _joined_places(doc: Doc, found: list[FoundArgument]) -> list[FoundArgument]:
        """Two places the parser hung side by side that the text says are one: "near the airport
        in the southern Afghan city of Kandahar" is the airport in that city, not two places."""
        places = sorted((a for a in found if a.role == "Place"), key=lambda a: a.start_char)
        for first, second in zip(places, places[1:]):
            if doc.text[first.end_char : second.start_char] == " in ":
                joined = FoundArgument("Place", first.entity_index, first.start_char, second.end_char,
                                       min(first.score, second.score), first.refers)
                found = [joined if a is first else a for a in found if a is not second]
                return ArgumentFinder._joined_places(doc, found)
        return found

    @staticmethod
    def _name_apart(doc: Doc, argument: FoundArgument, entity_of_token: dict[int, int],
                    used_entities: set[int]) -> list[FoundArgument]:
        """"appointed Jane Doe chairman of the bank", the name parsed as a compound of the post: the
        Person is the name, and the post its Position."""
        span = doc.char_span(argument.start_char, argument.end_char) if argument.role == "Person" else None
        if span is None or span.root.pos_ != "NOUN" or span.root.lemma_.lower() not in TITLE_WORDS:
            return [argument]
        first = span.root.i
        while first > span.start and doc[first - 1].pos_ == "NOUN" and doc[first - 1].dep_ in ("compound", "amod"):
            first -= 1  # "finance minister"
        start = first
        while start > span.start and doc[start - 1].pos_ == "PROPN" and doc[start - 1].dep_ in ("compound", "flat"):
            start -= 1
        name = doc[start:first]
        if not name or start > 0 and (doc[start - 1].dep_ in ("det", "poss") or doc[start - 1].lower_ in ("a", "an", "the")) or not any(
                t.ent_type_ == "PERSON" for t in name):
            return [argument]  # "a Biden adviser", "the Clinton campaign manager": a name that modifies the post
        person = FoundArgument("Person", argument.entity_index, name.start_char, name.end_char, argument.score, argument.refers)
        post = doc[first : span.root.i + 1]  # the post is the head's: "former senator John Smith ambassador" → ambassador
        return [person, FoundArgument("Position", None, post.start_char, post.end_char, 0.4)]

    @staticmethod
    def _joined_terms(doc: Doc, found: list[FoundArgument]) -> list[FoundArgument]:
        """"sentenced to 8 years and one month in prison": one term, not two."""
        terms = sorted((a for a in found if a.role == "Sentence"), key=lambda a: a.start_char)
        for first, second in zip(terms, terms[1:]):
            spans = doc.char_span(first.start_char, first.end_char), doc.char_span(second.start_char, second.end_char)
            units = [UNITS.index(s.root.lemma_.lower()) if s is not None and s.root.lemma_.lower() in UNITS else -1 for s in spans]
            following = doc.text[second.end_char : second.end_char + 13]
            # "8 years and one month": a smaller unit after a larger is one term; "20 years and 12 years
            # respectively", or "and a fine of $10,000", are two
            if doc.text[first.end_char : second.start_char] in (" and ", ", ") and 0 <= units[0] < units[1] and (
                    "respectively" not in following):
                end, nxt = second.end_char, spans[1].end if spans[1] is not None else len(doc)
                if nxt + 1 < len(doc) and doc[nxt].lower_ in ("in", "behind") and JAIL_NOUNS & {doc[nxt + 1].lemma_.lower(), doc[nxt + 1].lower_}:
                    end = doc[nxt + 1].idx + len(doc[nxt + 1])  # "… in prison", "… behind bars"
                joined = FoundArgument("Sentence", None, first.start_char, end, min(first.score, second.score))
                return ArgumentFinder._joined_terms(doc, [joined if a is first else a for a in found if a is not second])
        return found

    @staticmethod
    def _price_apart(doc: Doc, found: list[FoundArgument]) -> list[FoundArgument]:
        """"buys Rite Aid for $17.2 billion", the price hung on the company: the Artifact and the Price apart."""
        for argument in found:
            span = doc.char_span(argument.start_char, argument.end_char) if argument.role == "Artifact" else None
            if span is None:
                continue
            price = next((t for t in span if t.lower_ == "for" and t.dep_ == "prep" and span.start <= t.head.i < span.end
                          and any(g.dep_ == "pobj" and g.ent_type_ == "MONEY" for g in t.children)), None)
            if price is None or price.i == span.start:
                continue
            money = money_within(doc, price.i + 1, span.end)
            if money is None:
                continue
            index, start = money
            end = doc[price.i - 1]
            while end.i > span.start and end.is_punct:
                end = doc[end.i - 1]
            trimmed = FoundArgument(argument.role, argument.entity_index, argument.start_char, end.idx + len(end),
                                    argument.score, argument.refers)
            return [trimmed if a is argument else a for a in found] + [
                FoundArgument("Price", index, doc[start].idx, doc.ents[index].end_char, 0.5)]
        return found

    @staticmethod
    def _without_place(doc: Doc, argument: FoundArgument, found: list[FoundArgument]) -> FoundArgument:
        """A participant whose phrase ends in the event's own Place gives it up: "ambushed a military
        convoy near the border" has the Target "a military convoy" and the Place "the border"."""
        if argument.role in PLACE_ROLES | SEATED_ROLES or argument.role == "Time":
            return argument
        for place in found:
            if place.role == "Place" and argument.start_char < place.start_char and place.end_char == argument.end_char:
                before = doc.char_span(argument.start_char, place.start_char, alignment_mode="contract")
                if before is not None and len(before) > 1 and before[-1].lower_ in SITUATING_PREPOSITIONS:
                    end = before[-2]
                    return FoundArgument(argument.role, argument.entity_index, argument.start_char,
                                         end.idx + len(end), argument.score, argument.refers)
        return argument

    def _role(self, slot: str, preposition: str | None, slots: dict) -> tuple[str | None, float]:
        if slot == "prep":
            role = slots.get("prep", {}).get(preposition)
            if role is not None:
                return role, 0.6
            if preposition == "by" and slots.get("agent") is not None:
                return slots["agent"], 0.6  # "his acquittal by a special court": a noun's by-phrase is its agent
            return None, 0.0
        if slot == "predicate":
            return slots.get("predicate"), 0.6
        if slot == "nested":
            return ("Place" if preposition in self.locatives else None), 0.5
        role = slots.get(slot, CONTROLLER_ROLES.get(slot))
        if role is None and slot == "intransitive_subject":
            role = slots.get("subject")
        return role, (0.8 if slot in ("subject", "object", "passive_subject", "agent", "intransitive_subject") else 0.6)

    def _argument(self, doc: Doc, token: Token, slot: str, preposition: str | None, event_type: EventType,
                  slots: dict, entity_of_token: dict[int, int], own: set[int]) -> FoundArgument | None:
        if token.is_punct or token.is_space:
            return None
        entity_index = entity_for(doc, token, entity_of_token)
        if entity_index is not None and doc.ents[entity_index].label_ in NUMBER_LABELS:
            entity_index = None  # "dozens of villagers", "Hundreds": people counted, not a name
        entity = doc.ents[entity_index] if entity_index is not None else None
        role, score = self._role(slot, preposition, slots)
        duration = entity is not None and (entity[-1].lemma_.lower() in DURATION_UNITS and (
            entity[0].tag_ == "CD" or entity[0].lower_ in ("a", "an", "several", "few", "some"))  # not "May Day"
            or entity[-1].lower_ == "long" and any(t.lemma_.lower() in DURATION_UNITS for t in entity))  # "week-long"
        # "a week", "jailed for two decades": a length, not a time ("scheduled for March 16" is one)
        duration = duration or preposition == "for" and entity is not None and entity[-1].lemma_.lower() in DURATION_UNITS
        aged = entity is not None and (entity[-1].lower_ == "old" or any(t.lower_ == "age" for t in doc[max(entity.start - 2, 0) : entity.end]))
        # "the shooting of a 17-year-old": a person; "at the age of 62": no time
        if slot in TIME_SLOTS and entity is not None and entity.label_ in TIME_LABELS and role != "Sentence" and not duration and not aged:
            role, score = "Time", 0.7
        if role is None and slot in ("prep", "nested") and preposition in self.locatives and "Place" in event_type.roles:
            role, score = "Place", 0.6
        if (slot == "modifier" and token.head.i in own and "Place" in event_type.roles and token.pos_ == "PROPN"
                and entity is not None and entity.label_ in ("GPE", "LOC") and self.trigger_lemma not in STATE_ATTACKS):
            role, score = "Place", 0.6  # "Pakistan suicide attack", "the Kabul bombing": where, not who
        if (slot == "possessor" and token.head.i in own and "Place" in event_type.roles and entity is not None
                and entity.label_ in ("GPE", "LOC") and (role is None or not self.schema.allows_label(role, entity.label_))):
            role, score = "Place", 0.6  # "Taiwan's presidential election"; "Israel's attack" keeps its attacker
        if role == "Place" and "Sentence" in event_type.roles and any(
                t.lemma_.lower() in JAIL_NOUNS | {"penitentiary"} or any(c.lower_ in ("correctional", "penal") for c in t.children)
                for t in (token, *list(token.ancestors)[:4]) if t.pos_ in ("NOUN", "PROPN")):
            return None  # "sentenced to two years in the correctional centre", "in a federal prison in Texas": where it is served
        if role == "Target" and preposition == "on" and token.lemma_.lower() in MEDIA_NOUNS:
            return None  # "claimed responsibility for the attack on social media": where it was said
        if role == "Crime" and token.lower_ == "life" or preposition == "to" and token.lower_ == "date":
            return None  # "jailed for life" is a term, not a crime; "its largest acquisition to date" names no one
        placed = token.lemma_.lower() in self.schema.place_nouns or entity is not None and entity.label_ in ("GPE", "LOC", "FAC")
        if role == "Artifact" and placed and "Origin" in event_type.roles and (
                preposition == "of" or slot == "object" and self.trigger_lemma == "evacuate"):
            role = "Origin"  # "the evacuation of the city", "residents evacuated the area": whence, not who
        if slot == "possessor" and role in ("Defendant", "Entity") and "Adjudicator" in event_type.roles and (
                token.lemma_.lower() in COURT_NOUNS | DECIDING_NOUNS):
            role = "Adjudicator"  # "the court's sentence", "the regulator's fine": who decides it
        if role == "Crime" and preposition == "of" and "Defendant" in event_type.roles and (
                party(token, entity) or party(token, entity, organisation=True)):
            role = "Defendant"  # "the prosecution of the former president", "… of the company": who, not what for
        if preposition == "of" and slot == "prep" and slots.get("noun_of") == role and (
                (role in ("Person", "Defendant", "Victim", "Org") or role == "Entity" and not (
                    event_type.name.startswith("Contact.") and token.tag_ in ("NNS", "NNPS")))  # "a meeting of elders", not "talks of peace"
                and not party(token, entity, organisation=role == "Org")
                and not (role in ("Defendant", "Entity") and party(token, entity, organisation=True))):
            return None  # "the birth of the republic", "the creation of jobs", "the bankruptcy of the idea"
        if role == "Crime" and preposition in ("on", "over") and (
            placed or preposition == "on" and token.lemma_.lower() not in CHARGE_NOUNS
        ):
            # "convicted on charges of …" names the crime; "arrested all over the country" and
            # "blamed his conviction on vindictive prosecutors" do not.
            role = "Place" if placed and "Place" in event_type.roles else None
        if role is None and slot == "prep" and preposition == "on" and "Defendant" in event_type.roles and (
            entity is not None and entity.label_ == "PERSON" or token.lower_ in PERSONAL_PRONOUNS
        ):
            role, score = "Defendant", 0.6  # "imposed the sentence on Langford"
        if slot == "modifier" and role in VALUE_ROLES and token.pos_ != "NOUN":
            return None  # "corruption charges" name the crime, "federal charges" do not
        if slot == "modifier" and token.pos_ == "ADJ" and (
                entity is None and token.lemma_.lower() not in AGENT_NOUNS or token.lemma_.lower() in FREQUENCY_WORDS):
            return None  # "the annual meeting", "a deadly attack": an adjective names no date and no participant ("a rebel attack" does)
        if slot == "prep" and preposition in VEHICLE_PREPOSITIONS and "Vehicle" in event_type.roles and token.lemma_.lower() in VEHICLE_NOUNS:
            role, score = "Vehicle", 0.6  # "taken to hospital in private cars", "came in a bus"
        if role is not None and entity is not None and entity.label_ == "MONEY" and "Money" in event_type.roles and role != "Price":
            role = "Money"  # "was fined $5 million": the sum, whatever slot it fills
        if entity is None and is_sum(token):
            return None  # "fined 500 euros", a sum the model did not name: no participant, and no Money it can link
        if (role in ("Entity", "Person") or role is None and preposition == "to") and token.lemma_.lower() in POST_NOUNS and (
                "Position" in event_type.roles):
            role = "Position"  # "stepped aside from that role", "quit his job", "appointed to the post": the post
        if role == "Instrument" and preposition == "with" and self.trigger_lemma in FIGHTING_WORDS and (
                token.lemma_.lower() in AGENT_NOUNS or token.lower_ == "forces"):
            role = "Attacker"  # "fighting with forces loyal to the government": the other side, not a weapon
        if role == "Entity" and preposition == "from" and token.lemma_.lower() in ("power", "office") and not any(
                c.dep_ in ("det", "poss", "amod", "compound") for c in token.children):
            return None  # "ousted from power", "removed from office": no organisation
        if role == "Entity" and preposition == "from" and (token.lemma_.lower() in JAIL_NOUNS | {"captivity", "hospital", "clinic"}
                                                           or token.lemma_.lower() in self.schema.place_nouns or placed):
            return None  # "released from prison", "from hospital": where from, not who releases
        if role is None or role not in event_type.roles:
            return None
        if role == "Time":
            if entity is None or entity.label_ not in TIME_LABELS:
                return None
            # Only the entity's words in the filler's own phrase: the model's "Friday to 12 years" ends at "Friday".
            start, end = max(entity.start, token.left_edge.i), min(entity.end, token.right_edge.i + 1)
            # "Friday morning": a date and a time of day side by side are one expression.
            while start > 0 and doc[start - 1].ent_type_ in TIME_LABELS and doc[start - 1].head.i in range(start, end):
                start -= 1
            while end < len(doc) and doc[end].ent_type_ in TIME_LABELS and doc[end].i != doc[end].head.i and (
                doc[end - 1].head.i == doc[end].i
            ):
                end += 1
            if end < entity.end and date_range(entity, doc[end]):
                end = entity.end  # "from April 23 to 24": one span of time, whatever the parser hangs "to" on
            index = entity_index if (start, end) == (entity.start, entity.end) else None
            if start > 1 and doc[start - 1].lower_ in ("on", "in") and doc[start - 2].lower_ in ("late", "early"):
                start -= 2  # "late on Wednesday", "early in the morning": one expression of time, still that date
            return FoundArgument("Time", index, doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), 0.7)
        # "The 55-year-old took the oath": an age as a noun phrase's head is a person, not a time.
        age = token.lower_ == "old" and token.dep_ in PARTICIPANT_DEPS and entity is not None
        if age:
            entity_index = entity = None
        if entity is not None and entity.label_ in TIME_LABELS and role not in ("Sentence",):
            return None
        named = next((g for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"),
                     token) if token.lemma_.lower() in SERIES_NOUNS else token  # "a barrage of rockets": the rockets
        weapon = named.lemma_.lower() in (MUNITION_NOUNS if role == "Target" else WEAPON_NOUNS)
        if role in ("Attacker", "Agent", "Target") and weapon and "Instrument" in event_type.roles:
            role = "Instrument"  # "targeted by 20 Russian missiles": the weapon, its maker is the attacker
        # "a court in Shanghai": a court is named by its seat, which is then no place of the event
        start, end = extent(token, own, cut_places=role not in PLACE_ROLES | VALUE_ROLES and not (
            role == "Adjudicator" and token.lemma_.lower() in COURT_NOUNS))
        if role in PLACE_ROLES:
            # "in court charged with murder": another event's participle is no part of the place
            end = min([end, *(c.left_edge.i for c in token.rights if c.dep_ == "acl" and c.i in self.trigger_tokens)])
        end = trimmed_end(token, role, end, slot == "agent" or preposition == "by")
        span = doc[start:end]
        if (entity is not None and token.i in entity_of_token and span.start == entity.start - 1
                and span.end == entity.end and doc[span.start].lower_ == "the" and token.conjuncts and all(
                    c.pos_ == "PROPN" and not any(g.dep_ in ("det", "poss") for g in c.children) for c in token.conjuncts)):
            span = entity  # "the Hama, Homs and Idlib": the shared article is not part of each name
        if role == "Target" and "Place" in event_type.roles and self.trigger_lemma not in ("invasion", "invade") and (
            entity is not None and token.i in entity_of_token and entity.label_ in ("GPE", "LOC")
            or (entity is None or entity.label_ in ("GPE", "LOC")) and token.lemma_.lower() in GEOGRAPHIC_NOUNS
        ):
            role = "Place"  # ACE: an attacked town or territory is where the attack happened
        if role == "Crime" and token.lemma_.lower() in ("charge", "accusation", "allegation"):
            # "indicted on charges of receiving bribes": the crime is what the charges are of ("12 counts of fraud" stay)
            crime = next((g for c in token.children if c.dep_ == "prep" and c.lower_ == "of"
                          for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if crime is not None:
                start, end = extent(crime, own, cut_places=False)
                span = doc[start:end]
        if role in VALUE_ROLES or role in ("Money", "Price"):
            if role == "Position":
                if token.ent_type_ == "PERSON":
                    return None  # a name is nobody's job title ("named Jane Fraser as …", mis-parsed)
                post = next((g for c in token.children if c.dep_ == "prep" and c.lower_ in ("as", "of") for g in c.children
                             if g.dep_ == "pobj" and (c.lower_ == "as" or g.lemma_.lower() in TITLE_WORDS | TITLE_MODIFIERS)),
                            None) if token.lemma_.lower() in POST_NOUNS else None  # not "the job of his dreams"
                if post is not None:  # "his post as minister", "the position of chief of staff": the post named
                    start, end = extent(post, own)
                    span, token = doc[start:end], post
                elif token.lemma_.lower() in POST_NOUNS:
                    span = doc[span.start : token.i + 1]  # "his job [at the bank]", "the job [of his dreams]"
                span = position_span(doc, span, token, keep_article=token.lemma_.lower() in POST_NOUNS)  # "that role" stays whole
            found = value(span, role, score)
            if found is not None and role in ("Money", "Price") and found.entity_index is None:
                # "for $68 billion in cash and stock": the sum the phrase holds is what it links to
                money = money_within(doc, span.start, span.end)
                if money is not None:
                    # from the sum on ("gave the McDonnells 177,000 dollars"), without how it is paid ("in cash")
                    index, start = money
                    end = next((t.i for t in doc[doc.ents[index].end : span.end]
                                if t.dep_ == "prep" and t.lower_ not in ("per", "of", "a")), span.end)
                    found = replace(found, entity_index=index, start_char=doc[start].idx,
                                    end_char=doc[end - 1].idx + len(doc[end - 1]))
            return found
        if token.lower_.endswith(("self", "selves")):
            return None  # "the bomber blew himself up": the attacker again, no target
        if token.lower_ in PERSONAL_PRONOUNS and token.pos_ == "PRON":
            if role in PLACE_ROLES or token.dep_ == "expl":
                return None
            return FoundArgument(role, None, token.idx, token.idx + len(token), round(score * 0.8, 2), f"pronoun:{token.lower_}")
        if entity is not None and self.schema.allows_label(role, entity.label_):
            return FoundArgument(role, entity_index, span.start_char, span.end_char, score)
        if role in PLACE_ROLES:
            if entity is not None and entity.label_ == "ORG" and "Adjudicator" in event_type.roles and (
                entity.root.lemma_.lower() in COURT_NOUNS
            ):
                return FoundArgument("Adjudicator", entity_index, span.start_char, span.end_char, score)  # "in the Supreme Court"
            if entity is not None and entity.root.pos_ == "PROPN" and entity.label_ not in ("PERSON", "NORP") and not (
                    preposition == "at" and slots.get("prep", {}).get("at") == "Entity"):
                # A town the model tagged ORG ("in Villupuram"): its words as a bare place, not a link to the
                # mislabelled name; not the firm a post is at ("the top post at Norfolk Southern Corp.").
                return FoundArgument(role, None, span.start_char, span.end_char, round(score * 0.6, 2))
            if token.lemma_.lower() in self.schema.place_nouns and (token.lower_ != "office" or any(
                c.dep_ in ("det", "poss", "amod", "compound", "nummod", "prep") for c in token.children
            )):  # "a third term in office" holds no place
                return FoundArgument(role, None, span.start_char, span.end_char, round(score * 0.5, 2))
            return None
        if entity is not None and token.i in entity_of_token and entity.label_ == "NORP" and token.tag_ in ("NNS", "NNPS"):
            # "9,000 Syrians crossed into Turkey": people named by nationality, as they stand
            return FoundArgument(role, None, span.start_char, span.end_char, round(score * 0.5, 2))
        if entity is not None and token.i in entity_of_token:
            return None  # a name whose label the role does not take
        if entity is None and token.ent_type_ and token.ent_type_ not in NUMBER_LABELS and not age:
            return None
        agentive = slot == "modifier" and token.lemma_.lower() in AGENT_NOUNS  # "rebel attack", tagged ADJ or NOUN
        # "The injured were taken to hospital": people, not the event
        casualties = token.lower_ in ("injured", "wounded", "dead") and any(c.lower_ == "the" for c in token.children)
        if token.pos_ not in ("NOUN", "PROPN", "NUM") and not agentive and not age and not casualties or token.lemma_.lower() in NOT_PARTICIPANTS:
            return None
        if role in JUSTICE_PARTIES and token.lemma_.lower() in ("prosecutor", "prosecution") and "Prosecutor" in event_type.roles:
            role = "Prosecutor"  # "Prosecutors will appeal the verdict"
        elif role == "Prosecutor" and token.lemma_.lower() in DECIDERS | COURT_NOUNS and "Adjudicator" in event_type.roles:
            role = "Adjudicator"  # "The magistrate arraigned the suspects": a court decides, it does not prosecute
        if slot == "modifier" and role == "Attacker" and token.lemma_.lower() in TARGET_MODIFIERS and "Target" in event_type.roles:
            role = "Target"  # "the convoy attack", "an embassy bombing": what was hit
        if role in ("Attacker", "Agent") and (token.lemma_.lower() in self.schema.place_nouns or token.lemma_.lower() in NATURAL_FORCES):
            return None
        if role == "Agent" and "Instrument" in event_type.roles and token.lemma_.lower() in VEHICLE_NOUNS:
            return None  # "The bus plunged into a gorge, killing 23 children": a crash has no killer
        lemma = token.lemma_.lower()
        if lemma in self.trigger_lemmas and token.pos_ == "NOUN" and not casualties and not (role == "Target" and lemma in GATHERING_NOUNS):
            return None  # an event as a participant ("the air strikes were targeting"); a meeting can be attacked
        if slot == "modifier" and not agentive and role not in ("Instrument", "Target"):
            return None  # "suicide attack", "car bombing": a manner or means, not who acted
        if role in ("Agent", "Artifact") and "Vehicle" in event_type.roles and lemma in VEHICLE_NOUNS:
            role = "Vehicle"  # "a bus carrying passengers"
        refers = f"noun:{token.lemma_.lower()}" if is_bare_definite(span) else None
        return FoundArgument(role, None, span.start_char, span.end_char, round(score * 0.5, 2), refers)
