"""A small prompt for a tag, completing from the tags already in the notes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label

from tui.core.tags.completion import tag_completion, tag_to_submit, typed_tag
from tui.core.text.sanitize import one_line


class _TagSuggester(Suggester):
    """The ghost text shows exactly what Enter takes (`tag_completion`), `#` typed or not."""

    def __init__(self, choices: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.choices = choices

    async def get_suggestion(self, value: str) -> str | None:
        completion = tag_completion(value, self.choices)
        if completion is None:
            return None
        marks = value[: len(value) - len(value.lstrip("#"))]
        return value + (marks + completion)[len(value):]


class TagPromptScreen(ModalScreen[str | None]):
    """Enter takes the shown completion (a trailing space keeps the typed text), Esc cancels.

    A line under the box says what Enter will do, so the dimmed completion is
    never mistaken for the value (or the value for the completion).
    """

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
                suggester=_TagSuggester(self.choices),
                id="tag-input",
            )
            yield Label("", id="tag-enter", markup=False)
            if self.hint:
                yield Label(one_line(self.hint), markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        typed = typed_tag(event.value)
        completion = tag_completion(event.value, self.choices)
        tag = completion or typed
        line = f"Enter: #{tag}" if tag else ""
        if completion and completion.casefold() != typed.casefold():
            line += f" (a space after it keeps #{typed})"
        self.query_one("#tag-enter", Label).update(one_line(line))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(tag_to_submit(event.value, self.choices) or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
