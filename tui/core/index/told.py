"""Warnings a one-shot command printed, kept in the cache: said once per change.

`notesift search` in vim's `:grep` or a script repeated the same skipped-file
lines on every call (rg says nothing of binary files at all). The cache keeps
which warnings were printed; one that went away and came back is said again.
`search --verbose` and `check --dir` list them all.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3

from tui.core.index.cachefile import write_transaction
from tui.core.index.store import IndexStore

_KEY = "told_warnings"


def untold(store: IndexStore, warnings: list[str]) -> list[str]:
    """The `warnings` not printed last time; from now on these count as printed."""
    if store.path is None:
        return list(warnings)  # an index in memory remembers nothing
    told: set[str] = set()
    with contextlib.suppress(sqlite3.Error, ValueError, TypeError):
        row = store.query("SELECT value FROM meta WHERE key=?", (_KEY,))
        told = set(json.loads(row[0][0])) if row else set()
    now = set(warnings)
    if now != told:
        with contextlib.suppress(sqlite3.Error), store.lock, write_transaction(store.db):
            store.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                             (_KEY, json.dumps(sorted(now), ensure_ascii=False)))
    return [w for w in warnings if w not in told]
