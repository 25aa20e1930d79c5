"""A careful reviewer's next keys towards a hand-made target annotation of the demo article.

`Planner.next_step` reads where the review screen's session stands (white box: the
loaded document, the sentence, the rows and the cursor) and answers with the keys a
reviewer who knows the target would press next, and what kind of action they are. It
never changes anything itself: the test sends the keys through Pilot and asks again.

Within a sentence the reviewer first adds the entities the machine missed and fixes the
wrong ones (arguments link to them), then works on the events nearest the cursor: adds,
fixes, attributes, argument fixes, moves and additions, then rejects what is wrong, and
last accepts the rest (one key on a single candidate, `A y` on more). A sentence left
with no candidate is confirmed. The cursor goes to a row with `j`/`k` or the row's
letter hint, whichever is fewer keys; `g` goes on to the next sentence with work.

Kept candidates keep the machine's id in the target; added ones are matched by span and
label (entities), trigger and type (events), and role, extent and linked span (arguments).
An entity link that no key can reach (the entity is not among the link step's lettered
choices) is recorded in `Planner.unreachable` and the argument is left bare.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator.domain import Argument, Document, Entity, Event, Status, TargetKind, sentence_of
from annotator.review import requests
from annotator.review.choices import UNLINK_KEY, attribute_choices, link_choices, move_targets
from annotator.review.document import DocumentView, Row
from annotator.review.editing import DIGITS, hint_labels
from annotator.review.session import ReviewSession
from annotator.schema import Schema

Span = tuple[int, int]

# Kinds of action, for the breakdown of the keys.
NAVIGATE = "navigate"
ACCEPT = "accept"
CONFIRM = "confirm empty sentence"
REJECT = "reject"
FIX_ENTITY = "fix entity"
ADD_ENTITY = "add entity"
FIX_EVENT = "fix event"
ADD_EVENT = "add event"
ATTRIBUTE = "set attribute"
FIX_ARGUMENT = "fix argument"
ADD_ARGUMENT = "add argument"
MOVE_ARGUMENT = "move argument"
KINDS = (
    NAVIGATE, ACCEPT, CONFIRM, REJECT, FIX_ENTITY, ADD_ENTITY, FIX_EVENT, ADD_EVENT, ATTRIBUTE, FIX_ARGUMENT,
    ADD_ARGUMENT, MOVE_ARGUMENT,
)

# The order of work within a sentence: entity additions, entity fixes, event and argument
# work, rejections; accepting the rest comes after all of them.
_ADD_ENTITIES, _FIX_ENTITIES, _EVENTS, _REJECTS = range(4)


class PlanError(AssertionError):
    """The review reached a state the target cannot be reached from (a wrong decision, or a planner bug)."""


# ---------------------------------------------------------------------- the target


@dataclass(frozen=True)
class TargetEntity:
    id: str
    start: int
    end: int
    label: str


@dataclass(frozen=True)
class TargetArgument:
    role: str
    start: int
    end: int
    entity: Span | None
    """The span of the entity the argument links to, or None for a bare extent."""


@dataclass(frozen=True)
class TargetEvent:
    id: str
    type: str
    start: int
    end: int
    attributes: dict[str, str]
    arguments: tuple[TargetArgument, ...]
    entity_ids: tuple[str | None, ...]
    """The target id of each argument's linked entity (None when bare), in argument order."""


@dataclass(frozen=True)
class Target:
    entities: tuple[TargetEntity, ...]
    events: tuple[TargetEvent, ...]

    @classmethod
    def read(cls, path: Path) -> Target:
        """The target's one native JSON line."""
        record = json.loads(path.read_text(encoding="utf-8"))
        entities = tuple(TargetEntity(e["id"], e["start"], e["end"], e["label"]) for e in record["entities"])
        spans = {e.id: (e.start, e.end) for e in entities}
        events = []
        for event in record["events"]:
            arguments = tuple(
                TargetArgument(a["role"], a["start"], a["end"], spans[a["entity"]] if a.get("entity") else None)
                for a in event["arguments"]
            )
            events.append(TargetEvent(
                event["id"], event["type"], event["trigger"]["start"], event["trigger"]["end"],
                dict(event["attributes"]), arguments, tuple(a.get("entity") for a in event["arguments"]),
            ))
        return cls(entities, tuple(events))


