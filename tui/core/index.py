"""The notes index: every source under a root, parsed once and kept current.

`NoteIndex.refresh()` walks the root, keeps stored parses of sources whose
(mtime_ns, size) did not change, parses the rest (in worker processes when there
are many) and drops sources that disappeared. `update_path()` re-checks one
path, which is what the directory watcher calls; its cost is that of the file,
not of the tree. Nothing here raises on bad input: unreadable, binary or
unparsable sources become warnings.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from tui.core.decoding import read_note_file
from tui.core.entry import Entry
from tui.core.note_parser import parse_note
from tui.core.safe_write import sweep_stale_temps
from tui.core.search import SearchEngine, prepare_source
from tui.core.store import IndexStore, PreparedSource, cache_path_for
from tui.core.tagstore import load_sidecar
from tui.core.walker import IGNORE_FILE, WalkResult, walk_admits, walk_notes
from tui.core.x_archive import parse_x_archive, x_archive_sources

PARALLEL_THRESHOLD = 64
PARSE_CHUNK = 8  # sources a worker parses per task
CHUNKS_AHEAD = 3  # tasks queued per worker
BATCH_SOURCES = 64  # committed together, so a first start can search what is done
Progress = Callable[[int, int], None]


@dataclass(slots=True)
class RefreshStats:
    """What a refresh did, for benchmarks and the status line."""

    sources: int = 0
    parsed: int = 0
    reused: int = 0
    removed: int = 0
    seconds: float = 0.0


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


class NoteIndex:
    """All entries under one notes root, with a search engine over them."""

    def __init__(
        self,
        root: Path,
        *,
        cache_dir: Path | None = None,
        use_cache: bool = True,
        ignore_globs: Sequence[str] = (),
        jobs: int | None = None,
    ) -> None:
        self.root = Path(root).expanduser().resolve()
        self.ignore_globs = tuple(ignore_globs)
        self.jobs = jobs if jobs is not None else (os.cpu_count() or 1)
        self.store = IndexStore(cache_path_for(self.root, cache_dir) if use_cache else None)
        self.engine = SearchEngine(self.store)
        self._refs: dict[str, SourceRef] = {}
        self._walk_warnings: list[str] = []
        self._sidecar_warning: str | None = None
        self._temp_warnings: list[str] = []  # temp files of interrupted writes left behind

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

    def refresh(self, progress: Progress | None = None) -> RefreshStats:
        """Bring the index in line with the disk; parse only what changed.

        Sources are committed in batches; `progress(done, total)` runs after each,
        and searches (on the store's reader) see every committed batch.
        """
        started = time.perf_counter()
        self._temp_warnings = sweep_stale_temps(self.root)
        self.reload_sidecar()
        walk = walk_notes(self.root, self.ignore_globs)
        self._walk_warnings = list(walk.warnings)
        refs = {k: r for k, r in self._refs_from_walk(walk).items() if self._sign(r)}
        stored = self.store.signatures()
        to_parse = [ref for key, ref in refs.items() if stored.get(key) != ref.signature]
        removed = [key for key in stored if key not in refs]
        self._refs = refs
        if removed:
            self.store.replace_sources({}, removed)
        batch: dict[str, PreparedSource] = {}
        done = 0
        for ref, prepared in zip(to_parse, _parse_stream(self.root, to_parse, self.jobs),
                                 strict=True):
            batch[ref.key] = prepared
            if len(batch) >= BATCH_SOURCES:
                self.store.replace_sources(batch, [])
                done += len(batch)
                batch = {}
                if progress is not None:
                    progress(done, len(to_parse))
        if batch:
            self.store.replace_sources(batch, [])
            done += len(batch)
        if progress is not None and to_parse:
            progress(done, len(to_parse))
        if self.store.vocabulary_stale():
            self.store.sync_vocabulary()
        return RefreshStats(
            sources=len(refs),
            parsed=len(to_parse),
            reused=len(refs) - len(to_parse),
            removed=len(removed),
            seconds=time.perf_counter() - started,
        )

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
        edited `.notesiftignore` can hide or reveal any note, so it refreshes.
        """
        key = self.source_key_for(path)
        if key is None:
            return False
        if key == IGNORE_FILE:
            stats = self.refresh()
            return bool(stats.parsed or stats.removed)
        changed = self._update_key(key)
        if changed and key in self._refs and not self._refs[key].is_archive:
            changed = self._update_hard_links(key) or changed
        return changed

    def _update_key(self, key: str) -> bool:
        """Bring one source in line with the disk; True if its entries changed."""
        target = self.root / key
        archive = key in self._refs and self._refs[key].is_archive
        if archive:
            if not target.is_dir():
                return self.remove_path(key)
        elif not walk_admits(self.root, target, self.ignore_globs):
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
        return self.engine.entries

    @property
    def warnings(self) -> list[str]:
        found = list(self._walk_warnings) + self.store.warnings() + self._temp_warnings
        if self._sidecar_warning:
            found.append(self._sidecar_warning)
        if self.store.problem:
            found.append(self.store.problem)
        return found

    def close(self) -> None:
        self.store.close()

