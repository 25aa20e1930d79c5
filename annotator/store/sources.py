"""Final states across lanes: which review of a target an export gives when reviewers decided in lanes of their own.

A source names how the lanes (see `lanes`) are read:

* `FINAL`: a target's state in the shared lane '' when it was decided there (work
  done alone, or a disagreement adjudicated: see `disputes`); else the state the
  reviewer lanes that decided it agree on (same status, same corrections); else,
  when they disagree, undecided (pending), and counted.
* `MAJORITY`: the state most of the lanes that decided the target gave it; a tie
  leaves it undecided, and is counted.
* any other name: that reviewer's lane, in the documents where it has a state, and
  the shared lane in the documents it never touched (`SHARED`, '', is the shared lane alone).

A reviewer cannot see another's additions, so an addition counts as decided against
by every other reviewer lane that worked on the same document: it is kept only when
the reviewers agree, as any other target.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from annotator.domain import PENDING, Origin, Review, Status, TargetKind
from annotator.store.lanes import SHARED, current
from annotator.store.models import ArgumentRow, EntityRow, EventRow, ReviewStateRow, database
from annotator.store.state import IDS_PER_QUERY, review_from_row

FINAL = "final"
MAJORITY = "majority"
Key = tuple[str, int]
# (lane, kind, target pk, document pk, Review) of one review_state row.
_Row = tuple[str, str, int, int, Review]


@dataclass
class Disagreements:
    """The targets a source left undecided because the lanes that decided them disagree, counted as documents are read."""

    targets: int = 0
    by_document: Counter[int] = field(default_factory=Counter)

    def add(self, document_pk: int) -> None:
        """Count one undecided target of a document."""
        self.targets += 1
        self.by_document[document_pk] += 1


def has_reviewer_lanes() -> bool:
    """Whether any review state lies outside the shared lane; without one, every source reads the shared lane."""
    # `> ''` rather than `<> ''`: a range the primary key's index answers without reading the shared lane's rows.
    return ReviewStateRow.select().where(ReviewStateRow.lane > SHARED).exists()


def _rows(where: Any, lane: str | None) -> Iterable[_Row]:
    """The review-state rows `where` selects, of one lane or (`lane` None) of every lane."""
    query = ReviewStateRow.select(
        ReviewStateRow.lane, ReviewStateRow.target_kind, ReviewStateRow.target_pk, ReviewStateRow.document_pk,
        ReviewStateRow.status, ReviewStateRow.fixed, ReviewStateRow.flagged, ReviewStateRow.note,
        ReviewStateRow.reviewer, ReviewStateRow.decided_at, ReviewStateRow.dismissed,
    ).where(where)
    if lane is not None:
        query = query.where(ReviewStateRow.lane == lane)
    # Raw rows: peewee's per-value conversion costs more than the query on an export of a corpus.
    for lane, kind, target, document_pk, status, fixed, flagged, note, reviewer, at, dismissed in database.execute(query):
        yield lane, kind, target, document_pk, review_from_row(status, fixed, flagged, note, reviewer, at, dismissed)


def reviews(
    where: Any, document_pks: list[int], source: str | None = None, tally: Disagreements | None = None
) -> dict[Key, Review]:
    """The review of each target with one in the documents `where` selects (a condition on `review_state`).

    Without a source, the lane in effect; with one, the reviews that source gives (see the
    module docstring). A target left out has its initial state (pending, or withdrawn for
    an addition). The source `SHARED` is the shared lane alone.
    """
    if source is None or source == SHARED:
        lane = current() if source is None else SHARED
        return {(kind, target): review for _, kind, target, _, review in _rows(where, lane)}
    rows = list(_rows(where, None))
    by_document: dict[int, list[_Row]] = defaultdict(list)
    for row in rows:
        by_document[row[3]].append(row)
    additions = _additions(document_pks) if source in (FINAL, MAJORITY) else set()
    found: dict[Key, Review] = {}
    for document_pk, in_document in by_document.items():
        if source in (FINAL, MAJORITY):
            found.update(_voted(document_pk, in_document, additions, source, tally))
        else:
            found.update(_one_lane(in_document, source))
    return found


def _one_lane(in_document: list[_Row], lane: str) -> dict[Key, Review]:
    """A reviewer's lane where they touched the document, else the shared lane."""
    chosen = lane if any(row[0] == lane for row in in_document) else SHARED
    return {(kind, target): review for in_lane, kind, target, _, review in in_document if in_lane == chosen}


def _voted(
    document_pk: int, in_document: list[_Row], additions: set[Key], source: str, tally: Disagreements | None
) -> dict[Key, Review]:
    """The final or majority review of each target of one document with a state in any lane."""
    states = _by_target(in_document)
    reviewer_lanes = {row[0] for row in in_document} - {SHARED}
    found: dict[Key, Review] = {}
    for key, by_lane in states.items():
        if source == FINAL and settled_in_shared(by_lane):
            found[key] = by_lane[SHARED]
            continue
        voters = _voters(key, by_lane, additions, reviewer_lanes, source)
        if not voters:
            if SHARED in by_lane:
                found[key] = by_lane[SHARED]
            continue
        chosen = _agreed(list(voters.values())) if source == FINAL else _most_common(list(voters.values()))
        if chosen is None:
            found[key] = PENDING
            if tally is not None:
                tally.add(document_pk)
        else:
            found[key] = chosen
    return found


def _by_target(in_document: list[_Row]) -> dict[Key, dict[str, Review]]:
    """The reviews of one document's rows, by target and then by lane."""
    states: dict[Key, dict[str, Review]] = defaultdict(dict)
    for lane, kind, target, _, review in in_document:
        states[(kind, target)][lane] = review
    return states


