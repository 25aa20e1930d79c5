"""Segmenting a text without sentences, a bounded piece at a time.

Pieces are cut at line breaks, which end sentences anyway, so cutting there must
change nothing; a line longer than a piece is cut at a sentence end or whitespace, so
its tokens stay whole. Offsets are always Python string indices into the original text.
"""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.domain import Sentence
from annotator.nlp.segment import (
    PIECE_CHARS,
    complete_sentences,
    has_line_break,
    iter_sentences,
    pieces_of,
    segment,
    segment_many,
    segmenter,
    unwrap,
)

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
WHOLE = 10**9  # a piece limit no test text reaches: the text is segmented in one piece

ARTICLE = (
    "Russia admits hitting non-ISIS targets in Syria\n\n"
    "Moscow has admitted that not all Russian air strikes hit ISIS. Officials said so on Thursday.\n\n"
    "Photo by: Reuters\r\nPhoto by: Reuters\n\n"
    "“They are terrorists,” Lavrov said. The US raised concerns!\u2028Smoke rose over Hama.\x0c"
    "Residents fled\x85towards Idlib? Others stayed.\n"
)


def texts_of(text: str, sentences: list[Sentence]) -> list[str]:
    return [text[s.start : s.end] for s in sentences]


def check_sentences(text: str, sentences: list[Sentence], limit: int) -> None:
    """What every segmentation must hold, whatever the pieces were."""
    unwrapped = unwrap(text)
    assert [s.index for s in sentences] == list(range(len(sentences)))
    previous_end = 0
    covered = 0
    for sentence in sentences:
        assert sentence.tokens, sentence
        assert (sentence.start, sentence.end) == (sentence.tokens[0][0], sentence.tokens[-1][1])
        assert not has_line_break(unwrapped[sentence.start : sentence.end]), sentence
        for start, end in sentence.tokens:
            assert previous_end <= start < end <= len(text)
            assert end - start <= limit
            token = text[start:end]
            assert not any(c.isspace() for c in token), (token, start)
            previous_end = end
            covered += end - start
    assert covered == sum(not c.isspace() for c in text)


def test_sentences_across_paragraphs_keep_offsets_into_the_original_text():
    whole = segment(ARTICLE, limit=WHOLE)
    assert texts_of(ARTICLE, whole) == [
        "Russia admits hitting non-ISIS targets in Syria",
        "Moscow has admitted that not all Russian air strikes hit ISIS.", "Officials said so on Thursday.",
        "Photo by: Reuters", "Photo by: Reuters",
        "“They are terrorists,” Lavrov said.", "The US raised concerns!", "Smoke rose over Hama.",
        "Residents fled", "towards Idlib?", "Others stayed.",
    ]
    for limit in (30, 64, 100):
        pieces = list(pieces_of(ARTICLE, limit))
        assert len(pieces) > 2 and pieces[0][0] == 0 and "".join(piece for _offset, piece in pieces) == ARTICLE
        assert all(len(piece) <= limit and ARTICLE[offset:].startswith(piece) for offset, piece in pieces)
        if limit == 100:  # every line fits in a piece: cuts only at line breaks, nothing changes
            assert segment(ARTICLE, limit=limit) == whole
        check_sentences(ARTICLE, segment(ARTICLE, limit=limit), limit)


def test_a_hard_wrapped_text_is_still_unwrapped_when_it_is_cut_into_pieces():
    paragraph = textwrap.fill(
        "Rebels attacked the town of Homs on Monday, killing at least twelve civilians and wounding dozens"
        " more, officials said. The army responded with artillery fire across the northern districts of the"
        " province late in the evening, and the fighting went on overnight.", 72
    )
    text = "Rebels attack Homs\n\n" + "\n\n".join([paragraph] * 40) + "\n"
    whole = segment(text, limit=WHOLE)
    assert len(whole) == 1 + 2 * 40
    assert texts_of(text, whole)[1].endswith("officials said.") and "\n" in texts_of(text, whole)[1]
    assert segment(text, limit=400) == whole  # every paragraph fits in a piece
    for limit in (400, 100):  # the wrapped lines are joined inside each piece, and across a cut
        assert "".join(piece for _offset, piece in pieces_of(text, limit)) == unwrap(text)
        check_sentences(text, segment(text, limit=limit), limit)


def test_a_line_longer_than_a_piece_is_cut_at_a_sentence_end_or_whitespace():
    line = " ".join(f"Sentence number {n} says that strikes hit Hama." for n in range(200))
    limit = 300
    pieces = list(pieces_of(line, limit))
    assert len(pieces) > len(line) // limit
    for _offset, piece in pieces[:-1]:
        assert piece.endswith(". "), piece[-20:]  # after a sentence end
    assert segment(line, limit=limit) == segment(line, limit=WHOLE)

    no_stops = " ".join(f"word{n}" for n in range(2000))
    cut = segment(no_stops, limit=limit)
    assert [t for s in cut for t in s.tokens] == [t for s in segment(no_stops, limit=WHOLE) for t in s.tokens]
    assert len(cut) > 1  # a piece boundary inside a line starts a sentence, but no token is split
    check_sentences(no_stops, cut, limit)


