"""doccano JSONL: entities with integer ids and relations between them.

Written as doccano's relation-extraction export: `{"id", "text", "entities":
[{"id", "start_offset", "end_offset", "label"}], "relations": [{"id", "from_id",
"to_id", "type"}]}`. An event is its trigger as an entity labelled with the event
type plus one relation per argument from the trigger, typed with the role; a bare
span argument becomes an entity labelled `ARGUMENT`. doccano keeps no review
state per span: rejected candidates are left out (the summary says how many).
annotator's document id travels as `annotator_id`, the title and metadata in `meta`.

Read: that shape, and the sequence-labelling shape `{"text", "label": [[start,
end, "LABEL"], ...]}`. An entity is an event trigger when it has outgoing
relations or its label is an event type of the schema (so an event without
arguments survives the trip).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from annotator.domain import Document
from annotator.formats.exporting import ExportFilter, ExportSummary, FinalDocument, final_views
from annotator.formats.reading import Record, converted, jsonl_objects
from annotator.formats.record import BadRecord
from annotator.schema import load_schema

BARE_SPAN_LABEL = "ARGUMENT"


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

    def entity_id(key: tuple[Any, ...], start: int, end: int, label: str) -> int:
        if key not in ids:
            ids[key] = len(entities) + 1
            entities.append({"id": ids[key], "start_offset": start, "end_offset": end, "label": label})
        return ids[key]

    for entity in view.entities:
        entity_id(("entity", entity.id), entity.start, entity.end, entity.label)
    relations: list[dict[str, Any]] = []
    for event in view.events:
        trigger = entity_id(("event", event.id), event.start, event.end, event.type)
        for argument in event.arguments:
            if argument.entity_id is not None:
                target = ids[("entity", argument.entity_id)]
            else:
                target = entity_id(("span", argument.start, argument.end), argument.start, argument.end, BARE_SPAN_LABEL)
            relations.append({"id": len(relations) + 1, "from_id": trigger, "to_id": target, "type": argument.role})
    document = view.document
    return {
        "id": number, "annotator_id": document.id, "text": document.text,
        "meta": {"title": document.title, **document.meta},
        "entities": entities, "relations": relations,
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
    entities = obj.get("entities") or []
    relations = obj.get("relations") or []
    if not isinstance(entities, list) or not isinstance(relations, list):
        raise BadRecord("entities", "entities and relations must be lists")
    by_id: dict[int, dict] = {}
    for index, entity in enumerate(entities):
        if not isinstance(entity, dict):
            raise BadRecord(f"entities[{index}]", "must be an object")
        ident = _int_id(entity.get("id"), f"entities[{index}].id")
        if ident in by_id:
            raise BadRecord(f"entities[{index}].id", f"{ident} is used twice")
        by_id[ident] = entity
    outgoing: dict[int, list[dict]] = {}
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
        outgoing.setdefault(source, []).append(relation)
    referenced_as_span = set()
    for ident, entity in by_id.items():
        if entity.get("label") == BARE_SPAN_LABEL:
            referenced_as_span.add(ident)
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
                arguments.append({"role": relation["type"], "start": child.get("start_offset"), "end": child.get("end_offset")})
            else:
                arguments.append({"role": relation["type"], "entity": f"T{relation['to_id']}"})
        native["events"].append({
            "id": f"E{ident}", "type": trigger.get("label"),
            "trigger": {"start": trigger.get("start_offset"), "end": trigger.get("end_offset")}, "arguments": arguments,
        })
    return native


def doccano_records(path: Path, progress: Callable[[int], None] | None = None) -> Iterator[Record]:
    """The records of a doccano JSONL file as native documents."""
    return converted(path, jsonl_objects(path, progress), doccano_to_native)


def looks_like_doccano(first: Any) -> bool:
    """True for a decoded first line in one of doccano's shapes."""
    if not isinstance(first, dict) or "text" not in first:
        return False
    if "label" in first and isinstance(first["label"], list):
        return True
    entities = first.get("entities")
    return isinstance(entities, list) and bool(entities) and isinstance(entities[0], dict) and "start_offset" in entities[0]
