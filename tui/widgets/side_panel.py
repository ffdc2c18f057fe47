"""A side panel (outline, tags or notes): a title and a list to choose from."""

from __future__ import annotations

from rich.text import Text
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.core.text.sanitize import one_line


class SidePanel(Vertical):
    """Lists (label, value) pairs; choosing one posts `OptionList.OptionSelected`."""

    DEFAULT_CSS = """
    SidePanel { width: 32; border-right: solid $panel; display: none; }
    SidePanel.-open { display: block; }
    SidePanel > Label { width: 1fr; background: $panel; padding: 0 1; text-style: bold; }
    SidePanel > OptionList { border: none; height: 1fr; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.kind = ""
        self.values: list[str] = []
        self.title = Label("")
        self.options = OptionList()

    def compose(self):  # type: ignore[no-untyped-def]
        yield self.title
        yield self.options

    def fill(self, kind: str, title: str, rows: list[tuple[str, str]]) -> None:
        self.kind = kind
        self.title.update(Text(one_line(title)))
        self.values = [value for _, value in rows]
        # Text, never str: a str prompt would be parsed as markup (`[/draft]` in a title).
        self.options.set_options([Option(Text(one_line(label))) for label, _ in rows])
        if rows:
            self.options.highlighted = 0

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")
