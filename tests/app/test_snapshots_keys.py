"""Snapshots of the key helpers: the which-key popup and the cheat-sheet screen.

Pinned like tests/app/test_snapshots.py: no watcher, a fixed theme, no cursor blink,
user directories in tmp_path, and every worker finished before the picture.
"""

from __future__ import annotations

from pathlib import Path

from fake_clock import FakeClock
from textual.widgets import Input
from tui_helpers import settle, snapshot_app, still


def test_which_key_popup_after_y(  # type: ignore[no-untyped-def]
    snap_compare, example_notes: Path, tmp_path: Path
) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        await still(pilot)
        await pilot.press("escape", "y")
        clock.advance(0.5)  # the popup shows after 0.35 s
        assert app.which_key.has_class("-open")
        await pilot.pause()

    # Time passes only on the fake clock, so a slow machine cannot time `y` out
    # before the picture is taken; the popup itself is the default keymap's.
    clock = FakeClock()
    app = snapshot_app(example_notes, tmp_path, clock=clock)
    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


def test_cheat_sheet_screen(  # type: ignore[no-untyped-def]
    snap_compare, example_notes: Path, tmp_path: Path
) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        await still(pilot)
        await pilot.press("alt+h")
        await pilot.pause()
        assert type(app.screen).__name__ == "CheatSheetScreen"
        for field in app.screen.query(Input):
            field.cursor_blink = False
        await settle(pilot, app)
        await pilot.pause()

    app = snapshot_app(example_notes, tmp_path)
    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)

