"""The preview pane: the entry rendered, scrolled to and highlighting the match."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.core.search import SearchHit
from tui.render import preview_text
from tui.theme_palette import palette_of


class PreviewPane(VerticalScroll):
    """Shows one hit; re-rendering is cheap because entries are at most ~60 lines."""

    DEFAULT_CSS = """
    PreviewPane { padding: 0 1; }
    PreviewPane > Static { width: 1fr; }
    """
    BINDINGS: list = []

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.body = Static("", id="preview-body", markup=False)
        self.match_style: str | None = None  # None: the theme's match colour
        self.shown_id: str | None = None
        self._shown: tuple[SearchHit, list[str]] | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield self.body

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        """The preview carries the theme's colours, so a new theme redraws it."""
        if self._shown is not None:
            self.show(*self._shown)

    def show(self, hit: SearchHit | None, terms: list[str]) -> None:
        if hit is None:
            self.body.update("")
            self.shown_id = None
            self._shown = None
            return
        self._shown = (hit, terms)
        text, match_offset = preview_text(
            hit.entry, terms, hit.match_line, self.match_style, palette=palette_of(self.app)
        )
        self.body.update(text)
        self.shown_id = hit.entry.id
        row = self._wrapped_rows(text[:match_offset]) if match_offset else 0
        self.call_after_refresh(self.scroll_to, 0, max(0, row - 3), animate=False)

    def _wrapped_rows(self, head: Text) -> int:
        """Display rows `head` takes once wrapped to the pane (long lines wrap)."""
        width = self.scrollable_content_region.width or 80
        return len(head.wrap(self.app.console, width)) - 1
