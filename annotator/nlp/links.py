"""Links from argument extents to the entities they refer to, decided on the whole document.

A pronoun links to the nearest preceding entity of its paragraph that it can refer to
("he" → a PERSON; "it", "its" → an ORG or GPE; "they", "their" → an ORG, GPE or NORP) and
that the role allows. A definite description ("the former governor", "his wife") links to the
last entity before it that the text described with the same noun ("Robert McDonnell, former
governor of Virginia"), else to the last entity of its class ("the company" → the last ORG,
"the country" → the last GPE, "the businessman" → the last PERSON).
An extent that is exactly an entity's span links to it. A link whose entity's label the
role does not allow (after the document-wide relabelling) is dropped; the extent stays,
unless the role takes only entities (not one of the schema's `bare_span_roles`, such as
Buyer or Defendant), in which case an argument left without a link is dropped.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace

from annotator.domain import Entity
from annotator.schema import Schema

PRONOUN_LABELS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("he", "him", "his", "himself", "she", "her", "hers", "herself"), ("PERSON",)),
    **dict.fromkeys(("it", "its", "itself"), ("ORG", "GPE")),
    **dict.fromkeys(("they", "them", "their", "themselves"), ("ORG", "GPE", "NORP")),
}
DEFINITE_LABELS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("company", "firm", "group", "bank", "organisation", "organization", "party", "club",
                     "team", "business", "carrier", "airline", "retailer", "lender", "insurer", "militia",
                     "movement", "union", "agency", "ministry", "court"), ("ORG",)),
    **dict.fromkeys(("country", "nation", "city", "town", "state", "capital", "village", "province", "region",
                     "kingdom", "republic"), ("GPE",)),
    **dict.fromkeys(("man", "woman", "governor", "businessman", "businesswoman", "president", "minister",
                     "leader", "judge", "wife", "husband", "son", "daughter", "father", "mother", "chairman",
                     "chief", "executive", "official", "spokesman", "spokeswoman", "lawyer", "defendant",
                     "suspect", "senator", "mayor", "player", "coach", "manager", "director", "boss",
                     "founder", "actor", "singer", "star", "politician", "prosecutor", "officer"), ("PERSON",)),
}


@dataclass(frozen=True)
class Mention:
    """An argument before linking: role, extent, score, the entity (index) it names if known, and a hint."""

    role: str
    entity: int | None
    start: int
    end: int
    score: float
    refers: str | None = None


def resolve_links(mentions: Sequence[Mention], entities: Sequence[Entity], paragraphs: Sequence[tuple[int, int]],
                  schema: Schema, described: Sequence[tuple[str, ...]] = (),
                  by_span: dict[tuple[int, int], int] | None = None) -> list[Mention]:
    """The mentions with their entity links settled (index into `entities`, or None).

    `described` gives, per entity, the nouns the text describes it with (see `phrases.descriptors`);
    `by_span`, each entity's index by its (start, end), when the caller resolves many events of one document.
    """
    starts: list[int] = []
    if by_span is None:
        by_span = {(e.start, e.end): index for index, e in enumerate(entities)}
    resolved = []
    for mention in mentions:
        index = mention.entity
        if index is None:
            index = by_span.get((mention.start, mention.end))
        if index is None and mention.refers is not None:
            starts = starts or [e.start for e in entities]
            index = _antecedent(mention, entities, starts, paragraphs, schema, described)
        if index is not None and not schema.allows_label(mention.role, entities[index].label):
            index = None
        if index is None and mention.role not in schema.bare_span_roles and schema.allowed_labels(mention.role):
            continue  # a Buyer, Defendant or Recipient must be an entity the text names
        resolved.append(replace(mention, entity=index))
    return resolved


def _antecedent(mention: Mention, entities: Sequence[Entity], starts: list[int],
                paragraphs: Sequence[tuple[int, int]], schema: Schema,
                described: Sequence[tuple[str, ...]]) -> int | None:
    kind, _, word = (mention.refers or "").partition(":")
    before = bisect_left(starts, mention.start) - 1
    if kind == "noun" and described:
        for index in range(before, -1, -1):
            if word in described[index] and entities[index].end <= mention.start and schema.allows_label(
                mention.role, entities[index].label
            ):
                return index
    if kind == "pronoun":
        labels = PRONOUN_LABELS.get(word, ())
        floor = next((start for start, end in paragraphs if start <= mention.start < end), 0)
    elif kind == "noun":
        labels = DEFINITE_LABELS.get(word, ())
        floor = 0
    else:
        return None
    wanted = [label for label in labels if schema.allows_label(mention.role, label)]
    if not wanted:
        return None
    for index in range(before, -1, -1):
        entity = entities[index]
        if entity.start < floor:
            break
        if entity.end <= mention.start and entity.label in wanted:
            return index
    return None
