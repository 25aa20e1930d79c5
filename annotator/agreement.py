"""Agreement between reviewers: Cohen's kappa on their decisions, span F1 between their final annotations.

Pure computations over plain values (no store, no files), so the figures can be
checked by hand. Two measures, as in /work/shared/reference/agreement.md:

- Cohen's kappa over the machine candidates both reviewers decided. A fix is its
  own category (accept / fix / reject): keeping a candidate as it is and
  correcting it are different judgements. Kappa is undefined (None) when the
  chance agreement p_e is 1, or when no candidate was decided by both.
- F1 = 2·|A∩B| / (|A| + |B|) between the two reviewers' final sets (what each
  accepted, fixed or added), with one-to-one matching: entities exactly (same
  start, end, label) and by overlap (overlapping spans, same label); event
  triggers by overlapping span and equal type; arguments, within matched events,
  by equal role and overlapping extent.

Every figure carries its counts, so a kappa over three items is not read as meaningful.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Protocol

# A decision's category for kappa, by the status the reviewer gave the candidate.
CATEGORIES = {"accepted": "accept", "fixed": "fix", "rejected": "reject"}
FIX_RULE = "a fix is its own category (accept / fix / reject), not an accept"
DEFINITIONS = {
    "kappa": "Cohen's kappa over the machine candidates both reviewers decided; " + FIX_RULE
    + "; undefined when chance agreement p_e = 1 or nothing was decided by both",
    "final set": "what a reviewer accepted, fixed (with the fixed values) or added; "
    "candidates the reviewer left pending are not in it",
    "entities exact": "F1 = 2·matched / (first + second); same start, end and label, one-to-one",
    "entities overlap": "F1 as above; overlapping spans and the same label, one-to-one",
    "triggers": "events matched one-to-one by overlapping trigger span and equal type",
    "arguments": "within matched events, arguments matched one-to-one by equal role and overlapping extent",
}

Span = tuple[int, int, str]
# An argument: role, start, end. An event: type, trigger start, trigger end, its arguments.
ArgumentSpan = tuple[str, int, int]
EventSpan = tuple[str, int, int, Sequence[ArgumentSpan]]


class ReviewerDocument(Protocol):
    """What one reviewer made of one document: decisions on machine candidates and the final annotation."""

    @property
    def decisions(self) -> Mapping[tuple[str, int], tuple[str, str]]:
        """(kind, candidate pk) -> (the machine's label, type or role, the reviewer's status)."""

    @property
    def entities(self) -> Sequence[Span]:
        """The reviewer's final entities: (start, end, label)."""

    @property
    def events(self) -> Sequence[EventSpan]:
        """The reviewer's final events: (type, trigger start, trigger end, arguments)."""

    @property
    def done(self) -> bool:
        """Whether the reviewer decided everything in the document."""


@dataclass(frozen=True)
class Kappa:
    """Cohen's kappa over `items` paired decisions; `kappa` is None when undefined."""

    items: int
    observed: float | None
    expected: float | None
    kappa: float | None

    def as_dict(self) -> dict[str, Any]:
        """The figures as plain values, for JSON."""
        return {"items": self.items, "p_o": self.observed, "p_e": self.expected, "kappa": self.kappa}


def cohen_kappa(pairs: Iterable[tuple[str, str]]) -> Kappa:
    """Cohen's kappa of paired categorical decisions (first reviewer's, second reviewer's)."""
    pairs = list(pairs)
    n = len(pairs)
    if not n:
        return Kappa(0, None, None, None)
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    observed = sum(1 for a, b in pairs if a == b) / n
    expected = sum(first[c] * second[c] for c in first) / (n * n)
    # p_e = 1 only when both gave one and the same category to everything: kappa is 0/0 there.
    if abs(1.0 - expected) < 1e-12:
        return Kappa(n, observed, expected, None)
    return Kappa(n, observed, expected, (observed - expected) / (1.0 - expected))


