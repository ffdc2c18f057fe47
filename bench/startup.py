"""How soon a launch shows results: first rows painted (warm and cold), and one-shot vs fzf.

    .venv/bin/python -m bench.startup --sizes 10000 100000 --runs 3

Each launch is a fresh interpreter running the real app headless, started as the
`notesift` command starts (`bench.startup_child`); times are
from just before the process is spawned to the moment a frame with the first
result rows was drawn (so imports, opening the cache and the first search all
count). "First frame": the screen with its status line ("opening the index…").
Cold: the cache is deleted first; "list + progress" is the first frame with the
(empty) list and the progress line, "first rows" the first frame listing a note,
"built" the end of the build. Warm: the cache from the cold run, nothing
changed on disk; beside its wall time, the process's CPU seconds up to the first
rows (all threads), which a busy machine inflates far less. The one-shot row
compares `notesift search` on a warm cache with `fzf --filter` over the tree's
lines (as `bench.run` does). Writes bench/results/startup.md (and .json) with the load average.

The package's bytecode is compiled first, as `pip install` does: with
PYTHONDONTWRITEBYTECODE set (as on the agents' machine) an editable install
otherwise compiles every module's source at each launch (+0.5 s).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).with_name("results")
TARGET_WARM_S = 0.4
TARGET_COLD_S = 1.0
TARGET_ONESHOT_RATIO = 1.0


def launch(root: Path, cache: Path, work: Path) -> dict[str, float]:
    """Seconds from spawn to each mark, for one launch."""
    out = work / "marks.json"
    out.unlink(missing_ok=True)
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "bench.startup_child", str(root), str(cache),
                    str(out)], check=True, timeout=3600)
    marks = json.loads(out.read_text(encoding="utf-8"))
    return {name: at if name.startswith("cpu") else at - started for name, at in marks.items()}


def bench_size(size: int, args: argparse.Namespace) -> dict[str, Any]:
    # Here, not at the top: the measured child process must import only the app.
    from bench.run import build_queries, compare_oneshot, fzf_lines, prepare_tree

    root, tree, _ = prepare_tree(args.workdir, size, args.seed)
    base = root.parent
    cache = base / "startup-cache" / "notesift"
    cold_runs, warm_runs = [], []
    cache_bytes = 0
    for _ in range(args.runs):
        shutil.rmtree(cache, ignore_errors=True)
        cold_runs.append(launch(root, cache, base))
        cache_bytes = sum(p.stat().st_size for p in cache.glob("index-*"))
        warm_runs.append(launch(root, cache, base))
    result: dict[str, Any] = {
        "size": size, "files": tree.files, "mb": round(tree.bytes / 1e6, 1),
        "cache_mb": round(cache_bytes / 1e6, 1),
        "cold": cold_runs, "warm": warm_runs,
        "frame_s": statistics.median(r["frame"] for r in cold_runs + warm_runs),
        "cold_paint_s": statistics.median(r["paint"] for r in cold_runs),
        "cold_rows_s": statistics.median(r["rows"] for r in cold_runs),
        "cold_built_s": statistics.median(r["built"] for r in cold_runs),
        "warm_rows_s": statistics.median(r["rows"] for r in warm_runs),
        "warm_rows_cpu_s": statistics.median(r["cpu_rows"] for r in warm_runs),
        "warm_cpu_imported_s": statistics.median(r["cpu_imported"] for r in warm_runs),
        "warm_cpu_frame_s": statistics.median(r["cpu_frame"] for r in warm_runs),
    }
    if size <= args.oneshot_max and shutil.which("fzf"):
        queries = build_queries(tree, 2, args.seed)  # as bench.run: every category but fields
        pairs = [(cat, item["q"]) for cat, items in queries.items() if cat != "fields"
                 for item in items]
        lines = fzf_lines(root, base / "lines.txt")
        # the one-shot uses the default cache location under XDG_CACHE_HOME = base/startup-cache
        one = compare_oneshot(root, cache, lines, pairs)
        result["oneshot"] = {k: one[k] for k in ("oneshot_median_s", "fzf_median_s", "ratio")}
    return result


def render(results: list[dict[str, Any]], load: tuple[float, ...]) -> str:
    lines = [
        "# Start-up: first rows on screen, cold and warm; one-shot vs fzf",
        "",
        f"Median of the runs; load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
        f"(2 cores). Targets: warm first rows ≤ {TARGET_WARM_S} s, cold first paint "
        f"≤ {TARGET_COLD_S} s with progress, one-shot ≤ {TARGET_ONESHOT_RATIO}× fzf --filter "
        "(≤ 0.5× at 100k). Bytecode compiled first, as an installed package has it.",
        "",
        "| entries | files | MB | cache MB | first frame | cold: list + progress "
        "| cold: first rows | cold: built | warm: first rows (CPU) | one-shot / fzf |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        one = r.get("oneshot")
        ratio = (f"{one['oneshot_median_s']:.2f} s / {one['fzf_median_s']:.2f} s = "
                 f"{one['ratio']:.2f}x" if one else "–")
        lines.append(
            f"| {r['size']:,} | {r['files']:,} | {r['mb']} | {r['cache_mb']} "
            f"| {r['frame_s']:.2f} s | {r['cold_paint_s']:.2f} s "
            f"| {r['cold_rows_s']:.2f} s | {r['cold_built_s']:.1f} s | {r['warm_rows_s']:.2f} s "
            f"({r['warm_rows_cpu_s']:.2f} s) "
            f"| {ratio} |"
        )
    lines += ["", "Warm launch, CPU seconds of the process (median): imports done / first frame / "
              "first rows:"]
    lines += [f"{r['size']:,}: {r['warm_cpu_imported_s']:.2f} / {r['warm_cpu_frame_s']:.2f} / "
              f"{r['warm_rows_cpu_s']:.2f} s" for r in results]
    return "\n".join(lines) + "\n"


def compile_package() -> None:
    """Bytecode for `tui` (what an installed package has), so imports read .pyc files."""
    import tui

    compileall.compile_dir(Path(tui.__file__).parent, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/notesift-bench"))
    parser.add_argument("--oneshot-max", type=int, default=100_000,
                        help="compare the one-shot with fzf up to this size")
    parser.add_argument("--out", type=Path, default=RESULTS / "startup.md")
    args = parser.parse_args()
    compile_package()
    results = []
    for size in args.sizes:
        results.append(bench_size(size, args))
        print(json.dumps({k: v for k, v in results[-1].items() if k not in ("cold", "warm")}),
              file=sys.stderr, flush=True)
    load = os.getloadavg()
    args.out.write_text(render(results, load), encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps(
        {"load": load, "results": results}, indent=1), encoding="utf-8")
    print(args.out.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
