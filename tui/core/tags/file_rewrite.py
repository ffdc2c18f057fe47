"""Rewriting one file under a notes root so that no save is ever lost.

The write happens under the root's writer lock (shared by every notesift
process), re-reads the file inside it, applies the edit to what is there and
swaps the result in atomically (temp file in `.notesift/`, fsync, exchange or
rename; a symlink's target is replaced so the link stays a link, and only when it
lies inside the root). It keeps the file mode, and an editor save that lands
meanwhile is kept and the edit re-applied to it (see `safe_write`). The tag
store builds its edits and its undo on top of this.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tui.core.safe_write import (
    WriteRefused,
    checked_target,
    exchange,
    fsync_dir,
    rel_name,
    root_lock,
    state_dir,
    write_temp,
)

MAX_ATTEMPTS = 20  # re-reads when the file changed before we could write (an editor saving)

# An edit: the file's bytes (None: no such file) → the new bytes (None: delete it).
Transform = Callable[[bytes | None], bytes | None]


class Refused(Exception):
    """A write that must not happen; the message is for the user."""


@dataclass(slots=True)
class _Snapshot:
    data: bytes | None
    mtime_ns: int = 0
    size: int = 0
    digest: str = ""
    mode: int = 0o644

    def same_as(self, other: _Snapshot) -> bool:
        return (self.data is None) == (other.data is None) and (
            self.mtime_ns,
            self.size,
            self.digest,
        ) == (other.mtime_ns, other.size, other.digest)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _snapshot(path: Path) -> _Snapshot:
    try:
        with path.open("rb") as handle:
            st = os.fstat(handle.fileno())
            data = handle.read()
    except FileNotFoundError:
        return _Snapshot(None)
    if not stat.S_ISREG(st.st_mode):
        raise Refused(f"{path.name}: not a regular file")
    return _Snapshot(data, st.st_mtime_ns, st.st_size, digest(data), stat.S_IMODE(st.st_mode))


def _refuse_read_only(root: Path, real: Path, snap: _Snapshot) -> None:
    """A note nobody may write (no write bit: `chmod 444`) is left alone.

    The swap renames over it, which only needs the folder to be writable, and
    root passes every access() check: the mode bits are what the user set.
    """
    if not snap.mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or (
        os.geteuid() != 0 and not os.access(real, os.W_OK)
    ):
        raise Refused(f"{rel_name(root, real)}: read-only; tag not written")


def rewrite_file(
    root: Path,
    path: Path,
    transform: Transform,
    *,
    after_read: Callable[[Path], None] | None = None,
) -> tuple[Path, bytes | None, bytes | None] | None:
    """Read, transform and atomically write `path` under the root's lock.

    (real path, content the edit was built on, content written), or None when
    nothing needed writing. `after_read(path)` is a test hook, called between
    reading and writing, to simulate an editor saving at the worst moment.
    Refused (naming the file) when `path` or `.notesift` leads out of the root,
    when the lock cannot be had, or the file cannot be written.
    """
    writer = _Writer(root, after_read)
    try:
        real = checked_target(root, path)
        with root_lock(root):
            written = writer.write_locked(path, real, transform)
    except WriteRefused as exc:
        raise Refused(str(exc)) from None
    except OSError as exc:
        raise Refused(f"{rel_name(root, path)}: cannot write ({exc.strerror or exc})") from None
    return None if written is None else (real, *written)


class _Writer:
    """One guarded rewrite: read, check, swap, and give back a save that raced us."""

    def __init__(self, root: Path, after_read: Callable[[Path], None] | None) -> None:
        self.root = root
        self.after_read = after_read

    def write_locked(
        self, path: Path, real: Path, transform: Transform
    ) -> tuple[bytes | None, bytes | None] | None:
        """(content we built on, content written), or None when nothing needed writing.

        Only notesift writers are kept out by the lock; an editor saving between
        our read and our write is caught (see `safe_write`) and its save kept.
        """
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                time.sleep(0.002 * attempt)  # let a burst of saves settle
            try:
                snap = _snapshot(real)
            except OSError as exc:
                reason = exc.strerror or exc
                raise Refused(f"{rel_name(self.root, path)}: cannot read ({reason})") from None
            if self.after_read is not None:
                self.after_read(real)
            new = transform(snap.data)
            if new == snap.data:
                return None
            written = self._put(real, snap, new)
            if written is not None:
                return written
        raise Refused(f"{rel_name(self.root, path)} keeps changing on disk; tag not written")

    def _put(
        self, real: Path, snap: _Snapshot, new: bytes | None
    ) -> tuple[bytes | None, bytes | None] | None:
        """Write `new` over `real` if it still holds `snap`; None to re-read and retry."""
        if new is None:
            if not _snapshot(real).same_as(snap):
                return None
            real.unlink()
            fsync_dir(real.parent)
            return snap.data, None
        if snap.data is not None:
            _refuse_read_only(self.root, real, snap)
        directory = state_dir(self.root)
        try:
            if snap.data is None:
                return self._create(real, directory, snap, new)
            return self._swap(real, directory, snap, new)
        except OSError as exc:
            if exc.errno != errno.EXDEV or directory == real.parent:
                raise
        # `.notesift/` is on another file system than this note: work beside it.
        if snap.data is None:
            return self._create(real, real.parent, snap, new)
        return self._swap(real, real.parent, snap, new)

    def _create(
        self, real: Path, directory: Path, snap: _Snapshot, new: bytes
    ) -> tuple[bytes | None, bytes | None] | None:
        """Put a new file at `real`, unless one appeared meanwhile (then None)."""
        tmp = write_temp(directory, real.name, new, snap.mode)
        try:
            try:
                os.link(tmp, real)  # fails if someone created it meanwhile
            except FileExistsError:
                return None
            except OSError as exc:
                if exc.errno == errno.EXDEV:
                    raise
                if os.path.lexists(real):  # no hard links here: check, then rename
                    return None
                os.replace(tmp, real)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        fsync_dir(real.parent)
        return None, new

    def _swap(
        self, real: Path, directory: Path, snap: _Snapshot, new: bytes
    ) -> tuple[bytes | None, bytes | None] | None:
        """Exchange `new` in if `real` still holds what we read; None to re-read and retry.

        An editor that saved between our check and our exchange gets its save
        put straight back (one more exchange, microseconds later), then we retry.
        """
        tmp = write_temp(directory, real.name, new, snap.mode)
        try:
            if not _snapshot(real).same_as(snap):
                return None
            if not exchange(tmp, real):
                os.replace(tmp, real)  # no exchange here: the check above is all we have
                fsync_dir(real.parent)
                return snap.data, new
            fsync_dir(real.parent)
            if tmp.read_bytes() == snap.data:
                return snap.data, new
            self._give_back(real, tmp, directory, new)
            return None
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)

    def _give_back(self, real: Path, tmp: Path, directory: Path, ours: bytes) -> None:
        """Put the save our exchange displaced (now at `tmp`) back in place."""
        exchange(tmp, real)
        fsync_dir(real.parent)
        if tmp.read_bytes() != ours:
            # Yet another save landed within microseconds: keep it, never drop it.
            kept = directory / f"{real.name}.{time.time_ns()}.notesift-conflict"
            os.replace(tmp, kept)
            raise Refused(
                f"{rel_name(self.root, real)} was saved twice while the tag was written; tag not "
                f"written, the other save is kept as {rel_name(self.root, kept)}"
            )
