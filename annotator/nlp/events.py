"""Rule-based event pre-extraction on a parsed spaCy Doc.

Triggers come from the schema's lexicon (lemmas, part-of-speech-restricted lemmas
such as `target:VERB`, and multiword triggers such as `air strike`), matched with
spaCy's `Matcher`. Arguments come from the dependency parse: subject, object,
passive subject and `by`-agent, possessor and modifier of a nominal trigger,
prepositional objects, with conjuncts expanded. Each filler becomes an argument
linked to an entity whose label the schema allows for the role, or a bare span
when the role admits one and no entity fits. Negated and hypothetical events are
kept and marked (ACE-style `polarity` and `modality` attributes), never dropped.

Scores are rule confidences, not probabilities: a trigger scores by its kind
(verb or noun, single or multiword); an argument by the strength of its cue
(core syntactic slot > preposition > bare span).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.schema import EventType, Schema

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span, Token
    from spacy.vocab import Vocab

_VERB_POS = {"VERB", "AUX"}
_NOUN_POS = {"NOUN", "PROPN"}
_TIME_LABELS = {"DATE", "TIME"}
# Dependents that stay inside a noun phrase when looking for the entity it names.
_PHRASE_DEPS = {"amod", "compound", "nmod", "poss", "appos", "det", "nummod", "quantmod", "conj", "cc", "case"}
_PRONOUNS = {"PRON"}


@dataclass(frozen=True)
class FoundArgument:
    """An argument found in one Doc: a role and either an entity's index in doc.ents or a token span."""

    role: str
    entity_index: int | None
    start_char: int
    end_char: int
    score: float


@dataclass(frozen=True)
class FoundEvent:
    """An event found in one Doc, with Doc-relative character offsets."""

    type: str
    start_char: int
    end_char: int
    score: float
    arguments: tuple[FoundArgument, ...]
    attributes: dict[str, Any]


