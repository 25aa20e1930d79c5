"""brat standoff: a folder of `NAME.txt` + `NAME.ann`, with an `annotation.conf` made from the schema.

Written: `T` lines for entities and event triggers; `E` lines for events
(`Type:Trigger Role:Id ...`, a repeated role numbered `Role2`, `Role3`). brat's
event argument must point at a `T`: an argument whose extent is exactly its
entity's span points at that entity's `T`; any other extent gets a `T` of its
own, typed with the linked entity's label and tied to that entity by a
`Refers` relation (`R1	Refers Arg1:T7 Arg2:T2`), or typed `ARGUMENT` when it
refers to no entity. Event attributes are `A` lines (`A3	polarity E1 negative`),
every schema attribute declared with its values in annotation.conf's
`[attributes]`. The review status of entities and events is an `A` line too
(`Status T3 fixed`); notes and dismissed schema warnings are `#` AnnotatorNotes
(a dismissed warning on an argument is noted on its event, naming the role).
Event types are written with `_` for `.` (`Conflict_Attack`), which brat's
configuration accepts. Rejected candidates are left out (the summary says how
many). The text files are written byte for byte, so offsets hold for CRLF line
ends too.

Read: `T`, `E`, `R` (`Refers` only), and `A` lines (Status, the schema's event
attributes, and brat's usual `Negation` and `Speculation`, read as negative
polarity and `other` modality). A discontinuous span (`0 5;8 12`) and an event
given as another event's argument are refused with a message naming the file
and line; other `R` lines and `*`, `N` and `M` lines are not carried and are
skipped, as are `#` notes. A `Status` of accepted, fixed or added comes back as
that review state (recorded as an `import` decision; a fix's original values are
not in brat, so they are not either); anything else imports as pending.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from annotator.domain import Document, Review, Status
from annotator.formats.exporting import (
    ExportFilter,
    ExportSummary,
    FinalArgument,
    FinalDocument,
    dismissed_note,
    final_views,
)
from annotator.formats.reading import InputError, Record
from annotator.schema import Schema, load_schema

BARE_SPAN_TYPE = "ARGUMENT"
REFERS = "Refers"
"""The relation from an argument's own `T` to the entity it refers to."""
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_NUMBERED_ROLE = re.compile(r"^(.*?)(\d+)$")


def brat_type(name: str) -> str:
    """A label, event type, attribute name or value as a brat name."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", name)


def file_stem(document_id: str) -> str:
    """A file name for a document id (unsafe characters replaced)."""
    return _UNSAFE.sub("_", document_id).strip("._") or "document"


def annotation_conf(schema: Schema, labels: Iterable[str], attributes: Mapping[str, Iterable[str]] | None = None) -> str:
    """brat's annotation.conf for the schema, the entity labels in use and the event attribute values in use."""
    entity_types = sorted({brat_type(label) for label in (*schema.entity_labels, *labels)} | {BARE_SPAN_TYPE})
    lines = [
        "[entities]", *entity_types, "",
        "[relations]", "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", f"{REFERS}\tArg1:<ENTITY>, Arg2:<ENTITY>", "",
        "[events]",
    ]
    for name, event_type in schema.events.items():
        roles = []
        for role in event_type.roles:
            allowed = [brat_type(label) for label in schema.role_labels.get(role, ())]
            if role in schema.bare_span_roles or not allowed:
                allowed.append(BARE_SPAN_TYPE)
            roles.append(f"{role}*:{'|'.join(dict.fromkeys(allowed))}")
        lines.append(f"{brat_type(name)}\t{', '.join(roles)}")
    lines += ["", "[attributes]", "Status\tArg:<ANY>, Value:pending|accepted|fixed|added"]
    declared: dict[str, dict[str, None]] = {
        brat_type(name): {brat_type(value): None for value in values} for name, values in schema.attributes.items()
    }
    for name, values in (attributes or {}).items():
        declared.setdefault(brat_type(name), {}).update((brat_type(value), None) for value in values)
    lines += [f"{name}\tArg:<EVENT>, Value:{'|'.join(values)}" for name, values in declared.items()]
    lines += ["Negation\tArg:<EVENT>", "Speculation\tArg:<EVENT>", ""]
    return "\n".join(lines)


