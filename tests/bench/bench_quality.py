"""Extraction quality on the hand-annotated news articles, the DEV and HELD-OUT halves apart.

Run: python -m tests.bench.bench_quality [--model NAME] [--split dev|held-out|all]

The split of each article comes from the SPLIT column of tests/gold/news/SOURCES.md; the
annotations are the native JSONL files in tests/gold/ (a document whose id is not an article
listed there, such as the seed, is left out). Each annotated text goes through the same
extraction as `annotator extract` and is scored with `annotator.evaluate` (exact spans).

Printed per split, per event type and overall: trigger precision and recall (span and type),
argument precision and recall (trigger span, role and extent), the share of correctly found
events that have at least one correct argument (and, for information, both argument figures with
extents that only overlap), and entity precision, recall and F1 beside
those of the bare model (`nlp(text).ents` on the whole text, no annotator rules).
Targets on HELD-OUT: trigger precision >= 0.85, argument precision >= 0.75, >= 80% of correct
events with a correct argument, entity F1 >= the bare model's. Only the HELD-OUT figures count;
its articles are measured, never tuned on, so nothing per article is printed. Where some held-out
articles were annotated twice (tests/gold/second/), the second annotation is scored against the
first beside the extractor: how far two people agree under exact-match scoring.
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from pathlib import Path

from annotator.domain import Document, Entity
from annotator.evaluate import Score, items, score
from annotator.formats.native import read_native
from annotator.nlp.extract import Extractor, load_pipeline

ROOT = Path(__file__).resolve().parents[2]
GOLD_DIR = ROOT / "tests" / "gold"
SOURCES = GOLD_DIR / "news" / "SOURCES.md"
SECOND_DIR = GOLD_DIR / "second"  # a second annotation of some held-out articles
SPLITS = ("dev", "held-out")


def article_splits(sources: Path = SOURCES) -> dict[str, str]:
    """Article id (file name without .txt) → its split, read from the table in SOURCES.md."""
    found: dict[str, str] = {}
    columns: list[str] | None = None
    for line in sources.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            columns = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        lowered = [cell.lower() for cell in cells]
        if "split" in lowered and "file" in lowered:
            columns = lowered
            continue
        if columns is None or set(cells[0]) <= set("-: "):
            continue
        row = dict(zip(columns, cells))
        if row.get("split") in SPLITS and row.get("file", "").endswith(".txt"):
            found[row["file"][: -len(".txt")]] = row["split"]
    return found


def gold_documents(split: str) -> list[Document]:
    """The annotated documents of one split, from every native file in tests/gold/."""
    wanted = {article for article, which in article_splits().items() if which == split}
    documents = []
    for path in sorted(GOLD_DIR.glob("*.jsonl")):
        documents.extend(record.document for record in read_native([path]) if record.document.id in wanted)
    return documents


def gold_batches(split: str) -> dict[str, list[str]]:
    """The article ids of one split by the gold file that annotates them, a round's "-a", "-b", … parts together."""
    wanted = {article for article, which in article_splits().items() if which == split}
    found: dict[str, list[str]] = {}
    for path in sorted(GOLD_DIR.glob("*.jsonl")):
        batch = re.sub(r"-[a-z]$", "", path.name.split(".")[0])  # one round's annotators: "-a", "-b", …
        ids = [record.document.id for record in read_native([path]) if record.document.id in wanted]
        if ids:
            found.setdefault(batch, []).extend(ids)
    return found


def bare_entities(model: str | None, documents: list[Document]) -> list[Document]:
    """The documents with the bare model's entities of the whole text, and nothing else."""
    nlp = load_pipeline(model)
    result = []
    for document, doc in zip(documents, nlp.pipe(d.text for d in documents)):
        entities = tuple(Entity(f"T{i + 1}", e.start_char, e.end_char, e.label_) for i, e in enumerate(doc.ents))
        result.append(Document(document.id, document.text, entities=entities))
    return result


def by_type(gold: list[Document], predicted: list[Document]) -> dict[str, dict[str, Score]]:
    """Trigger and argument scores per event type (an argument counts under its event's type)."""
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: {"triggers": [0, 0, 0], "arguments": [0, 0, 0]})
    gold_items = [items(d) for d in gold]
    predicted_items = [items(d) for d in predicted]
    for slot, documents in ((2, gold_items), (1, predicted_items)):
        for found in documents:
            types = trigger_types(found["triggers"])
            for trigger in found["triggers"]:
                counts[trigger[3]]["triggers"][slot] += 1
            for argument in found["arguments"]:
                counts[types[argument[:3]]]["arguments"][slot] += 1
    all_gold = [set().union(*(g[kind] for g in gold_items)) for kind in ("triggers", "arguments")]
    for found in predicted_items:
        types = trigger_types(found["triggers"])
        for trigger in found["triggers"] & all_gold[0]:
            counts[trigger[3]]["triggers"][0] += 1
        for argument in found["arguments"] & all_gold[1]:
            counts[types[argument[:3]]]["arguments"][0] += 1
    return {event_type: {kind: Score(*numbers) for kind, numbers in kinds.items()} for event_type, kinds in counts.items()}


