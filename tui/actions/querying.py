"""Actions on the query: clear it, walk the history, a given filter, the sort order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.core.keys.actions import ActionCall
from tui.core.search.query_edit import with_filter, without_filter_tokens
from tui.core.search.query_history import HistoryCursor

if TYPE_CHECKING:
    from tui.app import NotesiftApp


def _quoted(value: str) -> str:
    return f'"{value}"' if " " in value else value


class QueryActions:
    """clear_query, history_prev/next/picker, filter, clear_filters, sort; and a side
    panel's choice."""

    def __init__(self, app: NotesiftApp) -> None:
        self.app = app
        self.history_cursor: HistoryCursor | None = None
        self.history_value: str | None = None  # the prompt text a history step put there

    def set_query(self, text: str) -> None:
        prompt = self.app.search_input
        prompt.value = text
        prompt.cursor_position = len(text)

    def prompt_changed(self, value: str) -> None:
        """Typing (anything but a history step) starts a new draft."""
        if value != self.history_value:
            self.history_cursor = None

    def clear_query(self, call: ActionCall) -> None:
        self.set_query("")

    def _show_history_query(self, text: str) -> None:
        self.history_value = text
        self.set_query(text)

    def history_prev(self, call: ActionCall) -> None:
        if self.history_cursor is None:
            self.history_cursor = HistoryCursor(self.app.history.load())
        text = self.history_cursor.older(self.app.search_input.value)
        if text is None:
            self.app.say("no older query in the history")
            return
        self._show_history_query(text)

    def history_next(self, call: ActionCall) -> None:
        text = self.history_cursor.newer() if self.history_cursor is not None else None
        if text is not None:
            self._show_history_query(text)

    def history_picker(self, call: ActionCall) -> None:
        queries = list(reversed(self.app.history.load()))
        if not queries:
            self.app.say("no queries in the history yet: they are kept when one leads to an "
                         "open, a pick or a copy")
            return

        def chosen(index: int | None) -> None:
            if index is not None:
                self.set_query(queries[index])
                self.app.focus_now(self.app.search_input)

        from tui.screens.picker import PickerScreen  # loaded when first shown

        self.app.push_screen(PickerScreen(f"{len(queries)} past queries", queries,
                                          verb="searches"), chosen)

    def remember(self) -> None:
        """The query led to an open, a pick or a copy: keep it in the history."""
        self.app.history.add(self.app.search_input.value)
        self.history_cursor = None

    def filter(self, call: ActionCall) -> None:
        """Add the filter to what was typed (swapping that field's); again: take it away."""
        self.set_query(with_filter(self.app.search_input.value, str(call.arg("query", ""))))
        self.app.focus_now(self.app.search_input)

    def clear_filters(self, call: ActionCall) -> None:
        self.set_query(without_filter_tokens(self.app.search_input.value))

    def sort(self, call: ActionCall) -> None:
        self.app.search.set_sort(str(call.arg("by", "score")))

    def side_choice(self, kind: str, value: str) -> None:
        """Outline/notes: jump to that entry; tags: filter by the tag."""
        app = self.app
        if kind == "tags":  # the tag filter is swapped in; the typed words stay (as <M-t>)
            query = app.search_input.value
            if f"#{value}" not in query.split():  # picked again: kept, not toggled off
                query = with_filter(query, f"#{value}")
            self.set_query(query)
            app.focus_now(app.results)
            return
        index = app.index
        entry = (index.guarded(lambda: index.store.find_id(value), fallback=lambda: None)
                 if index is not None else None)
        if entry is None:
            return
        app.results.select_next(entry.id)
        self.set_query(f"path:{_quoted(entry.path)} ")
        app.focus_now(app.results)
