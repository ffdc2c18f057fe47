"""Watch the notes folder and turn editors' noisy save dances into clean batches.

Editors save in many ways (rename-then-write, temp file plus `os.replace`,
truncate-then-write) and `git checkout` touches hundreds of files at once. The
watcher drops temp, hidden and ignored paths, gathers what is left until the
folder has been quiet for a moment, and hands the consumer one `ChangeBatch`:
the paths to re-check with `NoteIndex.update_path`, or `rescan=True` when only a
full `refresh()` is safe (lost events, directory moves, huge bursts).

Nothing here may take the app down: the event handler never raises, callback
failures are recorded in `errors`, and when inotify runs out of watches the
watcher quietly falls back to polling and says so in `notice` (and to `on_state`,
so a status line need not ask again and again).

This is the watcher's life cycle and which events matter; the batching rules
are `watch_batch`'s, the watchdog observers `watch_backend`'s.
"""

from __future__ import annotations

import errno
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirModifiedEvent,
    DirMovedEvent,
    FileSystemEvent,
)
from watchdog.observers.api import BaseObserver

from tui.core.index.watch_backend import (
    JOIN_TIMEOUT_S,
    begin,
    default_observer,
    halt_observer,
    listen_for_overflow,
    polling_observer,
    stop_listening,
)
from tui.core.index.watch_batch import ChangeBatch, ChangeCoalescer
from tui.core.ingest.walker import (
    NOTE_SUFFIXES,
    IgnoreMatcher,
    is_sync_conflict,
    is_temp_file,
)
from tui.core.ingest.x_archive import is_x_archive

__all__ = ["LIMIT_NOTICE", "ChangeBatch", "NotesWatcher", "WatchMode"]

log = logging.getLogger(__name__)

WatchMode = Literal["native", "polling", "off"]

LIMIT_NOTICE = (
    "inotify watch limit reached: polling for changes (raise fs.inotify.max_user_watches)"
)
_SIDECAR_PARTS = (".notesift", "tags.json")  # the tag sidecar: hidden, yet it changes tags
_MAX_ERRORS = 50
_HEALTH_CHECK_S = 1.0


