"""The cheat sheet: every binding as Key · Scope · Action · Note, fuzzy-filterable."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label

from tui.core.keys.cheatsheet import cheatsheet_rows, filter_rows
from tui.core.keys.keymap import Keymap
from tui.core.text.sanitize import one_line

HEADERS = ("Key", "Mode", "Action", "Note")
NOTE_MIN, NOTE_MAX = 12, 60  # below 12 cells a note says nothing: the table scrolls instead


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
            yield DataTable(zebra_stripes=True, cursor_type="row")

    def on_mount(self) -> None:
        self._fill(self.rows)
        self.query_one(Input).focus()
        self.call_after_refresh(self._refill)  # the Note column's room is known once laid out

    def on_resize(self) -> None:
        self._refill()

    def _refill(self) -> None:
        value = self.query_one(Input).value
        self._fill(filter_rows(self.rows, value) if value else self.rows)

    def _note_width(self, rows: list) -> int:  # type: ignore[type-arg]
        """Cells left for the Note column once the other three are as wide as they need.

        A note wider than that was clipped by the pane mid-word (`needs kitty protoc`).
        """
        table = self.query_one(DataTable)
        width = table.scrollable_content_region.width or table.size.width
        if width <= 0:
            return NOTE_MAX
        pad = 2 * table.cell_padding
        used = sum(
            max([cell_len(HEADERS[i]), *(cell_len(one_line(r[i])) for r in rows)]) + pad
            for i in range(3)
        )
        return max(NOTE_MIN, min(NOTE_MAX, width - used - pad))

    def _fill(self, rows: list) -> None:  # type: ignore[type-arg]
        table = self.query_one(DataTable)
        table.clear(columns=True)  # auto-width columns only ever grow: start them anew
        table.add_columns(*HEADERS)
        room = self._note_width([(r.key, r.scope, r.action) for r in rows])
        for row in rows:
            note = one_line(row.note)
            if cell_len(note) > room:
                note = set_cell_size(note, room - 1).rstrip() + "…"
            table.add_row(one_line(row.key), one_line(row.scope), one_line(row.action), note)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._refill()

    def action_dismiss_screen(self) -> None:
        self.dismiss(None)
