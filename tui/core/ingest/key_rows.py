"""Key bindings found in notes: wezterm Lua key tables and plain-text cheat-sheet tables.

Two shapes are recognised, wherever they appear in a file:

* wezterm config lines — `{ key = 'z', mods = 'CTRL|SHIFT', action = act.Foo },`
* cheat-sheet tables — a header row `快捷键 应用 功能 备注` (or `key app function note`,
  or the same as a markdown `| Key | App | … |` table) followed by rows such as
  `C-W bash kill word (backward)`, up to the first blank line.

Each binding becomes a "key" entry, so "what was the key for zoom?" is one search away.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from tui.core.ingest.entry import Entry, number_repeated_ids

__all__ = ["camel_words", "extract_key_rows"]

_QUOTED = r"""(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")"""
_WEZ_LINE_RE = re.compile(r"^\s*\{.*\bkey\s*=.*\baction\s*=")
_WEZ_KEY_RE = re.compile(r"\bkey\s*=\s*" + _QUOTED)
_WEZ_MODS_RE = re.compile(r"\bmods\s*=\s*" + _QUOTED)
_WEZ_ACTION_RE = re.compile(r"\baction\s*=\s*(.*)$")
_ACTION_PREFIX_RE = re.compile(r"^(?:wezterm\.action|act)\b\.?")
_CAMEL_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")

_HEADER_WORDS = (
    {"key", "keys", "shortcut", "shortcuts", "binding", "快捷键", "快捷鍵", "按键", "按鍵", "键位"},
    {"app", "application", "program", "tool", "mode", "应用", "應用", "程序", "软件", "工具"},
    {"function", "action", "description", "command", "功能", "作用", "说明", "說明", "描述"},
    {"note", "notes", "comment", "remark", "备注", "備註", "备忘"},
)
# Every key row follows a header whose first cell is a word of _HEADER_WORDS[0] (any case;
# `str.lower` makes only ASCII letters and the Kelvin sign into them, and IGNORECASE
# matches both), or is a wezterm line. A text with neither (almost every note) has no
# key rows: one search of the text each, anchored on its newlines, finds out (reading
# it line by line cost a 100k build more than a second).
_ANY_HEADER_RE = re.compile(
    r"\n[\s|*`]*(?:" + "|".join(sorted(map(re.escape, _HEADER_WORDS[0]), key=len, reverse=True))
    + r")(?=[\s|*`]|$)", re.MULTILINE | re.IGNORECASE)
_ANY_WEZ_LINE_RE = re.compile(r"\n\s*\{.*\bkey\s*=.*\baction\s*=")
_TABLE_RULE_RE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_WIDE_GAP_RE = re.compile(r"\t+|\s{2,}")

# Modifier spelling in wezterm → the letter used in vim-style notation (`C-S-z`).
_MOD_LETTERS = {
    "CTRL": "C",
    "CONTROL": "C",
    "ALT": "M",
    "OPT": "M",
    "META": "M",
    "OPTION": "M",
    "SHIFT": "S",
    "SUPER": "D",
    "CMD": "D",
    "WIN": "D",
}
_MOD_ORDER = "CMSD"
_KEY_NAMES = {
    "LeftArrow": "Left",
    "RightArrow": "Right",
    "UpArrow": "Up",
    "DownArrow": "Down",
    "Backspace": "BS",
    "Delete": "Del",
    "Enter": "CR",
    "Return": "CR",
    "Escape": "Esc",
}
_CHORD_MODS = {
    "c": "C",
    "ctrl": "C",
    "control": "C",
    "m": "M",
    "a": "M",
    "alt": "M",
    "meta": "M",
    "opt": "M",
    "option": "M",
    "s": "S",
    "shift": "S",
    "d": "D",
    "cmd": "D",
    "super": "D",
    "win": "D",
}
_SPELLED_MODS = {"C": "Ctrl", "M": "Alt Meta", "S": "Shift", "D": "Super Cmd"}


def camel_words(name: str) -> str:
    """`TogglePaneZoomState` → `Toggle Pane Zoom State`, so plain-word searches match."""
    return " ".join(_CAMEL_RE.findall(name))


def extract_key_rows(rel_path: str, lines: list[str]) -> list[Entry]:
    """Every wezterm binding line and cheat-sheet table row in a file, in file order."""
    entries: list[Entry] = []
    text = "\n" + "\n".join(lines)  # every line after a newline
    if _ANY_HEADER_RE.search(text) is None and _ANY_WEZ_LINE_RE.search(text) is None:
        return entries
    name = PurePosixPath(rel_path).name
    header: list[str] | None = None
    markdown = False
    for index, line in enumerate(lines):
        if not line.strip():
            header = None
            continue
        if _WEZ_LINE_RE.match(line):
            header = None
            entry = _wezterm_entry(rel_path, name, line, index + 1)
            if entry is not None:
                entries.append(entry)
            continue
        cells, is_markdown = _header_cells(line)
        if cells is not None:
            header, markdown = cells, is_markdown
            continue
        if header is None or _TABLE_RULE_RE.match(line):
            continue
        entry = _table_entry(rel_path, name, line, index + 1, markdown)
        if entry is not None:
            entries.append(entry)
    number_repeated_ids(entries)
    return entries


# --- wezterm -------------------------------------------------------------------------


def _quoted(match: re.Match[str] | None) -> str | None:
    """The text inside whichever quote style matched, or None."""
    if match is None:
        return None
    value = match.group(1) if match.group(1) is not None else match.group(2)
    return value.replace("\\'", "'").replace('\\"', '"').replace("\\\\", "\\")


def _key_entry(
    entry_id: str,
    rel_path: str,
    name: str,
    lineno: int,
    title: str,
    text: str,
    meta: dict[str, str],
) -> Entry:
    """A one-line `key` entry (wezterm line or cheat-sheet row)."""
    return Entry(
        id=entry_id,
        kind="key",
        title=title,
        path=rel_path,
        line=lineno,
        end_line=lineno,
        text=text,
        breadcrumb=f"{name} › keys",
        meta=meta,
    )


def _wezterm_entry(rel_path: str, name: str, line: str, lineno: int) -> Entry | None:
    """One entry for a `{ key = …, mods = …, action = … }` line, or None if unreadable."""
    key = _quoted(_WEZ_KEY_RE.search(line))
    action_match = _WEZ_ACTION_RE.search(line)
    if key is None or action_match is None:
        return None
    mods_raw = _quoted(_WEZ_MODS_RE.search(line)) or ""
    mods = "|".join(m.strip().upper() for m in mods_raw.split("|") if m.strip())
    if mods == "NONE":
        mods = ""
    action = _clean_action(action_match.group(1))
    if not action:
        return None
    action_name = re.match(r"[A-Za-z_][A-Za-z0-9_]*", action)
    words = camel_words(action_name.group(0)) if action_name else ""
    notation = _notation(mods, key)
    title = f"{mods}+{key}  {action}" if mods else f"{key}  {action}"
    text = "\n".join(
        part
        for part in (line.strip(), title, words, f"{notation} {_spelled(notation)} wezterm")
        if part
    )
    return _key_entry(
        f"{rel_path}#key/wezterm/{notation}",
        rel_path,
        name,
        lineno,
        title,
        text,
        {
            "key": key,
            "mods": mods,
            "action": action,
            "app": "wezterm",
            "notation": notation,
            "function": words or action,
            "note": "",
        },
    )


def _clean_action(raw: str) -> str:
    """The action as a reader would say it: `act.Foo(1)` → `Foo(1)`, `"Foo"` → `Foo`.

    The old table form `wezterm.action{Split={…}}` becomes `Split({…})`, matching the
    modern call syntax so both spellings read (and search) the same.
    """
    text = re.sub(r"\s*--.*$", "", raw).strip()  # Lua comment
    text = text.rstrip(",").rstrip()
    if text.endswith("}"):  # the binding table's own closing brace
        text = text[:-1].rstrip().rstrip(",").rstrip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    text = _ACTION_PREFIX_RE.sub("", text).strip()
    table = re.fullmatch(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*\}", text, re.DOTALL)
    if table:
        return f"{table.group(1)}({table.group(2)})"
    if text.startswith("{") and text.endswith("}"):
        return text[1:-1].strip()
    # Lua call sugar: `act.SpawnTab 'CurrentPaneDomain'` is `SpawnTab('CurrentPaneDomain')`.
    sugar = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)\s*(['\"].*['\"]|\{.*\})", text, re.DOTALL)
    if sugar:
        return f"{sugar.group(1)}({sugar.group(2)})"
    return text


def _notation(mods: str, key: str) -> str:
    """vim-style chord, `CTRL|SHIFT` + `z` → `C-S-z`, the form the cheat-sheets use."""
    letters = {_MOD_LETTERS[m] for m in mods.split("|") if m in _MOD_LETTERS}
    ordered = [letter for letter in _MOD_ORDER if letter in letters]
    extra = [m.lower() for m in mods.split("|") if m and m not in _MOD_LETTERS]
    return "-".join([*ordered, *extra, _KEY_NAMES.get(key, key)])


def _spelled(notation: str) -> str:
    """`C-S-z` → `Ctrl Shift z`, so a search for "ctrl shift z" finds the chord."""
    parts = re.split(r"-(?=.)", notation)
    if len(parts) < 2:
        return ""
    return " ".join([*(_SPELLED_MODS.get(p, p) for p in parts[:-1]), parts[-1]])


# --- cheat-sheet tables ----------------------------------------------------------------


def _header_cells(line: str) -> tuple[list[str] | None, bool]:
    """(cells, is_markdown) if `line` is a `key app function [note]` header, else None."""
    is_markdown = line.strip().startswith("|")
    cells = _pipe_cells(line) if is_markdown else line.split()
    if not 3 <= len(cells) <= 4:  # before cleaning cells: most lines are longer prose
        return None, False
    words = [c.strip("*` ").lower() for c in cells]
    if all(word in _HEADER_WORDS[i] for i, word in enumerate(words)):
        return words, is_markdown
    return None, False


def _pipe_cells(line: str) -> list[str]:
    """Cells of a markdown `| a | b |` row."""
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _normal_chord(key: str) -> str:
    """Cheat-sheet spellings to vim-style notation: `Alt-D` → `M-D`, `Ctrl+w` → `C-w`.

    Lets a filter on notation match a wezterm binding and a hand-written row alike.
    """
    parts = re.split(r"[-+](?=.)", key)
    if len(parts) < 2:
        return key
    mods = [_CHORD_MODS.get(p.lower(), p) for p in parts[:-1]]
    return "-".join([*mods, parts[-1]])


def _split_row(line: str, markdown: bool) -> list[str]:
    """Cells of a table row: `|`-separated, or whitespace-separated (see module doc).

    Plain rows are often typed with single spaces, so only the key and app are taken
    as single tokens; the rest is the function, with a note after a wide gap if any.
    """
    if markdown:
        return _pipe_cells(line)
    stripped = line.strip()
    wide = [c for c in _WIDE_GAP_RE.split(stripped) if c]
    if len(wide) >= 3:
        return [wide[0], wide[1], wide[2], " ".join(wide[3:])]
    first = stripped.split(None, 2)
    if len(first) < 2:
        return first
    rest = [c for c in _WIDE_GAP_RE.split(first[2])] if len(first) > 2 else [""]
    return [first[0], first[1], rest[0], " ".join(rest[1:])]


def _table_entry(rel_path: str, name: str, line: str, lineno: int, markdown: bool) -> Entry | None:
    """One entry for a cheat-sheet row, or None when the row has no key and app."""
    cells = _split_row(line, markdown)
    if len(cells) < 2 or not cells[0] or not cells[1]:
        return None
    key, app = cells[0].strip("` "), cells[1].strip("` ")
    function = cells[2].strip() if len(cells) > 2 else ""
    note = " ".join(c.strip() for c in cells[3:] if c.strip())
    title = "  ".join(part for part in (key, app, function) if part)
    notation = "/".join(_normal_chord(k) for k in key.split("/"))
    spelled = " / ".join(s for s in (_spelled(k) for k in notation.split("/")) if s)
    text = "\n".join(part for part in (line.strip(), title, note, spelled) if part)
    return _key_entry(
        f"{rel_path}#key/{app}/{key}",
        rel_path,
        name,
        lineno,
        title,
        text,
        {
            "key": key,
            "app": app,
            "function": function,
            "note": note,
            "notation": notation,
        },
    )
