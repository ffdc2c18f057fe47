"""The app's action table matches the registry, and the status line follows one state.

`tui.core.keys.actions.ACTIONS` is what keymaps, the palette and the cheat sheet
offer; `tui.actions.ActionTable` is what the app can do. A name in one and not
the other is either a key that silently does nothing or a handler nobody can reach.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import app_settings, ready, settle, type_text

from tui.app import make_app
from tui.core.keys.actions import ACTIONS, ActionCall


def test_every_registered_action_has_a_handler_and_every_handler_an_action(
    tmp_path: Path,
) -> None:
    app = make_app(app_settings(tmp_path, tmp_path))
    handlers = app.actions.handlers
    assert sorted(set(ACTIONS) - set(handlers)) == [], "registered actions with no handler"
    assert sorted(set(handlers) - set(ACTIONS)) == [], "handlers no action registers"
    assert all(callable(handler) for handler in handlers.values())


@pytest.mark.asyncio
async def test_an_unknown_action_is_reported_not_run(example_notes: Path, tmp_path: Path) -> None:
    app = make_app(app_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        app.run_action_call(ActionCall("no_such_action"))
        await pilot.pause()
        assert app.is_running
        assert any("'no_such_action' is not available" in n.message
                   for n in app._notifications)


@pytest.mark.asyncio
async def test_marks_and_sort_reach_the_status_line(example_notes: Path, tmp_path: Path) -> None:
    app = make_app(app_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await type_text(pilot, app, "kind:tweet")
        await pilot.press("escape", "tab", "tab")
        app.run_action_call(ActionCall("sort", (("by", "date"),)))
        await settle(pilot, app)
        line = str(app.status.render())
        assert "● 2 marked" in line and "sort:date" in line, line
        marked = {e.id for e in app.results.marked_entries()}
        app.results.jump(next(i for i, h in enumerate(app.results.hits) if h.entry.id in marked))
        await pilot.press("tab")  # unmark one of them again
        await pilot.pause()
        assert "● 1 marked" in str(app.status.render())
