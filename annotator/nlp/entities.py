"""One label per name within a document, unless the contexts clearly differ.

The small model labels a name by its context, mention by mention, so a surname can
come out ORG ten times and PERSON elsewhere. Each distinct name votes: every mention
votes for its own label; a mention after a personal title ("Mr", "President") votes
PERSON three times over; and a single-word name that is the first or last word of a
longer PERSON name in the same document ("Hernandez" after "Juan Orlando Hernandez")
votes PERSON three times over. A mention takes the name's winning label when that label has
at least twice its own label's votes, except where the contexts clearly differ: a place-labelled
mention never becomes an ORG or NORP (a country and its government or team), nor anything else
right after a locative preposition ("in Washington") unless it is a word of a longer person's name.
Labels outside the name labels (dates, numbers) are left alone. Before arguments are found,
`placed_names` relabels, line by line, a name the model took for a person or organisation where the
text says a place ("elders in Ghalanai", "the village of Taduf").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Span as SpanType
    from spacy.tokens import Token as TokenType

NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
ARTICLE_FREE_LABELS = frozenset({"GPE", "LOC", "FAC", "NORP", "EVENT", "LAW"})
TITLES = frozenset({
    "mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "president", "judge", "justice", "prime",
    "minister", "senator", "sen", "rep", "gov", "governor", "mayor", "general", "gen", "colonel", "col",
    "captain", "capt", "sergeant", "sgt", "officer", "chancellor", "king", "queen", "prince", "princess",
    "pope", "rev", "father", "sheikh", "ayatollah", "chief", "secretary", "ambassador", "coach", "striker",
    "defender", "midfielder", "goalkeeper", "manager", "director", "spokesman", "spokeswoman", "lawyer",
})
LOCATIVE_WORDS = frozenset({"in", "at", "near", "from", "to", "into", "across", "outside", "inside"})
TITLE_VOTES = 3
# A label gives way only to one with at least this many times its votes.
MAJORITY = 2
FULL_NAME_VOTES = 3
_WORD = re.compile(r"[\w'’.-]+")


def without_article(entities: Sequence[SpanType]) -> list[SpanType]:
    """The entities with a leading "the" left out of every name but an organisation's.

    "the United States", "the Nur Khan Airbase": the article belongs to the noun phrase, not to the
    place's name; an ORG keeps it ("the Free Syrian Army"), as the annotation guides have it.
    """
    from spacy.tokens import Span

    return [
        Span(entity.doc, entity.start + 1, entity.end, label=entity.label_)
        if len(entity) > 1 and entity.label_ in ARTICLE_FREE_LABELS and entity[0].lower_ == "the" else entity
        for entity in entities
    ]


def whole_phrases(entities: Sequence[SpanType]) -> list[SpanType]:
    """The entities cut where a preposition inside one belongs to a word outside it.

    The model's "Friday to 12 years" in "sentenced on Friday to 12 years in prison" is two
    expressions, "Friday" and "12 years": the "to" between them hangs on the verb.
    """
    from spacy.tokens import Span

    result = []
    for entity in entities:
        start = entity.start
        for token in entity[1:-1]:
            if token.dep_ == "prep" and not entity.start <= token.head.i < entity.end and not date_range(entity, token) or (
                    token.lower_ == "to" and entity.label_ == "DATE" and entity[-1].lemma_.lower() in TERM_UNITS):
                # "sentenced on May 5 to 10 years": a date, then a term
                if token.i > start:
                    result.append(Span(entity.doc, start, token.i, label=entity.label_))
                start = token.i + 1
        result.append(entity if start == entity.start else Span(entity.doc, start, entity.end, label=entity.label_))
    return result


TERM_UNITS = frozenset({"year", "month", "week", "day", "decade"})
CALENDAR_WORDS = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december",
})


def date_range(entity: SpanType, word: TokenType) -> bool:
    """True when `word` joins two dates of one kind inside a DATE or TIME: "April 23 to 24", "Thursday to
    Friday" (not "Friday to 12 years", a date and a term)."""
    if entity.label_ not in ("DATE", "TIME") or word.lower_ not in ("to", "through", "until", "till", "-", "–"):
        return False
    left, right = entity.doc[entity.start : word.i], entity.doc[word.i + 1 : entity.end]
    if len(right) == 1 and right[0].like_num:
        return any(t.like_num for t in left)  # "April 23 to 24", "2001 to 2005"
    return any(t.lower_ in CALENDAR_WORDS for t in left) and any(t.lower_ in CALENDAR_WORDS for t in right)


DAY_PARTS = frozenset({"morning", "afternoon", "evening", "night", "midday", "noon", "midnight", "dawn", "dusk", "overnight"})


def joined_times(entities: Sequence[SpanType]) -> list[SpanType]:
    """Adjacent DATE and TIME names that are one expression, joined: "Tuesday" + "morning",
    "the early hours of" + "Monday" (the model splits them; a Time argument is the whole)."""
    from spacy.tokens import Span

    result: list[SpanType] = []
    for entity in entities:
        before = result[-1] if result else None
        if before is not None and before.end == entity.start and {before.label_, entity.label_} <= {"DATE", "TIME"} and (
            before[-1].lower_ == "of" or entity.root.lower_ in DAY_PARTS or before.root.lower_ in DAY_PARTS
        ):
            label = "TIME" if "TIME" in (before.label_, entity.label_) else "DATE"
            result[-1] = Span(entity.doc, before.start, entity.end, label=label)
        else:
            result.append(entity)
    return result