def settles(status: Status) -> bool:
    """Whether a target's status in the shared lane settles it: a decision, not a pending candidate or an addition not taken.

    A flag or a note alone there decides nothing, so the reviewers' lanes still do.
    """
    return status not in (Status.PENDING, Status.WITHDRAWN)


def settled_in_shared(by_lane: Mapping[str, Review]) -> bool:
    """Whether the shared lane decided a target (work done alone, or an adjudication): then its state is the final one."""
    shared = by_lane.get(SHARED)
    return shared is not None and settles(shared.status)


def _voters(
    key: Key, by_lane: Mapping[str, Review], additions: set[Key], reviewer_lanes: set[str], source: str
) -> dict[str, Review]:
    """The lanes that decided a target, with their reviews: under `FINAL` the reviewer lanes alone.

    A reviewer lane that worked on the document but never saw an addition votes against it.
    """
    voters = {lane: review for lane, review in by_lane.items() if review.status is not Status.PENDING}
    if source == FINAL:
        voters.pop(SHARED, None)
    if key in additions:
        # Another reviewer of the document never saw the addition: they did not add it.
        voters.update({lane: _NOT_THERE for lane in reviewer_lanes if lane not in by_lane})
    return voters


@dataclass(frozen=True)
class Dispute:
    """A target the reviewer lanes that decided it disagree on, which the shared lane has not settled yet."""

    kind: TargetKind
    pk: int
    document_pk: int
    reviews: Mapping[str, Review]
    """Each deciding reviewer lane's review, by lane name; a lane that never saw an addition has it withdrawn."""


def disputes(reviewers: Sequence[str] | None = None, document_pks: Sequence[int] | None = None) -> list[Dispute]:
    """The disputed targets of the store or of some documents (of `reviewers`' lanes alone, when named), by document and then key.

    The same rule as `FINAL` leaving a target undecided: adjudicating a dispute in the
    shared lane is what settles it there and in every export.
    """
    lanes = ReviewStateRow.lane >= SHARED  # every row
    if reviewers is not None:
        lanes = ReviewStateRow.lane.in_([SHARED, *reviewers])
    wheres = [lanes] if document_pks is None else [
        lanes & ReviewStateRow.document_pk.in_(list(document_pks[i : i + IDS_PER_QUERY]))
        for i in range(0, len(document_pks), IDS_PER_QUERY)
    ]
    by_document: dict[int, list[_Row]] = defaultdict(list)
    for where in wheres:
        for row in _rows(where, None):
            by_document[row[3]].append(row)
    worked_on = [pk for pk, in_document in by_document.items() if any(row[0] != SHARED for row in in_document)]
    additions = _additions(worked_on) if worked_on else set()
    found: list[Dispute] = []
    for document_pk in sorted(worked_on):
        in_document = by_document[document_pk]
        reviewer_lanes = {row[0] for row in in_document} - {SHARED}
        for (kind, pk), by_lane in sorted(_by_target(in_document).items()):
            if kind == TargetKind.SENTENCE.value or settled_in_shared(by_lane):
                continue
            voters = _voters((kind, pk), by_lane, additions, reviewer_lanes, FINAL)
            if len({_verdict(vote) for vote in voters.values()}) > 1:
                found.append(Dispute(TargetKind(kind), pk, document_pk, dict(sorted(voters.items()))))
    return found


_NOT_THERE = Review(status=Status.WITHDRAWN)


def _verdict(review: Review) -> tuple[str, bytes]:
    """What two lanes must share to agree on a target: the status and the corrections."""
    return review.status.value, orjson.dumps(dict(review.fixed), option=orjson.OPT_SORT_KEYS)


def _agreed(votes: list[Review]) -> Review | None:
    """The review every vote gives, merged (flags, notes and dismissed warnings of each); None when they differ."""
    if len({_verdict(vote) for vote in votes}) != 1:
        return None
    return _merged(votes)


def _most_common(votes: list[Review]) -> Review | None:
    """The review most votes give, merged; None on a tie for the most."""
    counts = Counter(_verdict(vote) for vote in votes)
    ranked = counts.most_common(2)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return _merged([vote for vote in votes if _verdict(vote) == ranked[0][0]])


def _merged(votes: list[Review]) -> Review:
    """One review of several with the same verdict: flagged by any, every note, every dismissed warning, the latest time."""
    latest = max(votes, key=lambda vote: vote.decided_at or 0.0)
    notes = list(dict.fromkeys(vote.note for vote in votes if vote.note))
    dismissed = tuple(dict.fromkeys(warning for vote in votes for warning in vote.dismissed))
    return Review(
        status=latest.status, fixed=dict(latest.fixed), flagged=any(vote.flagged for vote in votes),
        note="; ".join(notes), reviewer=latest.reviewer, decided_at=latest.decided_at, dismissed=dismissed,
    )


def _additions(document_pks: list[int]) -> set[Key]:
    """(kind, pk) of every reviewer's addition in the documents."""
    reviewer = Origin.REVIEWER.value
    found: set[Key] = set()
    for kind, query in (
        (TargetKind.ENTITY, EntityRow.select(EntityRow.pk).where(EntityRow.document.in_(document_pks))
         .where(EntityRow.origin == reviewer)),
        (TargetKind.EVENT, EventRow.select(EventRow.pk).where(EventRow.document.in_(document_pks))
         .where(EventRow.origin == reviewer)),
        (TargetKind.ARGUMENT, ArgumentRow.select(ArgumentRow.pk).join(EventRow)
         .where(EventRow.document.in_(document_pks) & (ArgumentRow.origin == reviewer))),
    ):
        found |= {(kind.value, pk) for (pk,) in query.tuples().iterator()}
    return found
