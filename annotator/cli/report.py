"""`report`: a static HTML report of the store, written atomically into a new folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from annotator.cli.base import Context, main, pass_context
from annotator.cli.interchange import write_folder_atomically


@main.command("report")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), metavar="DIR",
              help="The folder to write (new, or empty); open DIR/index.html in a browser.")
@click.option("--all", "every_document", is_flag=True, help="Give every document a page, not only those a reviewer worked on.")
@pass_context
def report_command(context: Context, output: Path, every_document: bool) -> None:
    """Write a static HTML report: progress, decisions per reviewer and per hour, acceptance
    and fix rates per label and type, and each reviewed article with its decisions.

    The report needs no server and no network: open DIR/index.html. It is written to
    a temporary folder beside DIR and renamed into place when complete.
    """
    from annotator.report import write_report

    repository = context.open_store()
    documents = len(repository.document_pks())

    def write(folder: Path):
        # The temporary folder is private (mode 0700); a report is for sharing, so it gets the usual mode.
        umask = os.umask(0)
        os.umask(umask)
        folder.chmod(0o777 & ~umask)
        return write_report(repository, folder, context.db_label, every_document, bar.update)

    with click.progressbar(length=documents, label="Rendering", file=sys.stderr,
                           hidden=not sys.stderr.isatty()) as bar:
        summary = write_folder_atomically(output, write)
    for line in summary.lines():
        click.echo(f"{line} -> {output / 'index.html'}", err=True)
