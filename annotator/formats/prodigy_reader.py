"""Reading Prodigy JSONL: tasks back into documents that remember the tasks they came from.

Read: files written by `annotator.formats.prodigy`, and Prodigy's own output
(`ner_manual`, `spans_manual`, `relations`) with its real-world variants — no
`spans` (no entities), no `ws`, no `meta`, extra keys. Tasks sharing
`meta.document` (annotator's own) or `meta.id` (the sentences Prodigy split from
one document keep its meta) form one document, joined by their `meta.before`
or else a blank line; any other task is a document of its own. Each task's text
is kept whole, trailing whitespace included, and is one sentence for review; its
own tokens become the sentence's tokens when they cover its text (whitespace
tokens left out), else the text is tokenised as any other import. Spans are
checked against the text, and against the tokens when a task has them. A span
is an event trigger when a relation starts from it or its label is an event type
of the schema. Every span imports as a pending candidate, with the attributes,
entity links and dismissed warnings its `meta` gives.

The document's meta keeps what Prodigy needs to recognise the tasks again
(`kept_task`: each task's place in the text, its `meta`, hashes and `_view_id`),
so `write_prodigy` writes them back as those tasks. A relation whose head is not
one of its task's spans cannot be placed and is said as left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from operator import itemgetter
from pathlib import Path
from typing import Any

import orjson

from annotator.formats.fields import is_int, offsets_problem
from annotator.formats.inputs import LineTooLong, Source, StreamedInput, input_lines
from annotator.formats.prodigy import BARE_SPAN_LABEL, TASKS_META_KEY, kept_task
from annotator.formats.reading import InputError, InputWarning, LocatedRecord, Record, jsonl_objects
from annotator.formats.record import BadRecord
from annotator.schema import load_schema

_START = itemgetter("start")
_END = itemgetter("end")


def _meta(task: dict) -> dict:
    """A task's meta, or an empty one when it has none (or not an object)."""
    meta = task.get("meta")
    return meta if isinstance(meta, dict) else {}


def _task_spans(task: dict, event_types: set[str]) -> tuple[list[dict], list[dict]]:
    """A task's spans and relations, checked against its text and tokens; each span says if it is a trigger.

    A span is an event trigger when a relation starts from it, or its label is an event type.
    """
    text = task["text"]
    length = len(text)
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
                      "meta": _meta(relation), "index": index})
    heads = {relation["head"] for relation in found}
    spans = task.get("spans") or []
    tokens = task.get("tokens")
    if not isinstance(spans, list):
        raise BadRecord("spans", "must be a list")
    _check_tokens(tokens)
    checked = []
    for index, span in enumerate(spans):
        if type(span) is not dict:
            raise BadRecord(f"spans[{index}]", "must be an object")
        start, end, label = span.get("start"), span.get("end"), span.get("label")
        if not is_int(start):
            raise BadRecord(f"spans[{index}].start", f"must be an integer offset, got {start!r}")
        if not is_int(end):
            raise BadRecord(f"spans[{index}].end", f"must be an integer offset, got {end!r}")
        problem = offsets_problem(start, end, length, "the task's text")
        if problem is not None:
            raise BadRecord(f"spans[{index}]", problem)
        if type(label) is not str or not label:
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
        meta = span.get("meta")
        trigger = label in event_types or (start, end, label) in heads or (start, end, None) in heads
        checked.append({"start": start, "end": end, "label": label, "meta": meta if type(meta) is dict else {},
                        "trigger": trigger, "index": index})
    return checked, found


def _check_tokens(tokens: Any) -> None:
    """Raise `BadRecord` naming `tokens` (or the first bad token) unless they are a list of objects."""
    if tokens is None:
        return
    if not isinstance(tokens, list):
        raise BadRecord("tokens", "must be a list of {text, start, end, id} objects")
    if not set(map(type, tokens)) <= {dict}:  # one C-level pass; the loop below only finds the culprit
        index = next(i for i, token in enumerate(tokens) if type(token) is not dict)
        raise BadRecord(f"tokens[{index}]", f"{tokens[index]!r} must be an object {{text, start, end, id}}")


def _task_tokens(task: dict, base: int) -> list[list[int]] | None:
    """The task's own tokens at document offsets, whitespace tokens left out; None unless they cover its text.

    Prodigy placed the spans on these tokens, so keeping them keeps every span on a
    token boundary. Tokens that are partial, out of order or malformed leave the text
    to the tokeniser: in order, tokens cover the text exactly when their characters,
    whitespace left out, are the text's.
    """
    tokens = task.get("tokens")
    if not isinstance(tokens, list) or not tokens:
        return None
    text = task["text"]
    # C-level passes rather than a Python loop per token: import speed matters on big files.
    letters = "".join(text.split())
    try:
        starts = list(map(_START, tokens))
        ends = list(map(_END, tokens))
        pieces = list(map(text.__getitem__, map(slice, starts, ends)))
        if "" in pieces or "".join(pieces) != letters:
            # spaCy gives a newline or a second space a token of its own: leave those out.
            kept = [i for i, piece in enumerate(pieces) if piece and not piece.isspace()]
            if "".join([pieces[i] for i in kept]) != letters:
                return None
            starts = [starts[i] for i in kept]
            ends = [ends[i] for i in kept]
        return [[start + base, end + base] for start, end in zip(starts, ends)]
    except (TypeError, KeyError):
        return None


