"""The command group, its options and the context every subcommand gets: the store and the reviewer."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

import click

T = TypeVar("T")


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


def progress_bar(length: int, label: str):
    """A progress bar on standard error when it is a terminal; nothing at all when piped or redirected."""
    return click.progressbar(length=length, label=label, file=sys.stderr, hidden=not sys.stderr.isatty())


def counted(items: Iterable[T], bar) -> Iterator[T]:
    """Yield the items, advancing the bar by one for each."""
    for item in items:
        yield item
        bar.update(1)


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


def _chosen_after_the_subcommand(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """A `--db` or `--reviewer` given after the subcommand overrides the one given before it."""
    if value is not None:
        setattr(ctx.ensure_object(Context), str(param.name), value)


def store_options() -> list[click.Option]:
    """`--db` and `--reviewer` for a subcommand, so they may stand where hands put them."""
    return [
        click.Option(
            ["--db"], metavar="PATH|URL", expose_value=False, callback=_chosen_after_the_subcommand,
            help="Database file (or URL); the same as before the subcommand.",
        ),
        click.Option(
            ["--reviewer"], metavar="NAME", expose_value=False, callback=_chosen_after_the_subcommand,
            help="Who is deciding; the same as before the subcommand.",
        ),
    ]


def accept_store_options_everywhere(group: click.Group) -> None:
    """Give every subcommand of the group the group's `--db` and `--reviewer` options."""
    for command in group.commands.values():
        taken = {name for param in command.params for name in param.opts}
        command.params.extend(option for option in store_options() if not taken & set(option.opts))


def _close_store() -> None:
    from annotator.store import close

    close()
