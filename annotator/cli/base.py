"""The command group, its options and the context every subcommand gets: the store and the reviewer.

The group also turns every store error (a missing or foreign file, a held lock, a
read-only, damaged or full store) into a message that names the path, with a
non-zero exit status, from whichever subcommand it comes.
"""

from __future__ import annotations

import getpass
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from typing import TypeVar

import click

T = TypeVar("T")


def shown(text: str) -> str:
    """A name from the store or a file, fit for one line of a terminal: each control or invisible character made visible."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc":
            code = ord(char)
            out.append(chr(0x2400 + code) if code < 0x20 else ("␡" if code == 0x7F else "¤"))
        elif category in ("Cf", "Zl", "Zp", "Co", "Cs", "Cn") or char.isspace() and char != " ":
            out.append("¦")
        else:
            out.append(char)
    return "".join(out)


def shown_lines(text: str) -> str:
    """A message of several lines, each made fit for a terminal by `shown` (a file's names can hold control codes)."""
    return "\n".join(shown(line) for line in text.split("\n"))


def default_reviewer() -> str:
    """The OS user name, the reviewer recorded when none is given."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user database in some containers
        return "reviewer"


def _plain_reviewer(name: str | None) -> str | None:
    """A reviewer name as given, refused when it is blank or holds a character that would reach a terminal as a command.

    The name is written into every decision and every export; an export holding such a
    name would not import again.
    """
    from annotator.domain import NAME_CONTROLS

    if name is not None and (not name.strip() or NAME_CONTROLS.search(name)):
        raise click.BadParameter(
            f"{name!r} is blank or holds a control character; choose a plain name", param_hint="'--reviewer'"
        )
    return name


class Context:
    """What the group's options chose: the database, the reviewer, and how long writes wait for a lock."""

    def __init__(self, db: str | None, reviewer: str | None, wait: float | None = None):
        self.db = db
        self.named_reviewer = _plain_reviewer(reviewer)
        """The reviewer `--reviewer` named; None leaves it to the store (the database role) or the OS user."""
        self.wait = wait

    @property
    def reviewer(self) -> str:
        """Who is deciding: the name given, else on PostgreSQL the database role, else the OS user name."""
        return self.named_reviewer or default_reviewer()

    @reviewer.setter
    def reviewer(self, name: str) -> None:
        self.named_reviewer = _plain_reviewer(name)

    def open_store(self, create: bool = False, own_lane: bool = False):
        """Connect to the chosen store and return the repository; with `own_lane`, working in the reviewer's lane.

        Without it, the repository's own default: the shared lane, or, for a PostgreSQL
        role the store's row-level security binds, that role's lane.

        Only the commands that fill a store (`import`, `demo`, `extract --into-store`)
        pass `create`; for any other a missing file is an error and nothing is created.
        """
        from annotator.store import Repository, StoreError, connect
        from annotator.store.roles import reviewer_for

        try:
            connect(self.db, create=create, patience=None if self.wait is None else float(self.wait))
            # On PostgreSQL the reviewer is the database role; a role bound to its own decisions cannot name another.
            self.named_reviewer = reviewer_for(self.named_reviewer)
        except StoreError as error:
            raise click.ClickException(str(error)) from error
        # The lane is named after the reviewer as the store knows them (on PostgreSQL, the role).
        return Repository(lane=self.reviewer if own_lane else None)

    @property
    def db_label(self) -> str:
        """The database as the user named it, or the default path."""
        from annotator.store import default_database_path

        return self.db or str(default_database_path())


pass_context = click.make_pass_decorator(Context)


def progress_bar(length: int, label: str):
    """A progress bar on standard error when it is a terminal; nothing at all when piped or redirected."""
    return click.progressbar(length=length, label=label, file=sys.stderr, hidden=not sys.stderr.isatty())


def counted(items: Iterable[T], bar) -> Iterator[T]:
    """Yield the items, advancing the bar by one for each."""
    for item in items:
        yield item
        bar.update(1)


class StoreErrorsAsMessages(click.Group):
    """A command group whose subcommands report store errors as one plain message, never a traceback."""

    def invoke(self, ctx: click.Context):
        """Run the subcommand; a store error becomes a `ClickException` naming the store's path."""
        try:
            return super().invoke(ctx)
        except click.exceptions.Exit:
            raise
        except click.ClickException as error:
            # A message may quote what a file holds (an id, a label): no control code of it reaches the terminal.
            vars(error)["message"] = shown_lines(error.message)  # click marks it Final; it is still the one shown
            raise
        except Exception as error:
            message = _store_problem(error, ctx)
            if message is None:
                raise
            raise click.ClickException(shown_lines(message)) from error


def _store_problem(error: Exception, ctx: click.Context) -> str | None:
    """What a store error (or an error SQLite raised) says to the user; None for anything else."""
    import sqlite3

    from annotator.store import StoreError, explain

    if isinstance(error, StoreError):
        return str(error)
    import peewee

    if not isinstance(error, (sqlite3.Error, peewee.DatabaseError)):
        return None
    from annotator.store.locking import settings

    path = settings.path or (ctx.obj.db_label if isinstance(ctx.obj, Context) else "the store")
    explained = explain(error, path)
    return str(explained) if explained is not None else f"{path}: the store failed: {error}"


WAIT_HELP = "How long a write waits for another process's lock before giving up, in seconds. Default: 30."


@click.group(cls=StoreErrorsAsMessages, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db", metavar="PATH", envvar="ANNOTATOR_DB",
    help="Store: a SQLite file or a postgresql:// URL. Default: annotator.db in the per-user data directory.",
)
@click.option("--reviewer", metavar="NAME", envvar="ANNOTATOR_REVIEWER", help="Who is deciding. Default: the OS user name; on PostgreSQL, the database role.")
@click.option("--wait", metavar="SECONDS", type=click.FloatRange(min=0), envvar="ANNOTATOR_WAIT", help=WAIT_HELP)
@click.version_option(package_name="annotator")
@click.pass_context
def main(ctx: click.Context, db: str | None, reviewer: str | None, wait: float | None) -> None:
    """Review machine-extracted entities and events in news text, from the keyboard."""
    ctx.obj = Context(db, reviewer, wait)
    ctx.call_on_close(_close_store)


def _chosen_after_the_subcommand(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """A `--db` or `--reviewer` given after the subcommand overrides the one given before it."""
    if value is not None:
        setattr(ctx.ensure_object(Context), str(param.name), value)


def store_options() -> list[click.Option]:
    """`--db`, `--reviewer` and `--wait` for a subcommand, so they may stand where hands put them."""
    return [
        click.Option(
            ["--db"], metavar="PATH", expose_value=False, callback=_chosen_after_the_subcommand,
            help="Store file; the same as before the subcommand.",
        ),
        click.Option(
            ["--reviewer"], metavar="NAME", expose_value=False, callback=_chosen_after_the_subcommand,
            help="Who is deciding; the same as before the subcommand.",
        ),
        click.Option(
            ["--wait"], metavar="SECONDS", type=click.FloatRange(min=0), expose_value=False,
            callback=_chosen_after_the_subcommand, help=WAIT_HELP,
        ),
    ]


def accept_store_options_everywhere(group: click.Group) -> None:
    """Give every subcommand of the group the group's `--db`, `--reviewer` and `--wait` options."""
    for command in group.commands.values():
        taken = {name for param in command.params for name in param.opts}
        command.params.extend(option for option in store_options() if not taken & set(option.opts))


def _close_store() -> None:
    from annotator.store import close

    close()
