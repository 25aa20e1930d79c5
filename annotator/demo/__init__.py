"""The bundled demo: the seed news article with its machine-extracted candidates."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

DEMO_FILE = "demo.jsonl"


def demo_path() -> Path:
    """The demo JSONL: packaged in a wheel, or read from the checkout's fixtures/ in an editable install."""
    packaged = Path(str(files("annotator.demo").joinpath(DEMO_FILE)))
    if packaged.is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "fixtures" / DEMO_FILE
    if checkout.is_file():
        return checkout
    raise FileNotFoundError(f"the demo data {DEMO_FILE} is missing from this installation")
