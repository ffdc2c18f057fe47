"""Layout snapshots of the main screen (wide and 80×24), stable run to run.

The watcher, cursor blink and user directories are all pinned so the only thing
that can change a snapshot is the layout itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import settle, snapshot_app, still


def _typing(query: str):  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await still(pilot)
        for ch in query:
            await pilot.press("space" if ch == " " else ch)
        await settle(pilot, pilot.app)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["wide", "narrow"])
def test_main_screen_with_a_tweet_query(  # type: ignore[no-untyped-def]
    snap_compare, example_notes: Path, tmp_path: Path, size
) -> None:
    app = snapshot_app(example_notes, tmp_path)
    run_before = _typing("kind:tweet likes:>500")
    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_main_screen_on_launch(  # type: ignore[no-untyped-def]
    snap_compare, example_notes: Path, tmp_path: Path
) -> None:
    app = snapshot_app(example_notes, tmp_path)
    assert snap_compare(app, terminal_size=(120, 40), run_before=_typing(""))
