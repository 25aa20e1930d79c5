"""Who a clause holds to account for an event it names: "blamed the bombing on the Taliban", "the group
behind the attack", "He was blamed for the attack"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.nlp.phrases import ACCUSING_VERBS, AGENT_NOUNS, GROUP_NOUNS, ORGANISATION_NOUNS, PERSONAL_PRONOUNS

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Token


def held_to_account(event: Token) -> list[Token]:
    """Who a clause says did a nominal event: "blamed the attack on the Taliban", "blamed the Taliban for
    the attack", "He was blamed for the attack", "accused the rebels of the massacre", "the Taliban were
    behind the bombing", "the group responsible for the attack". Only people, groups and the places and
    names that stand for them ("The story behind the arrest", "blamed the deaths on faulty equipment" name
    no one); nothing where the clause denies it ("did not blame …") or only backs the event ("firmly behind")."""
    governor, owner = event.head, event.head.head
    found: list[Token] = []
    vetted = True  # who is accused or convicted of it is a person ("accused the general of the killing"); what is blamed may be a thing
    if event.dep_ in ("dobj", "obj", "nsubjpass") and governor.lemma_.lower() == "blame":  # "… was blamed on X" too
        owner = governor
        found = [g for c in (*event.children, *governor.children) if c.dep_ == "prep" and c.lower_ == "on"
                 for g in c.children if g.dep_ == "pobj"]
    elif event.dep_ == "pobj" and governor.lower_ in ("for", "of") and owner.lemma_.lower() in ACCUSING_VERBS:
        # "blamed the rebels for the attack"; "He was blamed for the attack"
        found = [c for c in owner.children if c.dep_ in ("dobj", "obj")] or [c for c in owner.children if c.dep_ == "nsubjpass"]
        vetted = owner.lemma_.lower() == "blame"
    elif event.dep_ == "pobj" and governor.lower_ in ("for", "of") and owner.dep_ in ("dobj", "obj") and (
            owner.head.lemma_.lower() in ACCUSING_VERBS):
        found, owner = [owner], owner.head  # "accused the rebels of the massacre", the preposition hung on them
        vetted = owner.lemma_.lower() == "blame"
    elif event.dep_ == "pobj" and (governor.lower_ == "behind" or governor.lower_ == "for" and owner.lemma_.lower() == "responsible"):
        if owner.dep_ == "acomp" or governor.lower_ == "for" and owner.dep_ == "amod":
            owner = owner.head
        if owner.lemma_ == "be" and not any(c.lower_ in BACKING_ADVERBS for c in governor.children):
            found = [c for c in owner.children if c.dep_ in ("nsubj", "nsubjpass")]  # "the Taliban were behind the bombing"
        elif owner.pos_ in ("NOUN", "PROPN"):
            found = [owner]  # "the group behind the attack", "militants responsible for the attack"
    if any(c.dep_ == "neg" for c in owner.children):
        return []
    return [t for t in found if t.tag_ not in ("WP", "WDT") and (not vetted or accountable(t))]

BACKING_ADVERBS = frozenset({"firmly", "squarely", "fully", "solidly", "united", "strongly", "right"})


def accountable(token: Token) -> bool:
    """True for who can be held to account: a person, group or state, a pronoun, or a noun for people who act."""
    return token.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or token.lower_ in PERSONAL_PRONOUNS or (
        token.lemma_.lower() in AGENT_NOUNS | GROUP_NOUNS | ORGANISATION_NOUNS | PEOPLE_NOUNS)


# People a clause can name as doing something: "blamed security forces", "suspect the husband".
PEOPLE_NOUNS = frozenset({
    "force", "authority", "man", "woman", "husband", "wife", "boyfriend", "girlfriend", "son", "daughter", "father",
    "mother", "brother", "suspect", "officer", "guard", "driver", "teenager", "youth", "student", "neighbour",
    "neighbor", "attacker", "assailant", "killer", "people", "leader", "commander", "official",
    "general", "colonel", "president", "dictator", "agitator", "trafficker", "smuggler", "dealer", "robber", "thief",
    "criminal", "warlord", "nurse", "doctor", "pilot", "captain", "player", "fan", "supporter", "worker", "employee",
})
