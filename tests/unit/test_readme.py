"""The README's native JSONL example is a valid document whose offsets say what they claim."""

from __future__ import annotations

import json

from annotator.formats.native import read_native
from tests.conftest import ROOT, write_jsonl


def test_readme_example_imports(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [json.loads(part.split("```", 1)[0]) for part in readme.split("```json\n")[1:]]
    [example] = [block for block in blocks if "text" in block]
    [sourced] = read_native([write_jsonl(tmp_path / "example.jsonl", example)])
    document = sourced.document
    text = document.text
    assert [text[e.start : e.end] for e in document.entities] == ["Kerry", "Lavrov", "New York", "Wednesday", "Russian", "Hama"]
    assert [(s.start, s.end) for s in document.sentences] == [(0, 46), (48, 73)]
    assert [len(e.arguments) for e in document.events] == [4, 2]


def test_readme_starts_with_the_two_newcomer_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```sh\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert first_block == [
        "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/annotator demo",
        "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest",
    ]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert first_block[1] in ci
