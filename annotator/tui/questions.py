"""What the review screen shows before a bulk decision: the previews to choose from, each under a key.

Each function reads the session and returns either a line to show (there is nothing
to decide) or the `Scope`s the bulk preview offers, the first shown at once. The
previews are read when the key is pressed, for the row under the cursor then, so the
answer applies to what the reviewer was shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.review.session import BulkPreview, ReviewSession, Row

NOT_IN_ADJUDICATION = (
    "Adjudication settles one disagreement at a time: this bulk key would also decide, in the shared lane,"
    " candidates the reviewers agree on."
)


@dataclass(frozen=True)
class Scope:
    """One preview a bulk key offers, shown when its key is pressed in the preview ("d": this document)."""

    key: str
    name: str
    preview: BulkPreview


def rest_of_sentence(session: ReviewSession) -> list[Scope] | str:
    """Accept the pending candidates of the current sentence (one undo step)."""
    preview = session.preview_rest_of_sentence()
    if not preview.total:
        return "Nothing pending in this sentence."
    return [Scope("y", "this sentence", preview)]


def label_or_score(session: ReviewSession, row: Row | None) -> list[Scope] | str:
    """Accept every pending entity with this entity's label, or scoring at least its score, in the document or corpus."""
    if session.adjudication is not None:
        return NOT_IN_ADJUDICATION
    document = session.preview_label(row, whole_corpus=False)
    corpus = session.preview_label(row, whole_corpus=True)
    if row is None or document is None or corpus is None:
        return "Put the cursor on an entity to accept all of its label."
    scopes = [Scope("d", "label, this document", document), Scope("c", "label, whole corpus", corpus)]
    scored_document = session.preview_score(row, whole_corpus=False)
    scored_corpus = session.preview_score(row, whole_corpus=True)
    if scored_document is not None and scored_corpus is not None:
        scopes += [Scope("s", "score, this document", scored_document), Scope("t", "score, whole corpus", scored_corpus)]
    return scopes


def identical_mentions(session: ReviewSession, row: Row | None) -> list[Scope] | str:
    """Give the pending mentions identical to a decided entity its decision (one undo step)."""
    if session.adjudication is not None:
        return NOT_IN_ADJUDICATION
    preview = session.preview_identical(row)
    if preview is None or row is None:
        return "Decide an entity first, then apply its decision to the identical mentions."
    if not preview.total:
        return "No pending identical mention in this document."
    return [Scope("y", "identical mentions", preview)]
