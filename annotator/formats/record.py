"""The native record: the one shape every format's reader produces, checked into a `Document`.

A record is a decoded JSON object: a document's id, text, optional sentences and
its entities and events, with their review state when it has one. Native JSONL
is these records one per line; every other reader converts what it reads into
them, so an import is as strict whatever the format. What a schema cannot say is
checked here too: offsets inside the text, quoted text that matches it, ids that
resolve. Each failure is a `BadRecord` naming the field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from typing import Any, TypeGuard

from annotator.domain import (
    FIXABLE_FIELDS,
    PENDING,
    Argument,
    Document,
    Entity,
    Event,
    Review,
    Sentence,
    Status,
    TargetKind,
    Token,
)

DOCUMENT_KEYS = frozenset({"id", "text", "title", "meta", "sentences", "entities", "events"})
REVIEW_KEYS = frozenset({"status", "original", "reviewer", "decided_at", "flagged", "note"})
ENTITY_KEYS = frozenset({"id", "start", "end", "text", "label", "score", "source"}) | REVIEW_KEYS
EVENT_KEYS = frozenset({"id", "type", "trigger", "score", "source", "attributes", "arguments"}) | REVIEW_KEYS
TRIGGER_KEYS = frozenset({"start", "end", "text"})
ARGUMENT_KEYS = frozenset({"role", "entity", "start", "end", "text", "score"}) | REVIEW_KEYS
IMPORTABLE_STATUSES = {s.value: s for s in Status if s is not Status.WITHDRAWN}

PlacedSpan = tuple[str, int, int, int]
"""Where a span of a record came from and its offsets: (list name, index in it, start, end)."""


class BadRecord(Exception):
    """A record that cannot be imported: the field at fault and why (format readers raise it too).

    `line` is set by a reader whose record spans several lines, when the fault lies
    on a line other than the record's first.
    """

    def __init__(self, field: str, reason: str, line: int | None = None):
        super().__init__(f"{field}: {reason}" if field else reason)
        self.field = field
        self.reason = reason
        self.line = line


@dataclass(frozen=True, slots=True)
class ParsedRecord:
    """A record checked into a document, whether it gave its sentences, and the spans to place in them."""

    document: Document
    sentences_given: bool
    spans: list[PlacedSpan]


def _is_int(value: Any) -> TypeGuard[int]:
    return type(value) is int


def _span(obj: dict, path: str, text: str, start_key: str = "start", end_key: str = "end") -> tuple[int, int]:
    start = obj.get(start_key)
    end = obj.get(end_key)
    if type(start) is int and type(end) is int and 0 <= start < end <= len(text) and "text" not in obj:
        if text[start:end].isspace():
            raise BadRecord(path, f"offsets {start}-{end} cover only whitespace")
        return start, end
    if not _is_int(start):
        raise BadRecord(f"{path}.{start_key}", f"must be an integer offset, got {start!r}")
    if not _is_int(end):
        raise BadRecord(f"{path}.{end_key}", f"must be an integer offset, got {end!r}")
    if not 0 <= start < end <= len(text):
        raise BadRecord(
            path,
            f"offsets {start}-{end} must satisfy 0 <= start < end <= {len(text)} (the text's length)",
        )
    quoted = obj.get("text")
    if quoted is not None and quoted != text[start:end]:
        raise BadRecord(f"{path}.text", f"{quoted!r} does not match the text at {start}-{end}: {text[start:end]!r}")
    if text[start:end].isspace():
        raise BadRecord(path, f"offsets {start}-{end} cover only whitespace")
    return start, end


def _nonempty_str(obj: dict, key: str, path: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise BadRecord(f"{path}.{key}", f"must be a non-empty string, got {value!r}")
    return value


def _score(obj: dict, path: str) -> float | None:
    value = obj.get("score")
    if value is None:
        return None
    if type(value) not in (int, float) or not math.isfinite(value):
        raise BadRecord(f"{path}.score", f"must be a number or null, got {value!r}")
    return float(value)


def _optional_str(obj: dict, key: str, path: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise BadRecord(f"{path}.{key}", f"must be a string or null, got {value!r}")
    return value


def _check_keys(obj: Any, allowed: frozenset, path: str) -> dict:
    if type(obj) is not dict:
        raise BadRecord(path, f"must be a JSON object, got {type(obj).__name__}")
    if not allowed.issuperset(obj):
        unknown = obj.keys() - allowed
        raise BadRecord(
            path,
            f"unknown field(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(allowed))}"
            " (put extra data under the document's meta)",
        )
    return obj


def _timestamp(value: Any, path: str) -> float | None:
    if value is None:
        return None
    if type(value) in (int, float):
        return float(value)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            pass
    raise BadRecord(f"{path}.decided_at", f"must be an ISO 8601 time or a number, got {value!r}")


def _review(obj: dict, path: str, kind: TargetKind, final_values: dict[str, Any]) -> tuple[Review, dict[str, Any]]:
    """The review stored in an item and the machine's values (from `original` when present)."""
    if REVIEW_KEYS.isdisjoint(obj):
        return PENDING, final_values
    status_value = obj.get("status")
    if status_value in (None, "pending") and not obj.get("original") and not obj.get("flagged") and not obj.get("note"):
        return PENDING, final_values
    if status_value is None:
        status = Status.PENDING
    elif status_value in IMPORTABLE_STATUSES:
        status = IMPORTABLE_STATUSES[status_value]
    else:
        raise BadRecord(f"{path}.status", f"must be one of {', '.join(IMPORTABLE_STATUSES)}, got {status_value!r}")
    original = obj.get("original") or {}
    if not isinstance(original, dict):
        raise BadRecord(f"{path}.original", "must be an object of the machine's values")
    fixable = FIXABLE_FIELDS[kind]
    unknown = original.keys() - set(fixable)
    if unknown:
        raise BadRecord(f"{path}.original", f"unknown field(s) {', '.join(sorted(unknown))}; allowed: {', '.join(fixable)}")
    machine = dict(final_values)
    fixed: dict[str, Any] = {}
    for key, value in original.items():
        machine[key] = value
        fixed[key] = final_values.get(key)
    flagged = obj.get("flagged", False)
    if not isinstance(flagged, bool):
        raise BadRecord(f"{path}.flagged", f"must be true or false, got {flagged!r}")
    note = obj.get("note") or ""
    if not isinstance(note, str):
        raise BadRecord(f"{path}.note", f"must be a string, got {note!r}")
    review = Review(
        status=status, fixed=fixed, flagged=flagged, note=note,
        reviewer=_optional_str(obj, "reviewer", path), decided_at=_timestamp(obj.get("decided_at"), path),
    )
    return (PENDING if review == PENDING else review), machine


