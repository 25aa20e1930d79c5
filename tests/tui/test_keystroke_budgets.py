"""Each keystroke budget of the review screen, measured with Pilot; the database says what happened.

A budget is checked against the key events the app itself received (a message hook logs
each key once, as it arrives), not against the list the test typed, and the review
screen must be back on top: the work was done within the keys counted.
"""

from __future__ import annotations

from annotator.domain import Status, TargetKind
from annotator.review.editing import DIGITS, HINT_LETTERS
from annotator.tui.screens.review import ReviewScreen
from tests.tui.pilot import SIZE, KeyLog, show_candidate


def document(repository):
    return repository.load_document("d1")


def entity(repository, entity_id):
    return next(e for e in document(repository).entities if e.id == entity_id)


async def within_budget(pilot, log: KeyLog, budget: int, *keys: str) -> list[str]:
    """Press keys; assert the app received at most `budget` of them and is back on the review screen."""
    mark = log.mark()
    await pilot.press(*keys)
    await pilot.pause()
    received = log.since(mark)
    assert received, "no key reached the app"
    assert len(received) <= budget, f"{len(received)} keys ({' '.join(received)}), budget {budget}"
    assert isinstance(pilot.app.screen, ReviewScreen), "the edit was not finished within the keys counted"
    return received


async def test_change_an_entity_label_in_at_most_three_keys(small_app, small_store):
    log = KeyLog()
    async with small_app.run_test(size=SIZE, message_hook=log) as pilot:
        await show_candidate(pilot, TargetKind.ENTITY, entity(small_store, "T3").pk)
        labels = small_app.screen.session.label_choices(small_app.schema)
        await within_budget(pilot, log, 3, "e", DIGITS[labels.index("LOC")])
    fixed = entity(small_store, "T3")
    assert (fixed.label, fixed.final("label"), fixed.review.status) == ("GPE", "LOC", Status.FIXED)


async def test_move_a_boundary_by_one_token_in_at_most_three_keys(small_app, small_store):
    log = KeyLog()
    async with small_app.run_test(size=SIZE, message_hook=log) as pilot:
        await show_candidate(pilot, TargetKind.ENTITY, entity(small_store, "T6").pk)  # "New York" -> "New York on"
        await within_budget(pilot, log, 3, "e", "right", "enter")
        await show_candidate(pilot, TargetKind.ENTITY, entity(small_store, "T1").pk)
        await pilot.press("e", "shift+right", "enter")  # the start can't pass the end: stays one token
    text = document(small_store).text
    moved = entity(small_store, "T6")
    assert text[moved.final("start") : moved.final("end")] == "New York on"
    assert (moved.start, moved.end) == (53, 61)


async def test_change_an_event_type_in_at_most_three_keys(small_app, small_store):
    log = KeyLog()
    async with small_app.run_test(size=SIZE, message_hook=log) as pilot:
        attack = document(small_store).events[0]
        await show_candidate(pilot, TargetKind.EVENT, attack.pk)
        types = small_app.screen.session.type_choices()
        await within_budget(pilot, log, 3, "e", DIGITS[types.index("Conflict.Demonstrate")])
    event = document(small_store).events[0]
    assert (event.type, event.final("type"), event.review.status) == ("Conflict.Attack", "Conflict.Demonstrate", Status.FIXED)


async def test_change_an_argument_role_and_entity_in_at_most_three_keys_each(small_app, small_store):
    log = KeyLog()
    async with small_app.run_test(size=SIZE, message_hook=log) as pilot:
        attack = document(small_store).events[0]
        await show_candidate(pilot, TargetKind.ARGUMENT, attack.arguments[2].pk)
        roles = small_app.screen.session.role_choices(attack.pk)
        await within_budget(pilot, log, 3, "e", DIGITS[roles.index("Target")])
        links = small_app.screen.session.link_choices(attack.pk, "Target")
        await within_budget(pilot, log, 3, "e", next(c.key for c in links if c.entity_id == "T2"))
    argument = document(small_store).events[0].arguments[2]
    assert (argument.role, argument.entity_id) == ("Place", "T3")
    assert (argument.final("role"), argument.final("entity_id"), argument.review.status) == ("Target", "T2", Status.FIXED)


