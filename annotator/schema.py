"""The event schema: event types, their roles, and which entity labels may fill each role.

A plain data file (JSON) shipped in the package; a user can pass another with
`--schema`. The extractor builds its trigger rules from it and the review screen
validates event cards against it. No spaCy, no Textual here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from annotator.domain import Entity, Event, Status

DEFAULT_SCHEMA = "ace2005.json"


class SchemaError(Exception):
    """A schema file that cannot be used, with the reason."""


@dataclass(frozen=True)
class EventType:
    """One event type: its roles, the roles it needs, its trigger words and syntactic slots."""

    name: str
    roles: tuple[str, ...]
    required: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()
    slots: Mapping[str, Any] = field(default_factory=dict)
    intransitive: tuple[str, ...] = ()


@dataclass(frozen=True)
class Schema:
    """Event types, role constraints and the cues the extractor uses."""

    name: str
    entity_labels: tuple[str, ...]
    role_labels: Mapping[str, tuple[str, ...]]
    events: Mapping[str, EventType]
    bare_span_roles: frozenset[str] = frozenset()
    locative_prepositions: frozenset[str] = frozenset()
    negation_cues: tuple[str, ...] = ()
    modality_cues: tuple[str, ...] = ()
    source: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def allows_label(self, role: str, label: str) -> bool:
        """True when an entity with this label may fill this role."""
        return label in self.role_labels.get(role, ())

    def roles_of(self, event_type: str) -> tuple[str, ...]:
        """The roles an event type takes (empty for a type the schema does not know)."""
        known = self.events.get(event_type)
        return known.roles if known else ()

    def event_warnings(self, event: Event, entities: Sequence[Entity]) -> list[tuple[int | None, str]]:
        """Schema problems of an event's final values: (argument index or None, message)."""
        by_id = {e.id: e for e in entities}
        event_type = event.final("type")
        known = self.events.get(event_type)
        warnings: list[tuple[int | None, str]] = []
        if known is None:
            return [(None, f"{event_type} is not an event type of the schema")]
        present: set[str] = set()
        for index, argument in enumerate(event.arguments):
            if argument.review.status in (Status.REJECTED, Status.WITHDRAWN):
                continue
            role = argument.final("role")
            present.add(role)
            if role not in known.roles:
                warnings.append((index, f"role {role} is not allowed for {event_type}"))
            entity_id = argument.final("entity_id")
            if entity_id is None:
                continue
            entity = by_id.get(entity_id)
            if entity is None:
                warnings.append((index, f"points at a missing entity {entity_id}"))
                continue
            if entity.review.status is Status.REJECTED:
                warnings.append((index, "points at a rejected entity"))
            label = entity.final("label")
            if role in self.role_labels and not self.allows_label(role, label) and self.role_labels[role]:
                warnings.append((index, f"{label} is not allowed as {role}"))
        for role in known.required:
            if role not in present:
                warnings.append((None, f"required role {role} is missing"))
        return warnings

    def to_json(self) -> str:
        """The schema as the JSON it was read from."""
        return json.dumps(self.raw, indent=2, ensure_ascii=False)


def _as_tuple(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise SchemaError(f"{where}: must be a list of non-empty strings")
    return tuple(value)


def parse_schema(raw: Mapping[str, Any], source: str = "") -> Schema:
    """Build and check a schema from its decoded JSON."""
    if not isinstance(raw, dict):
        raise SchemaError(f"{source}: the schema must be a JSON object")
    roles_raw = raw.get("roles")
    events_raw = raw.get("events")
    if not isinstance(roles_raw, dict) or not isinstance(events_raw, dict) or not events_raw:
        raise SchemaError(f"{source}: needs a 'roles' object and a non-empty 'events' object")
    role_labels = {}
    for role, labels in roles_raw.items():
        if not isinstance(labels, list):
            raise SchemaError(f"{source}: roles.{role}: must be a list of entity labels")
        role_labels[role] = tuple(labels)
    events = {}
    for name, spec in events_raw.items():
        where = f"{source}: events.{name}"
        if not isinstance(spec, dict):
            raise SchemaError(f"{where}: must be an object")
        roles = _as_tuple(spec.get("roles", []), f"{where}.roles")
        unknown = [r for r in roles if r not in role_labels]
        if unknown:
            raise SchemaError(f"{where}.roles: {', '.join(unknown)} not declared under 'roles'")
        required = _as_tuple(spec.get("required", []), f"{where}.required")
        if not set(required) <= set(roles):
            raise SchemaError(f"{where}.required: every required role must be one of the type's roles")
        slots = spec.get("slots", {})
        if not isinstance(slots, dict):
            raise SchemaError(f"{where}.slots: must be an object")
        for slot, role in slots.items():
            targets = role.values() if slot == "prep" and isinstance(role, dict) else [role]
            for target in targets:
                if target not in roles:
                    raise SchemaError(f"{where}.slots.{slot}: {target!r} is not a role of {name}")
        events[name] = EventType(
            name, roles, required, _as_tuple(spec.get("triggers", []), f"{where}.triggers"), slots,
            _as_tuple(spec.get("intransitive", []), f"{where}.intransitive"),
        )
    return Schema(
        name=str(raw.get("name", source)),
        entity_labels=tuple(raw.get("entity_labels", ())),
        role_labels=role_labels,
        events=events,
        bare_span_roles=frozenset(raw.get("bare_span_roles", ())),
        locative_prepositions=frozenset(raw.get("locative_prepositions", ())),
        negation_cues=tuple(raw.get("negation_cues", ())),
        modality_cues=tuple(raw.get("modality_cues", ())),
        source=source,
        raw=raw,
    )


def load_schema(path: str | Path | None = None) -> Schema:
    """The schema in `path`, or the default ACE 2005 schema shipped with annotator."""
    if path is None:
        return _default_schema()
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise SchemaError(f"{path}: cannot read: {error.strerror}") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SchemaError(f"{path}: not valid UTF-8 JSON: {error}") from error
    return parse_schema(raw, str(path))


@lru_cache(maxsize=1)
def _default_schema() -> Schema:
    resource = files("annotator.schemas").joinpath(DEFAULT_SCHEMA)
    return parse_schema(json.loads(resource.read_text(encoding="utf-8")), f"annotator/schemas/{DEFAULT_SCHEMA}")
