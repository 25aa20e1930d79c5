"""Reading brat standoff: every `.ann` line goes into the store or is said as left out, never skipped silently.

Read into the store: `T` entities and triggers; `E` events (`Role2` read as a
second `Role`); `R … Refers Arg1:extent Arg2:entity` when the extent is an event
argument (the link `annotator.formats.brat` writes); `A`/`M` attributes — the
`Status` of an entity or event (accepted, fixed or added come back as that review
state, recorded as an `import` decision; a fix's original values are not in brat,
so they are not either), the schema's event attributes, and brat's usual
`Negation` and `Speculation`, read as negative polarity and `other` modality; and
`#` AnnotatorNotes, as the note of the entity, event or argument they are on (a
note on a trigger goes to its event, on an argument's own `T` or its `Refers` link
to the argument). Notes annotator writes for dismissed schema warnings come back
as dismissed warnings.

Left out, each said as an `InputWarning` naming file:line: any other `R`
relation, `*` equivalence sets, `N` normalisations, attributes of anything but an
event (bar `Status`), notes on what cannot hold one, `ARGUMENT` spans that are no
event's argument, and lines of an unknown kind. A discontinuous span (`0 5;8 12`),
an event given as another event's argument and a malformed line are refused with
a message naming the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

from annotator.formats.brat import BARE_SPAN_TYPE, DOCUMENT_IDS, REFERS, brat_type, flat_text
from annotator.formats.exporting import DISMISSED_PREFIX
from annotator.formats.fields import BadRecord, checked_name, offsets_problem
from annotator.formats.inputs import Source, StreamedInput, is_regular_file
from annotator.formats.reading import InputError, InputWarning, LocatedRecord, Record
from annotator.schema import Schema, load_schema

_BRAT_ATTRIBUTES = {"Negation": "polarity", "Speculation": "modality"}
_NUMBERED_ROLE = re.compile(r"^(.*?)(\d+)$")
_ARGUMENT_NOTE = re.compile(r"^(\S+) argument: (" + re.escape(DISMISSED_PREFIX) + r".*)$")
IMPORTED_STATUSES = ("accepted", "fixed", "added")


def brat_records(path: Source, progress: Callable[[int], None] | None = None) -> Iterator[Record]:
    """Documents of a brat folder (or of one .ann file), one per .ann file, as native records, one at a time."""
    if isinstance(path, StreamedInput):
        yield 0, InputError(str(path), 0, "", "brat is a folder of .txt and .ann files; give the folder's path")
        return
    ann_files = sorted(path.glob("*.ann")) if path.is_dir() else [path]
    if not ann_files:
        yield 0, InputError(str(path), 0, "", "no .ann files in this folder")
        return
    names = _SchemaNames(load_schema())
    document_ids = _document_ids(ann_files[0].parent)
    if isinstance(document_ids, InputError):
        yield 0, document_ids
        return
    for ann in ann_files:
        txt = ann.with_suffix(".txt")
        special = next((f for f in (ann, txt) if f.exists() and not is_regular_file(f)), None)
        if special is not None:
            # A .txt linked to /dev/zero would be read without end: only regular files are read.
            yield 0, InputError(str(ann), 0, "", f"{special.name} is not a regular file (a device or a FIFO?); give a file")
            continue
        try:
            with open(txt, encoding="utf-8", newline="") as handle:
                text = handle.read()
            # brat ends a line at \n only: a U+2028 or \x1c in a quoted span or a note is not a line break.
            ann_lines = [line.removesuffix("\r") for line in ann.read_text(encoding="utf-8").split("\n")]
        except OSError as error:
            yield 0, InputError(str(ann), 0, "", f"cannot read it or its .txt: {error.strerror}")
            continue
        except UnicodeDecodeError:
            yield 0, InputError(str(ann), 0, "", "it or its .txt is not valid UTF-8")
            continue
        if progress is not None:
            progress(ann.stat().st_size)
        parsed = _Lines(str(ann), text)
        malformed = parsed.read(ann_lines)
        if malformed is not None:
            yield malformed.line, malformed
            continue
        try:
            record = _Document(parsed, names).record(ann, document_ids.get(ann.stem, ann.stem))
        except _Refused as refused:
            yield refused.error.line, refused.error
            continue
        for warning in sorted(parsed.left_out, key=lambda warning: warning.line):
            yield warning.line, warning
        yield 1, record


def _document_ids(folder: Path) -> dict[str, str] | InputError:
    """The document id of each file stem that is not its own id, from the folder's `annotator_ids.json`."""
    path = folder / DOCUMENT_IDS
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as error:
        return InputError(str(path), 0, "", f"cannot read: {error.strerror}")
    try:
        ids = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        return InputError(str(path), 0, "", f"not valid JSON: {error}")
    if not isinstance(ids, dict) or not all(isinstance(value, str) and value for value in ids.values()):
        return InputError(str(path), 0, "", "must be a JSON object of file name to document id")
    return ids