def _reviewed(item: dict, meta: dict) -> dict:
    """A native item with the dismissed warnings its span's or relation's `meta` gives."""
    if "dismissed" in meta:
        item["dismissed"] = meta["dismissed"]
    return item


def _document_from_tasks(doc_id: str, tasks: list[tuple[int, dict]], name: str) -> tuple[LocatedRecord, list[InputWarning]]:
    """The native record of a document rebuilt from its tasks, in sentence order, and what it left out.

    Each entity, event and argument is located at its task's line, under the name
    of the span or relation it came from, so that an error in it names them.
    """
    event_types = set(load_schema().events)
    text_parts: list[str] = []
    offset = 0
    entities: list[dict] = []
    events: list[dict] = []
    sentences = []
    kept = []
    left_out: list[InputWarning] = []
    title = None
    item_lines: dict[str, int] = {}
    item_names: dict[str, str] = {}
    # Arguments whose relation names the entity they refer to, resolved once every task is read.
    links: list[tuple[dict, Any, int, str]] = []
    for number, task in tasks:
        meta = _meta(task)
        before = meta.get("before", "" if not text_parts else "\n\n")
        if not isinstance(before, str):
            raise BadRecord("meta.before", "must be a string", number)
        title = title or meta.get("title")
        text_parts.append(before)
        offset += len(before)
        base = offset
        task_text = task["text"]
        text_parts.append(task_text)
        offset += len(task_text)
        kept.append(kept_task(base, task_text, task))
        if task_text.strip():
            sentence: dict[str, Any] = {"start": base + len(task_text) - len(task_text.lstrip()),
                                        "end": base + len(task_text.rstrip())}
            tokens = _task_tokens(task, base)
            if tokens:
                sentence["tokens"] = tokens
            sentences.append(sentence)
        try:
            spans, relations = _task_spans(task, event_types)
        except BadRecord as bad:
            bad.line = number
            raise
        # Spans are told apart by offsets and label: one span can be an event's trigger
        # and, with the label ARGUMENT, another event's bare-span argument.
        ids: dict[tuple[int, int, str | None], str] = {}
        triggers = []
        for span in spans:
            if span["trigger"]:
                triggers.append(span)
                continue
            start, end, label = span["start"], span["end"], span["label"]
            if label == BARE_SPAN_LABEL:
                continue
            entity_id = ids[(start, end, label)] = ids[(start, end, None)] = f"T{len(entities) + 1}"
            item_lines[f"entities[{len(entities)}]"] = number
            item_names[f"entities[{len(entities)}]"] = f"spans[{span['index']}]"
            entities.append(_reviewed({"id": entity_id, "start": base + start, "end": base + end, "label": label},
                                      span["meta"]))
        placed: set[int] = set()
        for span in triggers:
            key = (span["start"], span["end"], span["label"])
            arguments: list[dict] = []
            for relation in relations:
                if relation["head"] not in (key, (span["start"], span["end"], None)):
                    continue
                placed.add(relation["index"])
                child = relation["child"]
                entity_key = child if child[2] is not None else (child[0], child[1], None)
                if entity_key in ids and child[2] != BARE_SPAN_LABEL:
                    argument = {"role": relation["role"], "entity": ids[entity_key]}
                elif type(child[0]) is int and type(child[1]) is int:
                    argument = {"role": relation["role"], "start": base + child[0], "end": base + child[1]}
                    if "entity" in relation["meta"]:
                        links.append((argument, relation["meta"]["entity"], number,
                                      f"relations[{relation['index']}].meta.entity"))
                else:
                    raise BadRecord("relations", f"a relation's child_span {child[:2]} has no offsets", number)
                where = f"events[{len(events)}].arguments[{len(arguments)}]"
                item_lines[where], item_names[where] = number, f"relations[{relation['index']}]"
                arguments.append(_reviewed(argument, relation["meta"]))
            event = {"id": f"E{len(events) + 1}", "type": span["label"],
                     "trigger": {"start": base + span["start"], "end": base + span["end"]}, "arguments": arguments}
            if "attributes" in span["meta"]:
                event["attributes"] = span["meta"]["attributes"]
            item_lines[f"events[{len(events)}]"] = number
            item_names[f"events[{len(events)}]"] = f"spans[{span['index']}]"
            events.append(_reviewed(event, span["meta"]))
        if len(placed) < len(relations):
            left_out.extend(
                InputWarning(name, number, f"relations[{relation['index']}]",
                             f"{relation['role']!r} starts from {relation['head']}, which is not one of the task's spans;"
                             " left out", "relations whose head is not a span of their task")
                for relation in relations if relation["index"] not in placed
            )
        if "after" in meta and isinstance(meta["after"], str):
            text_parts.append(meta["after"])
            offset += len(meta["after"])
    if links:
        _link(links, entities)
    native: dict[str, Any] = {"id": doc_id, "text": "".join(text_parts), "meta": {TASKS_META_KEY: {"tasks": kept}},
                              "entities": entities, "events": events, "sentences": sentences}
    if isinstance(title, str):
        native["title"] = title
    return LocatedRecord(name, native, item_lines, item_names), left_out


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


