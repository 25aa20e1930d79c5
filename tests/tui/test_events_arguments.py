"""Events and arguments from the keyboard: add with keys that never depend on the row, fix an argument's extent
and link, move or copy an argument, merge two events on one trigger, set attributes; the database says what happened."""

from __future__ import annotations

from annotator.domain import SHARED_TRIGGER_WARNING, Status, TargetKind
from annotator.review.editing import DIGITS, HINT_LETTERS
from annotator.tui.screens.picker import PickerScreen
from annotator.tui.widgets.candidate_list import CandidateList
from tests.tui.conftest import TWO_EVENTS_TEXT as TEXT
from tests.tui.pilot import SIZE, show_candidate


def events(repository):
    return {e.id: e for e in repository.load_document("two").events}


def token(session, words: str) -> int:
    """The index of a token of the current sentence by its text."""
    text = session.document.text
    return next(i for i, (s, e) in enumerate(session.sentence.tokens) if text[s:e] == words)


def list_text(app) -> str:
    candidates = app.screen.query_one(CandidateList)
    return "\n".join(str(candidates.get_option_at_index(i).prompt) for i in range(candidates.option_count))


async def test_n_adds_an_entity_even_on_an_event_row_and_r_adds_an_argument(events_app, repository):
    async with events_app.run_test(size=SIZE) as pilot:
        session = events_app.screen.session
        attack = events(repository)["E1"]
        await show_candidate(pilot, TargetKind.EVENT, attack.pk)
        labels = session.label_choices()
        await pilot.press("n", HINT_LETTERS[token(session, "Homs")], DIGITS[labels.index("LOC")])
        added = [e for e in repository.load_document("two").entities if e.review.status is Status.ADDED]
        assert [(TEXT[e.start : e.end], e.label) for e in added] == [("Homs", "LOC")]
        assert len(events(repository)["E1"].arguments) == 3

        # On an argument row, `r` adds to that argument's event: "soldiers in Homs", a Target, left bare.
        await show_candidate(pilot, TargetKind.ARGUMENT, attack.arguments[0].pk)
        roles = session.role_choices(attack.pk)
        await pilot.press("r", HINT_LETTERS[token(session, "soldiers")], "right", "right", DIGITS[roles.index("Target")])
        await pilot.press("enter")
    new = events(repository)["E1"].arguments[-1]
    assert (new.role, new.entity_id, new.review.status) == ("Target", None, Status.ADDED)
    assert TEXT[new.start : new.end] == "soldiers in Homs"


async def test_fix_an_argument_resizes_its_extent_then_unlinks_and_relinks_it(events_app, repository):
    async with events_app.run_test(size=SIZE) as pilot:
        session = events_app.screen.session
        place = events(repository)["E1"].arguments[2]  # Place = Homs
        await show_candidate(pilot, TargetKind.ARGUMENT, place.pk)
        await pilot.press("e", "shift+left", "enter")  # "Homs" -> "in Homs"
        fixed = events(repository)["E1"].arguments[2]
        assert TEXT[fixed.final("start") : fixed.final("end")] == "in Homs" and fixed.final("entity_id") == "T3"
        await pilot.press("e", "x")  # unlink: the extent stays
        unlinked = events(repository)["E1"].arguments[2]
        assert unlinked.final("entity_id") is None and TEXT[unlinked.final("start") : unlinked.final("end")] == "in Homs"
        link = next(c.key for c in session.link_choices(events(repository)["E1"].pk, "Place") if c.entity_id == "T3")
        await pilot.press("e", link)
    relinked = events(repository)["E1"].arguments[2]
    assert (relinked.final("role"), relinked.final("entity_id"), relinked.review.status) == ("Place", "T3", Status.FIXED)
    assert (relinked.start, relinked.end) == (39, 43)  # the machine's extent stays beside the fix


async def test_move_an_argument_to_another_event_by_its_letter_and_copy_it_by_the_capital(events_app, repository):
    async with events_app.run_test(size=SIZE) as pilot:
        session = events_app.screen.session
        victim = events(repository)["E1"].arguments[1]  # a Victim belongs to the death, not the attack
        await show_candidate(pilot, TargetKind.ARGUMENT, victim.pk)
        await pilot.press("M")
        assert isinstance(events_app.screen, PickerScreen)
        targets = {t.event_pk: t.key for t in session.move_targets(session.current_row)}
        await pilot.press(targets[events(repository)["E2"].pk])
        assert [a.final("role") for a in events(repository)["E1"].arguments if a.review.status is not Status.REJECTED] == [
            "Attacker", "Place"]
        assert "Victim" in [a.final("role") for a in events(repository)["E2"].arguments]

        attacker = events(repository)["E1"].arguments[0]
        await show_candidate(pilot, TargetKind.ARGUMENT, attacker.pk)
        await pilot.press("M", targets[events(repository)["E2"].pk].upper())
    found = events(repository)
    assert [a.final("role") for a in found["E1"].arguments][0] == "Attacker"  # a copy leaves the original
    copied = [a for a in found["E2"].arguments if a.final("role") == "Attacker"]
    assert len(copied) == 1 and copied[0].final("entity_id") == "T1"


async def test_two_events_on_one_trigger_warn_on_the_card_and_w_merges_them(events_app, repository):
    async with events_app.run_test(size=SIZE) as pilot:
        die = events(repository)["E2"]
        await show_candidate(pilot, TargetKind.EVENT, die.pk)
        assert f"{SHARED_TRIGGER_WARNING} (w: merge)" in list_text(events_app)
        await pilot.press("w", "1")  # the first (only) event sharing the trigger, merged into this one
        assert SHARED_TRIGGER_WARNING not in list_text(events_app)
    found = events(repository)
    assert found["E3"].review.status is Status.REJECTED
    kept = [(a.final("role"), a.final("entity_id")) for a in found["E2"].arguments if a.review.status is not Status.REJECTED]
    assert ("Target", "T2") in kept and ("Place", "T3") in kept


async def test_attributes_are_set_with_one_key_per_value_and_shown_on_the_card(events_app, repository):
    async with events_app.run_test(size=SIZE) as pilot:
        attack = events(repository)["E1"]
        await show_candidate(pilot, TargetKind.EVENT, attack.pk)
        await pilot.press("t", "n")  # polarity: negative
        assert "negative" in list_text(events_app)
        await show_candidate(pilot, TargetKind.ARGUMENT, attack.arguments[0].pk)
        await pilot.press("t", "o", "t", "t")  # on an argument: its event's modality other, tense past
        card = next(line for line in list_text(events_app).splitlines() if "«attacked»" in line)
        assert "negative · other · past" in card
    attributes = events(repository)["E1"].final("attributes")
    assert (attributes["polarity"], attributes["modality"], attributes["tense"]) == ("negative", "other", "past")


async def test_keys_that_need_an_event_or_argument_say_so_elsewhere(events_app, repository):
    async with events_app.run_test(size=SIZE) as pilot:
        first = repository.load_document("two").entities[0]
        await show_candidate(pilot, TargetKind.ENTITY, first.pk)
        for key, words in (("M", "on an argument"), ("t", "on an event")):
            await pilot.press(key)
            assert words in str(events_app.screen.query_one("#message").render())
    assert repository.decisions() == []
