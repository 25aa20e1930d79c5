"""The slots of a trigger in its parsed sentence: which words fill them, and through which slot.

Every slot the parse offers is tried: subject, object, passive subject and `by`-agent,
prepositional objects (nested locatives too: "on the sidelines of the Assembly in New
York"), possessor and name modifiers of a nominal trigger, the participle clause that
follows a nominal ("airstrikes led by a Saudi coalition in Hodeida"), the subject of a
light verb that governs it ("Israel launched strikes", "he faces charges"), and the
subject or object a coordinated verb shares ("was arrested and charged"). A slot is a
name (`subject`, `prep`, `nested`, …) that the event type's schema entry maps to a role.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from annotator.nlp.accountable import held_to_account
from annotator.nlp.phrases import (
    ACCUSING_VERBS,
    ACTIVE_AFTER_PASSIVE,
    CAUSING_VERBS,
    CLAIMING_VERBS,
    GROUP_NOUNS,
    LIGHT_VERBS,
    OBJECT_CONTROL_VERBS,
    PERPETRATING_VERBS,
    PERSONAL_PRONOUNS,
    RECEIVING_VERBS,
    SCHEDULING_VERBS,
    SPOKESPEOPLE,
    TIME_LABELS,
    UNDERGOING_VERBS,
    WEAPON_NOUNS,
    among_the,
    clause_actor,
    counted,
    happening,
    headline,
    infinitive,
    is_sum,
    paid_sums,
    payer,
    where_and_when,
    winners,
)
from annotator.nlp.settings import PlaceSlots
from annotator.nlp.triggers import CRIME_WORDS, QUANTIFIERS, VERB_POS, Trigger
from annotator.schema import EventType

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Token

Slot = tuple[str, "Token", str | None]
# An adjective that says how a verb left its object: "shot them dead", "shot dead a police officer", "found dead".
RESULT_DEPS = frozenset({"ccomp", "oprd", "acomp", "xcomp", "advmod"})
# A ruling is handed down: who announces or delivers it decides it.
DELIVERING_VERBS = frozenset({"announce", "deliver", "issue", "hand", "pronounce", "return", "read", "reach", "impose"})
RULING_NOUNS = frozenset({"verdict", "ruling", "sentence", "judgment", "judgement", "decision", "fine", "penalty", "conviction"})


# Nouns that count events: "a series of attacks", "a wave of arrests".
SERIES_NOUNS = frozenset({"series", "wave", "spate", "string", "number", "handful", "couple", "flurry", "barrage", "volley"})


class SlotReader(PlaceSlots):
    """Reads the slots of a trigger's head: (slot name, filler token, preposition or None)."""

    @staticmethod
    def clausal(head: Token) -> bool:
        """True for a verb, an adjective with a subject, or a gerund the parser tagged as a noun but gave a clause's dependents."""
        return head.pos_ in VERB_POS or head.dep_ == "xcomp" or any(
            c.dep_ in ("dobj", "nsubj", "nsubjpass", "aux") for c in head.children
        ) or head.pos_ == "ADJ" and head.dep_ in RESULT_DEPS and head.head.pos_ in VERB_POS  # "shot them dead"

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
        first = head.head if head.pos_ == "ADJ" and head.dep_ == "amod" and head.i > head.head.i else next((
            g for c in head.head.children if c.dep_ == "prep" and c.lower_ == "with" and c.i < head.i for g in c.children
            if g.dep_ == "pobj"), None) if head.pos_ == "ADJ" and head.dep_ == "advcl" else None
        if first is not None:
            # "ended with one soldier and nine militants dead": an adjective after its noun says what became of it
            while first.dep_ == "conj":
                first = first.head
            yield from (("passive_subject", t, None) for t in self._conjuncts(first))
            return
        noun = next((c for c in head.children if c.dep_ in ("dobj", "obj") and c.i == head.i + 1 and c.i in self.trigger_tokens), None)
        if (casualties := among_the(head)) is not None:
            # "Fifteen children were among the wounded", "All of the dead were civilian men": who they are
            yield from (("passive_subject", c, None) for c in casualties)
        elif head.tag_ == "VBG" and noun is not None:
            # "in the shooting death of Sam Carter", parsed as a verb and its object: one noun phrase, the noun's slots
            yield from self._noun_slots(noun, event_type)
        elif self.clausal(head):
            yield from self._verb_slots(head, event_type)
        else:
            yield from self._noun_slots(head, event_type)

    def _subject_slot(self, head: Token, event_type: EventType) -> str:
        if head.pos_ == "ADJ":
            return "passive_subject"  # "found Fry guilty", "left 20 people dead": the subject undergoes it
        has_object = any(c.dep_ in ("dobj", "obj") for c in head.children)
        return "intransitive_subject" if not has_object and head.lemma_.lower() in event_type.intransitive else "subject"

    def _verb_slots(self, head: Token, event_type: EventType) -> Iterator[tuple[str, Token, str | None]]:
        yield from where_and_when(head)
        subject_slot = self._subject_slot(head, event_type)
        has_subject = has_object = False
        for child in head.children:
            dep = child.dep_
            if dep in ("nsubj", "csubj", "nsubjpass", "dobj", "obj"):
                named_actor = dep in ("dobj", "obj") and (head.dep_ == "conj" or any(c.dep_ in ("nsubj", "agent") for c in head.children))
                for participant in self._conjuncts(child):
                    yield from self._inside_participant(participant, owners=not named_actor)
            if dep == "nsubj" and has_subject and child.doc[child.left_edge.i - 1].text == ",":
                continue  # a second subject after a comma is in apposition, as below
            if dep in ("nsubj", "csubj"):
                has_subject = True
                # A headline's "23 children killed when ...": a bare participle, its subject undergoes it.
                # "… were killed and dozens others wounded", the participle tagged as a past tense: an elided passive too
                elided = head.tag_ == "VBD" and head.dep_ == "conj" and any(c.dep_ == "auxpass" for c in head.head.children) and not any(
                    c.dep_ in ("dobj", "obj") for c in head.children) and counted(child)  # not "… and police fired on the crowd"
                # a headline's "Fertiliser company fined €350k": no one fines a sum on someone's behalf
                after = head.nbor() if head.i + 1 < len(head.doc) else head
                fined = headline(head) and (after.ent_type_ == "MONEY" or after.tag_ == "$" or after.text in ("€", "£", "¥"))
                # "14 Colombian police killed in ambush": a headline's past tense with no object, tagged VBD
                untagged = headline(head) and head.tag_ == "VBD" and head.lemma_.lower() not in event_type.intransitive and not any(
                    c.dep_ in ("dobj", "obj", "ccomp", "xcomp", "prt", "dative", "attr", "acomp") for c in head.children)
                bare_participle = (head.tag_ == "VBN" or elided or fined or untagged) and not any(c.dep_ in ("aux", "auxpass") for c in head.children) and (
                    "passive_subject" in event_type.slots  # "Thousands protested", tagged VBN, is not one
                    # "a gunman … struck at multiple locations" in a body sentence is not either, but an elided
                    # passive is: "Four were killed and two wounded"
                    and (headline(head) or head.dep_ == "conj" and (any(c.dep_ == "auxpass" for c in head.head.children)
                                                                   or child.pos_ == "NUM")  # "… dead and 20 wounded"
                         or head.dep_ in ("ccomp", "xcomp") and head.head.lemma_.lower() in CAUSING_VERBS))  # "ordered him arrested"
                yield ("passive_subject" if bare_participle else subject_slot), child, None
            elif dep == "nsubjpass":
                has_subject = True
                yield "passive_subject", child, None
            elif dep in ("dobj", "obj"):
                has_object = True
                yield "object", child, None
                # "convicted the former senator of bribery", the crime parsed as the senator's: the verb's
                yield from (("prep", g, "of") for c in child.children if c.dep_ == "prep" and c.lower_ == "of"
                            for g in c.children if g.dep_ == "pobj" and g.lemma_.lower() in CRIME_WORDS)
                # "gave the McDonnells 177,000 dollars": the first object of two, parsed as a modifier of the second
                yield from (("dative", c, None) for c in child.lefts if c.dep_ == "nmod" and c.pos_ in ("PROPN", "PRON")
                            and any(n.dep_ == "nummod" and n.i > c.i for n in child.lefts))
            elif dep in ("attr", "oprd"):
                # "The board named Jane Smith as its chief", parsed as "a board named Jane Smith": she is the one named
                named = dep == "oprd" and child.ent_type_ == "PERSON" and any(c.dep_ == "prep" and c.lower_ == "as" for c in head.children)
                yield ("object" if named else "predicate"), child, None
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
        if head.pos_ == "ADJ" and head.dep_ in RESULT_DEPS and governor.i != head.i:
            # "A jury in St. Paul found Fry guilty": the finder, and where and when, sit on the verb.
            # "The bandits shot them dead": who shot killed; "the blast left 40 people dead" names no killer.
            acting = head.dep_ not in ("oprd", "advmod") or governor.i in self.trigger_tokens
            clause = governor
            while clause.dep_ == "conj" and acting and not any(c.dep_ in ("nsubj", "nsubjpass") for c in clause.children):
                clause = clause.head  # "pursued people and shot them dead": the first verb's subject shot
                yield from (("subject", c, None) for c in clause.children if c.dep_ == "nsubj")
            if acting and governor.dep_ == "pcomp" and governor.tag_ == "VBG" and not any(
                    c.dep_ in ("nsubj", "nsubjpass") for c in governor.children):
                # "After finding the couple guilty, the court directed …": the main clause's subject finds
                yield from (("subject", c, None) for c in governor.head.head.children if c.dep_ == "nsubj")
            for child in governor.children:
                if child.dep_ == "nsubj" and governor.lemma_.lower() == "be":
                    yield "passive_subject", child, None  # "ruling he is partly guilty": who is guilty
                elif child.dep_ == "nsubj" and acting:
                    yield from self._inside_participant(child)
                    yield "subject", child, None
                elif child.dep_ in ("dobj", "obj") and head.dep_ in ("oprd", "ccomp", "advmod"):
                    yield "passive_subject", child, None  # "left two people dead"
                elif child.dep_ == "nsubjpass" and head.dep_ in ("oprd", "advmod"):
                    yield "passive_subject", child, None  # "two soldiers were found dead"
                elif child.dep_ == "agent" and acting:
                    yield from (("agent", g, None) for g in child.children if g.dep_ == "pobj")
                elif child.dep_ == "prep":
                    yield from self._prepositional(child)
                elif child.dep_ in ("npadvmod", "tmod"):
                    yield "time", child, None
        if not has_subject and governor.i != head.i:
            passive = any(c.dep_ == "auxpass" for c in head.children) or head.tag_ == "VBN"
            first = next((t for t in head.ancestors if t.dep_ != "conj"), governor) if head.dep_ == "conj" else head
            if first.dep_ == "pcomp" and first is not head and (actor := clause_actor(first.head.head)) is not None:
                yield subject_slot, actor, None  # "accused the military of arresting, torturing and killing civilians"
            if head.dep_ in ("xcomp", "conj", "advcl"):
                # "He faces up to 20 years if convicted": a bare participle clause undergoes with the main subject.
                # "Arrested in 2019, he …" too; "left 40 people injured" describes the object, not the subject.
                bare_passive = head.dep_ == "advcl" and head.tag_ == "VBN" and not any(c.dep_ == "aux" for c in head.children) and (
                    any(c.dep_ == "mark" for c in head.children) or head.i < governor.i)
                # "remanded him in custody to reappear": an infinitive after a person object is that person's
                # "ordered him removed from office": a participle after a person object happens to that person
                participle = head.dep_ == "xcomp" and head.tag_ == "VBN"
                controlling = governor.lemma_.lower() in OBJECT_CONTROL_VERBS and infinitive(head)
                controller = next((c for c in governor.children if c.dep_ in ("dobj", "obj") and (
                    c.lower_ in PERSONAL_PRONOUNS or c.ent_type_ == "PERSON" or controlling)), None) if infinitive(head) or participle else None
                if controller is not None:
                    yield from self._inside_participant(controller)
                    yield ("passive_subject" if participle else subject_slot), controller, None
                for child in ([] if controller is not None else governor.children):
                    if child.dep_ in ("nsubj", "nsubjpass") and bare_passive:
                        yield from self._inside_participant(child)
                        yield "passive_subject", child, None
                    elif child.dep_ == "nsubj" and (head.dep_ != "advcl" or head.tag_ == "VBG" or infinitive(head)):
                        yield from self._inside_participant(child)
                        # "He has pleaded not guilty and been held on bail": a conjunct's own passive undergoes it
                        own_passive = any(c.dep_ == "auxpass" for c in head.children)
                        yield ("passive_subject" if passive and head.dep_ == "xcomp" or own_passive else subject_slot), child, None
                    elif child.dep_ == "nsubjpass" and head.dep_ in ("conj", "xcomp"):
                        # "He was sentenced … and fined $500": the passive holds for an objectless conjunct
                        objects = [c.ent_type_ for c in head.children if c.dep_ in ("dobj", "obj")]  # a sum stays: "fined $500"
                        elided = head.dep_ == "conj" and head.tag_ in ("VBN", "VBD") and set(objects) <= {"MONEY"} and (
                            head.lemma_.lower() not in ACTIVE_AFTER_PASSIVE.union(event_type.intransitive))  # not "… and sued"
                        yield ("passive_subject" if passive or elided else subject_slot), child, None
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
                elif governor.dep_ in ("dobj", "obj", "attr") and clause.i != governor.i:
                    for child in clause.children:
                        if child.dep_ == "nsubj":
                            yield subject_slot, child, None
            elif head.dep_ in ("acl", "relcl"):
                untagged = head.tag_ == "VBD" and headline(head) and not any(c.dep_ in ("dobj", "obj") for c in head.children)  # "14 police killed in ambush"
                passive = ((head.tag_ == "VBN" or untagged) and head.dep_ == "acl" and not any(
                    c.dep_ == "oprd" and c.ent_type_ == "PERSON" for c in head.children)
                           or any(c.dep_ == "auxpass" for c in head.children))  # "The company named Mary Barra as …" is active
                owner = governor
                if head.dep_ == "acl" and owner.lower_ in ("those", "them") and (casualties := among_the(owner)):
                    owner = casualties[0]  # "The man and his son were among those killed"
                elif head.dep_ == "acl" and owner.lemma_.lower() in self.place_nouns and owner.dep_ == "pobj":
                    # "appeared in court charged with murder", the participle hung on the place: the clause's subject
                    clause = owner.head.head
                    owner = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), owner)
                yield ("passive_subject" if passive else subject_slot), owner, None
            elif head.dep_ == "pcomp" and governor.head.i != governor.i and (actor := clause_actor(governor.head)) is not None:
                # "released after being charged with assault": who is charged undergoes it
                yield ("passive_subject" if any(c.dep_ == "auxpass" for c in head.children) else subject_slot), actor, None
        if head.dep_ != "conj" and not any(c.dep_ in ("prep", "npadvmod", "tmod") for c in head.children):
            # "10 were killed and four wounded in the assault … in the early hours of Monday": where and
            # when, said once after the last conjunct, hold for the first too.
            for child in head.children:
                if child.dep_ == "conj" and child.pos_ in VERB_POS:
                    yield from self._setting(child)
        if not has_object and head.dep_ != "conj" and not any(c.dep_ == "nsubjpass" for c in head.children):
            # "killed and wounded dozens": the last conjunct's object is shared; not one a subject of its own
            # acts on ("Carter was shot … and police found his body").
            for child in head.children:
                if child.dep_ == "conj" and child.pos_ in VERB_POS and not any(g.dep_ in ("nsubj", "nsubjpass") for g in child.children):
                    for grandchild in child.children:
                        if grandchild.dep_ in ("dobj", "obj") and not is_sum(grandchild):  # not "… and fined 500 euros"
                            yield "object", grandchild, None
        # "pulled passengers off buses and shot and killed 22 of them": a later conjunct's object comes first.
        later = [c for c in head.children if c.dep_ == "conj" and c.pos_ in VERB_POS and c.i in self.trigger_tokens]
        shared = [g for c in later for g in c.children if g.dep_ in ("dobj", "obj") and not is_sum(g)]
        if not has_object and head.dep_ == "conj" and shared:
            yield from (("object", g, None) for g in shared)
        elif not has_object and not has_subject and head.dep_ == "conj" and governor.pos_ in VERB_POS and not any(
                c.dep_ in ("attr", "oprd", "acomp") for c in head.children):  # "… and became the railway's chairman"
            for child in governor.children:
                if child.dep_ in ("dobj", "obj"):
                    yield "object", child, None
        if head.dep_ in ("acl", "relcl") and governor.i != head.i:
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

    def _noun_slots(self, head: Token, event_type: EventType, lifted: bool = False) -> Iterator[tuple[str, Token, str | None]]:
        for child in ([] if lifted else head.children):
            dep = child.dep_
            if dep == "poss":
                yield "possessor", child, None
            elif dep in ("amod", "compound", "nmod") or dep == "nummod" and child.ent_type_ in TIME_LABELS:
                yield "modifier", child, None  # "the 2016 presidential election": its year is its time
            elif dep == "prep" and not (child.lower_ == "on" and head.head.lemma_.lower() == "blame"):  # "blamed it on X"
                yield from self._prepositional(child)
            elif dep in ("relcl", "acl") and happening(child):
                yield from self._setting(child)  # "the attack that took place on Thursday in Shariff Aguak town"
            elif dep == "relcl" and child.lemma_.lower() in LIGHT_VERBS | UNDERGOING_VERBS | RECEIVING_VERBS and not any(
                    g.dep_ in ("dobj", "obj") and g.tag_ not in ("WDT", "WP") for g in child.children):
                # "every cash payment he received", "the attack they carried out": the relative clause's subject takes part
                verb = child.lemma_.lower()
                slot = "recipient" if verb in RECEIVING_VERBS and "Recipient" in event_type.roles else (
                    "passive_subject" if verb in UNDERGOING_VERBS | RECEIVING_VERBS else "subject")
                yield from ((slot, g, None) for g in child.children if g.dep_ == "nsubj" and g.tag_ not in ("WDT", "WP"))
            elif dep == "acl":
                # "airstrikes led by a Saudi coalition in Hodeida"; not "the transaction, approved by both boards"
                for grandchild in child.children:
                    if grandchild.dep_ == "agent" and (child.lemma_.lower() in LIGHT_VERBS | PERPETRATING_VERBS or (
                            child.lemma_.lower() in DELIVERING_VERBS and head.lemma_.lower() in RULING_NOUNS)):  # "the verdict announced by the court"
                        for filler in grandchild.children:
                            if filler.dep_ == "pobj":
                                yield "agent", filler, None
                                yield from self._nested_places(filler)
                                # "operations carried out by the regime forces against those cities": the parser hangs
                                # what they act on under them
                                yield from (("prep", g, "against") for c in filler.children if c.dep_ == "prep" and c.lower_ == "against"
                                            for g in c.children if g.dep_ == "pobj")
                    elif grandchild.dep_ == "prep" and (grandchild.lower_ in self.locatives or (
                        grandchild.lower_ in ("on", "against") and child.lemma_.lower() in LIGHT_VERBS
                    )):
                        yield from self._prepositional(grandchild)
        if head.dep_ == "compound" and head.head.pos_ == "NOUN" and head.head.i not in self.trigger_tokens:
            # "filed for bankruptcy protection": the phrase's head stands where the event noun would
            phrase = head.head
            if phrase.dep_ in ("dobj", "obj", "pobj") and not any(c.dep_ == "poss" for c in phrase.children):
                yield from self._noun_slots(phrase, event_type, lifted=True)
                return
        governor = head.head
        if governor.i == head.i:
            return
        if head.dep_ == "conj" and governor.pos_ == "NOUN" and governor.i in self.trigger_tokens:
            yield from self._noun_slots(governor, event_type, lifted=True)  # "carried out attacks and ambushes"
            return
        if head.dep_ == "pobj" and governor.lower_ == "of" and governor.head.lower_ in QUANTIFIERS | SERIES_NOUNS:
            # "carried out dozens of attacks", "a wave of airstrikes hit …": the count stands where the event would
            yield from self._noun_slots(governor.head, event_type, lifted=True)
            return
        has_possessor = any(c.dep_ == "poss" for c in head.children)
        yield from winners(head)
        if event_type.name in ("Conflict.Attack", "Life.Die", "Life.Injure") and (actors := held_to_account(head)):
            yield from (("subject", actor, None) for actor in actors)  # "blamed the attack on the Taliban"
            return
        if governor.i in self.trigger_tokens and head.dep_ not in ("nsubj", "nsubjpass"):
            return  # "won the election": the verb is a mention of its own and takes the clause
        if head.dep_ in ("dobj", "obj") and governor.lemma_.lower() in LIGHT_VERBS | UNDERGOING_VERBS | RECEIVING_VERBS:
            verb = governor.lemma_.lower()
            slot = "recipient" if verb in RECEIVING_VERBS and "Recipient" in event_type.roles else (
                "passive_subject" if verb in UNDERGOING_VERBS else "subject")
            subjects = [c for c in governor.children if c.dep_ in ("nsubj", "nsubjpass")]
            # "forces loyal to the former Vice President, Riek Machar launched": a second subject after a comma is in apposition
            subjects = [c for i, c in enumerate(subjects) if not i or c.doc[c.left_edge.i - 1].text != ","]
            accepted = verb in RECEIVING_VERBS and head.lemma_.lower() in ("resignation", "surrender")
            if accepted:
                subjects = []  # "The president accepted the resignation of the minister": who accepts it does not resign
            clause = governor
            while not subjects and not accepted and clause.head.i != clause.i and (
                clause.dep_ == "conj" or clause.dep_ in ("xcomp", "advcl") and infinitive(clause)
            ):
                # "Petters was convicted in 2009 and is serving a 50-year sentence"; "they lobbed …, approached … and opened fire"
                clause = clause.head
                subjects = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
            if not subjects and not accepted and clause.dep_ == "pcomp" and clause.head.head.i != clause.head.i:
                # "sentenced for taking bribes", "accused of taking bribes": the gerund's subject is the clause's;
                # "pleaded guilty to making the payments": through the adjective to its verb
                owner = clause.head.head
                while owner.dep_ in ("oprd", "acomp") and owner.head.i != owner.i and not any(
                        c.dep_ in ("nsubj", "nsubjpass") for c in owner.children):
                    owner = owner.head
                accused = clause_actor(owner) if owner.lemma_.lower() in ACCUSING_VERBS or owner.pos_ != "VERB" else None
                # "accused al-Shabaab of carrying out the attack": the accused, not the accusers
                subjects = [accused] if accused is not None else [c for c in owner.children if c.dep_ in ("nsubj", "nsubjpass")]
            for child in subjects:
                if not has_possessor:
                    yield from self._inside_participant(child)
                    # "Jones was handed a suspended sentence": who is given the event undergoes it.
                    own_passive = child.dep_ == "nsubjpass" and child.head.i == governor.i and slot == "subject"
                    yield ("passive_subject" if own_passive else slot), child, None
            yield from where_and_when(governor)
            for child in governor.children:
                if child.dep_ == "prep":
                    yield from self._prepositional(child)
                elif child.dep_ in ("npadvmod", "tmod"):
                    yield "time", child, None
                elif child.dep_ in ("dative", "iobj") and not any(c.dep_ == "pobj" for c in child.children):
                    # "the court handed him a life sentence": who is given the event undergoes it
                    yield ("dative" if "dative" in event_type.slots else "passive_subject"), child, None
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
                elif child.dep_ == "prep" and child.i != governor.i:
                    yield from self._prepositional(child)
        elif head.dep_ == "pobj" and governor.lower_ == "for" and governor.head.lemma_.lower() in ("responsibility", "credit") and (
                governor.head.head.lemma_.lower() in CLAIMING_VERBS):
            # "The Pakistani Taliban claimed responsibility for the attack": a group that claims it did it;
            # not its spokesman, and not "No group claimed responsibility".
            claim = governor.head.head
            denied = any(c.dep_ == "neg" or c.lower_ == "yet" for c in [*claim.children, *claim.head.children])
            yield from (("subject", c, None) for c in ([] if denied else claim.children) if c.dep_ == "nsubj" and (
                c.pos_ == "PROPN" or c.lemma_.lower() in GROUP_NOUNS) and not any(
                d.lower_ == "no" or d.lemma_.lower() in SPOKESPEOPLE for d in c.subtree))
        elif head.dep_ == "pobj" and governor.lower_ in ("at", "during") and governor.head.pos_ in VERB_POS:
            # "arrested at the protest on Sunday": when and where the clause happens, the event it happens at does
            yield from self._setting(governor.head)
            if governor.head.lemma_.lower() in ("plead", "appear"):
                # "He pleaded not guilty at a hearing": who pleads is tried
                yield from (("passive_subject", c, None) for c in governor.head.children if c.dep_ in ("nsubj", "nsubjpass"))
        elif head.dep_ == "pobj" and governor.lower_ == "in" and "Money" in event_type.roles and (sums := paid_sums(governor)):
            # "must pay $3,000 in fines", "ordered him to pay $4.1 million in restitution": the sum is the
            # fine's, and whoever pays it is fined (the Giver of a payment noun)
            yield from (("object", c, None) for c in sums)
            yield from ((("passive_subject" if "Adjudicator" in event_type.roles else "subject"), c, None) for c in payer(sums[0].head))
        elif head.dep_ == "pobj" and governor.lower_ == "in" and governor.head.pos_ in VERB_POS and (
                self.trigger_tokens.get(governor.head.i, "").startswith(("Life.", "Conflict."))):
            yield from self._occasion(governor.head, head)
        elif head.dep_ == "pobj" and governor.lower_ == "with" and governor.head.pos_ in VERB_POS:
            # "Ten children were hospitalized with injuries", "died of wounds": who suffered it.
            for child in governor.head.children:
                if child.dep_ in ("nsubj", "nsubjpass") and not has_possessor:
                    yield "passive_subject", child, None
        elif head.dep_ == "pobj" and governor.lower_ == "for" and governor.head.lemma_.lower() in SCHEDULING_VERBS:
            # "The minister is scheduled for a visit to Beijing", "He is due for trial": who it is set for undergoes it
            clause = governor.head.head if governor.head.dep_ == "acomp" else governor.head
            yield from (("passive_subject", c, None) for c in clause.children if c.dep_ in ("nsubj", "nsubjpass") and not (
                c.ent_type_ in ("GPE", "LOC", "FAC") or c.lemma_.lower() in self.place_nouns))  # not "The country is set for an election"
        elif head.dep_ == "pobj" and governor.dep_ == "prep" and governor.head.lemma_.lower() in LIGHT_VERBS | UNDERGOING_VERBS and not any(
            c.dep_ in ("dobj", "obj") for c in governor.head.children  # "took part in the election" names no participant
        ) and governor.lower_ in ("for", "on", "into", "in", "under", "to") and not (
            governor.lower_ == "to" and governor.head.lemma_.lower() == "lead"  # "a revolt led to the ouster": a cause
            or governor.lower_ == "for" and governor.head.lemma_.lower() == "call"  # "called for his resignation": who asks
        ):
            # "filed for bankruptcy", "went on trial"; "she was taken into custody" undergoes it
            yield from self._setting(governor.head)
            for child in governor.head.children:
                if child.dep_ == "nsubj":
                    yield "subject", child, None
                elif child.dep_ == "nsubjpass":
                    yield "passive_subject", child, None
                elif child.dep_ == "agent":
                    yield from (("agent", g, None) for g in child.children if g.dep_ == "pobj")
        elif head.dep_ in ("nsubj", "nsubjpass"):
            # A nominal trigger as a clause's subject often names where and when in that clause, and between
            # whom: "Fighting has escalated between the Houthis and Hadi's forces".
            yield from self._setting(governor)
            yield from (slot for c in governor.children if c.dep_ == "prep" and c.lower_ == "between" for slot in self._prepositional(c)
                        if slot[1].ent_type_ not in ("GPE", "LOC", "FAC") and slot[1].lemma_.lower() not in self.place_nouns)
            if governor.lemma_.lower() in SCHEDULING_VERBS:
                # "His trial is set for October 2021": the date it is set for is when it happens
                for child in governor.children:
                    if child.dep_ == "prep" and child.lower_ == "for":
                        yield from (("time", g, None) for g in child.children if g.dep_ == "pobj" and g.ent_type_ in TIME_LABELS)
            for child in governor.children:
                if child.dep_ in ("dobj", "obj") and governor.i in self.trigger_tokens:
                    yield from self._nested_places(child)  # "The attack killed five people in Kabul"
