"""Regular expressions compiled on first use instead of at import.

A character class of the Han blocks makes `re` fill a 64K-entry map in Python:
2-3 ms per pattern, paid at import by every process, including a one-shot search
of plain words that never looks for Han text. A `lazy_compile` pattern costs
nothing until a method is called; then its bound methods are kept on the object,
so later calls cost what a compiled pattern's do.
"""

from __future__ import annotations

import re
from typing import Any, cast

__all__ = ["SOURCES", "lazy_compile"]

# Every pattern given to `lazy_compile`: constants of the code, never a user's text, so
# the launched process may keep their compiled form between runs (tui.code_cache).
SOURCES: set[tuple[str, int]] = set()


class _LazyPattern:
    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        value = getattr(re.compile(*self._source), name)
        if callable(value):
            self.__dict__[name] = value  # the next lookup finds it without __getattr__
        return value

    def __repr__(self) -> str:
        return f"lazy_compile({self._source[0]!r}, {self._source[1]})"


def lazy_compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, done when the pattern is first used."""
    SOURCES.add((pattern, int(flags)))
    return cast("re.Pattern[str]", _LazyPattern(pattern, flags))
