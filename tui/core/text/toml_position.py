"""Where in a TOML file something is: the line and column a user's editor jumps to."""

from __future__ import annotations

import re

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def toml_error_position(exc: Exception) -> tuple[int | None, int | None, str]:
    """(line, column, message) of a TOML syntax error; tomllib puts the position in text."""
    text = str(exc)
    match = _TOML_POSITION.search(text)
    message = _TOML_POSITION.sub("", text).strip()
    if match is None:
        return None, None, message
    return int(match.group(1)), int(match.group(2)), message
