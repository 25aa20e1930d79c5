"""Prodigy JSONL: one task per sentence with tokens, spans and relations.

Written: `text` (the sentence), `tokens` (`text`, `start`, `end`, `id`, `ws`, from
the stored tokens), `spans` (`start`, `end`, `token_start`, `token_end` —
inclusive, as Prodigy has it — `label`, `text`), `relations` (`head`/`child` =
the index of each span's last token, `head_span`, `child_span`, `label`),
`answer`, `meta` and `_input_hash` / `_task_hash` (32-bit murmurhash of the text
and of the task's spans and relations: compatible in kind with Prodigy's, not
byte-identical). Prodigy has no event object: an event is its trigger span,
labelled with the event type, plus one relation per argument from the trigger,
labelled with the role. An argument whose extent is its entity's span points at
that entity's span; any other extent is a span labelled `ARGUMENT`, and when it
refers to an entity the relation's `meta.entity` names it by label and document
offsets (`document_start`, `document_end`: the entity may lie in another
sentence's task). An event's attributes are in its trigger span's
`meta.attributes`; the schema warnings a reviewer dismissed are in the `meta.dismissed`
of the span (entity, trigger) or relation (argument) they were about. Prodigy
keeps unknown keys of a task, but its own interfaces may drop a span's or
relation's `meta` when an annotator edits it.
Prodigy's answer is per task: `accept` when every candidate of the sentence has
been decided, `ignore` while some are pending. Rejected candidates are left out.
`meta` holds the document id, sentence index, offset and the text before the
sentence, so the documents are rebuilt exactly on import.

Read: those files, and real-world variants — no `spans` (no entities), no `ws`,
no `meta`, extra keys. Tasks sharing `meta.document` form one document; any
other task is a document of its own. Spans are checked against the text, and
against the tokens when a task has them. A span is an event trigger when a
relation starts from it or its label is an event type of the schema. Every
span imports as a pending candidate, with the attributes, entity links and
dismissed warnings its `meta` gives.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import orjson

from annotator.domain import Document, Review, Sentence, Status
from annotator.formats.exporting import ExportFilter, ExportSummary, FinalDocument, final_views
from annotator.formats.reading import InputError, Record, jsonl_objects
from annotator.formats.record import BadRecord
from annotator.schema import load_schema

BARE_SPAN_LABEL = "ARGUMENT"


def _hash(value: str) -> int:
    """A 32-bit murmurhash of a string, as Prodigy hashes tasks."""
    from murmurhash.mrmr import hash as murmur

    return murmur(value)


def write_prodigy(documents: Iterable[Document], out: IO[bytes], keep: ExportFilter | None = None) -> ExportSummary:
    """Write one Prodigy task per sentence; return what was written and left out."""
    summary = ExportSummary()
    for view in final_views(documents, keep or ExportFilter(), summary):
        for task in _tasks(view, summary):
            out.write(orjson.dumps(task))
            out.write(b"\n")
    return summary


class _TaskSpans:
    """The spans of one sentence's task, each written once, in sentence offsets with inclusive token indices."""

    def __init__(self, text: str, sentence: Sentence, summary: ExportSummary):
        self.text = text
        self.base = sentence.start
        self.summary = summary
        self.first_token = {start: i for i, (start, _end) in enumerate(sentence.tokens)}
        self.last_token = {end: i for i, (_start, end) in enumerate(sentence.tokens)}
        self.spans: list[dict] = []
        self.by_key: dict[tuple[int, int, str], dict] = {}

    def add(self, start: int, end: int, label: str, meta: dict | None = None) -> dict | None:
        """The task's span at these document offsets, added if new; None when a boundary falls inside a token.

        `meta` goes with a new span; a span asked for again keeps the meta it was first written with.
        """
        key = (start, end, label)
        if key in self.by_key:
            if meta:
                self.summary.count("spans asked for twice with their own meta (attributes or dismissed warnings) written once")
            return self.by_key[key]
        if start not in self.first_token or end not in self.last_token:
            self.summary.count("spans left out because a boundary falls inside a token")
            return None
        span = {"start": start - self.base, "end": end - self.base, "token_start": self.first_token[start],
                "token_end": self.last_token[end], "label": label, "text": self.text[start:end]}
        if meta:
            span["meta"] = meta
        self.by_key[key] = span
        self.spans.append(span)
        return span


