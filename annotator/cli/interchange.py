"""`import` and `export`: the interchange formats in and out, all or nothing, written atomically (see `outputs`)."""

from __future__ import annotations

import sys
from itertools import chain
from pathlib import Path

import click

from annotator.cli.base import Context, counted, main, pass_context, progress_bar, shown
from annotator.cli.outputs import check_output_file, write_atomically, write_folder_atomically
from annotator.domain import Status

FORMAT_NAMES = ["native", "prodigy", "brat", "spacy", "doccano", "conll"]
FORMAT_HELP = (
    "native (annotator's JSONL), prodigy (the tasks a document came in as, else one task per sentence; events as trigger spans and relations), "
    "brat (a folder of .txt + .ann with annotation.conf; -o names the folder), "
    "spacy (a DocBin for training: reviewed entities in doc.ents, unreviewed tokens missing), "
    "doccano (JSONL with integer ids; events as trigger entities and relations) "
    "or conll (CoNLL-2003/IOB: entities only, lossy: no events, no review state, no nesting, whitespace lost)"
)


@main.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, allow_dash=True))
@click.option("--format", "format_name", type=click.Choice(FORMAT_NAMES),
              help="Input format; detected from each file when not given. " + FORMAT_HELP)
@pass_context
def import_command(context: Context, files: tuple[Path, ...], format_name: str | None) -> None:
    """Import annotation FILES into the store, all or nothing.

    Every record of every file is checked; any bad one imports nothing and is
    reported as FILE:LINE: FIELD: REASON. Files of any size are read a batch at a
    time inside one transaction. `-` reads standard input, and a FIFO is read as
    it comes (JSONL and CoNLL formats; the format is told from the first line when
    not given). Importing a document again with the same id and text adds
    nothing; the same id with a different text is refused.
    """
    from annotator.formats.inputs import LineTooLong, StreamedInput, UnusableInput, usable_input
    from annotator.formats.reading import CheckedInput, InvalidInput, LeftOut
    from annotator.formats.registry import READERS, UnknownFormat, detect_format
    from annotator.store import DocumentConflict
    from annotator.store.importer import import_stream

    sources: list[Path | StreamedInput] = []
    formats: dict[str, str] = {}
    try:
        for given in files:
            sources.append(usable_input(given))
        for source in sources:
            formats[str(source)] = format_name or _format_of(source, detect_format)
        _check_kinds(sources, formats)
    except (UnusableInput, UnknownFormat) as error:
        _close(sources)
        raise click.ClickException(str(error)) from error
    except LineTooLong as too_long:
        _close(sources)
        where = sources[len(formats)]  # the input whose format was being told
        raise click.ClickException(f"{where}:{too_long.line}: {too_long.reason}; nothing imported") from too_long

    def records(source, progress):
        return READERS[formats[str(source)]](source, progress)

    left_out = LeftOut()
    checked = CheckedInput(sources, records, warnings=left_out)
    imported = False
    try:
        with progress_bar(_input_size(sources), "Importing") as bar:
            checked.progress = bar.update
            batches = ([sourced.document for sourced in batch] for batch in checked.batches())
            # The first batch is read before the store is opened: input bad from the start (the usual
            # mistake) is refused having neither created a store nor waited for its lock.
            first = next(batches, None)
            context.open_store(create=True)
            result = import_stream(chain([first] if first is not None else [], batches), reviewer=context.reviewer)
            imported = True
    except InvalidInput as invalid:
        raise click.ClickException(
            f"nothing imported; {invalid.total} problem(s):\n{invalid}" + _undone_store()
        ) from invalid
    except DocumentConflict as conflict:
        lines = [f"{checked.where(key)}: id: {key!r} is already in the store with a different text"
                 for key in conflict.document_ids]
        raise click.ClickException(
            "nothing imported; give a changed document a new id (annotator never merges texts):\n"
            + "\n".join(lines)
        ) from conflict
    finally:
        _close(sources)
        if not imported:  # interrupted, or refused by the store: a store this import created goes too
            undone = _undone_store()
            if undone:
                click.echo(undone.strip(), err=True)
    for line in left_out.lines():
        click.echo(f"left out: {shown(line)}", err=True)
    click.echo(
        f"imported {len(result.added)} document(s) with {result.candidates} candidates"
        f"; {len(result.skipped)} already present, skipped  [{context.db_label}]"
    )


def _undone_store() -> str:
    """A line saying that the store a failed import had created was taken away again (see `discard_new_store`)."""
    from annotator.store.database import discard_new_store

    undone = discard_new_store()
    return f"\n{undone}" if undone else ""


# Formats read a line at a time, which standard input and a FIFO can give; brat is a folder and a DocBin a whole.
STREAMED_FORMATS = ("native", "prodigy", "doccano", "conll")


def _format_of(source, detect_format) -> str:
    """The format of a file (from its name and first line) or of a stream (from its first line)."""
    from annotator.formats.inputs import StreamedInput
    from annotator.formats.registry import UnknownFormat, format_of_first_line

    if not isinstance(source, StreamedInput):
        if source.is_file() and source.suffix.lower() != ".spacy":
            _first_line_is_bounded(source)
        return detect_format(source)
    first_line = source.first_line()
    if not first_line:
        raise UnknownFormat(f"{source}: is empty; nothing to import")
    found = format_of_first_line(first_line)
    if found is None:
        raise UnknownFormat(f"{source}: cannot tell its format from its first line; name it with --format")
    return found


def _first_line_is_bounded(path: Path) -> None:
    """Raise `LineTooLong` when a file's first non-blank line is too long to be a record (it would fill memory)."""
    from annotator.formats.inputs import input_lines

    try:
        for raw in input_lines(path):
            if raw.strip():
                return
    except OSError:
        return  # said by the format's detection, with the path


