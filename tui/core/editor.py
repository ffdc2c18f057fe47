"""Build the argv that opens a file at a line in the user's editor.

`$VISUAL`/`$EDITOR` may hold arguments (`code --wait`, `nvim -u NONE`), so it is
split like a shell would, but the result is run as an argv, never through a
shell: a note called `$(rm -rf ~).md` is just a file name. Paths are absolute,
so a file name starting with `-` cannot be read as an option either.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from collections.abc import Mapping
from pathlib import Path

# Editors that take `+LINE FILE` (vi family and friends).
_PLUS_LINE = {"vi", "vim", "nvim", "gvim", "mvim", "view", "nano", "emacs", "emacsclient",
              "micro", "kak", "joe", "mg", "ne", "ed", "less", "jed"}
# Editors whose option parser honours `--` even after `+LINE`. Not micro: Go's flag
# package stops at `+LINE`, so micro would open a second buffer named `--`.
_DOUBLE_DASH = {"vi", "vim", "nvim", "gvim", "mvim", "view", "nano"}
# Editors that take `FILE:LINE`.
_COLON_LINE = {"subl", "sublime_text", "zed", "hx", "helix"}
# Editors that need `--goto FILE:LINE`.
_GOTO = {"code", "code-insiders", "codium", "cursor", "windsurf"}
_KNOWN = _PLUS_LINE | _COLON_LINE | _GOTO


def editor_command(env: Mapping[str, str] | None = None, configured: str | None = None) -> str:
    """The editor to use: the config's, else `$VISUAL`, else `$EDITOR`, else `vi`.

    A blank value counts as unset, so `VISUAL=" "` does not hide a good `$EDITOR`.
    """
    env = os.environ if env is None else env
    for value in (configured, env.get("VISUAL"), env.get("EDITOR")):
        if value and value.strip():
            return value.strip()
    return "vi"


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:  # an unbalanced quote: whitespace is the best guess left
        return text.split()


def _editor_words(command: str) -> list[str]:
    """Split `command` into program and arguments, forgiving an unquoted path with spaces.

    `EDITOR=/opt/my editors/vim -n` is a common mistake; when the shell-style first
    word is not a program but a longer space-joined prefix is an executable file,
    that prefix is the program. `~` in the program is expanded as a shell would.
    """
    words = _split(command)
    if not words:
        return ["vi"]
    words[0] = os.path.expanduser(words[0])
    if shutil.which(words[0]) is not None:
        return words
    cuts = [m.start() for m in re.finditer(r"\s+", command)] + [len(command)]
    for cut in reversed(cuts):
        head = os.path.expanduser(command[:cut])
        if os.sep in head and os.path.isfile(head) and os.access(head, os.X_OK):
            return [head, *_split(command[cut:])]
    return words


def _editor_name(program: str) -> str:
    """The editor's family name: `/usr/bin/vim.basic` and `nvim.appimage` are vim/nvim."""
    name = Path(program).name
    if name in _KNOWN:
        return name
    return name.split(".", 1)[0]


def editor_argv(command: str, path: Path, line: int) -> list[str]:
    """argv that opens `path` at `line` with `command` (`$EDITOR`-style string)."""
    words = _editor_words(command)
    name = _editor_name(words[0])
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


# Editors that open several files as tabs (`-p`) and take Ex commands (`-c`).
_TABS = {"vim", "nvim", "gvim", "mvim"}
# Editors where `+LINE` applies to the file after it, so every file gets its line.
_PLUS_EACH = {"nano", "emacs", "emacsclient"}
_FORKING = {"gvim", "mvim"}  # GUI vims that go to the background unless given -f
TAB_LIMIT = 10  # vim's default 'tabpagemax': more files go to the quickfix list


def _unique(targets: list[tuple[Path, int]]) -> list[tuple[Path, int]]:
    """One target per file (the first line asked for), in the order given."""
    seen: dict[str, tuple[Path, int]] = {}
    for path, line in targets:
        seen.setdefault(str(path.absolute()), (path.absolute(), max(1, line)))
    return list(seen.values())


def quickfix_text(targets: list[tuple[Path, int, str]]) -> str:
    """`path:line:1:title` lines, vim's default 'errorformat' (for `-q FILE`)."""
    return "".join(
        f"{path.absolute()}:{max(1, line)}:1:{' '.join(title.split()) or path.name}\n"
        for path, line, title in targets
    )


def editor_argv_many(
    command: str, targets: list[tuple[Path, int]], quickfix: Path | None = None
) -> list[str]:
    """argv that opens every `(path, line)` at once, each at its line where the editor can.

    vim/nvim: one tab per file (`-p`), each moved to its line by `-c`; more than
    TAB_LIMIT files open as the quickfix list instead (`-q quickfix`, which the
    caller writes with `quickfix_text`). nano/emacs: `+LINE FILE` pairs. hx/subl/zed:
    `FILE:LINE` each; code-likes: `--goto FILE:LINE …`; other vi-likes: the first
    file at its line; anything else: the files.
    """
    words = _editor_words(command)
    name = _editor_name(words[0])
    unique = _unique(targets)
    if len(unique) == 1:
        return editor_argv(command, *unique[0])
    files = [str(path) for path, _ in unique]
    if name in _TABS:
        if len(unique) > TAB_LIMIT and quickfix is not None:
            # gvim/mvim fork and return at once: in the foreground, they read the
            # quickfix file before the caller removes it.
            stay = ["-f"] if name in _FORKING and not {"-f", "--nofork"} & set(words) else []
            return [*words, *stay, "-q", str(quickfix.absolute())]
        shown = unique[:TAB_LIMIT]
        # `silent`: a bare `:LINE` in a chain echoes the line, which stops vim at a
        # "Press ENTER" prompt before the user sees anything.
        jumps = "|".join(f"silent tabnext {i}|silent {line}"
                         for i, (_, line) in enumerate(shown, 1) if i > 1)
        tail = ["-c", f"{jumps}|silent tabfirst"] if jumps else []
        return [*words, "-p", f"+{shown[0][1]}", *tail, "--", *files]
    if name in _PLUS_EACH:
        return [*words, *(arg for path, line in unique for arg in (f"+{line}", str(path)))]
    if name in _COLON_LINE:
        return [*words, *(f"{path}:{line}" for path, line in unique)]
    if name in _GOTO:
        return [*words, "--goto", *(f"{path}:{line}" for path, line in unique)]
    if name in _PLUS_LINE:
        tail = ["--", *files] if name in _DOUBLE_DASH else files
        return [*words, f"+{unique[0][1]}", *tail]
    return [*words, *files]
