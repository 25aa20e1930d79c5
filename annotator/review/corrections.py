"""What the reviewer corrects and adds: fixes, new entities, events and arguments, moves, merges and attributes.

`Corrections` asks the repository for each named operation and puts the cursor on what
changed. Every method takes the `Row` (or event key) it acts on, captured when the key
was pressed, never the cursor, so a redraw in between cannot redirect it.
"""

from __future__ import annotations

from annotator.domain import SHARED_TRIGGER_WARNING, TargetKind
from annotator.review import choices, requests
from annotator.review.choices import AttributeChoice, LinkChoice, MoveTarget
from annotator.review.document import DocumentView, Row
from annotator.review.editing import EditRequest, EditResult
from annotator.review.search import Search
from annotator.schema import Schema
from annotator.store import Repository

NO_EVENT = "No event in this sentence to add an argument to: add the event first."


class Corrections(Search):
    """The reviewer's position plus the corrections and additions made from it, read against one schema."""

    def __init__(self, repository: Repository, reviewer: str, schema: Schema | None = None):
        super().__init__(repository, reviewer)
        self.schema = schema or repository.schema
        """The schema choices are read from: labels, types, roles, attributes and which get digits (the store's by default)."""
        self._trigger_pairs: tuple[DocumentView, int, list[tuple[int, int]]] | None = None

    # ------------------------------------------------------------------ stable choices

    def label_choices(self, schema: Schema | None = None) -> list[str]:
        """Entity labels in the schema's order, its digit labels first (never by frequency)."""
        return choices.label_choices(self._loaded(), schema or self.schema)

    def type_choices(self) -> list[str]:
        """Event types in the schema's order, its digit types first."""
        return choices.type_choices(self.schema)

    def role_choices(self, event_pk: int) -> list[str]:
        """The roles of an event's type, in the schema's order."""
        return choices.role_choices(self.schema, self.event(event_pk).final("type"))

    def link_choices(self, event_pk: int, role: str) -> list[LinkChoice]:
        """Entities an argument of `role` of this event may refer to, lettered, the role's allowed labels first."""
        view = self._loaded()
        sentence = view.sentence_of_target(TargetKind.EVENT, event_pk) or 0
        return choices.link_choices(view, sentence, role, self.schema)

    # ------------------------------------------------------------------ fixing

    def fix_request(self, row: Row | None, schema: Schema | None = None) -> EditRequest | None:
        """The modal request to fix a row's target; None when there is no such row."""
        if row is None or not self._holds(row):
            return None
        return requests.fix_request(self._loaded(), row, schema or self.schema)

    def apply_fix(self, row: Row, result: EditResult) -> bool:
        """Record the reviewer's correction of a row's target; the machine's values stay beside it."""
        if not self._holds(row):
            return False
        changes = requests.fix_changes(self._loaded(), row, result, self.schema)
        if not changes:
            self.last_message = "Nothing changed."
            return False
        self.refresh_group(self.repository.fix(self.reviewer, row.kind, row.pk, **changes))
        self.select(row.kind, row.pk)
        return True

    def _show(self, kind: TargetKind, pk: int) -> None:
        self.reload()
        self.select(kind, pk)

    # ------------------------------------------------------------------ adding entities and events

    def add_entity_request(self, schema: Schema | None = None) -> EditRequest | None:
        """The modal request to add an entity in the current sentence; None when the document has none."""
        if self.view is None or not self.view.document.sentences:
            return None
        return requests.add_entity_request(self.view, self.sentence_index, schema or self.schema)

    def add_entity(self, start: int, end: int, label: str) -> int:
        """Add an entity the machine missed and put the cursor on it; return its key."""
        document = self._loaded().document
        assert document.pk is not None
        pk = self.repository.add_entity(self.reviewer, document.pk, start, end, label)
        self._show(TargetKind.ENTITY, pk)
        return pk

    def add_event_request(self, schema: Schema | None = None) -> EditRequest | None:
        """The modal request to add an event in the current sentence; None when the document has none."""
        if self.view is None or not self.view.document.sentences:
            return None
        return requests.add_event_request(self.view, self.sentence_index, schema or self.schema)

    def add_event(self, start: int, end: int, event_type: str) -> int:
        """Add an event the machine missed and put the cursor on it; return its key."""
        document = self._loaded().document
        assert document.pk is not None
        pk = self.repository.add_event(self.reviewer, document.pk, event_type, start, end)
        self._show(TargetKind.EVENT, pk)
        return pk

    # ------------------------------------------------------------------ arguments

    def event_of(self, row: Row | None) -> int | None:
        """The event a row belongs to: an event row's own, an argument row's event; None for an entity row or none."""
        if row is None or not self._holds(row) or row.kind is TargetKind.ENTITY:
            return None
        return row.pk if row.kind is TargetKind.EVENT else row.event_pk

    def add_argument_target(self, row: Row | None) -> int | None:
        """The event `add_argument` adds to: the row's event, else the first live event of the row's (or the current) sentence.

        None (with a message) when that sentence keeps no event. An entity row never decides
        what is added: adding an argument is one key whatever row the cursor is on.
        """
        event_pk = self.event_of(row)
        if event_pk is not None:
            return event_pk
        view = self._loaded()
        sentence = None if row is None else view.sentence_of_target(row.kind, row.pk)
        events = view.live_events(self.sentence_index if sentence is None else sentence)
        if not events:
            self.last_message = NO_EVENT
            return None
        return events[0].pk

    def add_argument_request(self, row: Row | None) -> tuple[int, EditRequest] | None:
        """The event an argument would be added to and the first step's request (extent, then role); None without an event."""
        event_pk = self.add_argument_target(row)
        if event_pk is None:
            return None
        return event_pk, requests.add_argument_request(self._loaded(), event_pk, self.schema)

    def link_request(self, event_pk: int, role: str) -> EditRequest:
        """The optional second step of adding an argument: a letter links an entity, enter or escape leaves it bare."""
        return requests.link_request(self._loaded(), event_pk, role, self.schema)

    def add_argument(self, event_pk: int, role: str, start: int, end: int, link: str | None = None) -> int:
        """Add an argument with this extent to an event, linked to the entity `link` letters (from `link_choices`) or bare.

        Puts the cursor on the new argument and returns its key.
        """
        chosen = next((c for c in self.link_choices(event_pk, role) if c.key == link), None) if link else None
        pk = self.repository.add_argument(
            self.reviewer, event_pk, role, start=start, end=end, entity_pk=None if chosen is None else chosen.entity_pk,
        )
        self._show(TargetKind.ARGUMENT, pk)
        return pk

    def move_targets(self, row: Row | None) -> list[MoveTarget]:
        """The other live events of an argument row's sentence, lettered; empty for any other row."""
        if row is None or row.kind is not TargetKind.ARGUMENT or row.event_pk is None or not self._holds(row):
            return []
        return choices.move_targets(self._loaded(), row.event_pk)

    def move_argument(self, row: Row | None, to_event_pk: int) -> bool:
        """Move an argument row to another event (one undo step) and keep the cursor on it."""
        if row is None or row.kind is not TargetKind.ARGUMENT or row.event_pk == to_event_pk or not self._holds(row):
            return False
        self.repository.move_argument(self.reviewer, row.pk, to_event_pk)
        self._show(TargetKind.ARGUMENT, row.pk)
        return True

    def copy_argument(self, row: Row | None, to_event_pk: int) -> int | None:
        """Copy an argument row to another event and put the cursor on the copy; return its key."""
        if row is None or row.kind is not TargetKind.ARGUMENT or row.event_pk == to_event_pk or not self._holds(row):
            return None
        pk = self.repository.copy_argument(self.reviewer, row.pk, to_event_pk)
        self._show(TargetKind.ARGUMENT, pk)
        return pk

    # ------------------------------------------------------------------ events sharing a trigger

    def trigger_partners(self, event_pk: int) -> list[int]:
        """The other events of the current document on the same trigger span as this one."""
        view = self._loaded()
        # Asked for every event row at every redraw: read once per loaded document and per change to it.
        if self._trigger_pairs is None or self._trigger_pairs[:2] != (view, view.revision):
            assert view.document.pk is not None
            self._trigger_pairs = (view, view.revision, self.repository.events_sharing_trigger(view.document.pk))
        return [b if a == event_pk else a for a, b in self._trigger_pairs[2] if event_pk in (a, b)]

    def trigger_warning(self, event_pk: int) -> str | None:
        """The shared-trigger warning when another event sits on this event's trigger (see `trigger_partners`), else None."""
        return SHARED_TRIGGER_WARNING if self.trigger_partners(event_pk) else None

    def merge_events(self, keep_event_pk: int, other_event_pk: int) -> bool:
        """Merge another event into one kept (one undo step) and put the cursor on the kept event."""
        if keep_event_pk == other_event_pk:
            return False
        self.repository.merge_events(self.reviewer, keep_event_pk, other_event_pk)
        self._show(TargetKind.EVENT, keep_event_pk)
        return True

    # ------------------------------------------------------------------ attributes

    def attribute_choices(self, row: Row | None) -> list[AttributeChoice]:
        """Every (attribute, value) pair of the schema for a row's event, one key each; empty off an event."""
        event_pk = self.event_of(row)
        return [] if event_pk is None else choices.attribute_choices(self.schema, self.event(event_pk))

    def attribute_request(self, row: Row | None) -> EditRequest | None:
        """The attribute picker of a row's event (an event row, or an argument's event); None off an event."""
        event_pk = self.event_of(row)
        return None if event_pk is None else requests.attribute_request(self._loaded(), event_pk, self.schema)

    def set_attribute(self, row: Row | None, name: str, value: str) -> bool:
        """Set one attribute of a row's event (an event row, or an argument's event) and keep the cursor on the row."""
        event_pk = self.event_of(row)
        if event_pk is None:
            return False
        if (self.event(event_pk).final("attributes") or {}).get(name) == value:
            self.last_message = "Nothing changed."
            return False
        self.refresh_group(self.repository.set_attribute(self.reviewer, event_pk, name, value))
        return True

    def set_attribute_by_key(self, row: Row | None, key: str) -> bool:
        """Set the (attribute, value) pair an `attribute_choices` key names on a row's event."""
        chosen = next((c for c in self.attribute_choices(row) if c.key == key), None)
        return chosen is not None and self.set_attribute(row, chosen.name, chosen.value)
