"""Where and when: the place and time slots a trigger's clause or its participants offer.

`PlaceSlots` is the part of `slots.SlotReader` that reads prepositional phrases, the places and
times nested under a participant ("territories held by rebels in Hama on Wednesday"), the setting
of a clause an event noun is attached to, and the occasion an event noun after "in" names.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from annotator.nlp.phrases import DECIDERS, SITUATING_PREPOSITIONS, TIME_LABELS

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Token


class PlaceSlots:
    """Reads prepositional, place and time slots: (slot name, filler token, preposition or None)."""

    def __init__(self, locatives: frozenset[str], trigger_lemmas: frozenset[str], place_nouns: frozenset[str] = frozenset()):
        self.locatives = locatives
        self.trigger_lemmas = trigger_lemmas
        self.place_nouns = place_nouns
        self.trigger_tokens: dict[int, str] = {}  # every trigger word of the sentence → its event type

    def _occasion(self, verb: Token, noun: Token) -> Iterator[tuple[str, Token, str | None]]:
        """An event noun after "in" names the occasion of a harm ("killed 17 soldiers in an attack", not "convicted in a shooting"):
        it happens where and when the clause does, and an "on"/"against" phrase the parser hung on the verb
        after the noun is the noun's ("in an attack overnight on an army camp")."""
        for child in verb.children:
            if child.dep_ == "prep" and child.i > noun.i and child.lower_ in ("on", "against"):
                yield from self._prepositional(child)
            elif child.dep_ == "prep" and child.i != noun.head.i:
                for _slot, filler, preposition in self._prepositional(child):
                    if preposition in self.locatives or preposition == "during":
                        yield "nested", filler, preposition
            elif child.dep_ in ("npadvmod", "tmod") or child.dep_ == "advmod" and child.ent_type_ in TIME_LABELS:
                yield "time", child, None

    def _setting(self, verb: Token) -> Iterator[tuple[str, Token, str | None]]:
        """Where and when a clause says its verb happens: its locative, "on" and "during" phrases and its bare times."""
        for child in verb.children:
            if child.dep_ == "prep":
                for _slot, filler, preposition in self._prepositional(child):
                    if preposition in self.locatives or preposition in ("on", "during"):
                        yield "nested", filler, preposition
            elif child.dep_ in ("npadvmod", "tmod"):
                yield "time", child, None

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
            if child.dep_ == "pobj" and word == "in" and child.lower_ == "front" and not any(c.dep_ == "det" for c in child.children):
                yield from (("prep", g, "near") for c in child.children if c.dep_ == "prep" and c.lower_ == "of"
                            for g in c.children if g.dep_ == "pobj" and (
                                g.lemma_.lower() in self.place_nouns or g.ent_type_ in ("GPE", "LOC", "FAC")))
                yield from self._nested_places(child, depth)  # "in front of the embassy" is near it; "of supporters in X"
            elif child.dep_ == "pobj":
                yield "prep", child, word
                if word in ("for", "of"):  # "fined 3 million yuan for bribery by a court in Shanghai": the court decides
                    yield from (("agent", g, None) for c in child.children if c.dep_ == "prep" and c.lower_ == "by"
                                for g in c.children if g.dep_ == "pobj" and g.lemma_.lower() in DECIDERS)
                if word == "by":  # "airstrikes by the coalition against Houthi positions": the parser hangs the target on the agent
                    yield from (("prep", g, "against") for c in child.children if c.dep_ == "prep" and c.lower_ == "against"
                                for g in c.children if g.dep_ == "pobj")
                if depth < 3 and child.i not in self.trigger_tokens:
                    # "appeared in court following the deaths of two people at a property": an event of its own
                    # places its own event; "a meeting of militiamen and elders in Ghalanai": the last conjunct's too
                    for conjunct in self._conjuncts(child):
                        yield from self._nested_places(conjunct, depth)
            elif child.dep_ == "pcomp" and child.tag_ == "VBG":  # "for taking bribes"
                yield "prep", child, word
            elif child.dep_ == "prep" and word not in ("according", "thanks", "owing", "pursuant", "contrary"):
                # "out of", "because of"; "according to the army" names a source, no participant
                for grandchild in child.children:
                    if grandchild.dep_ == "pobj":
                        yield "prep", grandchild, child.lower_

    @staticmethod
    def _conjuncts(token: Token) -> Iterable[Token]:
        return [token, *token.conjuncts]
