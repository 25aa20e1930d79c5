"""annotator's native JSONL: one document per line, candidates and review state included.

Reading validates every line of every file before anything is returned, so an
import either takes all of its input or nothing. Errors name the file, the
line and the field. Writing gives each candidate's final values, its status,
the machine's original values when a reviewer changed them, who decided and when.
"""

from __future__ import annotations

import math
from itertools import chain
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Callable, Collection, Iterable, Iterator, Sequence

import orjson

from annotator.gc_pause import collector_paused
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
MAX_REPORTED_ERRORS = 20


@dataclass(frozen=True)
class InputError:
    """One problem in an input file: where it is and what is wrong."""

    path: str
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        return f"{where}: {self.field}: {self.reason}" if self.field else f"{where}: {self.reason}"


class InvalidInput(Exception):
    """Raised when any input line is invalid; nothing has been imported."""

    def __init__(self, errors: Sequence[InputError], total: int | None = None):
        self.errors = list(errors)
        self.total = total if total is not None else len(self.errors)
        lines = [str(e) for e in self.errors[:MAX_REPORTED_ERRORS]]
        if self.total > len(lines):
            lines.append(f"... and {self.total - len(lines)} more")
        super().__init__("\n".join(lines))


@dataclass
class SourcedDocument:
    """A validated document and the line it came from."""

    document: Document
    path: str
    line: int


class BadRecord(Exception):
    """A record that cannot be imported: the field at fault and why (format readers raise it too)."""

    def __init__(self, field: str, reason: str):
        self.field = field
        self.reason = reason


def _is_int(value: Any) -> bool:
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


def _parse_document(obj: Any) -> tuple[Document, bool, list[tuple[str, int, int, int]]]:
    """A document from one decoded line, whether it gave sentences, and its spans to place in sentences."""
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
    spans: list[tuple[str, int, int, int]] = []  # (list name, index, start, end)

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
    return document, sentences is not None, spans


def _place_in_sentences(sentences: Sequence[Sentence], spans: Iterable[tuple[str, int, int, int]], given: bool) -> None:
    from bisect import bisect_right

    starts = [s.start for s in sentences]
    for kind, item_index, start, end in spans:
        index = bisect_right(starts, start) - 1
        if index < 0 or end > sentences[index].end or start >= sentences[index].end:
            where = "the given sentences" if given else "a blank line"
            path = f"{kind}[{item_index}]" + (".trigger" if kind == "events" else "")
            raise BadRecord(path, f"span {start}-{end} crosses {where}; a span must lie inside one sentence")


Record = tuple[int, Any]
"""A line number and either a decoded object or the `InputError` found there."""


def jsonl_objects(path: str | Path, progress: Callable[[int], None] | None = None) -> Iterator[Record]:
    """Every non-blank line of a JSONL file, decoded, with its line number; errors in place of bad lines."""
    name = str(path)
    try:
        handle = open(path, "rb")
    except OSError as error:
        yield 0, InputError(name, 0, "", f"cannot open: {error.strerror}")
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            if progress is not None:
                progress(len(raw))
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                yield number, InputError(name, number, "", f"not valid UTF-8 (byte {error.start} of the line)")
                continue
            try:
                yield number, orjson.loads(line)
            except orjson.JSONDecodeError as error:
                yield number, InputError(name, number, "", f"not valid JSON: {error}")


def converted(path: str | Path, records: Iterable[Record], convert: Callable[[Any, int], dict]) -> Iterator[Record]:
    """Records turned into native documents by `convert`; a `BadRecord` it raises becomes an error at that line."""
    for number, item in records:
        if isinstance(item, InputError):
            yield number, item
            continue
        try:
            yield number, convert(item, number)
        except BadRecord as bad:
            yield number, InputError(str(path), number, bad.field, bad.reason)


def native_records(path: str | Path, progress: Callable[[int], None] | None = None) -> Iterator[Record]:
    """The records of a native JSONL file."""
    return jsonl_objects(path, progress)


RecordReader = Callable[[Path, "Callable[[int], None] | None"], Iterable[Record]]


def read_native(
    paths: Sequence[str | Path],
    progress: Callable[[int], None] | None = None,
) -> list[SourcedDocument]:
    """Read and validate native JSONL files; raise `InvalidInput` naming every bad line.

    Sentences and tokens absent from a document are computed with the blank
    spaCy segmenter (no trained model). `progress` receives bytes read.
    """
    return read_documents(paths, native_records, progress)