def test_a_run_without_whitespace_longer_than_a_piece_is_cut_inside_it_and_every_character_kept():
    text = "Intro line.\n" + "x" * 1000 + " tail."
    sentences = segment(text, limit=256)
    check_sentences(text, sentences, 256)
    assert "".join(text[s:e] for sentence in sentences for s, e in sentence.tokens) == "Introline." + "x" * 1000 + "tail."


def test_a_line_longer_than_spacys_max_length_segments_without_error():
    assert PIECE_CHARS * 2 < segmenter().max_length
    line = "Strikes hit Hama again today. " * (segmenter().max_length // 30 + 1000)
    sentences = segment(line)
    assert len(sentences) == line.count(".")
    assert sentences[-1].end == len(line) - 1 and sentences[-1].tokens[-1] == (len(line) - 2, len(line) - 1)


def test_segment_many_and_iter_sentences_agree_with_segment_for_each_text():
    texts = [ARTICLE, "", "   \n\n ", "One line only", ARTICLE * 3]
    many = list(segment_many(texts, batch_size=2, limit=50))
    assert len(many) == len(texts)
    assert many == [segment(t, limit=50) for t in texts]
    assert list(iter_sentences(ARTICLE * 3, limit=50, batch_size=1)) == many[-1]
    assert many[1] == many[2] == []


def test_an_annotated_span_across_a_cut_inside_a_line_joins_the_two_sentences_again():
    line = " ".join(f"word{n}" for n in range(200))
    limit = 300
    cut_at = len(next(iter(pieces_of(line, limit)))[1])
    span = (cut_at - 6, cut_at + 5)
    sentences = complete_sentences([(line, None, [span])])[0]
    assert any(s.start <= span[0] and span[1] <= s.end for s in sentences)


LINE_BREAKS = ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\n\n"]
PIECES_OF_TEXT = st.one_of(
    st.sampled_from(["Hama", "ISIS", "strikes", "U.S.", "“quoted”", "(Reuters)", "it's", "e.g.", "9,000", "—"]),
    st.sampled_from([".", "!", "?", "…", ",", '"', ")", " ", "  ", "\t", "\xa0"]),
    st.sampled_from(LINE_BREAKS),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=6),
)


@SETTINGS
@given(st.lists(PIECES_OF_TEXT, max_size=80).map(" ".join), st.integers(min_value=8, max_value=120))
def test_property_cutting_into_pieces_keeps_offsets_tokens_and_line_breaks(text, limit):
    sentences = segment(text, limit=limit)
    check_sentences(text, sentences, limit)
    assert "".join(piece for _offset, piece in pieces_of(text, limit)) == unwrap(text)
    whole = segment(text, limit=WHOLE)
    unwrapped = unwrap(text)
    lines = [len(line) for line in unwrapped.splitlines()] or [0]
    if max(lines) <= limit:  # every cut at a line break: the same sentences as in one piece
        assert sentences == whole
    runs = [len(run) for run in "".join(" " if c.isspace() else c for c in text).split()] or [0]
    if max(runs) < limit // 2:  # every cut at whitespace: no token is split
        assert [t for s in sentences for t in s.tokens] == [t for s in whole for t in s.tokens]


WORDS = st.sampled_from(["Rebels", "attacked", "Homs", "on", "Monday,", "killing", "twelve.", "The", "army", "“quoted”"])
WRAPPED_TEXTS = st.lists(
    st.tuples(st.lists(WORDS, min_size=1, max_size=60).map(" ".join), st.sampled_from([0, 20, 40, 72, 99, 120])),
    min_size=1, max_size=6,
).map(lambda paragraphs: "\n\n".join(textwrap.fill(p, width) if width else p for p, width in paragraphs) + "\n")


@SETTINGS
@given(WRAPPED_TEXTS, st.integers(min_value=16, max_value=400))
def test_property_hard_wrapped_text_is_joined_piece_by_piece_as_a_whole(text, limit):
    pieces = list(pieces_of(text, limit))
    assert "".join(piece for _offset, piece in pieces) == unwrap(text)
    assert [offset for offset, _piece in pieces] == [sum(len(p) for _o, p in pieces[:i]) for i in range(len(pieces))]
    sentences = segment(text, limit=limit)
    check_sentences(text, sentences, limit)
    if max(len(line) for line in unwrap(text).splitlines()) <= limit:
        assert sentences == segment(text, limit=WHOLE)


@pytest.mark.parametrize(("text", "expected"), [
    ("Crews entered the Blacksville No. 2 mine. Three men died.", ["Crews entered the Blacksville No. 2 mine.", "Three men died."]),
    ("Gates Nos. 4 and 5 were shut.", ["Gates Nos. 4 and 5 were shut."]),
    ("The vote was no. Two members left.", ["The vote was no.", "Two members left."]),
    ("He said no. 5 soldiers were killed.", ["He said no.", "5 soldiers were killed."]),
])
def test_a_full_stop_after_no_before_a_number_ends_no_sentence(text, expected):
    assert [text[s.start : s.end] for s in segment(text)] == expected


def test_the_parser_keeps_no_and_its_number_in_one_sentence():
    from annotator.nlp.extract import Extractor, load_pipeline

    doc = Extractor(load_pipeline()).nlp("Crews entered the Blacksville No. 2 mine on Wednesday. Three men died.")
    assert [s.text for s in doc.sents] == ["Crews entered the Blacksville No. 2 mine on Wednesday.", "Three men died."]
