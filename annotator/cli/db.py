"""`db check`: is the store whole; `db grant`, `db revoke` and `db roles`: PostgreSQL reviewer roles.

The roles each write only their own decisions. Run by the store's owner. A reviewer then opens the store as their own role
(`--db postgresql://alice@HOST/NAME`), and the server records and enforces that
every decision they write is theirs (see `annotator.store.roles`).
"""

from __future__ import annotations

import os
import sys
from urllib.parse import quote, urlsplit, urlunsplit

import click

from annotator.cli.base import Context, accept_store_options_everywhere, main, pass_context
from annotator.cli.team import shown

PASSWORD_VARIABLE = "ANNOTATOR_ROLE_PASSWORD"


@main.group("db")
def db() -> None:
    """The store itself: whether it is whole (check), and on PostgreSQL, reviewer roles and what they may write."""


def _open_server_store(context: Context) -> None:
    """Open the store; refuse, before anything else happens, a store that is not on a PostgreSQL server."""
    from annotator.store.roles import require_postgres

    context.open_store()
    require_postgres()


def _as_role(url: str, role: str) -> str:
    """The store's URL with `role` as its user and no password, fit to print."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{quote(role, safe='')}@{host}"))


def _in_terminal() -> bool:
    """Whether someone at a terminal can be asked for a password (never when input is piped or absent)."""
    return sys.stdin is not None and sys.stdin.isatty()


def _password(name: str, variable: str, no_password: bool) -> str | None:
    """The new role's password: from the environment, else asked in a terminal; None for none (or to keep it)."""
    from annotator.store.roles import role_exists

    if no_password:
        return None
    given = os.environ.get(variable)
    if given:
        return given
    if role_exists(name):
        return None
    if _in_terminal():
        return str(click.prompt(f"Password for {shown(name)}", hide_input=True, confirmation_prompt=True))
    raise click.ClickException(
        f"no password for the new role {shown(name)!r}: put it in ${variable}, run this in a terminal to be asked "
        "for it, or pass --no-password where the server trusts or identifies its users (trust, peer, certificates)"
    )


@db.command("grant")
@click.argument("name")
@click.option(
    "--password-env", "variable", metavar="VARIABLE", default=PASSWORD_VARIABLE, show_default=True,
    help="The environment variable holding the role's password; without it you are asked in a terminal.",
)
@click.option(
    "--no-password", is_flag=True,
    help="Give the role no password: for servers that trust or identify their users (trust, peer, certificates).",
)
@pass_context
def grant(context: Context, name: str, variable: str, no_password: bool) -> None:
    """Create a reviewer role NAME that may log in, read the store and write only its own decisions.

    Running it again changes nothing but the password (when one is given) and brings
    the store's row-level security policies up to date. An existing role keeps its
    password unless one is given. The password is never printed.
    """
    from annotator.store.roles import check_role_name, grant_reviewer

    _open_server_store(context)
    check_role_name(name)
    password = _password(name, variable, no_password)
    granted = grant_reviewer(name, password)
    what = "Created" if granted.created else "Updated"
    secret = "password set" if granted.password_set else "no password set" if granted.created else "password unchanged"
    click.echo(f"{what} reviewer role {shown(name)!r} (LOGIN, {secret}).")
    click.echo(
        "It reads the whole store and writes only its own decisions and review states "
        f"(review_state rows keyed on their {granted.state_key!r} column)."
    )
    click.echo(f"The reviewer opens the store as that role: --db {_as_role(context.db_label, name)}")


@db.command("revoke")
@click.argument("name")
@pass_context
def revoke(context: Context, name: str) -> None:
    """Take back every right role NAME has on this store; its decisions stay, and so does the role on the server."""
    from annotator.store.roles import revoke_reviewer

    _open_server_store(context)
    revoke_reviewer(name)
    click.echo(f"Role {shown(name)!r} may no longer read or write this store; its decisions stay in the log.")


@db.command("roles")
@pass_context
def roles(context: Context) -> None:
    """List the roles that may write decisions in this store (other than its owner)."""
    from annotator.store.roles import reviewer_roles

    _open_server_store(context)
    found = reviewer_roles()
    if not found:
        click.echo("No reviewer roles yet; make one with `annotator db grant NAME`.")
        return
    for role, may_log_in in found:
        click.echo(shown(role) + ("" if may_log_in else "  (may not log in)"))


@db.command("check")
@click.option("--full", is_flag=True, help="SQLite's integrity check: also matches every index to its table (slower).")
@pass_context
def check(context: Context, full: bool) -> None:
    """Check every page of a SQLite store for damage, without writing to it; exit 1 when it is damaged.

    Other commands find damage only on the pages they read (an import checks the whole
    store first). A PostgreSQL server checks its own pages.
    """
    from annotator.store.database import check_store

    click.echo(check_store(context.db, full))


accept_store_options_everywhere(db)
