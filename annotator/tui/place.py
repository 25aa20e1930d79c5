"""Where the reviewer reads, as the review screen's widgets draw it: one immutable snapshot of the session."""

from __future__ import annotations

from dataclasses import dataclass

from annotator.review.document import DocumentView
from annotator.review.session import ReviewSession, Row


@dataclass(frozen=True)
class Place:
    """A document as last loaded, one of its sentences, the rows the filter lists with their hints and warnings.

    `warnings` holds, for each row in order, the warnings it shows (dismissed ones left out);
    `hints` the letters that `jump` takes to each row.
    """

    view: DocumentView | None
    document_index: int
    document_count: int
    sentence_index: int
    row_filter: str
    rows: tuple[Row, ...]
    hints: tuple[str, ...] = ()
    warnings: tuple[tuple[str, ...], ...] = ()
    needs_confirmation: bool = False
    """The sentence keeps no candidate and nobody confirmed that it holds nothing."""
    match: tuple[int, int] | None = None
    """Character offsets of the last match of find in this document, for the article to highlight."""

    @classmethod
    def of(cls, session: ReviewSession) -> Place:
        """Where a session stands now."""
        s = session
        rows = tuple(s.rows)
        hints = tuple(hint for hint, _row in s.row_hints())
        warnings = tuple(tuple(s.warnings(row)) for row in rows) if s.view is not None else ()
        return cls(
            s.view, s.document_index, s.document_count, s.sentence_index, s.row_filter, rows, hints, warnings,
            s.needs_confirmation, s.match,
        )

    @property
    def position(self) -> str:
        """Document and sentence as the header shows them, counting from one."""
        sentences = len(self.view.document.sentences) if self.view else 0
        return f"doc {self.document_index + 1}/{self.document_count} · sentence {self.sentence_index + 1}/{sentences}"

    def warnings_of(self, row: Row) -> tuple[str, ...]:
        """The warnings a listed row shows; none for a row not listed."""
        try:
            return self.warnings[self.rows.index(row)]
        except (ValueError, IndexError):
            return ()
