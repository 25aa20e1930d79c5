"""The native record: the one shape every format's reader produces, checked into a `Document`.

A record is a decoded JSON object: a document's id, text, optional sentences and
its entities and events, with their review state when it has one. An argument
is a role, an extent (`start`/`end`) and optionally the `entity` it refers to;
one that gives only an entity (as files written before arguments had extents
do) takes that entity's span as its extent. Native JSONL
is these records one per line; every other reader converts what it reads into
them, so an import is as strict whatever the format. What a schema cannot say is
checked here too: offsets inside the text, quoted text that matches it, ids that
resolve. Each failure is a `BadRecord` naming the field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from itertools import chain
from typing import Any

from annotator.domain import (
    FIXABLE_FIELDS,
    NO_TOKENS,
    PENDING,
    Argument,
    Document,
    Entity,
    Event,
    Review,
    Sentence,
    Status,
    TargetKind,
    Tokens,
)
from annotator.formats.fields import (
    NAME_CONTROLS,
    REVIEW_KEYS,
    TEXT_CONTROLS,
    BadRecord,
    checked_keys,
    checked_name,
    checked_review,
    checked_score,
    checked_span,
    is_int,
    nonempty_str,
    optional_str,
)

__all__ = ["BadRecord", "ParsedRecord", "PlacedSpan", "parse_record"]

DOCUMENT_KEYS = frozenset({"id", "text", "title", "meta", "sentences", "entities", "events"})
ENTITY_KEYS = frozenset({"id", "start", "end", "text", "label", "score", "source"}) | REVIEW_KEYS
EVENT_KEYS = frozenset({"id", "type", "trigger", "score", "source", "attributes", "arguments"}) | REVIEW_KEYS
TRIGGER_KEYS = frozenset({"start", "end", "text"})
ARGUMENT_KEYS = frozenset({"role", "entity", "start", "end", "text", "score"}) | REVIEW_KEYS
SENTENCE_STATUSES = (Status.PENDING, Status.ACCEPTED)
ARGUMENT_FIELDS = FIXABLE_FIELDS[TargetKind.ARGUMENT]

PlacedSpan = tuple[str, int, int, int]
"""Where a span of a record came from and its offsets: (list name, index in it, start, end)."""


@dataclass(frozen=True, slots=True)
class ParsedRecord:
    """A record checked into a document, whether it gave its sentences, and the spans to place in them."""

    document: Document
    sentences_given: bool
    spans: list[PlacedSpan]



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
        start, end = checked_span(item, path, text)
        if start < previous_end:
            raise BadRecord(path, f"starts at {start}, before the previous sentence ends ({previous_end}); sentences must be in order and not overlap")
        previous_end = end
        tokens_raw = item.get("tokens")
        tokens = NO_TOKENS
        if tokens_raw is not None:
            tokens = _tokens(tokens_raw, start, end, path)
        review = PENDING if REVIEW_KEYS.isdisjoint(item) else _sentence_review(item, path)
        result.append(Sentence(index, start, end, tokens, None, review))
    return result


def _sentence_review(item: dict, path: str) -> Review:
    """A sentence's review: accepted once a reviewer confirmed it holds nothing more to annotate."""
    review, _machine = checked_review(item, path, TargetKind.SENTENCE, {})
    if review.status not in SENTENCE_STATUSES:
        raise BadRecord(
            f"{path}.status",
            f"a sentence is pending or accepted (confirmed to hold nothing more), got {review.status.value!r}",
        )
    return review


_PLAIN_ENTITY_KEYS = frozenset({"id", "start", "end", "label", "score", "source"})
_PLAIN_ARGUMENT_KEYS = frozenset({"role", "entity", "start", "end", "score"})
_LIST_TYPE = {list}
_PAIR_LENGTH = {2}
_INT_TYPE = {int}
_name_control = NAME_CONTROLS.search
_text_control = TEXT_CONTROLS.search


