"""The notes index: every source under a root, parsed once and kept current.

`NoteIndex.refresh()` walks the root, keeps stored parses of sources whose
(mtime_ns, size) did not change, parses the rest (in worker processes when there
are many) and drops sources that disappeared. `update_path()` re-checks one
path, which is what the directory watcher calls; its cost is that of the file,
not of the tree. Nothing here raises on bad input: unreadable, binary or
unparsable sources become warnings.

This is the life cycle (refresh, quick check, single paths, healing); what a
source is and whether it changed is `sources`', parsing and batching `parsing`'.
About 440 lines, on purpose: the life cycle's steps share one lock and one
store, and reading them in one place is what keeps them safe together.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, TypeVar

from tui.core.index import cachefile
from tui.core.index.cachefile import BuildLock, file_identity, is_damage, move_aside
from tui.core.index.path_changes import classify, remove_in_chunks, shifted, stored_under
from tui.core.index.sources import (
    SourceRef,
    WalkRules,
    hard_link_names,
    load_walk_state,
    mtime_of,
    refs_from_walk,
    save_walk_state,
    sign,
    source_key,
)
from tui.core.index.store import IndexStore
from tui.core.index.store_schema import cache_path_for, heal_notice
from tui.core.index.vocabulary import VocabularyCache
from tui.core.ingest.entry import Entry
from tui.core.ingest.sidecar import SIDECAR_REL, load_sidecar
from tui.core.ingest.walker import IGNORE_FILES, walk_admits, walk_notes
from tui.core.safe_write import sweep_stale_temps

if TYPE_CHECKING:  # parsing (decoders, parsers) loads only when a source needs parsing
    from tui.core.index.parsing import Progress

T = TypeVar("T")
SIDECAR_KEY = SIDECAR_REL  # the watcher reports it: another process may have tagged


@dataclass(slots=True)
class RefreshStats:
    """What a refresh did, for benchmarks and the status line."""

    sources: int = 0
    parsed: int = 0
    reused: int = 0
    removed: int = 0
    seconds: float = 0.0
    walked: bool = True  # False when `quick_refresh` found no folder changed
    root_missing: bool = False  # the root is gone: nothing was touched


class NoteIndex:
    """All entries under one notes root, kept equal to the disk in a shared cache.

    Searching is the search layer's (`tui.core.search.searchable.SearchableIndex`).

    The cache may be shared with other notesift processes (see `cachefile`) and
    may turn out damaged at any read: every public method heals it (moves it
    aside, starts an empty one, says so once in `notices`) instead of raising.
    """

    def __init__(
        self,
        root: Path,
        *,
        cache_dir: Path | None = None,
        use_cache: bool = True,
        ignore_globs: Sequence[str] = (),
        respect_gitignore: bool = True,
        jobs: int | None = None,
        on_heal: Callable[[], None] | None = None,
    ) -> None:
        self.root = Path(root).expanduser().resolve()
        self.ignore_globs = tuple(ignore_globs)
        self.respect_gitignore = respect_gitignore
        self._rules = WalkRules(self.root, self.ignore_globs, respect_gitignore)
        self.jobs = jobs if jobs is not None else (os.cpu_count() or 1)
        self.cache_path = cache_path_for(self.root, cache_dir) if use_cache else None
        self.build_lock = BuildLock(self.cache_path)
        # Without `on_heal` a healed cache is rebuilt at once (one-shot commands);
        # the app passes a callback that rebuilds in its indexing worker instead.
        self.on_heal = on_heal
        self.notices: list[str] = []  # one line each, e.g. a damaged cache was replaced
        self.guard = threading.RLock()  # one refresh/update/heal at a time in this process
        self._refs: dict[str, SourceRef] = {}
        self._walk_warnings: list[str] = []
        self._sidecar_warning: str | None = None
        self._temp_warnings: list[str] = []  # temp files of interrupted writes left behind
        self.store: IndexStore
        self._entries_cache: tuple[int, list[Entry]] | None = None
        self._open_store()
        cachefile.sweep_rebuilds(self.cache_path, self.build_lock)  # killed ones'

    def _open_store(self) -> None:
        self.store = IndexStore(self.cache_path)
        if self.store.healed:
            self.notices.append(self.store.healed)

    # -- healing -----------------------------------------------------------------------

    def heal(self, exc: BaseException) -> None:
        """Put a damaged cache aside and continue on an empty one (the caller refills it).

        The old connections are left to the garbage collector: a search on
        another thread may still be reading them and must end, not crash.
        """
        damaged = self.store
        with self.guard:
            if self.store is not damaged:
                return  # another thread healed it already
            moved = None
            if damaged.path is not None:
                moved = move_aside(damaged.path, damaged.identity)
            self.notices.append(heal_notice(exc, moved))
            self._refs = {}
            self._open_store()

    def guarded(self, operation: Callable[[], T], fallback: Callable[[], T] | None = None) -> T:
        """Run `operation`; on cache damage heal, refill and run it once more.

        With `fallback`, the second failure (or a damage found while the app
        refills in the background) answers `fallback()` instead of raising.
        """
        try:
            return operation()
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                raise
            self.heal(exc)
        if self.on_heal is not None:
            self.on_heal()
        else:
            self.refresh()
        try:
            return operation()
        except sqlite3.DatabaseError:
            if fallback is None:
                raise
            return fallback()

    # -- refreshing --------------------------------------------------------------------

    def root_present(self) -> bool:
        """Whether the notes folder is still where it was (not renamed or deleted)."""
        return self.root.is_dir()

    def refresh(self, progress: Progress | None = None,
                on_wait: Callable[[], None] | None = None) -> RefreshStats:
        """Bring the index in line with the disk; parse only what changed.

        Sources are written in batches, newest first; `progress(done, total)`
        runs after each, and searches (on the store's reader) see every committed
        batch (a first build commits its first at once, then further apart).
        Another process refreshing the same cache is waited for (`on_wait()`
        says so once): it leaves little for this one to do. A root that is gone
        changes nothing: its notes stay listed until it returns.
        """
        if not self.root_present():
            return RefreshStats(root_missing=True)
        return self._under_build_lock(lambda: self._refresh(progress), on_wait)

    def _under_build_lock(self, work: Callable[[], RefreshStats],
                          on_wait: Callable[[], None] | None) -> RefreshStats:
        with self.guard:
            self.build_lock.acquire(on_wait)
            try:
                cachefile.sweep_rebuilds(self.cache_path, self.build_lock)
                self.follow_cache_file()  # a rebuild we waited for replaced it
                try:
                    return work()
                except sqlite3.DatabaseError as exc:
                    if not is_damage(exc):
                        raise
                    self.heal(exc)
                    return work()
            finally:
                self.build_lock.release()

    def rebuild(self, progress: Progress | None = None,
                on_wait: Callable[[], None] | None = None) -> RefreshStats:
        """Forget the cache and index every note anew (the `reindex` action).

        The new index is built in a sibling file and renamed over the cache when
        complete: until then every process (this one too) answers from the old
        one; then they follow the new file (`follow_cache_file`). A kill midway
        leaves the old cache as it was (and a file the next start removes).
        """
        if not self.root_present():
            return RefreshStats(root_missing=True)
        return self._under_build_lock(lambda: self._rebuild(progress), on_wait)

    def _rebuild(self, progress: Progress | None) -> RefreshStats:
        path = self.store.path
        if path is None:  # in memory: nothing to share
            self._refs = {}
            self._open_store()
            return self._refresh(progress)
        built = cachefile.rebuild_path(path)
        cachefile.remove_database(built)
        fresh = IndexStore(built)
        try:
            stats = self._refresh(progress, fresh)
        except BaseException:
            fresh.close()
            cachefile.remove_database(built)
            raise
        if fresh.path is not None:
            _count_han_terms(fresh, path)
        fresh.close()  # checkpointed: the file stands alone
        if fresh.path is None:  # could not write beside the cache: keep it as it was
            return stats
        cachefile.swap_in(built, path)
        cachefile.remove_database(built)  # its lock file
        self._open_store()
        return stats

    def follow_cache_file(self) -> bool:
        """Reopen the cache when another process replaced the file (healed or rebuilt
        it); True when it did. Polled by long-running processes."""
        store = self.store
        if store.path is None:
            return False
        now = file_identity(store.path)
        if now is None or now == store.identity:
            return False
        with self.guard:
            if self.store is store:
                self._refs = {}
                self._open_store()
        return True

    def _refresh(self, progress: Progress | None, into: IndexStore | None = None) -> RefreshStats:
        """The walk and what it found changed, written to `into` (default: the store)."""
        store = into or self.store
        started = time.perf_counter()
        self._temp_warnings = sweep_stale_temps(self.root)
        self.reload_sidecar(store)
        walk = walk_notes(self.root, self.ignore_globs, respect_gitignore=self.respect_gitignore)
        ignore_signature = self._rules.ignore_signature(walk.ignore_files)
        self._walk_warnings = list(walk.warnings)
        refs = {k: r for k, r in refs_from_walk(self.root, walk).items() if sign(r)}
        stored = store.signatures()
        to_parse = [ref for key, ref in refs.items() if stored.get(key) != ref.signature]
        to_parse.sort(key=lambda ref: mtime_of(ref.signature), reverse=True)
        removed = [key for key in stored if key not in refs and not self._still_there(key)]
        self._refs = refs
        remove_in_chunks(store, removed, progress, len(removed) + len(to_parse))
        done = self._parse_and_store(to_parse, shifted(progress, len(removed)), store)
        if self.root_present() and walk.dirs:
            save_walk_state(store, walk, refs, ignore_signature)
        return RefreshStats(
            sources=len(refs),
            parsed=done,
            reused=len(refs) - len(to_parse),
            removed=len(removed),
            seconds=time.perf_counter() - started,
        )

    def _still_there(self, key: str) -> bool:
        """A stored source the walk missed but that exists now (another process added it
        after our walk): left to the change event that reports it."""
        target = self.root / key
        if key in self._refs and self._refs[key].is_archive:
            return target.is_dir()
        return target.is_file() and self._admitted(target)

    def _parse_and_store(self, to_parse: list[SourceRef], progress: Progress | None,
                         store: IndexStore | None = None, *, lock_held: bool = True) -> int:
        """`lock_held`: under the build lock (a refresh); a change batch is not, and
        leaves a build running in another process to end it."""
        from tui.core.index.parsing import parse_and_store

        return parse_and_store(store or self.store, self.root, to_parse, self.jobs, progress,
                               None if lock_held else self.build_lock.held_elsewhere)

    # -- the quick check (one-shot commands) ----------------------------------------

    def quick_refresh(self, progress: Progress | None = None,
                      on_wait: Callable[[], None] | None = None) -> RefreshStats:
        """`refresh()` without the walk when no folder changed since the last one.

        While every folder keeps its mtime, no note was added, removed or
        renamed, so re-signing the stored sources (one stat each) finds every
        edit. Any changed folder, a changed ignore file or a first run walks.
        """
        if not self.root_present():
            return RefreshStats(root_missing=True)

        def attempt() -> RefreshStats | None:
            state = load_walk_state(self.store, self._rules)
            if state is None or not self._rules.folders_unchanged(state[0]):
                return None
            return self._resign(set(state[1]), progress)

        with self.guard:
            quick = self.guarded(attempt, fallback=lambda: None)
        return quick if quick is not None else self.refresh(progress, on_wait)

    def _resign(self, archives: set[str], progress: Progress | None) -> RefreshStats:
        started = time.perf_counter()
        self._temp_warnings = sweep_stale_temps(self.root)  # every run, walked or not
        self.reload_sidecar()
        stored = self.store.signatures()
        refs: dict[str, SourceRef] = {}
        gone: list[str] = []
        for key in stored:
            ref = SourceRef(key, self.root / key, key in archives)
            if sign(ref):
                refs[key] = ref
            elif key not in archives:
                gone.append(key)
        to_parse = [ref for key, ref in refs.items() if stored.get(key) != ref.signature]
        self._refs = refs
        if gone:
            self.store.replace_sources({}, gone)
        done = self._parse_and_store(to_parse, progress) if to_parse else 0
        return RefreshStats(sources=len(refs), parsed=done, reused=len(refs) - len(to_parse),
                            removed=len(gone), seconds=time.perf_counter() - started,
                            walked=False)

    # -- single paths (the watcher) ----------------------------------------------------

    def reload_sidecar(self, into: IndexStore | None = None) -> bool:
        """Re-read `.notesift/tags.json`; True when tags of some entry changed."""
        sidecar, self._sidecar_warning = load_sidecar(self.root)
        return (into or self.store).set_sidecar(sidecar)

    def source_key_for(self, path: Path | str) -> str | None:
        """The source key (relative path, or archive dir) a filesystem path belongs to."""
        return source_key(self.root, self._refs, path)

    def update_path(self, path: Path | str) -> bool:
        """Re-check one path after a change event; True if the entries changed."""
        return self.update_paths([path])

    def update_paths(self, paths: Iterable[Path | str], progress: Progress | None = None) -> bool:
        """Re-check the paths of a change batch; True if any entries changed.

        A path is indexed only if the full walk would list it (same ignore, hidden,
        temp-file and symlink rules), so updates and `refresh()` always agree. An
        edited `.notesiftignore` or `.gitignore` can hide or reveal any note, so it
        refreshes; an edited tag sidecar (another process tagged) re-reads the sidecar.
        Removals go first, then parses in batches, `progress(done, total)` after
        each (`path_changes`).
        """
        keys = {key for path in paths if (key := self.source_key_for(path)) is not None}
        if any(PurePosixPath(key).name in IGNORE_FILES for key in keys):
            stats = self.refresh(progress)
            return bool(stats.parsed or stats.removed)
        changed = False
        if SIDECAR_KEY in keys:
            keys.discard(SIDECAR_KEY)
            changed = self.guarded(self.reload_sidecar, fallback=lambda: False)
        if keys:
            with self.guard:
                changed = self.guarded(lambda: self._update_keys(sorted(keys), progress),
                                       fallback=lambda: False) or changed
        return changed

    def _update_keys(self, keys: list[str], progress: Progress | None) -> bool:
        """Bring these sources in line with the disk: removals, then parses."""
        gone: list[str] = []
        to_parse: dict[str, SourceRef] = {}
        checked: set[str] = set()
        while keys:
            key = keys.pop()
            checked.add(key)
            seen = self._classify(key)
            if seen is True:
                gone.append(key)
            elif isinstance(seen, SourceRef):
                to_parse[key] = seen
                if not seen.is_archive:  # a hard-linked file shows new text under each name
                    keys += [k for k in hard_link_names(self.root, key, self._refs)
                             if k not in checked]
        removed = stored_under(self.store, gone)
        for key in removed:
            self._refs.pop(key, None)
        remove_in_chunks(self.store, removed, progress, len(removed) + len(to_parse))
        self._refs.update(to_parse)
        ordered = sorted(to_parse.values(), key=lambda r: mtime_of(r.signature), reverse=True)
        done = self._parse_and_store(ordered, shifted(progress, len(removed)), lock_held=False)
        return bool(removed or done)

    def _classify(self, key: str) -> SourceRef | bool:
        archive = key in self._refs and self._refs[key].is_archive
        return classify(self.root, key, archive, self._admitted, self.store.signature(key))

    def _admitted(self, target: Path) -> bool:
        return walk_admits(self.root, target, self.ignore_globs,
                           respect_gitignore=self.respect_gitignore)

    @property
    def entries(self) -> list[Entry]:
        """Every entry (path, line order); loads them all, so not for hot paths."""
        generation = self.store.generation
        if self._entries_cache is None or self._entries_cache[0] != generation:
            found = self.guarded(lambda: self.store.all_entries())  # a damaged blob heals
            self._entries_cache = (self.store.generation, found)
        return self._entries_cache[1]

    @property
    def warnings(self) -> list[str]:
        found = list(self._walk_warnings)
        found += self.guarded(lambda: self.store.warnings(), fallback=list)
        found += self.notices
        found += self._temp_warnings
        if self._sidecar_warning:
            found.append(self._sidecar_warning)
        if self.store.problem:
            found.append(self.store.problem)
        return found

    def close(self) -> None:
        self.store.close()


def _count_han_terms(fresh: IndexStore, path: Path) -> None:
    """Keep the new file's Han bigram tables beside the cache before it is swapped in.

    They are stamped with the file's inode, which the rename keeps, and named
    after the cache: every process that follows the new file loads them instead
    of each counting them at its first pinyin search (seconds on a Chinese
    collection, while the list kept showing the last answer).
    """
    with contextlib.suppress(sqlite3.Error, OSError):  # a head start only: followers can count
        VocabularyCache(fresh.reader, fresh.read_lock, path, fresh.identity).han_vocabulary()
