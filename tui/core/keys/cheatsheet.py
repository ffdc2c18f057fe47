"""The cheat sheet: every binding as Key · Mode · Action · Note, in the owner's style.

The owner keeps `key  app  function  note` tables in notes; `render_sheet` writes
the same shape (markdown or aligned text) so a sheet pasted into a note is itself
indexed by notesift as key entries, and as TOML so it can be saved as a keymap.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from rapidfuzz import fuzz

from tui.core.keys.actions import ACTIONS, ActionCall
from tui.core.keys.keymap import SCOPES, KeyBinding, Keymap
from tui.core.keys.notation import display_sequence, terminal_support
from tui.core.text.width import display_width

__all__ = ["SheetRow", "cheatsheet_rows", "filter_rows", "render_sheet"]

SheetFormat = Literal["markdown", "text", "toml"]
FORMATS: tuple[str, ...] = ("markdown", "text", "toml")
# `mode` (not "scope") is a header word notesift's key-table reader knows.
HEADER = ("Key", "Mode", "Action", "Note")
KITTY_NOTE = "needs kitty protocol"
FILTER_CUTOFF = 75
_ANGLE = re.compile(r"<[^<>\s|`]+>")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One line of the sheet; the trailing fields let it be written back as a keymap."""

    key: str
    scope: str
    action: str
    note: str
    keys: tuple[str, ...] = ()
    call: ActionCall | None = None  # None: the leader key itself
    mode: str = "all"
    table: str = ""
    desc: str = ""
    timeout_ms: int | None = None


def _row(binding: KeyBinding, scope: str, table: str = "") -> SheetRow:
    spec = ACTIONS.get(binding.action.name)
    described = binding.desc or (spec.description if spec else binding.action.name)
    if binding.action.name == "none":
        described = binding.desc or "unbound"
    note = binding.action.label
    if not all(terminal_support(chord).plain for chord in binding.keys):
        note += f" · {KITTY_NOTE}"
    return SheetRow(
        key=display_sequence(binding.keys),
        scope=scope,
        action=described,
        note=note,
        keys=binding.keys,
        call=binding.action,
        mode=binding.mode,
        table=table,
        desc=binding.desc,
    )


def cheatsheet_rows(keymap: Keymap, *, include_unbound: bool = False) -> list[SheetRow]:
    """The leader, then bindings grouped by mode (all, insert, normal, preview), then tables.

    `include_unbound` keeps `action = "none"` rows, which a TOML export needs to
    reproduce unbound defaults; people reading the sheet do not.
    """
    rows: list[SheetRow] = []
    if keymap.leader is not None:
        rows.append(
            SheetRow(
                key=display_sequence((keymap.leader,)),
                scope="all",
                action="Leader: press it, then a leader key",
                note=f"leader · waits {keymap.leader_timeout_ms} ms",
                keys=(keymap.leader,),
                timeout_ms=keymap.leader_timeout_ms,
            )
        )
    for scope in SCOPES:
        for binding in keymap.bindings:
            if binding.mode == scope and (include_unbound or binding.action.name != "none"):
                rows.append(_row(binding, scope))
    for name, table in keymap.key_tables.items():
        for binding in table.bindings:
            if include_unbound or binding.action.name != "none":
                rows.append(_row(binding, f"table:{name}", name))
    return rows


def filter_rows(rows: list[SheetRow], query: str) -> list[SheetRow]:
    """Rows matching every word of `query` (fuzzy), best first; a key match ranks highest."""
    words = query.lower().split()
    if not words:
        return list(rows)
    scored: list[tuple[float, int, SheetRow]] = []
    for index, row in enumerate(rows):
        key = row.key.lower()
        haystack = f"{key} {row.scope} {row.action} {row.note}".lower()
        total = 0.0
        for word in words:
            score = fuzz.partial_ratio(word, haystack)
            if score < FILTER_CUTOFF:
                break
            total += score + (50 if word in key else 0) + (25 if word in haystack else 0)
        else:
            scored.append((-total, index, row))
    return [row for *_, row in sorted(scored, key=lambda item: (item[0], item[1]))]


