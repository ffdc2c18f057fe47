"""Pick one of several candidates (links, code blocks) with a preview of each."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.core.text.sanitize import one_line, printable


class PickerScreen(ModalScreen[int | None]):
    """Enter picks, Esc cancels; dismisses with the chosen index."""

    DEFAULT_CSS = """
    PickerScreen { align: center middle; }
    PickerScreen > Vertical {
        width: 90%; height: 80%; border: round $accent; background: $surface;
    }
    PickerScreen Label { padding: 0 1; text-style: bold; }
    PickerScreen OptionList { height: 40%; border: none; }
    PickerScreen VerticalScroll { height: 1fr; border-top: solid $panel; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("j,ctrl+n", "cursor(1)", "Down", show=False),
        Binding("k,ctrl+p", "cursor(-1)", "Up", show=False),
    ]

    def __init__(self, title: str, candidates: list[str], verb: str = "copies",
                 labels: list[str] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.candidates = candidates
        self.verb = verb
        self.labels = labels or [""] * len(candidates)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"{one_line(self.title_text)}  — Enter {self.verb}, Esc cancels"))
            yield OptionList(*[Option(self._option(label, c))
                               for label, c in zip(self.labels, self.candidates, strict=False)])
            with VerticalScroll():
                yield Static("", id="picker-preview", markup=False)

    @staticmethod
    def _option(label: str, candidate: str) -> Text:
        """`label  candidate`: the label (a link's text) first, the candidate dimmed after."""
        if not label:
            return Text(one_line(candidate)[:200])
        text = Text(one_line(label)[:80], style="bold")
        text.append("  " + one_line(candidate)[:200], style="dim")
        return text

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()
        self._preview(0)

    def _preview(self, index: int | None) -> None:
        if index is not None and 0 <= index < len(self.candidates):
            # A code block previews as its lines (each made printable on its own).
            lines = self.candidates[index].replace("\r\n", "\n").split("\n")
            self.query_one("#picker-preview", Static).update(
                Text("\n".join(printable(line) for line in lines)))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._preview(event.option_index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)

    def action_cursor(self, delta: int) -> None:
        options = self.query_one(OptionList)
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self.candidates) - 1, current + delta))

    def action_cancel(self) -> None:
        self.dismiss(None)
