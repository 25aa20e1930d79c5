"""A big plain text imports in memory that grows with its text and packed tokens, not with an object per token.

Before tokens were packed, `annotator import` of one 54 MB text without sentences peaked at
about 2 GB: some 36 MB for each megabyte of text. The test imports a text of a few megabytes
in a real process and bounds how much more its peak RSS is than that of a tiny text's import.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import orjson

from tests.bench.bench_segment import generated_text
from tests.cli.hostile import ANNOTATOR

MEGABYTES = 6
# Measured: about 6 MB of peak RSS per megabyte of text (text, its packed tokens, SQLite's copies of it).
MAX_MB_PER_TEXT_MB = 15


def peak_rss_of_import(folder: Path, name: str, text: str) -> float:
    """Peak RSS in MB of `annotator import` of the text as one native document without sentences."""
    corpus = folder / f"{name}.jsonl"
    corpus.write_bytes(orjson.dumps({"id": name, "text": text}) + b"\n")
    with tempfile.TemporaryFile() as output:
        child = subprocess.Popen([str(ANNOTATOR), "--db", str(folder / f"{name}.db"), "import", str(corpus)],
                                 stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(child.pid, 0)
        output.seek(0)
        said = output.read().decode()
    assert os.waitstatus_to_exitcode(status) == 0, said
    assert "imported 1 document(s)" in said, said
    return usage.ru_maxrss / 1024


def test_a_big_plain_text_imports_in_memory_proportionate_to_its_text(tmp_path):
    tiny = peak_rss_of_import(tmp_path, "tiny", generated_text(0.001, wrapped=False))
    for hostile in (False, True):
        text = generated_text(MEGABYTES, wrapped=False, hostile=hostile)
        big = peak_rss_of_import(tmp_path, f"big{int(hostile)}", text)
        assert (big - tiny) / MEGABYTES < MAX_MB_PER_TEXT_MB, (hostile, tiny, big)
