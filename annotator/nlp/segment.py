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
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from annotator.domain import Sentence, SentenceColumns, Tokens, sentence_of

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc, Token

_LINE_BREAKS = frozenset("\n\r\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85")


def has_line_break(whitespace: str) -> bool:
    """True when the text holds any character that Python's str.splitlines breaks at."""
    return not _LINE_BREAKS.isdisjoint(whitespace)


SENTENCE_RULES_COMPONENT = "annotator_sentence_rules"
SENTENCE_FINAL = frozenset({".", "!", "?", "…", "...", "?!", "!?"})
CLOSING_MARKS = frozenset({'"', "'", "”", "’", ")", "]", "»", "›"})


NUMBER_SIGNS = frozenset({"No", "Nos"})  # not "He said no. 5 soldiers were killed"


def numbered(before_previous: Token | None, previous: Token, token: Token) -> bool:
    """True for the full stop of "No." before a number ("the Blacksville No. 2 mine"): no sentence ends there."""
    return previous.text == "." and before_previous is not None and before_previous.text in NUMBER_SIGNS \
        and not before_previous.whitespace_ and token.text[:1].isdigit()


NUMBERED_COMPONENT = "annotator_numbered"


def _register_numbered() -> None:
    from spacy.language import Language

    if Language.has_factory(NUMBERED_COMPONENT):
        return

    @Language.component(NUMBERED_COMPONENT)
    def joined_numbers(doc: Doc) -> Doc:
        """Undo the sentencizer's split after "No." before a number."""
        for token in doc[2:]:
            if token.is_sent_start and numbered(doc[token.i - 2], doc[token.i - 1], token):
                token.is_sent_start = False
        return doc


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
                ends = previous.text in SENTENCE_FINAL and not numbered(before_previous, previous, token) or (
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
    _register_numbered()
    nlp.add_pipe(NUMBERED_COMPONENT)
    return nlp


def pieces_of(text: str, limit: int = PIECE_CHARS) -> Iterator[tuple[int, str]]:
    """(offset, piece) of consecutive pieces of the unwrapped text that together make it up, none longer than `limit`.

    A piece ends after the last line break that fits; a longer line is cut after its last
    sentence-final punctuation in the second half of the piece, else after its last whitespace
    there, and only a run of `limit` characters without whitespace is cut inside a word.
    Wrapped lines are joined a piece at a time, so the unwrapped text is never held whole.
    """
    if limit < 2:
        raise ValueError("a piece must hold at least 2 characters")
    join_starts, join_ends = wrap_joins(text)
    start, length = 0, len(text)
    while length - start > limit:
        window = _joined(text, start, start + limit, join_starts, join_ends)
        piece = window[: _cut(window, 0, limit)]
        yield start, piece
        start += len(piece)
    if start < length or not text:
        yield start, _joined(text, start, length, join_starts, join_ends)


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


def sentences_of_piece(doc: Doc, piece: str, offset: int, first_index: int = 0) -> list[Sentence]:
    """Sentences of the Doc of `piece`, which starts at `offset` of its text, never across a line break."""
    starts, ends, token_ends, packed = _piece_columns(doc, piece, offset)
    return [
        Sentence(first_index + number, start, end, Tokens.from_packed(packed[first * 8 : last * 8]))
        for number, (start, end, first, last) in enumerate(zip(starts, ends, [0, *token_ends], token_ends))
    ]


def _piece_columns(doc: Doc, piece: str, offset: int) -> tuple[list[int], list[int], list[int], bytes]:
    """The sentences of a piece's Doc as columns: starts, ends, where each one's tokens end, and the tokens packed.

    Reads the Doc as arrays rather than as Token objects, which would cost more than the tokenizer,
    and packs the tokens as the store keeps them (`Tokens.packed`), never as Python tuples.
    """
    import numpy
    from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START

    rows = doc.to_array([IDX, LENGTH, IS_SPACE, SENT_START]).astype(numpy.int64)
    if not len(rows):
        return [], [], [], b""
    is_space = rows[:, 2] == 1
    breaks = numpy.zeros(len(rows), dtype=numpy.int64)
    for position in numpy.flatnonzero(is_space).tolist():
        idx, length = int(rows[position, 0]), int(rows[position, 1])
        breaks[position] = has_line_break(piece[idx : idx + length])
    starts = rows[:, 0] + offset
    ends = starts + rows[:, 1]
    words = numpy.flatnonzero(~is_space)
    if not len(words):
        return [], [], [], b""
    breaks_before = numpy.cumsum(breaks)[words]
    opens = (rows[words, 3] == 1) | (numpy.diff(breaks_before, prepend=breaks_before[0]) > 0)
    opens[0] = True
    if int(ends[words[-1]]) > _MAX_OFFSET:
        raise ValueError(f"a text longer than {_MAX_OFFSET:,} characters cannot be stored")
    pairs = numpy.empty((len(words), 2), dtype="<u4")
    pairs[:, 0], pairs[:, 1] = starts[words], ends[words]
    firsts = numpy.flatnonzero(opens)
    lasts = numpy.append(firsts[1:], len(words))
    return pairs[firsts, 0].tolist(), pairs[lasts - 1, 1].tolist(), lasts.tolist(), pairs.tobytes()


# Token offsets are stored as uint32.
_MAX_OFFSET = 2**32 - 1


def _pieces(texts: Iterable[str], limit: int) -> Iterator[tuple[str, tuple[str, int, bool]]]:
    """Each text's pieces for `nlp.pipe`, with (the piece, its offset, whether it is the text's last)."""
    for text in texts:
        following = pieces_of(text, limit)
        offset, piece = next(following)
        for upcoming in following:
            yield piece, (piece, offset, False)
            offset, piece = upcoming
        yield piece, (piece, offset, True)


def _segmented_pieces(texts: Iterable[str], batch_size: int, limit: int) -> Iterator[tuple[Doc, str, int, bool]]:
    """Each piece of each text as spaCy segmented it: (its Doc, the piece, its offset, whether it ends its text)."""
    for doc, (piece, offset, last) in segmenter().pipe(_pieces(texts, limit), as_tuples=True, batch_size=batch_size):
        yield doc, piece, offset, last


def iter_sentences(text: str, limit: int = PIECE_CHARS, batch_size: int = 16) -> Iterator[Sentence]:
    """The sentences of one text, a piece at a time: memory grows with what the caller keeps, not with the text."""
    count = 0
    for doc, piece, offset, _last in _segmented_pieces([text], batch_size, limit):
        found = sentences_of_piece(doc, piece, offset, count)
        count += len(found)
        yield from found


def segment_many(texts: Iterable[str], batch_size: int = 64, limit: int = PIECE_CHARS) -> Iterator[SentenceColumns]:
    """The sentences of each text, in order, through spaCy's batched pipe a bounded piece at a time.

    Each text's sentences come as columns (`SentenceColumns`): a book-sized text has hundreds
    of thousands, which as `Sentence` objects would cost more than their tokens.
    """
    sentences = SentenceColumns()
    for doc, piece, offset, last in _segmented_pieces(texts, batch_size, limit):
        sentences.extend(*_piece_columns(doc, piece, offset))
        if last:
            yield sentences
            sentences = SentenceColumns()


def segment(text: str, limit: int = PIECE_CHARS) -> list[Sentence]:
    """Split a text into sentences with their tokens (offsets into `text`, end-exclusive)."""
    return list(iter_sentences(text, limit))


def tokenize_spans(text: str, spans: Sequence[tuple[int, int]]) -> list[Sentence]:
    """Sentences at the given offsets, with tokens from the blank tokenizer (for files that give sentences)."""
    tokenizer = segmenter().tokenizer
    result = []
    for index, (start, end) in enumerate(spans):
        doc = tokenizer(text[start:end])
        tokens = Tokens((start + t.idx, start + t.idx + len(t.text)) for t in doc if not t.is_space)
        result.append(Sentence(index, start, end, tokens))
    return result


def merge_for_spans(sentences: Sequence[Sentence], spans: Iterable[tuple[int, int]], text: str) -> Sequence[Sentence]:
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
) -> list[Sequence[Sentence]]:
    """The sentences, with tokens, of each (text, sentences given or None, annotated spans) of an import.

    Given sentences keep their offsets and get tokens where they have none. A
    document without them is segmented (in batches) and adjacent sentences that an
    annotated span crosses are merged, unless a blank line lies between.
    """
    requests = list(documents)
    missing = [index for index, (_text, given, _spans) in enumerate(requests) if given is None]
    computed = dict(zip(missing, segment_many(requests[index][0] for index in missing)))
    result: list[Sequence[Sentence]] = []
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


