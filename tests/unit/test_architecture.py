"""The layering holds: core modules never import Textual, and the TUI starts without spaCy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_linter_contracts_hold():
    completed = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), str(ROOT / "pyproject.toml")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "kept" in completed.stdout


def test_the_review_app_and_the_store_load_without_spacy_or_textual_in_core():
    code = (
        "import sys\n"
        "import annotator.cli, annotator.store, annotator.formats.native, annotator.schema, annotator.review.session\n"
        "assert 'textual' not in sys.modules, 'core imported textual'\n"
        "import annotator.tui.app\n"
        "assert 'spacy' not in sys.modules, 'the TUI imported spacy'\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
