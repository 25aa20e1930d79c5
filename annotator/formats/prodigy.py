"""Prodigy JSONL: a document read from Prodigy goes back as its tasks; any other, one task per sentence.

Written: `text`, `tokens` (`text`, `start`, `end`, `id`, `ws`, from the stored
tokens), `spans` (`start`, `end`, `token_start`, `token_end` — inclusive, as
Prodigy has it — `label`, `text`), `relations` (`head`/`child` = the index of
each span's last token, `head_span`, `child_span`, `label`), `answer`, `meta`,
`_input_hash` / `_task_hash` and `_view_id`. Prodigy has no event object: an
event is its trigger span, labelled with the event type, plus one relation per
argument from the trigger, labelled with the role. An argument whose extent is
its entity's span points at that entity's span; any other extent is a span
labelled `ARGUMENT`, and when it refers to an entity the relation's
`meta.entity` names it by label and document offsets (`document_start`,
`document_end`: the entity may lie in another task). An event's attributes are
in its trigger span's `meta.attributes`; the schema warnings a reviewer
dismissed are in the `meta.dismissed` of the span (entity, trigger) or relation
(argument) they were about. Prodigy keeps unknown keys of a task, but its own
interfaces may drop a span's or relation's `meta` when an annotator edits it.
Prodigy's answer is per task: `accept` when every candidate in it has been
decided, `ignore` while some are pending. Rejected candidates are left out.

A document read from Prodigy tasks (`annotator.formats.prodigy_reader`) keeps
them in its meta (`kept_task`) and is written back as those tasks: the same
text, trailing whitespace included, the same `meta` and `_view_id`, and — the
text being unchanged — the same `_input_hash` and `_task_hash`, so Prodigy
recognises its tasks, now with the reviewed spans and relations. The
`_timestamp`, `_annotator_id` and `_session_id` of the earlier answer are not
written back. Any other document is one task per sentence, whose `meta` holds
the document id, sentence index, offset and the text around the sentence, so
the document is rebuilt exactly on import; its hashes are a 32-bit murmurhash of
the text and of the task's spans and relations: compatible in kind with
Prodigy's, not byte-identical.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

import orjson

from annotator.domain import Document, Review, Sentence, Status
from annotator.formats.exporting import ExportFilter, ExportSummary, FinalDocument, FinalEntity, FinalEvent, final_views

BARE_SPAN_LABEL = "ARGUMENT"
TASKS_META_KEY = "prodigy"
"""The key of a document's meta under which it keeps the Prodigy tasks it was read from."""
KEPT_TASK_KEYS = ("meta", "_input_hash", "_task_hash", "_view_id")
"""What a task keeps besides its place in the text: what Prodigy recognises a task by."""


def _hash(value: str) -> int:
    """A 32-bit murmurhash of a string, as Prodigy hashes tasks."""
    from murmurhash.mrmr import hash as murmur

    return murmur(value)


def _checksum(text: str) -> int:
    """A checksum of a task's text, to tell on export whether it is still the text the hashes were made for."""
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


def kept_task(start: int, text: str, task: Mapping[str, Any]) -> dict[str, Any]:
    """What a document keeps of a task read at `start` in its text: its place, a checksum, meta, hashes, view."""
    kept = {"start": start, "end": start + len(text), "crc32": _checksum(text)}
    for key in KEPT_TASK_KEYS:
        if key in task:
            kept[key] = task[key]
    return kept


@dataclass(frozen=True)
class _KeptTask:
    """A task a document was read from, and the sentences that lie in it."""

    start: int
    end: int
    kept: Mapping[str, Any]
    sentences: Sequence[Sentence]


def _kept_tasks(document: Document) -> list[_KeptTask] | None:
    """The tasks a document keeps, each with its sentences; None when it keeps none or they do not fit its text."""
    block = document.meta.get(TASKS_META_KEY)
    tasks = block.get("tasks") if isinstance(block, Mapping) else None
    if not isinstance(tasks, list) or not tasks:
        return None
    sentences = document.sentences
    result: list[_KeptTask] = []
    previous_end = 0
    index = 0
    for kept in tasks:
        start = kept.get("start") if isinstance(kept, Mapping) else None
        end = kept.get("end") if isinstance(kept, Mapping) else None
        if type(start) is not int or type(end) is not int or not previous_end <= start <= end <= len(document.text):
            return None
        previous_end = end
        first = index
        while index < len(sentences) and sentences[index].start < end:
            if sentences[index].start < start or sentences[index].end > end:
                return None
            index += 1
        result.append(_KeptTask(start, end, kept, sentences[first:index]))
    if index < len(sentences):
        return None
    return result


def write_prodigy(documents: Iterable[Document], out: IO[bytes], keep: ExportFilter | None = None) -> ExportSummary:
    """Write each document as the Prodigy tasks it was read from, or one task per sentence; return the summary."""
    summary = ExportSummary()
    for view in final_views(documents, keep or ExportFilter(), summary):
        kept = _kept_tasks(view.document)
        if kept is None and TASKS_META_KEY in view.document.meta:
            summary.count("documents whose kept Prodigy tasks no longer fit their text written one task per sentence")
        for task in _sentence_tasks(view, summary) if kept is None else _tasks_as_read(view, kept, summary):
            out.write(orjson.dumps(task))
            out.write(b"\n")
    return summary


