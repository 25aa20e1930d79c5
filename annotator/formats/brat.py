"""brat standoff: a folder of `NAME.txt` + `NAME.ann`, with an `annotation.conf` made from the schema.

Written: `T` lines for entities, event triggers and bare-span arguments (type
`ARGUMENT`), `E` lines for events (`Type:Trigger Role:Id ...`, a repeated role
numbered `Role2`, `Role3`), `A` lines for the review status of every written
candidate (`Status T3 fixed`), for negated events (`Negation E1`) and for
hypothetical ones (`Speculation E1`), `#` lines for notes. Event types are
written with `_` for `.` (`Conflict_Attack`), which brat's configuration accepts.
Rejected candidates are left out (the summary says how many). The text files
are written byte for byte, so offsets hold for CRLF line ends too.

Read: `T`, `E` and `A` lines (Status, Negation, Speculation). A
discontinuous span (`0 5;8 12`) and an event given as another event's argument
are refused with a message naming the file and line; `R`, `*`, `N` and `M` lines
are not carried and are skipped, as are `#` notes. A `Status` of accepted, fixed or
added comes back as that review state (recorded as an `import` decision; a fix's
original values are not in brat, so they are not either); anything else imports
as pending.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from annotator.domain import Document, Review, Status
from annotator.formats.exporting import ExportFilter, ExportSummary, FinalDocument, final_views
from annotator.formats.reading import InputError, Record
from annotator.schema import Schema, load_schema

BARE_SPAN_TYPE = "ARGUMENT"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_NUMBERED_ROLE = re.compile(r"^(.*?)(\d+)$")


def brat_type(name: str) -> str:
    """A label or event type as a brat type name."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", name)


def file_stem(document_id: str) -> str:
    """A file name for a document id (unsafe characters replaced)."""
    return _UNSAFE.sub("_", document_id).strip("._") or "document"


def annotation_conf(schema: Schema, labels: Iterable[str]) -> str:
    """brat's annotation.conf for the schema and the entity labels in use."""
    entity_types = sorted({brat_type(label) for label in (*schema.entity_labels, *labels)} | {BARE_SPAN_TYPE})
    lines = ["[entities]", *entity_types, "", "[relations]", "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]"]
    for name, event_type in schema.events.items():
        roles = []
        for role in event_type.roles:
            allowed = [brat_type(label) for label in schema.role_labels.get(role, ())]
            if role in schema.bare_span_roles or not allowed:
                allowed.append(BARE_SPAN_TYPE)
            roles.append(f"{role}*:{'|'.join(dict.fromkeys(allowed))}")
        lines.append(f"{brat_type(name)}\t{', '.join(roles)}")
    lines += [
        "", "[attributes]",
        "Status\tArg:<ANY>, Value:pending|accepted|fixed|added",
        "Negation\tArg:<EVENT>",
        "Speculation\tArg:<EVENT>",
        "",
    ]
    return "\n".join(lines)


def write_brat(documents: Iterable[Document], folder: Path, keep: ExportFilter | None = None, schema: Schema | None = None) -> ExportSummary:
    """Write documents as a brat folder (the folder must exist); return what was written and left out."""
    schema = schema or load_schema()
    summary = ExportSummary()
    labels: set[str] = set()
    used: set[str] = set()
    for view in final_views(documents, keep or ExportFilter(), summary):
        document = view.document
        stem = file_stem(document.id)
        while stem in used:
            stem += "_"
        used.add(stem)
        labels.update(entity.label for entity in view.entities)
        with open(folder / f"{stem}.txt", "w", encoding="utf-8", newline="") as handle:
            handle.write(document.text)
        with open(folder / f"{stem}.ann", "w", encoding="utf-8", newline="\n") as handle:
            handle.write(_ann(view, summary))
    (folder / "annotation.conf").write_text(annotation_conf(schema, labels), encoding="utf-8")
    return summary


