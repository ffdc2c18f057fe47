"""The field filters evaluated in Python: the reference the engine's SQL filters must match.

The engine runs `kind:tweet`, `#ai`, `likes:>1k`, ... as SQL (`tui.core.search.sqlfilters`);
this plain evaluator says what each filter means, entry by entry, so the tests can
check the SQL against it. An entry that lacks the data a filter asks about (no date,
no likes) does not match it, and therefore does match the negated filter.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from fnmatch import fnmatchcase
from typing import Any

from tui.core.ingest.entry import Entry
from tui.core.search.query import FieldFilter, Query, QueryItem, Term
from tui.core.text.fold import fold_path


def filter_matches(f: FieldFilter, entry: Entry) -> bool:
    """Does `entry` satisfy `f`, `negated` included?"""
    return _positive_match(f, entry) != f.negated


def group_field_match(group: Sequence[QueryItem], entry: Entry) -> bool | None:
    """Decide an OR group as far as its field filters can.

    True if some filter matches; False if none does and the group has no plain
    terms; None if no filter matched but a plain term still might (the engine's call).
    """
    if any(isinstance(i, FieldFilter) and filter_matches(i, entry) for i in group):
        return True
    return None if any(isinstance(i, Term) for i in group) else False


def entry_passes_fields(groups: Query | Iterable[Sequence[QueryItem]], entry: Entry) -> bool:
    """False as soon as an OR group made only of filters rejects `entry`.

    Groups that contain plain terms are left to the text matcher (they pass here),
    so this is a safe pre-filter before fuzzy scoring.
    """
    if isinstance(groups, Query):
        groups = groups.groups
    return all(group_field_match(g, entry) is not False for g in groups)


def _positive_match(f: FieldFilter, entry: Entry) -> bool:
    if f.field == "kind":
        return entry.kind == f.value
    if f.field == "tag":
        want = str(f.value)
        for tag in entry.tags:
            have = tag.lstrip("#").lower()
            if have == want or have.startswith(want + "/"):
                return True
        return False
    if f.field == "author":
        author = entry.meta.get("author")
        return isinstance(author, str) and str(f.value) in author.lstrip("@").lower()
    if f.field == "path":
        return _path_match(f, entry.path)
    if f.field == "title":
        return str(f.value).casefold() in entry.title.casefold()
    if f.field == "date":
        return _date_match(f, entry.meta.get("date"))
    return _number_match(f, entry.meta.get(f.field))


def _path_match(f: FieldFilter, path: str) -> bool:
    """Smart case, like the text terms: `path:Blog` is case-sensitive, `path:blog` not."""
    pattern = str(f.value)
    if pattern == pattern.lower():
        path, pattern = fold_path(path), fold_path(pattern)  # accents never matter
    if f.op == "glob":
        return any(fnmatchcase(path, form) for form in _forms(pattern))
    return any(form in path for form in _forms(pattern))


def _forms(pattern: str) -> list[str]:
    """A file name typed composed matches it stored decomposed, and back."""
    return [unicodedata.normalize(n, pattern) for n in ("NFC", "NFD")]


def _date_match(f: FieldFilter, raw: Any) -> bool:
    """Compare ISO dates by prefix: `2024-06` covers the whole of June."""
    if not isinstance(raw, str) or not raw.strip():
        return False
    date = raw.strip()
    if f.op == "range":
        low, high = str(f.low), str(f.high)
        return date[: len(low)] >= low and date[: len(high)] <= high
    want = str(f.value)
    have = date[: len(want)]
    if f.op == "prefix":
        return have == want
    return _compare(f.op, have, want)


def _number_match(f: FieldFilter, raw: Any) -> bool:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return False
    if f.op == "range":
        return int(f.low or 0) <= raw <= int(f.high or 0)
    return _compare(f.op, raw, f.value)


def _compare(op: str, have: Any, want: Any) -> bool:
    if op == "eq":
        return bool(have == want)
    if op == "ge":
        return bool(have >= want)
    if op == "gt":
        return bool(have > want)
    if op == "le":
        return bool(have <= want)
    if op == "lt":
        return bool(have < want)
    return False