def _tasks(view: FinalDocument, summary: ExportSummary) -> Iterator[dict]:
    """One Prodigy task per sentence of a document's final view."""
    document = view.document
    text = document.text
    previous_end = 0
    sentences = document.sentences
    entities_in, events_in = view.by_sentence()
    for sentence in sentences:
        base = sentence.start
        tokens = sentence.tokens
        token_dicts = []
        for index, (start, end) in enumerate(tokens):
            following = tokens[index + 1][0] if index + 1 < len(tokens) else sentence.end
            token_dicts.append({"text": text[start:end], "start": start - base, "end": end - base, "id": index,
                                "ws": following > end})
        task_spans = _TaskSpans(text, sentence, summary)
        pending = False
        for entity in entities_in.get(sentence.index, ()):
            task_spans.add(entity.start, entity.end, entity.label, _meta_of(entity.review))
            pending = pending or entity.review.status is Status.PENDING
        relations = []
        for event in events_in.get(sentence.index, ()):
            pending = pending or event.review.status is Status.PENDING
            head = task_spans.add(event.start, event.end, event.type, _meta_of(event.review, event.attributes))
            for argument in event.arguments:
                pending = pending or argument.review.status is Status.PENDING
                if not sentence.start <= argument.start < sentence.end:
                    summary.count("arguments left out because they lie outside their event's sentence")
                    continue
                linked = argument.entity
                if linked is not None and argument.extent_is_entity:
                    child = task_spans.add(argument.start, argument.end, linked.label)
                else:
                    child = task_spans.add(argument.start, argument.end, BARE_SPAN_LABEL)
                if head is None or child is None:
                    continue
                relation = {"head": head["token_end"], "child": child["token_end"], "head_span": head,
                            "child_span": child, "label": argument.role}
                meta = _meta_of(argument.review)
                if linked is not None and not argument.extent_is_entity:
                    meta["entity"] = {"label": linked.label, "document_start": linked.start,
                                      "document_end": linked.end, "text": text[linked.start : linked.end]}
                if meta:
                    relation["meta"] = meta
                relations.append(relation)
        spans = task_spans.spans
        sentence_text = text[base : sentence.end]
        meta = {"document": document.id, "sentence": sentence.index, "offset": base,
                "before": text[previous_end:base]}
        if sentence is sentences[-1]:
            meta["after"] = text[sentence.end :]
        if sentence is sentences[0] and document.title:
            meta["title"] = document.title
        previous_end = sentence.end
        input_hash = _hash(sentence_text)
        task_key = orjson.dumps([[s["start"], s["end"], s["label"]] for s in spans]
                                + [[r["head"], r["child"], r["label"]] for r in relations]).decode()
        yield {
            "text": sentence_text, "meta": meta, "tokens": token_dicts, "spans": spans, "relations": relations,
            "answer": "ignore" if pending else "accept",
            "_input_hash": input_hash, "_task_hash": _hash(f"{input_hash} {task_key}"), "_view_id": "relations",
        }


