"""Costs of the real parsers: YAML front matter, gitignore walk, encoding detection,
syntax-highlighted preview. Prints medians; report them with the load average.

    python -m bench.parsers [--tree DIR]    # DIR: a notes tree to walk (e.g. bench.generate)
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from tui.core.ingest.entry import Entry
from tui.core.ingest.frontmatter import parse_front_matter
from tui.core.ingest.walker import walk_notes
from tui.core.ingest.yaml_lenient import LenientYamlParser
from tui.core.text.decoding import decode_bytes
from tui.render import _token_spans, preview_text
from tui.theme_palette import palette_from_theme
from tui.themes import SHIPPED_THEMES_DIR, load_theme_file

FRONT_MATTER = """---
title: Winter garden log
date: 2024-11-02T10:05:00+08:00
draft: false
tags: [garden, winter, "cold frames"]
authors:
  - name: Ada
    url: https://a.example
summary: >
  What survived the first frost
  and what did not.
---
body
"""
CODE_NOTE = "# Code\n\n```python\n" + "".join(
    f"def step_{i}(value: int = {i}) -> str:  # comment {i}\n    return f'{{value}}-{i}'\n"
    for i in range(150)
) + "```\n"
BIG5 = "今天整理了書架上的舊筆記，發現很多關於園藝的心得。冬天要把盆栽搬進室內。\n" * 120
GB = "今天整理了书架上的旧笔记，发现很多关于园艺的心得。冬天要把盆栽搬进室内。\n" * 120


def median_ms(fn: Callable[[], object], repeat: int = 30) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tree", type=Path)
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()}")
    body = FRONT_MATTER.split("---\n")[1].splitlines()
    yaml_us = median_ms(lambda: parse_front_matter(FRONT_MATTER), 300) * 1000
    old_us = median_ms(lambda: LenientYamlParser(body, 2).parse(), 300) * 1000
    print(f"front matter: PyYAML loader {yaml_us:.0f} µs, old subset parser {old_us:.0f} µs")
    theme, _ = load_theme_file(SHIPPED_THEMES_DIR / "notesift-dark.toml")
    assert theme is not None
    palette = palette_from_theme(theme)
    entry = Entry("c", "note", "Code", "code.md", 1, 305, CODE_NOTE)
    plain = Entry("p", "note", "Code", "code.txt", 1, 305, CODE_NOTE)
    lit = median_ms(lambda: preview_text(entry, ["step"], 100, palette=palette))
    first = median_ms(
        lambda: (_token_spans.cache_clear(), preview_text(entry, [], 100, palette=palette))
    )
    flat = median_ms(lambda: preview_text(plain, ["step"], 100, palette=palette))
    print(f"preview of 300 lines of fenced python: first {first:.1f} ms, again {lit:.1f} ms "
          f"(as plain text: {flat:.1f} ms)")
    for label, data in (("Big5, detected", BIG5.encode("big5")),
                        ("GB18030, fast path", GB.encode("gb18030"))):
        ms = median_ms(lambda data=data: decode_bytes(data), 10)
        print(f"decode {len(data) // 1024} KiB of {label}: {ms:.1f} ms")
    if args.tree:
        walk = walk_notes(args.tree)
        on = median_ms(lambda: walk_notes(args.tree), 5)
        off = median_ms(lambda: walk_notes(args.tree, respect_gitignore=False), 5)
        print(f"walk {args.tree}: {len(walk.files)} files, {len(walk.dirs)} folders: "
              f"{on:.0f} ms (respect_gitignore off: {off:.0f} ms)")


if __name__ == "__main__":
    main()