def wrap_joins(text: str) -> tuple[array[int], array[int]]:
    """Where hard-wrapped paragraphs were broken: the (start, end) of each wrapping line break, as two arrays.

    A break is a wrap when the line before it is long enough that the next line's first
    word would not have fitted on it (the rule of every greedy wrapper, at the widest
    line's width). Lines are visited twice rather than listed, so a book-sized text costs
    no more than its breaks (16 bytes each).
    """
    starts, ends = array("q"), array("q")
    lines = width = 0
    for match in _LINE.finditer(text):
        lines += 1
        width = max(width, len(match.group().rstrip()))
    if lines < WRAPPED_BREAKS_MIN + 1 or width > WRAP_WIDTH_MAX:
        return starts, ends
    previous: tuple[int, int] | None = None
    for match in _LINE.finditer(text):
        next_start, next_end = match.span()
        if previous is not None:
            start, end = previous
            if _line_breaks_in(text[end:next_start]) == 1 and not text[next_start:next_end].isspace():
                line = text[start:end].rstrip()
                following = text[next_start:next_end].split()
                if line and following and len(line) + 1 + len(following[0]) > width:
                    starts.append(end)
                    ends.append(next_start)
        previous = (next_start, next_end)
    if len(starts) < WRAPPED_BREAKS_MIN:
        return array("q"), array("q")
    return starts, ends


def unwrap(text: str) -> str:
    """The text with the line breaks of hard-wrapped paragraphs (`wrap_joins`) turned into spaces.

    The result has the same length as `text`, so every offset into it is an offset into
    the original; a text without such breaks comes back unchanged.
    """
    return _joined(text, 0, len(text), *wrap_joins(text))


def _joined(text: str, start: int, stop: int, join_starts: array[int], join_ends: array[int]) -> str:
    """`text[start:stop]` with the wrapping breaks that fall inside it turned into spaces."""
    first = bisect_right(join_ends, start)
    if first == len(join_starts) or join_starts[first] >= stop:
        return text[start:stop]
    pieces = []
    last = start
    for index in range(first, len(join_starts)):
        blank_from, blank_to = max(join_starts[index], start), min(join_ends[index], stop)
        if blank_from >= stop:
            break
        pieces.append(text[last:blank_from])
        pieces.append(" " * (blank_to - blank_from))
        last = blank_to
    pieces.append(text[last:stop])
    return "".join(pieces)


_LINE = re.compile(r"[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _line_breaks_in(whitespace: str) -> int:
    """How many line breaks a run of whitespace holds (CR LF counts once)."""
    return len(_BREAK.findall(whitespace))