class _TaskSpans:
    """The spans of one task, each written once, in task offsets with inclusive token indices."""

    def __init__(self, text: str, base: int, tokens: Sequence[tuple[int, int]], summary: ExportSummary):
        self.text = text
        self.base = base
        self.summary = summary
        self.first_token = {start: i for i, (start, _end) in enumerate(tokens)}
        self.last_token = {end: i for i, (_start, end) in enumerate(tokens)}
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


@dataclass
class _TaskBody:
    """What a task carries of the review: tokens, spans, relations, and whether anything in it is pending."""

    tokens: list[dict]
    spans: list[dict]
    relations: list[dict]
    pending: bool


def _task_body(
    view: FinalDocument, start: int, end: int, tokens: Sequence[tuple[int, int]],
    entities: Iterable[FinalEntity], events: Iterable[FinalEvent], unit: str, summary: ExportSummary,
) -> _TaskBody:
    """The tokens, spans and relations of the task covering `start`-`end` of a document (a sentence or a kept task)."""
    text = view.text
    token_dicts = []
    for index, (t_start, t_end) in enumerate(tokens):
        following = tokens[index + 1][0] if index + 1 < len(tokens) else end
        token_dicts.append({"text": text[t_start:t_end], "start": t_start - start, "end": t_end - start, "id": index,
                            "ws": following > t_end})
    task_spans = _TaskSpans(text, start, tokens, summary)
    pending = False
    for entity in entities:
        task_spans.add(entity.start, entity.end, entity.label, _meta_of(entity.review))
        pending = pending or entity.review.status is Status.PENDING
    relations = []
    for event in events:
        pending = pending or event.review.status is Status.PENDING
        head = task_spans.add(event.start, event.end, event.type, _meta_of(event.review, event.attributes))
        for argument in event.arguments:
            pending = pending or argument.review.status is Status.PENDING
            if not start <= argument.start < end:
                summary.count(f"arguments left out because they lie outside their event's {unit}")
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
    return _TaskBody(token_dicts, task_spans.spans, relations, pending)


def _task_hash(input_hash: int, body: _TaskBody) -> int:
    """A task's hash: its input's and its spans' and relations'."""
    task_key = orjson.dumps([[s["start"], s["end"], s["label"]] for s in body.spans]
                            + [[r["head"], r["child"], r["label"]] for r in body.relations]).decode()
    return _hash(f"{input_hash} {task_key}")


def _sentence_tasks(view: FinalDocument, summary: ExportSummary) -> Iterator[dict]:
    """One Prodigy task per sentence of a document's final view."""
    document = view.document
    text = document.text
    previous_end = 0
    sentences = document.sentences
    entities_in, events_in = view.by_sentence()
    for sentence in sentences:
        base = sentence.start
        body = _task_body(view, base, sentence.end, sentence.tokens, entities_in.get(sentence.index, ()),
                          events_in.get(sentence.index, ()), "sentence", summary)
        sentence_text = text[base : sentence.end]
        meta = {"document": document.id, "sentence": sentence.index, "offset": base,
                "before": text[previous_end:base]}
        if sentence is sentences[-1]:
            meta["after"] = text[sentence.end :]
        if sentence is sentences[0] and document.title:
            meta["title"] = document.title
        previous_end = sentence.end
        input_hash = _hash(sentence_text)
        yield {
            "text": sentence_text, "meta": meta, "tokens": body.tokens, "spans": body.spans, "relations": body.relations,
            "answer": "ignore" if body.pending else "accept",
            "_input_hash": input_hash, "_task_hash": _task_hash(input_hash, body), "_view_id": "relations",
        }


def _tasks_as_read(view: FinalDocument, tasks: Sequence[_KeptTask], summary: ExportSummary) -> Iterator[dict]:
    """The tasks a document was read from, each with the reviewed spans and relations of its sentences."""
    text = view.text
    entities_in, events_in = view.by_sentence()
    for task in tasks:
        task_text = text[task.start : task.end]
        sentences = task.sentences
        body = _task_body(
            view, task.start, task.end, [token for s in sentences for token in s.tokens],
            [e for s in sentences for e in entities_in.get(s.index, ())],
            [e for s in sentences for e in events_in.get(s.index, ())], "task", summary,
        )
        body.spans.sort(key=lambda span: (span["start"], span["end"]))
        written: dict[str, Any] = {"text": task_text}
        if "meta" in task.kept:
            written["meta"] = task.kept["meta"]
        written.update(tokens=body.tokens, spans=body.spans, relations=body.relations,
                       answer="ignore" if body.pending else "accept")
        if task.kept.get("crc32") == _checksum(task_text):
            written.update((key, task.kept[key]) for key in ("_input_hash", "_task_hash") if key in task.kept)
        else:
            summary.count("Prodigy tasks whose text changed since import written with new hashes")
            written["_input_hash"] = input_hash = _hash(task_text)
            written["_task_hash"] = _task_hash(input_hash, body)
        if "_view_id" in task.kept:
            written["_view_id"] = task.kept["_view_id"]
        yield written


def _meta_of(review: Review, attributes: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The `meta` of a span or relation: an event's attributes and the warnings a reviewer dismissed."""
    meta: dict[str, Any] = {}
    if attributes:
        meta["attributes"] = dict(attributes)
    if review.dismissed:
        meta["dismissed"] = list(review.dismissed)
    return meta
