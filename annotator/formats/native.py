"""annotator's native JSONL: one document per line, candidates and review state included.

Each line is a native record (`annotator.formats.record`); reading checks every
line of every file before anything is returned, so an import either takes all of
its input or nothing, and errors name the file, the line and the field. Writing
gives each candidate's final values, its status, the machine's original values
when a reviewer changed them (an event's attributes and a moved argument's event
included), who decided and when, and the schema warnings the reviewer dismissed.
Every argument is written with its extent (`start`, `end`, `text`) and the
`entity` it refers to (null for none); a sentence a reviewer confirmed ("nothing
more here") carries its review too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

import orjson

from annotator.domain import PENDING, Argument, Document, Review, Sentence, Status
from annotator.formats.exporting import ExportFilter, ExportSummary
from annotator.formats.reading import Progress, SourcedDocument, jsonl_objects, read_documents


def read_native(paths: Sequence[str | Path], progress: Progress | None = None) -> list[SourcedDocument]:
    """Read and validate native JSONL files; raise `InvalidInput` naming every bad line.

    Sentences and tokens absent from a document are computed with the blank
    spaCy segmenter (no trained model). `progress` receives bytes read.
    """
    return read_documents(paths, jsonl_objects, progress)


def _iso(at: float | None) -> str | None:
    """A decision time as ISO 8601 in UTC, to the millisecond."""
    if at is None:
        return None
    try:
        return datetime.fromtimestamp(at, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    except (ValueError, OverflowError, OSError):
        # A time no calendar date holds (stored before imports checked them): written as it is, never a crash.
        return str(at)


_PENDING_FIELDS: dict[str, Any] = {
    "status": Status.PENDING.value, "reviewer": None, "decided_at": None, "flagged": False, "note": "", "dismissed": [],
}


def _review_fields(item: dict, review: Review, machine: Mapping[str, Any] | None) -> None:
    """Add a candidate's review state to its JSON object; `machine` is needed only when it was fixed."""
    if review is PENDING:
        item.update(_PENDING_FIELDS)
        return
    item["status"] = review.status.value
    if review.fixed and machine is not None:
        fixed = review.fixed
        # In the machine values' order, the fields' own, so an export does not depend on the order of the fixes.
        changed = {k: v for k, v in machine.items() if k in fixed and fixed[k] != v}
        if changed:
            item["original"] = changed
    item["reviewer"] = review.reviewer
    item["decided_at"] = _iso(review.decided_at)
    item["flagged"] = review.flagged
    item["note"] = review.note
    item["dismissed"] = list(review.dismissed)


def _sentence_dict(sentence: Sentence, with_tokens: bool) -> dict:
    """A sentence's offsets, its tokens when asked, and its review once a reviewer confirmed it."""
    item: dict[str, Any] = {"start": sentence.start, "end": sentence.end}
    if with_tokens:
        item["tokens"] = list(sentence.tokens)
    if sentence.review is not PENDING:
        _review_fields(item, sentence.review, None)
    return item


def _argument_dict(argument: Argument, text: str, exported: Mapping[str, tuple[int, int]]) -> dict | None:
    """An argument's JSON object: final role, extent and entity; None when its entity is not exported."""
    review = argument.review
    fixed = review.fixed
    if fixed:
        role = fixed.get("role", argument.role)
        entity_id = fixed.get("entity_id", argument.entity_id)
        start = fixed.get("start", argument.start)
        end = fixed.get("end", argument.end)
    else:
        role, entity_id, start, end = argument.role, argument.entity_id, argument.start, argument.end
    if entity_id is not None:
        if entity_id not in exported:
            return None
        if start is None or end is None:  # an argument built without an extent: its entity's span
            start, end = exported[entity_id]
    arg: dict[str, Any] = {
        "role": role, "entity": entity_id, "start": start, "end": end, "text": text[start:end], "score": argument.score,
    }
    _review_fields(arg, review, fixed and {
        "role": argument.role, "entity_id": argument.entity_id, "start": argument.start, "end": argument.end,
        "event_id": argument.event_id,
    })
    return arg


def document_to_dict(document: Document, keep: ExportFilter, summary: ExportSummary, with_tokens: bool = False) -> dict | None:
    """The native JSON object of one document, or None when the filter leaves nothing in it."""
    text = document.text
    keeps = keep.keeps
    entities = []
    exported: dict[str, tuple[int, int]] = {}
    for entity in document.entities:
        review = entity.review
        if not keeps(review):
            continue
        fixed = review.fixed
        start = fixed.get("start", entity.start) if fixed else entity.start
        end = fixed.get("end", entity.end) if fixed else entity.end
        item = {
            "id": entity.id, "start": start, "end": end, "text": text[start:end],
            "label": fixed.get("label", entity.label) if fixed else entity.label,
            "score": entity.score, "source": entity.source,
        }
        _review_fields(item, review, fixed and {"start": entity.start, "end": entity.end, "label": entity.label})
        entities.append(item)
        exported[entity.id] = (start, end)
    events = []
    for event in document.events:
        if not keeps(event.review):
            continue
        arguments = []
        for argument in event.arguments:
            if not keeps(argument.review):
                continue
            arg = _argument_dict(argument, text, exported)
            if arg is None:
                summary.dropped_arguments += 1
                continue
            arguments.append(arg)
        t_start, t_end = event.final("trigger_start"), event.final("trigger_end")
        item = {
            "id": event.id, "type": event.final("type"),
            "trigger": {"start": t_start, "end": t_end, "text": text[t_start:t_end]},
            "score": event.score, "source": event.source, "attributes": dict(event.final("attributes") or {}),
            "arguments": arguments,
        }
        _review_fields(item, event.review, {
            "type": event.type, "trigger_start": event.trigger_start, "trigger_end": event.trigger_end,
            "attributes": dict(event.attributes),
        })
        events.append(item)
        summary.arguments += len(arguments)
    if keep.filters_items and not entities and not events:
        return None
    summary.documents += 1
    summary.entities += len(entities)
    summary.events += len(events)
    return {
        "id": document.id, "title": document.title, "text": text, "meta": dict(document.meta),
        "sentences": [_sentence_dict(s, with_tokens) for s in document.sentences],
        "entities": entities, "events": events,
    }


def write_native(
    documents: Iterable[Document], out: IO[bytes], keep: ExportFilter | None = None, with_tokens: bool = False,
) -> ExportSummary:
    """Write documents as native JSONL to a binary stream; return what was written.

    Pass documents loaded with their tokens when `with_tokens` is set.
    """
    keep = keep or ExportFilter()
    summary = ExportSummary()
    dumps = orjson.dumps
    for document in documents:
        obj = document_to_dict(document, keep, summary, with_tokens)
        if obj is not None:
            out.write(dumps(obj))
            out.write(b"\n")
    return summary
