"""The which-key popup: after a prefix, what the next keys do."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from tui.core.keys.keymap import PendingOption
from tui.core.keys.notation import display_chord, display_sequence
from tui.theme_palette import palette_of

ARROW = " ➜ "
GAP = 2  # cells between columns
SIDE_PADDING = 2  # the popup's `padding: 0 1`


def column_count(cell_width: int, available: int) -> int:
    """How many `cell_width` columns fit in `available` cells (at least one)."""
    return max(1, (available + GAP) // (cell_width + GAP))


class WhichKey(Static):
    """`key ➜ label` rows, groups as `+name`, the prefix as a breadcrumb title.

    Columns are as wide as the longest `key ➜ label`, so a label is never cut where
    the screen has room for it; a narrower screen gets fewer columns (one row per
    line, never a wrapped row), and only a label wider than the whole popup is cut.
    """

    DEFAULT_CSS = """
    WhichKey {
        layer: overlay; dock: bottom; offset: 0 -1; width: 100%; height: auto;
        max-height: 14; background: $panel; border-top: solid $accent; padding: 0 1;
        display: none; text-wrap: nowrap; text-overflow: ellipsis;
    }
    WhichKey.-open { display: block; }
    """

    def show_options(self, prefix: tuple[str, ...], options: list[PendingOption],
                     own: tuple[str, float] | None = None) -> None:
        """`own`: what the prefix runs by itself, and in how many seconds (`d` beside `dd`)."""
        palette = palette_of(self.app)
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(display_sequence(prefix), style="bold")
        if own is not None:
            label, seconds = own
            text.append(f"  ➜ {label} in {seconds:.1f} s", style="")
        text.append("  (Esc close · BS up)", style=palette.panel_muted)
        keys = [display_chord(option.chord) for option in options]
        key_width = max((cell_len(k) for k in keys), default=1)
        cells = []
        for key, option in zip(keys, options, strict=True):
            cell = Text(no_wrap=True, overflow="ellipsis")
            cell.append(" " * (key_width - cell_len(key)) + key, style=palette.key)
            cell.append(ARROW)
            cell.append(option.label, style=palette.group if option.is_group else "")
            cells.append(cell)
        available = max(1, self.app.size.width - SIDE_PADDING)
        width = min(available, max((c.cell_len for c in cells), default=1))
        columns = column_count(width, available)
        for i, cell in enumerate(cells):
            cell.truncate(width, overflow="ellipsis", pad=i % columns != columns - 1)
            text.append("\n" if i % columns == 0 else " " * GAP)
            text.append_text(cell)
        self.update(text)
        self.add_class("-open")

    def close(self) -> None:
        self.remove_class("-open")