def trigger_types(triggers: set[tuple]) -> dict[tuple, str]:
    """Trigger span → event type; where two events share a span, the first type in sorted order, so that
    an argument (which names its trigger's span, not its type) is counted under the same type in every run."""
    types: dict[tuple, str] = {}
    for doc_id, start, end, event_type in sorted(triggers):
        types.setdefault((doc_id, start, end), event_type)
    return types


def events_with_an_argument(gold: list[Document], predicted: list[Document]) -> tuple[int, int, int]:
    """(correct events with at least one correct argument, correct events, correct events the gold gives an argument)."""
    with_argument = correct = arguable = 0
    for g, p in zip(gold, predicted):
        gold_items, predicted_items = items(g), items(p)
        correct_arguments = {a[:3] for a in predicted_items["arguments"] & gold_items["arguments"]}
        gold_arguments = {a[:3] for a in gold_items["arguments"]}
        for trigger in predicted_items["triggers"] & gold_items["triggers"]:
            correct += 1
            arguable += trigger[:3] in gold_arguments
            with_argument += trigger[:3] in correct_arguments
    return with_argument, correct, arguable


def overlapping_arguments(gold: list[Document], predicted: list[Document]) -> tuple[int, int, int]:
    """(predicted arguments whose extent overlaps a gold one of the same trigger and role, predicted arguments,
    correct events with at least one such argument): exact match less the extent's boundaries, which two
    annotators draw differently more often than anything else ("the coalition" or "coalition")."""
    matched = predicted_count = with_argument = 0
    for g, p in zip(gold, predicted):
        gold_items, predicted_items = items(g), items(p)
        spans: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
        for argument in gold_items["arguments"]:
            spans[argument[:4]].append(argument[4:6])
        near = {a for a in predicted_items["arguments"] if any(s < a[5] and a[4] < e for s, e in spans[a[:4]])}
        matched += len(near)
        predicted_count += len(predicted_items["arguments"])
        near_triggers = {a[:3] for a in near}  # counted per event, as events_with_an_argument counts them
        with_argument += sum(t[:3] in near_triggers for t in predicted_items["triggers"] & gold_items["triggers"])
    return matched, predicted_count, with_argument


def targets(right_triggers: int, triggers: int, right_arguments: int, arguments: int, with_argument: int, correct: int,
            entity_f1: float, bare_f1: float) -> list[str]:
    """The issue's four targets, each with its figure to four decimals, so that rounding never shows one met that is not
    (563/751 = 0.7497 prints as 0.75 to two)."""
    def line(name: str, part: int, whole: int, target: float) -> str:
        value = part / whole if whole else 0.0
        return f"target {name}: {part}/{whole} = {value:.4f}, >= {target}: {'met' if value >= target else 'NOT met'}"

    return [
        line("trigger precision", right_triggers, triggers, 0.85),
        line("argument precision", right_arguments, arguments, 0.75),
        line("correct events with >= 1 correct argument", with_argument, correct, 0.80),
        f"target entity F1 >= bare: {entity_f1:.4f} against {bare_f1:.4f}: {'met' if entity_f1 >= bare_f1 else 'NOT met'}",
    ]


