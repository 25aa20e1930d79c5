"""Precision and recall of candidates against a gold annotation of the same documents.

Spans match exactly (same offsets). Entities must agree on the label, triggers on
the event type, arguments on the trigger span, the role and the argument's extent
(whichever entity it refers to), and each event attribute on the trigger span, the
attribute's name and its value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from annotator.domain import Document
from annotator.formats.exporting import ExportFilter, ExportSummary, final_view

KINDS = ("entities", "triggers", "arguments", "attributes")
"""The kinds of item scored, in the order they are reported."""


@dataclass(frozen=True)
class Score:
    """Counts and the derived precision, recall and F1 of one kind of item."""

    true_positives: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        """The share of predicted items that are in the gold annotation."""
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        """The share of gold items that were predicted."""
        return self.true_positives / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        """The harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __str__(self) -> str:
        return f"P {self.precision:.2f}  R {self.recall:.2f}  F1 {self.f1:.2f}  ({self.true_positives}/{self.predicted} predicted, {self.gold} gold)"


def items(document: Document) -> dict[str, set[tuple]]:
    """The comparable items of a document: entities, triggers, arguments and attributes (final values, rejected left out)."""
    view = final_view(document, ExportFilter(), ExportSummary())
    assert view is not None  # an unfiltered view always exists
    return {
        "entities": {(document.id, e.start, e.end, e.label) for e in view.entities},
        "triggers": {(document.id, e.start, e.end, e.type) for e in view.events},
        "arguments": {
            (document.id, e.start, e.end, a.role, a.start, a.end) for e in view.events for a in e.arguments
        },
        "attributes": {
            (document.id, e.start, e.end, name, value) for e in view.events for name, value in e.attributes.items()
        },
    }


def score(gold: Iterable[Document], predicted: Iterable[Document]) -> dict[str, Score]:
    """Scores per kind of item over all documents."""
    gold_items: dict[str, set] = {kind: set() for kind in KINDS}
    predicted_items: dict[str, set] = {kind: set() for kind in KINDS}
    for document in gold:
        for kind, found in items(document).items():
            gold_items[kind] |= found
    for document in predicted:
        for kind, found in items(document).items():
            predicted_items[kind] |= found
    return {
        kind: Score(len(gold_items[kind] & predicted_items[kind]), len(predicted_items[kind]), len(gold_items[kind]))
        for kind in gold_items
    }
