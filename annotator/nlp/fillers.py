"""What the argument finder returns, and the fillers whose extent is a value, not a participant.

A Position is a job title cut from its organisation ("Conservative leader" → `leader`, with the
Conservative party as the Entity); Money and Price need a MONEY name inside; Crime, Position and
Sentence take a phrase headed by a noun, a number or an adjective (or a gerund for a Crime).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from annotator.nlp.phrases import (
    AGENT_NOUNS,
    DECIDERS,
    GEOGRAPHIC_NOUNS,
    ORGANISATION_NOUNS,
    PEOPLE_NOUNS,
    PERSONAL_PRONOUNS,
    PLACE_OR_TIME_LABELS,
    SITUATING_PREPOSITIONS,
    TIME_LABELS,
    extent,
)
from annotator.nlp.triggers import CRIME_WORDS

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span, Token

ORGANISATION_LABELS = ("ORG", "NORP", "GPE")


VALUE_ROLES = frozenset({"Crime", "Position", "Sentence"})
HYPHENATED_BEFORE = re.compile(r"(?<!\w)(\w+)-$")  # the word and hyphen just before an extent
HYPHENATED_AFTER = re.compile(r"-(\w+)")  # a hyphen and the word just after it
COURT_NOUNS = frozenset({"court", "tribunal"})
NOT_TERM_PREPOSITIONS = frozenset({"for", "over", "after", "by", "following", "since"})
CASE_NOUNS = frozenset({"case", "trial", "court", "connection", "relation", "scheme", "scandal"})

@dataclass(frozen=True)
class FoundArgument:
    """An argument found in one Doc: its role, extent and, when known, the entity it names.

    `entity_index` is the index in doc.ents of the entity the phrase names; `refers` is a
    hint for linking a pronoun or a definite description at document level
    ("pronoun:he", "noun:company"), or None.
    """

    role: str
    entity_index: int | None
    start_char: int
    end_char: int
    score: float
    refers: str | None = None


def position_entity(doc: Doc, token: Token, entity_of_token: dict[int, int],
                    used_entities: set[int]) -> list[FoundArgument]:
    """The organisation a position belongs to, named before it ("Conservative leader") or after ("president of Kenya")."""
    named_after = [g for c in token.rights if c.dep_ == "prep" and c.lower_ in ("of", "at") for g in c.children if g.dep_ == "pobj"]
    for child in [*token.lefts, *named_after]:
        index = entity_of_token.get(child.i)
        if index is None and child.dep_ == "poss" and child.pos_ == "NOUN":
            start, end = extent(child, set())  # "the railroad's president": an owner the text does not name
            span = doc[start:end]
            return [FoundArgument("Entity", None, span.start_char, span.end_char, 0.4)]
        if index is not None and doc.ents[index].label_ in ORGANISATION_LABELS and index not in used_entities:
            entity = doc.ents[index]
            used_entities.add(index)
            if entity.label_ != "GPE" or child.dep_ in ("poss", "pobj"):
                start, end = extent(child, set())
                span = doc[start:end]
                return [FoundArgument("Entity", index, span.start_char, span.end_char, 0.5)]
    return []


def position_span(doc: Doc, span: Span, token: Token, keep_article: bool = False) -> Span:
    """The job title inside a position's phrase: no organisation before it, no "of Kenya" after it, no article
    (kept, with a possessor, for a noun for the post itself: "that role", "his job")."""
    # "Conservative leader": the organisation is the Entity, the position is what follows it;
    # "the railroad's president": so is the owner.
    owner = next((c for c in token.lefts if c.dep_ == "poss" and span.start <= c.left_edge.i), None)
    if owner is not None and not keep_article:
        span = doc[max(c.i for c in owner.subtree) + 1 : span.end]
    while span.start < token.i and (doc[span.start].ent_type_ in ORGANISATION_LABELS or doc[span.start].dep_ == "case"):
        span = doc[span.start + 1 : span.end]
    # "president of Kenya": the country is the Entity, the Position is the job.
    of = next((c for c in token.rights if c.dep_ == "prep" and c.lower_ in ("of", "at") and any(
        g.dep_ == "pobj" and g.ent_type_ in ORGANISATION_LABELS for g in c.children)), None)
    if of is not None:
        span = doc[span.start : of.i]
    if doc[span.start].dep_ == "det" and len(span) > 1 and not keep_article:
        span = doc[span.start + 1 : span.end]  # a position is a job title: "president", not "the president"
    return span


def money_within(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """(index in doc.ents, first token) of the first MONEY name inside tokens start..end, taking in a
    currency sign or quantity word before it that the model left out ("$95 per share" where its sum is "95")."""
    index = next((i for i, e in enumerate(doc.ents) if e.label_ == "MONEY" and start <= e.start and e.end <= end), None)
    if index is None:
        return None
    first = doc.ents[index].start
    while first > start and (doc[first - 1].tag_ == "$" or doc[first - 1].dep_ == "quantmod"):
        first -= 1
    return index, first


def value(span: Span, role: str, score: float) -> FoundArgument | None:
    """A value role's argument over `span`, or None when the phrase cannot hold that value."""
    if role in ("Money", "Price"):
        money = any(t.ent_type_ == "MONEY" for t in span)
        return FoundArgument(role, None, span.start_char, span.end_char, score) if money else None
    if span.root.pos_ not in ("NOUN", "PROPN", "NUM", "ADJ") and not (role == "Crime" and span.root.tag_ == "VBG"):
        return None
    return FoundArgument(role, None, span.start_char, span.end_char, round(score * 0.6, 2))


