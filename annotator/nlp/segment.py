"""Sentence segmentation and tokens that respect the page layout.

News text puts the headline, standfirst, photo credits and captions on lines of
their own. A line break therefore always ends a sentence, and so does a blank
line; within a line, spaCy's rule-based sentencizer splits at final punctuation.
No trained model is needed, so import stays fast and works offline.
Hard-wrapped text (paragraphs broken into lines of ~72 characters) is recognised and its
wrapped lines joined first (`unwrap`), keeping every offset into the original text.
Sentences and tokens never include whitespace at their edges.

A text goes through spaCy in pieces of at most `PIECE_CHARS` characters, cut at line
breaks (`pieces_of`), so a book-sized text needs no more memory than its sentences and
never exceeds spaCy's max_length. `complete_sentences` is the one entry point the import
formats use; nothing here imports spaCy until a function needs it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from annotator.domain import Sentence, sentence_of

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

_LINE_BREAKS = frozenset("\n\r\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85")


def has_line_break(whitespace: str) -> bool:
    """True when the text holds any character that Python's str.splitlines breaks at."""
    return not _LINE_BREAKS.isdisjoint(whitespace)


SENTENCE_RULES_COMPONENT = "annotator_sentence_rules"
SENTENCE_FINAL = frozenset({".", "!", "?", "…", "...", "?!", "!?"})
CLOSING_MARKS = frozenset({'"', "'", "”", "’", ")", "]", "»", "›"})


def _register_sentence_rules() -> None:
    from spacy.language import Language

    if Language.has_factory(SENTENCE_RULES_COMPONENT):
        return

    @Language.component(SENTENCE_RULES_COMPONENT)
    def sentence_rules(doc: Doc) -> Doc:
        """Forbid a sentence start unless final punctuation (maybe then a closing quote) precedes it.

        The trained parser otherwise splits inside sentences, e.g. before "[ISIS]" in
        "fight ISIL [ISIS] and other groups"; it respects boundaries set to False.
        """
        previous = None
        before_previous = None
        for token in doc:
            if token.is_space:
                continue
            if previous is not None:
                ends = previous.text in SENTENCE_FINAL or (
                    previous.text in CLOSING_MARKS and before_previous is not None
                    and before_previous.text in SENTENCE_FINAL
                )
                if not ends and token.is_sent_start is not True:
                    token.is_sent_start = False
            before_previous, previous = previous, token
        return doc


def add_sentence_rules(nlp: Language, before: str = "parser") -> None:
    """Put the punctuation rule in front of the component that sets sentence boundaries."""
    _register_sentence_rules()
    if SENTENCE_RULES_COMPONENT not in nlp.pipe_names:
        if before in nlp.pipe_names:
            nlp.add_pipe(SENTENCE_RULES_COMPONENT, before=before)
        else:
            nlp.add_pipe(SENTENCE_RULES_COMPONENT, first=True)


# The most characters spaCy sees as one Doc. A text is cut into pieces at line breaks,
# which end sentences anyway, so a news article segments exactly as it would whole,
# while a book-sized text never becomes one huge Doc (memory) nor exceeds spaCy's
# max_length. A single line longer than this is cut where a sentence ends, else at
# whitespace; only a run this long without any whitespace is cut inside a word.
PIECE_CHARS = 20_000
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]»›]*\s")
_WHITESPACE = re.compile(r"\s")


