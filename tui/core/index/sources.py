"""Which sources a notes tree holds and whether they changed: refs, signatures, walk state.

Apart from `NoteIndex` so the decisions a refresh rests on (what a source is,
when it counts as unchanged, when a walk can be skipped) read as plain functions
of the disk, without the index's life cycle around them.
"""

from __future__ import annotations

import marshal
import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tui.core.index.cachefile import write_transaction
from tui.core.index.store import IndexStore
from tui.core.index.store_schema import STORE_VERSION
from tui.core.ingest.walker import GIT_EXCLUDE_FILE, IGNORE_FILE, IGNORE_FILES, WalkResult

# The last full walk's folders and their mtimes, beside the index (see `quick_refresh`).
_WALK_STATE = "CREATE TABLE IF NOT EXISTS walk_state (key TEXT PRIMARY KEY, value BLOB)"


@dataclass(slots=True)
class SourceRef:
    """A note file or an X archive directory, and its current signature."""

    key: str
    path: Path
    is_archive: bool
    signature: str = ""


def signature_of(paths: Sequence[Path]) -> str | None:
    """The files' (mtime_ns, size) pairs; None when one cannot be read."""
    parts = []
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            return None
        parts.append(f"{st.st_mtime_ns}:{st.st_size}")
    return "|".join(parts)


def size_of(signature: str) -> int:
    """The files' bytes in a signature (what parsing a source will hold, roughly)."""
    total = 0
    for part in signature.split("|"):
        try:
            total += int(part.rsplit(":", 1)[1])
        except (IndexError, ValueError):
            continue
    return total


def mtime_of(signature: str) -> int:
    """The first file's mtime in a signature (newest sources are parsed first)."""
    try:
        return int(signature.split(":", 1)[0])
    except ValueError:
        return 0


def sign(ref: SourceRef) -> bool:
    """Fill in `ref.signature` from the disk; False when the source cannot be read."""
    if ref.is_archive:
        from tui.core.ingest.x_archive import x_archive_sources  # its parser: archives only

        paths = x_archive_sources(ref.path)
    else:
        paths = [ref.path]
    signature = signature_of(paths)
    if signature is None:
        return False
    ref.signature = signature
    return True


def refs_from_walk(root: Path, walk: WalkResult) -> dict[str, SourceRef]:
    """The walk's note files and archives by key (their path below `root`)."""
    refs: dict[str, SourceRef] = {}
    for path in walk.files:
        key = path.relative_to(root).as_posix()
        refs[key] = SourceRef(key, path, False)
    for directory in walk.archives:
        key = directory.relative_to(root).as_posix()
        refs[key] = SourceRef(key, directory, True)
    return refs


def source_key(root: Path, refs: dict[str, SourceRef], path: Path | str) -> str | None:
    """The source key (relative path, or archive dir) a filesystem path belongs to."""
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = root / candidate
    try:
        rel = candidate.resolve(strict=False).relative_to(root)
    except ValueError:
        try:
            rel = candidate.relative_to(root)
        except ValueError:
            return None
    rel_posix = rel.as_posix()
    for key, ref in refs.items():
        if ref.is_archive and (rel_posix == key or rel_posix.startswith(key + "/")):
            return key
    return rel_posix


def hard_link_names(root: Path, key: str, refs: dict[str, SourceRef]) -> Iterable[str]:
    """The other indexed names of note `key` when it is a hard-linked file.

    A watcher reports only the name that was written, yet every link shows the
    new content. Rare, so statting each indexed file is fine; it stops once all
    `st_nlink` names are accounted for.
    """
    try:
        st = os.stat(root / key)
    except OSError:
        return
    if st.st_nlink < 2:
        return
    inode = (st.st_dev, st.st_ino)
    others = st.st_nlink - 1
    for other, ref in list(refs.items()):
        if others <= 0:
            break
        if other == key or ref.is_archive:
            continue
        try:
            other_st = os.stat(ref.path)
        except OSError:
            continue
        if (other_st.st_dev, other_st.st_ino) == inode:
            others -= 1
            yield other


# -- the walk state (the quick check of one-shot commands) ------------------------------


@dataclass(frozen=True, slots=True)
class WalkRules:
    """What decides which files a walk of `root` lists."""

    root: Path
    ignore_globs: tuple[str, ...]
    respect_gitignore: bool

    def ignore_signature(self, files: dict[str, str]) -> str:
        """The rules a walk used: settings plus each ignore file's (mtime, size) as read."""
        globs = "\x00".join(self.ignore_globs)
        read = "\x00".join(f"{rel}={sig}" for rel, sig in sorted(files.items()))
        return f"{STORE_VERSION}|{self.respect_gitignore}|{globs}|{read}"

    def ignore_files_now(self, dirs: Iterable[str]) -> dict[str, str]:
        """Each walked folder's ignore files as they are now (a new one also changes the
        folder's mtime; an edit in place only shows here)."""
        names = IGNORE_FILES if self.respect_gitignore else (IGNORE_FILE,)
        found = {}
        for rel_dir in dirs:
            extra = (GIT_EXCLUDE_FILE,) if self.respect_gitignore and not rel_dir else ()
            for name in (*extra, *names):
                rel = f"{rel_dir}/{name}" if rel_dir else name
                signature = signature_of([self.root / rel])
                if signature is not None:
                    found[rel] = signature
        return found

    def folders_unchanged(self, dirs: dict[str, int]) -> bool:
        """Whether every folder of the last walk still has the mtime it had."""
        root = str(self.root)
        for rel, mtime in dirs.items():
            try:
                if os.stat(f"{root}/{rel}" if rel else root).st_mtime_ns != mtime:
                    return False
            except OSError:
                return False
        return True


def save_walk_state(store: IndexStore, walk: WalkResult, refs: dict[str, SourceRef],
                    ignore_signature: str) -> None:
    """Keep the walk's folders (with mtimes) and archives beside the index."""
    archives = sorted(k for k, r in refs.items() if r.is_archive)
    blob = marshal.dumps((ignore_signature, walk.dirs, archives))
    if store.path is None:
        return
    with store.lock, write_transaction(store.db) as db:
        db.execute(_WALK_STATE)
        db.execute("INSERT OR REPLACE INTO walk_state VALUES ('walk', ?)", (blob,))


def load_walk_state(store: IndexStore,
                    rules: WalkRules) -> tuple[dict[str, int], list[str]] | None:
    """The last walk's folders and archives, if it used the rules in force now."""
    if store.path is None:
        return None
    try:
        with store.read_lock:
            row = store.reader.execute(
                "SELECT value FROM walk_state WHERE key='walk'").fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise
    if row is None:
        return None
    try:
        ignore_signature, dirs, archives = marshal.loads(row[0])
    except (ValueError, EOFError, TypeError):
        return None
    if ignore_signature != rules.ignore_signature(rules.ignore_files_now(dirs)):
        return None
    return dirs, archives
