"""Targets in words: the list of flagged or noted items, and a short sentence saying what a decision group did.

Both read the final values (the machine's under the reviewer's corrections) of a
handful of targets, so they query those targets by pk rather than load documents.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from annotator.domain import Action, TargetKind
from annotator.store.lanes import current
from annotator.store.models import (
    ArgumentRow,
    DecisionRow,
    DocumentRow,
    EntityRow,
    EventRow,
    ReviewStateRow,
    SentenceRow,
)
from annotator.store.queries import FlaggedItem
from annotator.store.sql import run, true_literal
from annotator.store.state import REVIEW_FIELDS, DecisionError

# How many characters of a span a list row or a message shows.
WORDS_IN_LIST = 60
WORDS_IN_MESSAGE = 40
_IDS_PER_QUERY = 500
_PLURAL = {
    TargetKind.ENTITY: "entities", TargetKind.EVENT: "events",
    TargetKind.ARGUMENT: "arguments", TargetKind.SENTENCE: "sentences",
}


@dataclass(frozen=True)
class _Target:
    """A target's final values, enough to name it."""

    document_pk: int
    start: int
    end: int
    name: str
    values: Mapping[str, Any]


def words_of(text: str, start: int, end: int, limit: int = WORDS_IN_LIST) -> str:
    """The text of a span on one line, cut to `limit` characters with an ellipsis."""
    words = " ".join(text[start:end].split())
    return words if len(words) <= limit else words[: limit - 1] + "…"


def _fixed_of(kind: TargetKind, pks: Sequence[int]) -> dict[int, dict[str, Any]]:
    fixed: dict[int, dict[str, Any]] = {}
    for i in range(0, len(pks), _IDS_PER_QUERY):
        for pk, fixed_json in (
            ReviewStateRow.select(ReviewStateRow.target_pk, ReviewStateRow.fixed)
            .where(
                (ReviewStateRow.lane == current())
                & (ReviewStateRow.target_kind == kind.value)
                & ReviewStateRow.target_pk.in_(pks[i : i + _IDS_PER_QUERY])
            )
            .tuples().iterator()
        ):
            if fixed_json and fixed_json != "{}":
                fixed[pk] = orjson.loads(fixed_json)
    return fixed


def _machine_rows(kind: TargetKind, pks: Sequence[int]) -> Iterable[tuple[int, int, dict[str, Any]]]:
    """(pk, document pk, machine values under the names fixes use) of targets of one kind."""
    for i in range(0, len(pks), _IDS_PER_QUERY):
        chunk = pks[i : i + _IDS_PER_QUERY]
        if kind is TargetKind.ENTITY:
            for pk, document_pk, start, end, label in EntityRow.select(
                EntityRow.pk, EntityRow.document, EntityRow.start, EntityRow.end, EntityRow.label
            ).where(EntityRow.pk.in_(chunk)).tuples().iterator():
                yield pk, document_pk, {"start": start, "end": end, "label": label}
        elif kind is TargetKind.EVENT:
            for pk, document_pk, start, end, type_ in EventRow.select(
                EventRow.pk, EventRow.document, EventRow.trigger_start, EventRow.trigger_end, EventRow.type
            ).where(EventRow.pk.in_(chunk)).tuples().iterator():
                yield pk, document_pk, {"trigger_start": start, "trigger_end": end, "type": type_}
        elif kind is TargetKind.ARGUMENT:
            for pk, document_pk, start, end, role in ArgumentRow.select(
                ArgumentRow.pk, EventRow.document, ArgumentRow.start, ArgumentRow.end, ArgumentRow.role
            ).join(EventRow).where(ArgumentRow.pk.in_(chunk)).tuples().iterator():
                yield pk, document_pk, {"start": start, "end": end, "role": role}
        else:
            for pk, document_pk, start, end, idx in SentenceRow.select(
                SentenceRow.pk, SentenceRow.document, SentenceRow.start, SentenceRow.end, SentenceRow.idx
            ).where(SentenceRow.pk.in_(chunk)).tuples().iterator():
                yield pk, document_pk, {"start": start, "end": end, "index": idx}


def _targets(wanted: Iterable[tuple[TargetKind, int]]) -> dict[tuple[TargetKind, int], _Target]:
    """The final values of each wanted target that exists."""
    by_kind: dict[TargetKind, list[int]] = defaultdict(list)
    for kind, pk in wanted:
        by_kind[kind].append(pk)
    found = {}
    for kind, pks in by_kind.items():
        fixed = _fixed_of(kind, pks)
        for pk, document_pk, machine in _machine_rows(kind, pks):
            values = {**machine, **fixed.get(pk, {})}
            if kind is TargetKind.EVENT:
                start, end, name = values["trigger_start"], values["trigger_end"], values["type"]
            elif kind is TargetKind.SENTENCE:
                start, end, name = values["start"], values["end"], f"sentence {values['index'] + 1}"
            else:
                start, end = values["start"], values["end"]
                name = values["label"] if kind is TargetKind.ENTITY else values["role"]
            found[(kind, pk)] = _Target(document_pk, start, end, name, values)
    return found


def _texts(document_pks: Iterable[int]) -> dict[int, tuple[str, str]]:
    """(external id, text) of each document."""
    pks = sorted(set(document_pks))
    texts = {}
    for i in range(0, len(pks), _IDS_PER_QUERY):
        for pk, external_id, text in DocumentRow.select(DocumentRow.pk, DocumentRow.external_id, DocumentRow.text).where(
            DocumentRow.pk.in_(pks[i : i + _IDS_PER_QUERY])
        ).tuples().iterator():
            texts[pk] = (external_id, text)
    return texts


