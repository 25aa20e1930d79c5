"""The review screen's keys that correct and add: fix, add an entity, event or argument, move or copy an argument,
set an event's attributes, dismiss a warning or merge two events on one trigger, and decide in bulk after a preview.

Each key reads the row under the cursor when it is handled and keeps it: the dialog it
opens answers for that row, whatever a redraw does to the cursor meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable

from annotator.domain import TargetKind
from annotator.review.editing import DIGITS, HINT_LETTERS, EditRequest, EditResult
from annotator.review.session import BulkPreview, ReviewSession, Row
from annotator.schema import Schema
from annotator.tui import questions
from annotator.tui.questions import Scope
from annotator.tui.screens.bulk_preview import BulkPreviewScreen
from annotator.tui.screens.edit import EditScreen
from annotator.tui.screens.picker import PickerScreen, PickLine
from annotator.tui.screens.writes import StoreWrites

NOT_AN_ARGUMENT = "Put the cursor on an argument to move it (M), then pick its new event by letter."
NO_OTHER_EVENT = "No other event in this sentence to move this argument to: add one (N) first."
NOT_AN_EVENT = "Put the cursor on an event, or one of its arguments, to set the event's attributes."
NO_WARNING = "This row has no warning to dismiss."


class CorrectionKeys(StoreWrites):
    """Actions of the review screen that open a dialog, then record what it answered for the row they were keyed on.

    Every answer is written through `commit` and every dialog opened through `ask`, so a
    store that refuses or waits is handled in one place (see `writes`).
    """

    session: ReviewSession
    schema: Schema

    def _say(self, line: str) -> None:
        """Show a line on the message bar: why a key did nothing here."""
        self.session.last_message = line
        self.show_session()

    # ------------------------------------------------------------------ fixing and adding

    def action_fix(self) -> None:
        """Open the fix dialog for the candidate under the cursor; its answer fixes that candidate.

        On an argument, arrows resize its extent, a digit sets its role, a letter links it
        to an entity and `x` unlinks it.
        """
        row = self.session.current_row
        request = self.session.fix_request(row, self.schema)
        if row is None or request is None or not self.writable():
            return

        async def fixed(result: EditResult | None) -> None:
            if result is None:
                self.show_session()
            else:
                await self.commit(lambda: self.session.apply_fix(row, result), row)

        self.ask(EditScreen(request), fixed)

    def action_add_entity(self) -> None:
        """Add an entity in this sentence, whatever the row under the cursor: its first word, extent, then its label."""
        self._add_span(self.session.add_entity_request(self.schema), self.session.add_entity)

    def action_add_event(self) -> None:
        """Add an event in this sentence: its trigger span, then its type."""
        self._add_span(self.session.add_event_request(self.schema), self.session.add_event)

    def _add_span(self, request: EditRequest | None, add: Callable[[int, int, str], int]) -> None:
        """Ask for a span and a value; a complete answer adds the candidate with `add(start, end, value)`."""
        if request is None or not self.writable():
            return

        async def answered(result: EditResult | None) -> None:
            if result is None or result.value is None or result.start is None or result.end is None:
                self.show_session()
                return
            start, end, value = result.start, result.end, result.value
            await self.commit(lambda: add(start, end, value) is not None)

        self.ask(EditScreen(request), answered)

    def action_add_argument(self) -> None:
        """Add an argument to the current event (or the current argument's): its extent and role, then an optional link."""
        found = self.session.add_argument_request(self.session.current_row)
        if found is None:
            self.show_session()
            return
        if not self.writable():
            return
        event_pk, extent_request = found

        def placed(result: EditResult | None) -> None:
            if result is None or result.value is None or result.start is None or result.end is None:
                self.show_session()
                return
            role, start, end = result.value, result.start, result.end

            async def linked(chosen: EditResult | None) -> None:
                if chosen is None:
                    self.show_session()
                    return
                link = chosen.choice
                await self.commit(lambda: self.session.add_argument(event_pk, role, start, end, link=link) is not None)

            self.ask(EditScreen(self.session.link_request(event_pk, role)), linked)

        self.ask(EditScreen(extent_request), placed)

    # ------------------------------------------------------------------ arguments between events, attributes

    def action_move_argument(self) -> None:
        """Move the argument under the cursor to another event of the sentence (its letter), or copy it (the capital)."""
        row = self.session.current_row
        if row is None or row.kind is not TargetKind.ARGUMENT:
            self._say(NOT_AN_ARGUMENT)
            return
        targets = self.session.move_targets(row)
        if not targets:
            self._say(NO_OTHER_EVENT)
            return
        if not self.writable():
            return
        lines = [PickLine(t.description, ((t.key, "move"), (t.key.upper(), "copy"))) for t in targets]

        async def picked(key: str | None) -> None:
            target = next((t for t in targets if key is not None and t.key == key.lower()), None)
            if target is None or key is None:
                self.show_session()
            elif key == target.key:
                await self.commit(lambda: self.session.move_argument(row, target.event_pk))
            else:
                await self.commit(lambda: self.session.copy_argument(row, target.event_pk) is not None)

        argument = self.session.argument(row.event_pk, row.pk) if row.event_pk is not None else None
        role = argument.final("role") if argument is not None else "argument"
        self.ask(PickerScreen(f"Move this {role} to…", lines, "letter: move · capital: copy"), picked)

    def action_edit_attributes(self) -> None:
        """Set one attribute of the current event (or the current argument's event) with one key per value."""
        row = self.session.current_row
        choices = self.session.attribute_choices(row)
        event_pk = self.session.event_of(row)
        if not choices or event_pk is None:
            self._say(NOT_AN_EVENT)
            return
        if not self.writable():
            return
        event = self.session.event(event_pk)
        held = event.final("attributes") or {}
        lines: list[PickLine] = []
        for name in dict.fromkeys(c.name for c in choices):
            values = [c for c in choices if c.name == name]
            current = next((c.key for c in values if held.get(name) == c.value), "")
            lines.append(PickLine(name, tuple((c.key, c.value) for c in values), current))

        async def picked(key: str | None) -> None:
            if key is None:
                self.show_session()
            else:
                await self.commit(lambda: self.session.set_attribute_by_key(row, key))

        self.ask(PickerScreen(f"Attributes of {event.final('type')}", lines, "key: set that value"), picked)

    def action_dismiss_warning(self) -> None:
        """Dismiss one of the row's warnings where you know better (logged), or merge an event sharing this trigger."""
        row = self.session.current_row
        warnings = [] if row is None else self.session.warnings(row)
        partners = self.session.trigger_partners(row.pk) if row is not None and row.kind is TargetKind.EVENT else []
        if row is None or not (warnings or partners):
            self._say(NO_WARNING)
            return
        if not self.writable():
            return
        lines = [PickLine("dismiss" if i == 0 else "", ((key, text),)) for i, (key, text) in enumerate(zip(HINT_LETTERS, warnings))]
        merges = dict(zip(DIGITS, partners))
        for i, (digit, pk) in enumerate(merges.items()):
            other = self.session.event(pk)
            text = self.session.document.text if self.session.document else ""
            trigger = text[other.final("trigger_start") : other.final("trigger_end")]
            description = f"{other.final('type')} «{trigger}» ({len(other.arguments)} arguments) into this event"
            lines.append(PickLine("merge" if i == 0 else "", ((digit, description),)))
        answers = dict(zip(HINT_LETTERS, warnings))

        async def picked(key: str | None) -> None:
            if key in answers:
                warning = answers[key]
                await self.commit(lambda: self.session.dismiss_warning(row, warning))
            elif key in merges:
                other_pk = merges[key]
                await self.commit(lambda: self.session.merge_events(row.pk, other_pk))
            else:
                self.show_session()

        self.ask(PickerScreen("Dismiss a warning, or merge", lines), picked)

    # ------------------------------------------------------------------ bulk, previewed mention by mention

    def _preview(self, scopes: list[Scope] | str) -> None:
        """Show what a bulk key would decide, mention by mention; enter applies it to the ticked ones (one undo step)."""
        if isinstance(scopes, str):
            self._say(scopes)
            return
        if not self.writable():
            return

        async def answered(result: tuple[BulkPreview, list[Row]] | None) -> None:
            if result is None:
                self.show_session()
                return
            preview, exceptions = result

            def apply() -> int:
                count = self.session.apply_preview(preview, exceptions)
                if count and not self.session.last_message:
                    kept = f", {len(exceptions)} left as they were" if exceptions else ""
                    self.session.last_message = f"Decided {count} candidates in one undo step{kept}."
                return count

            await self.commit(apply)

        document = self.session.document
        self.ask(BulkPreviewScreen(scopes, document.id if document else ""), answered)

    def action_accept_rest(self) -> None:
        """Accept the pending candidates of this sentence, after a preview of each (one undo step)."""
        self._preview(questions.rest_of_sentence(self.session))

    def action_accept_label(self) -> None:
        """Accept every pending entity of this entity's label, or scoring at least its score, here or everywhere."""
        self._preview(questions.label_or_score(self.session, self.session.current_row))

    def action_apply_identical(self) -> None:
        """Give the pending mentions identical to this decided entity its decision ("accept", "ORG→GPE")."""
        self._preview(questions.identical_mentions(self.session, self.session.current_row))
