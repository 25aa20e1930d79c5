"""`assign`, `progress` and `agree`: documents shared among reviewers, how far each is, and how far they agree."""

from __future__ import annotations

from typing import Any

import click

from annotator.cli.base import Context, main, pass_context, shown


def names_option(value: str | None, option: str) -> list[str] | None:
    """The names an option gave, separated by commas; None when it was not given."""
    if value is None:
        return None
    names = [name.strip() for name in value.split(",") if name.strip()]
    if not names:
        raise click.UsageError(f"{option}: give names separated by commas, such as alice,bob")
    return names


def _json(value: Any) -> None:
    import orjson

    click.echo(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode())


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    """Lines of a plain table: the first column left-aligned, the others right-aligned."""
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows)]
    return [
        "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(cells, widths))).rstrip()
        for cells in [headers, *rows]
    ]


@main.command("assign")
@click.option("--reviewers", required=True, metavar="A,B,C", help="The reviewers to share the documents among, by name.")
@click.option("--overlap", type=click.FloatRange(0.0, 1.0), default=0.0, show_default=True,
              help="Share of the documents given to two reviewers, to measure agreement on (0.2 = 20%).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the shuffle: the same store, reviewers and seed give the same assignment.")
@click.option("--documents", "document_ids", multiple=True, metavar="ID[,ID...]",
              help="Assign only these documents (by id; repeat the option or separate ids with commas). Default: all.")
@click.option("--json", "as_json", is_flag=True, help="Print what was assigned as JSON.")
@pass_context
def assign_command(
    context: Context, reviewers: str, overlap: float, seed: int, document_ids: tuple[str, ...], as_json: bool
) -> None:
    """Give the documents nobody has yet to named reviewers, a share of them to two.

    \b
    Each document goes to the reviewer with the fewest documents so far; an overlap
    document also to the one with the fewest, least often paired with the first.
    Documents that already have a reviewer are left as they are, so running assign
    again (after an import, or with a new reviewer) only hands out new documents and
    never moves work begun.
    """
    from annotator.store.team import TeamError, assign_documents

    names = names_option(reviewers, "--reviewers") or []
    wanted = [key for value in document_ids for key in value.split(",") if key] if document_ids else None
    context.open_store()
    try:
        result = assign_documents(names, overlap, seed, wanted)
    except TeamError as error:
        raise click.ClickException(str(error)) from error
    from annotator.store.team import assignments

    totals = {name: len(pks) for name, pks in assignments().items()}
    if as_json:
        _json({"seed": result.seed, "overlap_documents": result.overlap_documents,
               "already_assigned": result.already_assigned,
               "reviewers": {name: {"new": len(pks), "total": totals.get(name, 0)} for name, pks in result.given.items()}})
        return
    given = sum(len(pks) for pks in result.given.values())
    click.echo(f"{given} assignment(s) made with seed {result.seed}; "
               f"{result.overlap_documents} document(s) given to two reviewers")
    if result.already_assigned:
        click.echo(f"{result.already_assigned} document(s) already had a reviewer and were left as they were")
    click.echo("")
    rows = [[shown(name), str(len(pks)), str(totals.get(name, 0))] for name, pks in result.given.items()]
    click.echo("\n".join(_table(["reviewer", "new", "total"], rows)))


@main.command("progress")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@pass_context
def progress_command(context: Context, as_json: bool) -> None:
    """Show each reviewer's documents assigned, done and remaining, and the candidates they decided.

    \b
    Done: the reviewer decided every machine candidate of the document (an argument
    of an event they rejected counts as decided with it); a document without
    candidates once they confirmed each sentence. Decided counts the machine
    candidates the reviewer's own decisions still in effect (not undone) left
    accepted, fixed or rejected, in any document.
    """
    from annotator.store.team import progress

    context.open_store()
    rows = progress()
    if as_json:
        _json({"reviewers": [row.as_dict() for row in rows]})
        return
    if not rows:
        click.echo("No reviewer has documents or decisions yet; give them documents with `annotator assign`.")
        return
    click.echo("\n".join(_table(
        ["reviewer", "assigned", "done", "remaining", "decided"],
        [[shown(r.reviewer), str(r.assigned), str(r.done), str(r.remaining), str(r.decided)] for r in rows],
    )))


def _figure(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.3f}"


