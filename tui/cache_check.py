"""`notesift check --dir D`: D's index cache file, its size, a read-only `quick_check`
and what indexing said of the notes (skipped files).

A lightly damaged cache (a few pages overwritten) still opens and answers most
searches, so nothing else notices it until a search reads the broken page. The
check opens the file read-only with plain sqlite3 (never the index code, which
would heal or write) so running it never changes what another process is using.
"""

from __future__ import annotations

import contextlib
import marshal
import sqlite3
from pathlib import Path
from urllib.parse import quote

from tui.core.text.sanitize import printable

__all__ = ["check_index_cache"]

_PROBLEMS_SHOWN = 3


def _size_text(path: Path) -> str:
    sizes = []
    for suffix, label in (("", ""), ("-wal", " wal")):
        with contextlib.suppress(OSError):
            size = Path(f"{path}{suffix}").stat().st_size
            if size or not suffix:
                sizes.append(f"{size / 1e6:.1f} MB{label}")
    return " + ".join(sizes)


def _quick_check(path: Path) -> list[str]:
    """`PRAGMA quick_check` rows other than 'ok' (an unreadable file is one row)."""
    uri = f"file:{quote(str(path))}?mode=ro"
    try:
        db = sqlite3.connect(uri, uri=True, timeout=5.0)
        try:
            rows = [str(row[0]) for row in db.execute("PRAGMA quick_check")]
        finally:
            db.close()
    except sqlite3.Error as exc:
        return [str(exc) or type(exc).__name__]
    return [row for row in rows if row != "ok"]


def _stored_warnings(path: Path) -> list[str]:
    """What the last indexing said of the notes (skipped files, bad front matter):
    `notesift search` says each once, so `check` is where to see them all."""
    uri = f"file:{quote(str(path))}?mode=ro"
    found: list[str] = []
    with contextlib.suppress(sqlite3.Error):
        db = sqlite3.connect(uri, uri=True, timeout=5.0)
        try:
            rows = db.execute("SELECT key, warnings FROM sources WHERE length(warnings) > 5 "
                              "ORDER BY key").fetchall()
        finally:
            db.close()
        for _key, blob in rows:
            with contextlib.suppress(ValueError, EOFError, TypeError):
                found.extend(printable(str(w)) for w in marshal.loads(blob))
    return found


def check_index_cache(cache_path: Path, folder: str) -> tuple[str, list[str]]:
    """(the `index:` row, warnings) for the cache file of one notes folder."""
    shown = printable(str(cache_path))
    if not cache_path.exists():
        return f"{shown} (not built yet: the first search or TUI start builds it)", []
    problems = _quick_check(cache_path)
    size = _size_text(cache_path)
    if not problems:
        return f"{shown} ({size}; quick_check ok)", _stored_warnings(cache_path)
    detail = "; ".join(printable(p) for p in problems[:_PROBLEMS_SHOWN])
    more = f" (+{len(problems) - _PROBLEMS_SHOWN} more)" if len(problems) > _PROBLEMS_SHOWN else ""
    warning = (
        f"{shown}: warning: index cache is damaged (quick_check: {detail}{more}); it is "
        f"rebuilt from the notes when a search reads the damage, or now with "
        f"`notesift reindex --dir {printable(folder)}`; nothing in the notes is lost"
    )
    return f"{shown} ({size}; DAMAGED)", [warning]
