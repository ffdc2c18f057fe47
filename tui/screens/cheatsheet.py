"""The cheat sheet: every binding as Key · Scope · Action · Note, fuzzy-filterable."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label

from tui.core.keys.cheatsheet import cheatsheet_rows, filter_rows
from tui.core.keys.keymap import Keymap
from tui.core.text.sanitize import one_line


class CheatSheetScreen(ModalScreen[None]):
    """Type to filter; Esc closes."""

    DEFAULT_CSS = """
    CheatSheetScreen { align: center middle; }
    CheatSheetScreen > Vertical {
        width: 96%; height: 92%; border: round $accent; background: $surface;
    }
    CheatSheetScreen Label { padding: 0 1; text-style: bold; }
    CheatSheetScreen Input { border: tall $panel; }
    CheatSheetScreen DataTable { height: 1fr; }
    """
    BINDINGS = [Binding("escape", "dismiss_screen", "Close", priority=True)]

    def __init__(self, keymap: Keymap) -> None:
        super().__init__()
        self.rows = cheatsheet_rows(keymap)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Key bindings — type to filter, Esc to close")
            yield Input(placeholder="filter: action, key or mode", id="sheet-filter")
            table: DataTable[str] = DataTable(zebra_stripes=True, cursor_type="row")
            table.add_columns("Key", "Mode", "Action", "Note")
            yield table

    def on_mount(self) -> None:
        self._fill(self.rows)
        self.query_one(Input).focus()

    def _fill(self, rows: list) -> None:  # type: ignore[type-arg]
        table = self.query_one(DataTable)
        table.clear()
        for row in rows:
            note = one_line(row.note)
            table.add_row(one_line(row.key), one_line(row.scope), one_line(row.action),
                          note if len(note) <= 40 else note[:39] + "…")

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(filter_rows(self.rows, event.value) if event.value else self.rows)

    def action_dismiss_screen(self) -> None:
        self.dismiss(None)
