"""doccano JSONL: entities with integer ids and relations between them.

Written as doccano's relation-extraction export: `{"id", "text", "entities":
[{"id", "start_offset", "end_offset", "label"}], "relations": [{"id", "from_id",
"to_id", "type"}]}`. An event is its trigger as an entity labelled with the event
type plus one relation per argument from the trigger, typed with the role. An
argument whose extent is its entity's span points at that entity; any other
extent is an entity labelled `ARGUMENT`, with a `Refers` relation from it to the
entity it refers to, if any. doccano has no place for attributes on an entity,
so event attributes travel in the record-level `annotator_attributes` (one
`{start, end, type, attributes}` per event, by its trigger's offsets), and the
schema warnings a reviewer dismissed in `annotator_dismissed` (`{kind, start,
end, label, dismissed}`; an argument's label is its role and `event` gives its
trigger's offsets); doccano keeps record-level keys as the example's metadata.
doccano keeps no review state per span: rejected candidates are left out (the
summary says how many). annotator's document id travels as `annotator_id`, the
title and metadata in `meta`. doccano itself drops overlapping spans when it
imports a file, so an extent that overlaps an entity is lost inside doccano,
though not by annotator's reader.

Read: that shape, and the sequence-labelling shape `{"text", "label": [[start,
end, "LABEL"], ...]}`. An entity is an event trigger when it has outgoing
relations (other than `Refers` from an `ARGUMENT` extent) or its label is an
event type of the schema (so an event without arguments survives the trip).
`annotator_attributes` are read back; `annotator_dismissed` is not (a flag for
the reader of the file).
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

import orjson

from annotator.domain import Document, Review
from annotator.formats.exporting import ExportFilter, ExportSummary, FinalDocument, final_views
from annotator.formats.inputs import Source
from annotator.formats.reading import Record, converted, jsonl_objects
from annotator.formats.record import BadRecord
from annotator.schema import load_schema

BARE_SPAN_LABEL = "ARGUMENT"
REFERS = "Refers"
"""The relation type from an argument's own extent to the entity it refers to."""


def write_doccano(documents: Iterable[Document], out: IO[bytes], keep: ExportFilter | None = None) -> ExportSummary:
    """Write documents as doccano JSONL; return what was written and left out."""
    summary = ExportSummary()
    for number, view in enumerate(final_views(documents, keep or ExportFilter(), summary), start=1):
        out.write(orjson.dumps(_doccano_record(number, view)))
        out.write(b"\n")
    return summary


def _doccano_record(number: int, view: FinalDocument) -> dict[str, Any]:
    """One document's final view as a doccano relation-extraction record with the integer id `number`."""
    ids: dict[tuple[Any, ...], int] = {}
    entities: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    dismissed: list[dict[str, Any]] = []

    def entity_id(key: tuple[Any, ...], start: int, end: int, label: str) -> int:
        if key not in ids:
            ids[key] = len(entities) + 1
            entities.append({"id": ids[key], "start_offset": start, "end_offset": end, "label": label})
        return ids[key]

    def relate(source: int, target: int, kind: str) -> None:
        relations.append({"id": len(relations) + 1, "from_id": source, "to_id": target, "type": kind})

    def flag(review: Review, kind: str, start: int, end: int, label: str, **where: Any) -> None:
        if review.dismissed:
            dismissed.append({"kind": kind, "start": start, "end": end, "label": label, **where,
                              "dismissed": list(review.dismissed)})

    for entity in view.entities:
        entity_id(("entity", entity.id), entity.start, entity.end, entity.label)
        flag(entity.review, "entity", entity.start, entity.end, entity.label)
    attributes = []
    for event in view.events:
        trigger = entity_id(("event", event.id), event.start, event.end, event.type)
        flag(event.review, "event", event.start, event.end, event.type)
        if event.attributes:
            attributes.append({"start": event.start, "end": event.end, "type": event.type,
                               "attributes": dict(event.attributes)})
        for argument in event.arguments:
            linked = argument.entity
            if linked is not None and argument.extent_is_entity:
                target = ids[("entity", linked.id)]
            else:
                key = ("extent", argument.start, argument.end, argument.entity_id)
                known = key in ids
                target = entity_id(key, argument.start, argument.end, BARE_SPAN_LABEL)
                if linked is not None and not known:
                    relate(target, ids[("entity", linked.id)], REFERS)
            relate(trigger, target, argument.role)
            flag(argument.review, "argument", argument.start, argument.end, argument.role, event=[event.start, event.end])
    document = view.document
    return {
        "id": number, "annotator_id": document.id, "text": document.text,
        "meta": {"title": document.title, **document.meta},
        "entities": entities, "relations": relations,
        "annotator_attributes": attributes, "annotator_dismissed": dismissed,
    }