# Where a place stands: "elders in Ghalanai", "the fighting at Ras al-Ayn", "the village of Taduf"; not what
# one aims at ("fired at Jones").
PLACE_PREPOSITIONS = frozenset({"in", "near", "outside", "at"})
# "in central Mali", "near north-western Syria": a word for a part of a place between the preposition and the name.
AREA_WORDS = frozenset({
    "central", "north", "south", "east", "west", "northern", "southern", "eastern", "western", "northeastern",
    "northwestern", "southeastern", "southwestern", "northeast", "northwest", "southeast", "southwest", "-",
    "north-east", "north-west", "south-east", "south-west", "north-eastern", "north-western", "south-eastern",
    "south-western", "upper", "lower", "rural", "coastal",
})
# "along the Kagoro-Gidan Waya Road", "on Peniston Street": a named road after a preposition of place is a facility.
ROAD_WORDS = frozenset({"road", "street", "highway", "avenue", "boulevard", "lane", "expressway", "motorway", "drive"})
ROAD_PREPOSITIONS = frozenset({"in", "at", "near", "outside", "along", "on", "off", "across", "onto", "into"})
AIMING_VERBS = frozenset({"fire", "shoot", "aim", "point", "look", "throw", "hurl", "laugh", "shout", "swing", "lunge", "strike", "stare"})


def placed_names(entities: Sequence[SpanType]) -> list[SpanType]:
    """Names the small model took for a person or organisation where the text says a place, as GPE.

    A foreign town's name is often labelled PERSON ("elders in Ghalanai") or ORG ("the village of
    Taduf"), which no Place role takes. A PERSON name after "in", "near", "outside" or "at" (not "fired at"), or a PERSON, NORP
    or ORG name after "town of", "province of" …, is a place; not one followed by "'s" ("in Smith's
    house"), nor a word of a longer person's name in the same line ("Theresa May … confidence in May");
    across lines `consistent_labels` gives such a word back to the person. A PERSON or ORG name of a road
    after a preposition of place ("along the Kagoro-Gidan Waya Road") is a FAC.
    """
    from spacy.tokens import Span

    from annotator.nlp.phrases import GEOGRAPHIC_NOUNS

    people = [e for e in entities if e.label_ == "PERSON" and len(e) > 1]
    result = []
    for entity in entities:
        doc, start = entity.doc, entity.start
        lead = start
        while lead > max(start - 3, 0) and doc[lead - 1].lower_ in AREA_WORDS:
            lead -= 1
        before = [t.lower_ for t in doc[max(start - 2, 0) : start]]
        placed_before = doc[lead - 1].lower_ if lead > 0 else ""
        after = doc[entity.end].lower_ if entity.end < len(doc) else ""
        of_place = len(before) == 2 and before[1] == "of" and before[0] in GEOGRAPHIC_NOUNS
        aimed = bool(before) and before[-1] == "at" and doc[start - 1].head.lemma_.lower() in AIMING_VERBS
        placed = of_place and entity.label_ in ("PERSON", "NORP", "ORG") or entity.label_ == "PERSON" and not aimed and (
            placed_before in PLACE_PREPOSITIONS and not any(
                t.lower_ == w.lower_ for e in people if e != entity for w in e for t in entity))
        road_before = doc[start - 2].lower_ if start > 1 and doc[start - 1].lower_ == "the" else (before[-1] if before else "")
        if entity.label_ in ("PERSON", "ORG") and entity[-1].lower_ in ROAD_WORDS and road_before in ROAD_PREPOSITIONS:
            result.append(Span(doc, entity.start, entity.end, label="FAC"))
        elif placed and after not in ("'s", "’s"):
            result.append(Span(doc, entity.start, entity.end, label="GPE"))
        else:
            result.append(entity)
    return result


def _normal(name: str) -> str:
    name = re.sub(r"^(the|The)\s+", "", name.strip())
    return re.sub(r"[’']s$", "", name).lower()


def consistent_labels(text: str, entities: Sequence[tuple[int, int, str]]) -> list[str]:
    """The label each entity (start, end, label) should have so that a name keeps one label."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    names = [_normal(text[start:end]) for start, end, _label in entities]
    person_parts: set[str] = set()
    surnames: set[str] = set()
    for (_start, _end, label), name in zip(entities, names):
        words = name.split()
        if label == "PERSON" and len(words) > 1:
            person_parts.update((words[0], words[-1]))
            surnames.add(words[-1])
    for (start, _end, label), name in zip(entities, names):
        if label not in NAME_LABELS:
            continue
        votes[name][label] += 1
        if _word_before(text, start) in TITLES:
            votes[name]["PERSON"] += TITLE_VOTES
        if " " not in name and name in person_parts:
            votes[name]["PERSON"] += FULL_NAME_VOTES
    labels = []
    for (start, _end, label), name in zip(entities, names):
        if label not in NAME_LABELS or len(votes[name]) < 2:
            labels.append(label)
            continue
        winner, winner_votes = max(votes[name].items(), key=lambda item: (item[1], item[0] == label))
        if winner == label or winner_votes < MAJORITY * votes[name][label]:
            labels.append(label)
        elif label in PLACE_LABELS and winner in ("ORG", "NORP"):
            labels.append(label)  # a place and the state or team it names: the contexts differ
        elif label in PLACE_LABELS and winner not in PLACE_LABELS and _word_before(text, start) in LOCATIVE_WORDS and not (
                winner == "PERSON" and name in surnames):  # "confidence in May" after "Theresa May"; "in Chad" stays
            labels.append(label)
        else:
            labels.append(winner)
    return labels


def _word_before(text: str, offset: int) -> str:
    """The lower-cased word just before `offset` on the same line, without a final dot."""
    line_start = max(text.rfind("\n", 0, offset), 0)
    words = _WORD.findall(text[line_start:offset])
    return words[-1].lower().rstrip(".") if words else ""