# ---------------------------------------------------------------------- steps and tasks


@dataclass(frozen=True)
class Step:
    """Keys to press and what kind of action they are."""

    kind: str
    keys: tuple[str, ...]
    what: str


@dataclass
class _Task:
    phase: int
    kind: str
    keys: tuple[str, ...]
    what: str
    rows: tuple[Row, ...] = ()
    """Rows the cursor may be on for the keys to work; empty: anywhere in the sentence."""


@dataclass
class _SentenceWork:
    tasks: list[_Task] = field(default_factory=list)
    accept_rows: list[Row] = field(default_factory=list)
    """One row per remaining accept: a pending entity, or an event with itself or an argument pending."""


def _value_keys(values: Sequence[str], numbered: int | None, wanted: str) -> tuple[str, ...]:
    """The keys that choose `wanted` from a modal's values: its digit, else the fewest filter letters and a digit."""
    shown = list(values[: numbered or len(DIGITS)])
    if wanted in shown:
        return (DIGITS[shown.index(wanted)],)
    lowered = wanted.lower()
    for length in range(1, len(lowered) + 1):
        for start in range(len(lowered) - length + 1):
            needle = lowered[start : start + length]
            if not needle.isalnum():
                continue
            shown = [v for v in values if needle in v.lower()][: len(DIGITS)]
            if wanted in shown:
                return (*needle, DIGITS[shown.index(wanted)])
    raise PlanError(f"{wanted!r} cannot be chosen from {list(values)}")


def _span_keys(old: Span, new: Span) -> tuple[str, ...]:
    """Arrow keys that turn a token span into another: the end out first, then the start, then the end in."""
    (old_start, old_end), (new_start, new_end) = old, new
    keys = ["right"] * max(0, new_end - old_end)
    keys += ["shift+right"] * max(0, new_start - old_start) + ["shift+left"] * max(0, old_start - new_start)
    keys += ["left"] * max(0, old_end - new_end)
    return tuple(keys)


