"""The README's Guarantees name only tests that exist, so a promise cannot outlive the test that shows it."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def _section(readme: str, title: str) -> str:
    return readme.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_every_guarantee_names_a_test_that_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.index("\n## Guarantees\n") < readme.index("\n## Development\n")
    guarantees = _section(readme, "Guarantees")
    promises = [line for line in guarantees.splitlines() if line.startswith("- **")]
    named = re.findall(r"`(tests/[\w/]+\.py)::(test_\w+)`", guarantees)
    assert len(promises) >= 10 and len(named) >= len(promises)
    for promise in guarantees.split("\n- **")[1:]:
        assert "::test_" in promise, f"a guarantee without its test: {promise[:80]}"
    for path, name in named:
        source = (ROOT / path).read_text(encoding="utf-8")
        assert re.search(rf"^(async )?def {name}\(", source, re.MULTILINE), f"{path}::{name} is not a test there"
