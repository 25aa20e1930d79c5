"""Trigger words found by the schema's lexicon and kept only where their use fits the event.

The lexicon is matched on lemmas ("strikes" → `air strike`, "sworn in" → `swear in`) and on
lower-cased words ("born", "found"), with spaCy's `PhraseMatcher` (hash lookups, far cheaper
than token patterns). A match then has to pass its trigger's condition from the schema: part of
speech, not a modifier of a noun ("travel agency", "election commission"), no verb particle it
does not allow ("shares shot up"), an object of the right kind ("found" a company, not a body),
no dependent or preposition that rules it out ("trying to form", "pay … for"). A word inside a
named entity is never a trigger ("War" in a title).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.schema import EventType, Schema, TriggerCondition

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span, Token
    from spacy.vocab import Vocab

VERB_POS = frozenset({"VERB", "AUX"})
NOUN_POS = frozenset({"NOUN", "PROPN"})
# A trigger that modifies a noun is a property of that noun ("travel agency", "merger company").
MODIFIER_DEPS = frozenset({"compound", "amod", "nmod"})
MODIFYING_DEPS = frozenset({"compound", "amod", "nmod", "neg", "npadvmod", "advmod"})
OBJECT_DEPS = frozenset({"dobj", "obj", "attr", "oprd"})
SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
PASSIVE_SUBJECT_DEPS = frozenset({"nsubjpass"})
CRIME_WORDS = frozenset({
    "murder", "manslaughter", "homicide", "assault", "fraud", "theft", "robbery", "burglary", "rape", "kidnap",
    "kidnapping", "corruption", "bribery", "terrorism", "arson", "conspiracy", "embezzlement", "extortion", "treason",
    "sedition", "trafficking", "laundering", "offence", "offense", "crime", "count", "charge", "attempt",
})
PERSON_PRONOUNS = frozenset({"he", "him", "she", "her", "they", "them"})
QUANTIFIERS = frozenset({"dozens", "hundreds", "thousands", "scores", "millions", "some", "many", "most", "all", "several", "none", "total"})


@dataclass(frozen=True)
class Trigger:
    """A matched trigger: its tokens, the event type, the lexicon entry and its condition."""

    span: Span
    event_type: EventType
    entry: str
    condition: TriggerCondition
    multiword: bool


def object_of(head: Token) -> Token | None:
    """The direct object, predicate nominal or passive subject of a verb, or the noun it modifies (participles)."""
    for child in head.children:
        if child.dep_ in OBJECT_DEPS or child.dep_ in PASSIVE_SUBJECT_DEPS:
            return child
    if head.dep_ == "acl" and head.tag_ == "VBN":  # "the company founded in 1990"
        return head.head
    if head.dep_ in ("xcomp", "conj", "relcl") and head.tag_ == "VBN":
        own_passive = head.dep_ in ("conj", "xcomp") and any(c.dep_ == "auxpass" for c in head.children)  # "… and been held on bail", "had to be moved"
        for child in head.head.children:
            if child.dep_ in PASSIVE_SUBJECT_DEPS or own_passive and child.dep_ == "nsubj":
                return child
    return None


def partitive_head(token: Token) -> Token:
    """The noun a number or quantifier picks from: "Two of their fighters" → fighters."""
    if token.pos_ in ("NUM", "PRON", "DET", "ADJ") or token.lower_ in QUANTIFIERS:
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                for noun in child.children:
                    if noun.dep_ == "pobj":
                        return noun
    return token


def subject_of(head: Token) -> Token | None:
    """The subject, or the noun of the `by`-agent, of a verb."""
    for child in head.children:
        if child.dep_ in SUBJECT_DEPS:
            return child
        if child.dep_ == "agent":
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    return None


def prepositions_of(head: Token) -> set[str]:
    """The prepositions that head a dependent of the trigger."""
    return {child.lower_ for child in head.children if child.dep_ in ("prep", "dative", "agent")}


class TriggerFinder:
    """Finds the schema's triggers in a parsed Doc and checks each against its condition."""

    def __init__(self, vocab: Vocab, schema: Schema):
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        self.schema = schema
        self.by_lemma = PhraseMatcher(vocab, attr="LEMMA")
        self.by_lower = PhraseMatcher(vocab, attr="LOWER")
        self._entries: dict[int, tuple[EventType, str, TriggerCondition, bool]] = {}
        for event_type in schema.events.values():
            for entry in event_type.triggers:
                words, _, pos = entry.partition(":")
                parts = words.lower().split()
                condition = event_type.conditions.get(entry, schema.trigger_conditions)
                if pos:
                    wanted = VERB_POS if pos == "VERB" else NOUN_POS if pos == "NOUN" else frozenset({pos})
                    condition = _with_pos(condition, wanted)
                key = f"{event_type.name}|{entry}"
                self.by_lemma.add(key, [Doc(vocab, words=parts, lemmas=parts)])
                self.by_lower.add(key, [Doc(vocab, words=parts)])
                self._entries[vocab.strings[key]] = (event_type, entry, condition, len(parts) > 1)

    def __call__(self, doc: Doc, entity_of_token: dict[int, int]) -> list[Trigger]:
        """The triggers of a Doc that pass their conditions, longest first where they overlap."""
        from spacy.util import filter_spans

        found: dict[tuple[int, int, int], Trigger] = {}
        anaphoric: dict[tuple[int, int, int], Trigger] = {}
        for match_id, start, end in [*self.by_lemma(doc), *self.by_lower(doc)]:
            if (match_id, start, end) in found:
                continue
            event_type, entry, condition, multiword = self._entries[match_id]
            span = doc[start:end]
            if any(token.i in entity_of_token for token in span):
                continue  # a word inside a name ("War" in a title) is not a trigger
            if not self.fits(span, condition, entity_of_token, doc):
                if condition.or_type_in_document and self.fits(span, _loose(condition), entity_of_token, doc):
                    anaphoric[match_id, start, end] = Trigger(span, event_type, entry, condition, multiword)
                continue
            found[match_id, start, end] = Trigger(span, event_type, entry, condition, multiword)
        # "Cisco agreed to buy Acacia … the deal closes this quarter": a word that names an event
        # of a type the document already reports is a mention of it.
        reported = {trigger.event_type.name for trigger in found.values()}
        found.update((key, trigger) for key, trigger in anaphoric.items() if trigger.event_type.name in reported)
        # Where two entries match the same words, the one with the stricter condition wins
        # ("fired the coach": End-Position needs a person object, Attack does not).
        ordered = sorted(found.values(), key=lambda t: (-_specificity(t.condition), t.span.start))
        spans = []
        by_span: dict[tuple[int, int], Trigger] = {}
        for trigger in ordered:
            key = (trigger.span.start, trigger.span.end)
            if key not in by_span:
                by_span[key] = trigger
                spans.append(trigger.span)
        kept = [by_span[(s.start, s.end)] for s in sorted(filter_spans(spans), key=lambda s: s.start)]
        verbs = {(t.span.root.i, t.event_type.name) for t in kept if t.span.root.pos_ in VERB_POS}
        # "filed for bankruptcy protection": the noun inside the phrase its own verb trigger governs names
        # that verb's event, not a second one
        return [t for t in kept if not (t.span.root.dep_ == "compound" and t.span.root.head.dep_ == "pobj" and (
            t.span.root.head.head.head.i, t.event_type.name) in verbs)]

    def fits(self, span: Span, condition: TriggerCondition, entity_of_token: dict[int, int], doc: Doc) -> bool:
        """True when the matched words are used the way the condition asks."""
        head = span.root
        if condition.pos and head.pos_ not in condition.pos:
            return False
        if not condition.as_modifier and head.dep_ in MODIFIER_DEPS and head.head.pos_ in NOUN_POS and head.head.i not in {
                t.i for t in span} and not (head.dep_ == "amod" and head.i > head.head.i):  # "left nine militants dead"
            return False
        span_words = {t.i for t in span}
        for child in head.children:
            if child.dep_ == "prt" and child.i not in span_words and child.lower_ not in condition.particles:
                return False
            if child.dep_ in condition.forbid_children:
                return False
        if condition.forbid_owner_labels and any(
                child.dep_ in ("poss", "compound") and child.ent_type_ in condition.forbid_owner_labels for child in head.children):
            return False
        if condition.require_particles and not any(
                child.dep_ == "prt" and child.lower_ in condition.require_particles for child in head.children):
            return False
        modifiers = {word for child in _modifiers(head) if child.i not in span_words for word in (child.lower_, child.lemma_.lower())}
        nested = {g.lemma_.lower() for c in head.children if c.dep_ == "compound" for g in c.children if g.dep_ in ("compound", "amod")}
        if (modifiers | nested) & set(condition.forbid_modifiers):
            return False  # "a fuel tank fire": what the modifier is modified by counts too
        if condition.require_modifiers and not modifiers & set(condition.require_modifiers) and not (
                {t.lower_ for t in head.subtree if t.dep_ == "prep"} & set(condition.modifier_or_preps)
                or head.head.i != head.i and head.head.lemma_.lower() in condition.modifier_or_governors):
            return False
        governed = head
        while governed.dep_ == "conj" and governed.head.i != governed.i:
            governed = governed.head  # "charged with kidnap and murder": murder is governed as kidnap is
        if condition.forbid_governors and governed.head.i != governed.i and governed.head.lower_ in condition.forbid_governors:
            return False
        if condition.crime_governors and governed.dep_ == "pobj" and governed.head.head.lemma_.lower() in condition.crime_governors and not any(
                child.dep_ in ("det", "poss", "nummod") for child in head.children):
            return False  # "charged with assault", "charges of sexual assault": a crime named, no event
        if condition.require_governors and (head.head.i == head.i or head.head.lemma_.lower() not in condition.require_governors):
            return False
        prepositions = prepositions_of(head)
        purpose = any(c.dep_ in ("xcomp", "advcl") and any(a.lower_ == "to" for a in c.children if a.dep_ == "aux") for c in head.children)
        dated = set() if purpose else {child.lower_ for child in head.children if child.dep_ == "prep" and (objects := [
            g for g in child.children if g.dep_ == "pobj"]) and all(g.ent_type_ in ("DATE", "TIME") for g in objects)}
        # "fought for days over the hill" is a battle, "battled for hours to contain the blaze" is not
        if (prepositions - dated) & set(condition.forbid_preps):
            return False  # "a visit from April 23 to 24" is no visit from someone: a date names no participant
        if condition.require_preps and not prepositions & set(condition.require_preps):
            return False
        if condition.acl_require_preps and head.dep_ == "acl" and not prepositions & set(condition.acl_require_preps):
            return False  # "a man named John Smith" names nobody to a post
        if condition.prep_object_nouns and not {
            # "before Judge Tony Greig": the title before the name counts
            word.lemma_.lower() for child in head.children if child.dep_ == "prep" and child.lower_ in condition.require_preps
            for noun in child.children if noun.dep_ == "pobj" for word in (noun, *noun.children) if word.i <= noun.i
        } & set(condition.prep_object_nouns):
            return False
        if condition.forbid_subject_nouns or condition.forbid_subject_labels:
            subject = subject_of(head)
            if subject is not None and (subject.lemma_.lower() in condition.forbid_subject_nouns
                                        or subject.ent_type_ in condition.forbid_subject_labels):
                return False
        target = object_of(head)
        if target is not None:
            target = partitive_head(target)
            if target.pos_ in condition.forbid_object_pos:
                return False
        if condition.forbid_object_nouns and target is not None and target.lemma_.lower() in condition.forbid_object_nouns:
            return False
        if prepositions & set(condition.object_or_preps) and (target is None or any(
            noun.lemma_.lower() in CRIME_WORDS or noun.tag_ == "VBG"
            for child in head.children if child.dep_ == "prep" and child.lower_ in condition.object_or_preps
            for noun in child.children if noun.dep_ in ("pobj", "pcomp")
        )):
            # "after being charged with murder": what the charge is, with no one named to check;
            # "appeared in court charged with murdering two people", whatever the parser took for its object
            return True
        if condition.needs_object or condition.object_labels or condition.object_nouns:
            if target is None or target.i in span_words:
                return False
            if condition.object_labels or condition.object_nouns:
                label = _label_within(target, entity_of_token, doc)
                person = "PERSON" in condition.object_labels and target.lower_ in PERSON_PRONOUNS  # "He was sacked"
                if label not in condition.object_labels and target.lemma_.lower() not in condition.object_nouns and not person:
                    return False
        return True


