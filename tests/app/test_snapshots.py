"""Layout snapshots of the main screen (wide and 80×24), stable run to run.

The watcher, cursor blink and user directories are all pinned so the only thing
that can change a snapshot is the layout itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tui_helpers import settle as _settle

from tui.app import AppSettings, make_app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "notes"


def _app(tmp_path: Path):  # type: ignore[no-untyped-def]
    root = tmp_path / "notes"
    shutil.copytree(EXAMPLES, root)
    return make_app(
        AppSettings(
            root=root,
            watch=False,
            theme="notesift-dark",
            cache_dir=tmp_path / "cache",
            state_file=tmp_path / "state.json",
        )
    )


def _typing(query: str):  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        app.search_input.cursor_blink = False
        while not app.indexed or app.result is None:
            await pilot.pause(0.05)
        for ch in query:
            await pilot.press("space" if ch == " " else ch)
        await _settle(pilot, app)
        await pilot.pause()
        await _settle(pilot, app)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["wide", "narrow"])
def test_main_screen_with_a_tweet_query(snap_compare, tmp_path: Path, size) -> None:  # type: ignore[no-untyped-def]
    run_before = _typing("kind:tweet likes:>500")
    assert snap_compare(_app(tmp_path), terminal_size=size, run_before=run_before)


def test_main_screen_on_launch(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_app(tmp_path), terminal_size=(120, 40), run_before=_typing(""))
