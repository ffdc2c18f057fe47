"""Keystroke-to-paint latency in a real terminal: notesift vs fzf, through tmux.

Each tool runs in its own tmux session (120×40, private server). One control-mode
client (`tmux -C`) does everything: it sends each key (`send-keys -l`) and polls the
screen (`capture-pane -p`) until it has not changed for `--settle` seconds. A
keystroke counts as painted at the first poll whose screen equals that settled
screen; its echo at the first poll whose prompt line shows the typed text. Keys are
typed one at a time, each after the previous one settled, as in issue 17.

fzf is fed the same notes as `rg -n ''` lines (`path:line:text`), loaded before the
first key. notesift opens the tree with a warm index cache (built by a first launch
that is not timed). Field queries are left out: fzf has no fields.

    python -m bench.terminal_latency --sizes 10000 100000 --runs 3

writes bench/results/terminal-latency.md (and .json): per size, p50/p95 of paint
and echo for both tools (median of the runs), the ratio, the load average, and the
slowest keystrokes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.generate import GeneratedTree
from bench.run import _pct, build_queries, prepare_tree

REPO = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 120, 40
POLL_S = 0.002  # between captures; each capture costs ~0.3 ms of tmux time
CATEGORIES = ("short", "long", "typo", "cjk", "pinyin", "nomatch")


class ControlClient:
    """One `tmux -C` client: commands in, `%begin … %end` blocks out."""

    def __init__(self, socket: str, session: str) -> None:
        self.session = session
        self.proc = subprocess.Popen(
            ["tmux", "-L", socket, "-C", "attach", "-t", session],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0,
        )
        # Attaching answers with a block of its own: read up to the marker's block, so that
        # each command below reads its own answer (they read the one before, a poll late).
        self._send("refresh-client -f no-output")  # no %output flood while polling
        marker = "ready-" + str(os.getpid())
        self._send(f"display -p {marker}")
        while marker not in "".join(self._block(f"display -p {marker}")):
            pass

    def _send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((line + "\n").encode())

    def command(self, line: str) -> list[str]:
        self._send(line)
        return self._block(line)

    def _block(self, line: str) -> list[str]:
        assert self.proc.stdout is not None
        block: list[str] | None = None
        while True:
            raw = self.proc.stdout.readline()
            if not raw:
                raise RuntimeError(f"tmux control client ended during {line!r}")
            text = raw.decode("utf-8", "replace").rstrip("\n")
            if text.startswith("%begin"):
                block = []
            elif text.startswith(("%end", "%error")) and block is not None:
                return block
            elif block is not None:
                block.append(text)

    def screen(self) -> str:
        return "\n".join(self.command(f"capture-pane -p -t {self.session}"))

    def send_text(self, text: str) -> None:
        self.command(f"send-keys -t {self.session} -l {shlex.quote(text)}")

    def send_key(self, key: str) -> None:
        self.command(f"send-keys -t {self.session} {key}")

    def close(self) -> None:
        with _quiet():
            self.proc.stdin.close()  # type: ignore[union-attr]
        self.proc.wait(timeout=5)


class _quiet:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return True


@dataclass
class Keystroke:
    query: str  # the prompt after this key
    paint_ms: float
    echo_ms: float
    frames: int
    sent_at: float = 0.0  # time.perf_counter() when the key was sent (for --trace)


@dataclass
class ToolRun:
    tool: str
    keys: list[Keystroke] = field(default_factory=list)
    load_start: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_end: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def stat(self, what: str, p: float) -> float:
        return _pct([getattr(k, what) for k in self.keys], p)


def wait_settled(client: ControlClient, settle: float, limit: float,
                 until: re.Pattern[str] | None = None) -> tuple[list[tuple[float, str]], float]:
    """Poll until the screen is unchanged for `settle` s (and matches `until`)."""
    start = time.perf_counter()
    frames: list[tuple[float, str]] = []
    last_change = start
    while True:
        now = time.perf_counter()
        shown = client.screen()
        if not frames or shown != frames[-1][1]:
            frames.append((now, shown))
            last_change = now
        settled = now - last_change >= settle and (until is None or until.search(shown))
        if settled or now - start > limit:
            return frames, start
        time.sleep(POLL_S)


def type_key(client: ControlClient, char: str, query: str, prompt: tuple[int, re.Pattern[str]],
             settle: float) -> Keystroke:
    t0 = time.perf_counter()
    client.send_text(char)
    frames, _ = wait_settled(client, settle, limit=30.0)
    final_t = frames[-1][0]
    echo_t = next((t for t, shown in frames if _prompt_shows(prompt, shown, query)), final_t)
    return Keystroke(query, (final_t - t0) * 1000, (echo_t - t0) * 1000, len(frames), t0)


def _prompt_shows(prompt: tuple[int, re.Pattern[str]], shown: str, query: str) -> bool:
    index, pattern = prompt
    rows = shown.split("\n")
    m = pattern.match(rows[index]) if -len(rows) <= index < len(rows) else None
    return m is not None and m.group(1).rstrip() == query.rstrip()


@dataclass(frozen=True)
class Tool:
    name: str
    command: str
    prompt: tuple[int, re.Pattern[str]]  # the prompt's screen row; the query is group 1
    ready: re.Pattern[str]  # the loaded screen
    clear: str  # the key that empties the prompt


def notesift_tool(root: Path, xdg: Path, trace: Path | None = None) -> Tool:
    """notesift on `root`; with `trace`, through `bench.frame_trace` logging into that file."""
    env = (f"XDG_CACHE_HOME={xdg / 'cache'} XDG_CONFIG_HOME={xdg / 'config'} "
           f"XDG_STATE_HOME={xdg / 'state'}")
    binary = str(Path(sys.executable).with_name("notesift"))
    if trace is not None:
        binary = (f"env PYTHONPATH={shlex.quote(str(REPO))} {sys.executable} -m bench.frame_trace "
                  f"run {shlex.quote(str(trace))}")
    return Tool(
        "notesift",
        f"env {env} {binary} {shlex.quote(str(root))} --no-watch",
        (1, re.compile(r"^▊  (.*?)\s*▎$")),
        re.compile(r"INSERT\s+\d[\d,]*\+?/\d[\d,]*(?!.*indexing)"),
        "C-u",
    )


def fzf_tool(lines: Path) -> Tool:
    return Tool(
        "fzf",
        f"env FZF_DEFAULT_OPTS= fzf < {shlex.quote(str(lines))}",
        (-1, re.compile(r"^> (.*)$")),
        re.compile(r"^\s+(\d+)/\1(?:\s|─|$)", re.MULTILINE),
        "C-u",
    )


def rg_lines(root: Path, out: Path) -> Path:
    """Every line of the tree as `rg -n ''` prints it (`path:line:text`)."""
    if not out.exists():
        tmp = out.with_suffix(".tmp")
        with open(tmp, "wb") as fh:
            subprocess.run(["rg", "-n", "--no-heading", "--sort", "path", ""], cwd=root,
                           stdout=fh, check=True)
        tmp.replace(out)
    return out


def run_tool(tool: Tool, queries: list[str], settle: float, ready_limit: float) -> ToolRun:
    socket = f"termbench-{os.getpid()}-{time.monotonic_ns()}"
    session = "bench"
    subprocess.run(["tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", session,
                    "-x", str(WIDTH), "-y", str(HEIGHT), tool.command], check=True)
    subprocess.run(["tmux", "-L", socket, "set", "-g", "window-size", "manual"], check=True)
    subprocess.run(["tmux", "-L", socket, "set", "-sg", "escape-time", "10"], check=True)
    client = ControlClient(socket, session)
    run = ToolRun(tool.name, load_start=os.getloadavg())
    try:
        frames, _ = wait_settled(client, 1.5, ready_limit, until=tool.ready)
        if not tool.ready.search(frames[-1][1]):
            raise RuntimeError(f"{tool.name} never became ready:\n{frames[-1][1]}")
        for query in queries:
            client.send_key(tool.clear)
            wait_settled(client, settle, 30.0)
            for i, char in enumerate(query):
                run.keys.append(type_key(client, char, query[: i + 1], tool.prompt, settle))
    finally:
        run.load_end = os.getloadavg()
        client.close()
        subprocess.run(["tmux", "-L", socket, "kill-server"], check=False)
    return run


def pick_queries(tree: GeneratedTree, seed: int) -> list[str]:
    built = build_queries(tree, 2, seed)
    chosen = []
    for cat in CATEGORIES:
        wanted = 2 if cat == "long" else 1
        chosen.extend(q["q"] for q in built[cat][:wanted])
    return chosen


def warm_index(tool: Tool) -> float:
    """Launch notesift once (untimed) so the measured runs open a warm cache."""
    t = time.perf_counter()
    run_tool(tool, [], 0.5, ready_limit=1800.0)
    return time.perf_counter() - t


def median_run(runs: list[ToolRun], stat: str, p: float) -> float:
    return statistics.median(r.stat(stat, p) for r in runs)


def summarize(size: int, entries_hint: str, queries: list[str],
              runs: dict[str, list[ToolRun]]) -> dict[str, Any]:
    out: dict[str, Any] = {"size": size, "entries": entries_hint, "queries": queries}
    for tool, tool_runs in runs.items():
        out[tool] = {
            "paint_p50": median_run(tool_runs, "paint_ms", 50),
            "paint_p95": median_run(tool_runs, "paint_ms", 95),
            "echo_p50": median_run(tool_runs, "echo_ms", 50),
            "echo_p95": median_run(tool_runs, "echo_ms", 95),
            "runs": [
                {"paint_p50": r.stat("paint_ms", 50), "paint_p95": r.stat("paint_ms", 95),
                 "echo_p50": r.stat("echo_ms", 50), "keys": len(r.keys),
                 "load_start": r.load_start, "load_end": r.load_end,
                 "slowest": [asdict(k) for k in sorted(r.keys, key=lambda k: -k.paint_ms)[:6]]}
                for r in tool_runs
            ],
        }
    return out


def _load(avg: tuple[float, float, float] | list[float]) -> str:
    return "/".join(f"{x:.1f}" for x in avg)


def render(results: list[dict[str, Any]], settle: float) -> str:
    lines = [
        "# Keystroke to painted screen in a real terminal: notesift vs fzf",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M')} · {os.cpu_count()} cores · "
        f"tmux {WIDTH}×{HEIGHT}, one control-mode client polling `capture-pane` · "
        f"settled = unchanged for {settle:.1f} s · fzf {_fzf_version()} fed `rg -n ''` lines · "
        f"notesift at {_commit()}",
        "",
        "A keystroke is painted at the first poll whose screen equals the screen it settles "
        "on; its echo at the first poll whose prompt shows the typed text. Each key is typed "
        "after the previous one settled. Figures are the median over the runs; every run "
        "is listed with its load average (1/5/15 min) below.",
        "",
        "Targets (issue 17): notesift p95 ≤ 80 ms; notesift p50 ≤ 0.5 × fzf p50; "
        "echo p50 ≤ fzf's.",
        "",
        "| size | notesift p50 / p95 ms | fzf p50 / p95 ms | p50 ratio | "
        "echo p50 notesift / fzf ms | p95 ≤ 80 | ratio ≤ 0.5 | echo ≤ fzf |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        ns, fz = r["notesift"], r["fzf"]
        ratio = ns["paint_p50"] / fz["paint_p50"] if fz["paint_p50"] else float("nan")
        lines.append(
            f"| {r['size']:,} | {ns['paint_p50']:.0f} / {ns['paint_p95']:.0f} | "
            f"{fz['paint_p50']:.0f} / {fz['paint_p95']:.0f} | {ratio:.2f} | "
            f"{ns['echo_p50']:.1f} / {fz['echo_p50']:.1f} | "
            f"{_ok(ns['paint_p95'] <= 80)} | {_ok(ratio <= 0.5)} | "
            f"{_ok(ns['echo_p50'] <= fz['echo_p50'])} |"
        )
    for r in results:
        lines += ["", f"## {r['size']:,} entries", "",
                  "Queries typed: " + ", ".join(f"`{q}`" for q in r["queries"]), ""]
        for tool in ("notesift", "fzf"):
            for i, run in enumerate(r[tool]["runs"], 1):
                slow = ", ".join(f"`{k['query']}` {k['paint_ms']:.0f}" for k in run["slowest"])
                lines.append(
                    f"- {tool} run {i}: {run['keys']} keys, paint p50 {run['paint_p50']:.0f} / "
                    f"p95 {run['paint_p95']:.0f} ms, echo p50 {run['echo_p50']:.1f} ms; load "
                    f"{_load(run['load_start'])} → {_load(run['load_end'])}; slowest: {slow}"
                )
    return "\n".join(lines) + "\n"


def _ok(flag: bool) -> str:
    return "✅" if flag else "❌"


def _commit() -> str:
    """The measured code's commit (`NOTESIFT_COMMIT` for a copy outside git)."""
    if os.environ.get("NOTESIFT_COMMIT"):
        return os.environ["NOTESIFT_COMMIT"]
    found = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                           capture_output=True, text=True, check=False).stdout.strip()
    return found or "?"


