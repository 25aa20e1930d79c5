"""`evaluate`: the machine's candidates judged by the reviewers' decisions, or matched exactly against a gold file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from annotator.cli.base import Context, main, pass_context

FORMAT_CHOICES = ["native", "prodigy", "brat", "spacy", "doccano", "conll"]

DEFINITIONS = {
    "precision": "(accepted + fixed) / decided, decided = accepted + fixed + rejected machine candidates",
    "recall": "(accepted + fixed) / (accepted + fixed + added)",
    "strict_precision": "exact / decided: a fix that changed a judged value counts as a wrong prediction",
    "strict_recall": "exact / (accepted + fixed + added)",
    "exact": "accepted, or fixed with every judged value as the machine had it",
    "fix_rates": "share of the fixed candidates whose fix was of that kind; one fix may be of several kinds",
    "pending": "machine candidates no reviewer decided yet; left out of every figure",
}

KIND_TITLES = {
    "entities": "entity label", "events": "event type", "arguments": "argument role", "attributes": "attribute value",
}
GOLD_TITLES = {
    "entities": "entity label", "triggers": "event type", "arguments": "argument role", "attributes": "attribute",
}


@main.command("evaluate")
@click.option("--gold", "gold_path", type=click.Path(path_type=Path), metavar="FILE",
              help="Score against this gold annotation (any importable format) by exact match, instead of by the reviews.")
@click.option("--gold-format", type=click.Choice(FORMAT_CHOICES), help="Format of the gold file; detected when not given.")
@click.option("--predictions", "predictions_path", type=click.Path(path_type=Path), metavar="FILE",
              help="Read the documents from this file (any importable format) instead of the store: "
                   "the review states of an export, or with --gold the predictions to score.")
@click.option("--predictions-format", type=click.Choice(FORMAT_CHOICES),
              help="Format of the predictions file; detected when not given.")
@click.option("--machine", is_flag=True,
              help="With --gold: score the machine's original candidates (reviews set aside, additions left out) "
                   "rather than the final, reviewed annotation.")
@click.option("--schema", "schema_path", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Event schema whose attributes are scored (default: ACE 2005); other event keys are ignored.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@pass_context
def evaluate_command(
    context: Context, gold_path: Path | None, gold_format: str | None, predictions_path: Path | None,
    predictions_format: str | None, machine: bool, schema_path: Path | None, as_json: bool,
) -> None:
    """Score the machine's candidates against the reviewers' final decisions, or against a gold file.

    \b
    By the reviews (default): over the machine candidates a reviewer decided;
    pending ones are counted and left out. A fixed candidate counts as found:
      precision = (accepted + fixed) / (accepted + fixed + rejected)
      recall    = (accepted + fixed) / (accepted + fixed + added)
    The strict figures (str) count a fix as a wrong prediction unless it left
    every judged value as the machine had it (exact = accepted + such fixes):
      strict precision = exact / (accepted + fixed + rejected)
      strict recall    = exact / (accepted + fixed + added)
    Judged: an entity's span (boundary) and label; an event's trigger (boundary)
    and type; an argument's extent (boundary), role, entity (relink) and event
    (move). One fix may be of several kinds. An event's attributes are listed as
    its fix but judged in rows of their own, per value of each decided event:
    kept, changed (a fix, never exact) or rejected with the event.
    Rows: per entity label, event type, argument role and attribute=value (the
    machine's; an added item's own), and per source (model name and version).

    \b
    With --gold FILE: exact match of entities, triggers, arguments and attributes,
    in all and per type, of the store's final annotation (or of --predictions
    FILE; with --machine, of the machine's original candidates), over the
    documents both sides hold.
    """
    from annotator.schema import SchemaError, load_schema

    if gold_path is None and machine:
        raise click.UsageError("--machine needs --gold: it says which side of the store is scored against the gold file")
    if gold_path is None and gold_format:
        raise click.UsageError("--gold-format needs --gold")
    if predictions_path is None and predictions_format:
        raise click.UsageError("--predictions-format needs --predictions")
    try:
        attribute_names = set(load_schema(schema_path).attributes)
    except SchemaError as error:
        raise click.ClickException(str(error)) from error
    if gold_path is None:
        result = _by_the_reviews(context, predictions_path, predictions_format, attribute_names)
    else:
        result = _against_gold(
            context, gold_path, gold_format, predictions_path, predictions_format, machine, attribute_names
        )
    if as_json:
        import orjson

        click.echo(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
    else:
        click.echo("\n".join(review_table(result) if result["mode"] == "reviews" else gold_table(result)))


def _read(path: Path, format_name: str | None, option: str):
    """The validated documents of a file, with where each came from; every problem said as FILE:LINE."""
    from annotator.formats.reading import InvalidInput, read_documents
    from annotator.formats.registry import READERS, UnknownFormat, detect_format

    if not path.exists():
        raise click.ClickException(f"{option} {path}: no such file")
    try:
        chosen = format_name or detect_format(path)
    except UnknownFormat as error:
        raise click.ClickException(str(error).replace("--format", f"{option}-format")) from error
    if path.is_dir() and chosen != "brat":
        raise click.ClickException(f"{option} {path}: a folder can only be a brat folder")
    try:
        return read_documents([path], READERS[chosen]), chosen
    except InvalidInput as invalid:
        raise click.ClickException(f"{option} {path}: {invalid.total} problem(s):\n{invalid}") from invalid


def _by_the_reviews(
    context: Context, predictions_path: Path | None, predictions_format: str | None, attribute_names: set[str],
) -> dict[str, Any]:
    from annotator.evaluate import evaluate_reviews

    if predictions_path is not None:
        sourced, _format = _read(predictions_path, predictions_format, "--predictions")
        evaluation = evaluate_reviews((s.document for s in sourced), attribute_names)
        origin = str(predictions_path)
    else:
        repository = context.open_store()
        evaluation = evaluate_reviews(repository.iter_documents(with_tokens=False), attribute_names)
        origin = context.db_label
    if not evaluation.documents:
        raise click.ClickException(f"{origin}: holds no documents; import some with `annotator import`")
    return {"mode": "reviews", "from": origin, "definitions": DEFINITIONS, **evaluation.as_dict()}


def _against_gold(
    context: Context, gold_path: Path, gold_format: str | None, predictions_path: Path | None,
    predictions_format: str | None, machine: bool, attribute_names: set[str],
) -> dict[str, Any]:
    from annotator.evaluate import TextMismatch, compare_with_gold

    gold, chosen_format = _read(gold_path, gold_format, "--gold")
    where = {s.document.id: f"{s.path}:{s.line}" for s in gold}
    documents = [s.document for s in gold]
    if not documents:
        raise click.ClickException(f"--gold {gold_path}: holds no documents")
    try:
        if predictions_path is not None:
            origin = str(predictions_path)
            predicted, _format = _read(predictions_path, predictions_format, "--predictions")
            where_predicted = {s.document.id: f"{s.path}:{s.line}" for s in predicted}
            comparison = compare_with_gold(documents, (s.document for s in predicted), attribute_names, machine)
        else:
            origin = context.db_label
            where_predicted = {}
            repository = context.open_store()
            stored = repository.iter_documents(list(where), with_tokens=False)
            comparison = compare_with_gold(documents, stored, attribute_names, machine)
            # Only the gold documents were loaded; the rest of the store is counted, not read.
            comparison = replace(comparison, ignored=len(repository.document_pks()) - comparison.scored)
    except TextMismatch as mismatch:
        other = where_predicted.get(mismatch.document_id, origin)
        raise click.ClickException(
            f"{where[mismatch.document_id]}: id: {mismatch.document_id!r} has a different text in {other}; "
            "offsets cannot be compared, so nothing was scored"
        ) from mismatch
    if not comparison.scored:
        raise click.ClickException(
            f"none of the {len(documents)} document(s) of {gold_path} is in {origin}; documents are matched by id"
        )
    return {
        "mode": "gold", "gold": str(gold_path), "gold_format": chosen_format, "from": origin,
        "view": "machine" if machine else "final",
        "documents": {"scored": comparison.scored, "missing": list(comparison.missing), "ignored": comparison.ignored},
        "totals": {kind: s.as_dict() for kind, s in comparison.totals.items()},
        "by_type": {kind: {name: s.as_dict() for name, s in table.items()} for kind, table in comparison.by_type.items()},
    }


# ---------------------------------------------------------------- tables


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _table(headers: list[str], rows: list[list[str]], numeric: int) -> list[str]:
    """Lines of a plain table: the first column left-aligned, the next `numeric` right-aligned, the rest left-aligned."""
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows)]

    def line(cells: list[str]) -> str:
        aligned = [
            cell.rjust(width) if 0 < i <= numeric else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths))
        ]
        return "  ".join(aligned).rstrip()

    return [line(headers), *(line(row) for row in rows)]


def _fixes(row: dict[str, Any]) -> str:
    return ", ".join(
        f"{kind} {n} ({row['fix_rates'][kind]:.0%})" for kind, n in row["fixes"].items() if n
    )


def _changes(row: dict[str, Any]) -> str:
    return ", ".join(f"{name} {n}" for name, n in sorted(row["changed_to"].items(), key=lambda pair: -pair[1]))


REVIEW_HEADERS = ["pend", "dec", "acc", "fix", "rej", "add", "P", "R", "F1", "P str", "R str", "F1 str"]


def _review_cells(name: str, row: dict[str, Any]) -> list[str]:
    counts = [row[key] for key in ("pending", "decided", "accepted", "fixed", "rejected", "added")]
    figures = [row[key] for key in ("precision", "recall", "f1", "strict_precision", "strict_recall", "strict_f1")]
    return [name, *(str(n) for n in counts), *(_figure(f) for f in figures)]


def review_table(result: dict[str, Any]) -> list[str]:
    """The readable report of an evaluation by the reviews."""
    lines = [
        f"Machine candidates judged by the reviewers' final decisions  [{result['from']}]",
        f"{result['documents']} document(s); {result['decided_candidates']} candidates decided, "
        f"{result['pending_candidates']} pending (left out of every figure), "
        f"{result['added_candidates']} added by reviewers",
        "P = (acc + fix) / dec   R = (acc + fix) / (acc + fix + add)   "
        "strict (str): a fix that changed a judged value counts as wrong",
        "",
    ]
    numeric = len(REVIEW_HEADERS)
    lines += _table(
        ["kind", *REVIEW_HEADERS, "fixes"],
        [[*_review_cells(kind, row), _fixes(row)] for kind, row in result["totals"].items()], numeric,
    )
    for kind, title in KIND_TITLES.items():
        table = result["by_name"][kind]
        if table:
            lines.append("")
            lines += _table(
                [title, *REVIEW_HEADERS, "fixes", "changed to"],
                [[*_review_cells(name, row), _fixes(row), _changes(row)] for name, row in table.items()], numeric,
            )
    for source, kinds in result["by_source"].items():
        lines += ["", f"source: {source}"]
        lines += _table(
            ["kind", *REVIEW_HEADERS, "fixes"],
            [[*_review_cells(kind, row), _fixes(row)] for kind, row in kinds.items()], numeric,
        )
    return lines


GOLD_HEADERS = ["matched", "predicted", "gold", "P", "R", "F1"]


def _gold_cells(name: str, row: dict[str, Any]) -> list[str]:
    return [name, str(row["matched"]), str(row["predicted"]), str(row["gold"]),
            *(_figure(row[key]) for key in ("precision", "recall", "f1"))]


def gold_table(result: dict[str, Any]) -> list[str]:
    """The readable report of an exact-match comparison with a gold file."""
    documents = result["documents"]
    side = "the machine's original candidates" if result["view"] == "machine" else "the final annotation"
    lines = [
        f"Exact match of {side} in {result['from']} against {result['gold']} ({result['gold_format']})",
        f"{documents['scored']} document(s) scored",
    ]
    if documents["missing"]:
        shown = ", ".join(documents["missing"][:5]) + (", ..." if len(documents["missing"]) > 5 else "")
        lines.append(f"{len(documents['missing'])} gold document(s) not among the predictions, not scored: {shown}")
    if documents["ignored"]:
        lines.append(f"{documents['ignored']} predicted document(s) not in the gold file, not scored")
    lines.append("")
    numeric = len(GOLD_HEADERS)
    lines += _table(["kind", *GOLD_HEADERS], [_gold_cells(kind, row) for kind, row in result["totals"].items()], numeric)
    for kind, title in GOLD_TITLES.items():
        table = result["by_type"][kind]
        if table:
            lines.append("")
            lines += _table([title, *GOLD_HEADERS], [_gold_cells(name, row) for name, row in table.items()], numeric)
    return lines
