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
ends too. A document id that is not a safe file name (or is longer than 100
characters) is written under a safe, bounded name, and `annotator_ids.json` maps
that name back to the id.

Read by `annotator.formats.brat_reader`, which takes these lines back, notes
included, and says whatever else a brat user wrote that the store cannot hold.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import orjson

from annotator.domain import Document, Review, Status
from annotator.formats.exporting import (
    ExportFilter,
    ExportSummary,
    FinalArgument,
    FinalDocument,
    dismissed_note,
    final_views,
)
from annotator.schema import Schema, load_schema

BARE_SPAN_TYPE = "ARGUMENT"
REFERS = "Refers"
"""The relation from an argument's own `T` to the entity it refers to."""
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_STEM = 100
"""The longest file name stem written (file systems refuse names over 255 bytes)."""
DOCUMENT_IDS = "annotator_ids.json"
"""The file of a brat folder mapping each file stem to the document id it was written for, when they differ."""
# Every character Python's str.splitlines ends a line at, and the tab: a quoted span or a note holds none of them.
_LINE_BREAKS = str.maketrans(dict.fromkeys("\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029", " "))


def brat_type(name: str) -> str:
    """A label, event type, attribute name or value as a brat name."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", name)


def file_stem(document_id: str) -> str:
    """A file name for a document id: unsafe characters replaced, a long id cut and told apart by a hash of it."""
    stem = _UNSAFE.sub("_", document_id).strip("._") or "document"
    if len(stem) > MAX_STEM:
        digest = hashlib.sha256(document_id.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        stem = f"{stem[:MAX_STEM - 13]}-{digest}"
    return stem


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
    renamed: dict[str, str] = {}
    for view in final_views(documents, keep or ExportFilter(), summary):
        document = view.document
        stem = file_stem(document.id)
        while stem in used:
            stem += "_"
        used.add(stem)
        if stem != document.id:
            renamed[stem] = document.id
        labels.update(entity.label for entity in view.entities)
        renamed_labels = sum(brat_type(entity.label) != entity.label for entity in view.entities)
        if renamed_labels:
            summary.count("entity labels written with _ for characters a brat type cannot hold", renamed_labels)
        for event in view.events:
            for name, value in event.attributes.items():
                attributes.setdefault(name, {})[str(value)] = None
        with open(folder / f"{stem}.txt", "w", encoding="utf-8", newline="") as handle:
            handle.write(document.text)
        with open(folder / f"{stem}.ann", "w", encoding="utf-8", newline="\n") as handle:
            handle.write(_Ann(view, summary).text())
    (folder / "annotation.conf").write_text(annotation_conf(schema, labels, attributes), encoding="utf-8")
    if renamed:
        (folder / DOCUMENT_IDS).write_bytes(orjson.dumps(renamed, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
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
            self.text_bound.append(f"{self.t_ids[key]}\t{kind} {start} {end}\t{flat_text(self.view.text[start:end])}")
        return self.t_ids[key]

    def annotate(self, target: str, review: Review) -> None:
        """A candidate's status, note and dismissed warnings, on the annotation `target`."""
        self.attributes.append(f"Status {target} {review.status.value}")
        if review.note:
            self.notes.append(f"AnnotatorNotes {target}\t{flat_text(review.note)}")
        dismissed = dismissed_note(review)
        if dismissed:
            self.notes.append(f"AnnotatorNotes {target}\t{flat_text(dismissed)}")

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
                role = brat_type(argument.role)
                if role != argument.role:
                    self.summary.count("roles written with _ for characters a brat name cannot hold")
                seen_roles[role] = seen_roles.get(role, 0) + 1
                numbered = role + ("" if seen_roles[role] == 1 else str(seen_roles[role]))
                parts.append(f"{numbered}:{self.argument_target(argument)}")
                if argument.review.status is not Status.PENDING:
                    self.summary.count("argument review states not written (brat's E lines have no per-argument attributes)")
                dismissed = dismissed_note(argument.review)
                if dismissed:
                    self.notes.append(f"AnnotatorNotes {event_id}\t{numbered} argument: {flat_text(dismissed)}")
            self.events.append(f"{event_id}\t{' '.join(parts)}")
            self.annotate(event_id, event.review)
            for name, value in event.attributes.items():
                self.attributes.append(f"{brat_type(name)} {event_id} {brat_type(str(value))}")
        lines = [*self.text_bound, *self.events]
        lines += [f"R{i}\t{r}" for i, r in enumerate(self.relations, start=1)]
        lines += [f"A{i}\t{a}" for i, a in enumerate(self.attributes, start=1)]
        lines += [f"#{i}\t{n}" for i, n in enumerate(self.notes, start=1)]
        return "\n".join(lines) + ("\n" if lines else "")


def flat_text(value: str) -> str:
    """A span's text on one line, as brat writes it (tabs and whatever splitlines breaks at become spaces)."""
    return value.translate(_LINE_BREAKS)
