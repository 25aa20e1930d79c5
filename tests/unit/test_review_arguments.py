"""Arguments as extents, moving and copying them, shared triggers, event attributes and stable choices, without Textual."""

from __future__ import annotations

import pytest

from annotator.domain import SHARED_TRIGGER_WARNING, Status, TargetKind
from annotator.review.choices import UNLINK_KEY
from annotator.review.corrections import NO_EVENT
from annotator.review.editing import EditResult
from annotator.review.session import ReviewSession
from annotator.schema import load_schema
from annotator.store import Repository
from tests.unit.test_review_session import current_id, decided, import_documents, row_of, span

# One paragraph of two sentences (the pronoun "Its" refers to the Russia of the first),
# two attacks in the second sentence, and a last paragraph without any event.
TEXT = (
    "Russia denied it. Its jets struck rebels in Homs on Wednesday, and Russia bombed Homs again."
    "\n\nKerry met Lavrov."
)
ATTACKS = {
    "id": "a1",
    "text": TEXT,
    "entities": [
        {"id": "RU0", **span(TEXT, "Russia"), "label": "GPE"},
        {"id": "REB", **span(TEXT, "rebels"), "label": "ORG"},
        {"id": "HO0", **span(TEXT, "Homs"), "label": "GPE"},
        {"id": "WED", **span(TEXT, "Wednesday"), "label": "DATE"},
        {"id": "RU1", **span(TEXT, "Russia", 1), "label": "GPE"},
        {"id": "HO1", **span(TEXT, "Homs", 1), "label": "GPE"},
        {"id": "KER", **span(TEXT, "Kerry"), "label": "PERSON"},
        {"id": "LAV", **span(TEXT, "Lavrov"), "label": "PERSON"},
    ],
    "events": [
        {"id": "E1", "type": "Conflict.Attack", "trigger": span(TEXT, "struck"),
         "arguments": [{"role": "Target", "entity": "REB"}]},
        {"id": "E2", "type": "Conflict.Attack", "trigger": span(TEXT, "bombed"),
         "arguments": [{"role": "Place", "entity": "HO1"}]},
    ],
}


@pytest.fixture
def session(repository, tmp_path) -> ReviewSession:
    import_documents(repository, tmp_path, ATTACKS)
    opened = ReviewSession(repository, "ana", load_schema())
    opened.resume()
    return opened


def stored_event(repository: Repository, event_id: str):
    return next(e for e in repository.load_document("a1").events if e.id == event_id)


def extent_words(repository: Repository, argument) -> str:
    start, end = argument.final_span
    return repository.load_document("a1").text[start:end]


def token_of(session: ReviewSession, words: str) -> tuple[int, int]:
    start = TEXT.index(words)
    return start, start + len(words)


# ---------------------------------------------------------------------- arguments as extents


def test_an_argument_is_an_extent_added_to_the_event_of_the_sentence_whatever_row_the_cursor_is_on(session, repository):
    rebels = row_of(session, "REB")
    event_pk, request = session.add_argument_request(rebels)  # an entity row: the sentence's first event
    assert event_pk == row_of(session, "E1").pk
    assert request.pick_start and request.tokens == session.document.sentences[1].tokens
    assert request.values == ["Attacker", "Target", "Instrument", "Place", "Time"]  # the schema's order
    start, end = token_of(session, "Its jets")
    pk = session.add_argument(event_pk, "Attacker", start, end)
    added = stored_event(repository, "E1").arguments[-1]
    assert (added.pk, added.final("role"), extent_words(repository, added), added.final("entity_id")) == (
        pk, "Attacker", "Its jets", None,
    )
    assert added.review.status is Status.ADDED
    assert session.current_row.pk == pk
    assert session.add_argument_request(row_of(session, "E2.0"))[0] == row_of(session, "E2").pk


def test_adding_an_argument_where_the_sentence_has_no_event_says_so(session):
    assert session.add_argument_request(row_of(session, "KER")) is None
    assert session.last_message == NO_EVENT


