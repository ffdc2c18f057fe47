"""A side panel (outline, tags or notes): a title and a list to choose from.

The panel owns its list: it moves its own cursor and says what was chosen with
a `SidePanel.Chosen` message, so the app never reaches into the option list.
The rows come from `side_rows`, which reads them from the index's store.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from rich.text import Text
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.core.text.sanitize import one_line

if TYPE_CHECKING:
    from tui.core.index.store import IndexStore

PANEL_TITLES = {"outline": "Outline", "tags": "Tags", "notes": "Notes"}
Row = tuple[str, str]  # (label, value): the value is a tag, or an entry id


SPELLING_ENTRIES = 2000  # tagged entries read for how their tags are written


def _tag_spellings(store: IndexStore) -> dict[str, str]:
    """Lower-case tag → the tag as the notes write it (`typescript` → `TypeScript`).

    The store counts tags lower-cased (that is how they are searched); the panel shows
    the spelling most entries use, one with capitals on a tie (`#TypeScript` was
    written so on purpose), read from the first tagged entries (a tag met only
    past them is shown lower-cased).
    """
    rowids = [r[0] for r in store.query(
        "SELECT rowid FROM entries WHERE tags != '||' ORDER BY rowid LIMIT ?",
        (SPELLING_ENTRIES,))]
    uses: Counter[str] = Counter()
    for entry in store.entries(rowids).values():
        uses.update({tag.lstrip("#") for tag in entry.tags})
    written: dict[str, str] = {}
    for tag, _ in sorted(uses.items(), key=lambda item: (-item[1], item[0].islower(), item[0])):
        written.setdefault(tag.lower(), tag)
    return written


def side_rows(store: IndexStore, kind: str, current_path: str | None) -> list[Row]:
    """The rows of a panel: tags with counts, every note, or the current note's outline."""
    if kind == "tags":
        written = _tag_spellings(store)
        counts = store.tag_counts()
        return [(f"#{written.get(t, t)}  ({n})", written.get(t, t))
                for t, n in sorted(counts.items())]
    if kind == "notes":
        return [(f"{e.path} — {e.title}", e.id) for e in store.notes()]
    if current_path is None:
        return []
    rows = []
    for e in store.entries_of_path(current_path):
        if e.kind not in ("note", "section"):
            continue
        depth = max(0, e.breadcrumb.count(" › ") - 1) if e.kind == "section" else 0
        rows.append((f"{'  ' * depth}{e.title}  :{e.line}", e.id))
    return rows


class SidePanel(Vertical):
    """Lists (label, value) pairs; choosing one posts `SidePanel.Chosen`."""

    DEFAULT_CSS = """
    SidePanel { width: 32; border-right: solid $panel; display: none; }
    SidePanel.-open { display: block; }
    SidePanel > Label { width: 1fr; background: $panel; padding: 0 1; text-style: bold; }
    SidePanel > OptionList { border: none; height: 1fr; }
    """

    class Chosen(Message):
        """A row was chosen (Enter or a click): a tag to filter by, or an entry to show."""

        def __init__(self, kind: str, value: str) -> None:
            super().__init__()
            self.kind = kind
            self.value = value

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.kind = ""
        self.values: list[str] = []
        self._title = Label("")
        self._options = OptionList()

    def compose(self):  # type: ignore[no-untyped-def]
        # The title and list are mounted when the panel is first filled: a hidden
        # OptionList cost a launch about 4% of its instructions to its first rows
        # (mounting, styling, its CSS).
        return iter(())

    def _mount_children(self) -> None:
        if self._options.parent is None:
            self.mount(self._title, self._options)

    def fill(self, kind: str, rows: list[Row]) -> None:
        self._mount_children()
        self.kind = kind
        self._title.update(Text(one_line(f"{PANEL_TITLES[kind]} ({len(rows)})")))
        self.values = [value for _, value in rows]
        # Text, never str: a str prompt would be parsed as markup (`[/draft]` in a title).
        self._options.set_options([Option(Text(one_line(label))) for label, _ in rows])
        if rows:
            self._options.highlighted = 0

    # -- open, focus -------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def open(self) -> None:
        self._mount_children()
        self.add_class("-open")
        self._options.focus()

    def close(self) -> None:
        self.remove_class("-open")

    @property
    def focused_here(self) -> bool:
        """The panel's list has the keyboard."""
        return self._options.has_focus

    def focus(self, scroll_visible: bool = True) -> SidePanel:
        self._options.focus(scroll_visible)
        return self

    # -- moving and choosing -----------------------------------------------------------

    def move(self, delta: int) -> None:
        self.jump((self._options.highlighted or 0) + delta)

    def jump(self, index: int) -> None:
        count = self._options.option_count
        if count:
            self._options.highlighted = max(0, min(count - 1, index))

    def jump_last(self) -> None:
        self.jump(self._options.option_count - 1)

    def choose_highlighted(self) -> None:
        self._choose(self._options.highlighted or 0)

    def _choose(self, index: int) -> None:
        if 0 <= index < len(self.values):
            self.post_message(self.Chosen(self.kind, self.values[index]))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option_index)
