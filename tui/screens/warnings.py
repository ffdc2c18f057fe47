"""The warnings list: every skipped file and problem, one per line."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.core.text.sanitize import one_line


class WarningsScreen(ModalScreen[None]):
    """Modal list of warnings; Esc or q closes it."""

    DEFAULT_CSS = """
    WarningsScreen { align: center middle; }
    WarningsScreen > Vertical {
        width: 90%; height: 80%; border: round $warning; background: $surface;
    }
    WarningsScreen Label { padding: 0 1; text-style: bold; }
    WarningsScreen OptionList { height: 1fr; border: none; }
    """
    BINDINGS = [Binding("escape,q", "dismiss_screen", "Close")]

    def __init__(self, warnings: list[str]) -> None:
        super().__init__()
        self.warnings = warnings

    def compose(self) -> ComposeResult:
        with Vertical():
            noun = "warning" if len(self.warnings) == 1 else "warnings"
            yield Label(f"{len(self.warnings)} {noun} — Esc to close")
            rows = [Option(Text(one_line(w))) for w in self.warnings] or [Option("none")]
            yield OptionList(*rows)

    def action_dismiss_screen(self) -> None:
        self.dismiss(None)
