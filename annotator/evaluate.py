"""How good the machine's candidates are: judged by the reviewers' decisions, or matched against a gold annotation.

**Judged by the reviewers** (`evaluate_reviews`). Every machine candidate a reviewer
decided is accepted, fixed or rejected; what a reviewer added is a miss of the
machine. Pending candidates are left out and counted.

- precision = (accepted + fixed) / decided, where decided = accepted + fixed + rejected;
- recall = (accepted + fixed) / (accepted + fixed + added);
- the strict figures count a fixed candidate as wrong unless its fix left every
  judged value as the machine had it: strict precision = exact / decided and
  strict recall = exact / (accepted + fixed + added), where exact = accepted plus
  fixed-with-no-judged-change.

What is judged, and what a fix can be (one fix may be of several kinds):
an entity by its span (a *boundary* fix) and label (*label*); an event by its
trigger span (*boundary*) and type (*type*), while a fix of its attributes is
counted as an *attributes* fix and judged in the attribute rows; an argument by
its extent (*boundary*), role (*role*), linked entity (*relink*) and event (*move*).
An attribute is judged per decided machine event that has a value for it: kept
(accepted), changed (fixed, a *value* fix: a changed value is never exact) or
gone with its rejected event; a value a reviewer gave where the machine had none,
or an added event's value, is added.

Rows are keyed by the machine's value (an added item by its own): the entity
label, the event type, the argument role and, for attributes, `name=value`.
Per `source` (the model or rules that produced a candidate; an argument's and an
attribute's is its event's), a source's added items are those of the same kind in
the documents where the source produced candidates of that kind.

**Exact match against a gold annotation** (`score`, `compare_with_gold`). Spans
match exactly (same offsets). Entities must agree on the label, triggers on the
event type, arguments on the trigger span, the role and the argument's extent
(whichever entity it refers to), and each event attribute on the trigger span, the
attribute's name and its value.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from annotator.domain import PENDING, Document, Event, Status
from annotator.formats.exporting import ExportFilter, ExportSummary, final_view

KINDS = ("entities", "triggers", "arguments", "attributes")
"""The kinds of item the exact-match scorer compares, in the order they are reported."""


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
        return _f1(self.precision, self.recall)

    def as_dict(self) -> dict[str, Any]:
        """The counts and figures, for JSON; a figure with nothing to divide by is None."""
        precision, recall = _ratio(self.true_positives, self.predicted), _ratio(self.true_positives, self.gold)
        return {
            "matched": self.true_positives, "predicted": self.predicted, "gold": self.gold,
            "precision": precision, "recall": recall, "f1": _f1_or_none(precision, recall),
        }

    def __str__(self) -> str:
        return f"P {self.precision:.2f}  R {self.recall:.2f}  F1 {self.f1:.2f}  ({self.true_positives}/{self.predicted} predicted, {self.gold} gold)"


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _f1_or_none(precision: float | None, recall: float | None) -> float | None:
    return None if precision is None or recall is None else _f1(precision, recall)


def items(document: Document, attribute_names: Collection[str] | None = None) -> dict[str, set[tuple]]:
    """The comparable items of a document: entities, triggers, arguments and attributes (final values, rejected left out).

    Every item is a tuple whose fourth field is what the per-type tables group by:
    the label, the event type, the role, the attribute's name. With `attribute_names`,
    only those attributes are compared (a machine's cue keys are not annotations).
    """
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
            if attribute_names is None or name in attribute_names
        },
    }


def _collected(documents: Iterable[Document], attribute_names: Collection[str] | None) -> dict[str, set[tuple]]:
    found: dict[str, set[tuple]] = {kind: set() for kind in KINDS}
    for document in documents:
        for kind, values in items(document, attribute_names).items():
            found[kind] |= values
    return found


def score(
    gold: Iterable[Document], predicted: Iterable[Document], attribute_names: Collection[str] | None = None,
) -> dict[str, Score]:
    """Exact-match scores per kind of item over all documents."""
    gold_items, predicted_items = _collected(gold, attribute_names), _collected(predicted, attribute_names)
    return {kind: Score(len(gold_items[kind] & predicted_items[kind]), len(predicted_items[kind]), len(gold_items[kind])) for kind in KINDS}


def score_by_type(
    gold: Iterable[Document], predicted: Iterable[Document], attribute_names: Collection[str] | None = None,
) -> dict[str, dict[str, Score]]:
    """Exact-match scores per kind and per label, event type, role or attribute name."""
    gold_items, predicted_items = _collected(gold, attribute_names), _collected(predicted, attribute_names)
    tables: dict[str, dict[str, Score]] = {}
    for kind in KINDS:
        gold_by: dict[str, set[tuple]] = defaultdict(set)
        predicted_by: dict[str, set[tuple]] = defaultdict(set)
        for item in gold_items[kind]:
            gold_by[item[3]].add(item)
        for item in predicted_items[kind]:
            predicted_by[item[3]].add(item)
        tables[kind] = {
            name: Score(len(gold_by[name] & predicted_by[name]), len(predicted_by[name]), len(gold_by[name]))
            for name in sorted(gold_by.keys() | predicted_by.keys())
        }
    return tables


def _from_machine(status: Status) -> bool:
    """True for a candidate the machine delivered: a reviewer's addition (kept or withdrawn) is not one."""
    return status not in (Status.ADDED, Status.WITHDRAWN)


def machine_view(document: Document) -> Document:
    """The document as the machine delivered it: every candidate pending with its original values, additions left out.

    A moved argument goes back under the event it came with.
    """
    arguments_by_event: dict[str, list] = defaultdict(list)
    for event in document.events:
        for argument in event.arguments:
            if _from_machine(argument.review.status):
                arguments_by_event[argument.event_id or event.id].append(replace(argument, review=PENDING))
    return replace(
        document,
        entities=tuple(replace(e, review=PENDING) for e in document.entities if _from_machine(e.review.status)),
        events=tuple(
            replace(e, review=PENDING, arguments=tuple(arguments_by_event[e.id]))
            for e in document.events if _from_machine(e.review.status)
        ),
    )


class TextMismatch(ValueError):
    """A document whose text differs between the gold annotation and the predictions, so offsets cannot be compared."""

    def __init__(self, document_id: str):
        super().__init__(f"document {document_id!r} has a different text in the gold annotation and the predictions")
        self.document_id = document_id


@dataclass(frozen=True)
class GoldComparison:
    """Exact-match scores of predictions against a gold annotation, over the documents both hold."""

    totals: dict[str, Score]
    by_type: dict[str, dict[str, Score]]
    scored: int
    missing: tuple[str, ...]
    """Ids of gold documents the predictions lack; they are not scored."""
    ignored: int
    """How many predicted documents the gold annotation lacks; they are not scored."""


def compare_with_gold(
    gold: Sequence[Document], predicted: Iterable[Document], attribute_names: Collection[str] | None = None,
    machine: bool = False,
) -> GoldComparison:
    """Score the predicted documents against the gold ones of the same id; `machine` scores the machine's original candidates.

    Only documents both sides hold are scored, so a gold file covering more than the
    store does not read as missed annotations; the others are counted. A document
    whose text differs raises `TextMismatch`.
    """
    gold_by_id = {document.id: document for document in gold}
    scored_gold: list[Document] = []
    scored_predicted: list[Document] = []
    ignored = 0
    for document in predicted:
        reference = gold_by_id.get(document.id)
        if reference is None:
            ignored += 1
            continue
        if reference.text != document.text:
            raise TextMismatch(document.id)
        scored_gold.append(reference)
        scored_predicted.append(machine_view(document) if machine else document)
    scored_ids = {document.id for document in scored_gold}
    return GoldComparison(
        totals=score(scored_gold, scored_predicted, attribute_names),
        by_type=score_by_type(scored_gold, scored_predicted, attribute_names),
        scored=len(scored_gold),
        missing=tuple(document_id for document_id in gold_by_id if document_id not in scored_ids),
        ignored=ignored,
    )


# ---------------------------------------------------------------- judged by the reviewers

REVIEW_KINDS = ("entities", "events", "arguments", "attributes")
"""The kinds of item judged by the reviewers' decisions, in the order they are reported."""

FIX_KINDS: dict[str, tuple[str, ...]] = {
    "entities": ("boundary", "label"),
    "events": ("boundary", "type", "attributes"),
    "arguments": ("boundary", "role", "relink", "move"),
    "attributes": ("value",),
}
"""What a fix of each kind of item can change; one fix may be of several kinds."""

NO_VALUE = "(none)"
"""How an attribute the machine or the reviewer left without a value is named."""


class Judgement(NamedTuple):
    """What the review made of one machine candidate (or attribute value), or one reviewer's addition."""

    kind: str
    name: str
    """The machine's label, type, role or `attribute=value`; an added item's own."""
    source: str | None
    status: Status
    fixes: tuple[str, ...] = ()
    exact: bool = False
    """Decided and kept with every judged value as the machine had it."""
    changed_to: str | None = None
    """The final label, type, role or attribute value, when the fix changed it."""


@dataclass
class Tally:
    """Counts of what the reviewers made of one group of candidates, and the figures derived from them."""

    pending: int = 0
    accepted: int = 0
    fixed: int = 0
    rejected: int = 0
    added: int = 0
    exact: int = 0
    fixes: Counter[str] = field(default_factory=Counter)
    changed_to: Counter[str] = field(default_factory=Counter)

    def count(self, judgement: Judgement) -> None:
        """Add one judgement to the counts."""
        setattr(self, judgement.status.value, getattr(self, judgement.status.value) + 1)
        self.exact += judgement.exact
        self.fixes.update(judgement.fixes)
        if judgement.changed_to is not None:
            self.changed_to[judgement.changed_to] += 1

    @property
    def decided(self) -> int:
        """Machine candidates a reviewer accepted, fixed or rejected."""
        return self.accepted + self.fixed + self.rejected

    @property
    def confirmed(self) -> int:
        """Machine candidates a reviewer kept, as they were or corrected."""
        return self.accepted + self.fixed

    @property
    def precision(self) -> float | None:
        """(accepted + fixed) / decided; None when nothing is decided."""
        return _ratio(self.confirmed, self.decided)

    @property
    def recall(self) -> float | None:
        """(accepted + fixed) / (accepted + fixed + added); None when there is nothing to find."""
        return _ratio(self.confirmed, self.confirmed + self.added)

    @property
    def f1(self) -> float | None:
        """The harmonic mean of precision and recall."""
        return _f1_or_none(self.precision, self.recall)

    @property
    def strict_precision(self) -> float | None:
        """exact / decided: a fix that changed a judged value counts as a wrong prediction."""
        return _ratio(self.exact, self.decided)

    @property
    def strict_recall(self) -> float | None:
        """exact / (accepted + fixed + added)."""
        return _ratio(self.exact, self.confirmed + self.added)

    @property
    def strict_f1(self) -> float | None:
        """The harmonic mean of the strict precision and recall."""
        return _f1_or_none(self.strict_precision, self.strict_recall)

    def fix_rate(self, fix_kind: str) -> float | None:
        """The share of fixes that were of this kind (fixes / fixed)."""
        return _ratio(self.fixes[fix_kind], self.fixed)

    def as_dict(self, kind: str) -> dict[str, Any]:
        """The counts and figures, for JSON; `kind` says which fix kinds to list."""
        return {
            "pending": self.pending, "decided": self.decided, "accepted": self.accepted, "fixed": self.fixed,
            "rejected": self.rejected, "added": self.added, "exact": self.exact,
            "precision": self.precision, "recall": self.recall, "f1": self.f1,
            "strict_precision": self.strict_precision, "strict_recall": self.strict_recall, "strict_f1": self.strict_f1,
            "fixes": {fix_kind: self.fixes[fix_kind] for fix_kind in FIX_KINDS[kind]},
            "fix_rates": {fix_kind: self.fix_rate(fix_kind) for fix_kind in FIX_KINDS[kind]},
            "changed_to": dict(sorted(self.changed_to.items())),
        }


@dataclass
class ReviewEvaluation:
    """The machine's candidates judged by the reviewers: in all, per label, type, role and attribute value, per source."""

    documents: int = 0
    totals: dict[str, Tally] = field(default_factory=lambda: {kind: Tally() for kind in REVIEW_KINDS})
    by_name: dict[str, dict[str, Tally]] = field(
        default_factory=lambda: {kind: defaultdict(Tally) for kind in REVIEW_KINDS}
    )
    by_source: dict[str, dict[str, Tally]] = field(default_factory=lambda: defaultdict(dict))

    def candidates(self, what: str) -> int:
        """How many entities, events and arguments are `pending`, `decided` or `added`; attributes are not candidates."""
        return sum(getattr(self.totals[kind], what) for kind in ("entities", "events", "arguments"))

    def as_dict(self) -> dict[str, Any]:
        """Everything, for JSON."""
        return {
            "documents": self.documents,
            **{f"{what}_candidates": self.candidates(what) for what in ("decided", "pending", "added")},
            "totals": {kind: self.totals[kind].as_dict(kind) for kind in REVIEW_KINDS},
            "by_name": {
                kind: {name: tally.as_dict(kind) for name, tally in sorted(self.by_name[kind].items())}
                for kind in REVIEW_KINDS
            },
            "by_source": {
                source: {kind: kinds[kind].as_dict(kind) for kind in REVIEW_KINDS if kind in kinds}
                for source, kinds in sorted(self.by_source.items())
            },
        }


def _judged(kind: str, name: str, source: str | None, status: Status, fixes: tuple[str, ...], changed_to: str | None,
            exact_fixes: Collection[str] = ()) -> Judgement:
    """A judgement of a machine candidate: exact when decided, kept, and fixed in nothing judged."""
    kept = status in (Status.ACCEPTED, Status.FIXED)
    exact = kept and not (set(fixes) - set(exact_fixes))
    return Judgement(kind, name, source, status, fixes, exact, changed_to)


def _changed(pairs: Iterable[tuple[str, Any, Any]]) -> tuple[str, ...]:
    """The fix kinds whose machine value and final value differ, once each, in order."""
    return tuple(dict.fromkeys(fix_kind for fix_kind, machine, final in pairs if machine != final))


def _attribute_value(value: Any) -> str:
    return NO_VALUE if value is None else str(value)


def judge(document: Document, attribute_names: Collection[str] | None = None) -> Iterator[Judgement]:
    """What the review made of each machine candidate of a document and each reviewer's addition; withdrawn ones left out."""
    for entity in document.entities:
        status = entity.review.status
        if status is Status.WITHDRAWN:
            continue
        if status is Status.ADDED:
            yield Judgement("entities", entity.final("label"), None, status)
            continue
        fixes = _changed((
            ("boundary", (entity.start, entity.end), entity.final_span), ("label", entity.label, entity.final("label")),
        ))
        changed_to = entity.final("label") if "label" in fixes else None
        yield _judged("entities", entity.label, entity.source, status, fixes, changed_to)
    sources = {event.id: event.source for event in document.events}
    for event in document.events:
        yield from _judge_event(event, attribute_names)
        for argument in event.arguments:
            status = argument.review.status
            if status is Status.WITHDRAWN:
                continue
            if status is Status.ADDED:
                yield Judgement("arguments", argument.final("role"), None, status)
                continue
            fixes = _changed((
                ("boundary", (argument.start, argument.end), argument.final_span),
                ("role", argument.role, argument.final("role")),
                ("relink", argument.entity_id, argument.final("entity_id")),
                ("move", argument.event_id, argument.final("event_id")),
            ))
            changed_to = argument.final("role") if "role" in fixes else None
            source = sources.get(argument.event_id or event.id, event.source)
            yield _judged("arguments", argument.role, source, status, fixes, changed_to)


def _judge_event(event: Event, attribute_names: Collection[str] | None) -> Iterator[Judgement]:
    """Judgements of an event and of its attribute values."""
    status = event.review.status
    if status is Status.WITHDRAWN:
        return
    final_attributes = dict(event.final("attributes") or {})
    machine_attributes = dict(event.attributes or {})
    names = sorted(final_attributes.keys() | machine_attributes.keys())
    if attribute_names is not None:
        names = [name for name in names if name in attribute_names]
    if status is Status.ADDED:
        yield Judgement("events", event.final("type"), None, status)
        for name in names:
            if name in final_attributes:
                yield Judgement("attributes", f"{name}={_attribute_value(final_attributes[name])}", None, status)
        return
    fixes = _changed((
        ("boundary", (event.trigger_start, event.trigger_end), (event.final("trigger_start"), event.final("trigger_end"))),
        ("type", event.type, event.final("type")),
        ("attributes", machine_attributes, final_attributes),
    ))
    changed_to = event.final("type") if "type" in fixes else None
    yield _judged("events", event.type, event.source, status, fixes, changed_to, exact_fixes=("attributes",))
    for name in names:
        machine, final = machine_attributes.get(name), final_attributes.get(name)
        if machine is None:
            # The machine said nothing: a value the reviewer gave on a kept event is one it missed.
            if final is not None and status in (Status.ACCEPTED, Status.FIXED):
                yield Judgement("attributes", f"{name}={_attribute_value(final)}", event.source, Status.ADDED)
            continue
        own = status
        if status in (Status.ACCEPTED, Status.FIXED):
            own = Status.FIXED if final != machine else Status.ACCEPTED
        value_fixes = ("value",) if own is Status.FIXED else ()
        changed_to = _attribute_value(final) if value_fixes else None
        yield _judged("attributes", f"{name}={_attribute_value(machine)}", event.source, own, value_fixes, changed_to)


def evaluate_reviews(documents: Iterable[Document], attribute_names: Collection[str] | None = None) -> ReviewEvaluation:
    """Judge the machine's candidates of every document by the reviewers' decisions (see the module's docstring)."""
    evaluation = ReviewEvaluation()
    for document in documents:
        evaluation.documents += 1
        judgements = list(judge(document, attribute_names))
        # A source is answerable for the additions of a kind in the documents where it produced that kind.
        sources_here: dict[str, set[str]] = defaultdict(set)
        for judgement in judgements:
            if judgement.status is not Status.ADDED:
                sources_here[judgement.kind].add(judgement.source or NO_VALUE)
        for judgement in judgements:
            evaluation.totals[judgement.kind].count(judgement)
            evaluation.by_name[judgement.kind][judgement.name].count(judgement)
            answerable = sources_here[judgement.kind] if judgement.status is Status.ADDED else {judgement.source or NO_VALUE}
            for source in answerable:
                evaluation.by_source[source].setdefault(judgement.kind, Tally()).count(judgement)
    return evaluation
