"""Compiled code of the methods dataclasses and namedtuples write, kept between launches.

Python 3.11's `dataclasses` writes each class's `__init__`, `__repr__`, `__eq__`, … as
source text and compiles it (`exec`) at every import; `namedtuple` does the same for
`__new__` (`eval`). The app makes about 430 of them (ours, Textual's, Rich's): parsing
and compiling them was about a sixth of the instructions of a warm launch to first rows
(callgrind), more than loading all of our own modules' bytecode. One text always
compiles to the same code on one interpreter, so `install` (called by `tui.launch`
before anything else is imported) points those two modules' `exec`/`eval` at a table
of code objects read from the tables cache; a text not in it is compiled as before,
and the table is written back at exit when the process compiled something new.

Only the launched process is affected (tests and other importers of `tui` are not).
Any problem reading or writing the file just means compiling, as without it.
"""

from __future__ import annotations

import atexit
import builtins
import sys
from types import CodeType
from typing import Any

__all__ = ["compiled", "install", "installed"]

NAME = "codegen"
MAX_ENTRIES = 5000  # beyond this a process keeps only what it used (old versions' texts)

_codes: dict[tuple[str, str], CodeType] = {}
_used: set[tuple[str, str]] = set()
_added = 0
_installed = False


def _compiled(source: str, mode: str) -> CodeType:
    global _added
    key = (mode, source)
    code = _codes.get(key)
    if code is None:
        # dont_inherit: compiled as `exec(text)` in dataclasses would, without this
        # module's `from __future__ import annotations` (annotations stay objects).
        code = compile(source, "<string>", mode, dont_inherit=True)
        _codes[key] = code
        _added += 1
    _used.add(key)
    return code


def _exec(source: Any, globals: Any = None, locals: Any = None) -> None:
    if isinstance(source, str):
        source = _compiled(source, "exec")
    builtins.exec(source, globals, locals)


def _eval(source: Any, globals: Any = None, locals: Any = None) -> Any:
    if isinstance(source, str):
        source = _compiled(source, "eval")
    return builtins.eval(source, globals, locals)


def _stamp() -> str:
    """What the code depends on: the interpreter (bytecode, marshal format)."""
    return f"{sys.version}|{sys.implementation.cache_tag}"


def _load() -> dict[tuple[str, str], CodeType]:
    from tui.core.text.table_cache import cached_table

    table = cached_table(NAME, [], dict, keep=lambda _: False, stamp=_stamp())
    if not isinstance(table, dict):
        return {}
    return {k: v for k, v in table.items() if isinstance(k, tuple) and isinstance(v, CodeType)}


def _save() -> None:
    """Write the table back if this process compiled something (at exit)."""
    if not _added:
        return
    from tui.core.text.table_cache import store_table

    table = _codes
    if len(table) > MAX_ENTRIES:
        table = {key: _codes[key] for key in _used}
    store_table(NAME, [], table, stamp=_stamp())


def install() -> None:
    """Serve dataclasses' and namedtuples' generated code from the cache (once)."""
    global _installed
    if _installed:
        return
    import collections
    import dataclasses

    from tui.core.text.table_cache import tables_dir

    if tables_dir() is None:  # NOTESIFT_NO_TABLE_CACHE: nothing kept on disk
        return
    try:
        _codes.update(_load())
    except Exception:  # a cache must never stop a launch
        _codes.clear()
    dataclasses.exec = _exec  # type: ignore[attr-defined]  # a module global shadows the builtin
    collections.eval = _eval  # type: ignore[attr-defined]
    atexit.register(_save)
    _installed = True


def installed() -> bool:
    return _installed


def compiled() -> int:
    """How many generated texts this process compiled (not found in the cache)."""
    return _added
