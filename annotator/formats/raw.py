"""Raw documents to extract from: UTF-8 `.txt` files and native JSONL lines without annotations.

A `.txt` file's first line is its title when a blank line follows it. A
`NAME.meta.json` beside `NAME.txt` adds metadata (and may set `id` and `title`).
Every document's id, text, title and metadata pass the native record's checks
(`record.parse_record`), so what `extract` writes, its own `import` takes back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import orjson

from annotator.domain import Document
from annotator.formats.reading import InputError, InvalidInput
from annotator.formats.record import BadRecord, parse_record

RAW_SUFFIXES = (".txt", ".jsonl")


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus the .txt and .jsonl files inside named folders (sorted)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in RAW_SUFFIXES and p.is_file()))
        else:
            found.append(path)
    return found


def title_of(text: str) -> str | None:
    """The first line when a blank line follows it, else None."""
    first, newline, rest = text.partition("\n")
    if newline and first.strip() and rest.lstrip(" \t\r").startswith("\n"):
        return first.strip()
    return None


def read_raw(paths: Iterable[str | Path]) -> list[Document]:
    """Documents without candidates from .txt and .jsonl files; raise `InvalidInput` naming every problem."""
    documents: list[Document] = []
    errors: list[InputError] = []
    seen: dict[str, str] = {}
    for path in expand_paths(paths):
        name = str(path)
        if path.suffix == ".jsonl":
            documents.extend(_read_jsonl(path, errors))
        else:
            try:
                data = path.read_bytes()
            except OSError as error:
                errors.append(InputError(name, 0, "", f"cannot read: {error.strerror}"))
                continue
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as error:
                line = data[: error.start].count(b"\n") + 1
                errors.append(InputError(name, line, "", f"not valid UTF-8 (byte {error.start} of the file)"))
                continue
            if not text.strip():
                errors.append(InputError(name, 1, "", "the file holds no text"))
                continue
            meta: dict = {"file": path.name}
            sidecar = path.with_suffix(".meta.json")
            doc_id, title = path.stem, title_of(text)
            source = name
            if sidecar.is_file():
                source = str(sidecar)
                try:
                    extra = json.loads(sidecar.read_text(encoding="utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError) as error:
                    errors.append(InputError(str(sidecar), getattr(error, "lineno", 1), "", f"not valid JSON: {error}"))
                    continue
                if not isinstance(extra, dict):
                    errors.append(InputError(str(sidecar), 1, "", "must be a JSON object"))
                    continue
                doc_id = extra.pop("id", doc_id)
                title = extra.pop("title", title)
                meta.update(extra)
            document = _checked({"id": doc_id, "text": text, "title": title, "meta": meta}, source, 1, errors)
            if document is not None:
                documents.append(document)
    for document in documents:
        if document.id in seen and seen[document.id] != document.text:
            errors.append(InputError(document.meta.get("file", ""), 0, "id", f"{document.id!r} is used by two different texts"))
        seen.setdefault(document.id, document.text)
    if errors:
        raise InvalidInput(errors)
    return documents


def _read_jsonl(path: Path, errors: list[InputError]) -> list[Document]:
    name = str(path)
    documents: list[Document] = []
    try:
        handle = open(path, "rb")
    except OSError as error:
        errors.append(InputError(name, 0, "", f"cannot open: {error.strerror}"))
        return documents
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                obj = orjson.loads(line)
            except orjson.JSONDecodeError as error:
                reason = "not valid UTF-8" if "UTF-8" in str(error) else f"not valid JSON: {error}"
                errors.append(InputError(name, number, "", reason))
                continue
            if not isinstance(obj, dict):
                errors.append(InputError(name, number, "", "must be a JSON object"))
                continue
            if obj.get("entities") or obj.get("events"):
                errors.append(InputError(name, number, "entities", "already annotated; use `annotator import` for it"))
                continue
            fields = {key: obj[key] for key in ("id", "text", "title", "meta") if key in obj}
            document = _checked(fields, name, number, errors)
            if document is not None:
                documents.append(document)
    return documents


def _checked(fields: dict, name: str, line: int, errors: list[InputError]) -> Document | None:
    """The document of a raw record's id, text, title and meta, checked as a native record; else an error noted."""
    try:
        return parse_record(fields).document
    except BadRecord as bad:
        errors.append(InputError(name, line, bad.field, bad.reason))
        return None
