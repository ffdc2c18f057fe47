"""The empty query's order of notes: newest first, by the best date each note has.

The file's modification time decides first, compared by calendar day (local
time): a note edited today comes before one edited last week, and a fresh
`git clone`, where every file has the clone's mtime, falls through to what the
notes themselves say: the front-matter date, then a date in the file name
(`2024-03-08-weekly.md`, `notes_20240308.txt`), then the path in natural order,
so `issue-9` comes before `issue-10`. `order_notes` is a pure sort over
`(id, path, date, mtime_ns)` rows; `newest_notes` reads them from the store.

The order is kept beside the cache for the next process (the empty query is what
every launch shows first): reading and sorting every note was 30-40 ms of CPU at
100k entries before the first rows, 10x that at 1M. It is kept under a digest of
the `sources` table (each file's signature and first rowid fix its notes' rowids,
paths, dates and mtime), the time zone, and this module's file (its rules).
"""

from __future__ import annotations

import datetime
import os
import re
import threading
import time
import weakref
from collections.abc import Hashable, Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any, Protocol, cast

from tui.core.text.table_cache import cached_table

_FILE_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})([-_.]?)(0[1-9]|1[0-2])(?:\2(0[1-9]|[12]\d|3[01]))?(?!\d)"
)
_DIGITS = re.compile(r"(\d+)")
# A note's entry and its source share the path; a source's signature starts with
# its mtime in nanoseconds (`mtime_ns:size`, see the index's `sources` table).
NOTE_ROWS_SQL = (
    "SELECT e.rowid, e.path, e.date,"
    " CAST(substr(s.signature, 1, instr(s.signature, ':') - 1) AS INTEGER)"
    " FROM entries e LEFT JOIN sources s ON s.key = e.path WHERE e.kind = 'note'"
)
SOURCES_SQL = "SELECT key, signature, first_rowid FROM sources"


class RowSource(Protocol):
    """What `newest_notes` needs of the index store."""

    generation: int
    path: Path | None  # the cache file; None: in memory

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...


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


def mtime_day(mtime_ns: object) -> int:
    """The local calendar day of a modification time (a day number), 0 when unknown."""
    if not isinstance(mtime_ns, int) or mtime_ns <= 0:
        return 0
    try:
        return datetime.date.fromtimestamp(mtime_ns / 1e9).toordinal()
    except (OverflowError, OSError, ValueError):
        return 0


def _front_matter_date(value: object) -> str:
    return value.strip()[:19] if isinstance(value, str) else ""


def order_notes(rows: Iterable[tuple[Hashable, str, object, object]]) -> list[Hashable]:
    """Ids of `(id, path, front-matter date, mtime_ns)` rows in the empty query's order.

    Four stable passes, least significant first: natural path (ascending), date in
    the file name, front-matter date, the mtime's day (each newest first); rows
    without a date stay after dated ones at each level.
    """
    items = sorted(rows, key=lambda r: natural_key(r[1]))
    items.sort(key=lambda r: filename_date(r[1]), reverse=True)
    items.sort(key=lambda r: _front_matter_date(r[2]), reverse=True)
    items.sort(key=lambda r: mtime_day(r[3]), reverse=True)
    return [r[0] for r in items]


_cache_lock = threading.Lock()
_cached: tuple[weakref.ref[Any], int, list[int]] | None = None


def newest_notes(store: RowSource, limit: int) -> list[int]:
    """Rowids of the first `limit` notes in the empty query's order.

    The order is kept until the store changes: clearing the prompt (every new
    query starts from it) costs no sort of every note in a large tree.
    """
    global _cached
    generation = store.generation
    with _cache_lock:
        if _cached is not None and _cached[0]() is store and _cached[1] == generation:
            return _cached[2][:limit]
    ordered = _kept_order(store)
    with _cache_lock:
        _cached = (weakref.ref(store), generation, ordered)
    return ordered[:limit]


def _ordered(store: RowSource) -> list[int]:
    return [cast(int, r) for r in order_notes(store.query(NOTE_ROWS_SQL))]


def _sources_digest(store: RowSource) -> str:
    try:  # the builtin module: hashlib's import loads OpenSSL (~10 ms a process)
        from _sha1 import sha1
    except ImportError:
        from hashlib import sha1
    import marshal

    return sha1(marshal.dumps(store.query(SOURCES_SQL))).hexdigest()


def _kept_order(store: RowSource) -> list[int]:
    """The order as the last process with the same notes stored it, else sorted now."""
    if store.path is None:
        return _ordered(store)
    digest = _sources_digest(store)
    zone = f"{os.environ.get('TZ')}|{time.tzname}|{time.timezone}|{time.altzone}"
    unchanged = True

    def build() -> list[int]:
        nonlocal unchanged
        ordered = _ordered(store)
        unchanged = _sources_digest(store) == digest  # no write came in between
        return ordered

    kept = cached_table(f"{store.path.name}.order", [Path(__file__)], build,
                        keep=lambda _: unchanged, folder=store.path.parent,
                        stamp=f"{digest}|{zone}")
    return kept if isinstance(kept, list) else _ordered(store)
