"""annotator's native JSONL: one document per line, candidates and review state included.

Each line is a native record (`annotator.formats.record`); reading checks every
line of every file before anything is returned, so an import either takes all of
its input or nothing, and errors name the file, the line and the field. Writing
gives each candidate's final values, its status, the machine's original values
when a reviewer changed them, who decided and when.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

import orjson

from annotator.domain import PENDING, Document, Review, Status
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
    return datetime.fromtimestamp(at, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


_PENDING_FIELDS = {"status": Status.PENDING.value, "reviewer": None, "decided_at": None, "flagged": False, "note": ""}


def _review_fields(item: dict, review: Review, machine: Mapping[str, Any] | None) -> None:
    """Add a candidate's review state to its JSON object; `machine` is needed only when it was fixed."""
    if review is PENDING:
        item.update(_PENDING_FIELDS)
        return
    item["status"] = review.status.value
    if review.fixed and machine is not None:
        changed = {k: machine[k] for k, v in review.fixed.items() if machine.get(k) != v}
        if changed:
            item["original"] = changed
    item["reviewer"] = review.reviewer
    item["decided_at"] = _iso(review.decided_at)
    item["flagged"] = review.flagged
    item["note"] = review.note


def document_to_dict(document: Document, keep: ExportFilter, summary: ExportSummary, with_tokens: bool = False) -> dict | None:
    """The native JSON object of one document, or None when the filter leaves nothing in it."""
    text = document.text
    keeps = keep.keeps
    entities = []
    exported_ids: set[str] = set()
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
        exported_ids.add(entity.id)
    events = []
    for event in document.events:
        if not keeps(event.review):
            continue
        arguments = []
        for argument in event.arguments:
            review = argument.review
            if not keeps(review):
                continue
            fixed = review.fixed
            entity_id = fixed.get("entity_id", argument.entity_id) if fixed else argument.entity_id
            arg: dict[str, Any] = {"role": fixed.get("role", argument.role) if fixed else argument.role}
            if entity_id is not None:
                if entity_id not in exported_ids:
                    summary.dropped_arguments += 1
                    continue
                arg["entity"] = entity_id
            else:
                a_start, a_end = argument.final("start"), argument.final("end")
                arg.update({"start": a_start, "end": a_end, "text": text[a_start:a_end]})
            arg["score"] = argument.score
            _review_fields(arg, review, fixed and {
                "role": argument.role, "entity_id": argument.entity_id, "start": argument.start, "end": argument.end,
            })
            arguments.append(arg)
        t_start, t_end = event.final("trigger_start"), event.final("trigger_end")
        item = {
            "id": event.id, "type": event.final("type"),
            "trigger": {"start": t_start, "end": t_end, "text": text[t_start:t_end]},
            "score": event.score, "source": event.source, "attributes": dict(event.attributes),
            "arguments": arguments,
        }
        _review_fields(item, event.review, {
            "type": event.type, "trigger_start": event.trigger_start, "trigger_end": event.trigger_end,
        })
        events.append(item)
        summary.arguments += len(arguments)
    if keep.filters_items and not entities and not events:
        return None
    summary.documents += 1
    summary.entities += len(entities)
    summary.events += len(events)
    if with_tokens:
        sentences = [{"start": s.start, "end": s.end, "tokens": s.tokens} for s in document.sentences]
    else:
        sentences = [{"start": s.start, "end": s.end} for s in document.sentences]
    return {
        "id": document.id, "title": document.title, "text": text, "meta": dict(document.meta),
        "sentences": sentences, "entities": entities, "events": events,
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