def _meta_of(review: Review, attributes: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The `meta` of a span or relation: an event's attributes and the warnings a reviewer dismissed."""
    meta: dict[str, Any] = {}
    if attributes:
        meta["attributes"] = dict(attributes)
    if review.dismissed:
        meta["dismissed"] = list(review.dismissed)
    return meta


# ---------------------------------------------------------------------------- reading


def _meta(task: dict) -> dict:
    """A task's meta, or an empty one when it has none (or not an object)."""
    meta = task.get("meta")
    return meta if isinstance(meta, dict) else {}


def _task_spans(task: dict) -> tuple[list[dict], list[dict]]:
    """A task's spans and relations, checked against its text and tokens."""
    text = task["text"]
    spans = task.get("spans") or []
    tokens = task.get("tokens")
    if not isinstance(spans, list):
        raise BadRecord("spans", "must be a list")
    checked = []
    for index, span in enumerate(spans):
        if not isinstance(span, dict):
            raise BadRecord(f"spans[{index}]", "must be an object")
        start, end, label = span.get("start"), span.get("end"), span.get("label")
        if type(start) is not int or type(end) is not int or not 0 <= start < end <= len(text):
            raise BadRecord(f"spans[{index}]", f"offsets {start}-{end} must lie inside the task's text (length {len(text)})")
        if not isinstance(label, str) or not label:
            raise BadRecord(f"spans[{index}].label", "must be a non-empty string")
        if "text" in span and span["text"] != text[start:end]:
            raise BadRecord(f"spans[{index}].text", f"{span['text']!r} does not match the text at {start}-{end}: {text[start:end]!r}")
        if isinstance(tokens, list) and "token_start" in span and "token_end" in span:
            try:
                first, last = tokens[span["token_start"]], tokens[span["token_end"]]
            except (IndexError, TypeError):
                raise BadRecord(f"spans[{index}]", "token_start/token_end are not token indices of this task") from None
            if first.get("start") != start or last.get("end") != end:
                raise BadRecord(f"spans[{index}]", "token_start/token_end (inclusive) do not match start/end")
        checked.append({"start": start, "end": end, "label": label, "meta": _meta(span)})
    relations = task.get("relations") or []
    if not isinstance(relations, list):
        raise BadRecord("relations", "must be a list")
    found = []
    for index, relation in enumerate(relations):
        if not isinstance(relation, dict):
            raise BadRecord(f"relations[{index}]", "must be an object")
        head, child = relation.get("head_span"), relation.get("child_span")
        if not isinstance(head, dict) or not isinstance(child, dict):
            raise BadRecord(f"relations[{index}]", "needs head_span and child_span")
        if not isinstance(relation.get("label"), str) or not relation["label"]:
            raise BadRecord(f"relations[{index}].label", "must be a non-empty string (the argument's role)")
        found.append({"head": (head.get("start"), head.get("end"), head.get("label")),
                      "child": (child.get("start"), child.get("end"), child.get("label")), "role": relation["label"],
                      "meta": _meta(relation)})
    return checked, found


def _is_trigger(span: dict, heads: set[tuple], event_types: set[str]) -> bool:
    """True when a span is an event trigger: a relation starts from it, or its label is an event type."""
    return (
        (span["start"], span["end"], span["label"]) in heads or span["label"] in event_types
        or (span["start"], span["end"], None) in heads
    )


def _reviewed(item: dict, meta: dict) -> dict:
    """A native item with the dismissed warnings its span's or relation's `meta` gives."""
    if "dismissed" in meta:
        item["dismissed"] = meta["dismissed"]
    return item


def _document_from_tasks(doc_id: str, tasks: list[tuple[int, dict]]) -> dict:
    """The native record of a document rebuilt from its tasks, in sentence order."""
    event_types = set(load_schema().events)
    text_parts: list[str] = []
    offset = 0
    entities: list[dict] = []
    events: list[dict] = []
    sentences = []
    title = None
    # Arguments whose relation names the entity they refer to, resolved once every task is read.
    links: list[tuple[dict, Any, int, str]] = []
    for number, task in tasks:
        meta = _meta(task)
        before = meta.get("before", "" if not text_parts else "\n\n")
        if not isinstance(before, str):
            raise BadRecord("meta.before", "must be a string")
        title = title or meta.get("title")
        text_parts.append(before)
        offset += len(before)
        base = offset
        text_parts.append(task["text"])
        offset += len(task["text"])
        if task["text"].strip():
            stripped_start = base + len(task["text"]) - len(task["text"].lstrip())
            stripped_end = base + len(task["text"].rstrip())
            sentences.append({"start": stripped_start, "end": stripped_end})
        try:
            spans, relations = _task_spans(task)
        except BadRecord as bad:
            bad.line = number
            raise
        # Spans are told apart by offsets and label: one span can be an event's trigger
        # and, with the label ARGUMENT, another event's bare-span argument.
        heads = {relation["head"] for relation in relations}
        ids: dict[tuple[int, int, str | None], str] = {}
        for span in spans:
            if _is_trigger(span, heads, event_types) or span["label"] == BARE_SPAN_LABEL:
                continue
            key = (span["start"], span["end"], span["label"])
            ids[key] = ids[(span["start"], span["end"], None)] = f"T{len(entities) + 1}"
            entities.append(_reviewed(
                {"id": ids[key], "start": base + span["start"], "end": base + span["end"], "label": span["label"]},
                span["meta"],
            ))
        for span in spans:
            if not _is_trigger(span, heads, event_types):
                continue
            key = (span["start"], span["end"], span["label"])
            arguments = []
            for index, relation in enumerate(relations):
                if relation["head"] not in (key, (span["start"], span["end"], None)):
                    continue
                child = relation["child"]
                entity_key = child if child[2] is not None else (child[0], child[1], None)
                if entity_key in ids and child[2] != BARE_SPAN_LABEL:
                    argument = {"role": relation["role"], "entity": ids[entity_key]}
                elif type(child[0]) is int and type(child[1]) is int:
                    argument = {"role": relation["role"], "start": base + child[0], "end": base + child[1]}
                    if "entity" in relation["meta"]:
                        links.append((argument, relation["meta"]["entity"], number, f"relations[{index}].meta.entity"))
                else:
                    raise BadRecord("relations", f"a relation's child_span {child[:2]} has no offsets", number)
                arguments.append(_reviewed(argument, relation["meta"]))
            event = {"id": f"E{len(events) + 1}", "type": span["label"],
                     "trigger": {"start": base + span["start"], "end": base + span["end"]}, "arguments": arguments}
            if "attributes" in span["meta"]:
                event["attributes"] = span["meta"]["attributes"]
            events.append(_reviewed(event, span["meta"]))
        if "after" in meta and isinstance(meta["after"], str):
            text_parts.append(meta["after"])
            offset += len(meta["after"])
    if links:
        _link(links, entities)
    native: dict[str, Any] = {"id": doc_id, "text": "".join(text_parts), "entities": entities, "events": events,
                              "sentences": sentences}
    if isinstance(title, str):
        native["title"] = title
    return native


def _link(links: list[tuple[dict, Any, int, str]], entities: list[dict]) -> None:
    """Give each argument the id of the entity its relation's `meta.entity` names by label and document offsets."""
    by_span = {(e["start"], e["end"], e["label"]): e["id"] for e in entities}
    for argument, named, number, field in links:
        key = (named.get("document_start"), named.get("document_end"), named.get("label")) if isinstance(named, dict) else None
        if key not in by_span:
            raise BadRecord(
                field, f"{named!r} is not an entity span of this document (give label, document_start, document_end)", number,
            )
        argument["entity"] = by_span[key]


def prodigy_records(path: Path, progress: Callable[[int], None] | None = None) -> Iterator[Record]:
    """Documents rebuilt from a Prodigy JSONL file (the line number is the document's first task)."""
    name = str(path)
    grouped: dict[str, list[tuple[int, dict]]] = defaultdict(list)
    order: list[str] = []
    for number, item in jsonl_objects(path, progress):
        if isinstance(item, InputError):
            yield number, item
            continue
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            yield number, InputError(name, number, "text", "a Prodigy task needs a text string")
            continue
        meta = _meta(item)
        document = meta.get("document")
        key = str(document) if document is not None else str(meta.get("id") or item.get("_input_hash") or f"{path.stem}-{number}")
        if key not in grouped:
            order.append(key)
        grouped[key].append((number, item))
    for key in order:
        tasks = grouped[key]
        tasks.sort(key=lambda pair: _meta(pair[1]).get("sentence", 0))
        number = tasks[0][0]
        try:
            yield number, _document_from_tasks(key, tasks)
        except BadRecord as bad:
            line = bad.line if bad.line is not None else number
            yield line, InputError(name, line, bad.field, bad.reason)


def looks_like_prodigy(first: Any) -> bool:
    """True for a decoded first line shaped like a Prodigy task."""
    return isinstance(first, dict) and "text" in first and (
        "_input_hash" in first or "tokens" in first or ("spans" in first and "entities" not in first)
    )
