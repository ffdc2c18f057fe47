"""The index cache file's life: shared by many processes, written by one at a time, healed.

Any number of notesift processes (TUIs, one-shot commands) may open the same
cache. SQLite's WAL lets them read while one writes; `write_transaction` takes
the write lock *before* reading anything a write depends on (BEGIN IMMEDIATE),
which is what keeps two processes from both inserting the same new file. A
whole-tree refresh also holds `BuildLock`, an advisory lock on a file beside
the cache, so a second process waits for the first build instead of parsing
the same tree again. A cache that turns out damaged is moved aside (one copy
kept, for a bug report) and rebuilt: it only ever holds what the notes hold.

A rebuild from scratch writes a sibling file and renames it over the cache
when it is complete (`swap_in`), so other processes answer from the old file
until then and follow the new one after (they poll `file_identity`). SQLite
names the WAL and shared-memory files after the database's path, so the old
file's are unlinked in the same step and processes open the cache only under
a shared `OpenLock`: no process can bind the new file to the old file's WAL.
An old connection closed later leaves the new WAL alone (SQLite does not
checkpoint or delete on close once its file has been renamed over).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

try:  # POSIX; elsewhere two builds may overlap, which costs time, never correctness
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

BUSY_TIMEOUT_S = 30.0
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
WAIT_NOTICE_S = 1.0  # a build lock held longer than this is worth a word
REBUILD_INFIX = ".rebuild-"  # index-….sqlite.rebuild-<pid>: a rebuild in progress
WAL_KEEP_BYTES = 4 << 20
_NOT_DAMAGE = ("locked", "busy", "interrupt", "unable to open")


def is_damage(exc: BaseException) -> bool:
    """True for errors that mean the cache file itself is bad (not merely busy).

    Malformed pages, "file is not a database", a missing table or column (a
    schema some other program left), a disk I/O error: all of these are cured
    by rebuilding. A lock timeout or an interrupt is not damage.
    """
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        if any(word in text for word in _NOT_DAMAGE):
            return False
    return not isinstance(exc, (sqlite3.ProgrammingError, sqlite3.InterfaceError))


def connect(path: Path | str, *, timeout: float = BUSY_TIMEOUT_S) -> sqlite3.Connection:
    """A connection that waits (not fails) while another process writes."""
    db = sqlite3.connect(str(path), timeout=timeout, check_same_thread=False)
    # A build grows the WAL by hundreds of MB; once checkpointed it shrinks back to this.
    db.execute(f"PRAGMA journal_size_limit={WAL_KEEP_BYTES}")
    return db


def fold_wal_in(db: sqlite3.Connection, *, wait_s: float = 0.25) -> bool:
    """Copy the WAL into the file and cut it to nothing; whether it was done.

    A build leaves its whole index in the WAL while a reader is open (a TUI
    reads between every batch, so no automatic checkpoint gets past it), and
    every later read looks its pages up there. Readers are waited for at most
    `wait_s`: if one is still busy, the next write or the last close does it.
    """
    with contextlib.suppress(sqlite3.Error):
        db.execute(f"PRAGMA busy_timeout={int(wait_s * 1000)}")
        try:
            busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            return busy == 0
        finally:
            db.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    return False


@contextlib.contextmanager
def write_transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT: the write lock is held before the first read.

    A deferred transaction reads first and takes the lock at its first write;
    meanwhile another process may commit the very rows it read as missing.
    """
    if db.in_transaction:  # a caller's transaction is already open: join it
        yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            db.rollback()
        raise
    db.commit()


def data_version(db: sqlite3.Connection) -> int:
    """Changes when any other connection (this process's or another's) commits."""
    return int(db.execute("PRAGMA data_version").fetchone()[0])


