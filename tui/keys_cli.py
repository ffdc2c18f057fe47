"""`notesift keys` (print the cheat sheet) and `notesift check` (validate every setting file).

Both read the keymap exactly as the app does, so what `check` reports is what the
app would have warned about at start, with `file:line:col` a terminal or an editor
can jump to.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from tui.core.config import Config, config_dir, load_config, resolve_notes_dir
from tui.core.keys.cheatsheet import FORMATS, cheatsheet_rows, render_sheet
from tui.core.keys.keymap_check import is_warning, validate_keymap
from tui.core.keys.keymap_file import keymap_choice, keymap_sources, load_keymap, preset_names
from tui.core.safe_write import sweep_stale_temps
from tui.core.text.suggest import did_you_mean
from tui.core.text.toml_position import TomlLocator

__all__ = [
    "configure_check",
    "configure_keys",
    "run_check",
    "run_check_args",
    "run_keys",
    "run_keys_args",
]

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
_KEYMAP_HELP = "keymap file, or a preset name ({}); default: ~/.config/notesift/keymap.toml"


KEYS_DESCRIPTION = "Print every key binding as a cheat sheet (paste it into a note)."
KEYS_EXAMPLES = """\
examples:
  notesift keys                          # the bindings in use, as a table
  notesift keys --keymap vim             # with the vim preset laid over the defaults
  notesift keys --format markdown >> ~/notes/notesift.md
  notesift keys --format toml > ~/.config/notesift/keymap.toml   # a keymap to edit
"""
CHECK_DESCRIPTION = (
    "Check the config, the keymap and the themes, and print the files and directories "
    "in use; exit 1 on any error."
)
CHECK_EXAMPLES = """\
examples:
  notesift check                         # everything in use, and where it lives
  notesift check --keymap ~/dotfiles/notesift-keys.toml