class EventRules:
    """Finds schema events in parsed Docs."""

    def __init__(self, vocab: Vocab, schema: Schema):
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        self.schema = schema
        # Two phrase matchers (hash lookups, far cheaper than token patterns): one on
        # lemmas ("strikes" -> "air strike"), one on the lower-cased words ("born").
        self.by_lemma = PhraseMatcher(vocab, attr="LEMMA")
        self.by_lower = PhraseMatcher(vocab, attr="LOWER")
        self._types: dict[int, tuple[EventType, bool, frozenset[str] | None]] = {}
        for event_type in schema.events.values():
            for trigger in event_type.triggers:
                words, _, pos = trigger.partition(":")
                parts = words.lower().split()
                key = f"{event_type.name}|{trigger}"
                allowed_pos = frozenset(_VERB_POS if pos == "VERB" else _NOUN_POS) if pos else None
                self.by_lemma.add(key, [Doc(vocab, words=parts, lemmas=parts)])
                self.by_lower.add(key, [Doc(vocab, words=parts)])
                self._types[vocab.strings[key]] = (event_type, len(parts) > 1, allowed_pos)
        self.negation_cues = {cue for cue in schema.negation_cues if " " not in cue}
        self.modality_cues = set(schema.modality_cues)

    def __call__(self, doc: Doc) -> list[FoundEvent]:
        """Events in a parsed Doc whose `ents` are set."""
        from spacy.util import filter_spans

        entity_of_token = {}
        for index, entity in enumerate(doc.ents):
            for token in entity:
                entity_of_token[token.i] = index
        spans = []
        seen = set()
        for match_id, start, end in [*self.by_lemma(doc), *self.by_lower(doc)]:
            if (match_id, start, end) in seen:
                continue
            seen.add((match_id, start, end))
            _event_type, _multiword, allowed_pos = self._types[match_id]
            span = doc[start:end]
            if allowed_pos is not None and span.root.pos_ not in allowed_pos:
                continue
            if any(token.i in entity_of_token for token in span):
                continue  # a word inside a name ("War" in a title) is not a trigger
            span.label = match_id
            spans.append(span)
        events = []
        for span in filter_spans(spans):
            event_type, multiword, _allowed_pos = self._types[span.label]
            events.append(self._event(doc, span, event_type, multiword, entity_of_token))
        return events

    # ------------------------------------------------------------------ arguments

    def _event(self, doc, span: Span, event_type: EventType, multiword: bool, entity_of_token) -> FoundEvent:
        head = span.root
        trigger_tokens = {t.i for t in span}
        arguments: list[FoundArgument] = []
        taken: set[tuple[str, int | None, int, int]] = set()
        used_entities: set[int] = set()
        for slot, filler, preposition in self._slots(head, event_type):
            for token in [filler, *filler.conjuncts]:
                if token.i in trigger_tokens:
                    continue
                found = self._argument(doc, token, slot, preposition, event_type, entity_of_token)
                if found is None:
                    continue
                key = (found.role, found.entity_index, found.start_char, found.end_char)
                if key in taken or (found.entity_index is not None and found.entity_index in used_entities):
                    continue
                taken.add(key)
                if found.entity_index is not None:
                    used_entities.add(found.entity_index)
                arguments.append(found)
        verbal = self._clausal(head)
        score = 0.75 if verbal else (0.7 if multiword else 0.55)
        attributes = self._attributes(head)
        return FoundEvent(event_type.name, span.start_char, span.end_char, score, tuple(arguments), attributes)

    @staticmethod
    def _clausal(head: Token) -> bool:
        """True for a verb, or a gerund the parser tagged as a noun but gave a clause's dependents."""
        return head.pos_ in _VERB_POS or head.dep_ == "xcomp" or any(
            c.dep_ in ("dobj", "nsubj", "nsubjpass", "aux") for c in head.children
        )

    def _slots(self, head: Token, event_type: EventType) -> Iterable[tuple[str, Token, str | None]]:
        has_object = any(c.dep_ in ("dobj", "obj") for c in head.children)
        subject_slot = (
            "intransitive_subject"
            if not has_object and head.lemma_.lower() in event_type.intransitive
            else "subject"
        )
        if self._clausal(head):
            has_subject = False
            for child in head.children:
                dep = child.dep_
                if dep in ("nsubj", "csubj"):
                    has_subject = True
                    yield subject_slot, child, None
                elif dep == "nsubjpass":
                    has_subject = True
                    yield "passive_subject", child, None
                elif dep in ("dobj", "obj"):
                    yield "object", child, None
                elif dep == "agent":
                    for grandchild in child.children:
                        if grandchild.dep_ == "pobj":
                            yield "agent", grandchild, None
                            yield from self._nested_places(grandchild)
                elif dep == "prep":
                    yield from self._prepositional(child)
                elif dep in ("npadvmod", "tmod"):
                    yield "time", child, None
            if not has_subject:
                governor = head.head
                if head.dep_ in ("xcomp", "conj") and governor is not head:
                    for child in governor.children:
                        if child.dep_ == "nsubj":
                            yield subject_slot, child, None
                        elif child.dep_ == "nsubjpass" and head.dep_ == "conj":
                            yield "passive_subject", child, None
                elif head.dep_ in ("acl", "relcl") and governor is not head:
                    yield ("passive_subject" if head.tag_ == "VBN" and head.dep_ == "acl" else subject_slot), governor, None
            if head.dep_ in ("acl", "relcl") and head.head is not head:
                # "the assault on the towns of Talbisa ... killed 36": where and when sit on the noun.
                for child in head.head.children:
                    if child.dep_ == "prep":
                        for slot, filler, preposition in self._prepositional(child):
                            if preposition in self.schema.locative_prepositions:
                                yield slot, filler, preposition
        else:
            for child in head.children:
                dep = child.dep_
                if dep == "poss":
                    yield "possessor", child, None
                elif dep in ("amod", "compound", "nmod"):
                    yield "modifier", child, None
                elif dep == "prep":
                    yield from self._prepositional(child)
            # A nominal trigger as the subject of a clause often names where and when in that clause.
            if head.dep_ in ("nsubj", "nsubjpass") and head.head is not head:
                for child in head.head.children:
                    if child.dep_ == "prep":
                        for slot, filler, preposition in self._prepositional(child):
                            if preposition in self.schema.locative_prepositions or preposition in ("on", "during"):
                                yield slot, filler, preposition

    def _nested_places(self, token: Token, depth: int = 0) -> Iterable[tuple[str, Token, str | None]]:
        """Locative phrases nested under a noun: "on the sidelines of the Assembly in New York"."""
        for nested in token.children:
            if nested.dep_ == "prep" and nested.lower_ in self.schema.locative_prepositions | {"of"}:
                for slot, filler, nested_word in self._prepositional(nested, depth + 1):
                    if nested_word in self.schema.locative_prepositions:
                        yield slot, filler, nested_word

    def _prepositional(self, preposition: Token, depth: int = 0) -> Iterable[tuple[str, Token, str | None]]:
        word = preposition.lower_
        for child in preposition.children:
            if child.dep_ == "pobj":
                yield "prep", child, word
                if depth < 3:
                    yield from self._nested_places(child, depth)
            elif child.dep_ == "prep":  # "out of", "because of"
                for grandchild in child.children:
                    if grandchild.dep_ == "pobj":
                        yield "prep", grandchild, child.lower_

    def _argument(self, doc, token: Token, slot: str, preposition: str | None, event_type: EventType,
                  entity_of_token) -> FoundArgument | None:
        if token.pos_ in _PRONOUNS or token.is_punct:
            return None
        entity_index = self._entity_for(doc, token, entity_of_token)
        entity = doc.ents[entity_index] if entity_index is not None else None
        if entity is not None and entity.label_ in _TIME_LABELS:
            if "Time" in event_type.roles and (slot in ("time", "prep")):
                return FoundArgument("Time", entity_index, entity.start_char, entity.end_char, 0.7)
            return None
        if slot == "time":
            return None
        role, score = self._role(slot, preposition, event_type, token)
        if role is None:
            return None
        if entity is not None and self.schema.allows_label(role, entity.label_):
            return FoundArgument(role, entity_index, entity.start_char, entity.end_char, score)
        if role not in self.schema.bare_span_roles:
            return None
        if entity is not None and (entity.root.pos_ == "PROPN" or role in ("Place", "Origin", "Destination")):
            # A name whose label the role does not allow (a town tagged ORG as a Place):
            # propose its words as a bare span, not a link to the mislabelled entity.
            return FoundArgument(role, None, entity.start_char, entity.end_char, round(score * 0.6, 2))
        if token.pos_ not in _NOUN_POS and token.pos_ != "NUM":
            return None
        start, end = self._phrase(token)
        return FoundArgument(role, None, doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), round(score * 0.5, 2))

    def _role(self, slot: str, preposition: str | None, event_type: EventType, token: Token) -> tuple[str | None, float]:
        slots = event_type.slots
        if slot == "prep":
            role = slots.get("prep", {}).get(preposition)
            if role is not None:
                return role, 0.6
            if preposition in self.schema.locative_prepositions and "Place" in event_type.roles:
                return "Place", 0.6
            return None, 0.0
        role = slots.get(slot)
        if role is None and slot == "intransitive_subject":
            role = slots.get("subject")
        return role, (0.8 if slot in ("subject", "object", "passive_subject", "agent", "intransitive_subject") else 0.6)

    @staticmethod
    def _entity_for(doc, token: Token, entity_of_token) -> int | None:
        if token.i in entity_of_token:
            return entity_of_token[token.i]
        # An entity inside the filler's noun phrase ("Russian jets", "the ISIS militant group").
        # Also through "of" ("the towns of Talbisa", "the suburbs of Homs").
        def inside(node: Token):
            for child in node.children:
                if child.dep_ in _PHRASE_DEPS and child.dep_ not in ("conj", "cc"):
                    yield child
                elif child.dep_ == "prep" and child.lower_ == "of":
                    yield from (c for c in child.children if c.dep_ == "pobj")

        stack = list(inside(token))
        best = None
        while stack:
            child = stack.pop()
            if child.i in entity_of_token:
                index = entity_of_token[child.i]
                if best is None or abs(child.i - token.i) < best[0]:
                    best = (abs(child.i - token.i), index)
                continue
            stack.extend(inside(child))
        return best[1] if best else None

    @staticmethod
    def _phrase(token: Token) -> tuple[int, int]:
        """Token range of the noun phrase headed by `token`, without clauses or prepositional tails."""
        left = token.i
        right = token.i
        for child in token.lefts:
            if child.dep_ in _PHRASE_DEPS - {"conj", "cc"} or child.dep_ in ("advmod",):
                left = min(left, child.left_edge.i)
        for child in token.rights:
            if child.dep_ in ("compound", "nummod", "amod") :
                right = max(right, child.right_edge.i)
        return left, right + 1

    # ------------------------------------------------------------------ attributes

    def _attributes(self, head: Token) -> dict[str, Any]:
        attributes: dict[str, Any] = {"polarity": "positive", "modality": "asserted"}
        chain = [head]
        node = head
        while node.head is not node and node.dep_ != "conj" and len(chain) < 6:
            node = node.head
            chain.append(node)
        for position, token in enumerate(chain):
            for child in token.children:
                if child.dep_ == "neg" and (position == 0 or (position == 1 and head.dep_ == "xcomp")):
                    attributes.update(polarity="negative", polarity_cue=child.text)
                elif child.dep_ == "mark" and child.lower_ in self.modality_cues:
                    attributes.update(modality="other", modality_cue=child.text)
                elif child.dep_ in ("aux", "auxpass") and child.lower_ in self.modality_cues and position <= 1:
                    attributes.update(modality="other", modality_cue=child.text)
            if position > 0 and token.lemma_.lower() in self.negation_cues:
                attributes.update(polarity="negative", polarity_cue=token.text)
            if position > 0 and (token.lemma_.lower() in self.modality_cues or token.lower_ in self.modality_cues):
                attributes.update(modality="other", modality_cue=token.text)
        return attributes
