"""The index's life in the app: open, paint from the cache, watch, refresh, heal.

Everything here that touches the disk or waits on the cache's locks runs on a
worker thread and hands its outcome back to the UI thread with
`call_from_thread`; the app may be shutting down meanwhile, which is fine. What
the status line shows of the index and the watcher is posted as messages
(`IndexWarningsChanged`, `WatcherChanged`) by whoever saw it change.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.message import Message

from tui.core.index.progress import BuildProgress
from tui.core.search.searchable import SearchableIndex

if TYPE_CHECKING:
    from tui.app import NotesiftApp
    from tui.core.index.watch import ChangeBatch, NotesWatcher

FIRST_PAINT_WAIT_S = 1.0  # the walk waits (at most this) for the first rows on screen
# A watcher batch this large (a checkout, a copied folder) shows progress as a cold
# start does; an editor's save (one or two paths) does not flash "indexing 0/1".
BATCH_PROGRESS_PATHS = 16
PROGRESS_TICK_S = 1.0  # the progress line is said again this often while indexing


class IndexWarningsChanged(Message):
    """The index's warnings (skipped files, cache trouble), read on a worker thread.

    Reading them takes the store's lock, which a running search holds: the UI
    thread must never wait for it, so it is told instead.
    """

    def __init__(self, warnings: tuple[str, ...]) -> None:
        super().__init__()
        self.warnings = warnings


class WatcherChanged(Message):
    """A watcher's mode or notice changed (posted from whichever thread changed it)."""

    def __init__(self, watcher: NotesWatcher, mode: str, notice: str | None) -> None:
        super().__init__()
        self.watcher = watcher
        self.mode = mode
        self.notice = notice


