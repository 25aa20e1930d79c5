"""The review screen's commands: `review`, `adjudicate`, `keys` and `demo`."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.cli.base import Context, main, pass_context


def _review_bindings() -> list:
    """The review screen's bindings (Textual is imported only when a command needs it)."""
    from textual.binding import Binding

    from annotator.tui.screens.review import ReviewScreen

    return [binding for binding in ReviewScreen.BINDINGS if isinstance(binding, Binding)]


def _review(context: Context, repository, keys: Path | None, adjudication=None) -> None:
    from annotator.tui.app import AnnotatorApp
    from annotator.tui.keymap import KeymapError, load_keymap

    try:
        keymap = load_keymap(keys, {b.id for b in _review_bindings() if b.id})
    except KeymapError as error:
        raise click.ClickException(str(error)) from error
    AnnotatorApp(
        repository, reviewer=context.reviewer, db_label=context.db_label, keymap=keymap, adjudication=adjudication,
    ).run()


KEYS_OPTION = click.option(
    "--keys", type=click.Path(dir_okay=False, path_type=Path),
    help="Keymap JSON (binding id -> key). Default: keys.json in the per-user config folder, if present.",
)


@main.command("review")
@KEYS_OPTION
@click.option(
    "--own-lane", is_flag=True,
    help="Decide in a lane of the reviewer's own: other reviewers' decisions are not shown, nor yours to them "
    "(for agreement on documents reviewed twice). Export with --source to combine the lanes.",
)
@pass_context
def review_command(context: Context, keys: Path | None, own_lane: bool) -> None:
    """Open the review screen on the store, where the reviewer stopped.

    In a team (once `annotator assign` has run) a reviewer reviews their own queue, in their own lane.
    """
    repository = context.open_store(own_lane=own_lane)
    _review(context, _in_team(context, repository), keys)


def _in_team(context: Context, repository):
    """The repository for the reviewer's queue and lane when the store's documents are assigned; else as opened.

    The queue is the reviewer's assigned documents; once those are done, the next document
    nobody has is claimed for them (`team.claim_next`, safe when several reviewers claim at once).
    """
    from annotator.store import Repository, team

    queues = team.assignments()
    if not queues:
        return repository
    queue = list(queues.get(context.reviewer, []))
    if not repository.read_only:
        claimed = team.claim_next(context.reviewer)
        if claimed is not None and claimed not in queue:
            queue.append(claimed)
            click.echo(f"claimed a document nobody had: {len(queue)} in your queue", err=True)
    if not queue:
        raise click.ClickException(
            f"nothing is assigned to {context.reviewer!r} and no document is left to claim; "
            "see `annotator progress`, or `annotator assign` to give out documents"
        )
    return Repository(lane=context.reviewer, documents=queue)


@main.command("adjudicate")
@click.option("--reviewers", metavar="A,B", help="Settle only what these reviewers disagree on. Default: every reviewer lane.")
@KEYS_OPTION
@pass_context
def adjudicate_command(context: Context, reviewers: str | None, keys: Path | None) -> None:
    """Open the review screen on only the candidates reviewers disagree on; your decision becomes the final state.

    \b
    A disagreement: the reviewers who decided a candidate in lanes of their own
    (review --own-lane) gave it different statuses or corrections, and nobody decided
    it in the shared lane yet. Each row shows every reviewer's decision; the keys
    decide as in review, in the shared lane, and go on to the next disagreement.
    Export (its default --source final) then gives the adjudicated states, and
    what the reviewers agree on everywhere else.
    """
    from annotator.cli.team import names_option, shown
    from annotator.review.adjudication import Adjudication
    from annotator.store.lanes import SHARED

    names = names_option(reviewers, "--reviewers")
    if names is not None and len(names) < 2:
        raise click.UsageError("--reviewers: name at least two reviewers, whose disagreements to settle")
    repository = context.open_store()
    if repository.lane != SHARED:
        raise click.ClickException(
            f"{context.db_label}: adjudication decides in the shared lane, which your role ({shown(repository.lane)}) "
            "may not write; adjudicate as the store's owner"
        )
    if not repository.has_reviewer_lanes():
        raise click.ClickException(
            f"{context.db_label}: nothing to adjudicate: no reviewer decided in a lane of their own; "
            "reviewers who review the same documents do so with `annotator review --own-lane`"
        )
    if names is not None:
        missing = [name for name in names if name not in repository.lane_names()]
        if missing:
            lanes = ", ".join(shown(name) for name in repository.lane_names() if name) or "none"
            raise click.ClickException(
                f"--reviewers: no lane of {', '.join(shown(name) for name in missing)} in the store (lanes: {lanes})"
            )
    adjudication = Adjudication(repository, names)
    if not len(adjudication):
        among = f" between {', '.join(shown(name) for name in names)}" if names else ""
        click.echo(f"No disagreement to adjudicate{among}: export gives what the reviewers agree on (and any final state).")
        return
    _review(context, repository, keys, adjudication)


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

    repository = context.open_store(create=True)
    if repository.read_only:
        click.echo(f"{context.db_label}: read-only store, opened for reading only; the demo is not loaded", err=True)
    else:
        documents = [d.document for d in read_native([demo_path()])]
        result = repository.import_documents(documents, reviewer=context.reviewer)
        if result.added:
            click.echo(f"loaded the demo into {context.db_label}", err=True)
    if not no_review:
        _review(context, repository, keys)
