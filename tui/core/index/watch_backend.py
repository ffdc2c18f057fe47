"""The watchdog side of watching: native or polling observers, their events and overflows.

Apart from the watcher so what depends on watchdog's API and versions (event
classes, the overflow log, observer set-up and tear-down) stays in one place.
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from collections.abc import Callable, Iterator

import watchdog.events as wd_events
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirModifiedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserverVFS

from tui.core.ingest.walker import IGNORE_FILES

JOIN_TIMEOUT_S = 3.0

# Only events that can change a note's content or existence: open/close-no-write
# events would make every read (including our own indexing) look like a change.
_EVENT_FILTER: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileClosedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirModifiedEvent,
    DirMovedEvent,
]
if hasattr(wd_events, "FileAttribEvent"):  # watchdog >= 5: chmod/touch arrive as attrib
    _EVENT_FILTER.append(wd_events.FileAttribEvent)

# watchdog 7 reports an inotify queue overflow only through these loggers (it resyncs
# its watches but emits no event), so that is where we listen for it.
_OVERFLOW_LOGGERS = ("watchdog.observers.inotify_c", "watchdog.observers.inotify")

# -- queue overflow: one process-wide hook, since inotify's fd is shared ---------------

_listeners: set[weakref.WeakMethod[Callable[[], None]]] = set()
_hook_lock = threading.Lock()
_hook_installed = False


class _OverflowLogHandler(logging.Handler):
    """Turns watchdog's 'queue overflowed' warning into a call to every listener."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if "overflow" not in record.getMessage().lower():
                return
            for ref in list(_listeners):
                listener = ref()
                if listener is not None:
                    listener()
        except Exception:  # a logging handler must never raise into watchdog
            pass


def listen_for_overflow(listener: Callable[[], None]) -> None:
    """Call `listener` (a bound method, held weakly) when inotify's queue overflows."""
    global _hook_installed
    with _hook_lock:
        if not _hook_installed:
            handler = _OverflowLogHandler(level=logging.WARNING)
            for name in _OVERFLOW_LOGGERS:
                logging.getLogger(name).addHandler(handler)
            _hook_installed = True
        _listeners.add(weakref.WeakMethod(listener, _listeners.discard))


def stop_listening(listener: Callable[[], None]) -> None:
    _listeners.discard(weakref.WeakMethod(listener))


def _scandir_visible(path: str | None) -> Iterator[os.DirEntry[str]]:
    """Directory listing for the polling fallback: skip `.git` and friends.

    Polling re-stats the whole tree every interval, so not descending into hidden
    directories is the difference between cheap and hopeless in a git checkout.
    """
    with os.scandir(path) as entries:
        kept = [e for e in entries if not e.name.startswith(".") or e.name in IGNORE_FILES]
    return iter(kept)


class _Handler(FileSystemEventHandler):
    """Forwards every event to its consumer (a bound method, held weakly); must never
    raise into watchdog."""

    def __init__(self, consume: Callable[[FileSystemEvent], None]) -> None:
        super().__init__()
        self._consume = weakref.WeakMethod(consume)

    def dispatch(self, event: FileSystemEvent) -> None:
        consume = self._consume()
        if consume is not None:
            consume(event)


def default_observer() -> BaseObserver:
    """The platform's native observer (inotify on Linux)."""
    from watchdog.observers import Observer

    return Observer()


def polling_observer(interval: float) -> BaseObserver:
    """An observer that re-stats the tree every `interval` seconds (hidden folders skipped)."""
    return PollingObserverVFS(os.lstat, _scandir_visible, polling_interval=interval)


def begin(observer: BaseObserver, root: str,
          consume: Callable[[FileSystemEvent], None]) -> BaseObserver:
    """Schedule and start `observer` on `root`, cleaning it up if either step fails."""
    try:
        observer.schedule(_Handler(consume), root, recursive=True, event_filter=_EVENT_FILTER)
        observer.start()
    except BaseException:
        halt_observer(observer)
        raise
    return observer


def halt_observer(observer: BaseObserver) -> None:
    """Stop an observer and join it (bounded wait); never raises."""
    try:
        observer.stop()
        if observer.is_alive():
            observer.join(JOIN_TIMEOUT_S)
    except Exception:
        pass
