"""Segmenting one big text without sentences: peak memory and throughput, each run in a child process.

Run: python -m tests.bench.bench_segment [--megabytes 50] [--wrapped] [--mode stream list]

The text is the seed article's paragraphs in a seeded random order, repeated until it
holds the asked number of megabytes (UTF-8); --wrapped hard-wraps every paragraph at
72 columns, so `unwrap` has to join the lines first. Each mode runs in its own child
process, which builds the text, segments it and reports its sentence and token counts;
the parent prints the child's peak RSS (its rusage, read with os.wait4, the same figure
as resource.getrusage(RUSAGE_CHILDREN) for that one child) and its throughput.

- stream: `iter_sentences`, keeping each sentence's tokens packed as the store keeps them
  (8 bytes a token): the memory of segmenting itself, paragraph by paragraph.
- list: `segment`, the whole list of `Sentence` objects that `complete_sentences` hands an
  import; it holds a Python tuple per token (about 120 bytes each), so it grows with the text.

Target: a 50 MB text under 500 MB peak RSS (stream).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import textwrap
import time
from pathlib import Path

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_64f573a14888b357.txt"
ROOT = Path(__file__).resolve().parents[2]


def generated_text(megabytes: float, wrapped: bool, seed: int = 7) -> str:
    """Seed paragraphs in a random order, blank lines between, until the text holds `megabytes` of UTF-8."""
    paragraphs = [p.strip() for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    if wrapped:
        paragraphs = [textwrap.fill(p, 72) for p in paragraphs]
    sizes = {p: len(p.encode("utf-8")) + 2 for p in paragraphs}
    chosen: list[str] = []
    total = 0
    rng = random.Random(seed)
    while total < megabytes * 1_000_000:
        paragraph = rng.choice(paragraphs)
        chosen.append(paragraph)
        total += sizes[paragraph]
    return "\n\n".join(chosen)


def child(megabytes: float, wrapped: bool, mode: str) -> None:
    """Build the text, segment it, print one JSON line of counts and seconds."""
    from annotator.nlp.segment import iter_sentences, segment, segmenter
    from annotator.store.importer import pack_tokens

    text = generated_text(megabytes, wrapped)
    segmenter()  # load spaCy before the clock starts
    started = time.perf_counter()
    if mode == "stream":
        packed = []
        sentences = 0
        for sentence in iter_sentences(text):
            packed.append(pack_tokens(sentence.tokens))
            sentences += 1
        tokens = sum(len(p) for p in packed) // 8
    else:
        found = segment(text)
        sentences, tokens = len(found), sum(len(s.tokens) for s in found)
    seconds = time.perf_counter() - started
    print(json.dumps({"chars": len(text), "bytes": len(text.encode("utf-8")), "sentences": sentences,
                      "tokens": tokens, "seconds": seconds}))


def measure(megabytes: float, wrapped: bool, mode: str) -> dict[str, float]:
    """Run one child; its counts, seconds and peak RSS in MB."""
    command = [sys.executable, "-m", "tests.bench.bench_segment", "--child", mode, "--megabytes", str(megabytes)]
    if wrapped:
        command.append("--wrapped")
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
    parser.add_argument("--wrapped", action="store_true", help="hard-wrap the paragraphs at 72 columns")
    parser.add_argument("--mode", nargs="+", choices=["stream", "list"], default=["stream", "list"])
    parser.add_argument("--child", choices=["stream", "list"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.megabytes, args.wrapped, args.child)
        return {}
    results = {}
    for mode in args.mode:
        figures = measure(args.megabytes, args.wrapped, mode)
        results[mode] = figures
        print(
            f"{mode:<6} {figures['bytes'] / 1e6:6.1f} MB{' wrapped' if args.wrapped else ''}: "
            f"{figures['sentences']:,} sentences, {figures['tokens']:,} tokens in {figures['seconds']:.1f} s = "
            f"{figures['bytes'] / 1e6 / figures['seconds']:.2f} MB/s, {figures['tokens'] / figures['seconds']:,.0f} tokens/s; "
            f"peak RSS {figures['peak_rss_mb']:,.0f} MB" + ("  (target < 500 MB at 50 MB)" if mode == "stream" else "")
        )
    return results


if __name__ == "__main__":
    main()