class IndexLifecycle:
    """Opens the index for the app and keeps it in step with the disk."""

    def __init__(self, app: NotesiftApp) -> None:
        self.app = app
        self.lock = threading.Lock()  # one writer of the index at a time
        self.progress = BuildProgress()
        self.first_paint = threading.Event()
        self.heal_pending = threading.Event()  # the cache was replaced: refill it
        self._notices_shown = 0
        self._warnings_lock = threading.Lock()  # publishers read and post in one order
        self._published: tuple[str, ...] = ()
        self._ticking: Callable[[], None] | None = None  # cancels the next progress tick

    # -- opening ---------------------------------------------------------------------

    def start(self) -> None:
        self.app.run_worker(self._load, thread=True, group="index", exit_on_error=False)

    def _load(self) -> None:
        """Open the cache, paint from it, start watching, then check the disk.

        The list is painted from whatever the cache holds before the walk; the
        watcher starts before the walk, so a note written meanwhile is not missed.
        """
        app = self.app
        settings = app.settings
        index = SearchableIndex(
            settings.root,
            cache_dir=settings.cache_dir,
            use_cache=settings.use_cache,
            ignore_globs=settings.config.ignore,
            jobs=settings.jobs,
            on_heal=self.heal_pending.set,
            respect_gitignore=settings.config.respect_gitignore,
        )
        app.call_from_thread(self._opened, index)
        self.first_paint.wait(FIRST_PAINT_WAIT_S)
        if settings.watch and settings.config.watch:
            app.call_from_thread(self.start_watcher, index)
        self._refresh(index, rebuild=False)
        self.publish_warnings(index)
        app.call_from_thread(self._ready, index)
        # What the first Han, accented, typo or pinyin keystroke would build mid-search.
        index.guarded(lambda: index.engine.warm_up(), fallback=lambda: None)
        # From now on the garbage collector waits for pauses; what is alive now is frozen.
        with contextlib.suppress(RuntimeError):  # the app may be shutting down
            app.call_from_thread(app.idle_gc.start)

    def _opened(self, index: SearchableIndex) -> None:
        """What a previous run stored is searchable at once, before the refresh."""
        self.app.index = index
        self.announce_notices()
        self.app.request_search()

    def _ready(self, index: SearchableIndex) -> None:
        self.app.index = index
        self.app.set_status(activity="")
        self.app.indexed = True
        self.announce_notices()
        self.app.request_search()

    def start_watcher(self, index: SearchableIndex) -> None:
        from tui.core.index.watch import NotesWatcher  # watchdog: after the first paint

        app = self.app
        if app.watcher is not None:
            app.watcher.stop()

        def changed(mode: str, notice: str | None) -> None:  # any thread
            with contextlib.suppress(RuntimeError):  # the app may be shutting down
                app.post_message(WatcherChanged(watcher, mode, notice))

        watcher = NotesWatcher(
            index.root,
            self._on_watch_batch,
            ignore_globs=app.settings.config.ignore,
            respect_gitignore=app.settings.config.respect_gitignore,
            on_state=changed,
        )
        app.watcher = watcher
        watcher.start()
        if watcher.notice:
            app.say(watcher.notice, severity="warning", timeout=10)

    # -- refreshing -----------------------------------------------------------------

    def _refresh(self, index: SearchableIndex, *, rebuild: bool) -> None:
        """Runs on the index worker: a refresh (or rebuild) with progress shown."""

        def waiting() -> None:
            self.progress.waiting = True
            self._show_activity()

        self.progress.start()
        self._show_activity()
        with self.lock:
            if rebuild:
                index.rebuild(progress=self._progress, on_wait=waiting)
            else:
                index.refresh(progress=self._progress, on_wait=waiting)

    def _show_activity(self) -> None:
        with contextlib.suppress(RuntimeError):
            self.app.call_from_thread(self.set_activity, self.progress.text())

    def set_activity(self, text: str) -> None:
        self.app.set_status(activity=text)
        if text.startswith("indexing") and self._ticking is None:
            self._ticking = self.app.keys.clock.call_later(PROGRESS_TICK_S, self._tick)

    def _tick(self) -> None:
        """Say the progress again: a batch that takes long (a huge file, a merge) still
        moves the estimate, which grows while nothing is done, instead of freezing."""
        self._ticking = None
        if self.app.status_info.activity.startswith("indexing"):
            self.set_activity(self.progress.text())

    def _progress(self, done: int, total: int) -> None:
        """Runs on the indexing thread after each committed batch."""
        self.progress.update(done, total)
        text = self.progress.text()

        def show() -> None:
            self.set_activity(text)
            self.app.request_search()

        with contextlib.suppress(RuntimeError):
            self.app.call_from_thread(show)

    def start_refresh(self, *, rebuild: bool = False, rescan_watcher: bool = False) -> None:
        """Check the disk again (or rebuild from scratch) on the index worker."""
        index = self.app.index
        if index is None:
            return
        if rescan_watcher and self.app.watcher is not None:
            self.start_watcher(index)  # the old watch died with the folder
        self.app.run_worker(partial(self._refresh_job, index, rebuild), thread=True,
                            group="index", exit_on_error=False)

    def _refresh_job(self, index: SearchableIndex, rebuild: bool) -> None:
        self._refresh(index, rebuild=rebuild)
        self.publish_warnings(index)
        with contextlib.suppress(RuntimeError):
            self.app.call_from_thread(self._ready, index)

    def refresh_paths(self, paths: list[str]) -> None:
        """Re-read files we just wrote (editor, tag edits) and the tag sidecar."""
        self.app.run_worker(partial(self._refresh_paths_job, paths), thread=True,
                            group="reindex", exit_on_error=False)

    def _refresh_paths_job(self, paths: list[str]) -> None:
        index = self.app.index
        if index is None:
            return
        with self.lock:
            index.reload_sidecar()
            for path in paths:
                index.update_path(index.root / path)
        self.publish_warnings(index)
        with contextlib.suppress(RuntimeError):
            self.app.call_from_thread(self.app.request_search)

    def _on_watch_batch(self, batch: ChangeBatch) -> None:
        """Runs on the watcher's thread: update the index, then refresh the screen.

        A large batch shows `indexing n/N files` and its results as they are
        committed (removals first), as a cold start does.
        """
        index = self.app.index
        if index is None:
            return
        shown = False

        def progress(done: int, total: int) -> None:
            # Counted in sources, not paths: one removed folder is one path and can be
            # 600 notes, which leave the list over seconds and say so meanwhile.
            nonlocal shown
            if batch.rescan or total >= BATCH_PROGRESS_PATHS:
                shown = True
                self._progress(done, total)

        with self.lock:
            self.progress.start()
            if batch.rescan:
                index.refresh(progress=progress)
            else:
                index.update_paths(batch.paths, progress=progress)
        self.publish_warnings(index)
        with contextlib.suppress(RuntimeError):  # the app may be shutting down
            self.app.call_from_thread(self._batch_done, shown)

    def _batch_done(self, large: bool) -> None:
        if large:
            self.app.set_status(activity="")
        self.app.request_search()

    # -- other processes, a vanished root ----------------------------------------------

    def poll_shared_state(self) -> None:
        """Every half second: another process's writes, a healed cache, the root."""
        if self.app.index is not None:
            self.app.run_worker(self._check_shared_state, thread=True, group="poll",
                                exclusive=True, exit_on_error=False)

    def _check_shared_state(self) -> None:
        """Runs on a worker thread: these checks may wait on the cache's locks."""
        index = self.app.index
        if index is None:
            return
        present = index.root_present()
        replaced = index.follow_cache_file()
        changed = index.guarded(lambda: index.store.changed_elsewhere(), fallback=lambda: True)
        self.publish_warnings(index)  # another process may have skipped a file
        with contextlib.suppress(RuntimeError):
            self.app.call_from_thread(self._after_shared_check, present, replaced or changed,
                                      replaced)

    def _after_shared_check(self, present: bool, changed: bool, replaced: bool) -> None:
        app = self.app
        index = app.index
        if index is None:
            return
        # A folder moved away and back between two polls: only the watcher saw it go,
        # and its watch is on the old folder (and its notice would stay for good).
        lost = app.watcher is not None and app.watcher.root_lost
        was_present = not app.status_info.alert and not lost
        if not present:
            app.set_status(
                alert=f"notes folder {index.root} is gone (renamed or deleted); waiting for it")
        elif not was_present:
            app.set_status(alert="")
            app.say(f"notes folder {index.root} is back; re-reading it")
        if present and (not was_present or replaced or self.heal_pending.is_set()):
            self.heal_pending.clear()
            self.start_refresh(rescan_watcher=not was_present)
        if changed:
            app.request_search()
        self.announce_notices()

    def announce_notices(self) -> None:
        """Say each of the index's one-line notices once (e.g. a cache was rebuilt)."""
        index = self.app.index
        if index is None:
            return
        for notice in index.notices[self._notices_shown:]:
            self.app.say(notice, severity="warning", timeout=10)
        self._notices_shown = len(index.notices)

    def publish_warnings(self, index: SearchableIndex) -> None:
        """Worker threads: tell the status line when the index's warnings changed."""
        with self._warnings_lock:
            found = tuple(index.warnings)
            if found == self._published:
                return
            self._published = found
            with contextlib.suppress(RuntimeError):  # the app may be shutting down
                self.app.post_message(IndexWarningsChanged(found))