# --- rendering ---------------------------------------------------------------------------


def _cells(row: SheetRow) -> tuple[str, str, str, str]:
    return row.key, row.scope, row.action, row.note


def _markdown(rows: list[SheetRow]) -> str:
    def cell(text: str) -> str:
        text = text.replace("\\", "\\\\").replace("|", "\\|")
        return _ANGLE.sub(lambda m: f"`{m.group(0)}`", text)  # `<C-x>` is not an HTML tag

    def code(text: str) -> str:
        fence = "``" if "`" in text else "`"
        pad = " " if text.startswith("`") or text.endswith("`") else ""
        return f"{fence}{pad}{text}{pad}{fence}"

    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for row in rows:
        key, scope, action, note = _cells(row)
        lines.append(f"| {code(key)} | {cell(scope)} | {cell(action)} | {cell(note)} |")
    return "\n".join(lines) + "\n"


def _text(rows: list[SheetRow]) -> str:
    table = [HEADER, *(_cells(row) for row in rows)]
    widths = [max(display_width(r[i]) for r in table) for i in range(len(HEADER) - 1)]
    lines = []
    for cells in table:
        parts = [cells[i] + " " * (widths[i] - display_width(cells[i]) + 2) for i in range(3)]
        lines.append(("".join(parts) + cells[3]).rstrip())
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def _toml_action(call: ActionCall) -> str:
    if not call.args:
        return _toml_value(call.name)
    args = ", ".join(f"{k} = {_toml_value(v)}" for k, v in call.args)
    if any(k == "name" for k, _ in call.args):  # `name` would clash with the action's own
        return f"{{ {call.name} = {{ {args} }} }}"
    return f"{{ name = {_toml_value(call.name)}, {args} }}"


def _toml(rows: list[SheetRow], keymap: Keymap | None) -> str:
    out = ["# notesift keymap, written by `notesift keys --format toml`.", ""]
    for row in rows:
        if row.call is None:
            timeout = f", timeout_ms = {row.timeout_ms}" if row.timeout_ms else ""
            out.append(f"leader = {{ keys = {_toml_value(row.key)}{timeout} }}")
    if keymap is not None:
        out.append(f"timeout_ms = {keymap.timeout_ms}")
    tables: dict[str, list[str]] = {}
    for row in rows:
        if row.call is None:
            continue
        desc = f", desc = {_toml_value(row.desc)}" if row.desc else ""
        if row.table:
            tables.setdefault(row.table, []).append(
                f"  {{ keys = {_toml_value(row.key)}, action = {_toml_action(row.call)}{desc} }},"
            )
            continue
        out += ["", "[[keys]]", f"keys = {_toml_value(row.key)}"]
        out.append(f"action = {_toml_action(row.call)}")
        if row.mode != "all":
            out.append(f"mode = {_toml_value(row.mode)}")
        if row.desc:
            out.append(f"desc = {_toml_value(row.desc)}")
    for name, lines in tables.items():
        header = name if _BARE_KEY.fullmatch(name) else json.dumps(name, ensure_ascii=False)
        out += ["", f"[key_tables.{header}]", "keys = [", *lines, "]"]
    if keymap is not None and keymap.groups:
        out += ["", "[groups]"]
        for keys, label in keymap.groups.items():
            out.append(f"{_toml_value(display_sequence(keys))} = {_toml_value(label)}")
    return "\n".join(out) + "\n"


def render_sheet(
    rows: list[SheetRow], fmt: SheetFormat | str = "markdown", *, keymap: Keymap | None = None
) -> str:
    """The sheet as a markdown table, aligned text columns, or a TOML keymap.

    For TOML, passing `keymap` adds its sequence timeout and which-key groups, so
    the file reproduces the keymap completely.
    """
    if fmt == "markdown":
        return _markdown(rows)
    if fmt == "text":
        return _text(rows)
    if fmt == "toml":
        return _toml(rows, keymap)
    raise ValueError(f"unknown cheat sheet format {fmt!r} (use {', '.join(FORMATS)})")