def file_identity(path: Path | str) -> tuple[int, int] | None:
    """(device, inode) of the cache file, to tell "the file I opened" from a newer one."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def aside_path(path: Path | str) -> Path:
    return Path(f"{path}.broken")


def move_aside(path: Path | str, opened: tuple[int, int] | None = None) -> Path | None:
    """Move a damaged cache (and its WAL files) aside; returns where it went.

    When `opened` is given and the file at `path` is no longer that file,
    another process has already healed it: nothing is moved (None).
    """
    if opened is not None and file_identity(path) != opened:
        return None
    target = aside_path(path)
    moved: Path | None = None
    with contextlib.suppress(OSError):
        os.replace(path, target)
        moved = target
    for suffix in SQLITE_SIDE_FILES:
        with contextlib.suppress(OSError):
            os.unlink(f"{path}{suffix}")
    return moved


def rebuild_path(path: Path) -> Path:
    """Where this process builds a replacement for the cache at `path`."""
    return path.with_name(f"{path.name}{REBUILD_INFIX}{os.getpid()}")


def rebuilds_left(path: Path) -> list[Path]:
    """Files of rebuilds beside `path` (a killed one's stay until someone holding the
    `BuildLock` removes them: no rebuild runs without it)."""
    try:
        names = os.listdir(path.parent)
    except OSError:
        return []
    prefix = f"{path.name}{REBUILD_INFIX}"
    return [path.parent / name for name in names if name.startswith(prefix)]


def sweep_rebuilds(path: Path | None, lock: BuildLock) -> None:
    """Remove the files of rebuilds that were killed midway.

    Only with `lock` held (taken here if free): no rebuild runs without it, so
    whatever is there then is a dead process's. If another process holds it,
    its rebuild may be running: a later start removes what is left.
    """
    if path is None or not rebuilds_left(path):
        return
    took = not lock.held and lock.try_acquire()
    try:
        if lock.held:
            for left in rebuilds_left(path):
                with contextlib.suppress(OSError):
                    left.unlink()
    finally:
        if took:
            lock.release()


def remove_database(path: Path) -> None:
    """A database file and its WAL, shared-memory, journal and lock files, if there."""
    for suffix in ("", *SQLITE_SIDE_FILES, ".open-lock", ".lock"):
        with contextlib.suppress(OSError):
            os.unlink(f"{path}{suffix}")


def swap_in(built: Path, path: Path) -> None:
    """Rename the closed database `built` over `path`, in one step for every opener.

    The old file's WAL and shared memory go first (their names would otherwise
    be the new file's): connections still on the old file keep them open and
    read on until they follow the new one. Call it with no connection of its
    own open on `built` (closing checkpoints it: the file stands alone).
    """
    with OpenLock(path, exclusive=True):
        for suffix in SQLITE_SIDE_FILES:
            with contextlib.suppress(OSError):
                os.unlink(f"{path}{suffix}")
        os.replace(built, path)


class OpenLock:
    """Held (shared) while a process opens the cache; `swap_in` takes it exclusively.

    Opening binds the database file to the WAL and shared memory named after
    it; a rename between the two would pair the new file with the old WAL.
    Held for milliseconds, so a waiting swap is never noticed.
    """

    def __init__(self, path: Path | None, *, exclusive: bool = False) -> None:
        self.path = Path(f"{path}.open-lock") if path is not None else None
        self.mode = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) if fcntl else 0
        self._fd: int | None = None

    def __enter__(self) -> OpenLock:
        if self.path is None or fcntl is None:
            return self
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._fd, self.mode)
        except OSError:
            pass  # an unwritable cache dir or no locks: the store falls back anyway
        return self

    def __exit__(self, *exc: object) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing releases the lock


class BuildLock:
    """An advisory lock beside the cache: one whole-tree refresh at a time.

    Held only while a refresh walks and writes, so a second process waits for
    the first build (and then finds almost nothing left to do) instead of
    parsing the whole tree a second time. Released by the OS if a process dies.
    """

    def __init__(self, cache_path: Path | None) -> None:
        self.path = Path(f"{cache_path}.lock") if cache_path is not None else None
        self._fd: int | None = None
        self.held = False  # really locked (not merely proceeding on a lockless filesystem)

    def acquire(self, on_wait: Callable[[], None] | None = None, poll: float = 0.1, *,
                clock: Callable[[], float] = time.monotonic,
                sleep: Callable[[float], None] = time.sleep) -> None:
        """Wait for the lock; `on_wait()` runs once if another process held it for
        WAIT_NOTICE_S (twelve `notesift tag` at once each waited a moment, and each
        said so)."""
        if self.path is None or fcntl is None or self._fd is not None:
            return
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return  # an unwritable cache dir: the store falls back to memory anyway
        told = False
        started = clock()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self.held = True
                break
            except BlockingIOError:
                if on_wait is not None and not told and clock() - started >= WAIT_NOTICE_S:
                    on_wait()
                    told = True
                sleep(poll)
            except OSError:
                break  # a filesystem without locks: proceed unlocked
        self._fd = fd

    def try_acquire(self) -> bool:
        """Take the lock if no other process holds it; True when held now."""
        if self.path is None or fcntl is None or self._fd is not None:
            return False
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd, self.held = fd, True
        return True

    def held_elsewhere(self) -> bool:
        """Whether another process holds the lock now: a build of this cache is running
        there (this process's own hold, or no way to tell, counts as not)."""
        if self.path is None or fcntl is None or self._fd is not None:
            return False
        try:
            fd = os.open(self.path, os.O_RDWR)  # no lock file yet: nobody ever built here
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(fd, fcntl.LOCK_UN)
            return False
        except BlockingIOError:
            return True
        except OSError:
            return False
        finally:
            os.close(fd)

    def release(self) -> None:
        fd, self._fd, self.held = self._fd, None, False
        if fd is not None:
            with contextlib.suppress(OSError):
                if fcntl is not None:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)

    def __enter__(self) -> BuildLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
