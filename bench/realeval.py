"""Known-item search quality on real public notes collections: notesift vs fzf vs ripgrep.

    python -m bench.realeval --mirror /work/.mirror            # every query set
    python -m bench.realeval --notes weekly=/tmp/weekly -v     # one collection, already extracted

Each `bench/realeval_queries/<name>.json` names a public GitHub repository and
holds queries written as a user types them from memory, each with its target: a
file and phrases that occur on the target lines (chosen by reading the files).
The collections are not committed: bring the repository onto this machine first
(the agent's `fetch` tool puts a bare snapshot under `--mirror` as
`owner+name/repo`), and this extracts `HEAD` into `--workdir`.

A hit at rank r is what the sample-notes evaluation counts: same path, and the
result's `match_line` within 3 lines of a target line, or a compact result
(<= 80 lines) spanning one. Reported per collection and system: recall@1,
recall@5, MRR@10, and the misses with `-v`; written to bench/results/realeval.md
and .json.

The baselines, as a user would run them:
- fzf: `fzf --filter QUERY` over every non-blank line as `path:line:text` (what
  `rg -n ''` feeds it), its top 10 lines;
- ripgrep: `rg -n -i -F QUERY` (the query as one literal, smart enough for a
  single word), lines in path order, the first 10.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
QUERY_DIR = Path(__file__).resolve().parent / "realeval_queries"
RESULTS = Path(__file__).resolve().parent / "results"
TOP = 10


def load_sets(names: list[str] | None) -> dict[str, dict[str, Any]]:
    sets = {}
    for path in sorted(QUERY_DIR.glob("*.json")):
        if names and path.stem not in names:
            continue
        sets[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return sets


def extract(source: str, mirror: Path, workdir: Path) -> Path:
    """The snapshot of `github:owner/name` extracted under `workdir` (reused if there)."""
    owner_name = source.removeprefix("github:")
    target = workdir / owner_name.replace("/", "+")
    if (target / ".extracted").exists():
        return target
    git_dir = mirror / owner_name.replace("/", "+") / "repo"
    if not git_dir.exists():
        sys.exit(f"realeval: {git_dir} missing: fetch {source} first")
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    archive = subprocess.run(["git", f"--git-dir={git_dir}", "archive", "HEAD"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    (target / ".extracted").write_text("")
    return target


def target_lines(notes: Path, query: dict[str, Any]) -> list[int]:
    text = (notes / query["file"]).read_text(encoding="utf-8", errors="replace")
    found = [i + 1 for i, line in enumerate(text.split("\n"))
             for p in query["phrase"] if p in line]
    if not found:
        sys.exit(f"realeval: no phrase of {query['q']!r} in {query['file']}")
    return found


def is_hit(result: dict[str, Any], query: dict[str, Any], lines: list[int]) -> bool:
    if str(result.get("path", "")).replace("\\", "/") != query["file"]:
        return False
    match_line = result.get("match_line")
    if isinstance(match_line, int) and any(abs(match_line - t) <= 3 for t in lines):
        return True
    lo, hi = result.get("line"), result.get("end_line")
    if isinstance(lo, int) and isinstance(hi, int) and hi - lo <= 80:
        return any(lo <= t <= hi for t in lines)
    return False


def run_notesift(cmd: list[str], notes: Path, query: str, env: dict[str, str]
                 ) -> list[dict[str, Any]]:
    proc = subprocess.run([*cmd, "search", "--dir", str(notes), "--json", "--limit", str(TOP),
                           query], capture_output=True, text=True, env=env, timeout=120)
    if proc.returncode not in (0, 1):
        print(f"  notesift error on {query!r}: {proc.stderr.strip()[-200:]}", file=sys.stderr)
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def line_items(notes: Path) -> str:
    """Every non-blank line as `path:line:text`, as `rg -n ''` prints them."""
    out = subprocess.run(["rg", "-n", "--no-heading", "--with-filename", "--sort", "path",
                          "-e", "", "."], cwd=notes, capture_output=True, text=True).stdout
    rows = []
    for row in out.splitlines():
        path, _, rest = row.partition(":")
        number, _, text = rest.partition(":")
        if text.strip():
            rows.append(f"{path.removeprefix('./')}:{number}:{text}")
    return "\n".join(rows) + "\n"


def _as_results(lines: list[str]) -> list[dict[str, Any]]:
    results = []
    for row in lines[:TOP]:
        path, number, _ = row.split(":", 2)
        n = int(number)
        results.append({"path": path.removeprefix("./"), "match_line": n, "line": n,
                        "end_line": n})
    return results


def run_fzf(items: str, query: str) -> list[dict[str, Any]]:
    proc = subprocess.run(["fzf", "--filter", query], input=items, capture_output=True,
                          text=True)
    return _as_results(proc.stdout.splitlines())


def run_rg(notes: Path, query: str) -> list[dict[str, Any]]:
    proc = subprocess.run(["rg", "-n", "-i", "-F", "--no-heading", "--with-filename",
                           "--sort", "path", "-e", query, "."], cwd=notes,
                          capture_output=True, text=True)
    return _as_results(proc.stdout.splitlines())


def metrics(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {
        "recall@1": sum(1 for r in ranks if r == 1) / n,
        "recall@5": sum(1 for r in ranks if r and r <= 5) / n,
        "mrr@10": sum(1.0 / r for r in ranks if r) / n,
    }


def evaluate(name: str, spec: dict[str, Any], notes: Path, cmd: list[str], verbose: bool
             ) -> dict[str, Any]:
    cache = tempfile.mkdtemp(prefix="realeval-cache-")
    env = {**os.environ, "XDG_CACHE_HOME": cache, "XDG_CONFIG_HOME": cache,
           "XDG_STATE_HOME": cache, "NO_COLOR": "1"}
    items = line_items(notes)
    files = sum(1 for p in notes.rglob("*") if p.is_file())
    systems: dict[str, list[int | None]] = {"notesift": [], "fzf": [], "rg": []}
    misses: dict[str, list[str]] = {k: [] for k in systems}
    started = time.perf_counter()
    run_notesift(cmd, notes, "warmup", env)  # builds the index once
    for query in spec["queries"]:
        lines = target_lines(notes, query)
        for system, results in (
            ("notesift", run_notesift(cmd, notes, query["q"], env)),
            ("fzf", run_fzf(items, query["q"])),
            ("rg", run_rg(notes, query["q"])),
        ):
            rank = next((i + 1 for i, r in enumerate(results) if is_hit(r, query, lines)),
                        None)
            systems[system].append(rank)
            if not rank or rank > 5:
                misses[system].append(f"{query['q']!r} -> {rank}")
    shutil.rmtree(cache, ignore_errors=True)
    report = {"collection": name, "source": spec["source"], "files": files,
              "queries": len(spec["queries"]), "seconds": round(time.perf_counter() - started, 1),
              "systems": {s: metrics(r) for s, r in systems.items()},
              "ranks": {s: dict(zip((q["q"] for q in spec["queries"]), r, strict=True))
                        for s, r in systems.items()},
              "misses": misses}
    print(f"{name} ({spec['source']}, {files} files, {len(spec['queries'])} queries)")
    for system, m in report["systems"].items():
        print(f"  {system:9} recall@1 {m['recall@1']:.2f}  recall@5 {m['recall@5']:.2f}"
              f"  MRR@10 {m['mrr@10']:.3f}")
        if verbose and system == "notesift":
            for miss in misses[system]:
                print(f"     miss@5 {miss}")
    return report


def write_results(reports: list[dict[str, Any]], out: Path) -> None:
    load = os.getloadavg()
    lines = ["# Real-collection known-item evaluation", "",
             f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; top {TOP} per system", "",
             "| collection | files | queries | system | recall@1 | recall@5 | MRR@10 |",
             "|---|---|---|---|---|---|---|"]
    for r in reports:
        for system, m in r["systems"].items():
            lines.append(f"| {r['collection']} | {r['files']} | {r['queries']} | {system} | "
                         f"{m['recall@1']:.2f} | {m['recall@5']:.2f} | {m['mrr@10']:.3f} |")
    lines += ["", "## notesift misses (rank > 5)", ""]
    for r in reports:
        for miss in r["misses"]["notesift"]:
            lines.append(f"- {r['collection']}: {miss}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps(reports, ensure_ascii=False, indent=1),
                                        encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mirror", type=Path, default=Path("/work/.mirror"))
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "realeval")
    ap.add_argument("--notes", action="append", default=[],
                    help="NAME=DIR: an already extracted collection for query set NAME")
    ap.add_argument("--only", action="append", help="query set names to run")
    ap.add_argument("--cmd", default=f"{sys.executable} -m tui",
                    help="the notesift command (default: this interpreter's package)")
    ap.add_argument("--out", type=Path, default=RESULTS / "realeval")
    ap.add_argument("-v", action="store_true", help="list notesift's misses")
    args = ap.parse_args()
    given = dict(item.split("=", 1) for item in args.notes)
    names = args.only or (list(given) if given else None)
    reports = []
    for name, spec in load_sets(names).items():
        notes = Path(given[name]) if name in given else extract(spec["source"], args.mirror,
                                                                 args.workdir)
        reports.append(evaluate(name, spec, notes, args.cmd.split(), args.v))
    write_results(reports, args.out)


if __name__ == "__main__":
    main()
