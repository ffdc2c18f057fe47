"""The main screen's partial frames paint what Textual's own compositor would.

`CroppedCompositor` renders only the changed lines of widgets not covered by those in
front. Every partial frame of a session (typing, cursor moves, the which-key popup
over the list, a notification) is checked against Textual's `Compositor` on the
same state: the same strips on every line the frame sends to the terminal.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_clock import FakeClock
from textual._compositor import Compositor
from tui_helpers import app_settings, ready, settle, type_text

from tui.app import make_app
from tui.widgets.screen_paint import CroppedCompositor, PaintedScreen

pytestmark = pytest.mark.asyncio


def _lines(chops, is_rendered_line) -> dict[int, list[tuple[int, list[object]]]]:  # type: ignore[no-untyped-def]
    return {y: [(cut, list(strip)) for cut, strip in sorted(line.items()) if strip is not None]
            for y, line in enumerate(chops) if is_rendered_line(y)}


async def test_partial_frames_paint_what_textual_would(
    example_notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[int] = []
    differ: list[int] = []
    ours = CroppedCompositor._render_chops

    def both(self, crop, is_rendered_line):  # type: ignore[no-untyped-def]
        chops = ours(self, crop, is_rendered_line)
        if crop != self.size.region:
            theirs = Compositor._render_chops(self, crop, is_rendered_line)
            rows = _lines(chops, is_rendered_line)
            checked.append(len(rows))
            if rows != _lines(theirs, is_rendered_line):
                differ.append(crop.y)
        return chops

    monkeypatch.setattr(CroppedCompositor, "_render_chops", both)
    clock = FakeClock()
    app = make_app(app_settings(example_notes, tmp_path, clock=clock))
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, PaintedScreen)
        await ready(pilot, app)
        await type_text(pilot, app, "note")
        await pilot.press("escape", "j", "j", "k")
        await settle(pilot, app)
        await pilot.press("y")  # the which-key popup opens over the list and preview
        clock.advance(0.5)
        await pilot.pause()
        assert app.which_key.has_class("-open")
        await pilot.press("escape")
        app.say("a notification over the results")
        await pilot.pause()
        await pilot.press("i", "s")
        await settle(pilot, app)
    assert len(checked) >= 5 and sum(checked) > 0, "partial frames were painted and compared"
    assert differ == []


async def test_the_compositor_replaces_only_the_textual_method_it_was_written_for() -> None:
    """It overrides a private method of Textual (REVIEW3 #8): a Textual whose method
    takes other parameters keeps its own compositor instead of failing at each frame."""
    from textual._compositor import Compositor

    from tui.widgets import screen_paint

    assert screen_paint.FITS_TEXTUAL, "the installed Textual is the one it was written for"

    def other(self, crop, is_rendered_line, extra):  # type: ignore[no-untyped-def]
        return []

    assert not screen_paint._fits(other)
    assert screen_paint._fits(Compositor._render_chops)