def test_linking_offers_the_roles_allowed_labels_first_with_context_then_the_rest_of_the_document(session, repository):
    event_pk = row_of(session, "E1").pk
    time_choices = session.link_choices(event_pk, "Time")
    assert time_choices[0].entity_id == "WED"  # the one DATE first, though it comes fourth in the sentence
    attacker = session.link_choices(event_pk, "Attacker")
    # This sentence and the paragraph before it first, then later text (Kerry, Lavrov); the DATE last.
    assert [c.entity_id for c in attacker] == ["REB", "HO0", "RU1", "HO1", "RU0", "KER", "LAV", "WED"]
    assert UNLINK_KEY not in [c.key for c in attacker]
    homs = [c.description for c in attacker if c.entity_id in ("HO0", "HO1")]
    assert homs[0] != homs[1] and all("Homs  GPE" in d for d in homs)  # two "Homs" told apart by their context
    link = session.link_request(event_pk, "Attacker")
    assert link.skippable and [key for key, _ in link.choices] == [c.key for c in attacker]
    russia = next(c for c in attacker if c.entity_id == "RU0")  # "Its" refers to the Russia of the first sentence
    start, end = token_of(session, "Its")
    session.add_argument(event_pk, "Attacker", start, end, link=russia.key)
    added = stored_event(repository, "E1").arguments[-1]
    assert (extent_words(repository, added), added.final("entity_id")) == ("Its", "RU0")


def test_fixing_an_argument_resizes_its_extent_relinks_and_unlinks_it(session, repository):
    target = row_of(session, "E1.0")
    request = session.fix_request(target)
    assert request.span is not None and request.values[0] == "Attacker" and request.current_value == "Target"
    start, _ = token_of(session, "rebels")
    _, end = token_of(session, "rebels in Homs")
    assert session.apply_fix(target, EditResult(start=start, end=end))
    argument = stored_event(repository, "E1").arguments[0]
    assert (extent_words(repository, argument), argument.final("entity_id")) == ("rebels in Homs", "REB")
    assert (argument.start, argument.end) == tuple(token_of(session, "rebels"))  # the machine's extent kept beside it
    homs = next(c for c in session.link_choices(target.event_pk, "Target") if c.entity_id == "HO0")
    assert session.apply_fix(target, EditResult(choice=homs.key))
    assert stored_event(repository, "E1").arguments[0].final("entity_id") == "HO0"
    assert UNLINK_KEY in [key for key, _ in session.fix_request(target).choices]
    assert session.apply_fix(target, EditResult(choice=UNLINK_KEY))
    argument = stored_event(repository, "E1").arguments[0]
    assert (extent_words(repository, argument), argument.final("entity_id")) == ("rebels in Homs", None)
    assert session.apply_fix(target, EditResult(value="Place"))
    assert stored_event(repository, "E1").arguments[0].final("role") == "Place"
    assert decided(repository, "a1") == {"E1.0": Status.FIXED}


# ---------------------------------------------------------------------- moving, copying, merging


def test_an_argument_moves_and_copies_to_another_event_of_the_sentence(session, repository):
    place = row_of(session, "E2.0")
    targets = session.move_targets(place)
    assert [(t.key, t.event_pk) for t in targets] == [("a", row_of(session, "E1").pk)]
    assert "«struck»" in targets[0].description
    assert session.move_argument(place, targets[0].event_pk)
    assert [a.final("entity_id") for a in stored_event(repository, "E1").arguments] == ["REB", "HO1"]
    assert stored_event(repository, "E2").arguments == ()
    assert (session.current_row.kind, session.current_row.pk) == (TargetKind.ARGUMENT, place.pk)
    session.undo()
    assert [a.final("entity_id") for a in stored_event(repository, "E2").arguments] == ["HO1"]
    copy_pk = session.copy_argument(row_of(session, "E1.0"), row_of(session, "E2").pk)
    assert [a.pk for a in stored_event(repository, "E2").arguments][-1] == copy_pk
    assert [a.final("entity_id") for a in stored_event(repository, "E2").arguments] == ["HO1", "REB"]
    assert [a.final("entity_id") for a in stored_event(repository, "E1").arguments] == ["REB"]
    assert session.move_targets(row_of(session, "REB")) == []