def write_brat(documents: Iterable[Document], folder: Path, keep: ExportFilter | None = None, schema: Schema | None = None) -> ExportSummary:
    """Write documents as a brat folder (the folder must exist); return what was written and left out."""
    schema = schema or load_schema()
    summary = ExportSummary()
    labels: set[str] = set()
    attributes: dict[str, dict[str, None]] = {}
    used: set[str] = set()
    for view in final_views(documents, keep or ExportFilter(), summary):
        document = view.document
        stem = file_stem(document.id)
        while stem in used:
            stem += "_"
        used.add(stem)
        labels.update(entity.label for entity in view.entities)
        for event in view.events:
            for name, value in event.attributes.items():
                attributes.setdefault(name, {})[str(value)] = None
        with open(folder / f"{stem}.txt", "w", encoding="utf-8", newline="") as handle:
            handle.write(document.text)
        with open(folder / f"{stem}.ann", "w", encoding="utf-8", newline="\n") as handle:
            handle.write(_Ann(view, summary).text())
    (folder / "annotation.conf").write_text(annotation_conf(schema, labels, attributes), encoding="utf-8")
    return summary


class _Ann:
    """The lines of one document's .ann file, built as its candidates are written."""

    def __init__(self, view: FinalDocument, summary: ExportSummary):
        self.view = view
        self.summary = summary
        self.text_bound: list[str] = []
        self.t_ids: dict[tuple, str] = {}
        self.events: list[str] = []
        self.relations: list[str] = []
        self.attributes: list[str] = []
        self.notes: list[str] = []

    def t(self, key: tuple, start: int, end: int, kind: str) -> str:
        """The id of the `T` line for `key`, written the first time it is asked for."""
        if key not in self.t_ids:
            self.t_ids[key] = f"T{len(self.t_ids) + 1}"
            self.text_bound.append(f"{self.t_ids[key]}\t{kind} {start} {end}\t{_flat(self.view.text[start:end])}")
        return self.t_ids[key]

    def annotate(self, target: str, review: Review) -> None:
        """A candidate's status, note and dismissed warnings, on the annotation `target`."""
        self.attributes.append(f"Status {target} {review.status.value}")
        if review.note:
            self.notes.append(f"AnnotatorNotes {target}\t{_flat(review.note)}")
        dismissed = dismissed_note(review)
        if dismissed:
            self.notes.append(f"AnnotatorNotes {target}\t{_flat(dismissed)}")

    def argument_target(self, argument: FinalArgument) -> str:
        """The `T` an argument points at: its entity's when the extent is the entity's span, else its own."""
        entity = argument.entity
        if entity is not None and argument.extent_is_entity:
            return self.t_ids[("entity", entity.id)]
        key = ("extent", argument.start, argument.end, argument.entity_id)
        known = key in self.t_ids
        kind = brat_type(entity.label) if entity is not None else BARE_SPAN_TYPE
        target = self.t(key, argument.start, argument.end, kind)
        if entity is not None and not known:
            self.relations.append(f"{REFERS} Arg1:{target} Arg2:{self.t_ids[('entity', entity.id)]}")
        return target

    def text(self) -> str:
        """The whole .ann file: T, then E, R, A and # lines."""
        for entity in self.view.entities:
            self.annotate(self.t(("entity", entity.id), entity.start, entity.end, brat_type(entity.label)), entity.review)
        for number, event in enumerate(self.view.events, start=1):
            event_id = f"E{number}"
            trigger = self.t(("event", event.id), event.start, event.end, brat_type(event.type))
            seen_roles: dict[str, int] = {}
            parts = [f"{brat_type(event.type)}:{trigger}"]
            for argument in event.arguments:
                seen_roles[argument.role] = seen_roles.get(argument.role, 0) + 1
                numbered = argument.role + ("" if seen_roles[argument.role] == 1 else str(seen_roles[argument.role]))
                parts.append(f"{numbered}:{self.argument_target(argument)}")
                if argument.review.status is not Status.PENDING:
                    self.summary.count("argument review states not written (brat's E lines have no per-argument attributes)")
                dismissed = dismissed_note(argument.review)
                if dismissed:
                    self.notes.append(f"AnnotatorNotes {event_id}\t{numbered} argument: {_flat(dismissed)}")
            self.events.append(f"{event_id}\t{' '.join(parts)}")
            self.annotate(event_id, event.review)
            for name, value in event.attributes.items():
                self.attributes.append(f"{brat_type(name)} {event_id} {brat_type(str(value))}")
        lines = [*self.text_bound, *self.events]
        lines += [f"R{i}\t{r}" for i, r in enumerate(self.relations, start=1)]
        lines += [f"A{i}\t{a}" for i, a in enumerate(self.attributes, start=1)]
        lines += [f"#{i}\t{n}" for i, n in enumerate(self.notes, start=1)]
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
    names = _SchemaNames(load_schema())
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
        yield from _parse_ann(ann, text, ann_lines, names)


