"""How every format is read: records with their line numbers, checked in bounded batches.

A format's reader turns a file (or a stream, see `annotator.formats.inputs`) into
native records (`annotator.formats.record`), each with the line (or position) it
came from, or an `InputError` in its place. `CheckedInput` checks every record of
every input and gives each document its sentences and tokens, computing the
missing ones with the segmenter of `annotator.nlp.segment`, a batch at a time: it
hands on the valid documents of each batch while no record has been bad, and at
the end raises `InvalidInput` naming every bad one, so an import written inside
one transaction takes all of its input or nothing, in bounded memory.
`read_documents` is the same for callers that want every document at once. A
reader may also yield an `InputWarning` in place of a record: something valid in
its format that the store cannot hold and the import leaves out, for the caller to say.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from annotator.domain import PENDING, Document, Sentence, SentenceColumns, sentence_of
from annotator.formats.inputs import LineTooLong, Source, StreamedInput, input_lines
from annotator.formats.record import BadRecord, ParsedRecord, PlacedSpan, parse_record
from annotator.gc_pause import collector_paused

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


@dataclass(frozen=True)
class InputWarning:
    """Something an input file holds that the import leaves out, and where; `kind` groups them for a summary."""

    path: str
    line: int
    field: str
    reason: str
    kind: str

    __str__ = InputError.__str__


def warning_lines(warnings: Sequence[InputWarning], limit: int = MAX_REPORTED_ERRORS) -> list[str]:
    """What an import left out, for the user: the first `limit` items by file:line, then a count per kind."""
    lines = [str(warning) for warning in warnings[:limit]]
    if len(warnings) > limit:
        kinds: dict[str, int] = {}
        for warning in warnings:
            kinds[warning.kind] = kinds.get(warning.kind, 0) + 1
        lines.append(f"... {len(warnings)} left out in all: " + ", ".join(f"{n} {kind}" for kind, n in kinds.items()))
    return lines


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


@dataclass(frozen=True)
class LocatedRecord:
    """A native record and where its items came from: their lines, and what the format calls them.

    `item_lines` maps a field path such as `entities[0]` or `events[1]` to the line
    the item came from, so that an error in it names that line; `item_names` maps
    it to the item's name in the file read (`T1` in brat, `spans[2]` in Prodigy),
    so that the error names the field as the user wrote it. `path` is the file
    read (a brat folder's `.ann`).
    """

    path: str
    record: Any
    item_lines: Mapping[str, int]
    item_names: Mapping[str, str] = field(default_factory=dict)

    def line_of(self, field: str, default: int) -> int:
        """The line of the item a field path lies in (`events[1].arguments[0].role` in `events[1]`)."""
        item = self._item_of(field, self.item_lines)
        return self.item_lines[item] if item is not None else default

    def name_of(self, field: str) -> str:
        """A native field path as the file read names it: `entities[0].label` as `T1.label` in brat."""
        item = self._item_of(field, self.item_names)
        return self.item_names[item] + field[len(item):] if item is not None else field

    @staticmethod
    def _item_of(field: str, items: Mapping[str, Any]) -> str | None:
        """The longest prefix of a field path that `items` has a key for."""
        while field:
            if field in items:
                return field
            cut = max(field.rfind("."), field.rfind("["))
            if cut <= 0:
                break
            field = field[:cut]
        return None


def _where(located: LocatedRecord | None, bad: BadRecord, number: int) -> tuple[int, str]:
    """The line and field an error in a record names: the item's own, as its file calls it, when known."""
    if located is None:
        return number, bad.field
    return located.line_of(bad.field, number), located.name_of(bad.field)


Record = tuple[int, Any]
"""A line number and either a decoded object (or `LocatedRecord`) or the `InputError` found there."""

Progress = Callable[[int], None]
"""Told how many bytes a reader has just read, to move a progress bar."""

RecordReader = Callable[[Source, Progress | None], Iterable[Record]]
"""A format's reader: the native records of one file (or folder, or stream)."""


def jsonl_objects(path: Source, progress: Progress | None = None) -> Iterator[Record]:
    """Every non-blank line of a JSONL file or stream, decoded, with its line number; errors in place of bad lines.

    A line longer than `MAX_LINE_BYTES` is an error at its number, and nothing after it is read.
    """
    name = str(path)
    number = 0
    loads = orjson.loads
    try:
        # Counted by hand: enumerate's reused result tuple would keep the last line alive until the next.
        for raw in input_lines(path):
            number += 1
            if progress is not None:
                progress(len(raw))
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                yield number, InputError(name, number, "", f"not valid UTF-8 (byte {error.start} of the line)")
                continue
            # A line can hold a book: its bytes and string are let go before the record is handed on.
            del raw
            try:
                record: Any = loads(line)
            except orjson.JSONDecodeError as error:
                record = InputError(name, number, "", f"not valid JSON: {error}")
            del line
            yield number, record
    except LineTooLong as too_long:
        yield too_long.line, InputError(name, too_long.line, "", too_long.reason)
    except OSError as error:
        yield number, InputError(name, number, "", f"cannot read: {error.strerror or error}")


def converted(path: Source, records: Iterable[Record], convert: Callable[[Any, int], dict]) -> Iterator[Record]:
    """Records turned into native records by `convert`; a `BadRecord` it raises becomes an error at that line."""
    for number, item in records:
        if isinstance(item, InputError):
            yield number, item
            continue
        try:
            yield number, convert(item, number)
        except BadRecord as bad:
            line = bad.line if bad.line is not None else number
            yield line, InputError(str(path), line, bad.field, bad.reason)
        except UNEXPECTED_SHAPES as error:
            yield number, unreadable(str(path), number, error)


# What a reader's code raises when a value in a file has a type it did not expect; said, never a traceback.
UNEXPECTED_SHAPES = (TypeError, ValueError, AttributeError, KeyError, IndexError, OverflowError, RecursionError)


def unreadable(path: str, line: int, error: Exception) -> InputError:
    """The error for a record a reader could not make sense of: a value of a type its format does not allow."""
    return InputError(
        path, line, "",
        f"a value has a type this format does not allow ({type(error).__name__}: {error}); check the record's fields",
    )


def read_documents(
    paths: Sequence[str | Path | StreamedInput], records: RecordReader, progress: Progress | None = None,
    warnings: list[InputWarning] | None = None,
) -> list[SourcedDocument]:
    """Validate the native records a format reader makes of each file, all before returning any.

    Every format goes through the same checks as native JSONL, so an import is as
    strict whatever it reads; `InvalidInput` names every bad record. `progress`
    receives the bytes read; `warnings` receives what the readers left out, for
    the caller to say (the CLI prints it). An import of any size reads through
    `CheckedInput` instead, a batch at a time.
    """
    checked = CheckedInput(paths, records, progress, warnings)
    return [document for batch in checked.batches() for document in batch]


# How much of the input one batch holds: characters of text plus `_SPAN_WEIGHT` per span. A batch
# is checked, completed with sentences and written before the next is read, so memory stays bounded.
BATCH_BUDGET = 4_000_000
_SPAN_WEIGHT = 200
# Errors kept to report (all are counted): enough for any user to act on, bounded on a file of garbage.
MAX_KEPT_ERRORS = 1000

_Parsed = tuple[ParsedRecord, str, int, "LocatedRecord | None"]


class CheckedInput:
    """The documents of some inputs, checked and completed in bounded batches, and every problem found in them.

    `batches()` reads the inputs once. It yields the valid documents a batch at a
    time for as long as no record has been bad; after the first bad one it yields
    no more but keeps checking to the end, then raises `InvalidInput` naming every
    bad record. A caller that writes each batch inside one transaction and lets the
    exception roll it back imports all of its input or nothing, in bounded memory.
    """

    def __init__(
        self, paths: Sequence[str | Path | StreamedInput], records: RecordReader, progress: Progress | None = None,
        warnings: list[InputWarning] | LeftOut | None = None, budget: int = BATCH_BUDGET,
    ):
        self.paths = paths
        self.records = records
        self.progress = progress
        self.warnings = warnings
        self.budget = budget
        self.errors: list[InputError] = []
        self.total_errors = 0
        # Each document id read, with where it was first read and a fingerprint of its text.
        self._seen: dict[str, tuple[str, int, int]] = {}

    def where(self, document_id: str) -> str:
        """`file:line` of the record a document id was first read from, for messages."""
        path, line, _fingerprint = self._seen.get(document_id, ("?", 0, 0))
        return f"{path}:{line}"

    def add_error(self, error: InputError) -> None:
        """Count a problem, keeping the first `MAX_KEPT_ERRORS` to report."""
        self.total_errors += 1
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.append(error)

    def batches(self) -> Iterator[list[SourcedDocument]]:
        """The valid documents in bounded batches while none is bad; `InvalidInput` at the end if any was."""
        pending: list[_Parsed] = []
        used = 0
        with collector_paused():
            for parsed in self._parsed_records():
                pending.append(parsed)
                used += len(parsed[0].document.text) + _SPAN_WEIGHT * len(parsed[0].spans)
                if used >= self.budget:
                    done = self._with_sentences(pending)
                    pending, used = [], 0
                    if not self.total_errors:
                        yield done
            done = self._with_sentences(pending)
            if not self.total_errors and done:
                yield done
        if self.total_errors:
            raise InvalidInput(self.errors, self.total_errors)

    def _parsed_records(self) -> Iterator[_Parsed]:
        """Every good record of every input, with where it came from; each bad one counted in `errors`."""
        seen = self._seen
        warnings = self.warnings
        for raw_path in self.paths:
            given_path = str(raw_path)
            number = 0
            source = raw_path if isinstance(raw_path, StreamedInput) else Path(raw_path)
            reader = iter(self.records(source, self.progress))
            while True:
                try:
                    number, item = next(reader)
                except StopIteration:
                    break
                except UNEXPECTED_SHAPES as error:
                    # The reader stopped on a value it did not expect: said at the last line it reached.
                    self.add_error(unreadable(given_path, max(number, 1), error))
                    break
                if isinstance(item, InputError):
                    self.add_error(item)
                    continue
                if isinstance(item, InputWarning):
                    if warnings is not None:
                        warnings.append(item)
                    continue
                path = given_path
                located: LocatedRecord | None = None
                if isinstance(item, LocatedRecord):
                    located, path, item = item, item.path, item.record
                try:
                    record = parse_record(item)
                except BadRecord as bad:
                    line, where = _where(located, bad, number)
                    self.add_error(InputError(path, line, where, bad.reason))
                    continue
                except UNEXPECTED_SHAPES as error:
                    self.add_error(unreadable(path, number, error))
                    continue
                document = record.document
                # A fingerprint, not the text: holding every text read would make memory grow with the input.
                fingerprint = hash(document.text)
                earlier = seen.get(document.id)
                if earlier is not None and earlier[2] != fingerprint:
                    self.add_error(InputError(
                        path, number, "id",
                        f"{document.id!r} appears at {earlier[0]}:{earlier[1]} with a different text",
                    ))
                    continue
                if earlier is None:
                    seen[document.id] = (path, number, fingerprint)
                yield record, path, number, located

    def _with_sentences(self, parsed: list[_Parsed]) -> list[SourcedDocument]:
        """Documents with their sentences and tokens completed; a span crossing sentences counted in `errors`."""
        if not parsed:
            return []
        # Imported here so that reading a file never loads spaCy until a document needs segmenting.
        from annotator.nlp.segment import complete_sentences

        completed = complete_sentences(
            (
                record.document.text,
                record.document.sentences if record.sentences_given else None,
                ((start, end) for _kind, _index, start, end in record.spans),
            )
            for record, _path, _number, _located in parsed
        )
        result: list[SourcedDocument] = []
        for (record, path, number, located), sentences in zip(parsed, completed):
            try:
                _place_in_sentences(sentences, record.spans, record.sentences_given)
            except BadRecord as bad:
                line, where = _where(located, bad, number)
                self.add_error(InputError(path, line, where, bad.reason))
                continue
            if record.sentences_given:
                sentences = _with_reviews(sentences, record.document.sentences)
            # Segmented sentences stay in their columns: as a tuple of objects a book-sized text's would fill memory.
            kept = sentences if isinstance(sentences, SentenceColumns) else tuple(sentences)
            result.append(SourcedDocument(replace(record.document, sentences=kept), path, number))
        return result


class LeftOut:
    """What readers left out: the first few warnings to show, and a count of all of them by kind."""

    def __init__(self, limit: int = MAX_REPORTED_ERRORS):
        self.limit = limit
        self.shown: list[InputWarning] = []
        self.kinds: dict[str, int] = {}
        self.total = 0

    def append(self, warning: InputWarning) -> None:
        """Count a warning, keeping it when fewer than `limit` are kept."""
        self.total += 1
        self.kinds[warning.kind] = self.kinds.get(warning.kind, 0) + 1
        if len(self.shown) < self.limit:
            self.shown.append(warning)

    def lines(self) -> list[str]:
        """What was left out, for the user: the first warnings by file:line, then a count per kind."""
        lines = [str(warning) for warning in self.shown]
        if self.total > len(self.shown):
            lines.append(f"... {self.total} left out in all: " + ", ".join(f"{n} {kind}" for kind, n in self.kinds.items()))
        return lines


def _with_reviews(completed: Sequence[Sentence], given: Sequence[Sentence]) -> list[Sentence]:
    """The completed sentences with the reviews (confirmations) the record gave its sentences."""
    reviews = {(s.start, s.end): s.review for s in given if s.review is not PENDING}
    if not reviews:
        return list(completed)
    return [replace(s, review=reviews.get((s.start, s.end), s.review)) for s in completed]


def _place_in_sentences(sentences: Sequence[Sentence], spans: Iterable[PlacedSpan], given: bool) -> None:
    """Raise `BadRecord` for the first span that does not lie inside one sentence."""
    previous: Sentence | None = None
    for kind, item_index, start, end in spans:
        # Spans mostly come in text order, so most lie in the sentence that held the one before.
        if previous is not None and previous.start <= start and end <= previous.end:
            continue
        if sentences:
            previous = sentences[sentence_of(sentences, start)]
            if previous.start <= start and end <= previous.end:
                continue
        where = "the given sentences" if given else "a blank line"
        path = f"{kind}[{item_index}]" + (".trigger" if kind == "events" else "")
        raise BadRecord(path, f"span {start}-{end} crosses {where}; a span must lie inside one sentence")
