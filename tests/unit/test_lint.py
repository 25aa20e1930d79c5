"""The code stays clean: ruff and mypy pass on annotator/, modules stay small, tests/unit stays free of Textual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MAX_MODULE_LINES = 500


def run(*command: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def test_ruff_is_clean():
    completed = run(str(BIN / "ruff"), "check", "annotator", "tests", "--no-cache")
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_mypy_is_clean():
    completed = run(sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), "annotator")
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_no_module_is_over_five_hundred_lines():
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in (ROOT / "annotator").rglob("*.py")
    }
    assert {name: lines for name, lines in sizes.items() if lines > MAX_MODULE_LINES} == {}


def test_unit_tests_never_import_textual():
    modules = sorted(
        f"tests.unit.{path.stem}" for path in (ROOT / "tests" / "unit").glob("test_*.py")
    )
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "assert not loaded, loaded[:5]\n"
    )
    completed = run(sys.executable, "-c", code, timeout=180)
    assert completed.returncode == 0, completed.stderr