class _SchemaNames:
    """The schema's event types, attribute names and values, by the brat names they are written as."""

    def __init__(self, schema: Schema):
        self.event_types = {brat_type(name): name for name in schema.events}
        self.attributes = {brat_type(name): name for name in schema.attributes}
        self.values = {
            (name, brat_type(value)): value for name, values in schema.attributes.items() for value in values
        }

    def event_attributes(self, found: Mapping[str, str | bool]) -> dict[str, str | bool]:
        """An event's attributes from its `A` lines: the schema's names and values, brat's Negation and Speculation."""
        attributes: dict[str, str | bool] = {}
        for brat_name, value in found.items():
            if brat_name in ("Status", "Negation", "Speculation"):
                continue
            name = self.attributes.get(brat_name, brat_name)
            attributes[name] = self.values.get((name, value), value) if isinstance(value, str) else value
        if found.get("Negation"):
            attributes.setdefault("polarity", "negative")
        if found.get("Speculation"):
            attributes.setdefault("modality", "other")
        return attributes


def _parse_ann(ann: Path, text: str, lines: list[str], names: _SchemaNames) -> Iterator[Record]:
    name = str(ann)
    spans: dict[str, tuple[str, int, int, str, int]] = {}
    events: list[tuple[str, str, list[tuple[str, str]], int]] = []
    attributes: dict[str, dict[str, str | bool]] = {}
    refers: dict[str, tuple[str, int]] = {}
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
            events.append((ident, names.event_types.get(event_type, event_type), [(event_type, trigger), *arguments], number))
        elif kind == "R":
            parts = rest.split()
            if len(parts) == 3 and parts[0] == REFERS and parts[1].startswith("Arg1:") and parts[2].startswith("Arg2:"):
                refers[parts[1][5:]] = (parts[2][5:], number)
        elif kind == "A" or kind == "M":
            fields = rest.split()
            if len(fields) >= 2:
                attributes.setdefault(fields[1], {})[fields[0]] = fields[2] if len(fields) > 2 else True
        # Other R lines, and *, N and # lines are not carried.
    triggers = {trigger for _ident, _type, ((_t, trigger), *_rest), _n in events}
    native_entities = []
    bare = set()
    for ident, (label, start, end, _quoted, _number) in spans.items():
        if ident in triggers or ident in refers:
            continue
        if label == BARE_SPAN_TYPE:
            bare.add(ident)
            continue
        native_entities.append({"id": ident, "start": start, "end": end, "label": label, **_status(attributes, ident)})
    entity_ids = {entity["id"] for entity in native_entities}
    for extent, (entity, number) in refers.items():
        if extent not in spans or entity not in entity_ids:
            yield number, InputError(name, number, extent, f"{REFERS} must go from a T annotation to an entity's T, got {extent} -> {entity}")
            return
    native_events = []
    for ident, event_type, ((_raw_type, trigger), *arguments), number in events:
        if trigger not in spans:
            yield number, InputError(name, number, ident, f"trigger {trigger} is not a T annotation of this file")
            return
        _label, t_start, t_end, _q, _n = spans[trigger]
        native_arguments: list[dict] = []
        for role, target in arguments:
            if target not in spans:
                yield number, InputError(name, number, ident, f"argument {role}:{target} is not a T annotation of this file")
                return
            _l, a_start, a_end, _q2, _n2 = spans[target]
            if target in refers:
                native_arguments.append({"role": role, "start": a_start, "end": a_end, "entity": refers[target][0]})
            elif target in bare or target in triggers:
                native_arguments.append({"role": role, "start": a_start, "end": a_end})
            else:
                native_arguments.append({"role": role, "entity": target})
        native_events.append({
            "id": ident, "type": event_type, "trigger": {"start": t_start, "end": t_end}, "arguments": native_arguments,
            "attributes": names.event_attributes(attributes.get(ident, {})), **_status(attributes, ident),
        })
    yield 1, {"id": ann.stem, "text": text, "meta": {"file": ann.with_suffix(".txt").name},
              "entities": native_entities, "events": native_events}


def _status(attributes: dict[str, dict], ident: str) -> dict:
    """The review status a `Status` attribute gives an annotation, if it is one annotator knows."""
    value = attributes.get(ident, {}).get("Status")
    return {"status": value} if value in ("accepted", "fixed", "added") else {}


def looks_like_brat(path: Path) -> bool:
    """True for a folder holding .ann files, or an .ann file."""
    return path.suffix == ".ann" or (path.is_dir() and any(path.glob("*.ann")))
