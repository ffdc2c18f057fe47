"""The persistent per-source cache of parsed entries, in SQLite.

A second run on an unchanged tree must parse nothing, so every source (a note
file or an X archive) is stored with the signature it had when parsed: its
(mtime_ns, size). SQLite gives us atomic writes and safe concurrent readers for
free; payloads are `marshal`ed tuples, the fastest stdlib format to load.
A cache that cannot be opened or read is simply not used: it is an optimisation,
never a source of truth.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.core.entry import Entry

# Bump when parsers change what they produce, so old caches are re-parsed.
CACHE_VERSION = "1"


@dataclass(slots=True)
class CachedSource:
    """One source's parse result as stored: entries, their folded texts, warnings."""

    signature: str
    entries: list[Entry]
    hays: list[str]
    titles: list[str]
    warnings: list[str]


def default_cache_dir() -> Path:
    """`$XDG_CACHE_HOME/notesift`, else `~/.cache/notesift`."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "notesift"


def cache_path_for(root: Path, cache_dir: Path | None = None) -> Path:
    """One database per notes root, named by a hash of its absolute path."""
    digest = hashlib.sha1(str(root).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return (cache_dir or default_cache_dir()) / f"index-{digest}.sqlite"


def _plain(value: Any) -> Any:
    """Meta values as marshal-safe plain data (dates become ISO strings)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _pack(source: CachedSource) -> bytes:
    rows = [
        (e.id, e.kind, e.title, e.path, e.line, e.end_line, e.text, tuple(e.tags),
         e.breadcrumb, _plain(e.meta))
        for e in source.entries
    ]
    return marshal.dumps((rows, source.hays, source.titles, source.warnings))


def _unpack(signature: str, payload: bytes) -> CachedSource:
    rows, hays, titles, warnings = marshal.loads(payload)
    entries = [
        Entry(id=r[0], kind=r[1], title=r[2], path=r[3], line=r[4], end_line=r[5], text=r[6],
              tags=tuple(r[7]), breadcrumb=r[8], meta=r[9])
        for r in rows
    ]
    return CachedSource(signature, entries, list(hays), list(titles), list(warnings))


class SourceCache:
    """Read and write cached sources for one notes root."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problem: str | None = None
        self._db: sqlite3.Connection | None = None
        try:
            self._open()
        except sqlite3.DatabaseError:
            # A damaged cache file: it holds nothing we cannot rebuild, so start afresh.
            self._discard()
            try:
                self._open()
            except (sqlite3.Error, OSError) as exc:
                self._unusable(exc)
        except (sqlite3.Error, OSError) as exc:
            self._unusable(exc)

    def _unusable(self, exc: Exception) -> None:
        self.problem = f"{self.path}: index cache unusable ({exc}); indexing without it"
        self._db = None

    def _discard(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(f"{self.path}{suffix}").unlink()

    def _open(self) -> None:
        path = self.path
        path.parent.mkdir(parents=True, exist_ok=True)
        # The index is refreshed from worker threads; callers serialise access.
        self._db = sqlite3.connect(path, timeout=5, check_same_thread=False)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS sources "
            "(key TEXT PRIMARY KEY, signature TEXT NOT NULL, payload BLOB NOT NULL)"
        )
        self._db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        row = self._db.execute("SELECT value FROM meta WHERE key='version'").fetchone()
        if row is None or row[0] != CACHE_VERSION:
            with self._db:
                self._db.execute("DELETE FROM sources")
                self._db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('version', ?)", (CACHE_VERSION,)
                )

    def load_all(self) -> dict[str, tuple[str, bytes]]:
        """Every stored source as key → (signature, payload); unpacked lazily by `unpack`."""
        if self._db is None:
            return {}
        try:
            rows = self._db.execute("SELECT key, signature, payload FROM sources").fetchall()
        except sqlite3.Error as exc:
            self.problem = f"{self.path}: index cache unreadable ({exc})"
            return {}
        return {key: (sig, payload) for key, sig, payload in rows}

    @staticmethod
    def unpack(signature: str, payload: bytes) -> CachedSource | None:
        """A stored payload back as a `CachedSource`; None if it is damaged."""
        try:
            return _unpack(signature, payload)
        except (ValueError, EOFError, TypeError, IndexError):
            return None

    def store(self, changed: dict[str, CachedSource], removed: Iterable[str]) -> None:
        """Write changed sources and drop removed ones in one transaction."""
        if self._db is None:
            return
        try:
            packed = []
            for key, source in changed.items():
                try:
                    packed.append((key, source.signature, _pack(source)))
                except ValueError:
                    continue
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO sources VALUES (?, ?, ?)", packed)
                self._db.executemany("DELETE FROM sources WHERE key=?", [(k,) for k in removed])
        except sqlite3.Error as exc:
            self.problem = f"{self.path}: could not update index cache ({exc})"

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