def _fzf_version() -> str:
    try:
        return subprocess.run(["fzf", "--version"], capture_output=True, text=True,
                              check=False).stdout.split()[0]
    except (OSError, IndexError):
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--settle", type=float, default=0.5)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/notesift-bench"))
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/terminal-latency.md")
    parser.add_argument("--tools", nargs="+", default=["notesift", "fzf"])
    parser.add_argument("--trace", type=Path, default=None,
                        help="run notesift through bench.frame_trace; logs and keys go to "
                        "DIR/<size>-<run>/ (read with `python -m bench.frame_trace report`)")
    args = parser.parse_args(argv)
    results = []
    for size in args.sizes:
        root, tree, _ = prepare_tree(args.workdir, size, args.seed)
        xdg = root.parent / "term-xdg"
        lines = rg_lines(root, root.parent / "rg-lines.txt")
        queries = pick_queries(tree, args.seed)
        tools = {"notesift": notesift_tool(root, xdg), "fzf": fzf_tool(lines)}
        warm = warm_index(tools["notesift"])
        print(f"{size}: notesift ready in {warm:.1f}s; queries {queries}", flush=True)
        runs: dict[str, list[ToolRun]] = {t: [] for t in args.tools}
        for i in range(args.runs):
            for name in args.tools:
                tool, trace_dir = tools[name], None
                if args.trace is not None and name == "notesift":
                    trace_dir = args.trace / f"{size}-{i + 1}"
                    trace_dir.mkdir(parents=True, exist_ok=True)
                    (trace_dir / "trace.jsonl").unlink(missing_ok=True)
                    tool = notesift_tool(root, xdg, trace_dir / "trace.jsonl")
                run = run_tool(tool, queries, args.settle, ready_limit=600.0)
                runs[name].append(run)
                if trace_dir is not None:
                    (trace_dir / "keys.json").write_text(
                        json.dumps([asdict(k) for k in run.keys]), encoding="utf-8")
                print(f"  run {i + 1} {name}: p50 {run.stat('paint_ms', 50):.0f} "
                      f"p95 {run.stat('paint_ms', 95):.0f} echo {run.stat('echo_ms', 50):.1f} "
                      f"load {_load(run.load_end)}; slowest "
                      + ", ".join(f"{k.query!r} {k.paint_ms:.0f}"
                                  for k in sorted(run.keys, key=lambda k: -k.paint_ms)[:8]),
                      flush=True)
        results.append(summarize(size, f"{size:,}", queries, runs))
    if set(args.tools) == {"notesift", "fzf"}:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(render(results, args.settle), encoding="utf-8")
        args.out.with_suffix(".json").write_text(json.dumps(results, indent=1), encoding="utf-8")
        print(args.out.read_text(encoding="utf-8"))
    else:
        print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
