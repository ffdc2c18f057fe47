"""The one registry of everything a key can do.

Keymaps, the command palette, the cheat sheet and `notesift check` all read this
table, so an action has one name, one description and one typed argument list,
and a misspelt name in a user's keymap is caught (with a suggestion) instead of
silently doing nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tui.core.text.suggest import did_you_mean


@dataclass(frozen=True, slots=True)
class ActionParam:
    """One argument of an action."""

    name: str
    kind: type = str
    required: bool = False
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """A named thing the app can do."""

    name: str
    description: str
    params: tuple[ActionParam, ...] = ()
    group: str = "general"


@dataclass(frozen=True, slots=True)
class ActionCall:
    """An action with its arguments, as bound to a key (hashable, comparable)."""

    name: str
    args: tuple[tuple[str, Any], ...] = ()

    def arg(self, key: str, default: Any = None) -> Any:
        for name, value in self.args:
            if name == key:
                return value
        return default

    @property
    def label(self) -> str:
        """`copy field=url`: how the cheat sheet shows the call."""
        if not self.args:
            return self.name
        return self.name + " " + " ".join(f"{k}={_label_value(v)}" for k, v in self.args)


def _label_value(value: Any) -> str:
    """Booleans as TOML spells them (`one_shot=true`); text with spaces quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and (not value or value != value.strip() or " " in value):
        return f'"{value}"'
    return str(value)


COPY_FIELDS = ("entry", "title", "url", "path", "code", "selection")
SORT_FIELDS = ("score", "date", "likes", "path")

_SPECS = (
    ActionSpec("quit", "Quit notesift"),
    ActionSpec("command_palette", "Command palette: every action with its key"),
    ActionSpec("cheatsheet", "Cheat sheet of every key binding"),
    ActionSpec("focus_search", "Type in the search prompt (insert mode)", group="mode"),
    ActionSpec("normal_mode", "Leave the prompt for normal mode", group="mode"),
    ActionSpec("next", "Next result", group="move"),
    ActionSpec("prev", "Previous result", group="move"),
    ActionSpec("first", "First result", group="move"),
    ActionSpec("last", "Last result", group="move"),
    ActionSpec("page_down", "Half a page down", group="move"),
    ActionSpec("page_up", "Half a page up", group="move"),
    ActionSpec("preview_down", "Scroll the preview down", group="move"),
    ActionSpec("preview_up", "Scroll the preview up", group="move"),
    ActionSpec("preview_next_match", "Jump to the next highlighted match in the preview",
               group="move"),
    ActionSpec("preview_prev_match", "Jump to the previous highlighted match in the preview",
               group="move"),
    ActionSpec("open_in_editor", "Open the entry in $EDITOR at its line", group="open"),
    ActionSpec("open_link", "Open the entry's link in the browser (several: pick one)",
               group="open"),
    ActionSpec("toggle_preview", "Show or hide the preview", group="view"),
    ActionSpec("zoom_preview", "Preview full width (toggle)", group="view"),
    ActionSpec("focus_next_pane", "Move focus to the next pane", group="view"),
    ActionSpec("toggle_outline", "Outline panel: headings of the current note", group="view"),
    ActionSpec("toggle_tags", "Tags panel with counts", group="view"),
    ActionSpec("toggle_notes", "Notes panel: every note file", group="view"),
    ActionSpec("show_warnings", "List skipped files and other warnings", group="view"),
    ActionSpec("reindex", "Re-index every note from scratch (rebuild the cache)", group="view"),
    ActionSpec("clear_query", "Clear the search prompt", group="search"),
    ActionSpec("history_prev", "Previous query from the history (queries that led somewhere)",
               group="search"),
    ActionSpec("history_next", "Next query from the history (back to what you typed)",
               group="search"),
    ActionSpec("history_picker", "Pick a past query from the history", group="search"),
    ActionSpec(
        "filter",
        "Add a filter to the query, keeping the words (the same one again: take it away)",
        (ActionParam("query", str, required=True),),
        group="search",
    ),
    ActionSpec("clear_filters", "Drop the query's filters, keep its words", group="search"),
    ActionSpec(
        "sort",
        "Sort results by score, date, likes or path",
        (ActionParam("by", str, required=True, choices=SORT_FIELDS),),
        group="search",
    ),
    ActionSpec("toggle_mark", "Mark or unmark the entry (Tab, as in fzf)", group="select"),
    ActionSpec(
        "copy",
        "Copy the entry, its title, link, path:line, a code block or the selection",
        (ActionParam("field", str, choices=COPY_FIELDS),),
        group="copy",
    ),
    ActionSpec("tag_add", "Add a tag to the entry (or the marked ones)", group="tags"),
    ActionSpec("tag_remove", "Remove a tag from the entry (or the marked ones)", group="tags"),
    ActionSpec("tag_undo", "Undo the last tag change", group="tags"),
    ActionSpec(
        "activate_key_table",
        "Activate a named key table (wezterm's ActivateKeyTable)",
        (
            # `name` is also the key of the action table, so TOML spells it `table`.
            ActionParam("name", str, required=True, aliases=("table",)),
            ActionParam("one_shot", bool),
            ActionParam("timeout_ms", int),
        ),
        group="keys",
    ),
    ActionSpec("pop_key_table", "Leave the active key table", group="keys"),
    ActionSpec("none", "Unbind: the key does nothing", group="keys"),
)

