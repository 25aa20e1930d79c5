"""Messages the review screens post when something has happened: past-tense events, handled with `@on`.

Workers that read the whole store (progress, the documents list, the statistics) run
off the UI thread and only post one of these; the screen that handles it owns the widgets.
"""

from __future__ import annotations

from typing import Any

from textual.message import Message

from annotator.review.session import Progress
from annotator.store import DocumentSummary, FlaggedItem


class DecisionRecorded(Message):
    """A key wrote to the store (a decision, a fix, a flag, a note, an undo): the progress needs a recount."""


class ProgressCounted(Message):
    """A worker counted how far the review is: candidates decided, sentences seen."""

    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self.progress = progress
        """The counts, as the session reads them from the store."""


class DocumentsListed(Message):
    """A worker read every document with its review progress."""

    def __init__(self, summaries: list[DocumentSummary]) -> None:
        super().__init__()
        self.summaries = summaries
        """One summary per document, in review order."""


class FiguresCounted(Message):
    """A worker counted the decisions per label, event type and role, and each reviewer's throughput."""

    def __init__(self, figures: dict[str, Any]) -> None:
        super().__init__()
        self.figures = figures
        """What `Repository.review_figures` returns."""


class FlagsListed(Message):
    """A worker read every flagged or noted candidate of the store."""

    def __init__(self, items: list[FlaggedItem]) -> None:
        super().__init__()
        self.items = items
        """In document order, then by position in the text."""