def _f1(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


KAPPA_TITLES = {"entity": "entity label", "event": "event type", "argument": "argument role"}
SPAN_TITLES = {
    "entities_exact": "entities, exact (label)", "entities_overlap": "entities, overlapping (label)",
    "triggers": "triggers (event type)", "arguments": "arguments in matched events (role)",
}


def pair_lines(pair: dict[str, Any]) -> list[str]:
    """The readable report of one pair of reviewers."""
    kappa = pair["kappa"]
    overall = kappa["overall"]
    lines = [
        f"{shown(pair['first'])} and {shown(pair['second'])}: {pair['documents']} document(s) both worked on "
        f"({pair['finished']} finished by both); "
        f"{overall['items']} candidate(s) decided by both, {pair['decided_by_one']} by only one",
        f"kappa overall (micro): {_figure(overall['kappa'])} over {overall['items']}",
        "",
    ]
    rows = []
    for kind, title in KAPPA_TITLES.items():
        if kind not in kappa:
            continue
        rows.append([f"{title}: all", *_kappa_cells(kappa[kind]["total"])])
        rows += [[f"  {shown(name)}", *_kappa_cells(k)] for name, k in kappa[kind]["by_name"].items()]
    if rows:
        lines += _table(["decisions on the same candidates", "n", "p_o", "p_e", "kappa"], rows) + [""]
    for key, title in SPAN_TITLES.items():
        measure = pair.get(key)
        if measure is None or not (measure["total"]["first"] or measure["total"]["second"]):
            continue
        table = [[f"{title}: all", *_span_cells(measure["total"])]]
        table += [[f"  {shown(name)}", *_span_cells(c)] for name, c in measure["by_name"].items()]
        lines += _table(["final sets", "matched", shown(pair["first"]), shown(pair["second"]), "F1"], table) + [""]
    return lines


def _kappa_cells(k: dict[str, Any]) -> list[str]:
    observed = "-" if k["p_o"] is None else f"{k['p_o']:.3f}"
    expected = "-" if k["p_e"] is None else f"{k['p_e']:.3f}"
    return [str(k["items"]), observed, expected, _figure(k["kappa"])]


def _span_cells(c: dict[str, Any]) -> list[str]:
    return [str(c["matched"]), str(c["first"]), str(c["second"]), _f1(c["f1"])]


@main.command("agree")
@click.option("--reviewers", metavar="A,B", help="Compare these reviewers (pairwise). Default: everyone who decided something.")
@click.option("--finished", "finished_only", is_flag=True,
              help="Compare only the documents both reviewers of a pair finished (decided every candidate in).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@pass_context
def agree_command(context: Context, reviewers: str | None, finished_only: bool, as_json: bool) -> None:
    """Show how far reviewers agree, pairwise, over the documents both worked on.

    \b
    kappa: Cohen's kappa on the machine candidates both decided, per entity label,
      event type and argument role (the machine's) and overall (micro). A fix is its
      own category: accept, fix and reject. Undefined when chance agreement is 1
      (both gave every candidate the same one decision) or nothing was decided by both.
    F1 = 2·matched / (first + second) between the reviewers' final sets (what each
      accepted, fixed or added; what they left pending is in neither), matched one to
      one: entities exactly (start, end, label) and by overlap (same label);
      triggers by overlap and equal type; arguments, within matched events, by equal
      role and overlapping extent.
    Every figure comes with its counts: a kappa over a handful of items means little.
    """
    from annotator.agreement import DEFINITIONS, pairwise
    from annotator.store.team import reviewer_work

    names = names_option(reviewers, "--reviewers")
    if names is not None and len(names) < 2:
        raise click.UsageError("--reviewers: name at least two reviewers to compare")
    context.open_store()
    work = reviewer_work(reviewers=names)
    chosen = names if names is not None else sorted(work)
    if len(chosen) < 2:
        raise click.ClickException(
            f"{context.db_label}: agreement needs two reviewers with decisions; found "
            f"{len(chosen)}{': ' + shown(chosen[0]) if chosen else ''}"
        )
    pairs = [pair.as_dict() for pair in pairwise(work, chosen, finished_only)]
    if as_json:
        _json({"reviewers": chosen, "finished_only": finished_only, "definitions": DEFINITIONS, "pairs": pairs})
        return
    lines = ["Agreement between reviewers; a fix counts as its own category (accept / fix / reject) in kappa", ""]
    for pair in pairs:
        lines += pair_lines(pair)
    click.echo("\n".join(lines).rstrip())
