"""Rule-based event pre-extraction on a parsed spaCy Doc.

Triggers come from the schema's lexicon and must pass their use conditions
(`annotator.nlp.triggers`); arguments come from the dependency parse
(`annotator.nlp.arguments`); polarity, modality, tense and genericity from the cues
around the trigger (`annotator.nlp.attributes`). Negated and hypothetical events are
kept and marked, never dropped.

Scores are rule confidences, not probabilities: a trigger scores by its kind
(verb or noun, single or multiword); an argument by the strength of its cue
(core syntactic slot > preposition > bare phrase).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.nlp.arguments import ArgumentFinder, FoundArgument
from annotator.nlp.attributes import AttributeRules
from annotator.nlp.sharing import shared_times
from annotator.nlp.triggers import TriggerFinder
from annotator.schema import Schema

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

__all__ = ["EventRules", "FoundArgument", "FoundEvent"]


@dataclass(frozen=True)
class FoundEvent:
    """An event found in one Doc, with Doc-relative character offsets."""

    type: str
    start_char: int
    end_char: int
    score: float
    arguments: tuple[FoundArgument, ...]
    attributes: dict[str, Any]


class EventRules:
    """Finds schema events in parsed Docs."""

    def __init__(self, vocab: Vocab, schema: Schema):
        self.schema = schema
        self.triggers = TriggerFinder(vocab, schema)
        # Nouns that name events: such a noun is an event, not a participant ("the air strikes").
        lemmas = frozenset(
            entry.partition(":")[0].lower().split()[-1]
            for event_type in schema.events.values()
            for entry in event_type.triggers
            if entry.partition(":")[2] in ("", "NOUN")
        )
        self.arguments = ArgumentFinder(schema, lemmas)
        self.attributes = AttributeRules(schema)

    def __call__(self, doc: Doc) -> list[FoundEvent]:
        """Events in a parsed Doc whose `ents` are set."""
        entity_of_token = {token.i: index for index, entity in enumerate(doc.ents) for token in entity}
        triggers = self.triggers(doc, entity_of_token)
        trigger_tokens = {t.i: trigger.event_type.name for trigger in triggers for t in trigger.span}
        events = []
        found = shared_times([t.span.root for t in triggers], [t.event_type for t in triggers],
                             [self.arguments(doc, t, entity_of_token, trigger_tokens) for t in triggers])
        for trigger, arguments in zip(triggers, found):
            head = trigger.span.root
            if ArgumentFinder.clausal(head):
                score = 0.75
            else:
                score = 0.7 if trigger.multiword else 0.55
            # "pleaded guilty": a multiword trigger whose condition names the words of its span
            words = [t for t in trigger.span if t.lemma_.lower() in trigger.condition.span_words] or list(trigger.span)
            if head.pos_ == "VERB" and words[-1].i + 1 < len(doc) and (after := doc[words[-1].i + 1]).head == head and (
                    after.dep_ == "prt" or after.dep_ == "advmod" and after.lower_ == "back" and trigger.event_type.name.startswith(
                        ("Movement.", "Conflict.", "Transaction."))):  # not "arrested back in 2015"
                words.append(after)  # a phrasal verb is one trigger with its particle: "brought back", "hit back"
            events.append(FoundEvent(
                trigger.event_type.name, words[0].idx, words[-1].idx + len(words[-1]), score,
                tuple(arguments), self.attributes(head),
            ))
        return events
