"""The search prompt: an `Input` whose typing repaints one line and asks for no layout.

Textual's `Input` sets its virtual size on every change, and a virtual size is a
layout-changing reactive: each typed character re-arranged the whole screen before
it was echoed. The prompt has a fixed height and width, so that layout can never
move anything; the scroll range is updated without it.

A typed character, a cursor move or a blink changes the text line alone, while
`Input` repaints its border rows too: the echo repaints the one line (a third of
the bytes and of the prompt's styling work) unless the frame around it changed
(size, focus, border, theme).
"""

from __future__ import annotations

from textual.geometry import Region
from textual.widgets import Input


class SearchPrompt(Input):
    """`Input` with a layout-free, one-line echo."""

    _typing = False
    _frame_key: tuple[object, ...] | None = None  # the frame last painted whole

    def _watch_value(self, value: str) -> None:
        self._typing = True
        try:
            super()._watch_value(value)
        finally:
            self._typing = False

    def refresh(self, *regions, repaint=True, layout=False, recompose=False):  # type: ignore[no-untyped-def, override]
        if self._typing:
            layout = False  # fixed size: a changed value only repaints the prompt
        if not regions and repaint and not layout and not recompose and self.is_mounted:
            key = (self.size, self.has_focus, self.styles.border, self.styles.background,
                   self.app.theme)
            if key == self._frame_key:
                regions = (Region(0, 0, self.size.width, 1),)  # the text line
            else:
                self._frame_key = key
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
