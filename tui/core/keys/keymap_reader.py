"""One keymap file read into a `Layer`: bindings, leader, tables, groups and problems.

Every broken entry is dropped with a `file:line:col: message` and the rest is
kept. tomllib gives no positions for values, so `TomlLocator` finds them by
scanning the file text (the N-th `[[keys]]` header, the N-th inline table of an
array, then the field inside), which lets `notesift check` point at the misspelt
action, not just the file. `keymap_file` lays the layers over each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.core.config import read_toml
from tui.core.keys.actions import ActionCall, make_action
from tui.core.keys.keymap import SCOPES, KeyBinding
from tui.core.keys.keymap_check import WARNING
from tui.core.keys.notation import (
    LEADER,
    KeyNotationError,
    display_sequence,
    parse_textual_key,
    parse_vim_keys,
    parse_wezterm_key,
)
from tui.core.text.suggest import did_you_mean
from tui.core.text.toml_position import Span, TomlLocator

TOP_KEYS = ("preset", "leader", "timeout_ms", "keys", "key_tables", "groups")
BINDING_KEYS = ("key", "keys", "mods", "action", "mode", "desc")
LEADER_KEYS = ("key", "mods", "keys", "timeout_ms", "timeout_milliseconds")


@dataclass(slots=True)
class Layer:
    """What one keymap file contributes, before it is laid over the previous ones."""

    path: Path
    bindings: list[KeyBinding] = field(default_factory=list)
    leader: str | None = None
    leader_timeout_ms: int | None = None
    timeout_ms: int | None = None
    key_tables: dict[str, list[KeyBinding]] = field(default_factory=dict)
    groups: dict[tuple[str, ...], str] = field(default_factory=dict)
    preset: str | None = None
    preset_at: str = ""
    problems: list[str] = field(default_factory=list)
    exists: bool = True


class _Reader:
    """Turns one parsed TOML table into a `Layer`, reporting with positions."""

    def __init__(self, path: Path, table: dict[str, Any], text: str) -> None:
        self.loc = TomlLocator(path, text)
        self.table = table
        self.layer = Layer(path)

    def problem(self, offset: int | None, message: str) -> None:
        self.layer.problems.append(f"{self.loc.where(offset)}: {message}")

    def read(self) -> Layer:
        top = self.loc.top()
        for key in self.table:
            if key not in TOP_KEYS:
                offset = self.loc.field_name(top, key) or self._header_offset(key)
                hint = did_you_mean(key, TOP_KEYS)
                self.problem(offset, f"unknown setting {key!r}{hint}")
        self._read_preset(top)
        self._read_timeout(top)
        self._read_leader(top)
        self._read_keys(top)
        self._read_tables()
        self._read_groups(top)
        return self.layer

    def _header_offset(self, name: str) -> int | None:
        for offset, dotted in self.loc.header_names():
            if dotted == name or dotted.startswith(name + "."):
                return offset
        return None

    # -- top-level settings ----------------------------------------------------------------

    def _read_preset(self, top: Span) -> None:
        value = self.table.get("preset")
        if value is None:
            return
        offset = self.loc.field(top, "preset")
        if not isinstance(value, str):
            self.problem(offset, 'preset must be a name such as "vim" or "emacs"')
            return
        self.layer.preset = value
        self.layer.preset_at = self.loc.where(offset)

    def _read_timeout(self, top: Span) -> None:
        if "timeout_ms" not in self.table:
            return
        value = self._positive_int(self.table["timeout_ms"], self.loc.field(top, "timeout_ms"))
        if value is not None:
            self.layer.timeout_ms = value

    def _positive_int(self, value: object, offset: int | None) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.problem(
                offset, f"timeout must be a positive number of milliseconds, not {value!r}"
            )
            return None
        return value

    def _read_leader(self, top: Span) -> None:
        value = self.table.get("leader")
        if value is None:
            return
        span = self.loc.section("leader") or self.loc.value_span(top, "leader")
        value_at = self.loc.field(top, "leader") or (span[0] if span else None)
        if isinstance(value, str):
            entry: Mapping[str, Any] = {"keys": value}
        elif isinstance(value, Mapping):
            entry = value
        else:
            self.problem(value_at, 'leader must be { key = "a", mods = "ALT" } or "<M-a>"')
            return
        for key in entry:
            if key not in LEADER_KEYS:
                hint = did_you_mean(key, LEADER_KEYS)
                self.problem(
                    self.loc.field_name(span, key), f"unknown leader setting {key!r}{hint}"
                )
        sequences = self._sequences(entry, span if isinstance(value, Mapping) else None, value_at)
        if not sequences:
            return
        if len(sequences) > 1 or len(sequences[0]) != 1 or sequences[0][0] == LEADER:
            self.problem(value_at, "the leader must be a single key chord such as <M-a>")
            return
        self.layer.leader = sequences[0][0]
        chord = sequences[0][0]
        if chord == "space" or (len(chord) == 1 and chord.isprintable()):
            shown = display_sequence((chord,))
            self.problem(value_at, f"{WARNING}the leader {shown} is a key you type: in the "
                         f"prompt it starts <leader> sequences instead of typing {shown}; "
                         "a chord with a modifier (<M-Space>, <C-a>) leaves typing whole")
        for name in ("timeout_ms", "timeout_milliseconds"):
            if name in entry:
                timeout = self._positive_int(entry[name], self.loc.field(span, name))
                if timeout is not None:
                    self.layer.leader_timeout_ms = timeout

    # -- key notation -------------------------------------------------------------------

    def _sequences(
        self, entry: Mapping[str, Any], span: Span | None, fallback: int | None
    ) -> list[tuple[str, ...]]:
        """Every key sequence an entry names (`keys` may list several), problems reported."""
        has_key, has_keys = "key" in entry, "keys" in entry
        if has_key and has_keys:
            self.problem(self.loc.field_name(span, "keys") or fallback, "use either key or keys")
            return []
        if not has_key and not has_keys:
            self.problem(fallback, 'binding needs keys = "…" (neovim notation) or key = "…"')
            return []
        if has_key:
            return self._wezterm_sequence(entry, span, fallback)
        raw = entry["keys"]
        value_at = self.loc.field(span, "keys")
        items = raw if isinstance(raw, list) else [raw]
        if not items or not all(isinstance(item, str) for item in items):
            self.problem(value_at or fallback, 'keys must be a string like "gg" or a list of them')
            return []
        sequences = []
        for item in items:
            try:
                sequences.append(parse_vim_keys(item))
            except KeyNotationError as exc:
                quote = self._string_at(span, value_at, item)
                offset = quote + 1 + exc.column if quote is not None else value_at or fallback
                self.problem(offset, str(exc))
        return sequences

    def _string_at(self, span: Span | None, start: int | None, value: str) -> int | None:
        if start is None or span is None:
            return self.loc.string(span, value) if span is not None else None
        return self.loc.string((start, span[1]), value)

    def _wezterm_sequence(
        self, entry: Mapping[str, Any], span: Span | None, fallback: int | None
    ) -> list[tuple[str, ...]]:
        key, mods = entry["key"], entry.get("mods", "")
        key_at = self.loc.field(span, "key")
        if not isinstance(key, str) or not key:
            self.problem(key_at or fallback, "key must be a non-empty string")
            return []
        if not isinstance(mods, str):
            self.problem(self.loc.field(span, "mods") or fallback, 'mods must be like "CTRL|SHIFT"')
            return []
        try:
            if "mods" not in entry and len(key) > 1 and "+" in key:
                return [(parse_textual_key(key),)]  # Textual style: "ctrl+q"
            if "mods" not in entry and len(key) > 2 and key.startswith("<") and key.endswith(">"):
                return [parse_vim_keys(key)]
            return [parse_wezterm_key(key, mods)]
        except KeyNotationError as exc:
            at = self.loc.field(span, "mods") if exc.field == "mods" else key_at
            offset = at + 1 + exc.column if at is not None else fallback
            self.problem(offset, str(exc))
            return []

    # -- bindings -----------------------------------------------------------------------

    def _read_keys(self, top: Span) -> None:
        raw = self.table.get("keys")
        if raw is None:
            return
        if not isinstance(raw, list):
            self.problem(self.loc.field(top, "keys"), "keys must be a list of [[keys]] tables")
            return
        spans = self.loc.array_tables("keys") or self.loc.array_items(top, "keys")
        seen: dict[tuple[tuple[str, ...], str], str] = {}
        for index, entry in enumerate(raw):
            span = spans[index] if index < len(spans) else None
            for binding in self._binding(entry, span, allow_mode=True):
                self._note_duplicate(seen, binding, "")
                self.layer.bindings.append(binding)

    def _note_duplicate(
        self, seen: dict[tuple[tuple[str, ...], str], str], binding: KeyBinding, where: str
    ) -> None:
        key = (binding.keys, binding.mode)
        if key in seen:
            scope = where or f"{binding.mode} mode"
            self.layer.problems.append(
                f"{binding.source}: {WARNING}{display_sequence(binding.keys)} is bound twice "
                f"in {scope} in this file (first at {seen[key]}); the later one wins"
            )
        seen[key] = binding.source

    def _binding(self, entry: object, span: Span | None, *, allow_mode: bool) -> list[KeyBinding]:
        start = span[0] if span else None
        if not isinstance(entry, Mapping):
            self.problem(start, "each binding must be a table with keys and action")
            return []
        for key in entry:
            if key not in BINDING_KEYS:
                hint = did_you_mean(key, BINDING_KEYS)
                self.problem(
                    self.loc.field_name(span, key) or start, f"unknown field {key!r}{hint}"
                )
        sequences = self._sequences(entry, span, start)
        action = self._action(entry, span, start)
        modes = self._modes(entry, span, start) if allow_mode else ["all"]
        if not allow_mode and "mode" in entry:
            self.problem(self.loc.field(span, "mode"), "key table bindings have no mode")
        desc = entry.get("desc", "")
        if not isinstance(desc, str):
            self.problem(self.loc.field(span, "desc") or start, "desc must be a string")
            desc = ""
        if action is None or not sequences or not modes:
            return []
        keys_at = self.loc.field(span, "keys") or self.loc.field(span, "key") or start
        source = self.loc.where(keys_at)
        return [
            KeyBinding(keys, action, mode, desc, source) for mode in modes for keys in sequences
        ]

    def _action(
        self, entry: Mapping[str, Any], span: Span | None, start: int | None
    ) -> ActionCall | None:
        if "action" not in entry:
            self.problem(start, 'binding needs an action, e.g. action = "quit"')
            return None
        value = entry["action"]
        value_at = self.loc.field(span, "action")
        call, messages = make_action(value)
        for message in messages:
            self.problem(self._action_offset(value, message, span, value_at) or start, message)
        return call

    def _action_offset(
        self, value: object, message: str, span: Span | None, value_at: int | None
    ) -> int | None:
        """Point at the action name, or at the argument the message is about."""
        if value_at is None or span is None or not isinstance(value, Mapping):
            return value_at
        inside = (value_at, span[1])
        if message.startswith("unknown action") and isinstance(value.get("name"), str):
            return self.loc.string(inside, value["name"]) or value_at
        for key in value:
            if key != "name" and (f"'{key}'" in message or f".{key} " in message):
                offset = self.loc.field(inside, key) if f".{key} " in message else None
                return offset or self.loc.field_name(inside, key) or value_at
        return value_at

    def _modes(self, entry: Mapping[str, Any], span: Span | None, start: int | None) -> list[str]:
        raw = entry.get("mode", "all")
        items = raw if isinstance(raw, list) else [raw]
        at = self.loc.field(span, "mode")
        modes = []
        for item in items:
            if isinstance(item, str) and item in SCOPES:
                modes.append(item)
                continue
            offset = self._string_at(span, at, item) if isinstance(item, str) else None
            hint = did_you_mean(item, SCOPES) if isinstance(item, str) else ""
            self.problem(
                offset or at or start, f"mode {item!r} is not one of {' | '.join(SCOPES)}{hint}"
            )
        return modes

    # -- key tables and groups -----------------------------------------------------------

    def _read_tables(self) -> None:
        raw = self.table.get("key_tables")
        if raw is None:
            return
        top_span = self.loc.section("key_tables")
        if not isinstance(raw, Mapping):
            self.problem(self._header_offset("key_tables"), "key_tables must be a table of tables")
            return
        for name, value in raw.items():
            section = self.loc.section(f"key_tables.{name}")
            if isinstance(value, list):
                entries = value
                spans = self.loc.array_tables(f"key_tables.{name}") or self.loc.array_items(
                    top_span, name
                )
            elif isinstance(value, Mapping):
                entries = value.get("keys", [])
                for key in value:
                    if key != "keys":
                        self.problem(
                            self.loc.field_name(section, key) or self._header_offset("key_tables"),
                            f"unknown key table setting {key!r} (only keys = [ … ])",
                        )
                spans = self.loc.array_items(section, "keys")
            else:
                entries, spans = [], []
                self.problem(
                    self._header_offset("key_tables"), f"key table {name!r} must be a table"
                )
            if not isinstance(entries, list):
                self.problem(self.loc.field(section, "keys"), "a key table's keys must be a list")
                continue
            bindings: list[KeyBinding] = []
            seen: dict[tuple[tuple[str, ...], str], str] = {}
            for index, entry in enumerate(entries):
                span = spans[index] if index < len(spans) else section
                for binding in self._binding(entry, span, allow_mode=False):
                    self._note_duplicate(seen, binding, f"key table {name!r}")
                    bindings.append(binding)
            self.layer.key_tables[name] = bindings

    def _read_groups(self, top: Span) -> None:
        raw = self.table.get("groups")
        if raw is None:
            return
        span = self.loc.section("groups") or self.loc.value_span(top, "groups")
        if not isinstance(raw, Mapping):
            self.problem(span[0] if span else None, 'groups must be a table like "y" = "copy"')
            return
        for keys, label in raw.items():
            at = self.loc.string(span, keys)
            try:
                chords = parse_vim_keys(keys)
            except KeyNotationError as exc:
                self.problem(at + 1 + exc.column if at is not None else None, str(exc))
                continue
            if not isinstance(label, str):
                self.problem(at, f"the group label for {keys!r} must be a string")
                continue
            self.layer.groups[chords] = label


def read_layer(path: Path) -> Layer:
    """One keymap file; a missing file is an empty layer (with `exists` False)."""
    table, problems = read_toml(path)
    if problems:
        return Layer(path, problems=problems)
    if not table and not path.exists():
        return Layer(path, exists=False)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    return _Reader(path, table, text).read()
