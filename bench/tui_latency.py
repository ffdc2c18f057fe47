"""Keystroke-to-painted latency of the TUI, driven by Pilot on a generated tree.

Types each query one character at a time into the running app (headless, 120×40)
and measures, per keystroke, the time from posting the key event until the
compositor has painted the results of that keystroke's search. (`Pilot.press`
adds ~100 ms of its own waiting, so keys are posted the way Pilot posts them and
the paint is observed with a hook on the screen's compositor refresh.) Stale
searches are cancelled by newer keystrokes, as when a person types.

    python -m bench.tui_latency ROOT [--cache DIR] [--queries q1 q2 …]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from textual import events
from textual.screen import Screen

from tui.app import AppSettings, make_app

DEFAULT_QUERIES = [
    "llm",
    "attention kernels",
    "quokkasort beats radix",
    "vexellology",
    "量子退火",
    "kind:tweet likes:>1000 model",
    "tstqjft",
]


PAINTS: list[float] = []
_compositor_refresh = Screen._compositor_refresh


def _recording_refresh(self: Screen) -> None:  # type: ignore[type-arg]
    _compositor_refresh(self)
    PAINTS.append(time.perf_counter())


async def measure(root: Path, cache: Path, queries: list[str]) -> list[float]:
    """Milliseconds from each key event to its results painted."""
    Screen._compositor_refresh = _recording_refresh  # type: ignore[method-assign]
    state = Path(tempfile.mkdtemp()) / "state.json"
    app = make_app(AppSettings(root=root, watch=False, cache_dir=cache, state_file=state))
    samples: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        while not app.indexed:
            await asyncio.sleep(0.05)
        for query in queries:
            await pilot.press("ctrl+u")
            await asyncio.sleep(0.3)
            for ch in query:
                key = "space" if ch == " " else ch
                before = app.search.seq
                started = time.perf_counter()
                app.post_message(events.Key(key, ch))
                while app.search.seq == before or app.search.shown_seq < app.search.seq:
                    await asyncio.sleep(0.0005)
                shown = time.perf_counter()
                while not PAINTS or PAINTS[-1] < shown:
                    await asyncio.sleep(0.0005)
                samples.append((PAINTS[-1] - started) * 1000)
                await asyncio.sleep(0.08)  # a fast typist: ~12 keys a second
    return samples


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "nsbench")
    parser.add_argument("--queries", nargs="*", default=DEFAULT_QUERIES)
    args = parser.parse_args()
    samples = asyncio.run(measure(args.root, args.cache, args.queries))
    print(f"keystrokes {len(samples)}  p50 {statistics.median(samples):.1f} ms  "
          f"p95 {percentile(samples, 95):.1f} ms  max {max(samples):.1f} ms")


if __name__ == "__main__":
    main()