def _int_id(value: Any, field: str) -> int:
    """A doccano id, which must be an integer."""
    if type(value) is not int:
        raise BadRecord(field, f"must be an integer id, got {value!r}")
    return value


def doccano_to_native(obj: Any, number: int) -> dict:
    """One doccano record as a native document (checked again by the native rules after)."""
    if not isinstance(obj, dict):
        raise BadRecord("", "must be a JSON object")
    text = obj.get("text")
    if not isinstance(text, str):
        raise BadRecord("text", "must be a string")
    raw_meta = obj.get("meta")
    meta = dict(raw_meta) if isinstance(raw_meta, dict) else {}
    title = meta.pop("title", None)
    doc_id = obj.get("annotator_id", obj.get("id", f"doccano-{number}"))
    native: dict[str, Any] = {"id": str(doc_id), "text": text, "meta": meta, "entities": [], "events": []}
    if isinstance(title, str):
        native["title"] = title
    if "label" in obj and "entities" not in obj:
        labels = obj["label"]
        if not isinstance(labels, list):
            raise BadRecord("label", "must be a list of [start, end, label]")
        for index, item in enumerate(labels):
            if not isinstance(item, list) or len(item) != 3:
                raise BadRecord(f"label[{index}]", f"must be [start, end, label], got {item!r}")
            native["entities"].append({"id": f"T{index + 1}", "start": item[0], "end": item[1], "label": item[2]})
        return native
    entities = obj.get("entities")
    entities = [] if entities is None else entities
    relations = obj.get("relations")
    relations = [] if relations is None else relations
    if not isinstance(entities, list):
        raise BadRecord("entities", f"must be a list of {{id, start_offset, end_offset, label}} objects, got {reprlib.repr(entities)}")
    if not isinstance(relations, list):
        raise BadRecord("relations", f"must be a list of {{id, from_id, to_id, type}} objects, got {reprlib.repr(relations)}")
    by_id: dict[int, dict] = {}
    for index, entity in enumerate(entities):
        if not isinstance(entity, dict):
            raise BadRecord(f"entities[{index}]", "must be an object")
        ident = _int_id(entity.get("id"), f"entities[{index}].id")
        _int_id(entity.get("start_offset"), f"entities[{index}].start_offset")
        _int_id(entity.get("end_offset"), f"entities[{index}].end_offset")
        label = entity.get("label")
        if not isinstance(label, str) or not label:
            raise BadRecord(f"entities[{index}].label", f"must be a non-empty string, got {label!r}")
        if ident in by_id:
            raise BadRecord(f"entities[{index}].id", f"{ident} is used twice")
        by_id[ident] = entity
    referenced_as_span = {ident for ident, entity in by_id.items() if entity.get("label") == BARE_SPAN_LABEL}
    outgoing: dict[int, list[dict]] = {}
    refers: dict[int, int] = {}
    for index, relation in enumerate(relations):
        if not isinstance(relation, dict):
            raise BadRecord(f"relations[{index}]", "must be an object")
        source = _int_id(relation.get("from_id"), f"relations[{index}].from_id")
        target = _int_id(relation.get("to_id"), f"relations[{index}].to_id")
        for end, name in ((source, "from_id"), (target, "to_id")):
            if end not in by_id:
                raise BadRecord(f"relations[{index}].{name}", f"{end} is not the id of an entity of this record")
        if not isinstance(relation.get("type"), str) or not relation["type"]:
            raise BadRecord(f"relations[{index}].type", "must be a non-empty string (the argument's role)")
        if relation["type"] == REFERS and source in referenced_as_span:
            refers[source] = target
            continue
        outgoing.setdefault(source, []).append(relation)
    attributes = _attributes(obj.get("annotator_attributes"))
    event_types = set(load_schema().events)
    triggers = {ident for ident, entity in by_id.items() if ident in outgoing or entity.get("label") in event_types}
    for ident, entity in by_id.items():
        if ident in triggers or ident in referenced_as_span:
            continue
        native["entities"].append({
            "id": f"T{ident}", "start": entity.get("start_offset"), "end": entity.get("end_offset"), "label": entity.get("label"),
        })
    for ident in sorted(triggers):
        trigger = by_id[ident]
        arguments = []
        for relation in outgoing.get(ident, ()):
            child = by_id[relation["to_id"]]
            if relation["to_id"] in triggers:
                raise BadRecord("relations", f"relation {relation.get('id')} points at another event's trigger; nested events cannot be imported")
            if relation["to_id"] in referenced_as_span:
                argument = {"role": relation["type"], "start": child.get("start_offset"), "end": child.get("end_offset")}
                if relation["to_id"] in refers:
                    argument["entity"] = f"T{refers[relation['to_id']]}"
                arguments.append(argument)
            else:
                arguments.append({"role": relation["type"], "entity": f"T{relation['to_id']}"})
        native["events"].append({
            "id": f"E{ident}", "type": trigger.get("label"),
            "trigger": {"start": trigger.get("start_offset"), "end": trigger.get("end_offset")}, "arguments": arguments,
            "attributes": attributes.get((trigger.get("start_offset"), trigger.get("end_offset"), trigger.get("label")), {}),
        })
    return native


