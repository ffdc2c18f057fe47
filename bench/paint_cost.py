"""What painting a keystroke costs the UI thread, in CPU time (steady under load).

Runs the app headless (120×40) on a bench tree, types the terminal benchmark's
queries one key at a time (each after the previous one settled) and counts, per
key, the main thread's CPU in each step between the key and the settled screen:

- `echo`: from the key event to the end of the first compositor pass (the prompt);
- `show`: putting search answers into the widgets (`show_result`, the preview);
- `frames`: compositor passes (list and preview lines painted by them);
- `out`: turning each pass into terminal bytes (`render_segments`, which the
  headless driver skips; done here so it counts), and the bytes it made.

Search threads are not counted (see `bench.run` for search CPU). CPU time, not
wall time: the machine may be shared, and a change's A/B shows in these columns.

    python -m bench.paint_cost --size 10000 [--workdir /tmp/notesift-bench] [--profile OUT]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from textual import events
from textual._compositor import CompositorUpdate
from textual.app import App
from textual.screen import Screen

from bench.run import prepare_tree
from bench.terminal_latency import pick_queries
from tui.app import AppSettings, make_app
from tui.app_search import SearchRunner
from tui.widgets.preview import PreviewPane
from tui.widgets.results import ResultsList

WIDTH, HEIGHT = 120, 40
QUIET_S = 0.04  # no frame for this long after the answer: the key has settled


@dataclass
class KeyCost:
    query: str
    echo_cpu: float = 0.0  # ms, key event to the end of the first pass
    echo_bytes: int = 0
    show_cpu: float = 0.0
    frames: int = 0
    frame_cpu: float = 0.0
    out_cpu: float = 0.0
    out_bytes: int = 0
    list_lines: int = 0
    preview_lines: int = 0
    total_cpu: float = 0.0  # the main thread from the key to settled (polls included)
    frame_list: list[tuple[float, int, int, int, str]] = field(default_factory=list)


class Recorder:
    """Hooks on Textual and the app, adding CPU per step to the current key."""

    def __init__(self) -> None:
        self.key: KeyCost | None = None
        self.lines = {"list": 0, "preview": 0}
        self.last_frame = 0.0
        self.in_frame = False
        self.frames_cpu = 0.0  # ms of every compositor pass so far

    def _wrap(self, cls: type, name: str, hook: Callable[..., Any]) -> None:
        original = getattr(cls, name)

        def wrapper(this: Any, *args: Any, **kwargs: Any) -> Any:
            return hook(original, this, *args, **kwargs)

        setattr(cls, name, wrapper)

    def install(self) -> None:
        recorder = self

        def frame(original: Callable[..., Any], screen: Any, *a: Any) -> Any:
            start = time.thread_time()
            dirty = "".join(sorted(type(w).__name__[:2] for w in screen._dirty_widgets))
            recorder.in_frame = True
            recorder.lines.update(list=0, preview=0)
            try:
                return original(screen, *a)
            finally:
                recorder.in_frame = False
                cpu = (time.thread_time() - start) * 1000
                recorder.frames_cpu += cpu
                key = recorder.key
                if key is not None and (recorder.lines["list"] or recorder.lines["preview"]
                                        or recorder._out_pending):
                    key.frames += 1
                    key.frame_cpu += cpu - recorder._out_pending_cpu
                    key.list_lines += recorder.lines["list"]
                    key.preview_lines += recorder.lines["preview"]
                    key.frame_list.append((round(cpu, 2), recorder.lines["list"],
                                           recorder.lines["preview"], recorder._out_pending,
                                           dirty))
                    if key.frames == 1:
                        key.echo_cpu = (time.thread_time() - recorder.key_cpu) * 1000
                        key.echo_bytes = recorder._out_pending
                    recorder.last_frame = time.perf_counter()
                recorder._out_pending = 0
                recorder._out_pending_cpu = 0.0

        self._out_pending = 0
        self._out_pending_cpu = 0.0
        self._wrap(Screen, "_on_timer_update", frame)

        def display(original: Callable[..., Any], app: Any, screen: Any, update: Any) -> Any:
            if isinstance(update, CompositorUpdate) and recorder.key is not None:
                start = time.thread_time()
                text = update.render_segments(app.console)
                cpu = (time.thread_time() - start) * 1000
                recorder.key.out_cpu += cpu
                recorder.key.out_bytes += len(text.encode())
                recorder._out_pending += len(text.encode())
                recorder._out_pending_cpu += cpu
            return original(app, screen, update)

        self._wrap(App, "_display", display)

        def show(original: Callable[..., Any], runner: Any, *a: Any, **k: Any) -> Any:
            start = time.thread_time()
            framed = recorder.frames_cpu  # the answer's frame may be drawn inside (paint_now)
            recorder.last_frame = time.perf_counter()  # its frame comes next
            try:
                return original(runner, *a, **k)
            finally:
                if recorder.key is not None and not recorder.in_frame:
                    recorder.key.show_cpu += ((time.thread_time() - start) * 1000
                                              - (recorder.frames_cpu - framed))

        self._wrap(SearchRunner, "show_result", show)

        def preview_show(original: Callable[..., Any], pane: Any, *a: Any, **k: Any) -> Any:
            start = time.thread_time()
            try:
                return original(pane, *a, **k)
            finally:
                # Outside show_result (a long entry's preview follows the list's frame).
                if recorder.key is not None and not recorder.in_frame and not recorder.showing:
                    recorder.key.show_cpu += (time.thread_time() - start) * 1000

        self.showing = False
        self._wrap(PreviewPane, "show", preview_show)

        def count(which: str) -> Callable[..., Any]:
            def line(original: Callable[..., Any], widget: Any, *a: Any) -> Any:
                recorder.lines[which] += 1
                return original(widget, *a)
            return line

        self._wrap(ResultsList, "render_line", count("list"))
        self._wrap(PreviewPane, "render_line", count("preview"))

    key_cpu = 0.0


async def run_keys(app: Any, queries: list[str], recorder: Recorder,
                   profiler: cProfile.Profile | None) -> list[KeyCost]:
    costs: list[KeyCost] = []
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        while not app.indexed or app.searching:
            await asyncio.sleep(0.05)
        for query in queries:
            await pilot.press("ctrl+u")
            await _settle(app, recorder)
            for i, char in enumerate(query):
                key = KeyCost(query[: i + 1])
                recorder.key = key
                recorder.key_cpu = time.thread_time()
                if profiler is not None:
                    profiler.enable()
                app.post_message(events.Key("space" if char == " " else char, char))
                await _settle(app, recorder)
                if profiler is not None:
                    profiler.disable()
                key.total_cpu = (time.thread_time() - recorder.key_cpu) * 1000
                recorder.key = None
                costs.append(key)
    return costs


async def _settle(app: Any, recorder: Recorder) -> None:
    """Wait until the search answered and no frame came for QUIET_S."""
    recorder.last_frame = time.perf_counter()
    while True:
        await asyncio.sleep(0.005)
        quiet = time.perf_counter() - recorder.last_frame >= QUIET_S
        if quiet and not app.searching and app.search.shown_seq >= app.search.seq:
            return


def summarize(costs: list[KeyCost]) -> dict[str, Any]:
    def med(values: list[float]) -> float:
        return round(statistics.median(values), 2) if values else 0.0

    def p95(values: list[float]) -> float:
        ordered = sorted(values)
        return round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 2)

    painted = [c for c in costs if c.list_lines or c.preview_lines]
    return {
        "keys": len(costs),
        "echo_cpu_p50": med([c.echo_cpu for c in costs]),
        "echo_bytes_p50": med([c.echo_bytes for c in costs]),
        "show_cpu_p50": med([c.show_cpu for c in painted]),
        "frame_cpu_p50": med([c.frame_cpu for c in painted]),
        "frame_cpu_p95": p95([c.frame_cpu for c in painted]),
        "out_cpu_p50": med([c.out_cpu for c in painted]),
        "out_bytes_p50": med([c.out_bytes for c in painted]),
        "lines_p50": med([c.list_lines + c.preview_lines for c in painted]),
        "total_cpu_p50": med([c.total_cpu for c in costs]),
        "total_cpu_p95": p95([c.total_cpu for c in costs]),
        "frames_p50": med([c.frames for c in costs]),
        "frame_cpu_per_line": round(sum(c.frame_cpu for c in painted)
                                    / max(1, sum(c.list_lines + c.preview_lines
                                                 for c in painted)), 3),
        "load": os.getloadavg(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/notesift-bench"))
    parser.add_argument("--queries", nargs="*", default=None)
    parser.add_argument("--profile", type=Path, default=None,
                        help="write a cProfile of the UI thread during the keys here")
    parser.add_argument("--keys", action="store_true", help="print every key's costs")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    root, tree, _ = prepare_tree(args.workdir, args.size, args.seed)
    queries = args.queries or pick_queries(tree, args.seed)
    cache = root.parent / "paint-cost-cache"
    state = Path(tempfile.mkdtemp()) / "state.json"
    app = make_app(AppSettings(root=root, watch=False, cache_dir=cache, state_file=state))
    recorder = Recorder()
    recorder.install()
    profiler = cProfile.Profile(time.thread_time) if args.profile else None
    costs = asyncio.run(run_keys(app, queries, recorder, profiler))
    if profiler is not None and args.profile is not None:
        profiler.dump_stats(str(args.profile))
    if args.keys:
        for c in costs:
            print(f"{c.query!r:34} echo {c.echo_cpu:5.2f} ({c.echo_bytes} B) show "
                  f"{c.show_cpu:5.2f} frames {c.frames} {c.frame_cpu:6.2f} out {c.out_cpu:5.2f} "
                  f"{c.out_bytes:6d} B lines {c.list_lines}/{c.preview_lines} "
                  f"total {c.total_cpu:6.2f}  {c.frame_list}")
    summary = summarize(costs)
    print(json.dumps(summary))
    if args.json is not None:
        args.json.write_text(json.dumps({"summary": summary, "keys": [asdict(c) for c in costs]}),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
