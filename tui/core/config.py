"""User configuration: `~/.config/notesift/config.toml` (XDG).

A broken config must never stop the app: every problem becomes a message naming
file, line and column, and the defaults are used for whatever could not be read.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from tui.core.ingest.sidecar import SIDECAR_REL
from tui.core.text.sanitize import printable

# tomllib, the key locator and did-you-mean load when a file is read or a problem
# found: a one-shot `notesift search` with no config file pays none of them.

KNOWN_KEYS = ("notes_dir", "theme", "editor", "ignore", "watch", "respect_gitignore")


@dataclass(slots=True)
class Config:
    """Settings with their defaults."""

    notes_dir: str | None = None
    theme: str | None = None
    editor: str | None = None
    ignore: list[str] = field(default_factory=list)
    watch: bool = True
    # Read `.gitignore` files as well as `.notesiftignore`, as ripgrep and fd do.
    respect_gitignore: bool = True
    source: Path | None = None


def config_dir() -> Path:
    """`$XDG_CONFIG_HOME/notesift`, else `~/.config/notesift`."""
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "notesift"


def toml_error_message(path: Path, exc: Exception) -> str:
    """`file:line:col: message` for a TOML syntax error."""
    from tui.core.text.toml_position import toml_error_position

    line, col, message = toml_error_position(exc)
    return f"{path}:{line or 1}:{col or 1}: {message}"


def read_toml(path: Path) -> tuple[dict[str, Any], list[str]]:
    """Parse a TOML file; on failure an empty table and a `file:line:col` message."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}, []
    except OSError as exc:
        return {}, [f"{path}:1:1: cannot read ({exc.strerror or exc})"]
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        return tomllib.loads(data.decode("utf-8")), []
    except UnicodeDecodeError as exc:
        return {}, [f"{path}:1:1: not UTF-8 ({exc.reason})"]
    except tomllib.TOMLDecodeError as exc:
        return {}, [toml_error_message(path, exc)]


def _readable_lines(text: str) -> dict[str, object]:
    """The settings of a file TOML cannot read, one line at a time.

    A typo in `watch = tru` made the whole file unreadable, `notes_dir` with it,
    and notesift indexed the current directory (a home directory, say) instead
    of the notes: the lines that read on their own still count.
    """
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    table: dict[str, object] = {}
    for line in text.splitlines():
        if line.lstrip().startswith("["):
            break  # tables hold nothing a one-line setting could mean
        try:
            table.update(tomllib.loads(line))
        except tomllib.TOMLDecodeError:
            continue
    return table


def load_config(path: Path | None = None) -> tuple[Config, list[str]]:
    """Read the config file, collecting every problem instead of stopping at the first."""
    path = path or config_dir() / "config.toml"
    table, problems = read_toml(path)
    config = Config(source=path if path.exists() else None)
    try:
        text = path.read_text(encoding="utf-8") if table or problems else ""
    except (OSError, UnicodeDecodeError):
        text = ""
    if problems and not table:
        table = _readable_lines(text)

    def problem(key: str, message: str) -> None:
        from tui.core.text.toml_position import TomlLocator

        locator = TomlLocator(path, text)
        line, column = locator.line_col(locator.key_path([key], value=False) or 0)
        problems.append(f"{path}:{line}:{column}: {message}")

    for key, value in table.items():
        if key not in KNOWN_KEYS:
            from tui.core.text.suggest import did_you_mean

            hint = did_you_mean(key, KNOWN_KEYS) or f" (known: {', '.join(KNOWN_KEYS)})"
            problem(key, f"unknown setting {key!r}{hint}")
        elif key in ("notes_dir", "theme", "editor"):
            if isinstance(value, str):
                setattr(config, key, value)
            else:
                problem(key, f"{key} must be a string")
        elif key == "ignore":
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                config.ignore = list(value)
            else:
                problem(key, "ignore must be a list of glob strings")
        elif key in ("watch", "respect_gitignore"):
            if isinstance(value, bool):
                setattr(config, key, value)
            else:
                problem(key, f"{key} must be true or false")
    return config, problems


def resolve_notes_dir(argument: str | None, config: Config) -> Path:
    """The argument, else `$NOTESIFT_DIR`, else the config's `notes_dir`, else the cwd
    (or the notes folder it is inside: `notes_root_above`)."""
    chosen = argument or os.environ.get("NOTESIFT_DIR") or config.notes_dir
    if not chosen:
        return notes_root_above(Path.cwd()) or Path(".")
    return Path(os.path.expandvars(chosen)).expanduser()


def notes_root_above(start: Path) -> Path | None:
    """The nearest folder above `start` that holds notesift's tags (`.notesift/tags.json`),
    as git finds `.git`: run in a subfolder, commands use the notes folder it belongs
    to, not a second one whose tags the first never sees. Home and the filesystem root
    are not looked at (a stray `~/.notesift` would capture every folder below it), nor
    anything above a folder that is not the user's own (`_own_folder`)."""
    if (start / SIDECAR_REL).is_file():
        return None
    home = Path.home()
    for folder in start.parents:
        if folder == home or folder == folder.parent or not _own_folder(folder):
            return None
        if (folder / SIDECAR_REL).is_file():
            return folder
    return None


def _own_folder(folder: Path) -> bool:
    """A folder the user owns and no one else may write to: the climb stops at `/tmp`
    and other shared folders, where anyone could plant a `.notesift/tags.json`."""
    try:
        info = folder.stat()
    except OSError:
        return False
    own = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return own and not info.st_mode & 0o022


def another_folder_hint(how: str) -> str:
    """How to browse another folder, in the order `resolve_notes_dir` looks: for a folder
    with no notes, where a first `notesift` in a home or project dir finds nothing."""
    config_file = printable(str(config_dir() / "config.toml"))
    return f"choose another folder with {how}, $NOTESIFT_DIR or notes_dir in {config_file}"


@dataclass(frozen=True, slots=True)
class NotesFolder:
    """What every command starts from: the config, its problems and the notes folder."""

    config: Config
    problems: list[str]
    root: Path
    found_above: bool = False  # the cwd's notes folder, found by `notes_root_above`

    @property
    def above_note(self) -> str | None:
        """The line saying which folder a command in a subfolder uses (None if not climbed)."""
        if not self.found_above:
            return None
        return (f"notes folder: {printable(str(self.root))} "
                f"(it holds {SIDECAR_REL}; the current folder is inside it)")

    @property
    def missing(self) -> str | None:
        """The one line a command prints and exits 2 on when the folder is not there."""
        if self.root.is_dir():
            return None
        return f"notesift: {printable(str(self.root))}: not a directory\n"


def locate_notes(argument: str | None) -> NotesFolder:
    """Load the config and resolve the notes folder as `resolve_notes_dir` does."""
    config, problems = load_config()
    root = resolve_notes_dir(argument, config)
    climbed = root != Path(".") and not (argument or os.environ.get("NOTESIFT_DIR")
                                         or config.notes_dir)
    return NotesFolder(config, problems, root, found_above=climbed)


def notes_folder_or_say_why(argument: str | None, err: TextIO, *, name_above: bool = True
                            ) -> NotesFolder | None:
    """`locate_notes`, or None once the command's one error line is written to `err`.

    A folder found above the cwd is named on `err` when a person reads it (a tty),
    so results from a parent folder never come as a surprise; scripts stay quiet.
    """
    folder = locate_notes(argument)
    if folder.missing:
        err.write(folder.missing)
        return None
    if name_above and folder.above_note and _is_tty(err):
        err.write(f"notesift: {folder.above_note}\n")
    return folder


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