def _ann(view: FinalDocument, summary: ExportSummary) -> str:
    """The .ann file of one document: T lines, then E, A and # lines."""
    text = view.text
    lines: list[str] = []
    t_ids: dict[tuple, str] = {}
    attributes: list[str] = []
    notes: list[str] = []

    def text_bound(key: tuple, start: int, end: int, kind: str) -> str:
        if key not in t_ids:
            t_ids[key] = f"T{len(t_ids) + 1}"
            lines.append(f"{t_ids[key]}\t{kind} {start} {end}\t{_flat(text[start:end])}")
        return t_ids[key]

    def annotate(target: str, review: Review) -> None:
        attributes.append(f"Status {target} {review.status.value}")
        if review.note:
            notes.append(f"AnnotatorNotes {target}\t{_flat(review.note)}")

    for entity in view.entities:
        target = text_bound(("entity", entity.id), entity.start, entity.end, brat_type(entity.label))
        annotate(target, entity.review)
    events_lines = []
    for number, event in enumerate(view.events, start=1):
        trigger = text_bound(("event", event.id), event.start, event.end, brat_type(event.type))
        seen_roles: dict[str, int] = {}
        parts = [f"{brat_type(event.type)}:{trigger}"]
        for argument in event.arguments:
            if argument.entity_id is not None:
                target = t_ids[("entity", argument.entity_id)]
            else:
                target = text_bound(("span", argument.start, argument.end), argument.start, argument.end, BARE_SPAN_TYPE)
            seen_roles[argument.role] = seen_roles.get(argument.role, 0) + 1
            suffix = "" if seen_roles[argument.role] == 1 else str(seen_roles[argument.role])
            parts.append(f"{argument.role}{suffix}:{target}")
            if argument.review.status is not Status.PENDING:
                summary.count("argument review states not written (brat's E lines have no per-argument attributes)")
        event_id = f"E{number}"
        events_lines.append(f"{event_id}\t{' '.join(parts)}")
        annotate(event_id, event.review)
        if event.attributes.get("polarity") == "negative":
            attributes.append(f"Negation {event_id}")
        if event.attributes.get("modality") == "other":
            attributes.append(f"Speculation {event_id}")
    lines += events_lines
    lines += [f"A{i}\t{a}" for i, a in enumerate(attributes, start=1)]
    lines += [f"#{i}\t{n}" for i, n in enumerate(notes, start=1)]
    return "\n".join(lines) + ("\n" if lines else "")


def _flat(value: str) -> str:
    """A span's text on one line, as brat writes it (line breaks and tabs become spaces)."""
    return value.replace("\r", " ").replace("\n", " ").replace("\t", " ")


# ---------------------------------------------------------------------------- reading


def brat_records(path: Path, progress: Callable[[int], None] | None = None) -> Iterator[Record]:
    """Documents of a brat folder (or of one .ann file), one per .ann file, as native records."""
    ann_files = sorted(path.glob("*.ann")) if path.is_dir() else [path]
    if not ann_files:
        yield 0, InputError(str(path), 0, "", "no .ann files in this folder")
        return
    event_types = {brat_type(name): name for name in load_schema().events}
    for ann in ann_files:
        txt = ann.with_suffix(".txt")
        try:
            with open(txt, encoding="utf-8", newline="") as handle:
                text = handle.read()
            ann_lines = ann.read_text(encoding="utf-8").splitlines()
        except OSError as error:
            yield 0, InputError(str(ann), 0, "", f"cannot read it or its .txt: {error.strerror}")
            continue
        except UnicodeDecodeError:
            yield 0, InputError(str(ann), 0, "", "it or its .txt is not valid UTF-8")
            continue
        if progress is not None:
            progress(ann.stat().st_size)
        yield from _parse_ann(ann, text, ann_lines, event_types)