@lru_cache(maxsize=1)
def segmenter() -> Language:
    """A blank English pipeline: tokenizer and punctuation sentencizer (line breaks: `sentences_of_piece`)."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def pieces_of(text: str, limit: int = PIECE_CHARS) -> Iterator[tuple[int, int]]:
    """(start, end) of consecutive pieces that together make up `text`, none longer than `limit`.

    A piece ends after the last line break that fits; a longer line is cut after its last
    sentence-final punctuation in the second half of the piece, else after its last whitespace
    there, and only a run of `limit` characters without whitespace is cut inside a word.
    """
    if limit < 2:
        raise ValueError("a piece must hold at least 2 characters")
    start, length = 0, len(text)
    while length - start > limit:
        end = _cut(text, start, start + limit)
        yield start, end
        start = end
    if start < length or not text:
        yield start, length


def _cut(text: str, start: int, stop: int) -> int:
    """Where the piece from `start` ends, at most at `stop`."""
    after_break = max(text.rfind(mark, start, stop) for mark in _LINE_BREAKS) + 1
    if after_break > start:
        return after_break
    middle = start + (stop - start) // 2
    for pattern in (_SENTENCE_END, _WHITESPACE):
        ends = [match.end() for match in pattern.finditer(text, middle, stop)]
        if ends:
            return ends[-1]
    return stop


def sentences_of_piece(doc: Doc, text: str, offset: int, first_index: int = 0) -> list[Sentence]:
    """Sentences of a Doc made from `text[offset:]`, with offsets into `text`, never across a line break.

    Reads the Doc as arrays rather than as Token objects, which would cost more than the tokenizer.
    """
    import numpy
    from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START

    rows = doc.to_array([IDX, LENGTH, IS_SPACE, SENT_START]).astype(numpy.int64)
    if not len(rows):
        return []
    starts = rows[:, 0] + offset
    ends = starts + rows[:, 1]
    is_space = rows[:, 2] == 1
    breaks = numpy.zeros(len(rows), dtype=numpy.int64)
    for position in numpy.flatnonzero(is_space).tolist():
        breaks[position] = has_line_break(text[starts[position] : ends[position]])
    words = numpy.flatnonzero(~is_space)
    if not len(words):
        return []
    breaks_before = numpy.cumsum(breaks)[words]
    opens = (rows[words, 3] == 1) | (numpy.diff(breaks_before, prepend=breaks_before[0]) > 0)
    opens[0] = True
    tokens = list(zip(starts[words].tolist(), ends[words].tolist()))
    bounds = [*numpy.flatnonzero(opens).tolist(), len(tokens)]
    return [
        Sentence(first_index + number, tokens[first][0], tokens[last - 1][1], tuple(tokens[first:last]))
        for number, (first, last) in enumerate(zip(bounds, bounds[1:]))
    ]


def _pieces(texts: Iterable[str], limit: int) -> Iterator[tuple[str, tuple[str, int, bool]]]:
    """Each text's pieces for `nlp.pipe`, with (the unwrapped text, the piece's offset, whether it is the last)."""
    for text in texts:
        unwrapped = unwrap(text)
        spans = list(pieces_of(unwrapped, limit))
        for number, (start, end) in enumerate(spans):
            yield unwrapped[start:end], (unwrapped, start, number == len(spans) - 1)


def _sentences_by_piece(texts: Iterable[str], batch_size: int, limit: int) -> Iterator[tuple[list[Sentence], bool]]:
    """The sentences of each piece of each text, numbered within their text, and whether the piece ends it."""
    count = 0
    pieces = segmenter().pipe(_pieces(texts, limit), as_tuples=True, batch_size=batch_size)
    for doc, (unwrapped, offset, last) in pieces:
        found = sentences_of_piece(doc, unwrapped, offset, count)
        count = 0 if last else count + len(found)
        yield found, last


def iter_sentences(text: str, limit: int = PIECE_CHARS, batch_size: int = 16) -> Iterator[Sentence]:
    """The sentences of one text, a piece at a time: memory grows with what the caller keeps, not with the text."""
    for found, _last in _sentences_by_piece([text], batch_size, limit):
        yield from found


def segment_many(texts: Iterable[str], batch_size: int = 64, limit: int = PIECE_CHARS) -> Iterator[list[Sentence]]:
    """The sentences of each text, in order, through spaCy's batched pipe a bounded piece at a time."""
    sentences: list[Sentence] = []
    for found, last in _sentences_by_piece(texts, batch_size, limit):
        sentences.extend(found)
        if last:
            yield sentences
            sentences = []


def segment(text: str, limit: int = PIECE_CHARS) -> list[Sentence]:
    """Split a text into sentences with their tokens (offsets into `text`, end-exclusive)."""
    return list(iter_sentences(text, limit))


def tokenize_spans(text: str, spans: Sequence[tuple[int, int]]) -> list[Sentence]:
    """Sentences at the given offsets, with tokens from the blank tokenizer (for files that give sentences)."""
    tokenizer = segmenter().tokenizer
    result = []
    for index, (start, end) in enumerate(spans):
        doc = tokenizer(text[start:end])
        tokens = tuple(
            (start + t.idx, start + t.idx + len(t.text)) for t in doc if not t.is_space
        )
        result.append(Sentence(index, start, end, tokens))
    return result


