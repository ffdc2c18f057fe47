"""Where a keystroke's time goes, from the terminal's bytes to the frame written back.

`run` starts the TUI with hooks that log, with `time.perf_counter()` (the system's
monotonic clock, shared with the benchmark process):

- `in`: the driver's input thread parsed a key;
- `key`: the app's event loop took it (with the UI thread's CPU so far, as `cpu`);
- `changed`/`start`: the prompt's change reached the search runner, which handed a
  search to its thread (UI CPU so far);
- `search`/`searched`: a search worker started and ended (its query, first answer or full);
- `show`: a result was put into the widgets (ms spent);
- `preview`: the preview was rebuilt (ms);
- `frame`: one compositor pass (ms, rows the list and preview painted);
- `display`: the frame turned into terminal bytes (ms, bytes);
- `got`/`flushed`: the writer thread took those bytes off its queue, and handed them
  to the terminal;
- `gc`: a pass of the cyclic garbage collector over 0.5 ms (generation, ms).

`python -m bench.terminal_latency --trace DIR` runs notesift through this wrapper and
saves the keys it sent (`keys.json`, with the send time); `report` joins the two:

    python -m bench.frame_trace report DIR

prints per keystroke when each step happened after the key was sent, how many frames
it caused and what each cost, and when the benchmark saw the screen settle.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_LOG: Any = None
_LOCK = threading.Lock()
_COUNTS = {"list": 0, "preview": 0}


def log(kind: str, **fields: object) -> None:
    line = json.dumps({"t": time.perf_counter(), "k": kind, **fields}, ensure_ascii=False)
    with _LOCK:
        _LOG.write(line + "\n")


def _wrap(cls: type, name: str, before: Callable[..., None] | None = None,
          after: Callable[..., None] | None = None) -> None:
    original = getattr(cls, name)

    @functools.wraps(original)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        if before is not None:
            before(self, *args, **kwargs)
        result = original(self, *args, **kwargs)
        if after is not None:
            after(self, start, result, *args, **kwargs)
        return result

    setattr(cls, name, wrapper)


def _key_name(message: Any) -> str | None:
    return getattr(message, "character", None) or getattr(message, "key", None)


def install(path: Path) -> None:
    """Hook Textual and the app (before either runs)."""
    global _LOG
    _LOG = open(path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 (lives with the process)
    from textual import events
    from textual.app import App
    from textual.driver import Driver
    from textual.drivers._writer_thread import WriterThread
    from textual.screen import Screen

    from tui.app import NotesiftApp
    from tui.app_search import SearchRunner
    from tui.frame_writer import FlushedWriter
    from tui.widgets.preview import PreviewPane
    from tui.widgets.results import ResultsList

    def on_input(_self: Any, message: Any) -> None:
        if isinstance(message, events.Key):
            log("in", key=_key_name(message))

    _wrap(Driver, "process_message", before=on_input)

    original_on_event = NotesiftApp.on_event

    async def on_event(self: Any, event: Any) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            log("key", key=_key_name(event), cpu=_cpu_ms())
        await original_on_event(self, event)

    NotesiftApp.on_event = on_event  # type: ignore[method-assign]

    def job_before(_self: Any, seq: int, query: str, *_a: Any, **_k: Any) -> None:
        _JOB.cpu = time.thread_time()
        log("search", seq=seq, query=query)

    def job_after(_self: Any, start: float, _r: Any, seq: int, query: str, *_a: Any) -> None:
        log("searched", seq=seq, query=query, ms=(time.perf_counter() - start) * 1000,
            cpu=(time.thread_time() - _JOB.cpu) * 1000)

    _wrap(SearchRunner, "_job", before=job_before, after=job_after)
    _wrap(SearchRunner, "query_changed", before=lambda *_a: log("changed", cpu=_cpu_ms()))
    _wrap(SearchRunner, "_start", before=lambda *_a: log("start", cpu=_cpu_ms()))

    def show_after(_self: Any, start: float, _r: Any, seq: int, query: str, result: Any,
                   first: bool = False) -> None:
        log("show", seq=seq, query=query, first=first, hits=len(result.hits),
            ms=(time.perf_counter() - start) * 1000, narrowed=result.narrowed)

    _wrap(SearchRunner, "show_result", after=show_after)

    def preview_after(_self: Any, start: float, rebuilt: bool, *_a: Any, **_k: Any) -> None:
        if rebuilt:
            log("preview", ms=(time.perf_counter() - start) * 1000)

    _wrap(PreviewPane, "show", after=preview_after)

    def count(which: str) -> Callable[..., None]:
        def before(*_a: Any) -> None:
            _COUNTS[which] += 1
        return before

    _wrap(ResultsList, "render_line", before=count("list"))
    _wrap(PreviewPane, "render_line", before=count("preview"))

    def frame_before(screen: Any, *_a: Any) -> None:
        _FRAME.update(cpu=time.thread_time(), layout=screen._layout_required,
                      dirty=sorted({type(w).__name__ for w in screen._dirty_widgets}))

    def frame_after(_self: Any, start: float, *_a: Any) -> None:
        ms = (time.perf_counter() - start) * 1000
        cpu = (time.thread_time() - _FRAME["cpu"]) * 1000
        if ms > 0.2 or any(_COUNTS.values()):
            log("frame", start=start, ms=ms, cpu=cpu, layout=_FRAME["layout"],
                dirty=_FRAME["dirty"], **_COUNTS)
        _COUNTS.update(list=0, preview=0)

    _wrap(Screen, "_on_timer_update", before=frame_before, after=frame_after)

    def display_after(_self: Any, start: float, _r: Any, *_a: Any) -> None:
        log("display", start=start, ms=(time.perf_counter() - start) * 1000,
            bytes=_WRITTEN[0])
        _WRITTEN[0] = 0

    _wrap(App, "_display", after=display_after)

    def queued(_self: Any, text: str) -> None:
        _WRITTEN[0] += len(text)

    _wrap(WriterThread, "write", before=queued)
    WriterThread.run = _writer_run  # type: ignore[method-assign]
    FlushedWriter.run = _writer_run  # type: ignore[method-assign]
    gc.callbacks.append(_gc_pass)


_GC_START = [0.0]


def _gc_pass(phase: str, info: dict[str, int]) -> None:
    if phase == "start":
        _GC_START[0] = time.perf_counter()
        return
    ms = (time.perf_counter() - _GC_START[0]) * 1000
    if ms > 0.5:
        log("gc", gen=info["generation"], ms=ms)


def _cpu_ms() -> float:
    """The calling thread's CPU time so far (ms): the UI thread's, between two events."""
    return time.thread_time() * 1000


_WRITTEN = [0]
_FRAME: dict[str, Any] = {}
_JOB = threading.local()


def _writer_run(self: Any) -> None:
    """Textual's writer loop, logging when each batch of writes was flushed."""
    write, flush, get, qsize = self._file.write, self._file.flush, self._queue.get, \
        self._queue.qsize
    pending = taken = 0
    sent = getattr(self, "sent", None)  # tui.frame_writer.FlushedWriter counts what it sent
    while True:
        text = get()
        if text is None:
            break
        log("got", bytes=len(text))
        write(text)
        pending += len(text)
        taken += 1
        if qsize() == 0:
            flush()
            log("flushed", bytes=pending)
            pending = 0
            if sent is not None:
                sent(taken)
    flush()


