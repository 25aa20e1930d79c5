"""Where the reviewer reads, as the review screen's widgets draw it: one immutable snapshot of the session."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from annotator.review.document import DocumentView
from annotator.review.session import ReviewSession, Row

PAGE_ROWS = 200
"""Rows the candidate list holds at a time: a sentence of thousands of candidates is listed a page at a time."""


@dataclass(frozen=True)
class Place:
    """A document as last loaded, one of its sentences, the rows the filter lists, and the page of them on screen.

    `rows` holds every row the filter keeps; the list shows the page of `PAGE_ROWS` rows
    holding the cursor, and only those rows' hints and warnings are worked out (a
    sentence of 10,000 candidates would otherwise cost seconds per key). `hints` holds
    the letters that `jump` takes to each row of the page; `warnings` what each shows.
    """

    view: DocumentView | None
    document_index: int
    document_count: int
    sentence_index: int
    row_filter: str
    rows: tuple[Row, ...]
    page_start: int = 0
    """Index in `rows` of the first row of the page on screen."""
    hints: tuple[str, ...] = ()
    warnings: tuple[tuple[str, ...], ...] = ()
    needs_confirmation: bool = False
    """The sentence keeps no candidate and nobody confirmed that it holds nothing."""
    match: tuple[int, int] | None = None
    """Character offsets of the last match of find in this document, for the article to highlight."""
    revision: int = 0
    """The view's `revision` when the place was taken: a decision updates the view in place, and the place differs."""

    @classmethod
    def of(cls, session: ReviewSession) -> Place:
        """Where a session stands now, with the page of rows that holds its cursor."""
        s = session
        rows = tuple(s.rows)
        start = page_start(s.cursor, len(rows))
        page = rows[start : start + PAGE_ROWS]
        hints = tuple(hint for hint, _row in s.row_hints())[start : start + PAGE_ROWS]
        warnings = tuple(tuple(s.warnings(row)) for row in page) if s.view is not None else ()
        return cls(
            s.view, s.document_index, s.document_count, s.sentence_index, s.row_filter, rows, start, hints, warnings,
            s.needs_confirmation, s.match, 0 if s.view is None else s.view.revision,
        )

    @property
    def page(self) -> tuple[Row, ...]:
        """The rows the candidate list holds now."""
        return self.rows[self.page_start : self.page_start + PAGE_ROWS]

    @property
    def position(self) -> str:
        """Document and sentence as the header shows them, counting from one."""
        sentences = len(self.view.document.sentences) if self.view else 0
        return f"doc {self.document_index + 1}/{self.document_count} · sentence {self.sentence_index + 1}/{sentences}"

    @property
    def short_position(self) -> str:
        """Sentence (and document, when there are several) for a narrow header: "12/47", "doc 2/5 · 12/47"."""
        sentences = len(self.view.document.sentences) if self.view else 0
        here = f"{self.sentence_index + 1}/{sentences}"
        return here if self.document_count <= 1 else f"doc {self.document_index + 1}/{self.document_count} · {here}"

    @cached_property
    def _on_page(self) -> dict[Row, int]:
        """Where each row of the page is on it: asked for every line drawn."""
        return {row: index for index, row in enumerate(self.page)}

    def lists(self, row: Row | None) -> bool:
        """Whether a row is one of the rows the filter keeps (looked for in the page first: the cursor is there)."""
        return row is not None and (row in self._on_page or row in self.rows)

    def warnings_of(self, row: Row) -> tuple[str, ...]:
        """The warnings a row of the page shows; none for a row not on the page."""
        index = self._on_page.get(row)
        return () if index is None or index >= len(self.warnings) else self.warnings[index]


def page_start(cursor: int, count: int) -> int:
    """The first row of the page holding the cursor: pages are fixed, so moving within one never relists it."""
    if count <= PAGE_ROWS:
        return 0
    return max(0, min(cursor, count - 1)) // PAGE_ROWS * PAGE_ROWS
