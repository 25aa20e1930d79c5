"""The review application, driven with Textual's Pilot against a real store."""

from __future__ import annotations

from textual.widgets import DataTable

from annotator.formats.native import read_native
from annotator.tui.app import AnnotatorApp
from tests.conftest import FIXTURES


async def test_lists_the_demo_document_with_its_progress(repository):
    repository.import_documents([d.document for d in read_native([FIXTURES / "demo.jsonl"])])
    app = AnnotatorApp(repository, reviewer="ana", db_label="test.db")
    async with app.run_test(size=(120, 36)) as pilot:
        table = app.screen.query_one("#documents", DataTable)
        assert table.row_count == 1
        row = table.get_row_at(0)
        assert str(row[0]) == "000_64f573a14888b357"
        assert str(row[1]).startswith("Russia admits hitting non-ISIS targets")
        assert int(row[3]) == repository.document_summaries()[0].candidates > 100
        await pilot.press("q")
    assert app.return_code == 0
