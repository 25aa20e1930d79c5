"""Each keystroke budget of the review screen, measured with Pilot; the database says what happened."""

from __future__ import annotations

import pytest

from annotator.domain import Status, TargetKind
from annotator.formats.native import read_native
from annotator.review.editing import DIGITS, HINT_LETTERS
from annotator.tui.app import AnnotatorApp

SIZE = (120, 36)


@pytest.fixture
def store_with_small(repository, small_file):
    repository.import_documents([d.document for d in read_native([small_file])])
    return repository


class Keys:
    """Presses keys through Pilot and counts them."""

    def __init__(self, pilot):
        self.pilot = pilot
        self.count = 0

    async def __call__(self, *keys: str) -> None:
        self.count += len(keys)
        await self.pilot.press(*keys)


def document(repository):
    return repository.load_document("d1")


def entity(repository, entity_id):
    return next(e for e in document(repository).entities if e.id == entity_id)


async def focus(app, pilot, kind, pk):
    screen = app.screen
    assert screen.session.focus_target(kind, pk)
    screen.refresh_view()
    await pilot.pause()


async def test_change_an_entity_label_in_at_most_three_keys(store_with_small):
    app = AnnotatorApp(store_with_small, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        await focus(app, pilot, TargetKind.ENTITY, entity(store_with_small, "T3").pk)
        labels = app.screen.session.label_choices(app.schema)
        keys = Keys(pilot)
        await keys("e", DIGITS[labels.index("LOC")])
        assert keys.count <= 3
    fixed = entity(store_with_small, "T3")
    assert (fixed.label, fixed.final("label"), fixed.review.status) == ("GPE", "LOC", Status.FIXED)


async def test_move_a_boundary_by_one_token_in_at_most_three_keys(store_with_small):
    app = AnnotatorApp(store_with_small, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        await focus(app, pilot, TargetKind.ENTITY, entity(store_with_small, "T6").pk)  # "New York" -> "New York on"
        keys = Keys(pilot)
        await keys("e", "right", "enter")
        assert keys.count <= 3
        await focus(app, pilot, TargetKind.ENTITY, entity(store_with_small, "T1").pk)
        await Keys(pilot)("e", "shift+right", "enter")  # start can't pass the end: stays one token
    text = document(store_with_small).text
    moved = entity(store_with_small, "T6")
    assert text[moved.final("start") : moved.final("end")] == "New York on"
    assert (moved.start, moved.end) == (53, 61)


async def test_change_an_event_type_in_at_most_three_keys(store_with_small):
    app = AnnotatorApp(store_with_small, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        attack = document(store_with_small).events[0]
        await focus(app, pilot, TargetKind.EVENT, attack.pk)
        types = app.screen.session.type_choices(app.schema, "Conflict.Attack")
        keys = Keys(pilot)
        await keys("e", DIGITS[types.index("Conflict.Demonstrate")])
        assert keys.count <= 3
    event = document(store_with_small).events[0]
    assert (event.type, event.final("type"), event.review.status) == ("Conflict.Attack", "Conflict.Demonstrate", Status.FIXED)


async def test_change_an_argument_role_and_entity_in_at_most_three_keys_each(store_with_small):
    app = AnnotatorApp(store_with_small, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        place = document(store_with_small).events[0].arguments[2]
        await focus(app, pilot, TargetKind.ARGUMENT, place.pk)
        roles = list(app.schema.roles_of("Conflict.Attack"))
        keys = Keys(pilot)
        await keys("e", DIGITS[roles.index("Target")])
        assert keys.count <= 3
        entities = [e.id for e in app.screen.session._sentence_entities()]
        keys = Keys(pilot)
        await keys("e", HINT_LETTERS[entities.index("T2")])
        assert keys.count <= 3
    argument = document(store_with_small).events[0].arguments[2]
    assert (argument.role, argument.entity_id) == ("Place", "T3")
    assert (argument.final("role"), argument.final("entity_id"), argument.review.status) == ("Target", "T2", Status.FIXED)


async def test_add_an_entity_of_k_tokens_in_at_most_k_plus_three_keys(store_with_small):
    app = AnnotatorApp(store_with_small, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right_square_bracket")  # "Kerry met Lavrov in New York on Wednesday."
        labels = app.screen.session.label_choices(app.schema)
        tokens = app.screen.session.sentence.tokens
        text = document(store_with_small).text
        start_token = next(i for i, (s, e) in enumerate(tokens) if text[s:e] == "on")
        keys = Keys(pilot)
        k = 2  # "on Wednesday"
        await keys("n", HINT_LETTERS[start_token], *["right"] * (k - 1), DIGITS[labels.index("DATE")])
        assert keys.count <= k + 3
    added = [e for e in document(store_with_small).entities if e.review.status is Status.ADDED]
    assert [(text[e.start : e.end], e.label) for e in added] == [("on Wednesday", "DATE")]


async def test_add_an_argument_in_at_most_four_keys(store_with_small):
    app = AnnotatorApp(store_with_small, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        meet = document(store_with_small).events[1]
        await focus(app, pilot, TargetKind.EVENT, meet.pk)
        roles = list(app.schema.roles_of("Contact.Meet"))
        entities = [e.id for e in app.screen.session._sentence_entities()]
        keys = Keys(pilot)
        await keys("n", DIGITS[roles.index("Place")], HINT_LETTERS[entities.index("T6")])
        assert keys.count <= 4
    added = document(store_with_small).events[1].arguments[-1]
    assert (added.role, added.entity_id, added.review.status) == ("Place", "T6", Status.ADDED)


async def test_undo_costs_one_key_and_flag_is_recorded(store_with_small):
    app = AnnotatorApp(store_with_small, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        assert entity(store_with_small, "T1").review.flagged
        keys = Keys(pilot)
        await keys("u")
        assert keys.count == 1
        assert not entity(store_with_small, "T1").review.flagged


async def test_escape_cancels_a_fix_without_a_decision(store_with_small):
    app = AnnotatorApp(store_with_small, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e", "right", "escape")
    assert store_with_small.decisions() == []


async def test_fix_an_event_trigger_span_and_add_an_event(store_with_small):
    app = AnnotatorApp(store_with_small, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        attack = document(store_with_small).events[0]
        await focus(app, pilot, TargetKind.EVENT, attack.pk)
        await pilot.press("e", "right", "enter")  # "attacked" -> "attacked ["
        await pilot.press("right_square_bracket")  # "Kerry met Lavrov in New York on Wednesday."
        tokens = app.screen.session.sentence.tokens
        text = document(store_with_small).text
        first = next(i for i, (s, e) in enumerate(tokens) if text[s:e] == "Wednesday")
        types = list(app.schema.events)
        await pilot.press("N", HINT_LETTERS[first], *"contact.phone", "enter")
    events = document(store_with_small).events
    fixed = events[0]
    assert text[fixed.final("trigger_start") : fixed.final("trigger_end")] == "attacked ["
    assert (fixed.trigger_start, fixed.trigger_end) == (7, 15)
    added = [e for e in events if e.review.status is Status.ADDED]
    assert [(e.type, text[e.trigger_start : e.trigger_end]) for e in added] == [("Contact.Phone-Write", "Wednesday")]
    assert "Contact.Phone-Write" in types
