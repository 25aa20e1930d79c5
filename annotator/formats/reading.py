"""How every format is read: records with their line numbers, checked all before any is returned.

A format's reader turns a file into native records (`annotator.formats.record`),
each with the line (or position) it came from, or an `InputError` in its place.
`read_documents` checks every record of every file and raises `InvalidInput`
naming each bad one, so an import takes all of its input or nothing; then it
gives each document its sentences and tokens, computing the missing ones with
the segmenter of `annotator.nlp.segment`. A reader may also yield an
`InputWarning` in place of a record: something valid in its format that the
store cannot hold and the import leaves out, collected for the caller to say.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import orjson

from annotator.domain import PENDING, Document, Sentence, sentence_of
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
    """A native record read from another file than the one named (a brat folder's `.ann`), and its items' lines.

    `item_lines` maps a field path such as `entities[0]` or `events[1]` to the line
    the item came from, so that an error in it names that line.
    """

    path: str
    record: Any
    item_lines: Mapping[str, int]

    def line_of(self, field: str, default: int) -> int:
        """The line of the item a field path lies in (`events[1].arguments[0].role` in `events[1]`)."""
        while field:
            line = self.item_lines.get(field)
            if line is not None:
                return line
            cut = max(field.rfind("."), field.rfind("["))
            if cut <= 0:
                break
            field = field[:cut]
        return default


Record = tuple[int, Any]
"""A line number and either a decoded object (or `LocatedRecord`) or the `InputError` found there."""

Progress = Callable[[int], None]
"""Told how many bytes a reader has just read, to move a progress bar."""

RecordReader = Callable[[Path, Progress | None], Iterable[Record]]
"""A format's reader: the native records of one file (or folder)."""


def jsonl_objects(path: str | Path, progress: Progress | None = None) -> Iterator[Record]:
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
    paths: Sequence[str | Path], records: RecordReader, progress: Progress | None = None,
    warnings: list[InputWarning] | None = None,
) -> list[SourcedDocument]:
    """Validate the native records a format reader makes of each file, all before returning any.

    Every format goes through the same checks as native JSONL, so an import is as
    strict whatever it reads; `InvalidInput` names every bad record. `progress`
    receives the bytes read; `warnings` receives what the readers left out, for
    the caller to say (the CLI prints it).
    """
    with collector_paused():
        return _with_sentences(_parsed_records(paths, records, progress, warnings))


_Parsed = tuple[ParsedRecord, str, int, "LocatedRecord | None"]


def _parsed_records(
    paths: Sequence[str | Path], records: RecordReader, progress: Progress | None, warnings: list[InputWarning] | None,
) -> list[_Parsed]:
    """Every record of every file checked, with where it came from; raise `InvalidInput` if any is bad."""
    errors: list[InputError] = []
    total_errors = 0
    parsed: list[_Parsed] = []
    seen: dict[str, tuple[str, int, str]] = {}
    for raw_path in paths:
        given_path = str(raw_path)
        number = 0
        reader = iter(records(Path(raw_path), progress))
        while True:
            try:
                number, item = next(reader)
            except StopIteration:
                break
            except UNEXPECTED_SHAPES as error:
                # The reader stopped on a value it did not expect: said at the last line it reached.
                total_errors += 1
                errors.append(unreadable(given_path, max(number, 1), error))
                break
            if isinstance(item, InputError):
                total_errors += 1
                errors.append(item)
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
                total_errors += 1
                line = located.line_of(bad.field, number) if located is not None else number
                errors.append(InputError(path, line, bad.field, bad.reason))
                continue
            except UNEXPECTED_SHAPES as error:
                total_errors += 1
                errors.append(unreadable(path, number, error))
                continue
            document = record.document
            earlier = seen.get(document.id)
            if earlier is not None and earlier[2] != document.text:
                total_errors += 1
                errors.append(InputError(
                    path, number, "id",
                    f"{document.id!r} appears at {earlier[0]}:{earlier[1]} with a different text",
                ))
                continue
            seen.setdefault(document.id, (path, number, document.text))
            parsed.append((record, path, number, located))
    if errors:
        raise InvalidInput(errors, total_errors)
    return parsed


def _with_sentences(parsed: list[_Parsed]) -> list[SourcedDocument]:
    """Documents with their sentences and tokens completed; raise `InvalidInput` if a span crosses sentences."""
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
    errors: list[InputError] = []
    result: list[SourcedDocument] = []
    for (record, path, number, located), sentences in zip(parsed, completed):
        try:
            _place_in_sentences(sentences, record.spans, record.sentences_given)
        except BadRecord as bad:
            line = located.line_of(bad.field, number) if located is not None else number
            errors.append(InputError(path, line, bad.field, bad.reason))
            continue
        if record.sentences_given:
            sentences = _with_reviews(sentences, record.document.sentences)
        result.append(SourcedDocument(replace(record.document, sentences=tuple(sentences)), path, number))
    if errors:
        raise InvalidInput(errors)
    return result


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
