"""Writing inside a notes root: one lock per root, swaps that lose nobody's save, no debris.

Every notesift process (the CLI and every TUI) writes a root's files only while
holding `flock` on `.notesift/lock`, and only around read-check-write, so two
taggers queue instead of overwriting each other. Editors do not take our lock,
so inside it the file is re-read, the edit applied to what is there, written to
a temp file (fsynced), checked unchanged once more and swapped in with an
atomic *exchange* (`renameat2(RENAME_EXCHANGE)`): whatever was in place comes
out under the temp name. If that is not what we read, an editor saved in the
microseconds between check and swap; its save is swapped straight back and the
edit retried on it. Where the kernel or file system cannot exchange, the check
is followed by a plain rename.

Temp files are `.NAME.RANDOM.notesift-tmp` in `.notesift/` (beside the target
when that is another file system); a crash can leave one, and `sweep_stale_temps`
removes ours once they are a minute old. Nothing is ever written through a
symlink that resolves outside the root.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import os
import re
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

STATE_DIR = ".notesift"
LOCK_NAME = "lock"
TEMP_SUFFIX = ".notesift-tmp"
STALE_SECONDS = 60.0
LOCK_WAIT_SECONDS = 15.0
_GITIGNORE = (
    "# notesift's own files: the writers' lock and temp files of an interrupted write\n"
    "lock\n.*.notesift-tmp\n"
)
# tempfile.mkstemp names of notesift before 0.2: `.NAME.XXXXXXXX.tmp`.
_NOTE_SUFFIXES = frozenset({".md", ".markdown", ".txt"})  # as walker's
_LEGACY_TEMP = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp$")


class WriteRefused(Exception):
    """A write that must not or cannot happen; the message (one line) names the file."""


# -- staying inside the root ------------------------------------------------------


def inside(root: Path, path: Path) -> bool:
    """Whether `path`, every symlink resolved, is `root` or below it."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def rel_name(root: Path, path: Path) -> str:
    """`path` relative to `root` for messages (absolute when outside)."""
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return str(path)


def checked_target(root: Path, path: Path) -> Path:
    """The real path to write for `path`, refused when a symlink leads outside `root`."""
    if not inside(root, path):
        raise WriteRefused(
            f"{rel_name(root, path)} resolves to {os.path.realpath(path)}, outside the notes "
            "root; not written"
        )
    return Path(os.path.realpath(path))


def _refuse_read_only_folder(root: Path) -> None:
    """A notes folder nobody may write (`chmod a-w`) gets no `.notesift/` either.

    Root passes every access() check and mkdir succeeds: the mode bits are what
    the user set, as for a read-only note.
    """
    try:
        mode = root.stat().st_mode
    except OSError:
        return  # mkdir says what is wrong
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise WriteRefused(f"the notes folder {root} is read-only; nothing written")


def state_dir(root: Path, create: bool = True) -> Path:
    """`ROOT/.notesift`, created on demand; refused when it is a link out of the root."""
    directory = Path(root) / STATE_DIR
    if not inside(root, directory):
        raise WriteRefused(
            f"{STATE_DIR} resolves to {os.path.realpath(directory)}, outside the notes root; "
            "nothing written"
        )
    if create and not directory.is_dir():
        _refuse_read_only_folder(Path(root))
        try:
            directory.mkdir()
        except FileExistsError:
            if not directory.is_dir():
                raise WriteRefused(f"{STATE_DIR} is not a directory; nothing written") from None
        except OSError as exc:
            raise WriteRefused(f"{STATE_DIR}: cannot create ({exc.strerror or exc})") from None
        else:
            with contextlib.suppress(OSError):
                (directory / ".gitignore").write_text(_GITIGNORE, encoding="utf-8")
    return directory


# -- the per-root lock ------------------------------------------------------------


@contextlib.contextmanager
def root_lock(
    root: Path,
    *,
    wait: float = LOCK_WAIT_SECONDS,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[None]:
    """Hold the root's writer lock; refused after `wait` seconds of queueing.

    The lock file stays (unlinking a flock file races with the next locker), but
    it is only a name: the kernel drops the lock when its holder dies.
    """
    path = state_dir(root) / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise WriteRefused(
            f"{STATE_DIR}/{LOCK_NAME}: cannot open the writers' lock ({exc.strerror or exc})"
        ) from None
    try:
        deadline = clock() + wait
        delay = 0.002
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if clock() >= deadline:
                    raise WriteRefused(
                        f"{STATE_DIR}/{LOCK_NAME}: another notesift kept the notes locked for "
                        f"{wait:g} s; not written"
                    ) from None
                sleep(delay)
                delay = min(delay * 2, 0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# -- temp files -------------------------------------------------------------------


def temp_path(directory: Path, target_name: str) -> Path:
    import secrets  # with hmac, hashlib, random: only a process that writes pays it

    return directory / f".{target_name}.{secrets.token_hex(4)}{TEMP_SUFFIX}"


def is_our_temp(name: str) -> bool:
    return name.startswith(".") and name.endswith(TEMP_SUFFIX) and len(name) > len(TEMP_SUFFIX) + 1


def write_temp(directory: Path, target_name: str, data: bytes, mode: int) -> Path:
    """A new, fsynced temp file holding `data` with `mode`; never follows a link."""
    path = temp_path(directory, target_name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fchmod(fd, mode)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise
    os.close(fd)
    return path


def _legacy_temp(directory: Path, name: str) -> bool:
    """An old-style `.NAME.XXXXXXXX.tmp` of a note or the sidecar sitting beside it."""
    match = _LEGACY_TEMP.match(name)
    if match is None:
        return False
    target = match.group("name")
    is_ours = target == "tags.json" or Path(target).suffix.lower() in _NOTE_SUFFIXES
    return is_ours and (directory / target).exists()


def sweep_dir(directory: Path, *, now: float | None = None, legacy: bool = False) -> list[str]:
    """Remove our temp files older than STALE_SECONDS from one directory.

    Only names matching our pattern, regular files owned by this user and
    untouched for a minute go (a younger one may be a write in progress).
    Returns a one-line problem per file that could not be removed.
    """
    now = time.time() if now is None else now
    problems: list[str] = []
    try:
        names = os.listdir(directory)
    except OSError:
        return problems
    for name in names:
        if not (is_our_temp(name) or (legacy and _legacy_temp(directory, name))):
            continue
        path = Path(directory) / name
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid():
            continue
        if now - st.st_mtime < STALE_SECONDS:
            continue
        try:
            os.unlink(path)
        except FileNotFoundError:
            continue
        except OSError as exc:
            problems.append(
                f"{path}: temp file of an interrupted write could not be removed "
                f"({exc.strerror or exc})"
            )
    return problems


def sweep_stale_temps(root: Path, *, now: float | None = None) -> list[str]:
    """`sweep_dir` over the notes root and its `.notesift/` (where our temps live)."""
    problems: list[str] = []
    for directory in (Path(root), Path(root) / STATE_DIR):
        if directory.is_dir() and inside(root, directory):
            problems += sweep_dir(directory, now=now, legacy=True)
    return problems


# -- atomic exchange --------------------------------------------------------------

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    """libc's renameat2, loaded on the first exchange (ctypes costs ~6 ms to import)."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        func = libc.renameat2
    except (OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    func.restype = ctypes.c_int
    return func


def exchange_supported() -> bool:
    """Whether this system can swap two names atomically (renameat2)."""
    return _renameat2() is not None


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap the names `a` and `b`; False when this system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    rc = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    import ctypes

    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(err, os.strerror(err), str(b))


def fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
