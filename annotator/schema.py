"""The event schema: event types, their roles, which entity labels may fill each role, and event attributes.

A plain data file (JSON) shipped in the package; a user can pass another with
`--schema`. The extractor builds its trigger rules from it and the review screen
validates event cards against it. Its lists are ordered, and that order is the
order every choice is offered in (never frequency), so keys do not move while a
reviewer works. No spaCy, no Textual here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from annotator.domain import NAME_CONTROLS, Entity, Event, Status, is_live

DEFAULT_SCHEMA = "ace2005.json"
# How many choices get a digit key.
DIGITS = 9


class SchemaError(Exception):
    """A schema file that cannot be used, with the reason."""


# What a trigger condition may say, and the kind of value each key takes.
CONDITION_LISTS = (
    "pos", "particles", "object_labels", "object_nouns", "forbid_object_nouns", "forbid_subject_nouns",
    "forbid_children", "forbid_preps", "require_preps", "forbid_governors", "forbid_modifiers", "forbid_object_pos",
    "require_modifiers", "require_governors", "prep_object_nouns", "object_or_preps", "require_particles", "forbid_owner_labels",
    "forbid_subject_labels", "acl_require_preps", "modifier_or_preps", "modifier_or_governors", "span_words",
    "crime_governors",
)
CONDITION_FLAGS = ("as_modifier", "needs_object", "or_type_in_document")


@dataclass(frozen=True)
class TriggerCondition:
    """How a matched trigger word must be used to count as its event type.

    `pos`: the parts of speech it may have; `as_modifier`: whether it may modify a noun
    ("travel agency"); `particles`: verb particles it may take ("shot up" is no attack);
    `needs_object`: it needs an object or passive subject, whose entity label must be
    one of `object_labels` or whose head one of `object_nouns` when either is given;
    `forbid_*` / `require_preps`: dependents, prepositions, subject or object nouns,
    governing words and modifiers ("clinical trial", "trade war") that rule it out or that it needs;
    `forbid_object_pos`: parts of speech its object may not have ("fired Machar" is a dismissal);
    `require_modifiers`: words one of which must modify it ("election victory", not a match's), unless its phrase has one
    of the prepositions `modifier_or_preps` or one of the lemmas `modifier_or_governors` governs it ("a military
    operation", "an operation against militants", "launched an operation", "the operation killed", not "begin operation");
    `require_governors`: lemmas one of which must govern it ("opened fire"); `prep_object_nouns`: nouns one of
    which must head the object of one of its `require_preps` ("appeared in court", not "in a video");
    `forbid_owner_labels`: entity labels its possessor or name modifier may not have ("Trump's rally" is a
    campaign event, not a demonstration); `forbid_subject_labels`: entity labels its subject may not have ("Biden
    captured Pennsylvania" is no attack); `acl_require_preps`: prepositions one of which a participle hung on a noun
    needs ("The board named Jane Smith as its chief", not "a man named John Smith"); `require_particles`: verb particles one of which it needs, wherever it stands ("blew himself up");
    `crime_governors`: lemmas under whose preposition a bare noun only names a crime ("charged with assault",
    "arrested for assault"; not "the assault on the city", "victims of the assault"); `span_words`: the words of a multiword trigger that make up the event's trigger span ("pleaded guilty" is
    a Convict on "guilty", the word that carries the outcome); `object_or_preps`: prepositions that stand in for a needed object when none is there ("after being charged with assault");
    `or_type_in_document`: it counts anyway, its part of speech and forbidden modifiers apart, when the document
    has a trigger of its type that meets its own condition ("the deal" in a takeover report); `slots`: slot-to-role mappings
    that replace the type's own for this trigger ("pay £8bn for X": for → Artifact; null: no role, as for what one wins).
    """

    pos: tuple[str, ...] = ()
    as_modifier: bool = False
    particles: tuple[str, ...] = ()
    needs_object: bool = False
    object_labels: tuple[str, ...] = ()
    object_nouns: tuple[str, ...] = ()
    forbid_object_nouns: tuple[str, ...] = ()
    forbid_subject_nouns: tuple[str, ...] = ()
    forbid_children: tuple[str, ...] = ()
    forbid_preps: tuple[str, ...] = ()
    require_preps: tuple[str, ...] = ()
    forbid_governors: tuple[str, ...] = ()
    forbid_modifiers: tuple[str, ...] = ()
    forbid_object_pos: tuple[str, ...] = ()
    require_modifiers: tuple[str, ...] = ()
    modifier_or_preps: tuple[str, ...] = ()
    modifier_or_governors: tuple[str, ...] = ()
    span_words: tuple[str, ...] = ()
    crime_governors: tuple[str, ...] = ()
    require_governors: tuple[str, ...] = ()
    prep_object_nouns: tuple[str, ...] = ()
    require_particles: tuple[str, ...] = ()
    forbid_owner_labels: tuple[str, ...] = ()
    forbid_subject_labels: tuple[str, ...] = ()
    acl_require_preps: tuple[str, ...] = ()
    object_or_preps: tuple[str, ...] = ()
    or_type_in_document: bool = False
    slots: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EventType:
    """One event type: its roles, the roles it needs, its trigger words and syntactic slots.

    `conditions` maps a trigger (as written in `triggers`) to how it must be used;
    a trigger without an entry follows the schema's `trigger_conditions`.
    """

    name: str
    roles: tuple[str, ...]
    required: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()
    slots: Mapping[str, Any] = field(default_factory=dict)
    intransitive: tuple[str, ...] = ()
    conditions: Mapping[str, TriggerCondition] = field(default_factory=dict)


@dataclass(frozen=True)
class Schema:
    """Event types, role constraints, event attributes and the cues the extractor uses.

    `attributes` maps each event attribute to its values in the schema's order (ACE 2005:
    polarity, modality, genericity, tense); `attribute_defaults` gives the value an added
    event starts with, the first value unless the schema names another. `digit_labels`
    and `digit_types` are the entity labels and event types that get the digits 1–9.
    """

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
    attributes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    digit_labels: tuple[str, ...] = ()
    digit_types: tuple[str, ...] = ()
    attribute_defaults: Mapping[str, str] = field(default_factory=dict)
    trigger_conditions: TriggerCondition = TriggerCondition()
    place_nouns: frozenset[str] = frozenset()

    @property
    def event_types(self) -> tuple[str, ...]:
        """The event types in the schema's order."""
        return tuple(self.events)

    def allows_label(self, role: str, label: str) -> bool:
        """True when an entity with this label may fill this role."""
        return label in self.role_labels.get(role, ())

    def allowed_labels(self, role: str) -> tuple[str, ...]:
        """The entity labels that may fill a role, in the schema's order (empty: any, or a bare extent)."""
        return self.role_labels.get(role, ())

    def default_attributes(self) -> dict[str, str]:
        """What an event the reviewer adds starts with: each attribute's default, else its first value."""
        return {name: self.attribute_defaults.get(name, values[0]) for name, values in self.attributes.items()}

    def attribute_error(self, name: str, value: str) -> str | None:
        """Why `value` cannot be the event attribute `name`, or None when the schema lists it."""
        values = self.attributes.get(name)
        if values is None:
            known = ", ".join(self.attributes) or "none"
            return f"{name} is not an event attribute of the schema (attributes: {known})"
        if value not in values:
            return f"{value!r} is not a value of {name}; give one of {', '.join(values)}"
        return None

    def roles_of(self, event_type: str) -> tuple[str, ...]:
        """The roles an event type takes (empty for a type the schema does not know)."""
        known = self.events.get(event_type)
        return known.roles if known else ()

    def event_warnings(self, event: Event, entities: Sequence[Entity]) -> list[tuple[int | None, str]]:
        """Schema problems of an event's final values: (argument index or None, message).

        Each message is a stable text, so a reviewer can dismiss it: a warning whose
        text is in the `dismissed` of its target (the argument, or the event for an
        event-wide one) is left out.
        """
        return [
            (index, message)
            for index, message in self._all_event_warnings(event, entities)
            if message not in (event.arguments[index] if index is not None else event).review.dismissed
        ]

    def _all_event_warnings(self, event: Event, entities: Sequence[Entity]) -> list[tuple[int | None, str]]:
        by_id = {e.id: e for e in entities}
        event_type = event.final("type")
        known = self.events.get(event_type)
        warnings: list[tuple[int | None, str]] = []
        if known is None:
            return [(None, f"{event_type} is not an event type of the schema")]
        present: set[str] = set()
        for index, argument in enumerate(event.arguments):
            if not is_live(argument.review.status):
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
        attributes = event.final("attributes") or {}
        for name, value in attributes.items():
            if name in self.attributes and value not in self.attributes[name]:
                warnings.append((None, f"{value!r} is not a value of {name}"))
        return warnings

    def to_json(self) -> str:
        """The schema as the JSON it was read from."""
        return json.dumps(self.raw, indent=2, ensure_ascii=False)


def _as_tuple(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise SchemaError(f"{where}: must be a list of non-empty strings")
    return tuple(value)


def _attributes(raw: Any, source: str) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise SchemaError(f"{source}: attributes: must be an object of attribute name to its list of values")
    attributes = {}
    for name, values in raw.items():
        where = f"{source}: attributes.{name}"
        attributes[name] = _as_tuple(values, where)
        if not attributes[name]:
            raise SchemaError(f"{where}: list at least one value (the first is the default)")
        if len(set(attributes[name])) != len(attributes[name]):
            raise SchemaError(f"{where}: a value is listed twice")
    return attributes


def _attribute_defaults(raw: Any, attributes: Mapping[str, tuple[str, ...]], source: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise SchemaError(f"{source}: attribute_defaults: must be an object of attribute name to one of its values")
    for name, value in raw.items():
        if value not in attributes.get(name, ()):
            raise SchemaError(f"{source}: attribute_defaults.{name}: {value!r} is not one of the values listed under attributes.{name}")
    return dict(raw)


def _digit_choices(raw: Any, known: tuple[str, ...], where: str) -> tuple[str, ...]:
    """The choices named for the digits 1–9, by default the first nine in the schema's order."""
    if raw is None:
        return known[:DIGITS]
    chosen = _as_tuple(raw, where)
    if len(chosen) > DIGITS:
        raise SchemaError(f"{where}: name at most {DIGITS} (the digits 1–9), got {len(chosen)}")
    unknown = [name for name in chosen if name not in known]
    if unknown:
        raise SchemaError(f"{where}: {', '.join(unknown)} not declared in the schema")
    if len(set(chosen)) != len(chosen):
        raise SchemaError(f"{where}: a name is listed twice")
    return chosen


def _condition(raw: Any, defaults: Mapping[str, Any], where: str) -> tuple[TriggerCondition, dict[str, Any]]:
    """A trigger condition from its JSON object, each key not given taken from `defaults`."""
    if not isinstance(raw, dict):
        raise SchemaError(f"{where}: must be an object of condition names to values")
    unknown = sorted(set(raw) - set(CONDITION_LISTS) - set(CONDITION_FLAGS) - {"slots"})
    if unknown:
        known = ", ".join((*CONDITION_LISTS, *CONDITION_FLAGS, "slots"))
        raise SchemaError(f"{where}: unknown condition {', '.join(unknown)} (known: {known})")
    merged = {**defaults, **raw}
    values: dict[str, Any] = {}
    for key in CONDITION_LISTS:
        if key in merged:
            values[key] = _as_tuple(merged[key], f"{where}.{key}") if merged[key] else ()
    for key in CONDITION_FLAGS:
        if key in merged:
            if not isinstance(merged[key], bool):
                raise SchemaError(f"{where}.{key}: must be true or false")
            values[key] = merged[key]
    if "slots" in raw:
        if not isinstance(raw["slots"], dict):
            raise SchemaError(f"{where}.slots: must be an object")
        values["slots"] = raw["slots"]
    return TriggerCondition(**values), merged


def parse_schema(raw: Mapping[str, Any], source: str = "") -> Schema:
    """Build and check a schema from its decoded JSON."""
    if not isinstance(raw, dict):
        raise SchemaError(f"{source}: the schema must be a JSON object")
    _refuse_controls(raw, source)
    roles_raw = raw.get("roles")
    events_raw = raw.get("events")
    if not isinstance(roles_raw, dict) or not isinstance(events_raw, dict) or not events_raw:
        raise SchemaError(f"{source}: needs a 'roles' object and a non-empty 'events' object")
    role_labels = {}
    for role, labels in roles_raw.items():
        if not isinstance(labels, list):
            raise SchemaError(f"{source}: roles.{role}: must be a list of entity labels")
        role_labels[role] = tuple(labels)
    default_raw = raw.get("trigger_conditions", {})
    trigger_defaults, default_values = _condition(default_raw, {}, f"{source}: trigger_conditions")
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
        _check_slots(slots, roles, name, f"{where}.slots")
        triggers = _as_tuple(spec.get("triggers", []), f"{where}.triggers")
        conditions_raw = spec.get("conditions", {})
        if not isinstance(conditions_raw, dict):
            raise SchemaError(f"{where}.conditions: must be an object of trigger to its condition")
        conditions = {}
        for trigger, condition_raw in conditions_raw.items():
            if trigger not in triggers:
                raise SchemaError(f"{where}.conditions.{trigger}: not one of the type's triggers; list it under triggers")
            conditions[trigger], _ = _condition(condition_raw, default_values, f"{where}.conditions.{trigger}")
            _check_slots(conditions[trigger].slots, roles, name, f"{where}.conditions.{trigger}.slots")
        events[name] = EventType(
            name, roles, required, triggers, slots,
            _as_tuple(spec.get("intransitive", []), f"{where}.intransitive"), conditions,
        )
    entity_labels = tuple(raw.get("entity_labels", ()))
    attributes = _attributes(raw.get("attributes"), source)
    return Schema(
        name=str(raw.get("name", source)),
        entity_labels=entity_labels,
        role_labels=role_labels,
        events=events,
        bare_span_roles=frozenset(raw.get("bare_span_roles", ())),
        locative_prepositions=frozenset(raw.get("locative_prepositions", ())),
        negation_cues=tuple(raw.get("negation_cues", ())),
        modality_cues=tuple(raw.get("modality_cues", ())),
        source=source,
        raw=raw,
        attributes=attributes,
        attribute_defaults=_attribute_defaults(raw.get("attribute_defaults"), attributes, source),
        digit_labels=_digit_choices(raw.get("digit_labels"), entity_labels, f"{source}: digit_labels"),
        digit_types=_digit_choices(raw.get("digit_types"), tuple(events), f"{source}: digit_types"),
        trigger_conditions=trigger_defaults,
        place_nouns=frozenset(raw.get("place_nouns", ())),
    )


def _refuse_controls(value: Any, source: str, path: str = "") -> None:
    """Refuse a schema whose names (keys or values, at any depth) hold a control or bidirectional character.

    Every type, role, label and attribute value of a schema reaches the terminal and the exports.
    """
    if isinstance(value, str):
        if NAME_CONTROLS.search(value):
            raise SchemaError(f"{source}: {path or 'a name'}: holds a control character: {value!r}; remove it")
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_controls(key, source, path)
            _refuse_controls(item, source, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_controls(item, source, f"{path}[{index}]")


def _check_slots(slots: Mapping[str, Any], roles: tuple[str, ...], name: str, where: str) -> None:
    for slot, role in slots.items():
        targets = role.values() if slot == "prep" and isinstance(role, dict) else [role]
        for target in targets:
            if target is not None and target not in roles:  # null: the slot takes no role for this trigger
                raise SchemaError(f"{where}.{slot}: {target!r} is not a role of {name}")


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