def _label_within(token: Token, entity_of_token: dict[int, int], doc: Doc) -> str | None:
    """The label of the entity the noun phrase headed by `token` names, if any."""
    if token.i in entity_of_token:
        return doc.ents[entity_of_token[token.i]].label_
    for child in token.children:
        if child.dep_ in ("compound", "appos") and child.i in entity_of_token:
            return doc.ents[entity_of_token[child.i]].label_
    return None


def _modifiers(head: Token) -> list[Token]:
    """The words that modify `head`, and the negation of one ("not guilty verdict")."""
    found = [child for child in head.children if child.dep_ in MODIFYING_DEPS]
    negations = [grandchild for child in found for grandchild in child.children if grandchild.dep_ == "neg"]
    # The parser may hang that "not" elsewhere ("a lower court's not guilty verdict"): the word before counts.
    negations += [child.nbor(-1) for child in found if child.i > 0 and child.nbor(-1).lower_ == "not"]
    return found + negations


def _loose(condition: TriggerCondition) -> TriggerCondition:
    """The condition a mention of an event the document already reports must meet: its part of speech,
    no modifier it forbids, not a modifier of another noun."""
    return TriggerCondition(pos=condition.pos, as_modifier=condition.as_modifier, forbid_modifiers=condition.forbid_modifiers)


def _with_pos(condition: TriggerCondition, pos: frozenset[str]) -> TriggerCondition:
    from dataclasses import replace

    return replace(condition, pos=tuple(sorted(pos)))


def _specificity(condition: TriggerCondition) -> int:
    return (
        2 * bool(condition.object_labels or condition.object_nouns)
        + bool(condition.needs_object)
        + bool(condition.require_preps)
        + 2 * bool(condition.require_governors)
        + 2 * bool(condition.prep_object_nouns)
    )
