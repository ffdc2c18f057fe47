"""Keystroke search CPU of one or more checkouts, interleaved: an A/B that holds on a busy machine.

    .venv/bin/python bench/keystroke_cpu.py --root /tmp/notesift-bench/100000-0/notes \\
        --cache /tmp/notesift-bench/100000-0/cache/notesift \\
        --queries /tmp/notesift-bench/100000-0/queries.json \\
        --checkout /path/to/base --checkout . --rounds 5 [--dump DIR]

The keystrokes of `bench.run` (every prefix of every query, in order, on one warm
engine, after the same first-use queries), each timed in CPU time of the searching
thread (`time.thread_time`) as well as wall time. Each round runs every checkout once,
in turn, each in a fresh process with `PYTHONPATH=<checkout>`; per checkout a key's
figure is its minimum over the rounds (the least disturbed run), and the table gives
per category p50/p95 of those. `--dump DIR` writes each checkout's answers (total and
the top 50 as path:line) per prefix, to compare what two checkouts find.

Run as a script (not `-m`): the child imports `tui` from the checkout it measures, and
nothing of `bench`. The cache must be of a format every checkout reads.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

LIMIT = 50


def _child(root: str, cache: str, queries_path: str, dump: str | None) -> dict[str, Any]:
    """In the measured checkout: warm start, first-use queries, then every keystroke."""
    from tui.core.search.searchable import SearchableIndex

    queries = json.loads(Path(queries_path).read_text(encoding="utf-8"))
    index = SearchableIndex(Path(root), cache_dir=Path(cache))
    index.refresh()
    engine = index.engine
    engine.search("notes", limit=LIMIT)
    if hasattr(engine, "warm_up"):  # as bench.run (and the app) do
        engine.warm_up()
    for cat in ("typo", "pinyin"):  # as bench.run: one-time builds outside the timed keys
        if queries.get(cat):
            engine.search(queries[cat][0]["q"], limit=LIMIT)
    keys: list[dict[str, Any]] = []
    answers: dict[str, Any] = {}
    for cat, items in queries.items():
        for item in items:
            q = item["q"]
            for i in range(1, len(q) + 1):
                prefix = q[:i]
                c0, w0 = time.thread_time(), time.perf_counter()
                result = engine.search(prefix, limit=LIMIT)
                cpu, wall = time.thread_time() - c0, time.perf_counter() - w0
                keys.append({"cat": cat, "q": prefix, "cpu": cpu * 1000, "wall": wall * 1000})
                if dump:
                    answers[f"{cat}\t{prefix}"] = [
                        result.total, [f"{h.entry.path}:{h.entry.line}" for h in result.hits]]
    index.close()
    if dump:
        Path(dump).write_text(json.dumps(answers, ensure_ascii=False, indent=0),
                              encoding="utf-8")
    return {"keys": keys, "load": os.getloadavg()}


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] if ordered else float("nan")


def _run(checkout: Path, cache: str, args: argparse.Namespace, dump: Path | None
         ) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    if args.xdg_cache:
        env["XDG_CACHE_HOME"] = args.xdg_cache
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "--root", args.root,
           "--cache", cache, "--queries", args.queries]
    if dump:
        cmd += ["--dump", str(dump)]
    out = subprocess.run(cmd, env=env, cwd="/", capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _table(name: str, best: dict[tuple[str, str], float], runs_p95: list[float]) -> str:
    cats: dict[str, list[float]] = {}
    for (cat, _), ms in best.items():
        cats.setdefault(cat, []).append(ms)
    lines = [f"## {name}  (per key: min CPU ms over rounds; overall p95 of each round: "
             + ", ".join(f"{p:.1f}" for p in runs_p95) + ")",
             "| category | keys | p50 | p95 | max |", "|---|---|---|---|---|"]
    every: list[float] = []
    for cat, ms in cats.items():
        every += ms
        lines.append(f"| {cat} | {len(ms)} | {_pct(ms, 50):.1f} | {_pct(ms, 95):.1f} | "
                     f"{max(ms):.1f} |")
    lines.append(f"| **overall** | {len(every)} | {_pct(every, 50):.1f} | {_pct(every, 95):.1f} | "
                 f"{max(every):.1f} |")
    slow = sorted(best.items(), key=lambda kv: -kv[1])[:12]
    lines.append("slowest: " + ", ".join(f"`{q}` {ms:.1f}" for (_, q), ms in slow))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Interleaved rounds over the checkouts, or (`--child`) one measured run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", required=True)
    parser.add_argument("--cache", action="append", required=True,
                        help="the cache dir; once per --checkout to pair them (an A/B of caches)")
    parser.add_argument("--queries", required=True)
    parser.add_argument("--checkout", action="append", default=[])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dump", help="directory (parent) or file (--child) for the answers")
    parser.add_argument("--xdg-cache", help="XDG_CACHE_HOME for the children (tables cache)")
    parser.add_argument("--json", help="write every run's keys here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.root, args.cache[0], args.queries, args.dump)))
        return 0
    checkouts = [Path(c).resolve() for c in args.checkout] or [Path.cwd()]
    caches = args.cache if len(args.cache) == len(checkouts) else [args.cache[0]] * len(checkouts)
    runs: dict[int, list[dict[str, Any]]] = {i: [] for i in range(len(checkouts))}
    for rnd in range(args.rounds):
        for i, checkout in enumerate(checkouts):
            dump = None
            if args.dump and rnd == 0:
                Path(args.dump).mkdir(parents=True, exist_ok=True)
                dump = Path(args.dump) / f"{i}-{checkout.name}.json"
            load = os.getloadavg()
            run = _run(checkout, caches[i], args, dump)
            run["load_before"] = load
            runs[i].append(run)
            cpu = [k["cpu"] for k in run["keys"]]
            print(f"round {rnd + 1} {checkout}: CPU p50 {_pct(cpu, 50):.1f} p95 "
                  f"{_pct(cpu, 95):.1f} ms; load {load[0]:.1f}", file=sys.stderr, flush=True)
    for i, checkout in enumerate(checkouts):
        best: dict[tuple[str, str], float] = {}
        for run in runs[i]:
            for k in run["keys"]:
                key = (k["cat"], k["q"])
                best[key] = min(best.get(key, math.inf), k["cpu"])
        p95s = [_pct([k["cpu"] for k in r["keys"]], 95) for r in runs[i]]
        print(_table(f"{i}: {checkout} {caches[i]}", best, p95s))
        loads = [r["load_before"][0] for r in runs[i]]
        print(f"load (1-min) before each run: {', '.join(f'{x:.1f}' for x in loads)}; "
              f"median {statistics.median(loads):.1f}\n")
    if args.json:
        Path(args.json).write_text(json.dumps({str(c): runs[i] for i, c in enumerate(checkouts)}),
                                   encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
