"""Which formats annotator reads and writes, and how it recognises a file's format."""

from __future__ import annotations

from pathlib import Path

import orjson

from annotator.formats.brat import write_brat
from annotator.formats.brat_reader import brat_records, looks_like_brat
from annotator.formats.conll import conll_records, looks_like_conll, write_conll
from annotator.formats.docbin import docbin_records, write_docbin
from annotator.formats.doccano import doccano_records, looks_like_doccano, write_doccano
from annotator.formats.native import write_native
from annotator.formats.prodigy import write_prodigy
from annotator.formats.prodigy_reader import looks_like_prodigy, prodigy_records
from annotator.formats.reading import RecordReader, jsonl_objects

READERS: dict[str, RecordReader] = {
    "native": jsonl_objects, "prodigy": prodigy_records, "brat": brat_records, "doccano": doccano_records,
    "conll": conll_records, "spacy": docbin_records,
}
# Writers of one stream; brat writes a folder (write_brat) and spacy a binary file (write_docbin).
WRITERS = {
    "native": write_native, "prodigy": write_prodigy, "doccano": write_doccano, "conll": write_conll,
    "spacy": write_docbin,
}
FOLDER_WRITERS = {"brat": write_brat}
FORMATS = tuple(READERS)


class UnknownFormat(Exception):
    """A file whose format cannot be told; the user should name it with --format."""


def format_of_first_line(first_line: bytes) -> str | None:
    """The line format a first line looks like (conll, doccano, prodigy or native), or None."""
    if looks_like_conll(first_line[:4096].decode("utf-8", errors="replace")):
        return "conll"
    try:
        first = orjson.loads(first_line)
    except orjson.JSONDecodeError:
        return None
    if looks_like_doccano(first):
        return "doccano"
    if looks_like_prodigy(first):
        return "prodigy"
    if isinstance(first, dict) and "id" in first and "text" in first:
        return "native"
    return None


def detect_format(path: Path) -> str:
    """The format of a file, from its extension and first line (ambiguous files raise UnknownFormat)."""
    if looks_like_brat(path):
        return "brat"
    if path.suffix.lower() == ".spacy":
        return "spacy"
    suffix = path.suffix.lower()
    if suffix in (".conll", ".iob", ".conll03", ".bio"):
        return "conll"
    try:
        with open(path, "rb") as handle:
            first_line = b""
            for line in handle:  # the first non-blank line, however long (a native document is one line)
                if line.strip():
                    first_line = line
                    break
    except OSError as error:
        raise UnknownFormat(f"{path}: cannot read: {error.strerror}") from error
    found = format_of_first_line(first_line)
    if found is not None:
        return found
    raise UnknownFormat(f"{path}: cannot tell its format; name it with --format ({', '.join(FORMATS)})")
