"""Title-Case headlines parsed as if written in sentence case.

"Police Use Tear Gas, Protesters Arrested Outside Trump Rally In Arizona": the small English
pipelines read every capitalised word as a name and the parse falls apart. A line whose words are
nearly all capitalised is parsed a second time with each word lower-cased that is neither its first
word, nor inside a name the model found in the original, nor written all in capitals; the second
parse's tags, lemmas and dependencies then replace the first's, token by token. The names, and so
the entities, stay those of the original line, but for a "name" that holds a word of the event
lexicon ("Resigns Over Expenses Scandal" as a PERSON): the model took a headline's words for one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc
    from thinc.types import Ints2d

SKIPPED = ("ner",)  # the names come from the original casing


def title_case(doc: Doc) -> bool:
    """True for a headline (no final punctuation) of at least four words nearly all of which start with a capital."""
    last = next((t for t in reversed(doc) if not t.is_space), None)
    if last is None or last.text[-1] in ".!?\"”’'":
        return False  # a sentence of names ("President Salva Kiir fired Machar.") is no headline
    words = [t for t in doc if t.is_alpha and len(t) > 1]
    capitals = sum(t.text[0].isupper() for t in words)
    return len(words) >= 4 and capitals >= 0.8 * len(words) and not all(t.is_upper for t in words)


def sentence_cased(doc: Doc) -> str:
    """The line's text with every word lower-cased but its first, those in names and acronyms."""
    named = {t.i for entity in doc.ents for t in entity}
    first = next((t.i for t in doc if t.is_alpha), -1)
    pieces = []
    for token in doc:
        keep = token.i == first or token.i in named or token.is_upper or not token.is_alpha
        pieces.append((token.text if keep else token.text.lower()) + token.whitespace_)
    return "".join(pieces)


def lexicon_word(word: str, lexicon: frozenset[str]) -> bool:
    """True when a word, or it without an ending ("Resigns", "Arrested", "Killing"), is in the lexicon."""
    word = word.lower()
    return any(form in lexicon for form in (word, word[:-1], word[:-2], word[:-3], word[:-1] + "e" if word.endswith("d") else word))


def reparse_title_case(nlp: Language, doc: Doc, skip: tuple[str, ...] = (), lexicon: frozenset[str] = frozenset()) -> None:
    """Give a Title-Case line the parse of its sentence-cased text, in place; leave any other line alone."""
    if not title_case(doc):
        return
    from spacy.attrs import DEP, HEAD, LEMMA, POS, TAG

    doc.ents = [e for e in doc.ents if not any(t.is_alpha and lexicon_word(t.text, lexicon) for t in e)]
    text = sentence_cased(doc)
    if text == doc.text or len(text) != len(doc.text):
        return  # all names ("John Kerry and Sergei Lavrov"), or a lower-cased letter of another length
    cased = nlp.make_doc(text)
    for name, component in nlp.pipeline:
        if name not in SKIPPED and name not in skip:
            cased = component(cased)
    if [t.idx for t in cased] != [t.idx for t in doc]:
        return  # tokenised differently: keep the original parse
    attributes = [TAG, POS, LEMMA, HEAD, DEP]
    doc.from_array(attributes, cast("Ints2d", cased.to_array(attributes)))
