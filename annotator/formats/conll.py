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
from pathlib import Path
from typing import IO

from annotator.domain import Document
from annotator.formats.exporting import ExportFilter, ExportSummary, final_views
from annotator.formats.reading import InputError, Record

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


def conll_records(path: Path, progress: Callable[[int], None] | None = None) -> Iterator[Record]:
    """Documents of a CoNLL/IOB file as native records (the line number is where the document starts)."""
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        yield 0, InputError(name, 0, "", f"cannot read: {error.strerror}")
        return
    if progress is not None:
        progress(len(data))
    try:
        lines = data.decode("utf-8").splitlines()
    except UnicodeDecodeError as error:
        yield data[: error.start].count(b"\n") + 1, InputError(name, data[: error.start].count(b"\n") + 1, "", "not valid UTF-8")
        return
    documents: list[tuple[int, list[list[tuple[str, str, int]]]]] = []
    current: list[list[tuple[str, str, int]]] = []
    sentence: list[tuple[str, str, int]] = []
    start_line = 1
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("-DOCSTART-"):
            if sentence:
                current.append(sentence)
                sentence = []
            if current:
                documents.append((start_line, current))
            current, start_line = [], number
            continue
        if not stripped:
            if sentence:
                current.append(sentence)
                sentence = []
            continue
        columns = stripped.split()
        if len(columns) < 2:
            yield number, InputError(name, number, "", f"expected a token and a tag, got {stripped!r}")
            continue
        sentence.append((columns[0], columns[-1], number))
    if sentence:
        current.append(sentence)
    if current:
        documents.append((start_line, current))
    for index, (line_number, sentences) in enumerate(documents, start=1):
        record = _document(sentences, f"{path.stem}-{index}", name)
        yield line_number, record


def _document(sentences: list[list[tuple[str, str, int]]], doc_id: str, name: str) -> dict | InputError:
    pieces: list[str] = []
    offset = 0
    entities = []
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
                entities.append(open_entity)
            if prefix in ("E", "L", "S", "U"):
                open_entity = None
        native_sentences.append({"start": sentence_start, "end": offset, "tokens": tokens})
    return {"id": doc_id, "text": "".join(pieces), "sentences": native_sentences,
            "entities": [dict(e, id=f"T{i + 1}") for i, e in enumerate(entities)]}


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
