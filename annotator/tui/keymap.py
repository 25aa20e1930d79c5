"""The reviewer's own keys: a JSON file mapping binding ids to keys overrides the defaults.

Example (`~/.config/annotator/keys.json` on Linux):

    {"accept": "y", "reject": "n", "add_entity": "plus"}

Ids are the ones `annotator keys` and the help screen list. Several keys are
separated by commas. Textual applies the map, so the footer, the help screen
and the command palette show the reviewer's keys, not the defaults.
"""

from __future__ import annotations

import json
from pathlib import Path

from textual.binding import Binding


class KeymapError(Exception):
    """A keymap file that cannot be used, with the reason."""


def default_keymap_path() -> Path:
    """Where annotator looks for the reviewer's keymap."""
    from platformdirs import user_config_path

    return user_config_path("annotator", appauthor=False) / "keys.json"


def load_keymap(path: Path | None, known_ids: set[str]) -> dict[str, str]:
    """The overrides in a keymap file (an absent default file means none)."""
    explicit = path is not None
    path = path or default_keymap_path()
    if not path.is_file():
        if explicit:
            raise KeymapError(f"{path}: no such keymap file")
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise KeymapError(f"{path}: not a readable JSON keymap: {error}") from error
    if not isinstance(raw, dict) or not all(isinstance(k, str) and isinstance(v, str) and v for k, v in raw.items()):
        raise KeymapError(f'{path}: must be an object of binding ids to keys, like {{"accept": "y"}}')
    unknown = sorted(set(raw) - known_ids)
    if unknown:
        raise KeymapError(f"{path}: unknown binding id(s) {', '.join(unknown)}; known: {', '.join(sorted(known_ids))}")
    return dict(raw)


def effective_key(binding: Binding, keymap: dict[str, str]) -> str:
    """The keys that trigger a binding once the keymap applies."""
    return keymap.get(binding.id or "", binding.key)
