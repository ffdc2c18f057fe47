"""Code Python compiles at every launch from the same texts, kept between launches.

Python 3.11's `dataclasses` writes each class's `__init__`, `__repr__`, `__eq__`, … as
source text and compiles it (`exec`) at every import; `namedtuple` does the same for
`__new__` (`eval`), and `typing` compiles each string annotation it wraps (`ForwardRef`).
The app makes about 700 of them (ours, Textual's, Rich's): parsing and compiling them
was about a sixth of the instructions of a warm launch to first rows (callgrind), more
than loading all of our own modules' bytecode. Regular expressions are the same story:
`re` parses a pattern and writes its opcodes in Python (only the last step is C); the
~100 patterns Textual, Rich and the app compile before the first rows cost 30-50 ms.

One text always compiles to the same code on one interpreter, so `install` (called by
`tui.launch` before anything else is imported) points those modules' `exec`/`eval`/
`compile` and `re`'s compiler at tables read from the tables cache; a text not in them
is compiled as before, and the tables are written back at exit when the process
compiled something new. Patterns are added only while the process starts (`settle`
ends that) or when they are the core's own (`lazy_compile`): a search's patterns hold
what the user typed, which a cache file should not keep.

Only the launched process is affected (tests and other importers of `tui` are not).
Any problem reading or writing the files just means compiling, as without them.
"""

from __future__ import annotations

import _sre
import atexit
import builtins
import contextlib
import sys
from types import CodeType
from typing import Any

__all__ = ["compiled", "install", "installed", "settle"]

NAME = "codegen"
REGEX_NAME = "regex"
MAX_ENTRIES = 5000  # beyond this a process keeps only what it used (old versions' texts)


class _Table:
    """One kept table: what it holds, what this process used and added."""

    def __init__(self, name: str, value_type: type) -> None:
        self.name = name
        self.value_type = value_type
        self.items: dict[tuple[Any, ...], Any] = {}
        self.used: set[tuple[Any, ...]] = set()
        self.added = 0

    def load(self) -> None:
        from tui.core.text.table_cache import cached_table

        try:
            table = cached_table(self.name, [], dict, keep=lambda _: False, stamp=_stamp())
            if isinstance(table, dict):
                self.items.update((k, v) for k, v in table.items()
                                  if isinstance(k, tuple) and isinstance(v, self.value_type))
        except Exception:  # a cache must never stop a launch
            self.items.clear()

    def save(self) -> None:
        if not self.added:
            return
        from tui.core.text.table_cache import store_table

        table = self.items
        if len(table) > MAX_ENTRIES:
            # Used and kept: a pattern used after the start was never stored.
            table = {key: self.items[key] for key in list(self.used) if key in self.items}
        store_table(self.name, [], table, stamp=_stamp())


_codes = _Table(NAME, CodeType)
_patterns = _Table(REGEX_NAME, tuple)
_installed = False
_settled = False


def _compiled(source: str, mode: str) -> CodeType:
    key = (mode, source)
    code = _codes.items.get(key)
    if code is None:
        # dont_inherit: compiled as `exec(text)` in dataclasses would, without this
        # module's `from __future__ import annotations` (annotations stay objects).
        code = compile(source, "<string>", mode, dont_inherit=True)
        _codes.items[key] = code
        _codes.added += 1
    _codes.used.add(key)
    return code


def _exec(source: Any, globals: Any = None, locals: Any = None) -> None:
    if isinstance(source, str):
        source = _compiled(source, "exec")
    builtins.exec(source, globals, locals)


def _eval(source: Any, globals: Any = None, locals: Any = None) -> Any:
    if isinstance(source, str):
        source = _compiled(source, "eval")
    return builtins.eval(source, globals, locals)


def _compile(source: Any, filename: Any, mode: str, flags: int = 0,
             dont_inherit: bool = False, optimize: int = -1) -> Any:
    """`compile` as `typing.ForwardRef` calls it (typing has no `__future__` flags)."""
    if isinstance(source, str) and filename == "<string>" and not flags and optimize == -1:
        return _compiled(source, mode)
    return builtins.compile(source, filename, mode, flags, dont_inherit, optimize)


def _compile_pattern(pattern: Any, flags: int = 0) -> Any:
    """`re._compiler.compile` with the parsed pattern's opcodes kept (its own steps)."""
    compiler, parser, original = _re_parts
    if not isinstance(pattern, str | bytes) or flags & compiler.SRE_FLAG_DEBUG:
        return original(pattern, flags)
    key = (pattern, flags)
    args = _patterns.items.get(key)
    if args is None:
        parsed = parser.parse(pattern, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for group_name, number in groupindex.items():
            indexgroup[number] = group_name
        # Plain ints: opcodes are an int subclass marshal does not write.
        args = (flags | parsed.state.flags, [int(op) for op in compiler._code(parsed, flags)],
                parsed.state.groups - 1, groupindex, tuple(indexgroup))
        if not _settled or _own_pattern(key):
            _patterns.items[key] = args
            _patterns.added += 1
    _patterns.used.add(key)
    return _sre.compile(pattern, *args)


def _own_pattern(key: tuple[Any, ...]) -> bool:
    """A pattern of the core's own (`lazy_compile`), never text a user typed."""
    lazy = sys.modules.get("tui.core.text.lazy_re")
    return lazy is not None and key in lazy.SOURCES


_re_parts: tuple[Any, Any, Any] = (None, None, None)  # re's compiler, parser, compile


def _stamp() -> str:
    """What the code depends on: the interpreter (bytecode, marshal format, re opcodes)."""
    return f"{sys.version}|{sys.implementation.cache_tag}|{_sre.MAGIC}"


def _save() -> None:
    """Write the tables back if this process compiled something new (at exit; a thread
    still compiling may change them meanwhile: then they are not written this time)."""
    for table in (_codes, _patterns):
        with contextlib.suppress(Exception):  # a cache must never disturb the exit
            table.save()


def install() -> None:
    """Serve generated code, annotations and regular expressions from the cache (once)."""
    global _installed, _re_parts
    if _installed:
        return
    import collections
    import dataclasses
    import re
    import typing

    from tui.core.text.table_cache import tables_dir

    if tables_dir() is None:  # NOTESIFT_NO_TABLE_CACHE: nothing kept on disk
        return
    _codes.load()
    _patterns.load()
    dataclasses.exec = _exec  # type: ignore[attr-defined]  # a module global shadows the builtin
    collections.eval = _eval  # type: ignore[attr-defined]
    typing.compile = _compile  # type: ignore[attr-defined]
    compiler = getattr(re, "_compiler", None)
    if hasattr(compiler, "_code") and hasattr(re, "_parser"):  # the 3.11+ layout
        _re_parts = (compiler, re._parser, compiler.compile)  # type: ignore[attr-defined]
        compiler.compile = _compile_pattern  # type: ignore[union-attr]
    atexit.register(_save)
    _installed = True


def settle() -> None:
    """The start is over: patterns compiled from now on may hold a user's text."""
    global _settled
    _settled = True


def installed() -> bool:
    return _installed


def compiled() -> int:
    """How many generated texts and patterns this process compiled (not found cached)."""
    return _codes.added + _patterns.added