def measure(split: str, extractor: Extractor, model: str | None) -> dict[str, float]:
    """Print and return the figures of one split."""
    gold = gold_documents(split)
    print(f"\n== {split.upper()}: {len(gold)} annotated articles ({', '.join(d.id[:3] for d in gold) or 'none yet'})")
    if not gold:
        return {}
    predicted = list(extractor.extract([Document(d.id, d.text, d.title, dict(d.meta)) for d in gold]))
    overall = score(gold, predicted)
    bare = score(gold, bare_entities(model, gold))["entities"]
    print(f"{'event type':32} {'trig P':>6} {'trig R':>6} {'pred':>4} {'gold':>4}   {'arg P':>6} {'arg R':>6} {'pred':>4} {'gold':>4}")
    for event_type, scores in [*sorted(by_type(gold, predicted).items()), ("all", overall)]:
        t, a = scores["triggers"], scores["arguments"]
        print(f"{event_type:32} {_ratio(t.true_positives, t.predicted)} {_ratio(t.true_positives, t.gold)} {t.predicted:4} {t.gold:4}"
              f"   {_ratio(a.true_positives, a.predicted)} {_ratio(a.true_positives, a.gold)} {a.predicted:4} {a.gold:4}")
    t, a = overall["triggers"], overall["arguments"]
    with_argument, correct, arguable = events_with_an_argument(gold, predicted)
    share = with_argument / correct if correct else 0.0
    print(f"triggers   {t}")
    print(f"arguments  {a}")
    print(f"correct events with >= 1 correct argument: {with_argument}/{correct} = {share:.2f}"
          f" (of the {arguable} to which the gold gives an argument: {with_argument / arguable if arguable else 0:.2f})")
    near, predicted_arguments, with_near = overlapping_arguments(gold, predicted)
    print(f"  with extents that overlap instead of match (not a target): argument precision {near}/{predicted_arguments}"
          f" = {_ratio(near, predicted_arguments).strip()}, correct events with >= 1 such argument {with_near}/{correct}"
          f" = {_ratio(with_near, correct).strip()}")
    # The most any extractor can score on this gold: one that found every gold event and argument
    # still has no correct argument for an event the gold gives none (e.g. "It was a suicide blast.").
    most, events, _ = events_with_an_argument(gold, gold)
    ceiling = most / events if events else 0.0
    print(f"  ceiling: an extractor finding every gold event and argument scores {most}/{events} = {ceiling:.2f}")
    print(f"entities   annotator {overall['entities']}")
    print(f"entities   bare      {bare}")
    for line in targets(t.true_positives, t.predicted, a.true_positives, a.predicted, with_argument, correct,
                        overall["entities"].f1, bare.f1):
        print(line)
    batches = gold_batches(split)
    if len(batches) > 1:
        # Each annotation round apart (several articles each, never one): a round annotated after the
        # others were measured shows whether the figures hold on articles no earlier measurement touched.
        print("by annotation round: trig P, arg P, arg R, correct events with >= 1 correct argument (of those the gold gives one)")
        for batch, ids in batches.items():
            chosen = [i for i, d in enumerate(gold) if d.id in ids]
            g, p = [gold[i] for i in chosen], [predicted[i] for i in chosen]
            part = score(g, p)
            with_arg, right, arguable_part = events_with_an_argument(g, p)
            print(f"  {batch:26} {len(ids):2} articles  {_ratio(part['triggers'].true_positives, part['triggers'].predicted)}"
                  f" {_ratio(part['arguments'].true_positives, part['arguments'].predicted)}"
                  f" {_ratio(part['arguments'].true_positives, part['arguments'].gold)}"
                  f"  {with_arg}/{right} ({with_arg}/{arguable_part})")
    return {
        "trigger_precision": t.precision, "trigger_recall": t.recall,
        "argument_precision": a.precision, "argument_recall": a.recall,
        "events_with_argument": share,
        "events_with_argument_of_arguable": with_argument / arguable if arguable else 0.0,
        "events_with_argument_ceiling": ceiling,
        "entity_f1": overall["entities"].f1, "bare_entity_f1": bare.f1,
        "argument_precision_overlapping": near / predicted_arguments if predicted_arguments else 0.0,
        "events_with_argument_overlapping": with_near / correct if correct else 0.0,
    }


def agreement(extractor: Extractor) -> dict[str, float]:
    """Two annotators on the same HELD-OUT articles (tests/gold/second/), beside the extractor on them.

    Each is scored against the first annotation exactly as the extractor is: the second
    annotator's figures are how far exact-match scoring can expect agreement to go.
    """
    second = [r.document for path in sorted(SECOND_DIR.glob("*.jsonl")) for r in read_native([path])]
    first = {d.id: d for d in gold_documents("held-out")}
    second = [d for d in second if d.id in first]
    if not second:
        return {}
    gold = [first[d.id] for d in second]
    predicted = list(extractor.extract([Document(d.id, d.text, d.title, dict(d.meta)) for d in gold]))
    print(f"\n== AGREEMENT on {len(gold)} HELD-OUT articles annotated twice ({', '.join(d.id[:3] for d in gold)}), "
          "each scored against the first annotation")
    figures = {}
    for name, documents in (("second annotator", second), ("extractor", predicted)):
        scores = score(gold, documents)
        with_argument, correct, _arguable = events_with_an_argument(gold, documents)
        print(f"{name:17} triggers {scores['triggers']}")
        print(f"{'':17} arguments {scores['arguments']}")
        print(f"{'':17} correct events with >= 1 correct argument: {with_argument}/{correct}")
        near, predicted_arguments, with_near = overlapping_arguments(gold, documents)
        print(f"{'':17} with extents that overlap instead of match: arguments {near}/{predicted_arguments},"
              f" events {with_near}/{correct}")
        key = name.split()[0]
        figures[f"{key}_argument_precision"] = scores["arguments"].precision
        figures[f"{key}_argument_f1"] = scores["arguments"].f1
    return figures


def _ratio(part: int, whole: int) -> str:
    """A share to two decimals, or a dash when there is nothing to divide by."""
    return f"{part / whole:6.2f}" if whole else f"{'—':>6}"


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="installed spaCy pipeline (default: annotator's)")
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="all")
    args = parser.parse_args(argv)
    extractor = Extractor(load_pipeline(args.model), model_name=args.model)
    print(f"model: {extractor.source}")
    figures = {split: measure(split, extractor, args.model) for split in SPLITS if args.split in (split, "all")}
    if args.split in ("held-out", "all"):
        figures["agreement"] = agreement(extractor)
    return figures


if __name__ == "__main__":
    main()
