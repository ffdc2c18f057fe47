"""Derived lookup tables kept on disk between processes (marshal, in the cache dir).

Folding and pinyin need tables built from installed data files (OpenCC's
characters, pypinyin's readings) and from Python's Unicode database; building
them costs 0.2-0.4 s, which every one-shot `notesift search` and every launch
used to pay again. Each table is stored under a key naming everything it was
built from (the files' identity, Python's and the Unicode data's versions), so a
changed package or interpreter builds afresh; any problem reading or writing
the file just means building in memory, as before.
"""

from __future__ import annotations

import contextlib
import functools
import marshal
import os
import sys
import time
import unicodedata
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

__all__ = ["cached_table", "store_table", "tables_dir"]

T = TypeVar("T")
FORMAT = 2  # bump when a table's shape changes (2: a CRC-32 first)
STALE_TEMP_S = 60.0


def tables_dir() -> Path | None:
    """`$XDG_CACHE_HOME/notesift/tables` (or ~/.cache/…); None when it is switched off,
    or when it is not the user's own: the tables hold code and compiled patterns that
    a launch runs, so a folder someone else may write to is never read (`_private`)."""
    if os.environ.get("NOTESIFT_NO_TABLE_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "notesift" / "tables"
    return folder if _private(str(folder)) else None


@functools.lru_cache(maxsize=8)
def _private(folder: str) -> bool:
    """The folder and the one above it (when they exist) are the user's and no one
    else may write to them."""
    for path in (folder, os.path.dirname(folder)):
        try:
            info = os.stat(path)
        except OSError:
            continue  # made by this process when it first stores a table
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            return False
        if info.st_mode & 0o022:
            return False
    return True


def _key(name: str, sources: Sequence[Path | None]) -> str:
    try:  # the builtin module: hashlib's import loads OpenSSL (~10 ms a process)
        from _sha1 import sha1
    except ImportError:
        from hashlib import sha1
    parts = [name, str(FORMAT), sys.version, unicodedata.unidata_version]
    for source in sources:
        try:
            st = os.stat(source) if source is not None else None
        except OSError:
            st = None
        parts.append(f"{source}:{st.st_mtime_ns}:{st.st_size}" if st else f"{source}:-")
    return sha1("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def cached_table(name: str, sources: Sequence[Path | None], build: Callable[[], T],
                 *, keep: Callable[[T], bool] = lambda _: True, folder: Path | None = None,
                 stamp: str = "") -> T:
    """`build()`'s result, read from disk when it was stored for the same `sources`
    (and `stamp`, anything else it depends on), in `folder` (default `tables_dir()`).

    `build` must return marshal-able data. `keep(result)` False (e.g. a data file
    was missing) leaves it unstored, so the next process tries again.
    """
    folder = folder if folder is not None and tables_dir() is not None else tables_dir()
    if folder is None:
        return build()
    path = folder / f"{name}-{_key(name + stamp, sources)}.marshal"
    try:
        return marshal.loads(_checked(path.read_bytes()))  # type: ignore[no-any-return]
    except (OSError, ValueError, EOFError, TypeError):
        pass
    table = build()
    if keep(table):
        _store(path, table)
    return table


def store_table(name: str, sources: Sequence[Path | None], table: object, *,
                stamp: str = "") -> None:
    """Store `table` where `cached_table(name, sources, …, stamp=stamp)` reads it: for
    a table that grows while a process runs (tui.code_cache)."""
    folder = tables_dir()
    if folder is not None:
        _store(folder / f"{name}-{_key(name + stamp, sources)}.marshal", table)


def _checked(data: bytes) -> bytes:
    """The table's bytes after their CRC-32: a damaged file that still loads (one
    number off in a cached pattern) would change behaviour without a word."""
    if len(data) < 4 or zlib.crc32(data[4:]) != int.from_bytes(data[:4], "big"):
        raise ValueError("table damaged")
    return data[4:]


def _store(path: Path, table: object) -> None:
    """Write atomically (another process may read it at any instant); drop stale keys."""
    import tempfile  # with shutil, bz2, lzma: only a process that writes a table pays it

    try:
        data = marshal.dumps(table)
        data = zlib.crc32(data).to_bytes(4, "big") + data
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except (OSError, ValueError):
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        return
    stem = path.name.rsplit("-", 1)[0]
    for old in path.parent.glob(f"{stem}-*.marshal"):
        if old != path:
            with contextlib.suppress(OSError):
                old.unlink()
    for temp_left in path.parent.glob(f".{stem}-*"):  # a process killed while writing
        with contextlib.suppress(OSError):
            if time.time() - temp_left.stat().st_mtime > STALE_TEMP_S:
                temp_left.unlink()
