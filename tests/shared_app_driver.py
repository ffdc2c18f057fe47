"""A headless notesift TUI in its own process, reporting what it lists (for test_two_apps).

Usage: python shared_app_driver.py ROOT REPORT STOP. Writes REPORT (JSON, atomically)
every 0.2 s: whether the first index is done, the total in the status line, the ids
of the listed rows and the tag counts; exits when the file STOP appears.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from tui.app import AppSettings, make_app


async def run(root: Path, report: Path, stop: Path) -> None:
    app = make_app(AppSettings(root=root, watch=True))
    async with app.run_test(size=(120, 40)) as pilot:
        app.search.result_limit = 10_000
        while not stop.exists():
            await pilot.pause(0.2)
            index = app.index
            if index is None:
                continue
            state = {
                "indexed": app.indexed,
                "total": app.status_info.total,
                "listed": [h.entry.id for h in app.results.hits],
                "tags": dict(index.store.tag_counts()),
            }
            temp = report.with_suffix(".tmp")
            temp.write_text(json.dumps(state), encoding="utf-8")
            os.replace(temp, report)


if __name__ == "__main__":
    asyncio.run(run(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])))
