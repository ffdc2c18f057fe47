"""A small prompt for a tag, completing from the tags already in the notes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label

from tui.core.text.sanitize import one_line


class TagPromptScreen(ModalScreen[str | None]):
    """Enter confirms, Esc cancels; Right accepts the completion."""

    DEFAULT_CSS = """
    TagPromptScreen { align: center middle; }
    TagPromptScreen > Vertical {
        width: 60; height: auto; border: round $accent; background: $surface; padding: 0 1;
    }
    TagPromptScreen Label { width: 1fr; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, choices: list[str], hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(one_line(self.title_text), markup=False)
            yield Input(
                placeholder="tag (nested: area/topic)",
                suggester=SuggestFromList(self.choices, case_sensitive=False),
                id="tag-input",
            )
            if self.hint:
                yield Label(one_line(self.hint), markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip().lstrip("#")
        self.dismiss(value or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
