"""Temp tables of rowids that searches build once and probe while a user types on.

Apart from the store because their lifetime (kept per generation, pinned by
the searches still reading them, dropped least recently used) is its own
concern; every statement runs on the store's reader under its read lock.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterator, Sequence
from typing import Any

from tui.core.text.lazy_re import lazy_compile

_READS_ENTRIES = lazy_compile(r"(SCAN|SEARCH) e\b")  # a query plan's step over `entries e`
ROWID_TABLES = 6  # temp rowid sets kept between searches (each up to a few MB at 1M entries)

_Key = tuple[int, str, tuple[Any, ...]]


class RowidTables:
    """The rowid temp tables of one reader connection."""

    def __init__(self, reader: sqlite3.Connection, read_lock: threading.RLock) -> None:
        self.reader = reader
        self.read_lock = read_lock
        self._tables: OrderedDict[_Key, str] = OrderedDict()
        self._serial = 0
        self._sizes: dict[str, int] = {}
        self._too_large: set[_Key] = set()
        self._pins: Counter[str] = Counter()  # rowid table → searches still using it
        self._orphans: set[str] = set()  # forgotten tables a search still holds
        self._search_local = threading.local()

    def table(self, generation: int, select: str, params: Sequence[Any],
              max_rows: int | None = None) -> str | None:
        """See `IndexStore.rowid_table`: `generation` keys what it is kept under."""
        with self.read_lock:
            key = (generation, select, tuple(params))
            name = self._tables.get(key)
            if name is not None:
                self._tables.move_to_end(key)
                self._pin(name)
                return name
            if key in self._too_large:
                return None
            limited = select if max_rows is None else f"{select} LIMIT {max_rows + 1}"
            if max_rows is not None and self._too_many(limited, params, max_rows):
                self._refuse(key)
                return None
            self._serial += 1
            name = f"temp.rowids_{self._serial}"
            self.reader.execute(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY)")
            cursor = self.reader.execute(f"INSERT INTO {name} {limited}", list(params))
            size = max(0, cursor.rowcount)
            if max_rows is not None and size > max_rows:
                self.reader.execute(f"DROP TABLE {name}")
                self.reader.commit()
                self._refuse(key)
                return None
            self._sizes[name] = size
            self.reader.commit()  # never hold a read snapshot of the index open
            self._tables[key] = name
            self._pin(name)
            self._trim()
            return name

    def _too_many(self, limited: str, params: Sequence[Any], max_rows: int) -> bool:
        """Whether `limited` (capped at max_rows + 1) is over `max_rows`, asked first only
        when an index alone answers it: `kind:tweet` (40k entries at 100k) is counted
        in ~2 ms off its index, where gathering 20,001 rows to drop them cost 8-16 ms.
        A set read from the table rows is gathered at once (counting first would read
        them twice)."""
        count = f"SELECT count(*) FROM ({limited})"
        plan = self.reader.execute(f"EXPLAIN QUERY PLAN {count}", list(params)).fetchall()
        reads = [row[-1] for row in plan if _READS_ENTRIES.match(row[-1])]
        if not reads or not all("COVERING INDEX" in step for step in reads):
            return False
        found = self.reader.execute(count, list(params)).fetchone()[0]
        self.reader.commit()  # never hold a read snapshot of the index open
        return int(found) > max_rows

    def _refuse(self, key: _Key) -> None:
        """Remember that this set is too large to gather (until the index changes)."""
        if len(self._too_large) > 1000:
            self._too_large.clear()
        self._too_large.add(key)

    def kept(self, generation: int, select: str, params: Sequence[Any]) -> str | None:
        """The table `table` made for these arguments if it is still kept (pinned for
        the running search), else None: nothing is built."""
        with self.read_lock:
            name = self._tables.get((generation, select, tuple(params)))
            if name is not None:
                self._tables.move_to_end((generation, select, tuple(params)))
                self._pin(name)
            return name

    @contextlib.contextmanager
    def holding(self) -> Iterator[None]:
        """Keep every rowid table made or reused inside the block until it ends.

        One search can use more tables than are kept between searches (seven
        short words), and a search on another thread (the next keystroke, or one
        after the index changed) makes its own: neither may drop a table this
        search will still read. Nested blocks share the outermost one's hold.
        """
        if getattr(self._search_local, "held", None) is not None:
            yield
            return
        held: list[str] = []
        self._search_local.held = held
        try:
            yield
        finally:
            self._search_local.held = None
            with self.read_lock:
                for name in held:
                    self._pins[name] -= 1
                    if self._pins[name] <= 0:
                        del self._pins[name]
                # A store closed under a running search must not hide why it ended.
                with contextlib.suppress(sqlite3.Error):
                    for name in [n for n in self._orphans if self._pins[n] <= 0]:
                        self._orphans.discard(name)
                        self._sizes.pop(name, None)
                        self.reader.execute(f"DROP TABLE IF EXISTS {name}")
                    self._trim()

    def _pin(self, name: str) -> None:
        held = getattr(self._search_local, "held", None)
        if held is not None and name not in held:
            held.append(name)
            self._pins[name] += 1

    def _trim(self) -> None:
        """Drop the least recently used tables no running search holds."""
        excess = len(self._tables) - ROWID_TABLES
        for key, name in list(self._tables.items()):
            if excess <= 0:
                break
            if self._pins[name] > 0:
                continue
            del self._tables[key]
            self._pins.pop(name, None)
            self._sizes.pop(name, None)
            self.reader.execute(f"DROP TABLE IF EXISTS {name}")
            excess -= 1

    def forget(self) -> None:
        """Forget every table (after one went missing): the next use builds anew.

        A table another search still holds is only forgotten; it is dropped when
        that search ends.
        """
        with self.read_lock:
            for name in self._tables.values():
                if self._pins[name] > 0:
                    self._orphans.add(name)
                    continue
                self._sizes.pop(name, None)
                with contextlib.suppress(sqlite3.Error):
                    self.reader.execute(f"DROP TABLE IF EXISTS {name}")
            self._tables.clear()
            self._too_large.clear()

    def size(self, name: str) -> int:
        """Rows in a table made by `table` (a large number if it is gone)."""
        return self._sizes.get(name, 1 << 62)