def _parse_ann(ann: Path, text: str, lines: list[str], event_types: dict[str, str]) -> Iterator[Record]:
    name = str(ann)
    spans: dict[str, tuple[str, int, int, str, int]] = {}
    events: list[tuple[str, str, list[tuple[str, str]], int]] = []
    attributes: dict[str, dict] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        ident, _, rest = line.partition("\t")
        kind = ident[:1]
        if kind == "T":
            fields = rest.split("\t")
            header = fields[0].split(" ")
            if ";" in fields[0]:
                yield number, InputError(name, number, ident, "discontinuous spans are not supported; split it into separate spans")
                return
            try:
                label, start, end = header[0], int(header[1]), int(header[2])
            except (IndexError, ValueError):
                yield number, InputError(name, number, ident, f"expected 'Type start end', got {fields[0]!r}")
                return
            quoted = fields[1] if len(fields) > 1 else None
            if not 0 <= start < end <= len(text):
                yield number, InputError(name, number, ident, f"offsets {start}-{end} lie outside the text (length {len(text)})")
                return
            if quoted is not None and quoted != _flat(text[start:end]):
                yield number, InputError(name, number, ident, f"{quoted!r} does not match the text at {start}-{end}: {text[start:end]!r}")
                return
            spans[ident] = (label, start, end, quoted or "", number)
        elif kind == "E":
            parts = rest.split()
            if not parts or ":" not in parts[0]:
                yield number, InputError(name, number, ident, f"expected 'Type:Trigger Role:Id ...', got {rest!r}")
                return
            event_type, trigger = parts[0].split(":", 1)
            arguments = []
            for part in parts[1:]:
                role, _, target = part.partition(":")
                if target.startswith("E"):
                    yield number, InputError(name, number, ident, f"argument {part} is another event; nested events are not supported")
                    return
                match = _NUMBERED_ROLE.match(role)
                arguments.append((match.group(1) if match else role, target))
            events.append((ident, event_types.get(event_type, event_type), [(event_type, trigger), *arguments], number))
        elif kind == "A" or kind == "M":
            fields = rest.split()
            if len(fields) >= 2:
                attributes.setdefault(fields[1], {})[fields[0]] = fields[2] if len(fields) > 2 else True
        # R, *, N and # lines are not carried.
    triggers = {trigger for _ident, _type, ((_t, trigger), *_rest), _n in events}
    native_entities = []
    bare = set()
    for ident, (label, start, end, _quoted, _number) in spans.items():
        if ident in triggers:
            continue
        if label == BARE_SPAN_TYPE:
            bare.add(ident)
            continue
        native_entities.append({"id": ident, "start": start, "end": end, "label": label, **_status(attributes, ident)})
    native_events = []
    for ident, event_type, ((_raw_type, trigger), *arguments), number in events:
        if trigger not in spans:
            yield number, InputError(name, number, ident, f"trigger {trigger} is not a T annotation of this file")
            return
        _label, t_start, t_end, _q, _n = spans[trigger]
        native_arguments = []
        for role, target in arguments:
            if target not in spans:
                yield number, InputError(name, number, ident, f"argument {role}:{target} is not a T annotation of this file")
                return
            if target in bare or target in triggers:
                _l, a_start, a_end, _q2, _n2 = spans[target]
                native_arguments.append({"role": role, "start": a_start, "end": a_end})
            else:
                native_arguments.append({"role": role, "entity": target})
        event_attributes = {}
        if attributes.get(ident, {}).get("Negation"):
            event_attributes["polarity"] = "negative"
        if attributes.get(ident, {}).get("Speculation"):
            event_attributes["modality"] = "other"
        native_events.append({"id": ident, "type": event_type, "trigger": {"start": t_start, "end": t_end},
                              "arguments": native_arguments, "attributes": event_attributes, **_status(attributes, ident)})
    yield 1, {"id": ann.stem, "text": text, "meta": {"file": ann.with_suffix(".txt").name},
              "entities": native_entities, "events": native_events}


def _status(attributes: dict[str, dict], ident: str) -> dict:
    """The review status a `Status` attribute gives an annotation, if it is one annotator knows."""
    value = attributes.get(ident, {}).get("Status")
    return {"status": value} if value in ("accepted", "fixed", "added") else {}


def looks_like_brat(path: Path) -> bool:
    """True for a folder holding .ann files, or an .ann file."""
    return path.suffix == ".ann" or (path.is_dir() and any(path.glob("*.ann")))
