"""A synthetic news-like corpus in native JSONL, for tests and benchmarks."""

from __future__ import annotations

import random
from pathlib import Path

import orjson

WORDS = (
    "the ministry said forces were attacked near the border on monday while officials "
    "met reporters in the capital and denied that civilians had been killed by air strikes"
).split()
NAMES = [("Moscow", "GPE"), ("Lavrov", "PERSON"), ("Reuters", "ORG"), ("Hama", "GPE"), ("Kerry", "PERSON"),
         ("Free Syrian Army", "ORG"), ("Wednesday", "DATE"), ("Idlib", "GPE")]
TRIGGERS = [("attacked", "Conflict.Attack", "Attacker"), ("met", "Contact.Meet", "Entity"),
            ("killed", "Life.Die", "Victim")]


def make_document(index: int, rng: random.Random, entities_per_doc: int = 60, events_per_doc: int = 13,
                  args_per_event: int = 2) -> dict:
    """One document whose entities, events and arguments add up to about 100 candidates."""
    pieces: list[str] = []
    entities: list[dict] = []
    events: list[dict] = []
    sentences: list[dict] = []
    offset = 0
    sentence_tokens: list[list[int]] = []
    sentence_start = 0

    def add(word: str) -> tuple[int, int]:
        nonlocal offset
        if pieces and not pieces[-1].endswith("\n"):
            pieces.append(" ")
            offset += 1
        start = offset
        pieces.append(word)
        offset += len(word)
        for part_start, part in _split_tokens(start, word):
            sentence_tokens.append([part_start, part_start + len(part)])
        return start, offset

    def end_sentence() -> None:
        nonlocal offset, sentence_start
        start, end = add(".")
        sentences.append({"start": sentence_start, "end": end, "tokens": list(sentence_tokens)})
        sentence_tokens.clear()
        pieces.append("\n\n")
        offset += 2
        sentence_start = offset

    entity_budget = entities_per_doc
    event_budget = events_per_doc
    sentence_entities: list[str] = []
    while entity_budget > 0 or event_budget > 0:
        for _ in range(rng.randint(3, 6)):
            add(rng.choice(WORDS))
        if entity_budget > 0 or event_budget > 0:
            for _ in range(max(1, min(entity_budget, rng.randint(3, 6)))):
                name, label = rng.choice(NAMES)
                start, end = add(name)
                entity_id = f"T{len(entities) + 1}"
                entities.append({"id": entity_id, "start": start, "end": end, "label": label,
                                 "score": round(rng.random(), 3), "source": "synthetic"})
                sentence_entities.append(entity_id)
                entity_budget -= 1
                add(rng.choice(WORDS))
        if event_budget > 0 and sentence_entities:
            word, event_type, role = rng.choice(TRIGGERS)
            start, end = add(word)
            arguments = [{"role": role if i == 0 else "Place", "entity": rng.choice(sentence_entities)}
                         for i in range(args_per_event)]
            events.append({"id": f"E{len(events) + 1}", "type": event_type,
                           "trigger": {"start": start, "end": end}, "score": round(rng.random(), 3),
                           "source": "synthetic", "arguments": arguments})
            event_budget -= 1
        end_sentence()
        sentence_entities.clear()
    text = "".join(pieces).rstrip("\n")
    return {"id": f"doc-{index:06d}", "title": f"Synthetic report {index}", "text": text,
            "meta": {"source": "synthetic"}, "sentences": sentences, "entities": entities, "events": events}


def _split_tokens(start: int, word: str):
    position = start
    for part in word.split(" "):
        yield position, part
        position += len(part) + 1


def write_corpus(path: Path, documents: int, seed: int = 7, **sizes: int) -> int:
    """Write a synthetic corpus; return how many candidates it holds."""
    rng = random.Random(seed)
    candidates = 0
    with open(path, "wb") as handle:
        for index in range(documents):
            document = make_document(index, rng, **sizes)
            candidates += len(document["entities"]) + len(document["events"]) + sum(
                len(e["arguments"]) for e in document["events"]
            )
            handle.write(orjson.dumps(document) + b"\n")
    return candidates