# Words that name a post: a Person phrase that starts with one names the post too ("Disney CEO Bob Iger").
TITLE_WORDS = frozenset({
    "president", "minister", "ceo", "chief", "executive", "chairman", "chairwoman", "chair", "director", "secretary",
    "governor", "mayor", "leader", "head", "manager", "coach", "commander", "captain", "general", "spokesman",
    "spokeswoman", "chancellor", "premier", "senator", "judge", "prosecutor", "ambassador", "envoy", "speaker",
    "treasurer", "deputy", "official", "boss", "adviser", "advisor", "lawmaker", "mp", "officer", "cfo", "coo",
})
TITLE_MODIFIERS = frozenset({"prime", "vice", "chief", "deputy", "general", "attorney"})
# Adjectives inside a post's name: "chief financial officer", "foreign minister", "managing director".
TITLE_ADJECTIVES = frozenset({
    "financial", "operating", "technology", "technical", "marketing", "legal", "medical", "foreign", "managing",
    "assistant", "associate", "commercial", "administrative", "creative", "interim", "acting",
})
NOT_OF_THE_TITLE = frozenset({"former", "longtime", "long-time", "then", "late", "outgoing", "incoming", "current", "ex", "-"})


def title_position(doc: Doc, person: FoundArgument, entity_of_token: dict[int, int],
                   used_entities: set[int]) -> list[FoundArgument]:
    """The post a Person phrase names before its name ("Disney CEO Bob Iger": Position `CEO`, Entity
    Disney; "longtime chief Michael Eisner": `chief`), or as its head ("the former army captain": `captain`)."""
    span = doc.char_span(person.start_char, person.end_char)
    if span is None:
        return []
    names = [e for e in doc.ents if e.label_ == "PERSON" and span.start < e.start and e.end <= span.end]
    if names:
        run = list(doc[span.start : names[0].start])
    elif span.root.lemma_.lower() in TITLE_WORDS and span.root.pos_ == "NOUN":
        run = [span.root]  # with the words of the post before it: "its chief executive", "the prime minister"
        while run[0].i > span.start and doc[run[0].i - 1].head.i == span.root.i and (
                doc[run[0].i - 1].dep_ == "compound" and doc[run[0].i - 1].pos_ == "NOUN"
                or doc[run[0].i - 1].lemma_.lower() in TITLE_WORDS | TITLE_MODIFIERS | TITLE_ADJECTIVES):
            run.insert(0, doc[run[0].i - 1])
    else:
        return []
    while run and (run[0].dep_ in ("det", "poss") or run[0].lower_ in NOT_OF_THE_TITLE or run[0].is_punct):
        run = run[1:]
    found = []
    while run and run[0].i in entity_of_token and doc.ents[entity_of_token[run[0].i]].label_ in ORGANISATION_LABELS:
        index = entity_of_token[run[0].i]
        entity = doc.ents[index]
        if index not in used_entities:
            used_entities.add(index)
            found.append(FoundArgument("Entity", index, entity.start_char, entity.end_char, 0.5))
        run = [t for t in run if t.i >= entity.end]
    while run and run[-1].is_punct:
        run = run[:-1]
    if not run or not any(t.lemma_.lower() in TITLE_WORDS for t in run):
        return []
    return [FoundArgument("Position", None, run[0].idx, run[-1].idx + len(run[-1]), 0.4), *found]


def party(token: Token, entity: Span | None, organisation: bool = False) -> bool:
    """True for a phrase that names people ("the former president", "him", "three men"), or, with
    `organisation`, an organisation ("the company", a name tagged ORG)."""
    lemma = token.lemma_.lower()
    if organisation:
        return entity is not None and entity.label_ == "ORG" or entity is None and lemma in ORGANISATION_NOUNS
    return (entity is not None and entity.label_ in ("PERSON", "NORP", "CARDINAL") or token.lower_ in PERSONAL_PRONOUNS
            or entity is None and (lemma in PEOPLE_NOUNS | TITLE_WORDS | AGENT_NOUNS or token.pos_ == "NUM"))