def _tokens(raw: Any, start: int, end: int, path: str) -> Tokens:
    """Validated token offsets of a sentence: [start, end] pairs, in order, inside the sentence."""
    if not isinstance(raw, list):
        raise BadRecord(f"{path}.tokens", "must be a list of [start, end] pairs")
    # Fast path for well-formed input: a few C-level passes instead of a Python loop per token.
    if not raw:
        return NO_TOKENS
    if set(map(type, raw)) == _LIST_TYPE and set(map(len, raw)) == _PAIR_LENGTH:
        flat = list(chain.from_iterable(raw))
        starts, ends = flat[0::2], flat[1::2]
        if (
            set(map(type, flat)) == _INT_TYPE
            and flat[0] >= start and flat[-1] <= end
            and all(map(int.__lt__, starts, ends))
            and all(map(int.__le__, ends, starts[1:]))
        ):
            return Tokens(raw)
    last = start
    for t_index, pair in enumerate(raw):
        if (
            not isinstance(pair, list) or len(pair) != 2
            or not is_int(pair[0]) or not is_int(pair[1])
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
    obj = checked_keys(obj, DOCUMENT_KEYS, "document")
    doc_id = obj.get("id")
    if is_int(doc_id):
        doc_id = str(doc_id)
    doc_id = checked_name(doc_id, "id")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise BadRecord("text", "must be a non-empty string")
    title = optional_str(obj, "title", "document")
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise BadRecord("meta", "must be a JSON object")
    sentences = _sentences(obj.get("sentences"), text)

    ids: set[str] = set()
    spans: list[PlacedSpan] = []

    def claim(item_id: Any, path: str, fallback: str) -> str:
        if item_id is None:
            item_id = fallback
        elif is_int(item_id):
            item_id = str(item_id)
        elif not isinstance(item_id, str) or not item_id:
            raise BadRecord(f"{path}.id", f"must be a non-empty string, got {item_id!r}")
        elif _name_control(item_id):
            raise BadRecord(f"{path}.id", f"holds a control character: {item_id!r}; remove it")
        if item_id in ids:
            raise BadRecord(f"{path}.id", f"{item_id!r} is used twice in this document; ids must be unique")
        ids.add(item_id)
        return item_id

    raw_entities = obj.get("entities") or []
    if not isinstance(raw_entities, list):
        raise BadRecord("entities", "must be a list")
    entities: list[Entity] = []
    # Each entity's final span, as the file gives it: the extent of an argument that names only the entity.
    entity_spans: dict[str, tuple[int, int]] = {}
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
                and not _name_control(label + entity_id)
                and (score is None or (type(score) is float and math.isfinite(score)))
                and (source is None or (type(source) is str and not _text_control(source)))
                and not text[start:end].isspace()
            ):
                ids.add(entity_id)
                entity_spans[entity_id] = (start, end)
                entities.append(Entity(entity_id, start, end, label, score, source))
                spans.append(("entities", index, start, end))
                continue
        path = f"entities[{index}]"
        checked_keys(item, ENTITY_KEYS, path)
        start, end = checked_span(item, path, text)
        label = nonempty_str(item, "label", path)
        entity_id = claim(item.get("id"), path, f"T{index + 1}")
        review, machine = checked_review(item, path, TargetKind.ENTITY, {"start": start, "end": end, "label": label})
        if review is not PENDING and review.fixed:
            checked_span(machine, f"{path}.original", text)
        entities.append(
            Entity(entity_id, machine["start"], machine["end"], machine["label"], checked_score(item, path),
                   optional_str(item, "source", path), review)
        )
        entity_spans[entity_id] = (start, end)
        spans.append(("entities", index, start, end))

    raw_events = obj.get("events") or []
    if not isinstance(raw_events, list):
        raise BadRecord("events", "must be a list")
    events: list[Event] = []
    moves: list[tuple[str, str]] = []
    for index, item in enumerate(raw_events):
        path = f"events[{index}]"
        checked_keys(item, EVENT_KEYS, path)
        plain = REVIEW_KEYS.isdisjoint(item)
        event_type = nonempty_str(item, "type", path)
        trigger = item.get("trigger")
        if not isinstance(trigger, dict):
            raise BadRecord(f"{path}.trigger", "must be an object {start, end}")
        checked_keys(trigger, TRIGGER_KEYS, f"{path}.trigger")
        t_start, t_end = checked_span(trigger, f"{path}.trigger", text)
        event_id = claim(item.get("id"), path, f"E{index + 1}")
        attributes = _attributes(item.get("attributes"), f"{path}.attributes")
        raw_arguments = item.get("arguments") or []
        if not isinstance(raw_arguments, list):
            raise BadRecord(f"{path}.arguments", "must be a list")
        arguments: list[Argument] = []
        for a_index, arg in enumerate(raw_arguments):
            if type(arg) is dict and _PLAIN_ARGUMENT_KEYS.issuperset(arg):
                # Common case inline: a role and an entity id and/or an extent, no review state;
                # anything else (or anything wrong) takes the full path, which names the problem.
                role = arg.get("role")
                entity_ref = arg.get("entity")
                score = arg.get("score")
                a_start = arg.get("start")
                a_end = arg.get("end")
                entity_span = entity_spans.get(entity_ref) if type(entity_ref) is str else None
                if (
                    type(role) is str and role.strip() and not _name_control(role)
                    and (score is None or (type(score) is float and math.isfinite(score)))
                    and (entity_ref is None or entity_span is not None)
                ):
                    if a_start is None and a_end is None and entity_span is not None:
                        arguments.append(Argument(role, entity_ref, *entity_span, score, PENDING, None, event_id))
                        continue
                    if (
                        type(a_start) is int and type(a_end) is int and 0 <= a_start < a_end <= text_length
                        and not text[a_start:a_end].isspace()
                    ):
                        arguments.append(Argument(role, entity_ref, a_start, a_end, score, PENDING, None, event_id))
                        spans.append((f"{path}.arguments", a_index, a_start, a_end))
                        continue
            a_path = f"{path}.arguments[{a_index}]"
            argument, own_extent = _full_argument(arg, a_path, text, entity_spans, event_id)
            if own_extent:
                spans.append((f"{path}.arguments", a_index, *argument.final_span))
            if argument.event_id != event_id:
                moves.append((f"{a_path}.original.event_id", argument.event_id or ""))
            arguments.append(argument)
        if plain:
            events.append(
                Event(event_id, event_type, t_start, t_end, checked_score(item, path), optional_str(item, "source", path),
                      tuple(arguments), attributes)
            )
            spans.append(("events", index, t_start, t_end))
            continue
        finals = {"type": event_type, "trigger_start": t_start, "trigger_end": t_end, "attributes": attributes}
        review, machine = checked_review(item, path, TargetKind.EVENT, finals)
        if "attributes" in review.fixed:
            machine["attributes"] = _attributes(machine["attributes"], f"{path}.original.attributes")
        if "trigger_start" in review.fixed or "trigger_end" in review.fixed:
            checked_span(
                machine, f"{path}.original", text, "trigger_start", "trigger_end",
            )
        events.append(
            Event(event_id, machine["type"], machine["trigger_start"], machine["trigger_end"], checked_score(item, path),
                  optional_str(item, "source", path), tuple(arguments), machine["attributes"], review)
        )
        spans.append(("events", index, t_start, t_end))
    if moves:
        event_ids = {event.id for event in events}
        for where, machine_event in moves:
            if machine_event not in event_ids:
                raise BadRecord(where, f"{machine_event!r} is not the id of an event of this document")

    document = Document(doc_id, text, title, meta, tuple(sentences or ()), tuple(entities), tuple(events))
    return ParsedRecord(document, sentences is not None, spans)



