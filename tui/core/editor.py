"""Build the argv that opens a file at a line in the user's editor.

`$VISUAL`/`$EDITOR` may hold arguments (`code --wait`, `nvim -u NONE`), so it is
split like a shell would, but the result is run as an argv, never through a
shell: a note called `$(rm -rf ~).md` is just a file name. Paths are absolute,
so a file name starting with `-` cannot be read as an option either.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from pathlib import Path

# Editors that take `+LINE FILE` (vi family and friends).
_PLUS_LINE = {"vi", "vim", "nvim", "gvim", "mvim", "view", "nano", "emacs", "emacsclient",
              "micro", "kak", "joe", "mg", "ne", "ed", "less", "jed"}
# Editors that accept `--` to end options before the file.
_DOUBLE_DASH = {"vi", "vim", "nvim", "gvim", "mvim", "view", "nano", "micro"}
# Editors that take `FILE:LINE`.
_COLON_LINE = {"subl", "sublime_text", "zed", "hx", "helix"}
# Editors that need `--goto FILE:LINE`.
_GOTO = {"code", "code-insiders", "codium", "cursor", "windsurf"}


def editor_command(env: Mapping[str, str] | None = None, configured: str | None = None) -> str:
    """The editor to use: the config's, else `$VISUAL`, else `$EDITOR`, else `vi`."""
    env = os.environ if env is None else env
    return configured or env.get("VISUAL") or env.get("EDITOR") or "vi"


def editor_argv(command: str, path: Path, line: int) -> list[str]:
    """argv that opens `path` at `line` with `command` (`$EDITOR`-style string)."""
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    if not words:
        words = ["vi"]
    name = Path(words[0]).name
    target = str(path.absolute())
    line = max(1, line)
    if name in _GOTO:
        return [*words, "--goto", f"{target}:{line}"]
    if name in _COLON_LINE:
        return [*words, f"{target}:{line}"]
    if name in _PLUS_LINE:
        tail = ["--", target] if name in _DOUBLE_DASH else [target]
        return [*words, f"+{line}", *tail]
    return [*words, target]
