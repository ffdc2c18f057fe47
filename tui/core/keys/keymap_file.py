"""Keymap files: shipped defaults, an optional preset, then the user's own file.

A keymap is never a reason to refuse to start: every broken entry is dropped
with a `file:line:col: message` and the rest loads (`keymap_reader` reads one
file into a layer; this module finds the files and lays the layers over each
other; `keymap_check` warns about what loads but would trip a user up).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tui.core.config import config_dir, read_toml
from tui.core.keys.actions import ActionCall
from tui.core.keys.keymap import DEFAULT_TIMEOUT_MS, KeyBinding, Keymap, KeyTable
from tui.core.keys.keymap_cache import read_layer_cached as read_layer
from tui.core.keys.keymap_reader import Layer
from tui.core.keys.notation import LEADER, display_sequence, parse_vim_keys
from tui.core.resources import shipped_keymaps_dir
from tui.core.text.suggest import did_you_mean

__all__ = [
    "DEFAULT_FILE",
    "keymap_choice",
    "keymap_sources",
    "load_keymap",
    "preset_names",
    "shipped_keymaps_dir",
    "user_keymap_path",
]

DEFAULT_FILE = "default.toml"


def user_keymap_path() -> Path:
    """`config_dir()/keymap.toml`, laid over the defaults when no `--keymap` is given."""
    return config_dir() / "keymap.toml"


def preset_names(shipped_dir: Path | None = None) -> list[str]:
    """Preset names (`vim`, `emacs`): every shipped keymap file except the defaults."""
    directory = shipped_dir or shipped_keymaps_dir()
    try:
        return sorted(p.stem for p in directory.glob("*.toml") if p.name != DEFAULT_FILE)
    except OSError:
        return []


def keymap_choice(
    value: str | None, *, shipped_dir: Path | None = None
) -> tuple[Path | None, str | None]:
    """What `--keymap VALUE` means: (user_file, preset) for `load_keymap`.

    An existing file wins; otherwise a bare word is a preset name (so `vmi` gets
    a did-you-mean), and anything path-like is a file (reported as not found).
    """
    if not value:
        return None, None
    path = Path(value).expanduser()
    if path.is_file():
        return path, None
    if value in preset_names(shipped_dir) or ("/" not in value and not value.endswith(".toml")):
        return None, value
    return path, None


def keymap_sources(
    user_file: Path | None = None,
    preset: str | None = None,
    *,
    shipped_dir: Path | None = None,
) -> list[Path]:
    """Files that make up the keymap, to watch for changes (the user file even if missing)."""
    shipped = shipped_dir or shipped_keymaps_dir()
    if user_file is None and preset is None:
        user_file = user_keymap_path()
    sources = [shipped / DEFAULT_FILE]
    chosen = preset
    if chosen is None and user_file is not None:
        table, _ = read_toml(user_file)
        chosen = table.get("preset") if isinstance(table.get("preset"), str) else None
    if chosen and chosen in preset_names(shipped):
        sources.append(shipped / f"{chosen}.toml")
    if user_file is not None:
        sources.append(user_file)
    return sources


# --- laying files over each other ---------------------------------------------------------


def _lay_bindings(base: list[KeyBinding], layer: Iterable[KeyBinding]) -> list[KeyBinding]:
    """Later bindings for the same keys and mode replace earlier ones, in place."""
    merged = list(base)
    where = {(b.keys, b.mode): i for i, b in enumerate(merged)}
    for binding in layer:
        slot = where.get((binding.keys, binding.mode))
        if slot is None:
            where[(binding.keys, binding.mode)] = len(merged)
            merged.append(binding)
        else:
            merged[slot] = binding
    return merged


def _apply(keymap: Keymap, layer: Layer) -> None:
    keymap.bindings = _lay_bindings(keymap.bindings, layer.bindings)
    if layer.leader is not None:
        keymap.leader = layer.leader
    if layer.leader_timeout_ms is not None:
        keymap.leader_timeout_ms = layer.leader_timeout_ms
    if layer.timeout_ms is not None:
        keymap.timeout_ms = layer.timeout_ms
    for name, bindings in layer.key_tables.items():
        table = keymap.key_tables.setdefault(name, KeyTable(name))
        table.bindings = _lay_bindings(table.bindings, bindings)
    keymap.groups.update(layer.groups)


def _fallback_layer() -> Layer:
    """Enough keys to use and quit the app when the shipped defaults are unreadable."""
    layer = Layer(Path("<built-in>"))
    for keys, name, mode in (
        ("<C-q>", "quit", "all"),
        ("<M-x>", "command_palette", "all"),
        ("<Down>", "next", "all"),
        ("<Up>", "prev", "all"),
        ("<CR>", "open_in_editor", "all"),
        ("<Esc>", "normal_mode", "insert"),
        ("j", "next", "normal"),
        ("k", "prev", "normal"),
        ("/", "focus_search", "normal"),
        ("q", "quit", "normal"),
    ):
        layer.bindings.append(KeyBinding(parse_vim_keys(keys), ActionCall(name), mode))
    return layer


def _check_references(keymap: Keymap) -> list[str]:
    """Problems only visible once files are merged: tables that do not exist, a missing leader."""
    problems = []
    names = list(keymap.key_tables)
    every = [*keymap.bindings, *(b for t in keymap.key_tables.values() for b in t.bindings)]
    for binding in every:
        if binding.action.name == "activate_key_table":
            name = binding.action.arg("name")
            if name not in keymap.key_tables:
                problems.append(
                    f"{binding.source or 'keymap'}: no key table named {name!r}"
                    f"{did_you_mean(str(name), names)}"
                )
        if binding.keys[0] == LEADER and keymap.leader is None and binding.action.name != "none":
            problems.append(
                f"{binding.source or 'keymap'}: {display_sequence(binding.keys)} uses <leader> "
                'but no leader key is set (leader = { key = "a", mods = "ALT" })'
            )
    return problems + _typing_traps(keymap)


def _typing_traps(keymap: Keymap) -> list[str]:
    """Plain characters bound where the prompt types (insert, or every mode): typing
    one would run the action instead (key tables are entered on purpose: not here)."""
    return [
        f"{b.source or 'keymap'}: {display_sequence(b.keys)} in {b.mode} mode: typing "
        f"{b.keys[0]!r} in the prompt runs {b.action.name} instead (bind it in normal "
        "mode, or with a modifier)"
        for b in keymap.bindings
        if b.mode in ("insert", "all") and b.action.name != "none"
        and len(b.keys[0]) == 1 and b.keys[0].isprintable() and not b.keys[0].isspace()
    ]


def load_keymap(
    user_file: Path | None = None,
    preset: str | None = None,
    *,
    shipped_dir: Path | None = None,
) -> tuple[Keymap, list[str]]:
    """Defaults, then a preset, then the user's file; never raises.

    With neither argument the user file is `config_dir()/keymap.toml` (missing is
    fine) and its `preset = "…"` picks the preset. With `preset` given (from
    `--keymap vim`) only an explicitly passed `user_file` is read.
    """
    try:
        return _load(user_file, preset, shipped_dir or shipped_keymaps_dir())
    except Exception as exc:  # a keymap must never stop the app
        keymap = Keymap()
        _apply(keymap, _fallback_layer())
        where = user_file or shipped_dir or shipped_keymaps_dir()
        return keymap, [f"{where}:1:1: keymap not loaded ({exc!r}); using built-in keys"]


def _load(user_file: Path | None, preset: str | None, shipped: Path) -> tuple[Keymap, list[str]]:
    problems: list[str] = []
    default = read_layer(shipped / DEFAULT_FILE)
    problems.extend(default.problems)
    if not default.exists or not default.bindings:
        state = "missing" if not default.exists else "has no bindings"
        problems.append(
            f"{shipped / DEFAULT_FILE}:1:1: default keymap {state}; built-in keys used"
        )
        default = _fallback_layer()
    explicit = user_file is not None
    if user_file is None and preset is None:
        user_file = user_keymap_path()
    user = read_layer(user_file) if user_file is not None else None
    if user is not None and not user.exists and explicit and user_file != user_keymap_path():
        problems.append(f"{user_file}:1:1: keymap file not found")
    layers = [default]
    chosen = preset
    chosen_at = "--keymap" if preset else ""  # a name, not a file: no line:col to give
    if chosen is None and user is not None and user.preset is not None:
        chosen, chosen_at = user.preset, user.preset_at
    if chosen:
        names = preset_names(shipped)
        if chosen in names:
            layer = read_layer(shipped / f"{chosen}.toml")
            layer.preset = None  # presets do not chain
            layers.append(layer)
        else:
            problems.append(
                f"{chosen_at}: unknown keymap preset {chosen!r}{did_you_mean(chosen, names)}"
                f" (presets: {', '.join(names) or 'none'})"
            )
    if user is not None:
        layers.append(user)
    keymap = Keymap(timeout_ms=DEFAULT_TIMEOUT_MS)
    for layer in layers:
        if layer is not default:
            problems.extend(layer.problems)
        _apply(keymap, layer)
    problems.extend(_check_references(keymap))
    return keymap, problems