def name_fragment(token: Token, filler: Token, entity_of_token: dict[int, int]) -> bool:
    """True for a conjunct that is a word of a longer name ("the Safety, Health and Welfare at Work Act",
    "Bosnia and Herzegovina"): the name holds words outside the conjunct's own phrase."""
    if token.i == filler.i or token.i not in entity_of_token:
        return False
    own = {t.i for t in token.subtree}
    return any(t.i not in own for t in token.doc.ents[entity_of_token[token.i]])


# Harms a person is convicted or acquitted of, named as events: "acquitted the officer of the killing of a teenager".
HARM_NOUNS = frozenset({"killing", "shooting", "bombing", "stabbing", "slaying", "beating", "death", "attack", "assault", "massacre"})


def trimmed_end(token: Token, role: str, end: int, by_agent: bool = False) -> int:
    """Where the extent of a `role` filler headed by `token` ends, before a phrase that is no part of it."""
    doc = token.doc
    if role in ("Attacker", "Agent") and by_agent:  # not "the coalition against Islamic State carried out airstrikes"
        # "operations carried out by the regime forces [against those cities]": whom they act on is no part of them
        end = min([end, *(t.i for t in doc[token.i + 1 : end] if t.dep_ == "prep" and t.head.i == token.i and t.lower_ == "against")])
    if role == "Sentence":
        # "three years imprisonment [in a disproportionate assets case]": the term ends before a phrase
        # that is not where it is served ("in prison") or what it is of ("a fine of $500")
        end = min([end, *(t.i for t in doc[token.i + 1 : end] if t.dep_ == "prep" and (
            t.lower_ in NOT_TERM_PREPOSITIONS or t.lower_ in ("in", "on") and any(
                g.lemma_.lower() in CASE_NOUNS or g.ent_type_ in TIME_LABELS for g in t.children)))])
    if (role in VALUE_ROLES or role == "Defendant") and token.pos_ in ("NOUN", "PROPN"):
        # "sworn in as prime minister [on Monday]", "pleaded guilty to fraud [in a federal court]",
        # "convicted the senator [of bribery]": the time, the place or the crime is no part of it
        # ("murdering two people in Taranaki" and "mayor in 20 years" keep theirs)
        end = min([end, *(t.i for t in doc[token.i + 1 : end] if t.dep_ == "prep" and t.head.i == token.i and (
            t.lower_ in SITUATING_PREPOSITIONS and any(g.dep_ == "pobj" and (g.ent_type_ in PLACE_OR_TIME_LABELS or g.lemma_.lower(
            ) in GEOGRAPHIC_NOUNS) for g in t.children) and not (t.lower_ == "in" and all(g.ent_type_ in TIME_LABELS for g in t.children))
            or role == "Crime" and t.lower_ in ("in", "at", "before", "by") and any(
                g.lemma_.lower() in DECIDERS for g in t.children)
            or t.lower_ == "with" and any(g.lower_ == "effect" for g in t.children)  # "… [with immediate effect]"
            or role == "Defendant" and t.lower_ == "of" and any(g.lemma_.lower() in CRIME_WORDS | HARM_NOUNS or g.tag_ == "VBG"
                                                                for g in t.children)))])  # "acquitted the officer [of the killing of …]"
    return end


def whole_words(text: str, argument: FoundArgument) -> FoundArgument:
    """The argument with no word cut in two: the tokenizer splits "3M" into "3" and "M", and an extent
    must hold the whole word ("3M will sell …" is sold by 3M, not by "M"), a hyphenated word and a
    bracket it opened."""
    start, end = argument.start_char, argument.end_char
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    # A hyphenated word is one word when a lowercase part joins it ("ex-president", "first-team
    # manager"); two names joined by a hyphen stay two ("the Israel-Hamas war").
    while start < end and text[start].isalnum() and (before := HYPHENATED_BEFORE.search(text, max(0, start - 40), start)) \
            and before[1][0].islower():
        start -= len(before[0])
    while (after := HYPHENATED_AFTER.match(text, end)) and end > 0 and text[end - 1].isalnum() and after[1][0].islower():
        end = after.end()
    while end < len(text) and text[end] == ")" and text.count("(", start, end) > text.count(")", start, end):
        end += 1  # "Section 15(3)": the tokenizer keeps "15(3" whole and leaves its bracket out
    return argument if (start, end) == (argument.start_char, argument.end_char) else replace(argument, start_char=start, end_char=end)