def _attributes(value: Any, path: str) -> dict[str, Any]:
    """An event's attributes: an object of attribute name to value (the schema says which values it knows)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadRecord(path, f"must be a JSON object of attribute name to value, got {value!r}")
    for name, attribute in value.items():
        if _name_control(name):
            raise BadRecord(path, f"attribute name {name!r} holds a control character; remove it")
        if isinstance(attribute, str) and _text_control(attribute):
            raise BadRecord(f"{path}.{name}", f"holds a control character: {attribute!r}; remove it")
    return value


def _full_argument(
    arg: Any, path: str, text: str, entity_spans: dict[str, tuple[int, int]], event_id: str,
) -> tuple[Argument, bool]:
    """An argument checked by every rule, and whether it gave its own extent (to place in a sentence).

    An argument names its extent, the entity it refers to, or both; with only an
    entity, the entity's span is its extent.
    """
    checked_keys(arg, ARGUMENT_KEYS, path)
    role = nonempty_str(arg, "role", path)
    entity_ref = arg.get("entity")
    if entity_ref is not None:
        if is_int(entity_ref):
            entity_ref = str(entity_ref)
        if entity_ref not in entity_spans:
            raise BadRecord(f"{path}.entity", f"{entity_ref!r} is not the id of an entity of this document")
    own_extent = "start" in arg or "end" in arg
    if own_extent:
        start, end = checked_span(arg, path, text)
    elif entity_ref is not None:
        start, end = entity_spans[entity_ref]
        if arg.get("text") is not None and arg["text"] != text[start:end]:
            raise BadRecord(f"{path}.text", f"{arg['text']!r} does not match the span of entity {entity_ref}: {text[start:end]!r}")
    else:
        raise BadRecord(
            path,
            "has neither an extent nor an entity; give start/end (its words in the text), "
            "entity (the id of the entity it refers to), or both",
        )
    finals = {"role": role, "entity_id": entity_ref, "start": start, "end": end, "event_id": event_id}
    review, machine = checked_review(arg, path, TargetKind.ARGUMENT, finals)
    if review is not PENDING and review.fixed:
        machine = _argument_original(arg["original"], machine, own_extent, path, text, entity_spans)
        fixed = {name: finals[name] for name in ARGUMENT_FIELDS if machine[name] != finals[name]}
        review = replace(review, fixed=fixed)
    argument = Argument(
        machine["role"], machine["entity_id"], machine["start"], machine["end"], checked_score(arg, path), review, None,
        machine["event_id"],
    )
    return argument, own_extent


def _argument_original(
    original: dict, machine: dict[str, Any], own_extent: bool, path: str, text: str,
    entity_spans: dict[str, tuple[int, int]],
) -> dict[str, Any]:
    """The machine's values of a corrected argument, checked; an original without an extent takes its entity's.

    Files written before arguments had extents name only entities: there a relinked
    argument's original extent is its original entity's span.
    """
    entity_ref = machine["entity_id"]
    if entity_ref is not None:
        if is_int(entity_ref):
            entity_ref = machine["entity_id"] = str(entity_ref)
        if entity_ref not in entity_spans:
            raise BadRecord(f"{path}.original.entity_id", f"{entity_ref!r} is not the id of an entity of this document")
    extent_unknown = machine["start"] is None or machine["end"] is None
    relinked_without_extent = not own_extent and "start" not in original and "end" not in original and "entity_id" in original
    if extent_unknown or relinked_without_extent:
        if entity_ref is None:
            raise BadRecord(f"{path}.original", "gives neither the original start/end nor an entity to take them from")
        machine["start"], machine["end"] = entity_spans[entity_ref]
    elif "start" in original or "end" in original:
        checked_span(machine, f"{path}.original", text)
    if not isinstance(machine["event_id"], str) or not machine["event_id"]:
        raise BadRecord(f"{path}.original.event_id", f"must be the id of an event of this document, got {machine['event_id']!r}")
    return machine
