"""Find text across the corpus: the next occurrence after the reviewer's place, wrapping round the end.

`Search` is what the session mixes in: it remembers the last query (the find prompt
offers it again) and the last match (where "find next" goes on from, and what the
article highlights), and puts the cursor on the row whose span holds the match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from annotator.domain import sentence_of
from annotator.review.document import DocumentView, Row
from annotator.review.position import ReviewPosition

WRAPPED = "Search wrapped round the corpus."


def matches(needle: str, text: str) -> Iterator[tuple[int, int]]:
    """Every occurrence of `needle` in `text`, ignoring case, as character offsets, in reading order."""
    for found in re.finditer(re.escape(needle), text, re.IGNORECASE):
        yield found.start(), found.end()


def row_holding(view: DocumentView, rows: list[Row], start: int, end: int) -> int | None:
    """Index of the row whose span holds a match: the narrowest that contains it, else the narrowest overlapping it."""
    best: tuple[bool, int, int] | None = None
    for index, row in enumerate(rows):
        span = view.span_of(row)
        if span is None or span[1] <= start or span[0] >= end:
            continue
        rank = (not (span[0] <= start and end <= span[1]), span[1] - span[0], index)
        if best is None or rank < best:
            best = rank
    return None if best is None else best[2]


class Search(ReviewPosition):
    """Find in the current document, then in the next ones, wrapping round the corpus."""

    last_query: str = ""
    """The text last searched for, for the find prompt to offer (selected, so typing replaces it)."""
    _found: tuple[int | None, int, int, int] | None = None  # document key, sentence, start, end of the last match

    @property
    def match(self) -> tuple[int, int] | None:
        """Character offsets of the last match while its document is open, for the article to highlight."""
        if self._found is None or self.view is None or self._found[0] != self.view.document.pk:
            return None
        return self._found[2], self._found[3]

    def find(self, needle: str, forward: bool = True) -> bool:
        """Go to the next (or previous) occurrence of `needle`, ignoring case, wrapping round the corpus.

        The cursor lands on the row whose span holds the match. Searching goes on from the
        last match while the reviewer stays in its sentence, else from the current sentence.
        False (and no move) when the corpus holds no occurrence.
        """
        if not needle:
            return False
        self.last_query = needle
        document = self._loaded().document
        assert document.pk is not None
        origin = self._search_origin(forward)
        found = [m for m in matches(needle, document.text) if (m[0] > origin if forward else m[0] < origin)]
        if found:
            return self._land(found[0] if forward else found[-1])
        for pk in self._documents_containing(needle, document.pk, forward):
            in_document = list(matches(needle, self.repository.load_document(pk=pk).text))
            if in_document:
                self.open_document(self._positions[pk])
                self.last_message = WRAPPED if (pk < document.pk) == forward else ""
                return self._land(in_document[0] if forward else in_document[-1])
        if self._loaded().document.pk != document.pk:
            self.open_document(self._positions[document.pk], self.sentence_index)
        everywhere = list(matches(needle, document.text))
        if not everywhere:
            return False
        self.last_message = WRAPPED
        return self._land(everywhere[0] if forward else everywhere[-1])

    def _search_origin(self, forward: bool) -> int:
        """The offset a search goes on from: the last match while still in its sentence, else the current sentence."""
        document = self._loaded().document
        if self._found is not None and self._found[:2] == (document.pk, self.sentence_index):
            return self._found[2]
        sentence = self.sentence
        return sentence.start - 1 if forward else sentence.end

    def _documents_containing(self, needle: str, document_pk: int, forward: bool) -> Iterator[int]:
        """The other documents whose text holds `needle`, in search order, wrapping round the corpus.

        Forward asks the store for one document at a time; backward has to list them all first,
        as the store only searches forward.
        """
        if forward:
            yield from self._found_after(needle, document_pk, stop=None)
            yield from self._found_after(needle, 0, stop=document_pk)  # document keys start at 1
            return
        found = list(self._found_after(needle, 0, stop=None))
        yield from [pk for pk in reversed(found) if pk < document_pk]
        yield from [pk for pk in reversed(found) if pk > document_pk]

    def _found_after(self, needle: str, after: int, stop: int | None) -> Iterator[int]:
        while (found := self.repository.find_text(needle, after)) is not None and (stop is None or found < stop):
            if found in self._positions:
                yield found
            after = found

    def _land(self, found: tuple[int, int]) -> bool:
        view = self._loaded()
        start, end = found
        self.goto_sentence(sentence_of(view.document.sentences, start))
        index = row_holding(view, self.rows, start, end)
        self.cursor = 0 if index is None else index
        self._found = (view.document.pk, self.sentence_index, start, end)
        return True
