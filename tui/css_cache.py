"""Textual's parsed stylesheets kept between launches.

Every launch parses the same CSS (Textual's widgets' defaults, `app.tcss`) with the
same theme variables into the same rule sets: tokenizing it in Python was 10-12 ms
of a warm launch's CPU before the first rows. `install` (a launched process only,
see `tui.launch`) puts a table in front of `Stylesheet._parse_rules`: the rules a
text parsed to last time, pickled under everything the parse reads (the text, where
it came from, its scope and priority, the variables), are read back in ~1.5 ms; a
text not in it is parsed as before, and the table is written at exit when the
process parsed something new. CSS with errors is never kept (its errors are said
as Textual says them). Textual's version is part of the key through its parser's
files, so an upgrade parses afresh; any problem reading the table means parsing.
"""

from __future__ import annotations

import atexit
import contextlib
import marshal
import pickle
from pathlib import Path
from typing import Any

__all__ = ["install", "parsed"]

NAME = "textualcss"
MAX_ENTRIES = 200  # beyond this a process keeps only what it used (old texts, themes)

_table: dict[bytes, bytes] = {}
_used: set[bytes] = set()
_added = 0
_installed = False


def _digest(data: bytes) -> bytes:
    try:  # the builtin module: hashlib's import loads OpenSSL (~10 ms a process)
        from _sha1 import sha1
    except ImportError:
        from hashlib import sha1
    return sha1(data).digest()


def _sources() -> list[Path]:
    """Textual's parser files: a new Textual version has new ones."""
    import textual.css

    folder = Path(textual.css.__file__).parent
    return [folder / name for name in ("parse.py", "_styles_builder.py", "model.py",
                                       "styles.py", "tokenize.py")]


def _load() -> None:
    from tui.core.text.table_cache import cached_table

    try:
        table = cached_table(NAME, _sources(), dict, keep=lambda _: False)
        if isinstance(table, dict):
            _table.update((k, v) for k, v in table.items()
                          if isinstance(k, bytes) and isinstance(v, bytes))
    except Exception:  # a cache must never stop a launch
        _table.clear()


def _save() -> None:
    if not _added:
        return
    from tui.core.text.table_cache import store_table

    with contextlib.suppress(Exception):  # a cache must never disturb the exit
        table = _table if len(_table) <= MAX_ENTRIES else {k: _table[k] for k in list(_used)}
        store_table(NAME, _sources(), table)


def install() -> None:
    """Serve `Stylesheet._parse_rules` from the table (once per process)."""
    global _installed
    if _installed:
        return
    from textual.css.stylesheet import Stylesheet

    _load()
    parse = Stylesheet._parse_rules

    def kept_parse(self: Stylesheet, css: str, read_from: Any, is_default_rules: bool = False,
                   tie_breaker: int = 0, scope: str = "") -> Any:
        global _added
        try:  # what Textual keeps in the process (a text parsed once already)
            return self._parse_cache[(css, read_from, is_default_rules, tie_breaker, scope)]
        except KeyError:
            pass
        try:
            key = _digest(marshal.dumps((css, tuple(read_from), is_default_rules, tie_breaker,
                                         scope, sorted(self._variables.items()))))
        except (ValueError, TypeError):  # not marshal-able: parse as always
            return parse(self, css, read_from, is_default_rules, tie_breaker, scope)
        kept = _table.get(key)
        if kept is not None:
            try:
                rules = pickle.loads(kept)
                _used.add(key)
                self._parse_cache[(css, read_from, is_default_rules, tie_breaker, scope)] = rules
                return rules
            except Exception:  # a damaged entry: parse it again
                del _table[key]
        rules = parse(self, css, read_from, is_default_rules, tie_breaker, scope)
        if not any(rule.errors for rule in rules):
            try:
                _table[key] = pickle.dumps(rules, protocol=pickle.HIGHEST_PROTOCOL)
                _used.add(key)
                _added += 1
            except Exception:  # something in the rules does not pickle: not kept
                pass
        return rules

    Stylesheet._parse_rules = kept_parse  # type: ignore[method-assign]
    atexit.register(_save)
    _installed = True


def parsed() -> int:
    """How many CSS texts this process parsed (not found in the table)."""
    return _added
