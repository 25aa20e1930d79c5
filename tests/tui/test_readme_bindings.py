"""The README's keymap example and key table agree with the review screen's bindings."""

from __future__ import annotations

from tests.conftest import ROOT


def test_readme_keymap_example_is_valid(tmp_path):
    from annotator.tui.keymap import load_keymap
    from annotator.tui.screens.review import ReviewScreen

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [part.split("```", 1)[0] for part in readme.split("```json\n")[1:]]
    [keymap] = [block for block in blocks if '"accept"' in block]
    path = tmp_path / "keys.json"
    path.write_text(keymap)
    assert load_keymap(path, {b.id for b in ReviewScreen.BINDINGS})["accept"] == "y"


def test_readme_lists_every_binding():
    from annotator.tui.screens.review import ReviewScreen

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [b.id for b in ReviewScreen.BINDINGS if f"`{b.id}`" not in readme]
    assert missing == []
