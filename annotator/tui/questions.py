"""What the review screen asks before a bulk decision, and what each answer does.

Each function reads the session and returns either a line to show (there is nothing
to decide) or a `Question`: a title, lettered answers, and what a chosen letter
applies, counted. The previews are read when the key is pressed, for the row under
the cursor then, so the answer applies to what the reviewer was shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from annotator.review.session import BulkPreview, ReviewSession, Row


@dataclass(frozen=True)
class Question:
    """A lettered question before a bulk decision; `apply(letter)` decides and returns how many candidates."""

    title: str
    answers: list[tuple[str, str]]
    apply: Callable[[str], int]


def rest_of_sentence(session: ReviewSession) -> Question | str:
    """Accept the pending candidates of the current sentence (one undo step)."""
    preview = session.preview_rest_of_sentence()
    if not preview.total:
        return "Nothing pending in this sentence."
    return Question(
        "Accept the rest of the sentence?", [("y", f"accept {preview.total} pending candidates (one undo step)")],
        lambda _letter: session.apply_preview(preview),
    )


def label_or_score(session: ReviewSession, row: Row | None) -> Question | str:
    """Accept every pending entity with this entity's label, or scoring at least its score, in the document or corpus."""
    previews: dict[str, BulkPreview | None] = {
        "d": session.preview_label(row, whole_corpus=False),
        "c": session.preview_label(row, whole_corpus=True),
        "s": session.preview_score(row, whole_corpus=False),
        "t": session.preview_score(row, whole_corpus=True),
    }
    document, corpus = previews["d"], previews["c"]
    if row is None or document is None or corpus is None:
        return "Put the cursor on an entity to accept all of its label."
    entity = session.entity(row.pk)
    label = entity.final("label")
    answers = [("d", f"every pending {label} in this document: {document.total}"),
               ("c", f"every pending {label} in the whole corpus: {corpus.total}")]
    scored_document, scored_corpus = previews["s"], previews["t"]
    if scored_document is not None and scored_corpus is not None and entity.score is not None:
        answers += [("s", f"every pending entity scoring ≥ {entity.score:.2f} in this document: {scored_document.total}"),
                    ("t", f"every pending entity scoring ≥ {entity.score:.2f} in the whole corpus: {scored_corpus.total}")]

    def apply(letter: str) -> int:
        preview = previews.get(letter)
        return 0 if preview is None else session.apply_preview(preview)

    return Question("Accept in bulk (one undo step)", answers, apply)


def identical_mentions(session: ReviewSession, row: Row | None) -> Question | str:
    """Give the pending mentions identical to a decided entity its decision (one undo step)."""
    preview = session.preview_identical(row)
    if preview is None or row is None or session.document is None:
        return "Decide an entity first, then apply its decision to the identical mentions."
    if not preview.total:
        return "No pending identical mention in this document."
    entity = session.entity(row.pk)
    words = session.document.text[entity.start : entity.end]
    return Question(
        f"Apply this decision to the other mentions of «{words}»?",
        [("y", f"{preview.total} pending mentions with the same text and label (one undo step)")],
        lambda _letter: session.apply_preview(preview),
    )
