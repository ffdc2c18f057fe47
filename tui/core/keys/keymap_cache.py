"""Keymap files as read layers, kept in the tables cache until the file changes.

Reading the shipped keymap (TOML, then the position of every binding, for
messages that point at a line) was about 4% of the instructions of a warm
launch to its first rows. A file reads the same until it changes, so its layer
is kept under the file's identity (path, mtime, size; `table_cache`) and the
reader's own source files'; a missing
or unreadable cache entry just means reading the file, as before.
"""

from __future__ import annotations

from pathlib import Path

from tui.core.keys import actions, keymap_reader, notation
from tui.core.keys.actions import ActionCall
from tui.core.keys.keymap import KeyBinding
from tui.core.keys.keymap_reader import Layer, read_layer
from tui.core.text.table_cache import cached_table

__all__ = ["read_layer_cached"]

FORMAT = "1"  # bump when `Layer` or `KeyBinding` changes shape

Plain = tuple[object, ...]


def read_layer_cached(path: Path) -> Layer:
    """`read_layer(path)`, from the tables cache when this version of the file was read."""
    # The code that reads and checks a file is part of the key: a new version of
    # notesift reads (and judges) the same file afresh.
    code = [Path(m.__file__ or "") for m in (keymap_reader, actions, notation)]
    plain = cached_table(f"keymap.{path.stem}", [path, *code], lambda: _plain(read_layer(path)),
                         keep=lambda kept: bool(kept[-1]), stamp=FORMAT)
    try:
        return _layer(path, plain)
    except (TypeError, ValueError, IndexError):  # a damaged entry: read the file
        return read_layer(path)


def _binding_plain(binding: KeyBinding) -> Plain:
    return (binding.keys, binding.action.name, binding.action.args, binding.mode,
            binding.desc, binding.source)


def _binding(plain: Plain) -> KeyBinding:
    keys, name, args, mode, desc, source = plain
    return KeyBinding(keys, ActionCall(name, args), mode, desc, source)  # type: ignore[arg-type]


def _plain(layer: Layer) -> Plain:
    return (
        [_binding_plain(b) for b in layer.bindings], layer.leader, layer.leader_timeout_ms,
        layer.timeout_ms,
        {name: [_binding_plain(b) for b in found] for name, found in layer.key_tables.items()},
        dict(layer.groups), layer.preset, layer.preset_at, list(layer.problems), layer.exists,
    )


def _layer(path: Path, plain: Plain) -> Layer:
    (bindings, leader, leader_timeout_ms, timeout_ms, tables, groups, preset, preset_at,
     problems, exists) = plain
    return Layer(
        path,
        bindings=[_binding(b) for b in bindings],  # type: ignore[attr-defined]
        leader=leader,  # type: ignore[arg-type]
        leader_timeout_ms=leader_timeout_ms,  # type: ignore[arg-type]
        timeout_ms=timeout_ms,  # type: ignore[arg-type]
        key_tables={name: [_binding(b) for b in found]  # type: ignore[attr-defined]
                    for name, found in tables.items()},
        groups=dict(groups),  # type: ignore[call-overload]
        preset=preset,  # type: ignore[arg-type]
        preset_at=preset_at,  # type: ignore[arg-type]
        problems=list(problems),  # type: ignore[call-overload]
        exists=bool(exists),
    )