class _SchemaNames:
    """The schema's event types, attribute names and values, by the brat names they are written as."""

    def __init__(self, schema: Schema):
        self.event_types = {brat_type(name): name for name in schema.events}
        self.attributes = {brat_type(name): name for name in schema.attributes}
        self.values = {
            (name, brat_type(value)): value for name, values in schema.attributes.items() for value in values
        }

    def native_name(self, brat_name: str) -> str:
        """The attribute an `A` line's name stands for: the schema's name, polarity for Negation, modality for Speculation."""
        return _BRAT_ATTRIBUTES.get(brat_name) or self.attributes.get(brat_name, brat_name)

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


class _Refused(Exception):
    """A file that cannot be imported, with the error that says where and why."""

    def __init__(self, error: InputError):
        super().__init__(str(error))
        self.error = error


class _Lines:
    """The annotations of one .ann file, line by line, before they are tied together."""

    def __init__(self, name: str, text: str):
        self.name = name
        self.text = text
        self.spans: dict[str, tuple[str, int, int, int]] = {}
        self.events: list[tuple[str, str, str, list[tuple[str, str, str]], int]] = []
        self.relations: list[tuple[str, str, list[tuple[str, str]], int]] = []
        self.attributes: list[tuple[str, str, str, str | bool, int]] = []
        self.notes: list[tuple[str, str, str, int]] = []
        self.left_out: list[InputWarning] = []
        self.first_lines: dict[str, int] = {}

    def drop(self, number: int, ident: str, reason: str, kind: str) -> None:
        """Say that an annotation is left out of the import."""
        self.left_out.append(InputWarning(self.name, number, ident, reason + "; left out", kind))

    def read(self, lines: list[str]) -> InputError | None:
        """Read every line; the first malformed one is returned as an error."""
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            ident, _, rest = line.partition("\t")
            first = self.first_lines.setdefault(ident, number)
            if first != number:
                return InputError(self.name, number, ident, f"{ident} is used twice (first on line {first}); ids must be unique")
            problem = self._line(number, ident, rest)
            if problem is not None:
                return InputError(self.name, number, ident, problem)
        return None

    def _line(self, number: int, ident: str, rest: str) -> str | None:
        """Read one line; a description of what is wrong with it, or None."""
        kind = ident[:1]
        if kind == "T":
            return self._text_bound(number, ident, rest)
        if kind == "E":
            return self._event(number, ident, rest)
        if kind == "R":
            parts = rest.split()
            arguments = [part.partition(":") for part in parts[1:]]
            if len(parts) < 3 or any(not name or not target for name, _, target in arguments):
                return f"expected 'Type Arg1:Id Arg2:Id', got {rest!r}"
            self.relations.append((ident, parts[0], [(name, target) for name, _, target in arguments], number))
        elif kind in ("A", "M"):
            fields = rest.split()
            if len(fields) not in (2, 3):
                return f"expected 'Name Id' or 'Name Id Value', got {rest!r}"
            self.attributes.append((ident, fields[0], fields[1], fields[2] if len(fields) > 2 else True, number))
        elif kind == "#":
            header, _, note = rest.partition("\t")
            fields = header.split()
            if len(fields) != 2:
                return f"expected 'AnnotatorNotes Id<TAB>note', got {rest!r}"
            if note.strip():
                self.notes.append((ident, fields[1], note, number))
        elif kind == "N":
            header, _, quoted = rest.partition("\t")
            fields = header.split()
            target, reference = (fields[1], fields[2]) if len(fields) == 3 else ("?", header)
            named = f" ({quoted})" if quoted else ""
            self.drop(number, ident, f"normalisation of {target} to {reference}{named} is not carried by annotator",
                      "normalisations (N)")
        elif kind == "*":
            fields = rest.split()
            members = ", ".join(fields[1:])
            self.drop(number, ident, f"equivalence {fields[0] if fields else ''} of {members} is not carried by annotator",
                      "equivalences (*)")
        else:
            self.drop(number, ident, f"{ident!r} is not a kind of brat annotation annotator knows", "lines of an unknown kind")
        return None

    def _text_bound(self, number: int, ident: str, rest: str) -> str | None:
        fields = rest.split("\t")
        header = fields[0].split(" ")
        if ";" in fields[0]:
            return "discontinuous spans are not supported; split it into separate spans"
        try:
            label, start, end = header[0], int(header[1]), int(header[2])
        except (IndexError, ValueError):
            return f"expected 'Type start end', got {fields[0]!r}"
        quoted = fields[1] if len(fields) > 1 else None
        text = self.text
        problem = offsets_problem(start, end, len(text))
        if problem is not None:
            return problem
        if quoted is not None and quoted != flat_text(text[start:end]):
            return f"{quoted!r} does not match the text at {start}-{end}: {text[start:end]!r}"
        self.spans[ident] = (label, start, end, number)
        return None

    def _event(self, number: int, ident: str, rest: str) -> str | None:
        parts = rest.split()
        if not parts or ":" not in parts[0]:
            return f"expected 'Type:Trigger Role:Id ...', got {rest!r}"
        event_type, trigger = parts[0].split(":", 1)
        arguments = []
        for part in parts[1:]:
            numbered, _, target = part.partition(":")
            if target.startswith("E"):
                return f"argument {part} is another event; nested events are not supported"
            match = _NUMBERED_ROLE.match(numbered)
            arguments.append((match.group(1) if match else numbered, numbered, target))
        self.events.append((ident, event_type, trigger, arguments, number))
        return None


