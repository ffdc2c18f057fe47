"""The which-key popup: after a prefix, what the next keys do."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.core.keymap import PendingOption
from tui.core.keys import display_chord, display_sequence
from tui.theme_palette import palette_of


class WhichKey(Static):
    """`key ➜ label` rows, groups as `+name`, the prefix as a breadcrumb title."""

    DEFAULT_CSS = """
    WhichKey {
        layer: overlay; dock: bottom; offset: 0 -1; width: 100%; height: auto;
        max-height: 14; background: $panel; border-top: solid $accent; padding: 0 1;
        display: none;
    }
    WhichKey.-open { display: block; }
    """

    def show_options(self, prefix: tuple[str, ...], options: list[PendingOption]) -> None:
        palette = palette_of(self.app)
        text = Text()
        text.append(display_sequence(prefix), style="bold")
        text.append("  (Esc close · BS up)\n", style=palette.panel_muted)
        columns = 3
        width = 30
        for i, option in enumerate(options):
            cell = Text()
            cell.append(f"{display_chord(option.chord):>7}", style=palette.key)
            cell.append(" ➜ ")
            cell.append(option.label, style=palette.group if option.is_group else "")
            cell.truncate(width, pad=True)
            text.append_text(cell)
            text.append("\n" if (i + 1) % columns == 0 else "  ")
        self.update(text)
        self.add_class("-open")

    def close(self) -> None:
        self.remove_class("-open")
