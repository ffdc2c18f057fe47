"""The notes index: every source under a root, parsed once and kept current.

`NoteIndex.refresh()` walks the root, keeps stored parses of sources whose
(mtime_ns, size) did not change, parses the rest (in worker processes when there
are many) and drops sources that disappeared. `update_path()` re-checks one
path, which is what the directory watcher calls; its cost is that of the file,
not of the tree. Nothing here raises on bad input: unreadable, binary or
unparsable sources become warnings.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import TypeVar

from tui.core.index.cachefile import (
    BuildLock,
    file_identity,
    is_damage,
    move_aside,
    write_transaction,
)
from tui.core.index.store import (
    STORE_VERSION,
    IndexStore,
    PreparedSource,
    cache_path_for,
    heal_notice,
    prepare_source,
)
from tui.core.ingest.entry import Entry
from tui.core.ingest.sidecar import SIDECAR_REL, load_sidecar
from tui.core.ingest.walker import (
    GIT_EXCLUDE_FILE,
    IGNORE_FILE,
    IGNORE_FILES,
    WalkResult,
    walk_admits,
    walk_notes,
)
from tui.core.ingest.x_archive import x_archive_sources
from tui.core.safe_write import sweep_stale_temps
from tui.core.text.decoding import read_note_file

PARALLEL_THRESHOLD = 64
PARSE_CHUNK = 8  # sources a worker parses per task
CHUNKS_AHEAD = 3  # tasks queued per worker
BATCH_SOURCES = 64  # committed together, so a first start can search what is done
VOCAB_SYNC_SECONDS = 30.0  # during a first build, words inside words become findable this often
BATCH_SECONDS = 0.5  # …or whatever was parsed in this long, whichever comes first
FIRST_BATCH_SECONDS = 0.1  # the first batch sooner: a first start lists notes at once
Progress = Callable[[int, int], None]
T = TypeVar("T")
SIDECAR_KEY = SIDECAR_REL  # the watcher reports it: another process may have tagged
# The last full walk's folders and their mtimes, beside the index (see `quick_refresh`).
_WALK_STATE = "CREATE TABLE IF NOT EXISTS walk_state (key TEXT PRIMARY KEY, value BLOB)"


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


@dataclass(slots=True)
class SourceRef:
    """A note file or an X archive directory, and its current signature."""

    key: str
    path: Path
    is_archive: bool
    signature: str = ""


def _signature(paths: Sequence[Path]) -> str | None:
    parts = []
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            return None
        parts.append(f"{st.st_mtime_ns}:{st.st_size}")
    return "|".join(parts)


def parse_source(root: Path, ref: SourceRef) -> PreparedSource:
    """Parse one note file or archive; never raises (failures become warnings)."""
    # Imported here: a warm start with nothing to parse never loads the parsers.
    from tui.core.ingest.note_parser import parse_note
    from tui.core.ingest.x_archive import parse_x_archive

    warnings: list[str] = []
    try:
        if ref.is_archive:
            parsed = parse_x_archive(root, ref.path)
            return prepare_source(ref.signature, parsed.entries, parsed.warnings)
        decoded = read_note_file(ref.path, display_name=ref.key, warnings=warnings)
        if decoded is None:
            return prepare_source(ref.signature, [], warnings)
        parsed = parse_note(ref.key, decoded.text)
        return prepare_source(ref.signature, parsed.entries, warnings + parsed.warnings)
    except Exception as exc:  # a parser bug must cost one file, not the index
        warnings.append(f"{ref.key}: skipped, parser failed ({type(exc).__name__}: {exc})")
        return prepare_source(ref.signature, [], warnings)


def _parse_chunk(root: Path, refs: list[SourceRef]) -> list[PreparedSource]:
    return [parse_source(root, ref) for ref in refs]


def _parse_stream(root: Path, refs: list[SourceRef], jobs: int) -> Iterator[PreparedSource]:
    """Parsed sources in order, from worker processes when there are many.

    Only a few chunks per worker are queued ahead: parsed sources are written
    as they come, never held for the whole tree (memory stays flat at any size).
    """
    if jobs > 1 and len(refs) >= PARALLEL_THRESHOLD:
        from concurrent.futures import ProcessPoolExecutor  # a warm start never needs it

        try:
            pool = ProcessPoolExecutor(max_workers=jobs)
        except (OSError, RuntimeError, NotImplementedError):
            pool = None  # no process support here: parse serially
        if pool is not None:
            with pool:
                chunks = iter([refs[i : i + PARSE_CHUNK] for i in range(0, len(refs), PARSE_CHUNK)])
                pending = deque(pool.submit(_parse_chunk, root, chunk)
                                for chunk in islice(chunks, jobs * CHUNKS_AHEAD))
                while pending:
                    parsed = pending.popleft().result()
                    following = next(chunks, None)
                    if following is not None:
                        pending.append(pool.submit(_parse_chunk, root, following))
                    yield from parsed
            return
    for ref in refs:
        yield parse_source(root, ref)


def _mtime_of(signature: str) -> int:
    try:
        return int(signature.split(":", 1)[0])
    except ValueError:
        return 0


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

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _refs_from_walk(self, walk: WalkResult) -> dict[str, SourceRef]:
        refs: dict[str, SourceRef] = {}
        for path in walk.files:
            refs[self._relative(path)] = SourceRef(self._relative(path), path, False)
        for directory in walk.archives:
            refs[self._relative(directory)] = SourceRef(self._relative(directory), directory, True)
        return refs

    @staticmethod
    def _sign(ref: SourceRef) -> bool:
        paths = x_archive_sources(ref.path) if ref.is_archive else [ref.path]
        signature = _signature(paths)
        if signature is None:
            return False
        ref.signature = signature
        return True

    def root_present(self) -> bool:
        """Whether the notes folder is still where it was (not renamed or deleted)."""
        return self.root.is_dir()

    def refresh(self, progress: Progress | None = None,
                on_wait: Callable[[], None] | None = None) -> RefreshStats:
        """Bring the index in line with the disk; parse only what changed.

        Sources are committed in batches, newest first; `progress(done, total)`
        runs after each, and searches (on the store's reader) see every committed
        batch. Another process refreshing the same cache is waited for
        (`on_wait()` says so once): it leaves little for this one to do. A root
        that is gone changes nothing: its notes stay listed until it returns.
        """
        if not self.root_present():
            return RefreshStats(root_missing=True)
        return self._under_build_lock(lambda: self._refresh(progress), on_wait)

    def _under_build_lock(self, work: Callable[[], RefreshStats],
                          on_wait: Callable[[], None] | None) -> RefreshStats:
        with self.guard:
            self.build_lock.acquire(on_wait)
            try:
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

        Other processes sharing the cache notice the new file (`follow_cache_file`).
        """
        if not self.root_present():
            return RefreshStats(root_missing=True)

        def anew() -> RefreshStats:
            if self.store.path is not None:
                for suffix in ("", "-wal", "-shm", "-journal"):
                    with contextlib.suppress(OSError):
                        os.unlink(f"{self.store.path}{suffix}")
            self._refs = {}
            self._open_store()
            return self._refresh(progress)

        return self._under_build_lock(anew, on_wait)

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

    def _refresh(self, progress: Progress | None) -> RefreshStats:
        started = time.perf_counter()
        self._temp_warnings = sweep_stale_temps(self.root)
        self.reload_sidecar()
        walk = walk_notes(self.root, self.ignore_globs, respect_gitignore=self.respect_gitignore)
        ignore_signature = self._ignore_signature(walk.ignore_files)
        self._walk_warnings = list(walk.warnings)
        refs = {k: r for k, r in self._refs_from_walk(walk).items() if self._sign(r)}
        stored = self.store.signatures()
        to_parse = [ref for key, ref in refs.items() if stored.get(key) != ref.signature]
        to_parse.sort(key=lambda ref: _mtime_of(ref.signature), reverse=True)
        removed = [key for key in stored if key not in refs and not self._still_there(key)]
        self._refs = refs
        if removed:
            self.store.replace_sources({}, removed)
        done = self._parse_and_store(to_parse, progress)
        if self.root_present() and walk.dirs:
            self._save_walk_state(walk, refs, ignore_signature)
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
        return target.is_file() and walk_admits(
            self.root, target, self.ignore_globs, respect_gitignore=self.respect_gitignore
        )

    def _parse_and_store(self, to_parse: list[SourceRef], progress: Progress | None) -> int:
        batch: dict[str, PreparedSource] = {}
        done = 0
        if progress is not None and to_parse:
            progress(0, len(to_parse))
        # Many batches (a first build): their words go into the vocabulary in one pass
        # over the index's terms now and then, not batch by batch in Python.
        bulk = len(to_parse) > BATCH_SOURCES
        flushed = synced = time.monotonic()
        for ref, prepared in zip(to_parse, _parse_stream(self.root, to_parse, self.jobs),
                                 strict=True):
            batch[ref.key] = prepared
            # Large batches build fast; a few large files (an archive) still show up
            # in searches within a fraction of a second of being parsed.
            wait = BATCH_SECONDS if done else FIRST_BATCH_SECONDS
            if len(batch) >= BATCH_SOURCES or time.monotonic() - flushed > wait:
                self.store.replace_sources(batch, [], bulk=bulk)
                done += len(batch)
                batch = {}
                flushed = time.monotonic()
                if bulk and flushed - synced > VOCAB_SYNC_SECONDS:
                    # words inside words findable meanwhile
                    self.store.sync_vocabulary(build_done=False)
                    synced = time.monotonic()
                if progress is not None:
                    progress(done, len(to_parse))
        if batch:
            self.store.replace_sources(batch, [], bulk=bulk)
            done += len(batch)
        if progress is not None and to_parse:
            progress(done, len(to_parse))
        if self.store.vocabulary_stale():
            self.store.sync_vocabulary()
        return done

    # -- the quick check (one-shot commands) ----------------------------------------

    def _ignore_signature(self, files: dict[str, str]) -> str:
        """The rules a walk used: settings plus each ignore file's (mtime, size) as read."""
        globs = "\x00".join(self.ignore_globs)
        read = "\x00".join(f"{rel}={sig}" for rel, sig in sorted(files.items()))
        return f"{STORE_VERSION}|{self.respect_gitignore}|{globs}|{read}"

    def _ignore_files_now(self, dirs: Iterable[str]) -> dict[str, str]:
        """Each walked folder's ignore files as they are now (a new one also changes the
        folder's mtime; an edit in place only shows here)."""
        names = IGNORE_FILES if self.respect_gitignore else (IGNORE_FILE,)
        found = {}
        for rel_dir in dirs:
            extra = (GIT_EXCLUDE_FILE,) if self.respect_gitignore and not rel_dir else ()
            for name in (*extra, *names):
                rel = f"{rel_dir}/{name}" if rel_dir else name
                signature = _signature([self.root / rel])
                if signature is not None:
                    found[rel] = signature
        return found

    def _save_walk_state(self, walk: WalkResult, refs: dict[str, SourceRef],
                         ignore_signature: str) -> None:
        archives = sorted(k for k, r in refs.items() if r.is_archive)
        blob = marshal.dumps((ignore_signature, walk.dirs, archives))
        if self.store.path is None:
            return
        with self.store.lock, write_transaction(self.store.db) as db:
            db.execute(_WALK_STATE)
            db.execute("INSERT OR REPLACE INTO walk_state VALUES ('walk', ?)", (blob,))

    def _load_walk_state(self) -> tuple[dict[str, int], list[str]] | None:
        if self.store.path is None:
            return None
        try:
            with self.store.read_lock:
                row = self.store.reader.execute(
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
        if ignore_signature != self._ignore_signature(self._ignore_files_now(dirs)):
            return None
        return dirs, archives

    def _folders_unchanged(self, dirs: dict[str, int]) -> bool:
        root = str(self.root)
        for rel, mtime in dirs.items():
            try:
                if os.stat(f"{root}/{rel}" if rel else root).st_mtime_ns != mtime:
                    return False
            except OSError:
                return False
        return True

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
            state = self._load_walk_state()
            if state is None or not self._folders_unchanged(state[0]):
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
            if self._sign(ref):
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

    def reload_sidecar(self) -> bool:
        """Re-read `.notesift/tags.json`; True when tags of some entry changed."""
        sidecar, self._sidecar_warning = load_sidecar(self.root)
        return self.store.set_sidecar(sidecar)

    def source_key_for(self, path: Path | str) -> str | None:
        """The source key (relative path, or archive dir) a filesystem path belongs to."""
        candidate = Path(path)
        if not candidate.is_absolute():
            candidate = self.root / candidate
        try:
            rel = candidate.resolve(strict=False).relative_to(self.root)
        except ValueError:
            try:
                rel = candidate.relative_to(self.root)
            except ValueError:
                return None
        rel_posix = rel.as_posix()
        for key, ref in self._refs.items():
            if ref.is_archive and (rel_posix == key or rel_posix.startswith(key + "/")):
                return key
        return rel_posix

    def update_path(self, path: Path | str) -> bool:
        """Re-check one path after a change event; True if the entries changed.

        A path is indexed only if the full walk would list it (same ignore, hidden,
        temp-file and symlink rules), so updates and `refresh()` always agree. An
        edited `.notesiftignore` or `.gitignore` can hide or reveal any note, so it
        refreshes; an edited tag sidecar (another process tagged) re-reads the sidecar.
        """
        key = self.source_key_for(path)
        if key is None:
            return False
        if PurePosixPath(key).name in IGNORE_FILES:
            stats = self.refresh()
            return bool(stats.parsed or stats.removed)
        if key == SIDECAR_KEY:
            return self.guarded(self.reload_sidecar, fallback=lambda: False)

        def update() -> bool:
            changed = self._update_key(key)
            if changed and key in self._refs and not self._refs[key].is_archive:
                changed = self._update_hard_links(key) or changed
            return changed

        with self.guard:
            return self.guarded(update, fallback=lambda: False)

    def _update_key(self, key: str) -> bool:
        """Bring one source in line with the disk; True if its entries changed."""
        target = self.root / key
        archive = key in self._refs and self._refs[key].is_archive
        if archive:
            if not target.is_dir():
                return self.remove_path(key)
        elif not walk_admits(
            self.root, target, self.ignore_globs, respect_gitignore=self.respect_gitignore
        ):
            return self.remove_path(key)
        ref = SourceRef(key, target, archive)
        if not self._sign(ref):
            return self.remove_path(key)
        if self.store.signature(key) == ref.signature:
            return False
        self._refs[key] = ref
        self.store.replace_sources({key: parse_source(self.root, ref)}, [])
        return True

    def _update_hard_links(self, key: str) -> bool:
        """Re-check the other indexed names of a hard-linked file that just changed.

        A watcher reports only the name that was written, yet every link shows the
        new content. Rare, so statting each indexed file is fine; it stops once all
        `st_nlink` names are accounted for.
        """
        try:
            st = os.stat(self.root / key)
        except OSError:
            return False
        if st.st_nlink < 2:
            return False
        inode = (st.st_dev, st.st_ino)
        others = st.st_nlink - 1
        changed = False
        for other, ref in list(self._refs.items()):
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
                changed = self._update_key(other) or changed
        return changed

    def remove_path(self, path: Path | str) -> bool:
        """Forget a source (and everything under it, for a removed directory)."""
        key = self.source_key_for(path) if isinstance(path, Path) else str(path)
        if key is None:
            return False
        prefix = key.rstrip("/") + "/"
        gone = [k for k in self.store.signatures() if k == key or k.startswith(prefix)]
        for k in gone:
            self._refs.pop(k, None)
        if gone:
            self.store.replace_sources({}, gone)
        return bool(gone)

    @property
    def entries(self) -> list[Entry]:
        """Every entry (path, line order); loads them all, so not for hot paths."""
        store = self.store
        generation = store.generation
        if self._entries_cache is None or self._entries_cache[0] != generation:
            self._entries_cache = (generation, store.all_entries())
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