# -- the report ----------------------------------------------------------------------


def load_events(path: Path) -> list[dict[str, Any]]:
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # the last line of a killed process
    return events


def per_key(keys: list[dict[str, Any]], events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each sent key with the app's events until the next key was sent."""
    rows = []
    for i, key in enumerate(keys):
        t0 = key["sent_at"]
        end = keys[i + 1]["sent_at"] if i + 1 < len(keys) else float("inf")
        # After the screen settled the benchmark may clear the prompt (C-u): not this key's.
        end = min(end, t0 + key["paint_ms"] / 1000 + SETTLE_S - 0.05)
        mine = [e for e in events if t0 <= e["t"] < end]
        rows.append(summarize_key(key, mine))
    return rows


SETTLE_S = 0.5


def _ms(t: float | None, t0: float) -> float | None:
    return None if t is None else round((t - t0) * 1000, 1)


def summarize_key(key: dict[str, Any], mine: list[dict[str, Any]]) -> dict[str, Any]:
    t0 = key["sent_at"]

    def first(kind: str) -> float | None:
        return next((e["t"] for e in mine if e["k"] == kind), None)

    frames = [e for e in mine if e["k"] == "frame"]
    flushed = [e for e in mine if e["k"] == "flushed"]
    searches = [e for e in mine if e["k"] == "searched"]
    return {
        "query": key["query"],
        "paint": round(key["paint_ms"], 1),
        "echo": round(key["echo_ms"], 1),
        "in": _ms(first("in"), t0),
        "key": _ms(first("key"), t0),
        "search": [(_ms(e["t"] - e["ms"] / 1000, t0), round(e["ms"], 1), round(e["cpu"], 1))
                   for e in searches],
        "shows": [(_ms(e["t"], t0), e["first"], round(e["ms"], 1))
                  for e in mine if e["k"] == "show"],
        "preview_ms": [round(e["ms"], 1) for e in mine if e["k"] == "preview"],
        "frames": [(_ms(e["start"], t0), round(e["ms"], 1), round(e["cpu"], 1), e["list"],
                    e["preview"], _dirty(e)) for e in frames],
        "flushed": [(_ms(e["t"], t0), e["bytes"]) for e in flushed],
        "rows_flushed": _rows_flushed(frames, flushed, t0),
        # Passes that ended before the screen settled (later ones ran in the pause after).
        "gc": [(e["gen"], round(e["ms"], 1)) for e in mine
               if e["k"] == "gc" and e["t"] - t0 <= key["paint_ms"] / 1000],
    }


def _rows_flushed(frames: list[dict[str, Any]], flushed: list[dict[str, Any]],
                  t0: float) -> float | None:
    """When the last frame that painted list or preview rows reached the terminal."""
    painting = [f for f in frames if f["list"] or f["preview"]]
    if not painting:
        return None
    after = [e["t"] for e in flushed if e["t"] >= painting[-1]["start"]]
    return _ms(after[0], t0) if after else None


def _dirty(frame: dict[str, Any]) -> str:
    """The repainted widgets, three letters each; L when the frame ran a layout pass."""
    return ",".join(d[:3] for d in frame["dirty"]) + ("L" if frame["layout"] else "")


def report(directory: Path) -> str:
    keys = json.loads((directory / "keys.json").read_text(encoding="utf-8"))
    events = load_events(directory / "trace.jsonl")
    rows = per_key(keys, events)
    out = []
    for row in rows:
        frames = " ".join(f"{f[0]}+{f[2]}cpu({f[3]}/{f[4]} {f[5]})" for f in row["frames"])
        flushed = " ".join(f"{f[0]}:{f[1]}" for f in row["flushed"])
        search = " ".join(f"{s[0]}+{s[2]}cpu" for s in row["search"])
        shows = " ".join(f"{s[0]}{'F' if s[1] else ''}+{s[2]}" for s in row["shows"])
        preview = " ".join(str(ms) for ms in row["preview_ms"])
        collected = " ".join(f"gen{g}:{ms}" for g, ms in row["gc"])
        out.append(f"{row['query']!r:34} paint {row['paint']:6.1f} echo {row['echo']:5.1f} "
                   f"in {row['in']} key {row['key']} | search {search} | show {shows} "
                   f"preview {preview} | frames {frames} | flushed {flushed}"
                   + (f" | gc {collected}" if collected else ""))
    out.append("")
    out.append(summary(rows))
    return "\n".join(out)


def summary(rows: list[dict[str, Any]]) -> str:
    def med(values: list[float]) -> float:
        return round(statistics.median(values), 1) if values else float("nan")

    n_frames = [len(r["frames"]) for r in rows]
    painted = [sum(1 for f in r["frames"] if f[3] or f[4]) for r in rows]
    lines = [
        f"keys {len(rows)}; frames per key median {med(n_frames)} max {max(n_frames, default=0)}; "
        f"frames painting list or preview rows: median {med(painted)}, "
        f"{sum(1 for p in painted if p > 1)} keys with more than one",
        f"in (input thread) median {med([r['in'] for r in rows if r['in'] is not None])} ms; "
        f"key (event loop) median {med([r['key'] for r in rows if r['key'] is not None])} ms",
        f"echo median {med([r['echo'] for r in rows])} ms; first flush median "
        f"{med([r['flushed'][0][0] for r in rows if r['flushed']])} ms",
        f"paint median {med([r['paint'] for r in rows])} ms; the last rows flushed, median "
        f"{med([r['rows_flushed'] for r in rows if r['rows_flushed'] is not None])} ms",
        f"compositor ms per frame median {med([f[1] for r in rows for f in r['frames']])} "
        f"(cpu {med([f[2] for r in rows for f in r['frames']])}); cpu of frames with list rows "
        f"median {med([f[2] for r in rows for f in r['frames'] if f[3]])}; "
        f"search ms median {med([s[1] for r in rows for s in r['search']])} "
        f"(cpu {med([s[2] for r in rows for s in r['search']])})",
        f"garbage collection before the screen settled in {sum(1 for r in rows if r['gc'])} keys, "
        f"{sum(ms for r in rows for _, ms in r['gc']):.0f} ms in all; full passes: "
        + (", ".join(f"{ms:.0f} ms" for r in rows for g, ms in r["gc"] if g == 2) or "none"),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["run"]:
        from tui.launch import start

        start()  # as `notesift` starts: its frame grid is set before Textual is imported
        install(Path(args[1]))
        from tui.cli import main as cli_main

        return cli_main(args[2:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["report"])
    parser.add_argument("directory", type=Path)
    parsed = parser.parse_args(args)
    print(report(parsed.directory))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
