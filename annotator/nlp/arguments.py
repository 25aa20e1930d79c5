"""Event arguments read off the dependency parse of a trigger's sentence.

Every slot the parse offers is tried: subject, object, passive subject and `by`-agent,
prepositional objects (nested locatives too: "on the sidelines of the Assembly in New
York"), possessor and name modifiers of a nominal trigger, the participle clause that
follows a nominal ("airstrikes led by a Saudi coalition in Hodeida"), the subject of a
light verb that governs it ("Israel launched strikes", "he faces charges"), and the
subject or object a coordinated verb shares ("was arrested and charged"). Each filler
becomes an argument whose extent is its full noun phrase (determiner, modifiers, head,
restrictive prepositional phrases and relative clauses; no apposition, no conjunct, no
comma-separated tail, nothing that holds the trigger), so "the ISIS militant group" and
"him" are arguments as they stand. A relative pronoun stands for its antecedent.

A role must fit the filler: the schema's allowed labels decide for a name; Time takes
only DATE/TIME names, Place/Origin/Destination only GPE/LOC/FAC names or a phrase headed
by a place noun ("the town", not "prison", "cash" or "multiple airstrikes"); a value role
(Crime, Position, Sentence) takes a phrase; a person, organisation or group role takes a
pronoun or a common noun phrase, with a hint for linking it to an entity at document level.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from annotator.nlp.fillers import FoundArgument, position_entity, position_span, value
from annotator.nlp.phrases import (
    AGENT_NOUNS,
    GATHERING_NOUNS,
    GEOGRAPHIC_NOUNS,
    LIGHT_VERBS,
    MUNITION_NOUNS,
    NATURAL_FORCES,
    NOT_PARTICIPANTS,
    PERSONAL_PRONOUNS,
    SITUATING_PREPOSITIONS,
    TIME_LABELS,
    UNDERGOING_VERBS,
    VEHICLE_NOUNS,
    WEAPON_NOUNS,
    antecedent,
    entity_for,
    extent,
    infinitive,
    is_bare_definite,
)
from annotator.nlp.triggers import VERB_POS, Trigger
from annotator.schema import EventType, Schema

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token

NUMBER_LABELS = frozenset({"CARDINAL", "QUANTITY", "ORDINAL", "PERCENT"})
PLACE_ROLES = frozenset({"Place", "Origin", "Destination"})
VALUE_ROLES = frozenset({"Crime", "Position", "Sentence"})
VEHICLE_PREPOSITIONS = frozenset({"in", "by", "aboard", "on"})
JUSTICE_PARTIES = frozenset({"Defendant", "Adjudicator", "Plaintiff"})
CONTROLLER_ROLES = {"winner": "Person", "recipient": "Recipient"}  # slots whose role does not vary by type
RECEIVING_VERBS = frozenset({"take", "accept", "receive", "solicit", "pocket"})  # "took bribes": the taker receives
DURATION_UNITS = frozenset({"year", "month", "week", "day", "hour", "minute", "decade", "night"})  # "a three-week trial"
COURT_NOUNS = frozenset({"court", "tribunal"})
PARTICIPANT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "obj", "pobj", "dative"})
TIME_SLOTS = frozenset({"prep", "time", "nested", "possessor", "modifier"})  # "on Tuesday", "Tuesday's protest"


class ArgumentFinder:
    """Finds the arguments of one trigger in its parsed sentence."""

    def __init__(self, schema: Schema, trigger_lemmas: frozenset[str]):
        self.schema = schema
        self.trigger_lemmas = trigger_lemmas
        self.locatives = schema.locative_prepositions
        self.trigger_tokens: set[int] = set()

    def __call__(self, doc: Doc, trigger: Trigger, entity_of_token: dict[int, int],
                 trigger_tokens: set[int]) -> list[FoundArgument]:
        """The arguments of `trigger`, at most one per entity and one per role and extent."""
        own = {t.i for t in trigger.span}
        self.trigger_tokens = trigger_tokens
        sentence = trigger.span.sent
        event_type = trigger.event_type
        slots = {**event_type.slots, **trigger.condition.slots}
        if "prep" in event_type.slots and "prep" in trigger.condition.slots:
            slots["prep"] = {**event_type.slots["prep"], **trigger.condition.slots["prep"]}
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
                if token.i in own or not sentence.start <= token.i < sentence.end:
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
        # "a courtroom in Virginia" is the Place; "Virginia" inside it is not a second one.
        return [a for a in found if not any(
            b is not a and b.role == a.role and b.start_char <= a.start_char and a.end_char <= b.end_char
            and (b.start_char, b.end_char) != (a.start_char, a.end_char) for b in found
        )]

    # ------------------------------------------------------------------ slots

    @staticmethod
    def clausal(head: Token) -> bool:
        """True for a verb, an adjective with a subject, or a gerund the parser tagged as a noun but gave a clause's dependents."""
        return head.pos_ in VERB_POS or head.dep_ == "xcomp" or any(
            c.dep_ in ("dobj", "nsubj", "nsubjpass", "aux") for c in head.children
        )

    def _all_slots(self, trigger: Trigger, event_type: EventType) -> Iterator[tuple[str, Token, str | None]]:
        """The slots of the trigger's head, then the prepositions of its other words ("pleaded guilty to fraud")."""
        head = trigger.span.root
        yield from self._slots(head, event_type)
        for word in trigger.span:
            if word.i != head.i:
                for child in word.children:
                    if child.dep_ == "prep" and child.i not in {t.i for t in trigger.span}:
                        yield from self._prepositional(child)

    def _slots(self, head: Token, event_type: EventType) -> Iterator[tuple[str, Token, str | None]]:
        if self.clausal(head):
            yield from self._verb_slots(head, event_type)
        else:
            yield from self._noun_slots(head, event_type)

    def _subject_slot(self, head: Token, event_type: EventType) -> str:
        if head.pos_ == "ADJ":
            return "passive_subject"  # "found Fry guilty", "left 20 people dead": the subject undergoes it
        has_object = any(c.dep_ in ("dobj", "obj") for c in head.children)
        return "intransitive_subject" if not has_object and head.lemma_.lower() in event_type.intransitive else "subject"

    def _verb_slots(self, head: Token, event_type: EventType) -> Iterator[tuple[str, Token, str | None]]:
        yield from self._where(head)
        subject_slot = self._subject_slot(head, event_type)
        has_subject = has_object = False
        for child in head.children:
            dep = child.dep_
            if dep in ("nsubj", "csubj", "nsubjpass", "dobj", "obj"):
                named_actor = dep in ("dobj", "obj") and (head.dep_ == "conj" or any(c.dep_ in ("nsubj", "agent") for c in head.children))
                for participant in self._conjuncts(child):
                    yield from self._inside_participant(participant, owners=not named_actor)
            if dep in ("nsubj", "csubj"):
                has_subject = True
                # A headline's "23 children killed when ...": a bare participle, its subject undergoes it.
                bare_participle = head.tag_ == "VBN" and not any(c.dep_ in ("aux", "auxpass") for c in head.children) and (
                    "passive_subject" in event_type.slots)  # "Thousands protested", tagged VBN, is not one
                yield ("passive_subject" if bare_participle else subject_slot), child, None
            elif dep == "nsubjpass":
                has_subject = True
                yield "passive_subject", child, None
            elif dep in ("dobj", "obj"):
                has_object = True
                yield "object", child, None
            elif dep in ("attr", "oprd"):
                yield "predicate", child, None
            elif dep == "agent":
                for grandchild in child.children:
                    if grandchild.dep_ == "pobj":
                        yield from self._inside_participant(grandchild)
                        yield "agent", grandchild, None
            elif dep == "dative" and not any(c.dep_ == "pobj" for c in child.children):
                yield "dative", child, None
            elif dep in ("prep", "dative"):
                yield from self._prepositional(child)
            elif dep in ("npadvmod", "tmod"):
                yield "time", child, None
        governor = head.head
        if head.tag_ == "VBN" and head.dep_ in ("advcl", "oprd", "ccomp", "xcomp") and governor.lemma_.lower() == "leave":
            for child in governor.children:
                if child.dep_ in ("dobj", "obj"):
                    yield "passive_subject", child, None  # "The blast left 40 people injured"
        if head.pos_ == "ADJ" and head.dep_ in ("ccomp", "oprd", "acomp", "xcomp") and governor is not head:
            # "A jury in St. Paul found Fry guilty": the finder, and where and when, sit on the verb.
            for child in governor.children:
                if child.dep_ == "nsubj" and head.dep_ != "oprd":
                    yield from self._inside_participant(child)
                    yield "subject", child, None
                elif child.dep_ in ("dobj", "obj") and head.dep_ in ("oprd", "ccomp"):
                    yield "passive_subject", child, None  # "left two people dead"
                elif child.dep_ == "prep":
                    yield from self._prepositional(child)
                elif child.dep_ in ("npadvmod", "tmod"):
                    yield "time", child, None
        if not has_subject and governor is not head:
            passive = any(c.dep_ == "auxpass" for c in head.children) or head.tag_ == "VBN"
            if head.dep_ in ("xcomp", "conj", "advcl"):
                for child in governor.children:
                    if child.dep_ == "nsubj" and (head.dep_ != "advcl" or head.tag_ == "VBG" or infinitive(head)):
                        yield from self._inside_participant(child)
                        yield ("passive_subject" if passive and head.dep_ == "xcomp" else subject_slot), child, None
                    elif child.dep_ == "nsubjpass" and head.dep_ in ("conj", "xcomp"):
                        yield ("passive_subject" if passive else subject_slot), child, None
                if head.dep_ == "conj" and governor.dep_ in ("advcl", "xcomp") and governor.tag_ == "VBG" and not any(
                    c.dep_ in ("nsubj", "nsubjpass") for c in governor.children
                ):
                    for child in governor.head.children:
                        if child.dep_ == "nsubj":
                            yield subject_slot, child, None
            elif head.dep_ == "acl" and infinitive(head):
                # "AT&T clinched a deal to acquire DirecTV": the one who agreed acts;
                # "AT&T to buy DirecTV" (a headline): the noun itself.
                clause = governor.head
                if any(c.dep_ == "auxpass" for c in head.children):
                    yield "passive_subject", governor, None  # "the first minister to be sentenced"
                elif governor.dep_ == "ROOT" and governor.pos_ in ("NOUN", "PROPN"):
                    yield subject_slot, governor, None
                elif governor.dep_ in ("dobj", "obj", "attr") and clause is not governor:
                    for child in clause.children:
                        if child.dep_ == "nsubj":
                            yield subject_slot, child, None
            elif head.dep_ in ("acl", "relcl"):
                passive = head.tag_ == "VBN" and head.dep_ == "acl" or any(c.dep_ == "auxpass" for c in head.children)
                yield ("passive_subject" if passive else subject_slot), governor, None
            elif head.dep_ == "pcomp" and governor.head is not governor:
                # "accused Russia of hitting ..." / "after killing ...": the clause's object or subject acts.
                clause = governor.head
                actor = next((c for c in clause.children if c.dep_ in ("dobj", "obj")), None) or next(
                    (c for c in clause.children if c.dep_ == "nsubj"), None)
                if actor is not None:
                    yield subject_slot, actor, None
        if not has_object and head.dep_ != "conj":
            # "killed and wounded dozens": the last conjunct's object is shared.
            for child in head.children:
                if child.dep_ == "conj" and child.pos_ in VERB_POS:
                    for grandchild in child.children:
                        if grandchild.dep_ in ("dobj", "obj"):
                            yield "object", grandchild, None
        if not has_object and head.dep_ == "conj" and governor.pos_ in VERB_POS:
            for child in governor.children:
                if child.dep_ in ("dobj", "obj"):
                    yield "object", child, None
        if head.dep_ in ("acl", "relcl") and governor is not head:
            # "the assault on the towns of Talbisa ... killed 36": where and when sit on the noun.
            for child in governor.children:
                if child.dep_ == "prep":
                    for slot, filler, preposition in self._prepositional(child):
                        if preposition in self.locatives:
                            yield slot, filler, preposition

    def _inside_participant(self, filler: Token, owners: bool = True) -> Iterator[tuple[str, Token, str | None]]:
        """What a participant phrase says about the event: its places and times, the maker of a
        weapon ("Russian jets"), and who did an event it names ("its air strikes were targeted")."""
        yield from self._nested_places(filler)
        for child in filler.children:
            if child.dep_ in ("npadvmod", "tmod") and child.ent_type_ in TIME_LABELS and filler.lower_ != "old":
                yield "time", child, None
        lemma = filler.lemma_.lower()
        nominal_event = lemma in self.trigger_lemmas and filler.pos_ == "NOUN"
        if owners and (lemma in WEAPON_NOUNS or nominal_event):
            for child in filler.children:
                if child.dep_ in ("amod", "compound", "nmod", "poss") and (
                    child.ent_type_ in ("NORP", "GPE", "ORG") or child.lower_ in PERSONAL_PRONOUNS
                ):
                    yield "modifier", child, None

    def _noun_slots(self, head: Token, event_type: EventType) -> Iterator[tuple[str, Token, str | None]]:
        for child in head.children:
            dep = child.dep_
            if dep == "poss":
                yield "possessor", child, None
            elif dep in ("amod", "compound", "nmod"):
                yield "modifier", child, None
            elif dep == "prep":
                yield from self._prepositional(child)
            elif dep == "acl":
                # "airstrikes led by a Saudi coalition in Hodeida"
                for grandchild in child.children:
                    if grandchild.dep_ == "agent":
                        for filler in grandchild.children:
                            if filler.dep_ == "pobj":
                                yield "agent", filler, None
                                yield from self._nested_places(filler)
                    elif grandchild.dep_ == "prep" and (grandchild.lower_ in self.locatives or (
                        grandchild.lower_ in ("on", "against") and child.lemma_.lower() in LIGHT_VERBS
                    )):
                        yield from self._prepositional(grandchild)
        governor = head.head
        if governor is head:
            return
        has_possessor = any(c.dep_ == "poss" for c in head.children)
        yield from self._winner(head)
        if governor.i in self.trigger_tokens and head.dep_ not in ("nsubj", "nsubjpass"):
            return  # "won the election": the verb is a mention of its own and takes the clause
        if head.dep_ in ("dobj", "obj") and governor.lemma_.lower() in LIGHT_VERBS | UNDERGOING_VERBS:
            verb = governor.lemma_.lower()
            slot = "recipient" if verb in RECEIVING_VERBS and "Recipient" in event_type.roles else (
                "passive_subject" if verb in UNDERGOING_VERBS else "subject")
            subjects = [c for c in governor.children if c.dep_ in ("nsubj", "nsubjpass")]
            clause = governor
            while not subjects and clause.dep_ == "conj" and clause.head is not clause:
                # "Petters was convicted in 2009 and is serving a 50-year sentence"; "they lobbed …, approached … and opened fire"
                clause = clause.head
                subjects = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
            if not subjects and clause.dep_ == "pcomp" and clause.head.head is not clause.head:
                # "sentenced for taking bribes", "accused of taking bribes": the gerund's subject is the clause's
                subjects = [c for c in clause.head.head.children if c.dep_ in ("nsubj", "nsubjpass")]
            for child in subjects:
                if not has_possessor:
                    yield from self._inside_participant(child)
                    yield slot, child, None
            yield from self._where(governor)
            for child in governor.children:
                if child.dep_ == "prep":
                    yield from self._prepositional(child)
                elif child.dep_ in ("npadvmod", "tmod"):
                    yield "time", child, None
        elif head.dep_ == "nsubjpass" and governor.lemma_.lower() in LIGHT_VERBS:
            # "The attack … was mounted by about 20 militants overnight"
            for child in governor.children:
                if child.dep_ == "agent":
                    yield from (("subject", g, None) for g in child.children if g.dep_ == "pobj")
                elif child.dep_ == "prep":
                    yield from self._prepositional(child)
                elif child.dep_ in ("npadvmod", "tmod", "advmod"):
                    yield "time", child, None
        elif head.dep_ == "pobj" and governor.lower_ == "to" and head.lemma_.lower() == "death" and governor.head.pos_ in VERB_POS:
            # "A man was stabbed to death in east London": who was stabbed died, who stabbed killed.
            for child in governor.head.children:
                if child.dep_ in ("dobj", "obj", "nsubjpass"):
                    yield "passive_subject", child, None
                elif child.dep_ == "nsubj":
                    yield "subject", child, None
                elif child.dep_ == "prep" and child is not governor:
                    yield from self._prepositional(child)
        elif head.dep_ == "pobj" and governor.lower_ == "with" and governor.head.pos_ in VERB_POS:
            # "Ten children were hospitalized with injuries", "died of wounds": who suffered it.
            for child in governor.head.children:
                if child.dep_ in ("nsubj", "nsubjpass") and not has_possessor:
                    yield "passive_subject", child, None
        elif head.dep_ == "pobj" and governor.dep_ == "prep" and governor.head.lemma_.lower() in LIGHT_VERBS | UNDERGOING_VERBS:
            # "filed for bankruptcy", "went on trial"
            for child in governor.head.children:
                if child.dep_ == "nsubj":
                    yield "subject", child, None
        elif head.dep_ in ("nsubj", "nsubjpass"):
            # A nominal trigger as a clause's subject often names where and when in that clause.
            for child in governor.children:
                if child.dep_ == "prep":
                    for _slot, filler, preposition in self._prepositional(child):
                        if preposition in self.locatives or preposition in ("on", "during"):
                            yield "nested", filler, preposition
                elif child.dep_ in ("npadvmod", "tmod"):
                    yield "time", child, None
                elif child.dep_ in ("dobj", "obj") and governor.i in self.trigger_tokens:
                    yield from self._nested_places(child)  # "The attack killed five people in Kabul"

    @staticmethod
    def _where(clause: Token) -> Iterator[tuple[str, Token, str | None]]:
        """The place a relative "where" stands for: "South Waziristan, where the military is pressing an offensive"."""
        if clause.dep_ == "relcl" and any(c.lower_ == "where" and c.dep_ == "advmod" for c in clause.children):
            place = clause.head
            # "…Airport in Karachi, where he was received": the whole place, not its last word.
            while place.dep_ == "pobj" and place.head.dep_ == "prep" and place.head.head.pos_ in ("NOUN", "PROPN"):
                place = place.head.head
            yield "nested", place, "in"

    @staticmethod
    def _winner(head: Token) -> Iterator[tuple[str, Token, str | None]]:
        """Who won the contest a nominal names: "Maduro was declared the winner of the election", "X is the winner of the race"."""
        governor = head.head
        if head.dep_ == "pobj" and governor.lower_ == "of" and governor.head.lemma_.lower() in ("winner", "victor"):
            winner = governor.head
            if winner.dep_ == "attr":
                yield from (("winner", c, None) for c in winner.head.children if c.dep_ == "nsubj")
            elif winner.dep_ == "oprd":
                yield from (("winner", c, None) for c in winner.head.children if c.dep_ in ("dobj", "obj", "nsubjpass"))

    def _nested_places(self, token: Token, depth: int = 0) -> Iterator[tuple[str, Token, str | None]]:
        """Place and time phrases nested under a participant: "territories held by rebels in Hama on Wednesday"."""
        for nested in token.children:
            if nested.lower_ == "of" and any(
                c.dep_ == "pobj" and c.pos_ == "NOUN" and c.lemma_.lower() in self.trigger_lemmas for c in nested.children
            ):
                continue
            if nested.dep_ == "prep" and (nested.lower_ in SITUATING_PREPOSITIONS or nested.lower_ == "of"):
                for _slot, filler, nested_word in self._prepositional(nested, depth + 1):
                    if nested_word in SITUATING_PREPOSITIONS:
                        yield "nested", filler, nested_word
            elif nested.dep_ == "acl" and depth < 2 and nested.i not in self.trigger_tokens:
                # "territories held by rebels in Hama"; a relative clause ("who was appointed in 2019")
                # or an event of its own places its own event, not this one.
                yield from self._nested_places(nested, depth + 1)
            elif nested.dep_ == "agent" and depth < 3:
                for filler in nested.children:
                    if filler.dep_ == "pobj":
                        yield from self._nested_places(filler, depth + 1)

    def _prepositional(self, preposition: Token, depth: int = 0) -> Iterator[tuple[str, Token, str | None]]:
        word = preposition.lower_
        for child in preposition.children:
            if child.dep_ == "pobj":
                yield "prep", child, word
                if depth < 3:
                    yield from self._nested_places(child, depth)
            elif child.dep_ == "pcomp" and child.tag_ == "VBG":  # "for taking bribes"
                yield "prep", child, word
            elif child.dep_ == "prep":  # "out of", "because of"
                for grandchild in child.children:
                    if grandchild.dep_ == "pobj":
                        yield "prep", grandchild, child.lower_

    @staticmethod
    def _conjuncts(token: Token) -> Iterable[Token]:
        return [token, *token.conjuncts]

    # ------------------------------------------------------------------ roles and extents

    def _role(self, slot: str, preposition: str | None, slots: dict) -> tuple[str | None, float]:
        if slot == "prep":
            role = slots.get("prep", {}).get(preposition)
            if role is not None:
                return role, 0.6
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
        duration = entity is not None and entity[-1].lemma_.lower() in DURATION_UNITS and (
            slot == "modifier" or entity[0].tag_ == "CD" or entity[0].lower_ in ("a", "an", "several", "few", "some"))
        duration = duration or preposition == "for"  # "a week", "jailed for six years": a length, not a time
        if slot in TIME_SLOTS and entity is not None and entity.label_ in TIME_LABELS and role != "Sentence" and not duration:
            role, score = "Time", 0.7
        if role is None and slot in ("prep", "nested") and preposition in self.locatives and "Place" in event_type.roles:
            role, score = "Place", 0.6
        if slot == "prep" and preposition in VEHICLE_PREPOSITIONS and "Vehicle" in event_type.roles and token.lemma_.lower() in VEHICLE_NOUNS:
            role, score = "Vehicle", 0.6  # "taken to hospital in private cars", "came in a bus"
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
            index = entity_index if (start, end) == (entity.start, entity.end) else None
            return FoundArgument("Time", index, doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), 0.7)
        # "The 55-year-old took the oath": an age as a noun phrase's head is a person, not a time.
        age = token.lower_ == "old" and token.dep_ in PARTICIPANT_DEPS and entity is not None
        if age:
            entity_index = entity = None
        if entity is not None and entity.label_ in TIME_LABELS and role not in ("Sentence",):
            return None
        weapon = token.lemma_.lower() in (MUNITION_NOUNS if role == "Target" else WEAPON_NOUNS)
        if role in ("Attacker", "Agent", "Target") and weapon and "Instrument" in event_type.roles:
            role = "Instrument"  # "targeted by 20 Russian missiles": the weapon, its maker is the attacker
        start, end = extent(token, own, cut_places=role not in PLACE_ROLES)
        span = doc[start:end]
        if (entity is not None and token.i in entity_of_token and span.start == entity.start - 1
                and span.end == entity.end and doc[span.start].lower_ == "the" and (not token.conjuncts or all(
                    c.pos_ == "PROPN" and not any(g.dep_ in ("det", "poss") for g in c.children) for c in token.conjuncts))):
            span = entity  # "the Hama, Homs and Idlib": the shared article is not part of each name
        if role == "Target" and "Place" in event_type.roles and (
            entity is not None and token.i in entity_of_token and entity.label_ in ("GPE", "LOC")
            or entity is None and token.lemma_.lower() in GEOGRAPHIC_NOUNS
        ):
            role = "Place"  # ACE: an attacked town or territory is where the attack happened
        if role in VALUE_ROLES or role in ("Money", "Price"):
            if role == "Position":
                if token.ent_type_ == "PERSON":
                    return None  # a name is nobody's job title ("named Jane Fraser as …", mis-parsed)
                span = position_span(doc, span, token)
            return value(span, role, score)
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
            if entity is not None and entity.root.pos_ == "PROPN" and entity.label_ not in ("PERSON", "NORP"):
                # A town the model tagged ORG: its words as a bare place, not a link to the mislabelled name.
                return FoundArgument(role, None, span.start_char, span.end_char, round(score * 0.6, 2))
            if token.lemma_.lower() in self.schema.place_nouns:
                return FoundArgument(role, None, span.start_char, span.end_char, round(score * 0.5, 2))
            return None
        if entity is not None and token.i in entity_of_token:
            return None  # a name whose label the role does not take
        if entity is None and token.ent_type_ and token.ent_type_ not in NUMBER_LABELS and not age:
            return None
        agentive = slot == "modifier" and token.lemma_.lower() in AGENT_NOUNS  # "rebel attack", tagged ADJ or NOUN
        if token.pos_ not in ("NOUN", "PROPN", "NUM") and not agentive and not age or token.lemma_.lower() in NOT_PARTICIPANTS:
            return None
        if role in JUSTICE_PARTIES and token.lemma_.lower() in ("prosecutor", "prosecution") and "Prosecutor" in event_type.roles:
            role = "Prosecutor"  # "Prosecutors will appeal the verdict"
        if role in ("Attacker", "Agent") and (token.lemma_.lower() in self.schema.place_nouns or token.lemma_.lower() in NATURAL_FORCES):
            return None
        lemma = token.lemma_.lower()
        if lemma in self.trigger_lemmas and token.pos_ == "NOUN" and not (role == "Target" and lemma in GATHERING_NOUNS):
            return None  # an event as a participant ("the air strikes were targeting"); a meeting can be attacked
        if slot == "modifier" and not agentive and role != "Instrument":
            return None  # "suicide attack", "car bombing": a manner or means, not who acted
        if role in ("Agent", "Artifact") and "Vehicle" in event_type.roles and lemma in VEHICLE_NOUNS:
            role = "Vehicle"  # "a bus carrying passengers"
        refers = f"noun:{token.lemma_.lower()}" if is_bare_definite(span) else None
        return FoundArgument(role, None, span.start_char, span.end_char, round(score * 0.5, 2), refers)
