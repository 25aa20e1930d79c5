"""One occurrence told by several triggers: when the text ties them, a time said of one is the time of each.

"Gunmen killed 17 soldiers and wounded 35 in an attack overnight": the killing, the wounding and
the attack happened overnight, though the parse hangs "overnight" on the attack alone. The ties
read here are the ones that make two triggers one occurrence:

- verbs conjoined under one subject ("killed 21 civilians and wounded 13 on Aug. 3"), not two
  clauses ("… is retiring May 5, and Cleghorn will be named");
- a harm and the attack it happened in ("wounded in the convoy attack that took place on Thursday",
  "a 2016 shooting that killed …");
- a harm and the clash it happened as ("four people were killed as troops clashed … early on Thursday").

Only a trigger with no Time takes one, and only from a single tie; a time passed forward along
"and" must name a day and reaches no verb said to come later ("convicted in 2010 and released on
parole"), and a time that says when a war began dates no harm in it; a conviction "in a 2016
shooting" is not dated by the shooting, so the second and third ties hold for harms alone. A
participle after the clause ("stormed a checkpoint on Monday, killing four soldiers") is left
undated, as the annotations leave it, and so is a harm dated only by a "when" clause ("eight
civilians were killed when the coalition struck a market on Thursday"), which they leave undated too.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Token

    from annotator.nlp.fillers import FoundArgument
    from annotator.schema import EventType

HARMS = frozenset({"Life.Die", "Life.Injure"})
OCCURRENCES = frozenset({"Conflict.Attack", "Life.Die", "Life.Injure"})
OCCASION_PREPOSITIONS = frozenset({"in", "during"})
SAME_TIME_MARKERS = frozenset({"as", "while"})
LATER = frozenset({"later", "then", "subsequently", "eventually", "afterwards"})
STARTING_VERBS = frozenset({"begin", "start", "break", "launch"})
# A time that names a day, which two verbs joined by "and" share; a year does not ("born in 1921 and died in poverty").
DAY = re.compile(r"(?i)\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tonight|overnight|\d{1,2})\b")


def tied(a: Token, a_type: str, b: Token, b_type: str) -> bool:
    """True when the text makes trigger `a` (of type `a_type`) happen when `b` does."""
    if a.pos_ == "VERB" and b.pos_ == "VERB" and (a.head == b and a.dep_ == "conj" or b.head == a and b.dep_ == "conj"):
        second = a if a.dep_ == "conj" else b
        if any(c.dep_ in ("nsubj", "nsubjpass") for c in second.children):
            return False  # one subject: "killed … and wounded …"
        # a time passed forward reaches no verb that comes later or may not happen: "convicted in 2010 and [later]
        # released", "acquitted in 2005 [but] convicted on appeal", "founded in 1998 and [will] be acquired"
        return a.i < b.i or not (any(c.lower_ in LATER for c in a.children) or any(c.lower_ == "but" for c in b.children)
                                 or any(c.dep_ in ("aux", "auxpass") and c.lower_ in ("will", "would", "being") for c in a.children))
    if a_type not in HARMS or b_type not in OCCURRENCES:
        return False
    if b.dep_ == "pobj" and b.head.lower_ in OCCASION_PREPOSITIONS and b.head.head == a:
        return True  # "wounded in the convoy attack that took place on Thursday"
    if a.dep_ in ("relcl", "acl") and a.head == b:
        return True  # "a 2016 shooting that killed …"
    if b.dep_ == "pcomp" and b.head.lower_ in SAME_TIME_MARKERS and b.head.head == a:
        return True  # "killed as troops clashed", "as" parsed as a preposition
    return b.dep_ == "advcl" and b.head == a and any(
        c.dep_ == "mark" and c.lower_ in SAME_TIME_MARKERS for c in b.children)  # "died as militants attacked"


def shared_times(heads: list[Token], types: list[EventType], arguments: list[list[FoundArgument]]) -> list[list[FoundArgument]]:
    """Each trigger's arguments, a trigger with no Time given the Time of the one trigger tied to it that has
    one; twice over, so that a time reaches "killed" from "attack" through "wounded" in "killed 17 soldiers and
    wounded 35 in an attack overnight"."""
    shared = list(arguments)
    for _ in range(2):
        for i, (head, event_type) in enumerate(zip(heads, types)):
            if "Time" not in event_type.roles or any(a.role == "Time" for a in shared[i]):
                continue
            sources = {j for j, other in enumerate(heads) if j != i and any(a.role == "Time" for a in shared[j])
                       and tied(head, event_type.name, other, types[j].name)}
            if len(sources) == 1:
                j = sources.pop()
                times = [a for a in shared[j] if a.role == "Time" and not began(heads[j], a)]
                if heads[j].i < head.i and head.dep_ == "conj":  # forward only a day: "wounded on Sunday and died"
                    times = [a for a in times if DAY.search(head.doc.text, a.start_char, a.end_char)]
                shared[i] = [*shared[i], *(replace(a, score=round(a.score * 0.8, 2)) for a in times)]
    return shared


def began(occurrence: Token, time: FoundArgument) -> bool:
    """True when the time says when the occurrence began ("the war that began in 2011"), not when a harm in it happened."""
    span = occurrence.doc.char_span(time.start_char, time.end_char, alignment_mode="expand")
    word = span.root if span is not None else occurrence
    while word != occurrence and word.head != word:
        if word.pos_ in ("VERB", "AUX") and word.lemma_.lower() in STARTING_VERBS:
            return True
        word = word.head
    return False