def _check_kinds(sources, formats: dict[str, str]) -> None:
    """Refuse a folder given in a format other than brat, and a stream in a format not read line by line."""
    from annotator.formats.inputs import StreamedInput
    from annotator.formats.registry import UnknownFormat

    for source in sources:
        chosen = formats[str(source)]
        if isinstance(source, StreamedInput) and chosen not in STREAMED_FORMATS:
            raise UnknownFormat(
                f"{source}: {chosen} cannot be read from standard input or a FIFO"
                f" ({'a folder' if chosen == 'brat' else 'a whole file'} is needed); give its path"
            )
        if isinstance(source, Path) and source.is_dir() and chosen != "brat":
            raise UnknownFormat(f"only a brat folder can be imported as a folder: {source}")


def _input_size(sources) -> int:
    """How many bytes the files hold, for the progress bar (a stream's size is not known: 0)."""
    total = 0
    for source in sources:
        if isinstance(source, Path):
            total += sum(a.stat().st_size for a in source.glob("*.ann")) if source.is_dir() else source.stat().st_size
    return total


def _close(sources) -> None:
    """Close the streams among the inputs (a FIFO's reading end)."""
    for source in sources:
        close = getattr(source, "close", None)
        if close is not None:
            close()


STATUS_CHOICES = [s.value for s in Status if s is not Status.WITHDRAWN]


SOURCE_HELP = (
    "Whose review states to export when reviewers decide in lanes of their own (review --own-lane): "
    "final (the shared lane, else what the reviewers agree on; a disagreement is exported pending), "
    "majority (what most reviewers decided; a tie is pending), or one reviewer's name."
)


@main.command("export")
@click.option("-o", "--output", default="-", metavar="FILE|-", help="Where to write (default: standard output).")
@click.option("--status", "statuses", multiple=True, type=click.Choice(STATUS_CHOICES), help="Keep only candidates in this state (repeatable).")
@click.option("--reviewed", is_flag=True, help="Keep only what a human accepted, fixed or added (training-ready).")
@click.option("--document", "documents", multiple=True, metavar="ID", help="Export only this document (repeatable).")
@click.option("--decided-by", "only_reviewer", metavar="NAME", help="Keep only candidates this reviewer decided.")
@click.option("--with-tokens", is_flag=True, help="Include every sentence's token offsets (native format).")
@click.option("--format", "format_name", type=click.Choice(FORMAT_NAMES), default="native",
              show_default=True, help=FORMAT_HELP)
@click.option("--source", default="final", show_default=True, metavar="final|majority|REVIEWER", help=SOURCE_HELP)
@pass_context
def export_command(
    context: Context, output: str, statuses: tuple[str, ...], reviewed: bool, documents: tuple[str, ...],
    only_reviewer: str | None, with_tokens: bool, format_name: str, source: str,
) -> None:
    """Export the store as native JSONL, one document per line, in a stable order.

    A file is written to a temporary name and renamed when complete, so a reader
    never sees half an export; an interrupted export (Ctrl-C, SIGTERM) removes it
    and leaves what was there before.
    """
    from annotator.formats.exporting import ExportFilter
    from annotator.formats.native import write_native
    from annotator.formats.registry import FOLDER_WRITERS, WRITERS

    wanted = {Status(s) for s in statuses}
    if reviewed:
        wanted |= {Status.ACCEPTED, Status.FIXED, Status.ADDED}
    if output != "-" and format_name not in FOLDER_WRITERS:
        check_output_file(Path(output))
    repository = context.open_store()
    unknown = [d for d in documents if repository.document_pk(d) is None]
    if unknown:
        raise click.ClickException("no such document in the store: " + ", ".join(unknown))
    keep = ExportFilter(statuses=wanted, reviewer=only_reviewer)
    needs_tokens = with_tokens or format_name in ("conll", "prodigy", "spacy")
    total = len(documents) if documents else len(repository.document_pks())
    disagreements = _checked_source(repository, source)
    with progress_bar(total, "Exporting") as bar:
        stream = counted(repository.iter_documents(
            list(documents) or None, with_tokens=needs_tokens, source=source, tally=disagreements
        ), bar)
        if format_name in FOLDER_WRITERS:
            if output == "-":
                raise click.UsageError(f"{format_name} writes a folder: give it with -o FOLDER")
            summary = write_folder_atomically(
                Path(output), lambda folder: FOLDER_WRITERS[format_name](stream, folder, keep)
            )
        else:
            if format_name == "native":
                def write(handle):
                    return write_native(stream, handle, keep, with_tokens)
            else:
                def write(handle):
                    return WRITERS[format_name](stream, handle, keep)
            if output == "-":
                summary = write(sys.stdout.buffer)
                sys.stdout.buffer.flush()
            else:
                summary = write_atomically(Path(output), write)
    for line in summary.lines():
        click.echo(line, err=True)
    if disagreements.targets:
        click.echo(
            f"{disagreements.targets} candidate(s) in {len(disagreements.by_document)} document(s) exported as pending:"
            f" the reviewers' lanes disagree ({source}); adjudicate them or choose another --source", err=True,
        )


def _checked_source(repository, source: str):
    """A tally of the targets `source` leaves undecided; a reviewer with no lane of their own is refused."""
    from annotator.store.sources import FINAL, MAJORITY, Disagreements

    if source not in (FINAL, MAJORITY) and source not in repository.lane_names():
        lanes = ", ".join(name for name in repository.lane_names() if name) or "none"
        raise click.ClickException(
            f"--source {source}: no reviewer decided in a lane of that name (lanes in the store: {lanes});"
            " give final, majority or one of those"
        )
    return Disagreements()