async def test_add_an_entity_of_k_tokens_in_at_most_k_plus_three_keys(small_app, small_store):
    log = KeyLog()
    async with small_app.run_test(size=SIZE, message_hook=log) as pilot:
        await pilot.press("right_square_bracket")  # "Kerry met Lavrov in New York on Wednesday."
        labels = small_app.screen.session.label_choices(small_app.schema)
        tokens = small_app.screen.session.sentence.tokens
        text = document(small_store).text
        start_token = next(i for i, (s, e) in enumerate(tokens) if text[s:e] == "on")
        k = 2  # "on Wednesday"
        await within_budget(
            pilot, log, k + 3, "n", HINT_LETTERS[start_token], *["right"] * (k - 1), DIGITS[labels.index("DATE")],
        )
    added = [e for e in document(small_store).entities if e.review.status is Status.ADDED]
    assert [(text[e.start : e.end], e.label) for e in added] == [("on Wednesday", "DATE")]


async def test_add_an_argument_of_k_tokens_in_at_most_k_plus_three_keys(small_app, small_store):
    log = KeyLog()
    async with small_app.run_test(size=SIZE, message_hook=log) as pilot:
        meet = document(small_store).events[1]
        await show_candidate(pilot, TargetKind.EVENT, meet.pk)
        session = small_app.screen.session
        roles = session.role_choices(meet.pk)
        tokens = session.sentence.tokens
        text = document(small_store).text
        first = next(i for i, (s, e) in enumerate(tokens) if text[s:e] == "New")
        link = next(c.key for c in session.link_choices(meet.pk, "Place") if c.entity_id == "T6")
        k = 2  # "New York": its first word, one step right, the role's digit, the entity's letter
        await within_budget(pilot, log, k + 3, "n", HINT_LETTERS[first], "right", DIGITS[roles.index("Place")], link)
    added = document(small_store).events[1].arguments[-1]
    assert (added.role, added.entity_id, added.review.status) == ("Place", "T6", Status.ADDED)
    assert text[added.start : added.end] == "New York"


async def test_undo_costs_one_key_and_flag_is_recorded(small_app, small_store):
    log = KeyLog()
    async with small_app.run_test(size=SIZE, message_hook=log) as pilot:
        await pilot.press("f")
        assert entity(small_store, "T1").review.flagged
        await within_budget(pilot, log, 1, "u")
        assert not entity(small_store, "T1").review.flagged


async def test_escape_cancels_a_fix_without_a_decision(small_app, small_store):
    async with small_app.run_test(size=SIZE) as pilot:
        await pilot.press("e", "right", "escape")
    assert small_store.decisions() == []


async def test_fix_an_event_trigger_span_and_add_an_event(small_app, small_store):
    async with small_app.run_test(size=SIZE) as pilot:
        attack = document(small_store).events[0]
        await show_candidate(pilot, TargetKind.EVENT, attack.pk)
        await pilot.press("e", "right", "enter")  # "attacked" -> "attacked ["
        await pilot.press("right_square_bracket")  # "Kerry met Lavrov in New York on Wednesday."
        tokens = small_app.screen.session.sentence.tokens
        text = document(small_store).text
        first = next(i for i, (s, e) in enumerate(tokens) if text[s:e] == "Wednesday")
        types = list(small_app.schema.events)
        await pilot.press("N", HINT_LETTERS[first], *"contact.phone", "enter")
    events = document(small_store).events
    fixed = events[0]
    assert text[fixed.final("trigger_start") : fixed.final("trigger_end")] == "attacked ["
    assert (fixed.trigger_start, fixed.trigger_end) == (7, 15)
    added = [e for e in events if e.review.status is Status.ADDED]
    assert [(e.type, text[e.trigger_start : e.trigger_end]) for e in added] == [("Contact.Phone-Write", "Wednesday")]
    assert "Contact.Phone-Write" in types
