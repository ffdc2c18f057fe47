"""Opening a link from a note (`gx`, as in vim): the argv for the user's browser, never a shell.

`$BROWSER` is honoured first, with its conventions (a colon-separated list of
commands, `%s` standing for the URL); then `open` on macOS and `xdg-open`
elsewhere. The URL is always one argument of its own, and only a URL with a
scheme is opened, so note text can neither inject shell syntax nor pass itself
off as an option (`--help`, `-e`).
"""

from __future__ import annotations

import re
import shlex
import shutil
import sys
from collections.abc import Callable, Mapping

__all__ = ["browser_argv", "is_openable"]

_SCHEME = re.compile(r"^(?:https?|ftp|mailto|file|gopher|gemini|obsidian|zotero):", re.I)


def is_openable(url: str) -> bool:
    """A link we hand to a browser: a known scheme and no control characters."""
    return bool(_SCHEME.match(url)) and url.isprintable() and not url.startswith("-")


def browser_argv(
    url: str,
    environ: Mapping[str, str],
    *,
    platform: str = sys.platform,
    which: Callable[[str], str | None] | None = None,
) -> list[str] | None:
    """The command that opens `url`, or None when there is no way (or the URL is not a link)."""
    which = which or shutil.which
    if not is_openable(url):
        return None
    for command in environ.get("BROWSER", "").split(":"):
        try:
            words = shlex.split(command)
        except ValueError:
            continue
        if not words or which(words[0]) is None:
            continue
        if any("%s" in w for w in words):
            return [w.replace("%s", url) if "%s" in w else w for w in words]
        return [*words, url]
    if platform == "darwin" and which("open"):
        return ["open", url]
    opener = which("xdg-open")
    if opener:
        return ["xdg-open", url]
    return None
