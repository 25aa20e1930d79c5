"""Segmenting and importing one big text without sentences: peak memory and throughput, each run in a child process.

Run: python -m tests.bench.bench_segment [--megabytes 50] [--wrapped | --hostile] [--mode stream list columns import]

The text is the seed article's paragraphs in a seeded random order, repeated until it
holds the asked number of megabytes (UTF-8); --wrapped hard-wraps every paragraph at
72 columns, so `unwrap` has to join the lines first; --hostile takes every punctuation
mark out and leaves a paragraph break only every megabyte, so nothing but the piece
limit cuts it into sentences. Each mode runs in its own child process; the parent
prints the child's peak RSS (its rusage, read with os.wait4, the same figure as
resource.getrusage(RUSAGE_CHILDREN) for that one child) and its throughput.

- stream: `iter_sentences`, keeping each sentence's tokens packed as the store keeps them
  (8 bytes a token): the memory of segmenting itself, paragraph by paragraph.
- list: `segment`, the whole list of `Sentence` objects (each holding its `Tokens`, 8 bytes
  a token, but about 300 bytes of objects a sentence).
- columns: `segment_many`, the `SentenceColumns` an import holds (24 bytes a sentence
  beside its tokens).
- import: `annotator import` of the text as one native JSONL document without sentences
  (the file is written by the parent; the child is the command, as a user runs it);
  `--annotator-root DIR` imports with another checkout's annotator, to compare.

Target: a 50 MB text under 500 MB peak RSS, segmenting (stream) and importing (import).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

MODES = ["stream", "list", "columns", "import"]

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_64f573a14888b357.txt"
ROOT = Path(__file__).resolve().parents[2]


def generated_text(megabytes: float, wrapped: bool, seed: int = 7, hostile: bool = False) -> str:
    """Seed paragraphs in a random order, blank lines between, until the text holds `megabytes` of UTF-8.

    `hostile` strips the punctuation and puts a blank line only every megabyte, spaces elsewhere.
    """
    paragraphs = [p.strip() for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    if wrapped:
        paragraphs = [textwrap.fill(p, 72) for p in paragraphs]
    if hostile:
        paragraphs = [" ".join(re.sub(r"[^\w\s]", "", p).split()) for p in paragraphs]
    sizes = {p: len(p.encode("utf-8")) + 2 for p in paragraphs}
    chosen: list[str] = []
    total = 0
    rng = random.Random(seed)
    while total < megabytes * 1_000_000:
        paragraph = rng.choice(paragraphs)
        if hostile and chosen and total // 1_000_000 != (total + sizes[paragraph]) // 1_000_000:
            chosen.append("\n\n")
        elif chosen:
            chosen.append(" " if hostile else "\n\n")
        chosen.append(paragraph)
        total += sizes[paragraph]
    return "".join(chosen)


def child(megabytes: float, wrapped: bool, hostile: bool, mode: str) -> None:
    """Build the text, segment it, print one JSON line of counts and seconds."""
    from annotator.nlp.segment import iter_sentences, segment, segment_many, segmenter

    text = generated_text(megabytes, wrapped, hostile=hostile)
    segmenter()  # load spaCy before the clock starts
    started = time.perf_counter()
    if mode == "stream":
        packed = []
        sentences = 0
        for sentence in iter_sentences(text):
            packed.append(sentence.tokens.packed)
            sentences += 1
        tokens = sum(len(p) for p in packed) // 8
    else:
        found = segment(text) if mode == "list" else next(segment_many([text]))
        sentences, tokens = len(found), sum(len(s.tokens) for s in found)
    seconds = time.perf_counter() - started
    print(json.dumps({"chars": len(text), "bytes": len(text.encode("utf-8")), "sentences": sentences,
                      "tokens": tokens, "seconds": seconds}))


def measure_import(megabytes: float, wrapped: bool, hostile: bool, root: Path = ROOT) -> dict[str, float]:
    """Write the text as one native document without sentences, run `annotator import` on it; counts, seconds, peak RSS."""
    import sqlite3

    from tests.bench.bench_store import annotator_import

    text = generated_text(megabytes, wrapped, hostile=hostile)
    with tempfile.TemporaryDirectory() as folder:
        corpus, db = Path(folder) / "big.jsonl", Path(folder) / "big.db"
        corpus.write_bytes(json.dumps({"id": "big", "text": text}).encode() + b"\n")
        del text
        seconds, _candidates, peak = annotator_import(corpus, db, root)
        with sqlite3.connect(db) as connection:
            sentences, packed_bytes = connection.execute("SELECT count(*), sum(length(tokens)) FROM sentence").fetchone()
            chars = connection.execute("SELECT length(text) FROM document").fetchone()[0]
        connection.close()
        size = corpus.stat().st_size
    return {"chars": chars, "bytes": size, "sentences": sentences, "tokens": packed_bytes // 8, "seconds": seconds,
            "peak_rss_mb": peak}


def measure(megabytes: float, wrapped: bool, hostile: bool, mode: str, root: Path = ROOT) -> dict[str, float]:
    """Run one child; its counts, seconds and peak RSS in MB."""
    if mode == "import":
        return measure_import(megabytes, wrapped, hostile, root)
    command = [sys.executable, "-m", "tests.bench.bench_segment", "--child", mode, "--megabytes", str(megabytes)]
    if wrapped:
        command.append("--wrapped")
    if hostile:
        command.append("--hostile")
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"the {mode} child failed with exit status {process.returncode}")
    figures = json.loads(output.strip().splitlines()[-1])
    figures["peak_rss_mb"] = usage.ru_maxrss / 1024  # kilobytes on Linux
    return figures


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=50)
    shape = parser.add_mutually_exclusive_group()
    shape.add_argument("--wrapped", action="store_true", help="hard-wrap the paragraphs at 72 columns")
    shape.add_argument("--hostile", action="store_true", help="no punctuation, a paragraph break only every megabyte")
    parser.add_argument("--mode", nargs="+", choices=MODES, default=MODES)
    parser.add_argument("--annotator-root", type=Path, default=ROOT, help="checkout whose annotator does the import")
    parser.add_argument("--child", choices=MODES[:3], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.megabytes, args.wrapped, args.hostile, args.child)
        return {}
    kind = " wrapped" if args.wrapped else " hostile" if args.hostile else ""
    results = {}
    for mode in args.mode:
        figures = measure(args.megabytes, args.wrapped, args.hostile, mode, args.annotator_root)
        results[mode] = figures
        target = "  (target < 500 MB at 50 MB)" if mode in ("stream", "import") else ""
        print(
            f"{mode:<7} {figures['bytes'] / 1e6:6.1f} MB{kind}: "
            f"{figures['sentences']:,} sentences, {figures['tokens']:,} tokens in {figures['seconds']:.1f} s = "
            f"{figures['bytes'] / 1e6 / figures['seconds']:.2f} MB/s, {figures['tokens'] / figures['seconds']:,.0f} tokens/s; "
            f"peak RSS {figures['peak_rss_mb']:,.0f} MB, {figures['peak_rss_mb'] / (figures['bytes'] / 1e6):.1f} x the text"
            + target
        )
    return results


if __name__ == "__main__":
    main()
