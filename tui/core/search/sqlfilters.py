"""Field filters as SQL over the `entries` table, so SQLite narrows before Python.

Each translation must agree exactly with `filter_matches` in `tests/filter_oracle.py`
(the reference, in Python); `tests/unit/search/test_sqlfilters.py` checks the two against
each other on real entries. An entry without the data (no date, no likes) fails a
filter and so passes its negation, hence `NOT coalesce(…, 0)`.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from tui.core.search.query import FieldFilter
from tui.core.text.fold import fold_path

_COMPARE = {"eq": "=", "ge": ">=", "gt": ">", "le": "<=", "lt": "<"}


def like_escape(text: str) -> str:
    """Escape LIKE wildcards; pair with `ESCAPE '\\'`."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fnmatch_to_glob(pattern: str) -> str:
    """fnmatch's `[!x]` is SQLite GLOB's `[^x]`; the rest is the same."""
    return pattern.replace("[!", "[^")


AuthorNames = Callable[[], Sequence[str]]


def filter_sql(f: FieldFilter, authors: AuthorNames | None = None) -> tuple[str, list[Any]]:
    """A boolean SQL expression over `e.` columns, and its parameters.

    `authors` lists the distinct handles in the index: an `@x` filter then becomes
    a lookup of the names containing `x` on the author index, not a scan of every entry.
    """
    sql, params = _positive_sql(f, authors)
    if f.negated:
        return f"NOT coalesce(({sql}), 0)", params
    return sql, params  # NULL (no data) is already false in WHERE and in OR


def _positive_sql(f: FieldFilter, authors: AuthorNames | None) -> tuple[str, list[Any]]:
    value = f.value
    if f.field == "kind":
        return "e.kind = ?", [value]
    if f.field == "tag":
        want = like_escape(str(value))
        return (
            "(e.tags LIKE ? ESCAPE '\\' OR e.tags LIKE ? ESCAPE '\\')",
            [f"%|{want}|%", f"%|{want}/%"],
        )
    if f.field == "author":
        if authors is not None:
            names = [name for name in authors() if str(value) in name]
            return "e.author IN (SELECT value FROM json_each(?))", [json.dumps(names)]
        return "instr(e.author, ?) > 0", [str(value)]
    if f.field == "path":
        return _path_sql(f)
    if f.field == "title":
        return "instr(e.title_cf, ?) > 0", [str(value).casefold()]
    if f.field == "date":
        return _date_sql(f)
    column = f"e.{f.field}"
    if f.op == "range":
        return f"({column} BETWEEN ? AND ?)", [int(f.low or 0), int(f.high or 0)]
    return f"{column} {_COMPARE.get(f.op, '=')} ?", [value]


def _path_sql(f: FieldFilter) -> tuple[str, list[Any]]:
    """Smart case, like the text terms: `path:Blog` is case-sensitive, `path:blog` not."""
    pattern = str(f.value)
    column = "e.path_lower" if pattern == pattern.lower() else "e.path"
    if column == "e.path_lower":
        pattern = fold_path(pattern)  # the column holds the folded path (accents too)
    # A file name may be stored decomposed (macOS writes `café` as `cafe` + U+0301)
    # while a query is typed composed, or the other way round: either form matches.
    forms = list(dict.fromkeys(unicodedata.normalize(n, pattern) for n in ("NFC", "NFD")))
    if f.op == "glob":
        test, values = f"{column} GLOB ?", [_fnmatch_to_glob(p) for p in forms]
    else:
        test, values = f"instr({column}, ?) > 0", forms
    return "(" + " OR ".join([test] * len(values)) + ")", values


def _date_sql(f: FieldFilter) -> tuple[str, list[Any]]:
    """ISO dates compared by prefix: `2024-06` covers the whole of June."""
    if f.op == "range":
        low, high = str(f.low), str(f.high)
        return (
            "(substr(e.date, 1, ?) >= ? AND substr(e.date, 1, ?) <= ?)",
            [len(low), low, len(high), high],
        )
    want = str(f.value)
    op = "=" if f.op == "prefix" else _COMPARE.get(f.op, "=")
    return f"substr(e.date, 1, ?) {op} ?", [len(want), want]
