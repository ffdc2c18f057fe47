"""The preview of a long note opens on its match, and keeps its place through a resize.

Rows are wrapped lazily, so the pane's height counts unwrapped lines as one row;
a scroll past that count was cut short and showed the note ten rows above the match.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import app_settings, ready, settle, type_text

from tui.app import NotesiftApp, make_app
from tui.widgets.preview import CONTEXT_ROWS

WORDS = "a line long enough to wrap twice in a preview pane of sixty columns or so, "


def _wrapping_note(root: Path) -> None:
    lines = ["# Long wrapped note", ""]
    lines += [f"{n}: {WORDS * 2}" for n in range(1, 60)]
    lines[50] = "Here the pangolin is named, once."
    (root / "long.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _shown_rows(app: NotesiftApp) -> list[str]:
    top = round(app.preview.scroll_offset.y)
    app.preview._wrap_until(rows=top + app.preview.size.height)
    return [r.plain for r in app.preview._rows[top : top + app.preview.size.height]]


@pytest.mark.asyncio
async def test_a_long_wrapped_note_opens_with_its_match_in_view(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    _wrapping_note(root)
    app = make_app(app_settings(root, tmp_path))
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot, app)
        await type_text(pilot, app, "pangolin")
        await settle(pilot, app)
        rows = _shown_rows(app)
        assert any("pangolin" in row for row in rows)
        assert "pangolin" in rows[CONTEXT_ROWS], "the match sits below a few rows of context"
        for width in (110, 120):
            await pilot.resize_terminal(width, 30)
            await settle(pilot, app)
            assert any("pangolin" in row for row in _shown_rows(app)), width
