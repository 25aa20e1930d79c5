"""Adjudication: the targets reviewers disagree on, which rows the review screen lists for them, and what each decided.

`Adjudication` reads the disputes once, when it is opened (see `sources.disputes`: the
reviewer lanes that decided a target disagree, on its status or its corrections, and
the shared lane has not decided it). The set stays fixed while the adjudicator works,
so a settled dispute stays listed with the reviewers' decisions beside it (and undo
opens it again); a dispute is open while its shared-lane state is still undecided.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from annotator.domain import Argument, Entity, Event, Review, Status, TargetKind
from annotator.review.document import DocumentView, Row
from annotator.store import Repository
from annotator.store.sources import Dispute, settles

NO_DISPUTES_LEFT = "No disagreement left to adjudicate: every one has a final state."
_SPANS = {
    TargetKind.ENTITY: ("start", "end"),
    TargetKind.EVENT: ("trigger_start", "trigger_end"),
    TargetKind.ARGUMENT: ("start", "end"),
}


class Adjudication:
    """The disputes of the store (or of some reviewers), by document, as they stood when adjudication began."""

    def __init__(self, repository: Repository, reviewers: Sequence[str] | None = None):
        self.repository = repository
        self.reviewers = None if reviewers is None else list(reviewers)
        """The reviewer lanes compared; None for every lane."""
        found = repository.disputes(self.reviewers)
        self.disputes: dict[tuple[TargetKind, int], Dispute] = {(d.kind, d.pk): d for d in found}
        """Every disputed target by (kind, key)."""
        self.document_pks: list[int] = list(dict.fromkeys(d.document_pk for d in found))
        """The documents holding a dispute, in import order."""

    def __len__(self) -> int:
        return len(self.disputes)

    def dispute_of(self, row: Row) -> Dispute | None:
        """The dispute over a row's target, or None for a row listed only as context (an event of a disputed argument)."""
        return self.disputes.get((row.kind, row.pk))

    def is_open(self, row: Row) -> bool:
        """Whether a row is a dispute the shared lane has not decided yet (as the row was drawn)."""
        return (row.kind, row.pk) in self.disputes and not settles(row.status)

    def settled_count(self) -> int:
        """How many of the disputes the shared lane has decided by now (reads the disputes' documents)."""
        still_open = {(d.kind, d.pk) for d in self.repository.disputes(self.reviewers, self.document_pks)}
        return sum(1 for key in self.disputes if key not in still_open)

    def rows_of_sentence(self, view: DocumentView, index: int) -> list[Row]:
        """A sentence's disputed rows in list order: entities by position, then each event with a dispute and its disputed arguments.

        An event is listed when it or one of its arguments is disputed, so an argument is
        always seen under its event. Another reviewer's addition is listed though the
        shared lane has it withdrawn: taking it or not is the adjudicator's choice.
        """
        rows: list[Row] = []
        for entity in sorted(view.entities_in.get(index, ()), key=lambda e: e.final_span):
            if (TargetKind.ENTITY, entity.pk) in self.disputes:
                rows.append(Row(TargetKind.ENTITY, _key(entity), entity.review.status))
        for event in view.events_in.get(index, ()):
            arguments = [a for a in event.arguments if (TargetKind.ARGUMENT, a.pk) in self.disputes]
            if (TargetKind.EVENT, event.pk) not in self.disputes and not arguments:
                continue
            rows.append(Row(TargetKind.EVENT, _key(event), event.review.status))
            rows += [Row(TargetKind.ARGUMENT, _key(a), a.review.status, event.pk) for a in arguments]
        return rows

    def verdicts(self, view: DocumentView, row: Row) -> list[tuple[str, str]]:
        """(reviewer, what they decided) for each reviewer of a disputed row, such as ("bo", "fixed, label → GPE").

        Plain text from the store and the files: the screen renders it, never parses it.
        """
        dispute = self.dispute_of(row)
        if dispute is None:
            return []
        return [(lane, verdict(view, row, review)) for lane, review in dispute.reviews.items()]


def verdict(view: DocumentView, row: Row, review: Review) -> str:
    """One reviewer's decision on a row's target in words: its status, then each correction ("label → GPE", «words»)."""
    if review.status is Status.WITHDRAWN:
        return "not added"
    words = [review.status.value]
    fixed = dict(review.fixed)
    span = _SPANS[row.kind]
    if any(name in fixed for name in span):
        machine = _machine_values(view, row)
        start, end = (fixed.get(name, machine.get(name)) for name in span)
        if isinstance(start, int) and isinstance(end, int):
            words.append(f"span → «{view.document.text[start:end]}»")
        for name in span:
            fixed.pop(name, None)
    words += [f"{name} → {_value(value)}" for name, value in sorted(fixed.items())]
    return ", ".join(words)


def _machine_values(view: DocumentView, row: Row) -> Mapping[str, Any]:
    """The values a target had before any correction, as its row's kind names them."""
    if row.kind is TargetKind.ENTITY:
        entity = view.entity(row.pk)
        return {"start": entity.start, "end": entity.end}
    if row.kind is TargetKind.EVENT:
        event = view.event(row.pk)
        return {"trigger_start": event.trigger_start, "trigger_end": event.trigger_end}
    assert row.event_pk is not None
    argument = view.argument(row.event_pk, row.pk)
    return {"start": argument.start, "end": argument.end}


def _value(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{name}: {inner}" for name, inner in value.items())
    return str(value)


def _key(item: Entity | Event | Argument) -> int:
    assert item.pk is not None, f"{item!r} was not loaded from the store"
    return item.pk
