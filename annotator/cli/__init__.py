"""The `annotator` command line: each subcommand opens the store, then runs the TUI or a headless job.

The group and its context live in `base`; each module below registers its subcommands on it.
"""

from annotator.cli import db, evaluate, interchange, jobs, report, review, team  # noqa: F401  (registers the subcommands)
from annotator.cli.base import accept_store_options_everywhere, main

accept_store_options_everywhere(main)

__all__ = ["main"]
