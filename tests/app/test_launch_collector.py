"""A launch pauses the cyclic garbage collector until its first rows are painted.

`tui.launch` stops it before the imports (they make hundreds of thousands of
long-lived objects the collector would scan again and again); the app must turn it
back on, or a long session would never free a reference cycle.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from tui_helpers import app_settings, until

from tui.app import make_app
from tui.launch import pause_collector, resume_collector


@pytest.fixture
def paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    pause_collector()
    try:
        yield
    finally:
        resume_collector()
        gc.unfreeze()  # what the resume froze is this test process's, not a launch's
        if was_enabled:
            gc.enable()


def _notes(tmp_path: Path) -> Path:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "a.md").write_text("# Alpha\n\nfirst note\n", "utf-8")
    return root


@pytest.mark.asyncio
async def test_the_collector_runs_again_once_the_first_rows_are_painted(
    tmp_path: Path, paused: None
) -> None:
    assert not gc.isenabled()
    app = make_app(app_settings(_notes(tmp_path), tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.results.current is not None, "the first rows")
        # Back on: automatic, or (once the index is ready) in the pauses between keys.
        await until(pilot, lambda: gc.isenabled() or app.idle_gc.running,
                    "the collector back on")
        assert app.results.current.entry.title == "Alpha"


def test_resuming_what_was_not_paused_changes_nothing() -> None:
    was_enabled = gc.isenabled()
    gc.disable()  # someone else's choice, e.g. a test runner: not ours to undo
    try:
        resume_collector()
        assert not gc.isenabled()
    finally:
        if was_enabled:
            gc.enable()