def _sentences(raw: Any, text: str) -> list[Sentence] | None:
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise BadRecord("sentences", "must be a list of {start, end} objects or [start, end] pairs")
    result: list[Sentence] = []
    previous_end = 0
    for index, item in enumerate(raw):
        path = f"sentences[{index}]"
        if isinstance(item, list) and len(item) == 2:
            item = {"start": item[0], "end": item[1]}
        if not isinstance(item, dict):
            raise BadRecord(path, "must be {start, end} or [start, end]")
        start, end = _span(item, path, text)
        if start < previous_end:
            raise BadRecord(path, f"starts at {start}, before the previous sentence ends ({previous_end}); sentences must be in order and not overlap")
        previous_end = end
        tokens_raw = item.get("tokens")
        tokens: tuple[Token, ...] = ()
        if tokens_raw is not None:
            tokens = _tokens(tokens_raw, start, end, path)
        result.append(Sentence(index, start, end, tokens))
    return result


_PLAIN_ENTITY_KEYS = frozenset({"id", "start", "end", "label", "score", "source"})
_PLAIN_ARGUMENT_KEYS = frozenset({"role", "entity", "score"})
_LIST_TYPE = {list}
_PAIR_LENGTH = {2}
_INT_TYPE = {int}


def _tokens(raw: Any, start: int, end: int, path: str) -> tuple[Token, ...]:
    """Validated token offsets of a sentence: [start, end] pairs, in order, inside the sentence."""
    if not isinstance(raw, list):
        raise BadRecord(f"{path}.tokens", "must be a list of [start, end] pairs")
    # Fast path for well-formed input: a few C-level passes instead of a Python loop per token.
    if not raw:
        return ()
    if set(map(type, raw)) == _LIST_TYPE and set(map(len, raw)) == _PAIR_LENGTH:
        flat = list(chain.from_iterable(raw))
        starts, ends = flat[0::2], flat[1::2]
        if (
            set(map(type, flat)) == _INT_TYPE
            and flat[0] >= start and flat[-1] <= end
            and all(map(int.__lt__, starts, ends))
            and all(map(int.__le__, ends, starts[1:]))
        ):
            return tuple(zip(starts, ends))
    last = start
    for t_index, pair in enumerate(raw):
        if (
            not isinstance(pair, list) or len(pair) != 2
            or not _is_int(pair[0]) or not _is_int(pair[1])
            or not last <= pair[0] < pair[1] <= end
        ):
            raise BadRecord(
                f"{path}.tokens[{t_index}]",
                f"must be [start, end] inside the sentence ({start}-{end}), in order, got {pair!r}",
            )
        last = pair[1]
    raise AssertionError("unreachable: the fast path rejected valid tokens")  # pragma: no cover


