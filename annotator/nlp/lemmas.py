"""Lemmas the small model's lemmatizer gets wrong, put right for the words the rules know.

The rule lemmatizer strips a suffix and keeps what it finds in its tables: "staged" becomes
"stag", "fined" "fin", "waged" "wag", "slated" "slat", "texted" "texte", "imprisoning" stays as
it is. A trigger or a light verb matched on its lemma is then missed ("Students staged a protest"
finds no protester). A verb's lemma is replaced only when the wrong one is no word the rules know
and the repaired one is.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc

VERB_TAGS = frozenset({"VBD", "VBN", "VBG", "VBZ", "VBP", "VB"})


def known_words(*groups: Iterable[str]) -> frozenset[str]:
    """The single words of the given lexicons and word lists, lower-cased."""
    return frozenset(word for group in groups for entry in group for word in entry.lower().split())


def repaired(lemma: str, text: str, known: frozenset[str]) -> str | None:
    """The lemma `known` has for a verb form whose model lemma is not in it, or None."""
    if lemma in known:
        return None
    candidates = [lemma + "e"]  # "staged" → "stag" → "stage"
    if lemma.endswith("e"):
        candidates.append(lemma[:-1])  # "texted" → "texte" → "text"
    if lemma == text and text.endswith("ing"):
        candidates += [text[:-3], text[:-3] + "e"]  # "imprisoning" kept whole
    return next((c for c in candidates if c in known and text in inflections(c)), None)


def inflections(verb: str) -> set[str]:
    """The regular forms of a verb: "stage" → stages, staged, staging; "text" → texts, texted, texting."""
    stem = verb[:-1] if verb.endswith("e") else verb
    return {verb, verb + "s", verb + "es", stem + "ed", stem + "ing"}


def repair_lemmas(doc: Doc, known: frozenset[str]) -> None:
    """Set the lemma `known` has on every verb form the model lemmatised to a word outside it."""
    for token in doc:
        if token.tag_ not in VERB_TAGS:
            continue
        lemma = token.lemma_.lower()
        fixed = repaired(lemma, token.lower_, known)
        if fixed is not None:
            token.lemma_ = fixed
