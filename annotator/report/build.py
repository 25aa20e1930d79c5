"""Writing a report into a folder: the stylesheet, one page per reviewed article, then the summary page.

The caller chooses the folder; the command line hands in a temporary one and renames
it into place when this returns, so a reader never sees half a report.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.report.article import is_reviewed, render_article
from annotator.report.html import STYLESHEET, stylesheet
from annotator.report.summary import DocumentEntry, render_summary

if TYPE_CHECKING:
    from annotator.store import Repository

ARTICLES = "articles"
"""The sub-folder that holds the article pages."""
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class ReportSummary:
    """What a report holds: how many documents the store has, how many got a page, and the bytes written."""

    documents: int
    pages: int
    bytes: int

    def lines(self) -> list[str]:
        """The summary as a line for the user."""
        return [f"{self.pages} article page(s) of {self.documents} document(s), {self.bytes / 1024:.0f} KiB"]


def page_name(position: int, document_id: str) -> str:
    """A file name for a document's page: its position in the store, then its id made safe for any file system."""
    slug = _UNSAFE.sub("-", document_id).strip("-.")[:60] or "document"
    return f"{position:05d}-{slug}.html"


def write_report(
    repository: Repository, folder: Path, db_label: str, every_document: bool = False,
    progress: Callable[[int], None] | None = None, generated_at: float | None = None,
) -> ReportSummary:
    """Write the report of the store into `folder` (which must exist); `progress(1)` is called per document.

    Only documents a reviewer worked on get a page, unless `every_document` is true.
    """
    written = 0
    (folder / STYLESHEET).write_text(stylesheet(), encoding="utf-8")
    (folder / ARTICLES).mkdir()
    summaries = {s.pk: s for s in repository.document_summaries()}
    pages: dict[int, str] = {}
    reviewed: set[int] = set()
    for position, document in enumerate(repository.iter_documents(with_tokens=False), 1):
        assert document.pk is not None  # stored documents have a pk
        if is_reviewed(document):
            reviewed.add(document.pk)
        if every_document or document.pk in reviewed:
            name = f"{ARTICLES}/{page_name(position, document.id)}"
            content = render_article(document).encode("utf-8")
            (folder / name).write_bytes(content)
            written += len(content)
            pages[document.pk] = name
        if progress is not None:
            progress(1)
    entries = [DocumentEntry(s.pk, s.id, s.title, s.candidates, s.decided, s.pk in reviewed, pages.get(s.pk)) for s in summaries.values()]
    index = render_summary(repository, entries, db_label, time.time() if generated_at is None else generated_at)
    content = index.encode("utf-8")
    (folder / "index.html").write_bytes(content)
    written += len(content) + (folder / STYLESHEET).stat().st_size
    return ReportSummary(len(entries), len(pages), written)