def parse_record(obj: Any) -> ParsedRecord:
    """Check one decoded record and build its document; raise `BadRecord` at the first fault."""
    obj = _check_keys(obj, DOCUMENT_KEYS, "document")
    doc_id = obj.get("id")
    if _is_int(doc_id):
        doc_id = str(doc_id)
    if not isinstance(doc_id, str) or not doc_id.strip():
        raise BadRecord("id", f"must be a non-empty string, got {doc_id!r}")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise BadRecord("text", "must be a non-empty string")
    title = _optional_str(obj, "title", "document")
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise BadRecord("meta", "must be a JSON object")
    sentences = _sentences(obj.get("sentences"), text)

    ids: set[str] = set()
    spans: list[PlacedSpan] = []

    def claim(item_id: Any, path: str, fallback: str) -> str:
        if item_id is None:
            item_id = fallback
        elif _is_int(item_id):
            item_id = str(item_id)
        elif not isinstance(item_id, str) or not item_id:
            raise BadRecord(f"{path}.id", f"must be a non-empty string, got {item_id!r}")
        if item_id in ids:
            raise BadRecord(f"{path}.id", f"{item_id!r} is used twice in this document; ids must be unique")
        ids.add(item_id)
        return item_id

    raw_entities = obj.get("entities") or []
    if not isinstance(raw_entities, list):
        raise BadRecord("entities", "must be a list")
    entities: list[Entity] = []
    text_length = len(text)
    for index, item in enumerate(raw_entities):
        # The common case, checked inline: the same rules as the full path below, which
        # takes over (and names the problem) whenever anything is unusual.
        if type(item) is dict and _PLAIN_ENTITY_KEYS.issuperset(item):
            start = item.get("start")
            end = item.get("end")
            label = item.get("label")
            entity_id = item.get("id")
            score = item.get("score")
            source = item.get("source")
            if (
                type(start) is int and type(end) is int and 0 <= start < end <= text_length
                and type(label) is str and label.strip()
                and type(entity_id) is str and entity_id and entity_id not in ids
                and (score is None or (type(score) is float and math.isfinite(score)))
                and (source is None or type(source) is str)
                and not text[start:end].isspace()
            ):
                ids.add(entity_id)
                entities.append(Entity(entity_id, start, end, label, score, source))
                spans.append(("entities", index, start, end))
                continue
        path = f"entities[{index}]"
        _check_keys(item, ENTITY_KEYS, path)
        start, end = _span(item, path, text)
        label = _nonempty_str(item, "label", path)
        entity_id = claim(item.get("id"), path, f"T{index + 1}")
        review, machine = _review(item, path, TargetKind.ENTITY, {"start": start, "end": end, "label": label})
        if review is not PENDING and review.fixed:
            _span(machine, f"{path}.original", text)
        entities.append(
            Entity(entity_id, machine["start"], machine["end"], machine["label"], _score(item, path),
                   _optional_str(item, "source", path), review)
        )
        spans.append(("entities", index, start, end))
    entity_ids = {e.id for e in entities}

    raw_events = obj.get("events") or []
    if not isinstance(raw_events, list):
        raise BadRecord("events", "must be a list")
    events: list[Event] = []
    for index, item in enumerate(raw_events):
        path = f"events[{index}]"
        _check_keys(item, EVENT_KEYS, path)
        plain = REVIEW_KEYS.isdisjoint(item)
        event_type = _nonempty_str(item, "type", path)
        trigger = item.get("trigger")
        if not isinstance(trigger, dict):
            raise BadRecord(f"{path}.trigger", "must be an object {start, end}")
        _check_keys(trigger, TRIGGER_KEYS, f"{path}.trigger")
        t_start, t_end = _span(trigger, f"{path}.trigger", text)
        event_id = claim(item.get("id"), path, f"E{index + 1}")
        attributes = item.get("attributes") or {}
        if not isinstance(attributes, dict):
            raise BadRecord(f"{path}.attributes", "must be a JSON object")
        raw_arguments = item.get("arguments") or []
        if not isinstance(raw_arguments, list):
            raise BadRecord(f"{path}.arguments", "must be a list")
        arguments: list[Argument] = []
        for a_index, arg in enumerate(raw_arguments):
            if type(arg) is dict and _PLAIN_ARGUMENT_KEYS.issuperset(arg):
                # Common case inline (a role and an entity id); anything else takes the full path.
                role = arg.get("role")
                entity_ref = arg.get("entity")
                score = arg.get("score")
                if (
                    type(role) is str and role.strip() and type(entity_ref) is str and entity_ref in entity_ids
                    and (score is None or (type(score) is float and math.isfinite(score)))
                ):
                    arguments.append(Argument(role, entity_ref, None, None, score))
                    continue
            a_path = f"{path}.arguments[{a_index}]"
            _check_keys(arg, ARGUMENT_KEYS, a_path)
            role = _nonempty_str(arg, "role", a_path)
            entity_ref = arg.get("entity")
            a_start = a_end = None
            if entity_ref is not None:
                if _is_int(entity_ref):
                    entity_ref = str(entity_ref)
                if entity_ref not in entity_ids:
                    raise BadRecord(f"{a_path}.entity", f"{entity_ref!r} is not the id of an entity of this document")
                if "start" in arg or "end" in arg:
                    raise BadRecord(a_path, "give either an entity id or start/end offsets, not both")
            else:
                a_start, a_end = _span(arg, a_path, text)
                spans.append((f"{path}.arguments", a_index, a_start, a_end))
            finals = {"role": role, "entity_id": entity_ref, "start": a_start, "end": a_end}
            review, machine = _review(arg, a_path, TargetKind.ARGUMENT, finals)
            if machine.get("entity_id") is not None and machine["entity_id"] not in entity_ids:
                raise BadRecord(f"{a_path}.original.entity_id", f"{machine['entity_id']!r} is not an entity of this document")
            arguments.append(
                Argument(machine["role"], machine["entity_id"], machine["start"], machine["end"],
                         _score(arg, a_path), review)
            )
        if plain:
            events.append(
                Event(event_id, event_type, t_start, t_end, _score(item, path), _optional_str(item, "source", path),
                      tuple(arguments), attributes)
            )
            spans.append(("events", index, t_start, t_end))
            continue
        finals = {"type": event_type, "trigger_start": t_start, "trigger_end": t_end}
        review, machine = _review(item, path, TargetKind.EVENT, finals)
        events.append(
            Event(event_id, machine["type"], machine["trigger_start"], machine["trigger_end"], _score(item, path),
                  _optional_str(item, "source", path), tuple(arguments), attributes, review)
        )
        spans.append(("events", index, t_start, t_end))

    document = Document(doc_id, text, title, meta, tuple(sentences or ()), tuple(entities), tuple(events))
    return ParsedRecord(document, sentences is not None, spans)

