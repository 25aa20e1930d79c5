"""A sentence's `Tokens` read exactly as the tuple of (start, end) tuples they replace, at 8 bytes a token;
segmented sentences held as `SentenceColumns` read exactly as the list of `Sentence` objects they replace."""

from __future__ import annotations

import pickle
import tracemalloc
from array import array

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.domain import NO_TOKENS, Sentence, SentenceColumns, Tokens, sentence_of
from annotator.nlp.segment import segment, segment_many

SETTINGS = settings(max_examples=300, deadline=None, derandomize=True)
OFFSETS = st.integers(min_value=0, max_value=2**32 - 1)
PAIRS = st.lists(st.tuples(OFFSETS, OFFSETS), max_size=40).map(tuple)
INDICES = st.integers(min_value=-45, max_value=45)
BOUNDS = st.none() | INDICES


@SETTINGS
@given(PAIRS, INDICES, BOUNDS, BOUNDS, st.none() | st.integers(min_value=-5, max_value=5).filter(bool))
def test_property_tokens_read_as_their_tuple_form(pairs, index, start, stop, step):
    tokens = Tokens(pairs)
    assert len(tokens) == len(pairs)
    assert bool(tokens) == bool(pairs)
    assert list(tokens) == list(pairs)
    assert tuple(tokens) == pairs
    assert tokens == pairs and pairs == tokens
    assert not tokens != pairs
    assert hash(tokens) == hash(pairs)
    assert list(reversed(tokens)) == list(reversed(pairs))
    if -len(pairs) <= index < len(pairs):
        assert tokens[index] == pairs[index]
    else:
        with pytest.raises(IndexError):
            tokens[index]
    chosen = tokens[start:stop:step]
    assert isinstance(chosen, Tokens)
    assert chosen == pairs[start:stop:step]
    assert tokens[start:stop] + tokens[stop:] == pairs[start:stop] + pairs[stop:]
    assert tokens[:index] + pairs[index:] == pairs
    assert pairs[:index] + tokens[index:] == pairs
    assert pickle.loads(pickle.dumps(tokens)) == tokens
    assert Tokens.from_packed(tokens.packed) == tokens
    assert Tokens.from_packed(Tokens(pairs).packed) == pairs
    assert len(tokens.packed) == 8 * len(pairs)


@SETTINGS
@given(PAIRS, PAIRS)
def test_property_tokens_equal_exactly_when_their_tuples_do(first, second):
    assert (Tokens(first) == Tokens(second)) == (first == second)
    assert (Tokens(first) == second) == (first == second)


def test_the_packed_form_is_the_stores_little_endian_uint32_pairs():
    tokens = Tokens(((1, 2), (258, 70000)))
    assert tokens.packed == bytes([1, 0, 0, 0, 2, 0, 0, 0, 2, 1, 0, 0, 0x70, 0x11, 1, 0])
    assert Tokens.from_packed(memoryview(tokens.packed)) == ((1, 2), (258, 70000))


def test_tokens_are_not_equal_to_other_kinds_of_sequence():
    tokens = Tokens(((0, 5),))
    assert tokens != [(0, 5)]
    assert tokens != ([0, 5],)
    assert tokens != "x"
    assert Tokens() == () == NO_TOKENS


def test_bad_tokens_are_refused():
    with pytest.raises(OverflowError):
        Tokens(((-1, 2),))
    with pytest.raises(OverflowError):
        Tokens(((0, 2**32),))
    with pytest.raises(ValueError, match="8 bytes each"):
        Tokens.from_packed(b"\x00" * 12)
    with pytest.raises(TypeError):
        Tokens((0, 1))  # a flat pair is not a sequence of pairs


def test_a_sentence_holds_its_tokens_packed_whatever_form_they_were_given_in():
    given_as_tuples = Sentence(0, 0, 9, ((0, 4), (5, 9)))
    assert isinstance(given_as_tuples.tokens, Tokens)
    assert given_as_tuples == Sentence(0, 0, 9, Tokens(((0, 4), (5, 9))))
    assert Sentence(0, 0, 9).tokens is NO_TOKENS


def test_a_million_tokens_take_about_eight_bytes_each():
    flat = array("I", range(2_000_000))
    tracemalloc.start()
    try:
        tokens = Tokens.from_packed(flat.tobytes())
        held, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(tokens) == 1_000_000
    assert held < 8.1 * 1_000_000  # a tuple of tuples of ints took about 120 bytes a token


ARTICLE = (
    "Russia admits hitting non-ISIS targets in Syria\n\n"
    "Moscow has admitted that not all Russian air strikes hit ISIS. Officials said so on Thursday.\n\n"
    "“They are terrorists,” Lavrov said. The US raised concerns!\u2028Smoke rose over Hama. Residents fled."
)


def test_segmented_sentences_held_as_columns_read_as_the_list_of_sentence_objects():
    [columns] = segment_many([ARTICLE], limit=40)
    listed = segment(ARTICLE, limit=40)
    assert isinstance(columns, SentenceColumns) and len(listed) > 5
    assert columns == listed and listed == columns and columns == tuple(listed)
    assert list(columns) == listed
    assert [columns[i] for i in range(-len(listed), len(listed))] == listed + listed
    assert columns[1:4] == tuple(listed[1:4]) and columns[::-2] == tuple(listed[::-2])
    assert all(isinstance(s.tokens, Tokens) for s in columns)
    assert [sentence_of(columns, offset) for offset in range(len(ARTICLE) + 1)] == [
        sentence_of(listed, offset) for offset in range(len(ARTICLE) + 1)
    ]
    assert pickle.loads(pickle.dumps(columns)) == columns
    assert columns != listed[:-1]
    with pytest.raises(IndexError):
        columns[len(listed)]


def test_columns_cost_a_few_bytes_a_sentence_beside_their_tokens():
    count = 100_000
    starts = range(0, 10 * count, 10)
    packed = Tokens((start, start + 5) for start in starts).packed
    tracemalloc.start()
    try:
        columns = SentenceColumns()
        columns.extend(starts, [start + 5 for start in starts], range(1, count + 1), packed)
        held, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert columns[-1] == Sentence(count - 1, 10 * (count - 1), 10 * (count - 1) + 5, ((10 * (count - 1), 10 * (count - 1) + 5),))
    assert held < (8 + 40) * count  # as Sentence objects, about 300 bytes a sentence beside its tokens