"""


def configure_keys(parser: argparse.ArgumentParser) -> None:
    """Arguments of `notesift keys`."""
    parser.add_argument("--format", choices=FORMATS, default="text", help="default: text")
    parser.add_argument("--keymap", help=_KEYMAP_HELP.format(", ".join(preset_names())))


def configure_check(parser: argparse.ArgumentParser) -> None:
    """Arguments of `notesift check`."""
    parser.add_argument("--keymap", help=_KEYMAP_HELP.format(", ".join(preset_names())))
    parser.add_argument("--config", help="config file (default: ~/.config/notesift/config.toml)")
    parser.add_argument("--dir", help="notes directory to tidy (default: $NOTESIFT_DIR, config)")


def _parser(name: str) -> argparse.ArgumentParser:
    keys = name == "keys"
    parser = argparse.ArgumentParser(
        prog=f"notesift {name}",
        description=KEYS_DESCRIPTION if keys else CHECK_DESCRIPTION,
        epilog=KEYS_EXAMPLES if keys else CHECK_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    (configure_keys if keys else configure_check)(parser)
    return parser


def run_keys(argv: Sequence[str], out: TextIO | None = None, err: TextIO | None = None) -> int:
    """`notesift keys ARGV…`."""
    return run_keys_args(_parser("keys").parse_args(list(argv)), out, err)


def run_keys_args(args: argparse.Namespace, out: TextIO | None = None,
                  err: TextIO | None = None) -> int:
    """Print the cheat sheet; exit 2 (nothing printed) when the chosen keymap does not exist.

    Problems inside a keymap that loads go to stderr and keep exit 0: the sheet shows
    what the app would use. A missing `--keymap` would print the defaults instead, and
    `notesift keys --keymap mine.toml > sheet.md` must not pass that off as `mine`.
    """
    out, err = out or sys.stdout, err or sys.stderr
    user_file, preset = keymap_choice(args.keymap)
    missing = _missing_keymap(user_file, preset)
    if missing:
        print(f"notesift keys: {missing}", file=err)
        return EXIT_USAGE
    keymap, problems = load_keymap(user_file, preset)
    for problem in problems:
        print(problem, file=err)
    toml = args.format == "toml"
    rows = cheatsheet_rows(keymap, include_unbound=toml)
    out.write(render_sheet(rows, args.format, keymap=keymap if toml else None))
    return EXIT_OK


def _missing_keymap(user_file: Path | None, preset: str | None) -> str:
    """Why `--keymap` names nothing that exists ('' when it does)."""
    if preset is not None:
        names = preset_names()
        if preset not in names:
            return (f"unknown keymap preset {preset!r}{did_you_mean(preset, names)}"
                    f" (presets: {', '.join(names) or 'none'}; or a keymap file)")
    elif user_file is not None and not user_file.is_file():
        return f"keymap file not found: {user_file}"
    return ""


def _named_root(dir_arg: str | None, config: Config) -> Path | None:
    """The notes root when one was named (argument, $NOTESIFT_DIR, config); never the cwd."""
    if not (dir_arg or os.environ.get("NOTESIFT_DIR") or config.notes_dir):
        return None
    return resolve_notes_dir(dir_arg, config)


def _check_notes_dir(root: Path | None, out: TextIO, config: Config) -> list[str]:
    """Tidy the notes root (stale temp files of interrupted writes), check its index cache.

    Prints the `index:` row (the cache file, its size and health); returns warnings:
    the walk's own (symlinks skipped, unreadable folders), which the cache does not
    keep, and those stored with the indexed files.
    """
    if root is None:
        return []
    if not root.is_dir():
        return [f"{root}: notes directory not found"]
    from tui.cache_check import check_index_cache
    from tui.core.index.store_schema import cache_path_for
    from tui.core.ingest.walker import walk_notes

    row, warnings = check_index_cache(cache_path_for(root.expanduser().resolve()), str(root))
    print(f"{'index:':<8}{row}", file=out)
    walk = walk_notes(root, config.ignore, respect_gitignore=config.respect_gitignore)
    return [*sweep_stale_temps(root), *walk.warnings, *warnings]


def _setting_position(path: Path | None, key: str) -> str:
    """`file:line:col` of `key = …` in a config file (col at the value), else the file start."""
    if path is None:
        return "config:1:1"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return f"{path}:1:1"
    locator = TomlLocator(path, text)
    return locator.where(locator.key_path([key], value=True))


def _check_themes(
    config: Config, config_path: Path | None, out: TextIO
) -> tuple[list[str], list[str], int]:
    """(errors, warnings, theme count); prints the names `--theme` and `theme =` accept.

    Themes need Textual, so it is imported only here.
    """
    try:
        from tui.themes import DEFAULT_THEME, discover_themes
    except ImportError as exc:  # pragma: no cover - Textual is a dependency
        return [f"themes:1:1: cannot check themes ({exc})"], [], 0
    themes, problems = discover_themes()
    in_use = config.theme or DEFAULT_THEME
    print(f"{'theme:':<8}{in_use}; all: {', '.join(t.name for t in themes)}", file=out)
    errors = [p for p in problems if "(ignored)" not in p]
    warnings = [p for p in problems if "(ignored)" in p]
    names = [theme.name for theme in themes]
    if config.theme and config.theme not in names:
        errors.append(
            f"{_setting_position(config_path, 'theme')}: unknown theme {config.theme!r}"
            f"{did_you_mean(config.theme, names)} (themes: {', '.join(sorted(names))})"
        )
    return errors, warnings, len(themes)


def run_check(argv: Sequence[str], out: TextIO | None = None) -> int:
    """`notesift check ARGV…`."""
    return run_check_args(_parser("check").parse_args(list(argv)), out)


def run_check_args(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Validate config, keymap and themes; print each problem; 1 if any is an error."""
    out = out or sys.stdout
    errors: list[str] = []
    warnings: list[str] = []

    config_path = Path(args.config).expanduser() if args.config else None
    if config_path is not None and not config_path.is_file():
        errors.append(f"{config_path}:1:1: config file not found")
    config, config_problems = load_config(config_path)
    errors.extend(config_problems)

    user_file, preset = keymap_choice(args.keymap)
    keymap, keymap_problems = load_keymap(user_file, preset)
    keymap_problems += validate_keymap(keymap)
    errors.extend(p for p in keymap_problems if not is_warning(p))
    warnings.extend(p for p in keymap_problems if is_warning(p))

    _print_paths(out, config, config_path, keymap_sources(user_file, preset))
    theme_errors, theme_warnings, theme_count = _check_themes(
        config, config.source or config_path, out
    )
    errors.extend(theme_errors)
    warnings.extend(theme_warnings)
    errors.extend(_check_tables(out))
    warnings.extend(_check_notes_dir(_named_root(getattr(args, "dir", None), config), out, config))

    for problem in [*errors, *warnings]:
        print(problem, file=out)
    if errors:
        print(f"notesift check: {len(errors)} error(s), {len(warnings)} warning(s)", file=out)
        return EXIT_PROBLEMS
    sources = [p.name for p in keymap_sources(user_file, preset) if p.exists()]
    config_name = str(config.source) if config.source else "defaults"
    bound = sum(1 for b in keymap.bindings if b.action.name != "none")
    print(
        f"OK: config {config_name}; keymap {bound} bindings "
        f"({' + '.join(sources)}); {theme_count} themes; {len(warnings)} warning(s)",
        file=out,
    )
    return EXIT_OK


def _exists(path: Path) -> str:
    return str(path) if path.exists() else f"{path} (not found)"


def _print_paths(out: TextIO, config: Config, config_path: Path | None,
                 keymap_files: Sequence[Path]) -> None:
    """Every file and directory notesift reads or writes, as it would use them now."""
    from tui.core.index.store_schema import default_cache_dir
    from tui.core.resources import shipped_themes_dir
    from tui.core.state import state_dir

    config_file = config.source or config_path or config_dir() / "config.toml"
    used = "" if config.source else "; defaults used"
    rows = [
        ("config", f"{_exists(config_file)}{used}"),
        ("keymap", " + ".join(_exists(p) for p in keymap_files)),
        ("themes", f"{_exists(shipped_themes_dir())}, {_exists(config_dir() / 'themes')}"),
        ("cache", _exists(default_cache_dir())),
        ("state", _exists(state_dir())),
    ]
    for name, value in rows:
        print(f"{name + ':':<8}{value}", file=out)


def _check_tables(out: TextIO) -> list[str]:
    """Print whether pinyin and OpenCC loaded; a table that did not load is an error."""
    from tui.core.text.pinyin import table_status

    errors = []
    for name, (loaded, detail) in table_status().items():
        print(f"{name + ':':<8}{'loaded, ' if loaded else ''}{detail}", file=out)
        if not loaded:
            errors.append(f"{name}: {detail}; search without it")
    return errors