class _Document:
    """The native record of one .ann file: its lines tied together, what cannot be held said as left out."""

    def __init__(self, lines: _Lines, names: _SchemaNames):
        self.lines = lines
        self.names = names
        self.triggers = {trigger for _i, _t, trigger, _a, _n in lines.events}
        self.argument_targets = {target for *_rest, arguments, _n in lines.events for _r, _nr, target in arguments}
        # The `Refers` link of an argument's own T: extent id -> (entity id, line); R id -> extent id.
        self.refers: dict[str, tuple[str, int]] = {}
        self.refers_lines: dict[str, str] = {}
        self.entities: dict[str, dict] = {}
        self.events: dict[str, dict] = {}
        # The native arguments each annotation id stands for: an argument's own T, or the numbered role on its event.
        self.arguments_by_target: dict[str, list[dict]] = {}
        self.arguments_by_role: dict[tuple[str, str], dict] = {}
        # The `A` line each event attribute came from, so that an error in its value names that line: event id ->
        # native attribute name -> (A id, line).
        self.attribute_lines: dict[str, dict[str, tuple[str, int]]] = {}

    def refuse(self, number: int, ident: str, reason: str) -> _Refused:
        """The error that stops this file's import."""
        return _Refused(InputError(self.lines.name, number, ident, reason))

    def record(self, ann: Path, document_id: str) -> LocatedRecord:
        """The native record, with the line of each item; raise `_Refused` when an annotation points at what it cannot."""
        self._relations()
        self._entities()
        self._events()
        self._attributes()
        self._notes()
        record = {"id": document_id, "text": self.lines.text, "meta": {"file": ann.with_suffix(".txt").name},
                  "entities": list(self.entities.values()), "events": list(self.events.values())}
        first_lines = self.lines.first_lines
        item_lines = {f"entities[{index}]": first_lines[ident] for index, ident in enumerate(self.entities)}
        item_names = {f"entities[{index}]": ident for index, ident in enumerate(self.entities)}
        for index, ident in enumerate(self.events):
            item_lines[f"events[{index}]"] = first_lines[ident]
            item_names[f"events[{index}]"] = ident
            for name, (attribute, number) in self.attribute_lines.get(ident, {}).items():
                item_lines[f"events[{index}].attributes.{name}"] = number
                item_names[f"events[{index}].attributes.{name}"] = f"{attribute}.value"
        return LocatedRecord(str(ann), record, item_lines, item_names)

    def _relations(self) -> None:
        spans = self.lines.spans
        for ident, kind, arguments, number in self.lines.relations:
            pairs = dict(arguments)
            extent = pairs.get("Arg1", "")
            if (
                kind == REFERS and len(arguments) == 2 and "Arg2" in pairs and extent in self.argument_targets
                and extent not in self.triggers and extent in spans
            ):
                if extent in self.refers:
                    self.lines.drop(number, ident, f"a second {REFERS} link from {extent} is not carried by annotator",
                                    "relations (R) other than an argument's Refers link")
                    continue
                self.refers[extent] = (pairs["Arg2"], number)
                self.refers_lines[ident] = extent
                continue
            described = " ".join(f"{name}:{target}" for name, target in arguments)
            self.lines.drop(
                number, ident,
                f"relation {kind} {described} is not carried by annotator (it holds event arguments and their"
                f" {REFERS} links only)",
                "relations (R) other than an argument's Refers link",
            )

    def _entities(self) -> None:
        for ident, (label, start, end, number) in self.lines.spans.items():
            if ident in self.triggers or ident in self.refers:
                continue
            if label == BARE_SPAN_TYPE:
                if ident not in self.argument_targets:
                    self.lines.drop(number, ident, f"{BARE_SPAN_TYPE} span {start}-{end} is no event's argument",
                                    "ARGUMENT spans that are no event's argument (T)")
                continue
            self.entities[ident] = {"id": ident, "start": start, "end": end, "label": label}
        for extent, (entity, number) in self.refers.items():
            if entity not in self.entities:
                raise self.refuse(number, extent, f"{REFERS} must go from a T annotation to an entity's T, got {extent} -> {entity}")

    def _events(self) -> None:
        spans = self.lines.spans
        for ident, raw_type, trigger, arguments, number in self.lines.events:
            if trigger not in spans:
                raise self.refuse(number, ident, f"trigger {trigger} is not a T annotation of this file")
            _label, t_start, t_end, _n = spans[trigger]
            native_arguments: list[dict] = []
            for role, numbered, target in arguments:
                if target not in spans:
                    raise self.refuse(number, ident, f"argument {role}:{target} is not a T annotation of this file")
                _l, a_start, a_end, _n2 = spans[target]
                argument: dict[str, Any]
                if target in self.entities:
                    argument = {"role": role, "entity": target}
                else:
                    # The argument's own T: a bare span, another event's trigger, or an extent with its Refers link.
                    argument = {"role": role, "start": a_start, "end": a_end}
                    if target in self.refers:
                        argument["entity"] = self.refers[target][0]
                    self.arguments_by_target.setdefault(target, []).append(argument)
                self.arguments_by_role[(ident, numbered)] = argument
                native_arguments.append(argument)
            self.events[ident] = {"id": ident, "type": self.names.event_types.get(raw_type, raw_type),
                                  "trigger": {"start": t_start, "end": t_end}, "arguments": native_arguments}

    def _attributes(self) -> None:
        found: dict[str, dict[str, str | bool]] = {}
        for ident, name, target, value, number in self.lines.attributes:
            item = self.entities.get(target) or self.events.get(target)
            if item is not None and name == "Status":
                if value in IMPORTED_STATUSES:
                    item["status"] = value
                elif value != "pending":
                    self.lines.drop(number, ident, f"Status {value} of {target} is not one annotator imports"
                                    f" ({', '.join(IMPORTED_STATUSES)} or pending): {target} is pending",
                                    "Status values annotator does not know (A)")
            elif target in self.events:
                try:
                    checked_name(name, f"{ident}.name")
                except BadRecord as bad:
                    raise self.refuse(number, bad.field, bad.reason) from None
                found.setdefault(target, {})[name] = value
                lines = self.attribute_lines.setdefault(target, {})
                if name in _BRAT_ATTRIBUTES:  # Negation and Speculation give way to the schema's own attribute
                    lines.setdefault(_BRAT_ATTRIBUTES[name], (ident, number))
                else:
                    lines[self.names.native_name(name)] = (ident, number)
            else:
                what = "entity" if target in self.entities else "annotation"
                self.lines.drop(number, ident, f"attribute {name} of {what} {target} is not carried by annotator"
                                " (only events have attributes)", "attributes of anything but an event (A)")
        for target, values in found.items():
            self.events[target]["attributes"] = self.names.event_attributes(values)

    def _notes(self) -> None:
        trigger_events: dict[str, list[dict]] = {}
        for ident, _type, trigger, _arguments, _number in self.lines.events:
            trigger_events.setdefault(trigger, []).append(self.events[ident])
        for ident, target, note, number in self.lines.notes:
            if target in self.events:
                argument_note = _ARGUMENT_NOTE.match(note)
                argument = self.arguments_by_role.get((target, argument_note.group(1))) if argument_note else None
                if argument_note is not None and argument is not None:
                    _add_note(argument, argument_note.group(2))
                else:
                    _add_note(self.events[target], note)
                continue
            items = (
                [self.entities[target]] if target in self.entities
                else trigger_events.get(target) or self.arguments_by_target.get(target)
                or self.arguments_by_target.get(self.refers_lines.get(target, ""))
            )
            if not items:
                self.lines.drop(number, ident, f"note on {target}, which annotator cannot hold a note for: {note!r}",
                                "notes on what cannot hold one (#)")
                continue
            for item in items:
                _add_note(item, note)


def _add_note(item: dict, note: str) -> None:
    """Add an AnnotatorNotes text to a native item: its dismissed warnings when annotator wrote them, else its note."""
    if note.startswith(DISMISSED_PREFIX):
        item.setdefault("dismissed", []).extend(w for w in note[len(DISMISSED_PREFIX):].split("; ") if w)
        return
    item["note"] = f"{item['note']}\n{note}" if item.get("note") else note


def looks_like_brat(path: Path) -> bool:
    """True for a folder holding .ann files, or an .ann file."""
    return path.suffix == ".ann" or (path.is_dir() and any(path.glob("*.ann")))