_KEY_TYPES = (int, str)


def _attributes(raw: Any) -> dict[tuple[Any, Any, Any], Any]:
    """Event attributes from `annotator_attributes`, by their trigger's offsets and event type."""
    if raw is None:
        return {}
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise BadRecord("annotator_attributes", "must be a list of {start, end, type, attributes}")
    for index, item in enumerate(raw):
        if not all(type(item.get(key)) in _KEY_TYPES for key in ("start", "end", "type")):
            raise BadRecord(f"annotator_attributes[{index}]", "start and end must be integers and type a string")
    return {(item.get("start"), item.get("end"), item.get("type")): item.get("attributes") for item in raw}


def doccano_records(path: Source, progress: Callable[[int], None] | None = None) -> Iterator[Record]:
    """The records of a doccano JSONL file or stream as native documents, a line at a time."""
    return converted(path, jsonl_objects(path, progress), doccano_to_native)


# Keys of a doccano record that a native one never has: a line holding one is doccano's whatever its entities hold
# (so that a malformed `entities` is said as doccano's), unless it also holds a key of a native or Prodigy record.
DOCCANO_KEYS = frozenset({"relations", "annotator_id", "annotator_attributes", "annotator_dismissed"})
NOT_DOCCANO_KEYS = frozenset({"events", "sentences", "spans", "tokens", "_input_hash", "_task_hash"})


def looks_like_doccano(first: Any) -> bool:
    """True for a decoded first line in one of doccano's shapes."""
    if not isinstance(first, dict) or "text" not in first:
        return False
    if "label" in first and isinstance(first["label"], list):
        return True
    if not DOCCANO_KEYS.isdisjoint(first) and NOT_DOCCANO_KEYS.isdisjoint(first):
        return True
    entities = first.get("entities")
    return isinstance(entities, list) and bool(entities) and isinstance(entities[0], dict) and "start_offset" in entities[0]