@dataclass
class Overlap:
    """How many items two reviewers share (one-to-one) out of each one's count; F1 is None when both have none."""

    matched: int = 0
    first: int = 0
    second: int = 0

    @property
    def f1(self) -> float | None:
        """2·matched / (first + second)."""
        total = self.first + self.second
        return 2 * self.matched / total if total else None

    def add(self, other: Overlap) -> None:
        """Add another count to this one, in place."""
        self.matched += other.matched
        self.first += other.first
        self.second += other.second

    def as_dict(self) -> dict[str, Any]:
        """The counts and F1 as plain values, for JSON."""
        return {"matched": self.matched, "first": self.first, "second": self.second, "f1": self.f1}


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """Whether two end-exclusive spans share at least one character."""
    return a_start < b_end and b_start < a_end


def one_to_one(
    count_first: int, count_second: int, compatible: Callable[[int, int], bool],
    preference: Callable[[int, int], int] | None = None,
) -> list[tuple[int, int]]:
    """A largest one-to-one matching of first items to second items that `compatible` allows.

    Augmenting paths (Kuhn's algorithm): a greedy pass could miss a match when one span
    overlaps two of the other side's. Candidates are tried by `preference` (higher first),
    then in order, so the result is deterministic.
    """
    options = []
    for i in range(count_first):
        found = [j for j in range(count_second) if compatible(i, j)]
        if preference is not None:
            ranked = [(-preference(i, j), j) for j in found]
            found = [j for _, j in sorted(ranked)]
        options.append(found)
    partner_of_second: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in options[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in partner_of_second or augment(partner_of_second[j], seen):
                partner_of_second[j] = i
                return True
        return False

    for i in range(count_first):
        augment(i, set())
    return sorted((i, j) for j, i in partner_of_second.items())


def _shared_length(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def span_agreement(first: Sequence[Span], second: Sequence[Span], overlapping: bool) -> dict[str, Overlap]:
    """Per label, the one-to-one matches between two reviewers' spans of one document, and their counts."""
    by_label: dict[str, Overlap] = defaultdict(Overlap)
    for _, _, label in first:
        by_label[label].first += 1
    for _, _, label in second:
        by_label[label].second += 1

    def compatible(i: int, j: int) -> bool:
        (a_start, a_end, a_label), (b_start, b_end, b_label) = first[i], second[j]
        if a_label != b_label:
            return False
        if overlapping:
            return overlaps(a_start, a_end, b_start, b_end)
        return (a_start, a_end) == (b_start, b_end)

    def preference(i: int, j: int) -> int:
        return _shared_length(first[i][0], first[i][1], second[j][0], second[j][1])

    for i, _ in one_to_one(len(first), len(second), compatible, preference):
        by_label[first[i][2]].matched += 1
    return dict(by_label)


def event_agreement(
    first: Sequence[EventSpan], second: Sequence[EventSpan]
) -> tuple[dict[str, Overlap], dict[str, Overlap]]:
    """Per event type, triggers matched by overlap and type; per role, arguments matched within matched events."""

    def trigger(event: EventSpan) -> Span:
        return event[1], event[2], event[0]

    triggers = span_agreement([trigger(e) for e in first], [trigger(e) for e in second], overlapping=True)
    roles: dict[str, Overlap] = defaultdict(Overlap)

    def compatible(i: int, j: int) -> bool:
        return first[i][0] == second[j][0] and overlaps(first[i][1], first[i][2], second[j][1], second[j][2])

    def preference(i: int, j: int) -> int:
        return _shared_length(first[i][1], first[i][2], second[j][1], second[j][2])

    for i, j in one_to_one(len(first), len(second), compatible, preference):
        first_arguments = [(start, end, role) for role, start, end in first[i][3]]
        second_arguments = [(start, end, role) for role, start, end in second[j][3]]
        for role, counts in span_agreement(first_arguments, second_arguments, overlapping=True).items():
            roles[role].add(counts)
    return triggers, dict(roles)


@dataclass
class PairAgreement:
    """Agreement of two reviewers over the documents both worked on."""

    first: str
    second: str
    documents: int = 0
    # Of those, the documents both reviewers finished.
    finished: int = 0
    # Candidates decided by only one of the two: not in kappa, but worth knowing.
    decided_by_one: int = 0
    kappa_pairs: dict[str, dict[str, list[tuple[str, str]]]] = field(default_factory=dict)
    spans: dict[str, dict[str, Overlap]] = field(default_factory=dict)

    def kappa(self) -> dict[str, dict[str, Kappa]]:
        """Per kind of candidate (entity, event, argument), per machine name: kappa."""
        return {
            kind: {name: cohen_kappa(pairs) for name, pairs in sorted(names.items())}
            for kind, names in self.kappa_pairs.items()
        }

    def kappa_total(self, kind: str | None = None) -> Kappa:
        """Kappa over every paired decision (micro), or over one kind's."""
        kinds = [kind] if kind is not None else list(self.kappa_pairs)
        return cohen_kappa(
            pair for k in kinds for pairs in self.kappa_pairs.get(k, {}).values() for pair in pairs
        )

    def span_total(self, measure: str) -> Overlap:
        """The micro total of one span measure (entities exact, entities overlap, triggers, arguments)."""
        total = Overlap()
        for counts in self.spans.get(measure, {}).values():
            total.add(counts)
        return total

    def as_dict(self) -> dict[str, Any]:
        """Every figure as plain values, for JSON."""
        kappa = self.kappa()
        return {
            "first": self.first, "second": self.second, "documents": self.documents, "finished": self.finished,
            "decided_by_one": self.decided_by_one,
            "kappa": {
                "overall": self.kappa_total().as_dict(),
                **{
                    kind: {"total": self.kappa_total(kind).as_dict(),
                           "by_name": {name: k.as_dict() for name, k in names.items()}}
                    for kind, names in kappa.items()
                },
            },
            **{
                measure.replace(" ", "_"): {
                    "total": self.span_total(measure).as_dict(),
                    "by_name": {name: counts.as_dict() for name, counts in sorted(table.items())},
                }
                for measure, table in self.spans.items()
            },
        }


MEASURES = ("entities exact", "entities overlap", "triggers", "arguments")
KINDS = ("entity", "event", "argument")


def compare(
    first_name: str, first: Mapping[int, ReviewerDocument], second_name: str, second: Mapping[int, ReviewerDocument],
    finished_only: bool = False,
) -> PairAgreement:
    """The agreement of two reviewers over the documents (by pk) both of them worked on, or both finished."""
    pair = PairAgreement(first_name, second_name)
    pair.kappa_pairs = {kind: defaultdict(list) for kind in KINDS}
    pair.spans = {measure: defaultdict(Overlap) for measure in MEASURES}
    for document in sorted(set(first) & set(second)):
        a, b = first[document], second[document]
        if finished_only and not (a.done and b.done):
            continue
        pair.documents += 1
        pair.finished += int(a.done and b.done)
        for key in sorted(set(a.decisions) | set(b.decisions)):
            a_category = CATEGORIES.get(a.decisions[key][1]) if key in a.decisions else None
            b_category = CATEGORIES.get(b.decisions[key][1]) if key in b.decisions else None
            if a_category and b_category:
                kind, _ = key
                pair.kappa_pairs.setdefault(kind, defaultdict(list))[a.decisions[key][0]].append((a_category, b_category))
            elif a_category or b_category:
                pair.decided_by_one += 1
        results = {
            "entities exact": span_agreement(a.entities, b.entities, overlapping=False),
            "entities overlap": span_agreement(a.entities, b.entities, overlapping=True),
        }
        results["triggers"], results["arguments"] = event_agreement(a.events, b.events)
        for measure, table in results.items():
            for name, counts in table.items():
                pair.spans[measure][name].add(counts)
    pair.kappa_pairs = {kind: dict(names) for kind, names in pair.kappa_pairs.items() if names}
    pair.spans = {measure: dict(table) for measure, table in pair.spans.items()}
    return pair


def pairwise(
    by_reviewer: Mapping[str, Mapping[int, ReviewerDocument]], reviewers: Sequence[str], finished_only: bool = False
) -> list[PairAgreement]:
    """The agreement of every pair of the given reviewers, in the order given (a with b, a with c, b with c)."""
    return [
        compare(a, by_reviewer.get(a, {}), b, by_reviewer.get(b, {}), finished_only)
        for a, b in combinations(reviewers, 2)
    ]