def merge_for_spans(sentences: list[Sentence], spans: Iterable[tuple[int, int]], text: str) -> list[Sentence]:
    """Merge adjacent computed sentences that an annotated span crosses, unless a blank line lies between.

    Returns the merged sentences; a span across a blank line is left for the caller to reject.
    """
    if not sentences:
        return sentences
    join_after: set[int] = set()
    for start, end in spans:
        first = sentence_of(sentences, start)
        last = sentence_of(sentences, end - 1)
        for i in range(first, last):
            gap = text[sentences[i].end : sentences[i + 1].start]
            if gap.count("\n") < 2:
                join_after.add(i)
    if not join_after:
        return sentences
    merged: list[Sentence] = []
    pending: Sentence | None = None
    for i, sentence in enumerate(sentences):
        if pending is None:
            pending = sentence
        else:
            pending = Sentence(0, pending.start, sentence.end, pending.tokens + sentence.tokens)
        if i not in join_after:
            merged.append(Sentence(len(merged), pending.start, pending.end, pending.tokens))
            pending = None
    if pending is not None:
        merged.append(Sentence(len(merged), pending.start, pending.end, pending.tokens))
    return merged


def complete_sentences(
    documents: Iterable[tuple[str, Sequence[Sentence] | None, Iterable[tuple[int, int]]]],
) -> list[list[Sentence]]:
    """The sentences, with tokens, of each (text, sentences given or None, annotated spans) of an import.

    Given sentences keep their offsets and get tokens where they have none. A
    document without them is segmented (in batches) and adjacent sentences that an
    annotated span crosses are merged, unless a blank line lies between.
    """
    requests = list(documents)
    missing = [index for index, (_text, given, _spans) in enumerate(requests) if given is None]
    computed = dict(zip(missing, segment_many(requests[index][0] for index in missing)))
    result: list[list[Sentence]] = []
    for index, (text, given, spans) in enumerate(requests):
        if given is None:
            result.append(merge_for_spans(computed.pop(index), spans, text))
            continue
        sentences = list(given)
        if any(not s.tokens for s in sentences):
            tokenized = tokenize_spans(text, [(s.start, s.end) for s in sentences])
            sentences = [s if s.tokens else t for s, t in zip(sentences, tokenized)]
        result.append(sentences)
    return result


# A text is taken as hard-wrapped when at least this many line breaks fall where a
# wrapping editor would have put them, and no line is longer than WRAP_WIDTH_MAX.
WRAPPED_BREAKS_MIN = 3
WRAP_WIDTH_MAX = 100


def unwrap(text: str) -> str:
    """The text with the line breaks of hard-wrapped paragraphs turned into spaces.

    A break is a wrap when the line before it is long enough that the next line's first
    word would not have fitted on it (the rule of every greedy wrapper, at the widest
    line's width). The result has the same length as `text`, so every offset into it is
    an offset into the original; a text without such breaks comes back unchanged.
    """
    lines = [(m.start(), m.end()) for m in _LINE.finditer(text)]
    if len(lines) < WRAPPED_BREAKS_MIN + 1:
        return text
    width = max(len(text[start:end].rstrip()) for start, end in lines)
    if width > WRAP_WIDTH_MAX:
        return text
    joins = []
    for (start, end), (next_start, next_end) in zip(lines, lines[1:]):
        between = text[end:next_start]
        if _line_breaks_in(between) != 1 or text[next_start:next_end].isspace():
            continue
        line = text[start:end].rstrip()
        following = text[next_start:next_end].split()
        if line and following and len(line) + 1 + len(following[0]) > width:
            joins.append((end, next_start))
    if len(joins) < WRAPPED_BREAKS_MIN:
        return text
    pieces = []
    last = 0
    for end, next_start in joins:
        pieces.append(text[last:end])
        pieces.append(" " * (next_start - end))
        last = next_start
    pieces.append(text[last:])
    return "".join(pieces)


_LINE = re.compile(r"[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _line_breaks_in(whitespace: str) -> int:
    """How many line breaks a run of whitespace holds (CR LF counts once)."""
    return len(_BREAK.findall(whitespace))
