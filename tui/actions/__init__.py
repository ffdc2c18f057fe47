"""What each registered action does in the app: one explicit table.

`tui.core.keys.actions.ACTIONS` names every action a key, the palette or a key
table may call; `action_table` maps each of those names to its handler, grouped
by concern (the app, moving and viewing, the query, entries, copying and tags).
A test checks that the two have exactly the same names, so an action cannot be
registered without a handler, nor a handler left without an action.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tui.actions.copy_tags import CopyTagActions
from tui.actions.general import GeneralActions
from tui.actions.moving import MoveActions, ViewActions
from tui.actions.opening import OpenActions
from tui.actions.querying import QueryActions
from tui.core.keys.actions import ActionCall

if TYPE_CHECKING:
    from tui.app import NotesiftApp

Handler = Callable[[ActionCall], None]


class ActionTable:
    """The handlers of every action, by name, with the groups that hold their state."""

    def __init__(self, app: NotesiftApp) -> None:
        general = GeneralActions(app)
        move = MoveActions(app)
        view = ViewActions(app)
        self.query = QueryActions(app)  # the app asks it about the history and side choices
        query = self.query
        entries = OpenActions(app)
        copy_tags = CopyTagActions(app)
        self.handlers: dict[str, Handler] = {
            "quit": general.quit,
            "command_palette": general.command_palette,
            "cheatsheet": general.cheatsheet,
            "focus_search": general.focus_search,
            "normal_mode": general.normal_mode,
            "next": move.next,
            "prev": move.prev,
            "first": move.first,
            "last": move.last,
            "page_down": move.page_down,
            "page_up": move.page_up,
            "preview_down": move.preview_down,
            "preview_up": move.preview_up,
            "preview_next_match": move.preview_next_match,
            "preview_prev_match": move.preview_prev_match,
            "open_in_editor": entries.open_in_editor,
            "open_link": entries.open_link,
            "toggle_preview": view.toggle_preview,
            "zoom_preview": view.zoom_preview,
            "focus_next_pane": view.focus_next_pane,
            "toggle_outline": view.toggle_outline,
            "toggle_tags": view.toggle_tags,
            "toggle_notes": view.toggle_notes,
            "show_warnings": general.show_warnings,
            "reindex": general.reindex,
            "clear_query": query.clear_query,
            "history_prev": query.history_prev,
            "history_next": query.history_next,
            "history_picker": query.history_picker,
            "filter": query.filter,
            "clear_filters": query.clear_filters,
            "sort": query.sort,
            "toggle_mark": entries.toggle_mark,
            "copy": copy_tags.copy,
            "tag_add": copy_tags.tag_add,
            "tag_remove": copy_tags.tag_remove,
            "tag_undo": copy_tags.tag_undo,
            "activate_key_table": general.activate_key_table,
            "pop_key_table": general.pop_key_table,
            "none": general.none,
        }

    def get(self, name: str) -> Handler | None:
        return self.handlers.get(name)
