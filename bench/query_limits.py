"""Worst-case queries at the query limits, timed on a generated tree.

    python -m bench.generate /tmp/n100k --entries 100000
    python -m bench.query_limits /tmp/n100k [--runs 3]

Every query here is *within* the limits (MAX_QUERY_CHARS characters, MAX_TERMS
terms, MAX_ALTERNATIVES alternatives per `|` group) and built to be as expensive
as the limits allow: long terms, many terms, wide OR groups, typo-widened nonsense, negations,
hostile punctuation, many filters. The issue asks that each answers in well
under a second at 100k entries. Over-limit queries are timed too: they must be
refused without touching SQL. Prints the median of `--runs` per query, with the
load average (the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from tui.core.search.query import MAX_ALTERNATIVES, MAX_QUERY_CHARS, MAX_TERMS, parse_query
from tui.core.search.searchable import SearchableIndex

HOSTILE = "ab |!^$'\"#@:"


def _words(rng: random.Random, count: int, low: int, high: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(low, high)))
            for _ in range(count)]


def worst_cases(seed: int = 14) -> dict[str, str]:
    rng = random.Random(seed)
    hostile_tokens = [
        "".join(rng.choice(HOSTILE.replace(" ", "")) for _ in range(250)) for _ in range(MAX_TERMS)
    ]
    half = MAX_TERMS // 2
    n, alt = MAX_TERMS, MAX_ALTERNATIVES
    common = ["th", "in", "an", "er", "on", "re", "at", "en"]
    cases = {
        f"one {MAX_QUERY_CHARS:,}-letter term": "".join(
            rng.choice("abcdefghij") for _ in range(MAX_QUERY_CHARS)
        ),
        f"{n} random words (typo widening)": " ".join(_words(rng, MAX_TERMS, 5, 9)),
        f"{n} long random words": " ".join(_words(rng, MAX_TERMS, 60, 64))[:MAX_QUERY_CHARS],
        f"{n} common 2-letter terms": " ".join((common * MAX_TERMS)[:MAX_TERMS]),
        f"2 groups of {half} ORs": " ".join(
            " | ".join(_words(rng, half, 3, 7)) for _ in range(2)
        ),
        f"{alt} ORs of 2 letters": " | ".join(_words(rng, MAX_ALTERNATIVES, 2, 2)),
        f"{n} negations": " ".join(f"!{w}" for w in _words(rng, MAX_TERMS, 3, 6)),
        f"{n} hostile tokens": " ".join(hostile_tokens)[:MAX_QUERY_CHARS],
        f"{n} anchored/exact": " ".join(
            f"{rng.choice(['^', chr(39), ''])}{w}{rng.choice(['$', chr(39), ''])}"
            for w in _words(rng, MAX_TERMS, 3, 8)
        ),
        f"{n} filters": " ".join(
            rng.choice([f"#{w}", f"@{w}", f"path:{w}", f"title:{w}", "likes:>10",
                        "date:2024", "!kind:tweet"])
            for w in _words(rng, MAX_TERMS, 3, 6)
        ),
        f"{half} words + {half} filters, {MAX_QUERY_CHARS:,} chars": (
            " ".join(_words(rng, half, 60, 64)) + " "
            + " ".join(f"path:{w}" for w in _words(rng, half, 50, 60))
        )[:MAX_QUERY_CHARS],
    }
    for name, text in cases.items():
        parsed = parse_query(text)
        assert not parsed.refused, (name, parsed.errors)
    return cases


def over_limits() -> dict[str, str]:
    rng = random.Random(7)
    return {
        "25,000-letter term": "a" * 25_000,
        "501 ORs": " | ".join(f"w{i}" for i in range(501)),
        "100 KB hostile": "".join(rng.choice(HOSTILE) for _ in range(100_000)),
        "100 KB words": " ".join(_words(rng, 16_000, 3, 6))[:100_000],
    }


def _time(index: SearchableIndex, text: str, runs: int) -> tuple[float, int, bool]:
    times = []
    total, refused = 0, False
    for _ in range(runs):
        start = time.perf_counter()
        result = index.engine.search(text, limit=50)
        times.append(time.perf_counter() - start)
        total, refused = result.total, bool(result.errors)
    return statistics.median(times), total, refused


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache-dir", type=Path, default=None)
    args = parser.parse_args()
    cache = args.cache_dir or Path(tempfile.gettempdir()) / "notesift-bench-limits-cache"
    index = SearchableIndex(args.root, cache_dir=cache)
    started = time.perf_counter()
    index.refresh()
    print(f"index ready in {time.perf_counter() - started:.1f} s; "
          f"{index.store.count():,} entries; load {os.getloadavg()[0]:.2f}")
    started = time.perf_counter()
    index.engine.search("warm up shengchanli", limit=50)  # vocabularies load once per process
    print(f"first search (loads vocabularies) {time.perf_counter() - started:.2f} s")
    worst = 0.0
    for label, cases in (("within limits", worst_cases()), ("over limits", over_limits())):
        print(f"\n{label}:")
        for name, text in cases.items():
            seconds, total, refused = _time(index, text, args.runs)
            worst = max(worst, seconds) if label == "within limits" else worst
            verdict = "refused" if refused else f"{total:>5} matches"
            print(f"  {name:<38} {seconds * 1000:8.1f} ms  {verdict}  ({len(text):,} chars)")
    print(f"\nslowest within limits: {worst * 1000:.1f} ms; load {os.getloadavg()}")
    index.close()


if __name__ == "__main__":
    main()