def prodigy_records(path: Source, progress: Callable[[int], None] | None = None) -> Iterator[Record]:
    """Documents rebuilt from a Prodigy JSONL file or stream (the line number is the document's first task).

    A document is handed on as soon as its last task is read, in the order of
    first tasks, so memory holds the documents still open, not the file. In a file
    a first quick pass finds each document's last task; a stream cannot be read
    twice, so there a document ends where a task of another begins, and a task that
    comes back to an ended document is refused.
    """
    name = str(path)
    stem = path.stem
    last_lines = None if isinstance(path, StreamedInput) else _last_task_lines(path)
    open_documents: dict[str, list[tuple[int, dict]]] = {}
    ended: set[str] = set()
    for number, item in jsonl_objects(path, progress):
        if isinstance(item, InputError):
            yield number, item
            continue
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            yield number, InputError(name, number, "text", "a Prodigy task needs a text string")
            continue
        key, field = _document_key(item, stem, number)
        if last_lines is None:
            if key in ended:
                yield number, InputError(
                    name, number, field,
                    f"a task of document {key!r} comes after another document's tasks; read from standard input or a"
                    " FIFO, a document's tasks must come together: sort them by document, or import the file by its path",
                )
                continue
            for other in [other for other in open_documents if other != key]:
                ended.add(other)
                yield from _rebuilt(other, open_documents.pop(other), name)
        open_documents.setdefault(key, []).append((number, item))
        if last_lines is not None and last_lines.get(key, number) <= number:
            # Documents go out in the order of their first tasks: one still open holds back those after it.
            last_lines[key] = 0
            while open_documents:
                first = next(iter(open_documents))
                if last_lines.get(first, 0) != 0:
                    break
                yield from _rebuilt(first, open_documents.pop(first), name)
    for key in list(open_documents):
        yield from _rebuilt(key, open_documents.pop(key), name)


def _document_key(task: dict, stem: str, number: int) -> tuple[str, str]:
    """Which document a task belongs to, and the field that said so."""
    meta = _meta(task)
    document = meta.get("document")
    if document is not None:
        return str(document), "meta.document"
    if meta.get("id"):
        return str(meta["id"]), "meta.id"
    if task.get("_input_hash"):
        return str(task["_input_hash"]), "_input_hash"
    return f"{stem}-{number}", "text"


def _last_task_lines(path: Path) -> dict[str, int]:
    """The line of each document's last task in a file (a quick pass; bad lines are left for the real one)."""
    last: dict[str, int] = {}
    stem = path.stem
    loads = orjson.loads
    try:
        for number, raw in enumerate(input_lines(path), start=1):
            if not raw.strip():
                continue
            try:
                task = loads(raw)
            except orjson.JSONDecodeError:
                continue
            if isinstance(task, dict):
                last[_document_key(task, stem, number)[0]] = number
    except (OSError, LineTooLong):
        pass  # said by the real pass, at its line
    return last


def _rebuilt(key: str, tasks: list[tuple[int, dict]], name: str) -> Iterator[Record]:
    """The records of one document from its tasks: what it left out, then the document (or its error)."""
    tasks.sort(key=_sentence_number)
    number = tasks[0][0]
    try:
        native, left_out = _document_from_tasks(key, tasks, name)
    except BadRecord as bad:
        line = bad.line if bad.line is not None else number
        yield line, InputError(name, line, bad.field, bad.reason)
        return
    for warning in left_out:
        yield warning.line, warning
    yield number, native


def _sentence_number(numbered_task: tuple[int, dict]) -> int:
    """Where a task written by annotator goes in its document (`meta.sentence`); 0 for any other task."""
    number = _meta(numbered_task[1]).get("sentence")
    return number if type(number) is int else 0


def looks_like_prodigy(first: Any) -> bool:
    """True for a decoded first line shaped like a Prodigy task."""
    return isinstance(first, dict) and "text" in first and (
        "_input_hash" in first or "tokens" in first or ("spans" in first and "entities" not in first)
    )