def test_two_events_on_one_trigger_warn_until_they_are_merged(session, repository):
    e1 = row_of(session, "E1")
    assert session.trigger_warning(e1.pk) is None
    start, end = token_of(session, "struck")
    added = session.add_event(start, end, "Life.Injure")
    assert session.trigger_warning(e1.pk) == SHARED_TRIGGER_WARNING
    assert session.trigger_partners(e1.pk) == [added]
    assert SHARED_TRIGGER_WARNING in session.warnings(e1)
    assert session.merge_events(e1.pk, added)
    assert session.trigger_warning(e1.pk) is None
    assert stored_event(repository, "E1").review.status is not Status.REJECTED


def test_rejecting_an_event_rejects_its_pending_arguments_in_one_undo_step(session, repository):
    session.accept(row_of(session, "E2.0"))
    session.reject(row_of(session, "E2"))
    assert decided(repository, "a1") == {"E2": Status.REJECTED, "E2.0": Status.ACCEPTED}
    session.reject(row_of(session, "E1"))
    assert decided(repository, "a1") == {
        "E1": Status.REJECTED, "E1.0": Status.REJECTED, "E2": Status.REJECTED, "E2.0": Status.ACCEPTED,
    }
    session.undo()
    assert decided(repository, "a1") == {"E2": Status.REJECTED, "E2.0": Status.ACCEPTED}


# ---------------------------------------------------------------------- attributes


def test_every_attribute_value_has_one_key_of_its_own_so_setting_one_takes_two_keys(session, repository):
    e1 = row_of(session, "E1")
    choices = session.attribute_choices(e1)
    schema = load_schema()
    assert [(c.name, c.value) for c in choices] == [(n, v) for n, values in schema.attributes.items() for v in values]
    assert len({c.key for c in choices}) == len(choices)
    negative = next(c for c in choices if (c.name, c.value) == ("polarity", "negative"))
    assert negative.key == "n"
    assert session.set_attribute_by_key(row_of(session, "E1.0"), negative.key)  # from an argument: its event
    assert stored_event(repository, "E1").final("attributes")["polarity"] == "negative"
    assert "(now)" in next(c.label for c in session.attribute_choices(e1) if c.key == "n")
    added = session.add_event(*token_of(session, "denied"), "Justice.Arrest-Jail")
    assert session.set_attribute(session.current_row, "tense", "past")
    assert session.event(added).final("attributes")["tense"] == "past"


# ---------------------------------------------------------------------- stable choices


def test_labels_types_and_roles_keep_the_schemas_order_whatever_was_decided(session):
    schema = load_schema()
    labels = session.label_choices()
    assert labels[:9] == list(schema.digit_labels) and set(labels) >= set(schema.entity_labels)
    types = session.type_choices()
    assert types[:9] == list(schema.digit_types) and types[0] == "Conflict.Attack"
    entity_request = session.fix_request(row_of(session, "KER"))
    assert entity_request.values == labels and entity_request.numbered == 9
    event_request = session.fix_request(row_of(session, "E1"))
    assert event_request.values == types  # the current type is marked, not moved to the front
    for candidate in ("RU0", "REB", "HO0", "WED"):
        session.apply_fix(row_of(session, candidate), EditResult(value="PERSON"))
    assert session.label_choices() == labels
    assert session.fix_request(row_of(session, "E2")).values == types
    assert session.add_event_request().values == types and session.add_entity_request().values == labels
    assert session.role_choices(row_of(session, "E1").pk) == list(schema.roles_of("Conflict.Attack"))


def test_the_cursor_does_not_decide_what_add_argument_targets(session):
    session.select(TargetKind.ENTITY, row_of(session, "HO1").pk)
    assert current_id(session) == "HO1"
    assert session.add_argument_request(session.current_row)[0] == row_of(session, "E1").pk
