"""The preview pane: the entry rendered, scrolled to and highlighting the match."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.core.search import SearchHit
from tui.render import MATCH_STYLE, preview_text


def _shown_key(hit: SearchHit | None, terms: list[str]) -> tuple[object, ...] | None:
    """What the preview shows: the entry as it is now, the highlighted terms, the match line."""
    if hit is None:
        return None
    entry = hit.entry
    return (entry.id, entry.title, entry.text, tuple(entry.tags), entry.path, entry.line,
            tuple(terms), hit.match_line)


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
        self.match_style = MATCH_STYLE
        self.shown_id: str | None = None
        self._shown_key: tuple[object, ...] | None = ()
        self.renders = 0  # how often the body was rebuilt (tests check it stays put)

    def compose(self):  # type: ignore[no-untyped-def]
        yield self.body

    def show(self, hit: SearchHit | None, terms: list[str], force: bool = False) -> bool:
        """Show `hit`; False (and nothing repainted) when it would look the same as now."""
        key = _shown_key(hit, terms)
        if key == self._shown_key and not force:
            return False
        self._shown_key = key
        self.renders += 1
        if hit is None:
            self.body.update("")
            self.shown_id = None
            return True
        text, match_offset = preview_text(hit.entry, terms, hit.match_line, self.match_style)
        self.body.update(text)
        self.shown_id = hit.entry.id
        row = self._wrapped_rows(text[:match_offset]) if match_offset else 0
        self.call_after_refresh(self.scroll_to, 0, max(0, row - 3), animate=False)
        return True

    def _wrapped_rows(self, head: Text) -> int:
        """Display rows `head` takes once wrapped to the pane (long lines wrap)."""
        width = self.scrollable_content_region.width or 80
        return len(head.wrap(self.app.console, width)) - 1
