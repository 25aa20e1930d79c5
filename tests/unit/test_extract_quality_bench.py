"""bench_quality reads the split from SOURCES.md and reports every figure the issue asks for (on DEV here)."""

from __future__ import annotations

from annotator.domain import Argument, Document, Event
from annotator.formats.native import read_native
from annotator.nlp.extract import Extractor, load_pipeline
from tests.bench import bench_quality


def test_the_split_comes_from_the_sources_table():
    splits = bench_quality.article_splits()
    assert sum(split == "dev" for split in splits.values()) >= 5
    assert sum(split == "held-out" for split in splits.values()) >= 5
    assert splits["007_uk-theresa-may-resigns"] == "dev"
    assert all(article[:3].isdigit() and not article.endswith(".txt") for article in splits)


def test_the_dev_figures_are_measured_and_printed(capsys):
    figures = bench_quality.main(["--split", "dev"])
    assert set(figures) == {"dev"}
    assert set(figures["dev"]) == {
        "trigger_precision", "trigger_recall", "argument_precision", "argument_recall", "events_with_argument",
        "events_with_argument_of_arguable", "events_with_argument_ceiling", "entity_f1", "bare_entity_f1",
        "argument_precision_overlapping", "events_with_argument_overlapping",
    }
    # Overlapping extents are a looser match than exact ones, never a stricter.
    assert figures["dev"]["argument_precision_overlapping"] >= figures["dev"]["argument_precision"]
    assert figures["dev"]["events_with_argument_overlapping"] >= figures["dev"]["events_with_argument"]
    assert 0 < figures["dev"]["trigger_precision"] <= 1 and figures["dev"]["entity_f1"] > 0
    # The ceiling is what the gold allows (events it gives an argument / all its events), above any extractor.
    gold = bench_quality.gold_documents("dev")
    events = [event for document in gold for event in document.events]
    assert figures["dev"]["events_with_argument_ceiling"] == sum(bool(e.arguments) for e in events) / len(events)
    assert figures["dev"]["events_with_argument"] <= figures["dev"]["events_with_argument_ceiling"] < 1
    out = capsys.readouterr().out
    assert "Justice.Sentence" in out and "entities   bare" in out and "HELD-OUT" not in out
    # Each annotation round apart, named by its gold file: a round added later shows whether the figures hold.
    rounds = bench_quality.gold_batches("dev")
    assert len(rounds) > 1 and all(f"  {name}" in out for name in rounds)


def test_the_second_annotation_covers_held_out_articles_and_is_scored_beside_the_extractor(capsys):
    splits = bench_quality.article_splits()
    second = [r.document.id for path in bench_quality.SECOND_DIR.glob("*.jsonl") for r in read_native([path])]
    assert second and all(splits.get(article) == "held-out" for article in second)
    figures = bench_quality.agreement(Extractor(load_pipeline()))
    assert set(figures) == {"second_argument_precision", "second_argument_f1", "extractor_argument_precision",
                            "extractor_argument_f1"}
    assert 0 < figures["second_argument_f1"] <= 1
    assert "second annotator" in capsys.readouterr().out


def test_an_argument_overlapping_a_gold_one_of_its_trigger_and_role_counts_as_overlapping():
    text = "Police arrested two men in Paris."

    def document(*arguments: tuple[str, int, int]) -> Document:
        found = tuple(Argument(role, None, start, end) for role, start, end in arguments)
        return Document("d", text, events=(Event("E1", "Justice.Arrest-Jail", 7, 15, arguments=found),))

    gold = document(("Person", 16, 23), ("Place", 27, 32))
    predicted = document(("Person", 20, 23), ("Place", 16, 23), ("Agent", 0, 6))
    # "men" overlaps "two men" in the same role; "two men" as a Place and the Agent overlap nothing of theirs
    assert bench_quality.overlapping_arguments([gold], [predicted]) == (1, 3, 1)
    assert bench_quality.events_with_an_argument([gold], [predicted]) == (0, 1, 1)
    # Two events on one trigger span are two events here too, as in the exact count.
    twice = Document("d", text, events=(
        Event("E1", "Justice.Arrest-Jail", 7, 15, arguments=(Argument("Person", None, 16, 23),)),
        Event("E2", "Movement.Transport", 7, 15, arguments=(Argument("Person", None, 16, 23),)),
    ))
    assert bench_quality.overlapping_arguments([twice], [twice])[2] == bench_quality.events_with_an_argument([twice], [twice])[0] == 2


def test_a_target_missed_by_less_than_rounding_shows_as_not_met():
    lines = bench_quality.targets(488, 529, 563, 751, 332, 488, 0.78, 0.74)
    assert lines[1] == "target argument precision: 563/751 = 0.7497, >= 0.75: NOT met"
    assert lines[0].endswith(": met") and lines[2].endswith("NOT met") and lines[3].endswith(": met")


def test_two_events_on_one_trigger_span_count_their_arguments_under_one_type_in_every_order():
    triggers = [("d", 0, 5, "Life.Die"), ("d", 0, 5, "Conflict.Attack"), ("d", 9, 12, "Life.Injure")]
    expected = {("d", 0, 5): "Conflict.Attack", ("d", 9, 12): "Life.Injure"}
    assert bench_quality.trigger_types(set(triggers)) == expected
    assert bench_quality.trigger_types(set(reversed(triggers))) == expected
