"""Key notation: neovim (`<C-x>`, `<leader>tr`), wezterm (`key`+`mods`) and Textual.

Every binding is stored as a tuple of canonical chords so the three notations
compare equal. A canonical chord is Textual-like: modifiers in the fixed order
`ctrl+alt+super+shift+`, then the key. A shifted letter without ctrl is the
upper-case letter (`alt+F`, `G`), because that is what a terminal sends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tui.core.text.suggest import closest, did_you_mean

LEADER = "<leader>"

# Special keys: neovim / wezterm spellings → Textual's key names.
_SPECIAL = {
    "cr": "enter",
    "enter": "enter",
    "return": "enter",
    "esc": "escape",
    "escape": "escape",
    "space": "space",
    "tab": "tab",
    "bs": "backspace",
    "backspace": "backspace",
    "del": "delete",
    "delete": "delete",
    "insert": "insert",
    "ins": "insert",
    "up": "up",
    "down": "down",
    "left": "left",
    "right": "right",
    "uparrow": "up",
    "downarrow": "down",
    "leftarrow": "left",
    "rightarrow": "right",
    "home": "home",
    "end": "end",
    "pageup": "pageup",
    "pagedown": "pagedown",
    "lt": "<",
    "gt": ">",
    "bar": "|",
    "bslash": "\\",
}
_MOD_ALIASES = {
    "c": "ctrl",
    "ctrl": "ctrl",
    "control": "ctrl",
    "m": "alt",
    "a": "alt",
    "alt": "alt",
    "meta": "alt",
    "opt": "alt",
    "option": "alt",
    "s": "shift",
    "shift": "shift",
    "d": "super",
    "super": "super",
    "cmd": "super",
    "win": "super",
    "command": "super",
}
_MOD_ORDER = ("ctrl", "alt", "super", "shift")
# Textual names printable characters; the chord uses the character itself.
_TEXTUAL_CHAR_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "colon": ":",
    "semicolon": ";",
    "comma": ",",
    "full_stop": ".",
    "minus": "-",
    "plus": "+",
    "equals_sign": "=",
    "underscore": "_",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "vertical_line": "|",
    "apostrophe": "'",
    "quotation_mark": '"',
    "number_sign": "#",
    "dollar_sign": "$",
    "exclamation_mark": "!",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "left_curly_bracket": "{",
    "right_curly_bracket": "}",
    "asterisk": "*",
    "ampersand": "&",
    "circumflex_accent": "^",
    "tilde": "~",
    "grave_accent": "`",
    "percent_sign": "%",
    "commercial_at": "@",
    "reverse_solidus": "\\",
    "left_parenthesis": "(",
    "right_parenthesis": ")",
}
_FUNCTION_KEY = re.compile(r"f([1-9]|1[0-9]|2[0-4])")


class KeyNotationError(ValueError):
    """A key spelling we cannot read.

    `column` is 0-based within the string that was parsed; `field` says which one
    (`"key"` or `"mods"` for wezterm's two-field form) so a file position can be given.
    """

    def __init__(self, message: str, column: int = 0, field: str = "") -> None:
        super().__init__(message)
        self.column = column
        self.field = field


KEY_NAMES: tuple[str, ...] = (
    "CR", "Enter", "Esc", "Space", "Tab", "BS", "Del", "Insert", "Up", "Down", "Left",
    "Right", "Home", "End", "PageUp", "PageDown", "lt", "gt", "Bar", "Bslash", "F1", "F12",
    "leader",
)  # fmt: skip


def _unknown_key(name: str) -> str:
    """`unknown key name 'Hom' (did you mean 'Home'?)`: the suggestion is case-blind."""
    hint = did_you_mean(name, (*_SPECIAL, *KEY_NAMES), ignore_case=True)
    return f"unknown key name {name!r}{hint}"


def _unknown_mod(name: str, spellings: tuple[str, ...]) -> str:
    match = closest(name, spellings, cutoff=0.5, ignore_case=True)
    hint = f"did you mean {match!r}? " if match is not None else ""
    return f"unknown modifier {name!r} ({hint}use {', '.join(spellings)})"


_VIM_MODS = ("C", "M", "A", "S", "D")
_WEZ_MODS = ("CTRL", "SHIFT", "ALT", "META", "OPT", "SUPER", "CMD", "WIN", "LEADER")


def _base_key(name: str) -> str | None:
    if len(name) == 1:
        return name
    lowered = name.lower()
    if lowered in _SPECIAL:
        return _SPECIAL[lowered]
    if _FUNCTION_KEY.fullmatch(lowered):
        return lowered
    if lowered in _TEXTUAL_CHAR_NAMES:
        return _TEXTUAL_CHAR_NAMES[lowered]
    return None


def make_chord(key: str, mods: set[str]) -> str:
    """The canonical chord for a base key and a set of modifier names."""
    mods = set(mods)
    if len(key) == 1 and key.isalpha():
        if "shift" in mods and "ctrl" not in mods:
            key = key.upper()
            mods.discard("shift")
        elif "ctrl" in mods:
            if key.isupper():
                mods.add("shift")
            key = key.lower()
    elif len(key) == 1 and "shift" in mods and "ctrl" not in mods:
        mods.discard("shift")  # `S-?` is just `?`: the terminal sends the shifted char
    if key == " " and not mods:
        key = "space"
    prefix = "".join(f"{m}+" for m in _MOD_ORDER if m in mods)
    return prefix + key


def parse_vim_keys(text: str) -> tuple[str, ...]:
    """`<leader>tr`, `gg`, `<C-S-p>`, `<M-f>`, `yl` → canonical chords."""
    chords: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "<":
            end = text.find(">", i + 1)
            if end == i + 1:
                raise KeyNotationError("empty <> in key sequence", i)
            if end < 0:
                chords.append("<")
                i += 1
                continue
            inner = text[i + 1 : end]
            chords.append(_parse_bracketed(inner, i + 1))
            i = end + 1
            continue
        chords.append("space" if ch == " " else ch)
        i += 1
    if not chords:
        raise KeyNotationError("empty key sequence")
    return tuple(chords)


def _parse_bracketed(inner: str, column: int) -> str:
    """One `<…>` group; `column` is where `inner` starts in the whole sequence."""
    if inner.lower() == "leader":
        return LEADER
    parts = inner.split("-")
    if inner.endswith("-") and len(inner) > 1:  # `<C-->`: ctrl + minus
        parts = [*inner[:-2].split("-"), "-"]
    *mod_names, key_name = parts
    mods: set[str] = set()
    offset = column
    for name in mod_names:
        mod = _MOD_ALIASES.get(name.lower())
        if mod is None:
            raise KeyNotationError(_unknown_mod(name, _VIM_MODS) + f" in <{inner}>", offset)
        mods.add(mod)
        offset += len(name) + 1
    key = _base_key(key_name)
    if key is None:
        raise KeyNotationError(_unknown_key(key_name) + f" in <{inner}>", offset)
    if "ctrl" in mods and len(key) == 1 and key.isalpha() and "shift" not in mods:
        key = key.lower()  # vim: `<C-P>` is `<C-p>`; write `<C-S-p>` for ctrl+shift
    return make_chord(key, mods)


def parse_wezterm_key(key: str, mods: str = "") -> tuple[str, ...]:
    """wezterm's `key = 'p', mods = 'CTRL|SHIFT'` → chords (LEADER adds a leader prefix)."""
    base = _base_key(key)
    if base is None:
        raise KeyNotationError(_unknown_key(key), 0, "key")
    names: set[str] = set()
    leader = False
    offset = 0
    for part in mods.split("|"):
        raw = part.strip()
        column = offset + len(part) - len(part.lstrip())
        offset += len(part) + 1
        if not raw or raw.upper() == "NONE":
            continue
        if raw.upper() == "LEADER":
            leader = True
            continue
        mod = _MOD_ALIASES.get(raw.lower())
        if mod is None:
            raise KeyNotationError(_unknown_mod(raw, _WEZ_MODS), column, "mods")
        names.add(mod)
    chord = make_chord(base, names)
    return (LEADER, chord) if leader else (chord,)


def parse_textual_key(key: str) -> str:
    """Textual's `ctrl+shift+p` / `alt+f` / `question_mark` → canonical chord."""
    if key == "+":
        return "+"
    if key.endswith("++"):  # `ctrl++`
        mod_names, base_name = key[:-2].split("+"), "+"
    else:
        *mod_names, base_name = key.split("+")
    offset = 0
    mods = set()
    for name in mod_names:
        mod = _MOD_ALIASES.get(name.lower())
        if mod is None:
            raise KeyNotationError(_unknown_mod(name, ("ctrl", "alt", "shift", "super")), offset)
        mods.add(mod)
        offset += len(name) + 1
    base = _base_key(base_name)
    if base is None:
        raise KeyNotationError(_unknown_key(base_name), offset)
    return make_chord(base, mods)


def split_chord(chord: str) -> tuple[list[str], str]:
    """`ctrl+shift+p` → (['ctrl', 'shift'], 'p'); copes with `+` and `ctrl++` as keys."""
    if len(chord) == 1 or chord == LEADER:
        return [], chord
    if chord.endswith("++"):
        return chord[:-2].split("+"), "+"
    *mods, key = chord.split("+")
    return mods, key


def chord_from_event(key: str, character: str | None) -> str:
    """The canonical chord for a Textual `Key` event."""
    if character and len(character) == 1 and character.isprintable() and "+" not in key[:-1]:
        return "space" if character == " " else character
    try:
        return parse_textual_key(key)
    except KeyNotationError:
        return key


_DISPLAY_NAMES = {
    "enter": "CR",
    "escape": "Esc",
    "space": "Space",
    "tab": "Tab",
    "backspace": "BS",
    "delete": "Del",
    "pageup": "PageUp",
    "pagedown": "PageDown",
    "up": "Up",
    "down": "Down",
    "left": "Left",
    "right": "Right",
    "home": "Home",
    "end": "End",
    "insert": "Insert",
    "<": "lt",
    ">": "gt",
    "|": "Bar",
    "\\": "Bslash",
}
_MOD_LETTERS = {"ctrl": "C", "alt": "M", "super": "D", "shift": "S"}


def display_chord(chord: str) -> str:
    """neovim-style spelling for humans: `<C-q>`, `<M-f>`, `g`, `<CR>`.

    The result reads back through `parse_vim_keys` to the same chord, so the
    cheat sheet and exported keymaps can be pasted into a keymap file.
    """
    if chord == LEADER:
        return "<leader>"
    if len(chord) == 1:
        return {"<": "<lt>", "|": "<Bar>"}.get(chord, chord)
    mods, key = split_chord(chord)
    plain = key not in _DISPLAY_NAMES and not _FUNCTION_KEY.fullmatch(key)
    if not mods and plain:
        return key
    key_text = _DISPLAY_NAMES.get(key, key.upper() if _FUNCTION_KEY.fullmatch(key) else key)
    return "<" + "".join(f"{_MOD_LETTERS.get(m, m)}-" for m in mods) + key_text + ">"


def display_sequence(chords: tuple[str, ...]) -> str:
    """`<leader>tr`, `gg`, `<C-S-p>`."""
    return "".join(display_chord(c) for c in chords)


@dataclass(frozen=True, slots=True)
class TerminalSupport:
    """Whether plain xterm/tmux can deliver a chord (no kitty keyboard protocol)."""

    plain: bool
    reason: str = ""


_LEGACY_TWINS = {"i": "Tab", "m": "Enter", "[": "Esc", "h": "Backspace on many terminals"}


def terminal_support(chord: str) -> TerminalSupport:
    """Chords a legacy terminal (xterm, tmux without extended keys) cannot deliver, and why."""
    if chord == LEADER:
        return TerminalSupport(True)
    mods, key = split_chord(chord)
    if "super" in mods:
        return TerminalSupport(False, "SUPER/CMD never reaches a terminal app")
    if "ctrl" in mods and "shift" in mods:
        return TerminalSupport(False, "CTRL+SHIFT needs the kitty keyboard protocol")
    if "ctrl" in mods and key in _LEGACY_TWINS and key != "h":
        return TerminalSupport(False, f"CTRL+{key} is the same byte as {_LEGACY_TWINS[key]}")
    if "ctrl" in mods and len(key) == 1 and not key.isalpha() and key not in "@[]\\^_ ":
        return TerminalSupport(False, f"CTRL+{key} has no legacy terminal encoding")
    if key in ("enter", "escape", "backspace") and ({"ctrl", "shift"} & set(mods)):
        return TerminalSupport(False, f"{'+'.join(mods).upper()}+{key} needs the kitty protocol")
    return TerminalSupport(True)
