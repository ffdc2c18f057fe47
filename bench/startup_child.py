"""The launch `bench.startup` measures, started as the `notesift` command starts.

The console script imports `re` and `sys`, then `tui.launch.start()` runs before
anything else (the collector paused, the kept code served) and `tui.cli` is
imported. This module does the same and imports none of the bench's own modules:
the child used to be `bench.startup` itself, whose argparse, compileall,
statistics, subprocess and shutil were imported before `start()`, with the
collector running (CPU no `notesift` launch pays), while it skipped `tui.cli`.

    python -m bench.startup_child ROOT CACHE OUT
"""

import re  # noqa: F401  (as the console script)
import sys


def child(root_arg: str, cache_arg: str, out_arg: str) -> None:
    """Launch the app headless; record when frames show what (see bench.startup)."""
    marks: dict[str, float] = {}
    from tui.launch import start

    start()  # as `notesift` starts: no GC until the first paint, kept code, the frame grid
    import asyncio
    import json
    import time
    from pathlib import Path
    from typing import Any

    import tui.cli  # noqa: F401  (the command line a launch goes through)
    from tui.app import AppSettings, NotesiftApp

    marks["cpu_imported"] = time.process_time()  # interpreter, Textual and the app's modules
    root, cache, out = Path(root_arg), Path(cache_arg), Path(out_arg)

    class Measured(NotesiftApp):
        CSS_PATH = str(Path(sys.modules[NotesiftApp.__module__].__file__ or "").with_name(
            "app.tcss"))

        def on_mount(self) -> None:
            super().on_mount()  # the screen with "opening the index…" in the status line

            def framed() -> None:
                marks.setdefault("frame", time.monotonic())
                marks.setdefault("cpu_frame", time.process_time())

            self.call_after_refresh(framed)

    app = Measured(AppSettings(root=root, cache_dir=cache, watch=False))
    original = app.search.show_result

    def show(seq: int, query: str, result: Any, **kw: Any) -> None:
        original(seq, query, result, **kw)
        name = "rows" if result.hits else "paint"

        def painted() -> None:
            marks.setdefault(name, time.monotonic())
            marks.setdefault("paint", marks[name])
            if name == "rows":  # CPU seconds of the process so far (all threads): load-proof
                marks.setdefault("cpu_rows", time.process_time())

        app.call_after_refresh(painted)

    app.search.show_result = show  # type: ignore[method-assign]

    async def drive() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            while not (app.indexed and "rows" in marks):
                await pilot.pause(0.01)
            marks["built"] = time.monotonic()

    asyncio.run(drive())
    out.write_text(json.dumps(marks), encoding="utf-8")


if __name__ == "__main__":
    child(*sys.argv[1:4])