ACTIONS: Mapping[str, ActionSpec] = {spec.name: spec for spec in _SPECS}


def make_action(value: object) -> tuple[ActionCall | None, list[str]]:
    """Validate an action against the registry.

    Three spellings: `"quit"`, `{ name = "copy", field = "url" }`, and wezterm's
    `{ activate_key_table = { name = "yank", one_shot = true } }` (needed when an
    argument is itself called `name`). Returns the call (None when unusable) and
    every problem found, each a sentence without position (the caller knows the
    file and line).
    """
    if isinstance(value, str):
        name, raw_args = value, {}
    elif isinstance(value, Mapping):
        only = next(iter(value), None) if len(value) == 1 else None
        if "name" not in value and only is not None and isinstance(value[only], Mapping):
            name, raw_args = only, dict(value[only])
        else:
            name = value.get("name")
            raw_args = {k: v for k, v in value.items() if k != "name"}
        if not isinstance(name, str):
            return None, ['action table needs a string `name`, e.g. { name = "copy" }']
    else:
        return None, [f"action must be a name or a table, not {type(value).__name__}"]
    spec = ACTIONS.get(name)
    if spec is None:
        return None, [f"unknown action {name!r}{did_you_mean(name, list(ACTIONS))}"]
    problems: list[str] = []
    args: list[tuple[str, Any]] = []
    known = {p.name: p for p in spec.params}
    aliases = {alias: p.name for p in spec.params for alias in p.aliases}
    raw_args = {aliases.get(k, k): v for k, v in raw_args.items()}
    for key, arg in raw_args.items():
        param = known.get(key)
        if param is None:
            problems.append(f"action {name!r} has no argument {key!r}{did_you_mean(key, known)}")
            continue
        if (param.kind is int and isinstance(arg, bool)) or not isinstance(arg, param.kind):
            problems.append(f"{name}.{key} must be {param.kind.__name__}, got {arg!r}")
            continue
        if param.choices and arg not in param.choices:
            hint = did_you_mean(str(arg), param.choices)
            problems.append(f"{name}.{key} must be one of {', '.join(param.choices)}{hint}")
            continue
        args.append((key, arg))
    for param in spec.params:
        if param.required and param.name not in raw_args:
            problems.append(f"action {name!r} needs argument {param.name!r}")
    if any(p.required and p.name not in dict(args) for p in spec.params):
        return None, problems
    return ActionCall(name, tuple(sorted(args))), problems