def flagged_items() -> list[FlaggedItem]:
    """Every flagged or noted target of the lane in effect, in document order, then by position in the text."""
    # Written as the partial index `review_state_marked` is, so SQLite reads only the marked rows.
    marked = run(
        "SELECT target_kind, target_id, flagged, note FROM review_state"
        f" WHERE (flagged = {true_literal()} OR note <> '') AND lane = ?",
        (current(),),
    ).fetchall()
    marks = {(TargetKind(kind), pk): (bool(flagged), note or "") for kind, pk, flagged, note in marked}
    targets = _targets(marks)
    texts = _texts(t.document_pk for t in targets.values())
    items = []
    for (kind, pk), target in targets.items():
        document_id, text = texts[target.document_pk]
        flagged, note = marks[(kind, pk)]
        items.append(
            FlaggedItem(target.document_pk, document_id, kind, pk, target.name,
                        words_of(text, target.start, target.end), flagged, note)
        )
    kind_order = list(TargetKind)
    items.sort(key=lambda i: (i.document_pk, targets[(i.kind, i.pk)].start, kind_order.index(i.kind), i.pk))
    return items


def _name(kind: TargetKind, target: _Target, text: str) -> str:
    words = words_of(text, target.start, target.end, WORDS_IN_MESSAGE)
    if kind is TargetKind.ENTITY:
        return f"entity «{words}» ({target.name})"
    if kind is TargetKind.EVENT:
        return f"{target.name} «{words}»"
    if kind is TargetKind.ARGUMENT:
        return f"argument {target.name} «{words}»"
    return f"{target.name} «{words}»"


def _change(before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    """What a fix changed, e.g. "label GPE → LOC", "polarity positive → negative"."""
    parts = []
    for field_name, value in after.items():
        if field_name in REVIEW_FIELDS:
            continue
        old = before.get(field_name)
        if isinstance(value, dict):
            old_values = old if isinstance(old, dict) else {}
            parts += [f"{k} {old_values.get(k, '–')} → {v}" for k, v in value.items() if old_values.get(k) != v]
        elif old != value:
            parts.append(f"{field_name} {'–' if old is None else old} → {'–' if value is None else value}")
    return ", ".join(parts)


def describe_group(group: int) -> str:
    """A short plain sentence of what a decision group did, e.g. "accept of Conflict.Attack «bombing» and 3 arguments"."""
    rows: list[tuple[Any, ...]] = list(
        DecisionRow.select(
            DecisionRow.action, DecisionRow.target_kind, DecisionRow.target_pk, DecisionRow.document_pk,
            DecisionRow.before, DecisionRow.after, DecisionRow.reverts_group,
        )
        .where(DecisionRow.group == group)
        .order_by(DecisionRow.pk)
        .tuples().iterator()
    )
    if not rows:
        raise DecisionError(f"no decision group {group}")
    action, kind_value, pk, document_pk, before_json, after_json, reverts = rows[0]
    if kind_value is None:
        return f"{action} of {describe_group(reverts)}" if reverts is not None else action
    changes = [(TargetKind(k), p) for _, k, p, *_ in rows]
    targets = _targets(changes)
    texts = _texts(t.document_pk for t in targets.values())
    kind = TargetKind(kind_value)
    first = targets.get((kind, pk))
    subject = _name(kind, first, texts[first.document_pk][1]) if first else f"{kind.value} {pk}"
    before, after = orjson.loads(before_json), orjson.loads(after_json)
    verb = _verb(Action(action), after)
    sentence = f"{verb} of {subject}"
    if verb == "dismiss":
        sentence = f"dismiss of «{after['dismissed'][-1]}» on {subject}" if after.get("dismissed") else sentence
    rest = Counter(k for k, p in dict.fromkeys(changes[1:]) if (k, p) != (kind, pk))
    if rest:
        sentence += " and " + " and ".join(f"{n} {_PLURAL[k] if n > 1 else k.value}" for k, n in rest.items())
    moved_to = next((moved for moved in (orjson.loads(row[5]).get("event_id") for row in rows) if moved), None)
    if moved_to is not None:
        sentence += (" into " if verb == "merge" else " to ") + _event_name(document_pk, moved_to, texts)
    elif verb == "fix":
        change = _change(before, after)
        sentence += f" ({change})" if change else ""
    return sentence


def _verb(action: Action, after: Mapping[str, Any]) -> str:
    if action is Action.FLAG and not after.get("flagged"):
        return "unflag"
    return action.value.replace("-", " ")


def _event_name(document_pk: int, event_id: str, texts: dict[int, tuple[str, str]]) -> str:
    """An event of the document named by its final type and trigger, for a move or merge."""
    event_pk = (
        EventRow.select(EventRow.pk)
        .where((EventRow.document == document_pk) & (EventRow.external_id == event_id))
        .scalar()
    )
    if event_pk is None:
        return f"event {event_id}"
    target = _targets([(TargetKind.EVENT, event_pk)])[(TargetKind.EVENT, event_pk)]
    text = texts[document_pk][1] if document_pk in texts else _texts([document_pk])[document_pk][1]
    return _name(TargetKind.EVENT, target, text)
