"""CoNLL-2003 / IOB: one token per line, the entity tag last, a blank line between sentences.

Lossy by nature: entities only (no events, so no arguments, argument extents,
entity links or event attributes; no review state, notes or dismissed warnings), no overlapping or
nested entities (the later of two overlapping ones is left out), no whitespace:
the text read back is the tokens joined by single spaces, sentences by line
breaks, so character offsets change while tokens and labels survive. Written
with the stored tokens; an entity whose boundaries fall inside a token is left
out. Documents are separated by `-DOCSTART- -X- O O` (the form spaCy's converter
recognises); both that and the original `-DOCSTART- -X- -X- O` are read, and so
are IOB1, BIOES and BILUO tags.
Columns written: token, `_`, `_`, tag. A label holding whitespace is written with
`_` in its place (and the summary says so), since whitespace separates columns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import IO

from annotator.domain import Document
from annotator.formats.exporting import ExportFilter, ExportSummary, final_views
from annotator.formats.inputs import LineTooLong, Source, input_lines
from annotator.formats.reading import InputError, LocatedRecord, Record

DOCSTART = "-DOCSTART- -X- O O"


def write_conll(documents: Iterable[Document], out: IO[bytes], keep: ExportFilter | None = None) -> ExportSummary:
    """Write documents' final entities as IOB tags over the stored tokens."""
    summary = ExportSummary()
    for view in final_views(documents, keep or ExportFilter(), summary):
        if view.events:
            summary.count("events left out, with their arguments and attributes (CoNLL carries entities only)", len(view.events))
        text = view.text
        entities_in, _events_in = view.by_sentence()
        out.write(f"{DOCSTART}\n\n".encode())
        for sentence in view.document.sentences:
            tokens = sentence.tokens
            tags = ["O"] * len(tokens)
            index_of_start = {start: i for i, (start, _end) in enumerate(tokens)}
            index_of_end = {end: i for i, (_start, end) in enumerate(tokens)}
            for entity in sorted(entities_in.get(sentence.index, ()), key=lambda e: (e.start, -e.end)):
                first, last = index_of_start.get(entity.start), index_of_end.get(entity.end)
                if first is None or last is None:
                    summary.count("entities left out because a boundary falls inside a token")
                    continue
                if any(tag != "O" for tag in tags[first : last + 1]):
                    summary.count("overlapping entities left out (IOB cannot nest)")
                    continue
                label = conll_label(entity.label)
                if label != entity.label:
                    summary.count("entity labels holding whitespace written with _ in its place (a CoNLL column holds none)")
                tags[first] = f"B-{label}"
                for i in range(first + 1, last + 1):
                    tags[i] = f"I-{label}"
            lines = []
            for (start, end), tag in zip(tokens, tags):
                word = "".join(text[start:end].split()) or "_"
                lines.append(f"{word} _ _ {tag}")
            out.write(("\n".join(lines) + "\n\n").encode("utf-8"))
    return summary


def conll_records(path: Source, progress: Callable[[int], None] | None = None) -> Iterator[Record]:
    """Documents of a CoNLL/IOB file or stream as native records (the line number is where the document starts).

    Read a line at a time: a document is handed on at the `-DOCSTART-` after it, so
    memory holds one document whatever the size of the file.
    """
    name = str(path)
    stem = path.stem
    current: list[list[tuple[str, str, int]]] = []
    sentence: list[tuple[str, str, int]] = []
    start_line = 1
    index = 0
    number = 0
    try:
        for number, stripped in _logical_lines(path, progress):
            if stripped.startswith("-DOCSTART-"):
                if sentence:
                    current.append(sentence)
                    sentence = []
                if current:
                    index += 1
                    yield start_line, _document(current, f"{stem}-{index}", name)
                current, start_line = [], number
                continue
            if not stripped:
                if sentence:
                    current.append(sentence)
                    sentence = []
                continue
            columns = stripped.split()
            if len(columns) < 2:
                yield number, InputError(name, number, "tag", f"missing: expected a token and a tag, got {stripped!r}")
                continue
            sentence.append((columns[0], columns[-1], number))
    except LineTooLong as too_long:
        yield too_long.line, InputError(name, too_long.line, "", too_long.reason)
        return
    except _NotUtf8 as bad:
        yield bad.line, InputError(name, bad.line, "", "not valid UTF-8")
        return
    except OSError as error:
        yield number, InputError(name, number, "", f"cannot read: {error.strerror or error}")
        return
    if sentence:
        current.append(sentence)
    if current:
        index += 1
        yield start_line, _document(current, f"{stem}-{index}", name)


class _NotUtf8(Exception):
    """A line that is not UTF-8; reading stops there, as CoNLL has no record boundary to go on from."""

    def __init__(self, line: int):
        self.line = line


def _logical_lines(path: Source, progress: Callable[[int], None] | None) -> Iterator[tuple[int, str]]:
    """Each line, stripped, with its number; every break `str.splitlines` knows ends a line, as a whole-file read would."""
    number = 0
    for raw in input_lines(path):
        if progress is not None:
            progress(len(raw))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _NotUtf8(number + 1) from None
        for line in text.splitlines():
            number += 1
            yield number, line.strip()


def _document(sentences: list[list[tuple[str, str, int]]], doc_id: str, name: str) -> LocatedRecord | InputError:
    """The native record of one document's tagged tokens, each entity located at its first token's line and tag."""
    pieces: list[str] = []
    offset = 0
    entities: list[dict] = []
    item_lines: dict[str, int] = {}
    native_sentences = []
    for sentence in sentences:
        if pieces:
            pieces.append("\n")
            offset += 1
        sentence_start = offset
        tokens = []
        open_entity: dict | None = None
        for position, (word, tag, line) in enumerate(sentence):
            if position:
                pieces.append(" ")
                offset += 1
            start, end = offset, offset + len(word)
            pieces.append(word)
            offset = end
            tokens.append([start, end])
            if tag == "O":
                open_entity = None
                continue
            prefix, _, label = tag.partition("-")
            if prefix not in ("B", "I", "E", "L", "S", "U") or not label:
                return InputError(name, line, "tag", f"{tag!r} is not an IOB tag (O, B-LABEL or I-LABEL; BIOES and BILUO read too)")
            if prefix in ("I", "E", "L") and open_entity is not None and open_entity["label"] == label:
                open_entity["end"] = end
            else:  # B-, S-/U-, or an I- that starts a new entity (IOB1)
                open_entity = {"start": start, "end": end, "label": label}
                item_lines[f"entities[{len(entities)}]"] = line
                entities.append(open_entity)
            if prefix in ("E", "L", "S", "U"):
                open_entity = None
        native_sentences.append({"start": sentence_start, "end": offset, "tokens": tokens})
    record = {"id": doc_id, "text": "".join(pieces), "sentences": native_sentences,
              "entities": [dict(e, id=f"T{i + 1}") for i, e in enumerate(entities)]}
    return LocatedRecord(name, record, item_lines, {f"{item}.label": "tag" for item in item_lines})


def conll_label(label: str) -> str:
    """A label as a CoNLL tag can hold it: each run of whitespace (a column separator) becomes `_`."""
    return "_".join(label.split())


def looks_like_conll(head: str) -> bool:
    """True when a file's first non-blank line looks like CoNLL/IOB."""
    first = next((line for line in head.splitlines() if line.strip()), "")
    if first.startswith("-DOCSTART-"):
        return True
    columns = first.split()
    return len(columns) >= 2 and (columns[-1] == "O" or columns[-1][:2] in ("B-", "I-"))