class NotesWatcher:
    """Watches one notes root and calls `on_batch` with coalesced changes.

    `on_batch` runs on the watcher's own thread, once no event arrived for
    `quiet_ms` (or at the latest `max_wait_ms` after the first pending event, so a
    continuous stream still flushes). `on_state(mode, notice)` is called whenever
    either changes, on whichever thread changed it (the caller's, the watcher's).
    Marshal both to the UI thread yourself.
    """

    def __init__(
        self,
        root: Path,
        on_batch: Callable[[ChangeBatch], None],
        *,
        quiet_ms: int = 150,
        max_wait_ms: int = 1000,
        max_paths: int = 200,
        force_polling: bool = False,
        poll_interval: float = 1.0,
        ignore_globs: Sequence[str] = (),
        respect_gitignore: bool = True,
        observer_factory: Callable[[], BaseObserver] | None = None,
        on_state: Callable[[WatchMode, str | None], None] | None = None,
    ) -> None:
        self.root = Path(root).expanduser().resolve()
        self._root_str = str(self.root)
        self._on_batch = on_batch
        self._pending = ChangeCoalescer(
            quiet_ms / 1000, max(max_wait_ms, quiet_ms) / 1000, max_paths
        )
        self._force_polling = force_polling
        self._poll_interval = poll_interval
        self._observer_factory = observer_factory
        # The walk's own rules (one classifier): the watcher can never admit what it skips.
        self._rules = IgnoreMatcher(self.root, ignore_globs, respect_gitignore)
        self.errors: list[str] = []

        self._mode: WatchMode = "off"
        self._notice: str | None = None
        # The watched folder itself was removed or moved: even when a folder of that
        # name is back before anyone looked, this watch is on the old one.
        self.root_lost = False
        self._on_state = on_state
        self._announced: tuple[WatchMode, str | None] = (self._mode, self._notice)
        self._announcing = threading.Lock()  # announcements leave in the order made
        self._observer: BaseObserver | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._lifecycle = threading.Lock()  # start/stop/fallback swap observers under it

    # -- public state -----------------------------------------------------------

    @property
    def mode(self) -> WatchMode:
        """Either native (inotify & co), polling (fallback or forced) or off."""
        return self._mode

    @property
    def notice(self) -> str | None:
        """A message for the status line when watching degraded or stopped."""
        return self._notice

    def is_alive(self) -> bool:
        """Whether the coalescing thread and the observer are both running."""
        thread, observer = self._thread, self._observer
        return bool(thread and thread.is_alive() and observer and observer.is_alive())

    # -- lifecycle ----------------------------------------------------------------

    def start(self) -> None:
        """Start watching; never raises (a failure shows up as `mode`/`notice`)."""
        with self._lifecycle:
            if self._thread is not None:
                return
            self._stopping.clear()
            self._load_rules()
            self._launch_observer()
            listen_for_overflow(self._queue_overflowed)
            self._thread = threading.Thread(
                target=self._run, name=f"notesift-watch:{self.root.name}", daemon=True
            )
            self._thread.start()
            self._announce()

    def stop(self) -> None:
        """Stop watching and join the threads (bounded wait); safe to call twice."""
        with self._lifecycle:
            self._stopping.set()
            self._pending.wake()
            observer, self._observer = self._observer, None
            thread, self._thread = self._thread, None
            self._mode = "off"
            self._announce()
        stop_listening(self._queue_overflowed)
        if observer is not None:
            halt_observer(observer)
        if thread is not None and thread is not threading.current_thread():
            thread.join(JOIN_TIMEOUT_S)

    def _launch_observer(self) -> None:
        """Native observer first; polling when it cannot start (inotify limits)."""
        if not self._force_polling:
            try:
                factory = self._observer_factory or default_observer
                self._observer = self._begin(factory())
                self._mode = "native"
                return
            except OSError as exc:
                if exc.errno in (errno.ENOSPC, errno.EMFILE):
                    self._notice = LIMIT_NOTICE
                else:
                    self._notice = f"native file watching failed ({exc}): polling for changes"
            except Exception as exc:  # e.g. an unsupported libc: still worth polling
                self._notice = f"native file watching unavailable ({exc}): polling for changes"
            log.warning("notes watcher: %s", self._notice)
        self._start_polling()

    def _start_polling(self) -> bool:
        try:
            self._observer = self._begin(polling_observer(self._poll_interval))
            self._mode = "polling"
            return True
        except Exception as exc:
            self._observer = None
            self._mode = "off"
            self._notice = f"cannot watch {self.root} ({exc}): press refresh to update"
            log.warning("notes watcher: %s", self._notice)
            return False

    def _begin(self, observer: BaseObserver) -> BaseObserver:
        return begin(observer, self._root_str, self._handle_event)

    # -- events (observer thread) -------------------------------------------------

    def _handle_event(self, event: FileSystemEvent) -> None:
        try:
            src = os.fsdecode(event.src_path)
            dest = os.fsdecode(event.dest_path) if event.dest_path else ""
            for raw in (src, dest):
                if raw:
                    if event.is_directory:
                        self._consider_dir(event, raw)
                    else:
                        self._consider_file(raw)
        except Exception as exc:  # unexpected event shape: a rescan is always correct
            self._record_error(f"event handler failed on {event!r}: {exc!r}")
            self._push(None, rescan=True)

    def _relative(self, raw: str) -> tuple[str, ...] | None:
        """Path components below the root, () for the root, None when outside."""
        if raw == self._root_str:
            return ()
        prefix = self._root_str.rstrip(os.sep) + os.sep
        if not raw.startswith(prefix):
            return None
        return tuple(p for p in raw[len(prefix) :].split(os.sep) if p)

    def _ignored(self, parts: tuple[str, ...], is_dir: bool) -> bool:
        """gitignore semantics: the path or any folder above it ignored hides it."""
        return self._rules.ignores_path(parts, is_dir)

    def _consider_file(self, raw: str) -> None:
        parts = self._relative(raw)
        if not parts:
            return
        name = parts[-1]
        if name in self._rules.names and not any(p.startswith(".") for p in parts[:-1]):
            self._load_rules()  # any folder's ignore file can hide or reveal notes
            self._push(None, rescan=True)
            return
        if parts == _SIDECAR_PARTS:
            self._push(Path(raw))  # tags written by another process (`notesift tag`)
            return
        if any(p.startswith(".") for p in parts) or is_temp_file(name) or is_sync_conflict(name):
            return
        if self._ignored(parts, is_dir=False):
            return
        if os.path.splitext(name)[1].lower() in NOTE_SUFFIXES:
            self._push(Path(raw))
        elif self._inside_archive(parts):
            # Tweet data changed; a new archive needs the walker to notice it.
            self._push(None, rescan=True)

    def _inside_archive(self, parts: tuple[str, ...]) -> bool:
        return any(
            is_x_archive(self.root.joinpath(*parts[:i])) for i in range(len(parts) - 1, -1, -1)
        )

    def _consider_dir(self, event: FileSystemEvent, raw: str) -> None:
        if isinstance(event, DirModifiedEvent):
            return  # a directory's listing changed: the file events say how
        parts = self._relative(raw)
        if parts is None:
            return
        if not parts:
            if isinstance(event, (DirDeletedEvent, DirMovedEvent)):
                self.root_lost = True  # this watch ended with the folder: a new one is due
                self._notice = f"the notes folder {self.root} was removed or moved"
                self._announce()
                self._push(None, rescan=True)
            return
        if any(p.startswith(".") for p in parts) or self._ignored(parts, is_dir=True):
            return
        if isinstance(event, DirCreatedEvent) and not _has_entries(raw):
            return  # an empty new folder: its files will report themselves
        self._push(None, rescan=True)

    def _queue_overflowed(self) -> None:
        """Events were lost (inotify queue overflow): only a full rescan is safe."""
        if self._mode == "native":
            self._push(None, rescan=True)

    def _load_rules(self) -> None:
        self._rules.reload()

    def _push(self, path: Path | None, *, rescan: bool = False) -> None:
        self._pending.push(path, rescan=rescan)

    # -- coalescing thread -------------------------------------------------------

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                batch = self._next_batch()
                if batch is None:
                    self._check_observer()
                    continue
                self._deliver(batch)
            except Exception as exc:  # the loop itself must survive anything
                self._record_error(f"watcher loop: {exc!r}")
                time.sleep(0.05)

    def _next_batch(self) -> ChangeBatch | None:
        """Wait for pending changes and a quiet spell; None on stop or idle timeout."""
        return self._pending.next_batch(self._stopping, _HEALTH_CHECK_S)

    def _deliver(self, batch: ChangeBatch) -> None:
        try:
            self._on_batch(batch)
        except Exception as exc:
            log.exception("notes watcher: on_batch failed")
            self._record_error(f"on_batch failed: {type(exc).__name__}: {exc}")

    def _check_observer(self) -> None:
        """If the observer thread died, fall back to polling (or give up) and rescan."""
        with self._lifecycle:
            observer = self._observer
            if self._stopping.is_set() or observer is None or observer.is_alive():
                return
            was = self._mode
            halt_observer(observer)
            self._observer = None
            if was == "native":
                if self._start_polling():  # on failure it already set mode/notice
                    self._notice = "file watcher stopped unexpectedly: polling for changes"
            else:
                self._mode = "off"
                self._notice = "file watching stopped: press refresh to update"
            log.warning("notes watcher: %s", self._notice)
            self._announce()
        self._push(None, rescan=True)

    def _announce(self) -> None:
        """Tell `on_state` about a new mode or notice (never raises into the watcher)."""
        with self._announcing:
            state = (self._mode, self._notice)
            if state == self._announced or self._on_state is None:
                return
            self._announced = state
            try:
                self._on_state(*state)
            except Exception as exc:
                self._record_error(f"on_state failed: {type(exc).__name__}: {exc}")

    def _record_error(self, message: str) -> None:
        self.errors.append(message)
        del self.errors[:-_MAX_ERRORS]


def _has_entries(directory: str) -> bool:
    try:
        with os.scandir(directory) as entries:
            return any(True for _ in entries)
    except OSError:
        return False
