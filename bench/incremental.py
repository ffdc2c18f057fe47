"""Incremental update cost: change 1% of a tree's files, time the refresh.

The index must cost in proportion to the change, not the tree: after a cold
build, rewrite a given share of the note files (appending a line, so sizes and
mtimes change) and time `SearchableIndex.refresh()` again, then `update_path()` file
by file as the watcher would.

    python -m bench.incremental ROOT [--share 0.01] [--cache DIR]

ROOT is a generated tree (`python -m bench.generate`); it is modified in place,
so use a copy you do not mind changing.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from tui.core.search.searchable import SearchableIndex


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path)
    parser.add_argument("--share", type=float, default=0.01)
    parser.add_argument("--cache", type=Path, default=None)
    args = parser.parse_args()
    cache = args.cache or Path(tempfile.mkdtemp(prefix="nsinc-"))

    index = SearchableIndex(args.root, cache_dir=cache)
    started = time.perf_counter()
    first = index.refresh()
    print(f"first refresh: {first.parsed} parsed, {first.reused} reused, "
          f"{time.perf_counter() - started:.1f} s, {index.store.count():,} entries")

    files = sorted(p for p in args.root.rglob("*") if p.suffix in (".md", ".txt"))
    chosen = random.Random(0).sample(files, max(1, int(len(files) * args.share)))
    for path in chosen:
        with path.open("a", encoding="utf-8") as handle:
            handle.write("\nincremental benchmark line\n")
    started = time.perf_counter()
    again = index.refresh()
    print(f"after changing {len(chosen)} of {len(files)} files: refresh parsed "
          f"{again.parsed}, reused {again.reused}, {time.perf_counter() - started:.2f} s")

    for path in chosen:
        with path.open("a", encoding="utf-8") as handle:
            handle.write("one more line\n")
    started = time.perf_counter()
    for path in chosen:
        index.update_path(path)
    per_file = (time.perf_counter() - started) / len(chosen)
    print(f"update_path for each changed file (as the watcher does): "
          f"{per_file * 1000:.1f} ms per file, {per_file * len(chosen):.2f} s in all")
    index.close()


if __name__ == "__main__":
    main()
