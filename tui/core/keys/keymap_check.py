"""Warnings about a whole keymap: it loads, but a user would trip over it.

Problems carry a `warning: ` marker after their `file:line:col` so that
`notesift check` can report them without failing.
"""

from __future__ import annotations

from typing import Any

from tui.core.keys.keymap import MODES, KeyBinding, Keymap
from tui.core.keys.notation import LEADER, display_sequence

WARNING = "warning: "


def _where(binding: KeyBinding) -> str:
    return binding.source or "keymap:1:1"


def _describe(binding: KeyBinding) -> str:
    return f"{display_sequence(binding.keys)} ({binding.action.label})"


def _overlaps(bindings: list[KeyBinding], scope: str, timeout_ms: int) -> list[tuple[Any, str]]:
    by_keys = {b.keys: b for b in bindings}
    found = []
    for longer in bindings:
        for cut in range(1, len(longer.keys)):
            shorter = by_keys.get(longer.keys[:cut])
            if shorter is None:
                continue
            both_all = scope.endswith(" mode") and shorter.mode == longer.mode == "all"
            pair_scope = "all modes" if both_all else scope
            found.append(
                (
                    (shorter.keys, longer.keys, shorter.source, longer.source),
                    f"{_where(shorter)}: {WARNING}{_describe(shorter)} is also the start of "
                    f"{_describe(longer)} at {_where(longer)} in {pair_scope}: "
                    f"{display_sequence(shorter.keys)} waits {timeout_ms} ms before it runs",
                )
            )
    return found


def validate_keymap(keymap: Keymap) -> list[str]:
    """Warnings a keymap loads fine with but a user would trip over.

    Duplicate bindings for the same keys in one mode, a key that is both a binding
    and the prefix of a longer one (it waits for the timeout before running), and
    bindings hidden behind the leader key.
    """
    warnings: list[str] = []
    seen: dict[tuple[tuple[str, ...], str], KeyBinding] = {}
    for binding in keymap.bindings:
        key = (binding.keys, binding.mode)
        if key in seen and binding.action.name != "none":
            warnings.append(
                f"{_where(binding)}: {WARNING}{_describe(binding)} duplicates "
                f"{_describe(seen[key])} at {_where(seen[key])} in {binding.mode} mode"
            )
        seen[key] = binding
    reported: set[Any] = set()
    for mode in MODES:
        active = keymap.for_mode(mode)
        for ident, message in _overlaps(active, f"{mode} mode", keymap.timeout_ms):
            if ident not in reported:
                reported.add(ident)
                warnings.append(message)
        if keymap.leader is None:
            continue
        uses_leader = any(b.keys[0] == LEADER for b in active)
        for binding in active:
            if uses_leader and binding.keys[0] == keymap.leader:
                ident = ("leader", binding.keys, binding.source)
                if ident not in reported:
                    reported.add(ident)
                    warnings.append(
                        f"{_where(binding)}: {WARNING}{_describe(binding)} never runs: "
                        f"{display_sequence((keymap.leader,))} is the leader key"
                    )
    for name, table in keymap.key_tables.items():
        active = [b for b in table.bindings if b.action.name != "none"]
        for ident, message in _overlaps(active, f"key table {name!r}", keymap.timeout_ms):
            if ident not in reported:
                reported.add(ident)
                warnings.append(message)
    return warnings


def is_warning(problem: str) -> bool:
    """Problems that do not stop `notesift check` from passing."""
    return f": {WARNING}" in problem