class Planner:
    """The next keys towards the target, read from where a review session stands."""

    def __init__(self, document: Document, schema: Schema, target: Target):
        self.schema = schema
        self.target = target
        self.text = document.text
        self.entities_by_id = {e.id: e for e in target.entities}
        self.events_by_id = {e.id: e for e in target.events}
        self.machine_entity_ids = {e.id for e in document.entities}
        self.machine_event_ids = {e.id for e in document.events}
        sentences = document.sentences
        self.entity_sentence = {e.id: sentence_of(sentences, e.start) for e in target.entities}
        self.event_sentence = {e.id: sentence_of(sentences, e.start) for e in target.events}
        self.unreachable: set[tuple[str, str, str, str]] = set()
        """(event id, role, argument words, entity words) of each target link no key could make."""
        self._unlinked: set[tuple[str, int]] = set()
        self.pairing: dict[int, tuple[str, int] | None] = {}
        """Each machine argument's target argument (event id, index), or None when it is to be rejected."""
        self._pair_arguments(document)
        self.paired_targets = {pair for pair in self.pairing.values() if pair is not None}

    # ------------------------------------------------------------------ pairing machine arguments with the target's

    def _pair_arguments(self, document: Document) -> None:
        """Pair each machine argument with the target argument it becomes: same values, same entity, else overlapping.

        First within its own event; an argument left over there may pair with a target
        argument of another event of its sentence, which it is then moved to.
        """
        free: dict[str, list[int]] = {e.id: list(range(len(e.arguments))) for e in self.target.events}
        left: list[tuple[Event, Argument]] = []
        for event in document.events:
            target = self.events_by_id.get(event.id)
            arguments = list(event.arguments)
            if target is None:
                self.pairing.update({a.pk: None for a in arguments if a.pk is not None})
                continue
            paired = self._pair(arguments, target, free[event.id])
            for argument in arguments:
                assert argument.pk is not None
                self.pairing[argument.pk] = paired.get(argument.pk)
                if argument.pk not in paired:
                    left.append((event, argument))
        sentences = document.sentences
        for event, argument in left:
            sentence = sentence_of(sentences, event.trigger_start)
            for other in self.target.events:
                if other.id == event.id or self.event_sentence[other.id] != sentence:
                    continue
                paired = self._pair([argument], other, free[other.id])
                if paired:
                    assert argument.pk is not None
                    self.pairing[argument.pk] = paired[argument.pk]
                    break

    def _pair(self, arguments: list[Argument], target: TargetEvent, free: list[int]) -> dict[int, tuple[str, int]]:
        paired: dict[int, tuple[str, int]] = {}
        for stage in ("same", "entity", "overlap"):
            for argument in arguments:
                if argument.pk in paired:
                    continue
                for index in free:
                    wanted = target.arguments[index]
                    start, end = argument.start or 0, argument.end or 0
                    if (
                        stage == "same" and (argument.role, start, end) == (wanted.role, wanted.start, wanted.end)
                        and argument.entity_id == target.entity_ids[index]
                        or stage == "entity" and argument.entity_id is not None
                        and argument.entity_id == target.entity_ids[index]
                        or stage == "overlap" and start < wanted.end and wanted.start < end
                    ):
                        assert argument.pk is not None
                        paired[argument.pk] = (target.id, index)
                        free.remove(index)
                        break
        return paired

    # ------------------------------------------------------------------ the next step

    def next_step(self, session: ReviewSession) -> Step | None:
        """The keys to press next, or None when the whole document equals the target and nothing is left to do."""
        view = session.view
        assert view is not None
        here = session.sentence_index
        work = self._work(view, here)
        if work.tasks:
            phase = min(task.phase for task in work.tasks)
            tasks = [task for task in work.tasks if task.phase == phase]
            task = min(tasks, key=lambda t: self._distance(session, t.rows))
            if task.rows and session.current_row not in task.rows:
                return self._go_to(session, task.rows)
            return Step(task.kind, task.keys, task.what)
        if work.accept_rows:
            if len(work.accept_rows) > 1 or self._distance(session, tuple(work.accept_rows)) > 0:
                return Step(ACCEPT, ("A", "y"), f"accept the rest of sentence {here}")
            return Step(ACCEPT, ("a",), f"accept the last candidate of sentence {here}")
        if view.needs_confirmation(here):
            return Step(CONFIRM, ("a",), f"confirm sentence {here} holds nothing")
        for sentence in range(len(view.document.sentences)):
            other = self._work(view, sentence)
            if other.tasks or other.accept_rows or view.needs_confirmation(sentence):
                if sentence < here:
                    raise PlanError(f"sentence {sentence} was left unfinished")
                return Step(NAVIGATE, ("g",), f"next work after sentence {here}")
        return None

    def _distance(self, session: ReviewSession, rows: tuple[Row, ...]) -> int:
        """Keys to put the cursor on one of the rows (0 when it is on one, or when any row will do)."""
        if not rows or session.current_row in rows:
            return 0
        return len(self._go_to(session, rows).keys)

    def _go_to(self, session: ReviewSession, rows: tuple[Row, ...]) -> Step:
        """The fewest keys to one of the rows: `j`/`k` down or up, or the row's letter hint after `'`."""
        hints = dict((row, hint) for hint, row in session.row_hints())
        best: tuple[str, ...] | None = None
        for row in rows:
            index = session.rows.index(row)
            step = index - session.cursor
            keys = ("j",) * step if step > 0 else ("k",) * -step
            jump = ("apostrophe", *hints[row])
            keys = keys if len(keys) <= len(jump) else jump
            if best is None or len(keys) < len(best):
                best = keys
        assert best is not None
        return Step(NAVIGATE, best, "cursor to a row")

    # ------------------------------------------------------------------ what a sentence still needs

    def _work(self, view: DocumentView, sentence: int) -> _SentenceWork:
        work = _SentenceWork()
        self._entity_work(view, sentence, work)
        if work.tasks and min(task.phase for task in work.tasks) < _EVENTS:
            return work  # arguments link to the entities as they will be: plan them once those are right
        for event in view.events_in.get(sentence, ()):
            self._event_work(view, sentence, event, work)
        for target in self.target.events:
            if self.event_sentence[target.id] == sentence and self._store_event(view, target) is None:
                work.tasks.append(self._add_event(view, sentence, target))
        return work

    def _entity_work(self, view: DocumentView, sentence: int, work: _SentenceWork) -> None:
        added = {}
        for entity in view.entities_in.get(sentence, ()):
            status = entity.review.status
            row = Row(TargetKind.ENTITY, entity.pk or 0, status)
            if status is Status.WITHDRAWN:
                continue
            if status is Status.ADDED:
                added[(*entity.final_span, entity.final("label"))] = entity
                continue
            wanted = self.entities_by_id.get(entity.id)
            if wanted is None:
                if status is Status.PENDING:
                    work.tasks.append(_Task(_REJECTS, REJECT, ("x",), f"reject entity {entity.id}", (row,)))
                elif status is not Status.REJECTED:
                    raise PlanError(f"entity {entity.id} was kept but the target has none")
                continue
            if status is Status.REJECTED:
                raise PlanError(f"entity {entity.id} was rejected but the target keeps it")
            if (*entity.final_span, entity.final("label")) != (wanted.start, wanted.end, wanted.label):
                work.tasks.append(self._fix_entity(view, sentence, row, entity, wanted))
            elif status is Status.PENDING:
                work.accept_rows.append(row)
        for wanted in self.target.entities:
            if wanted.id in self.machine_entity_ids or self.entity_sentence[wanted.id] != sentence:
                continue
            if added.pop((wanted.start, wanted.end, wanted.label), None) is None:
                work.tasks.append(self._add_entity(view, sentence, wanted))
        if added:
            raise PlanError(f"entities added that the target lacks: {sorted(added)}")

    def _event_work(self, view: DocumentView, sentence: int, event: Event, work: _SentenceWork) -> None:
        status = event.review.status
        if status is Status.WITHDRAWN:
            return
        row = Row(TargetKind.EVENT, event.pk or 0, status)
        rows = (row, *(Row(TargetKind.ARGUMENT, a.pk or 0, a.review.status, event.pk) for a in event.arguments
                       if a.review.status is not Status.WITHDRAWN))
        target = self._target_of(view, event)
        if target is None:
            if status is Status.PENDING:
                work.tasks.append(_Task(_REJECTS, REJECT, ("x",), f"reject event {event.id} with its arguments", (row,)))
            elif status is not Status.REJECTED:
                raise PlanError(f"event {event.id} was kept but the target has none")
            return
        if status is Status.REJECTED:
            raise PlanError(f"event {event.id} was rejected but the target keeps it")
        trigger = (event.final("trigger_start"), event.final("trigger_end"))
        if (event.final("type"), *trigger) != (target.type, target.start, target.end):
            work.tasks.append(self._fix_event(view, sentence, row, event, target))
        attributes = event.final("attributes") or {}
        for name, value in target.attributes.items():
            if attributes.get(name) != value:
                key = next(c.key for c in attribute_choices(self.schema, event) if (c.name, c.value) == (name, value))
                work.tasks.append(_Task(_EVENTS, ATTRIBUTE, ("t", key), f"{event.id} {name}: {value}", rows))
        if self._argument_work(view, sentence, event, target, rows, work) or status is Status.PENDING:
            work.accept_rows.append(row)

    def _argument_work(
        self, view: DocumentView, sentence: int, event: Event, target: TargetEvent, rows: tuple[Row, ...],
        work: _SentenceWork,
    ) -> bool:
        """Tasks for an event's arguments; True when one of them is right and still pending."""
        pending_right = False
        added: list[tuple[TargetArgument, Argument]] = []
        for argument in event.arguments:
            status = argument.review.status
            if status is Status.WITHDRAWN:
                continue
            row = Row(TargetKind.ARGUMENT, argument.pk or 0, status, event.pk)
            value = self._argument_value(view, argument)
            if status is Status.ADDED:
                added.append((value, argument))
                continue
            pair = self.pairing.get(argument.pk or 0)
            if pair is None:
                if status is Status.PENDING:
                    work.tasks.append(_Task(_REJECTS, REJECT, ("x",), f"reject {event.id} {value}", (row,)))
                elif status is not Status.REJECTED:
                    raise PlanError(f"argument {value} of {event.id} was kept but the target has none")
                continue
            if status is Status.REJECTED:
                raise PlanError(f"argument {value} of {event.id} was rejected but the target keeps it")
            event_id, index = pair
            if event_id != target.id:
                work.tasks.append(self._move_argument(view, row, event_id))
                continue
            wanted = self._wanted(target, index)
            if wanted.entity is not None and value.entity != wanted.entity:
                self._link_key(view, sentence, target, index, wanted.role)  # records a link no letter offers
                wanted = self._wanted(target, index)
            if value != wanted:
                work.tasks.append(self._fix_argument(view, sentence, row, value, target, index))
            elif status is Status.PENDING:
                pending_right = True
        for index in range(len(target.arguments)):
            if (target.id, index) in self.paired_targets:
                continue
            wanted = self._wanted(target, index)
            found = next((pair for pair in added if pair[0] == wanted), None)
            if found is not None:
                added.remove(found)
            else:
                work.tasks.append(self._add_argument(view, sentence, event, target, index, rows))
        if added:
            raise PlanError(f"arguments added to {event.id} that the target lacks: {[value for value, _ in added]}")
        return pending_right

    def _wanted(self, target: TargetEvent, index: int) -> TargetArgument:
        """A target argument as it can be reached: bare when its link was found unreachable."""
        wanted = target.arguments[index]
        if (target.id, index) in self._unlinked:
            return TargetArgument(wanted.role, wanted.start, wanted.end, None)
        return wanted

    def _argument_value(self, view: DocumentView, argument: Argument) -> TargetArgument:
        """An argument's final role, extent and linked entity's span, comparable with the target's."""
        extent = view.extent_of_argument(argument)
        assert extent is not None
        entity_id = argument.final("entity_id")
        entity = None if entity_id is None else view.entity_by_id(entity_id)
        return TargetArgument(argument.final("role"), *extent, None if entity is None else entity.final_span)

    def _target_of(self, view: DocumentView, event: Event) -> TargetEvent | None:
        if event.review.status is not Status.ADDED:
            return self.events_by_id.get(event.id)
        key = (event.final("type"), event.final("trigger_start"), event.final("trigger_end"))
        for target in self.target.events:
            if target.id not in self.machine_event_ids and (target.type, target.start, target.end) == key:
                return target
        raise PlanError(f"event added that the target lacks: {key}")

    def _store_event(self, view: DocumentView, target: TargetEvent) -> Event | None:
        for event in view.events_in.get(self.event_sentence[target.id], ()):
            if event.review.status in (Status.WITHDRAWN, Status.REJECTED):
                continue
            if self._target_of(view, event) is target:
                return event
        return None

    # ------------------------------------------------------------------ the keys of each correction

    def _tokens(self, view: DocumentView, sentence: int, start: int, end: int) -> Span:
        """The token span of a character span of a sentence; a span off the token boundaries cannot be reached."""
        span = requests.token_span(view, sentence, start, end)
        tokens = view.document.sentences[sentence].tokens
        if span is None or (tokens[span[0]][0], tokens[span[1] - 1][1]) != (start, end):
            raise PlanError(f"{self.text[start:end]!r} ({start}-{end}) is not on token boundaries of sentence {sentence}")
        return span

    def _pick(self, view: DocumentView, sentence: int, start: int, end: int) -> tuple[str, ...]:
        """Keys that pick a new span: the letters over its first token, then → for each further token."""
        first, last = self._tokens(view, sentence, start, end)
        hints = hint_labels(len(view.document.sentences[sentence].tokens))
        return (*hints[first], *["right"] * (last - first - 1))

    def _fix_entity(self, view: DocumentView, sentence: int, row: Row, entity: Entity, wanted: TargetEntity) -> _Task:
        request = requests.fix_request(view, row, self.schema)
        assert request is not None and request.span is not None
        keys = _span_keys(request.span, self._tokens(view, sentence, wanted.start, wanted.end))
        if entity.final("label") != wanted.label:
            keys += _value_keys(request.values, request.numbered, wanted.label)
        else:
            keys += ("enter",)
        what = f"fix {entity.id} {self.text[slice(*entity.final_span)]!r} -> {self.text[wanted.start:wanted.end]!r} {wanted.label}"
        return _Task(_FIX_ENTITIES, FIX_ENTITY, ("e", *keys), what, (row,))

    def _add_entity(self, view: DocumentView, sentence: int, wanted: TargetEntity) -> _Task:
        request = requests.add_entity_request(view, sentence, self.schema)
        keys = (*self._pick(view, sentence, wanted.start, wanted.end), *_value_keys(request.values, request.numbered, wanted.label))
        return _Task(_ADD_ENTITIES, ADD_ENTITY, ("n", *keys), f"add {self.text[wanted.start:wanted.end]!r} {wanted.label}")

    def _fix_event(self, view: DocumentView, sentence: int, row: Row, event: Event, target: TargetEvent) -> _Task:
        request = requests.fix_request(view, row, self.schema)
        assert request is not None and request.span is not None
        keys = _span_keys(request.span, self._tokens(view, sentence, target.start, target.end))
        if event.final("type") != target.type:
            keys += _value_keys(request.values, request.numbered, target.type)
        else:
            keys += ("enter",)
        return _Task(_EVENTS, FIX_EVENT, ("e", *keys), f"fix {event.id} -> {target.type}", (row,))

    def _add_event(self, view: DocumentView, sentence: int, target: TargetEvent) -> _Task:
        request = requests.add_event_request(view, sentence, self.schema)
        keys = (*self._pick(view, sentence, target.start, target.end), *_value_keys(request.values, request.numbered, target.type))
        return _Task(_EVENTS, ADD_EVENT, ("N", *keys), f"add {target.type} {self.text[target.start:target.end]!r}")

    def _link_key(self, view: DocumentView, sentence: int, target: TargetEvent, index: int, role: str) -> str | None:
        """The letter that links the target argument's entity under `role`; None (recorded) when no letter offers it."""
        wanted = target.arguments[index]
        assert wanted.entity is not None
        for choice in link_choices(view, sentence, role, self.schema):
            if view.entity(choice.entity_pk).final_span == wanted.entity:
                return choice.key
        self._unlinked.add((target.id, index))
        self.unreachable.add((
            target.id, wanted.role, self.text[wanted.start : wanted.end], self.text[wanted.entity[0] : wanted.entity[1]],
        ))
        return None

    def _fix_argument(
        self, view: DocumentView, sentence: int, row: Row, value: TargetArgument, target: TargetEvent, index: int,
    ) -> _Task:
        """One fix of an argument: arrows resize its extent, then a digit sets the role or a letter (re)links or unlinks.

        A role and a link both wrong take two fixes: the next one is planned from what the first left.
        """
        wanted = self._wanted(target, index)
        request = requests.fix_request(view, row, self.schema)
        assert request is not None and request.span is not None
        keys = _span_keys(request.span, self._tokens(view, sentence, wanted.start, wanted.end))
        if value.role != wanted.role:
            keys += _value_keys(request.values, request.numbered, wanted.role)
        elif value.entity != wanted.entity and wanted.entity is None:
            keys += (UNLINK_KEY,)
        elif value.entity != wanted.entity:
            letter = self._link_key(view, sentence, target, index, value.role)
            assert letter is not None, "an unreachable link is planned as a bare extent"
            keys += (letter,)
        else:
            keys += ("enter",)
        what = f"fix {target.id} {value} -> {wanted}"
        return _Task(_EVENTS, FIX_ARGUMENT, ("e", *keys), what, (row,))

    def _add_argument(
        self, view: DocumentView, sentence: int, event: Event, target: TargetEvent, index: int, rows: tuple[Row, ...],
    ) -> _Task:
        wanted = target.arguments[index]
        assert event.pk is not None
        roles = requests.add_argument_request(view, event.pk, self.schema).values
        keys = (*self._pick(view, sentence, wanted.start, wanted.end), *_value_keys(roles, None, wanted.role))
        link = None if wanted.entity is None else self._link_key(view, sentence, target, index, wanted.role)
        what = f"add to {target.id} {wanted.role} {self.text[wanted.start:wanted.end]!r}"
        return _Task(_EVENTS, ADD_ARGUMENT, ("r", *keys, link or "enter"), what, rows)

    def _move_argument(self, view: DocumentView, row: Row, event_id: str) -> _Task:
        assert row.event_pk is not None
        destination = self._store_event(view, self.events_by_id[event_id])
        if destination is None:
            raise PlanError(f"no event {event_id} to move an argument to yet")
        key = next(t.key for t in move_targets(view, row.event_pk) if t.event_pk == destination.pk)
        return _Task(_EVENTS, MOVE_ARGUMENT, ("M", key), f"move an argument to {event_id}", (row,))