def read_documents(
    paths: Sequence[str | Path], records: RecordReader, progress: Callable[[int], None] | None = None,
) -> list[SourcedDocument]:
    """Validate the native documents a format reader makes of each file, all before returning any.

    Every format goes through the same checks as native JSONL, so an import is as
    strict whatever it reads; `InvalidInput` names every bad record.
    """
    with collector_paused():
        return _read_documents(paths, records, progress)


def _read_documents(paths, records: RecordReader, progress) -> list[SourcedDocument]:
    errors: list[InputError] = []
    total_errors = 0
    parsed: list[tuple[Document, bool, list, str, int]] = []
    seen: dict[str, tuple[str, int, str]] = {}
    for raw_path in paths:
        path = str(raw_path)
        for number, item in records(Path(raw_path), progress):
            if isinstance(item, InputError):
                total_errors += 1
                errors.append(item)
                continue
            try:
                document, given, spans = _parse_document(item)
            except BadRecord as bad:
                total_errors += 1
                errors.append(InputError(path, number, bad.field, bad.reason))
                continue
            earlier = seen.get(document.id)
            if earlier is not None and earlier[2] != document.text:
                total_errors += 1
                errors.append(InputError(
                    path, number, "id",
                    f"{document.id!r} appears at {earlier[0]}:{earlier[1]} with a different text",
                ))
                continue
            seen.setdefault(document.id, (path, number, document.text))
            parsed.append((document, given, spans, path, number))
    if errors:
        raise InvalidInput(errors, total_errors)
    return _complete_sentences(parsed)


def _complete_sentences(parsed: list[tuple[Document, bool, list, str, int]]) -> list[SourcedDocument]:
    from dataclasses import replace

    from annotator.nlp import segment

    errors: list[InputError] = []
    needs_segmenting = [i for i, (doc, given, *_rest) in enumerate(parsed) if not given]
    computed = dict(zip(needs_segmenting, segment.segment_many(parsed[i][0].text for i in needs_segmenting)))
    result: list[SourcedDocument] = []
    for i, (document, given, spans, path, number) in enumerate(parsed):
        if given:
            sentences = list(document.sentences)
            if any(not s.tokens for s in sentences):
                tokenized = segment.tokenize_spans(document.text, [(s.start, s.end) for s in sentences])
                sentences = [s if s.tokens else t for s, t in zip(sentences, tokenized)]
        else:
            sentences = segment.merge_for_spans(computed[i], ((s, e) for _k, _i, s, e in spans), document.text)
        try:
            _place_in_sentences(sentences, spans, given)
        except BadRecord as bad:
            errors.append(InputError(path, number, bad.field, bad.reason))
            continue
        result.append(SourcedDocument(replace(document, sentences=tuple(sentences)), path, number))
    if errors:
        raise InvalidInput(errors)
    return result


# ---------------------------------------------------------------------------- writing


@dataclass
class ExportFilter:
    """Which candidates an export keeps: by status and by reviewer."""

    statuses: Collection[Status] = ()
    reviewer: str | None = None

    @property
    def filters_items(self) -> bool:
        return bool(self.statuses) or self.reviewer is not None

    def keeps(self, review: Review) -> bool:
        """True when a candidate in this review state belongs in the export."""
        if review is PENDING:
            return not self.filters_items or (Status.PENDING in self.statuses and self.reviewer is None)
        if review.status is Status.WITHDRAWN:
            return False
        if self.statuses and review.status not in self.statuses:
            return False
        if self.reviewer is not None and review.reviewer != self.reviewer:
            return False
        return True


@dataclass
class ExportSummary:
    """Counts of what an export wrote and what it had to leave out."""

    documents: int = 0
    entities: int = 0
    events: int = 0
    arguments: int = 0
    dropped_arguments: int = 0
    left_out: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        """Note something the format could not carry, to be said in the summary."""
        self.left_out[what] = self.left_out.get(what, 0) + n

    def lines(self) -> list[str]:
        text = [f"{self.documents} documents, {self.entities} entities, {self.events} events, {self.arguments} arguments"]
        if self.dropped_arguments:
            text.append(
                f"{self.dropped_arguments} arguments left out because their entity was not exported"
            )
        return text + [f"{n} {what}" for what, n in self.left_out.items()]


def _iso(at: float | None) -> str | None:
    if at is None:
        return None
    return datetime.fromtimestamp(at, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


_PENDING_FIELDS = {"status": Status.PENDING.value, "reviewer": None, "decided_at": None, "flagged": False, "note": ""}


def _review_fields(item: dict, review: Review, machine: dict[str, Any] | None) -> None:
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
