"""Each keystroke budget of the review screen, measured with Pilot; the database says what happened.

A budget is checked against the key events the app itself received (a message hook logs
each key once, as it arrives), not against the list the test typed, and the review
screen must be back on top: the work was done within the keys counted.
"""

from __future__ import annotations

from annotator.domain import Status, TargetKind
from annotator.review.editing import DIGITS, HINT_LETTERS, hint_labels
from annotator.tui.screens.review import ReviewScreen
from tests.tui.conftest import DEMO_DOCUMENT
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
        await within_budget(pilot, log, k + 3, "r", HINT_LETTERS[first], "right", DIGITS[roles.index("Place")], link)
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


async def test_add_an_argument_extent_of_k_tokens_in_a_long_sentence_in_at_most_k_plus_four_keys(demo_app, demo_store):
    log = KeyLog()
    async with demo_app.run_test(size=SIZE, message_hook=log) as pilot:
        session = demo_app.screen.session
        session.goto_sentence(6)  # "Russian jets began bombing territories held by Syrian opposition forces …": 31 tokens
        bombing = next(e for e in session.events_in[6] if session.document.text[e.trigger_start : e.trigger_end] == "bombing")
        await show_candidate(pilot, TargetKind.EVENT, bombing.pk)
        text = session.document.text
        tokens = session.sentence.tokens
        assert len(tokens) > len(HINT_LETTERS)  # every hint is two letters: the worst case
        first = next(i for i, (s, e) in enumerate(tokens) if text[s:e] == "Syrian")
        hint = hint_labels(len(tokens))[first]
        roles = session.role_choices(bombing.pk)
        k = 3  # "Syrian opposition forces": two hint letters, two steps right, the role's digit, enter for no link
        await within_budget(pilot, log, k + 4, "r", *hint, "right", "right", DIGITS[roles.index("Target")], "enter")
    added = next(e for e in demo_store.load_document(DEMO_DOCUMENT).events if e.pk == bombing.pk).arguments[-1]
    assert (added.role, added.entity_id, added.review.status) == ("Target", None, Status.ADDED)
    assert text[added.start : added.end] == "Syrian opposition forces"


async def test_move_an_argument_in_at_most_three_keys(events_app, repository):
    log = KeyLog()
    async with events_app.run_test(size=SIZE, message_hook=log) as pilot:
        found = {e.id: e for e in repository.load_document("two").events}
        await show_candidate(pilot, TargetKind.ARGUMENT, found["E1"].arguments[1].pk)  # the attack's Victim
        session = events_app.screen.session
        key = next(t.key for t in session.move_targets(session.current_row) if t.event_pk == found["E2"].pk)
        await within_budget(pilot, log, 3, "M", key)
    found = {e.id: e for e in repository.load_document("two").events}
    assert [a.final("role") for a in found["E2"].arguments].count("Victim") == 1
    assert "Victim" not in [a.final("role") for a in found["E1"].arguments if a.review.status is not Status.REJECTED]


async def test_set_an_attribute_in_at_most_two_keys(events_app, repository):
    log = KeyLog()
    async with events_app.run_test(size=SIZE, message_hook=log) as pilot:
        attack = repository.load_document("two").events[0]
        await show_candidate(pilot, TargetKind.EVENT, attack.pk)
        await within_budget(pilot, log, 2, "t", "g")  # genericity: generic
    assert repository.load_document("two").events[0].final("attributes")["genericity"] == "generic"


async def test_reject_an_event_with_its_pending_arguments_in_one_key_and_one_undo(small_app, small_store):
    log = KeyLog()
    async with small_app.run_test(size=SIZE, message_hook=log) as pilot:
        attack = document(small_store).events[0]
        await show_candidate(pilot, TargetKind.ARGUMENT, attack.arguments[0].pk)
        await pilot.press("a")  # one argument decided before: the event's rejection leaves it as it is
        await show_candidate(pilot, TargetKind.EVENT, attack.pk)
        await within_budget(pilot, log, 1, "x")
        event = document(small_store).events[0]
        assert event.review.status is Status.REJECTED
        assert [a.review.status for a in event.arguments] == [Status.ACCEPTED, Status.REJECTED, Status.REJECTED]
        await within_budget(pilot, log, 1, "u")
    event = document(small_store).events[0]
    assert event.review.status is Status.PENDING
    assert [a.review.status for a in event.arguments] == [Status.ACCEPTED, Status.PENDING, Status.PENDING]
