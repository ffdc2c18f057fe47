"""The empty query's order of notes when file times say nothing (a fresh `git clone`).

Newest first by the front-matter date, then by a date in the file name
(`2024-03-08-weekly.md`, `notes_20240308.txt`), then the path in natural order,
so `issue-9` comes before `issue-10`. A pure sort key over `(id, path, date)`
rows: the store's SQL only has to hand over those three columns.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from pathlib import PurePosixPath

_FILE_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})([-_.]?)(0[1-9]|1[0-2])(?:\2(0[1-9]|[12]\d|3[01]))?(?!\d)"
)
_DIGITS = re.compile(r"(\d+)")


def filename_date(path: str) -> str:
    """`YYYY-MM-DD` (or `YYYY-MM`) found in the file name, else an empty string."""
    match = _FILE_DATE.search(PurePosixPath(path).name)
    if match is None:
        return ""
    year, _, month, day = match.groups()
    return f"{year}-{month}-{day}" if day else f"{year}-{month}"


def natural_key(path: str) -> tuple[tuple[int, int, str], ...]:
    """Digit runs compare as numbers: `issue-9` < `issue-10` < `issue-100`."""
    pieces = _DIGITS.split(path.casefold())
    return tuple((0, int(p), p) if p.isdigit() else (1, 0, p) for p in pieces if p)


def _front_matter_date(value: object) -> str:
    return value.strip()[:19] if isinstance(value, str) else ""


def order_notes(rows: Iterable[tuple[Hashable, str, object]]) -> list[Hashable]:
    """Ids of `(id, path, front-matter date)` rows in the empty query's order.

    Three stable passes, least significant first: natural path (ascending), date in
    the file name (newest first), front-matter date (newest first); undated rows
    stay after dated ones at each level.
    """
    items = sorted(rows, key=lambda r: natural_key(r[1]))
    items.sort(key=lambda r: filename_date(r[1]), reverse=True)
    items.sort(key=lambda r: _front_matter_date(r[2]), reverse=True)
    return [r[0] for r in items]
