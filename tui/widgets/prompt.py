"""The search prompt: an `Input` whose typing never asks for a layout pass.

Textual's `Input` sets its virtual size on every change, and a virtual size is a
layout-changing reactive: each typed character re-arranged the whole screen before
it was echoed. The prompt has a fixed height and width, so that layout can never
move anything; the scroll range is updated without it.
"""

from __future__ import annotations

from textual.widgets import Input


class SearchPrompt(Input):
    """`Input` with a layout-free echo."""

    _typing = False

    def _watch_value(self, value: str) -> None:
        self._typing = True
        try:
            super()._watch_value(value)
        finally:
            self._typing = False

    def refresh(self, *regions, repaint=True, layout=False, recompose=False):  # type: ignore[no-untyped-def, override]
        if self._typing:
            layout = False  # fixed size: a changed value only repaints the prompt
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
