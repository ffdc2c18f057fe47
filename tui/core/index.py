"""The notes index: every source under a root, parsed once and kept current.

`NoteIndex.refresh()` walks the root, reuses cached parses of sources whose
(mtime_ns, size) did not change, parses the rest (in worker processes when there
are many) and drops sources that disappeared. `update_path()` re-checks one
path, which is what the directory watcher calls. Nothing here raises on bad
input: unreadable, binary or unparsable sources become warnings.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tui.core.cache import CachedSource, SourceCache, cache_path_for
from tui.core.decoding import read_note_file
from tui.core.entry import Entry
from tui.core.note_parser import parse_note
from tui.core.search import SearchEngine, entry_haystack
from tui.core.textfold import fold
from tui.core.walker import WalkResult, is_note_file, walk_notes
from tui.core.x_archive import is_x_archive, parse_x_archive, x_archive_sources

PARALLEL_THRESHOLD = 64


@dataclass(slots=True)
class RefreshStats:
    """What a refresh did, for benchmarks and the status line."""

    sources: int = 0
    parsed: int = 0
    reused: int = 0
    removed: int = 0
    seconds: float = 0.0


@dataclass(slots=True)
class _SourceRef:
    key: str
    path: Path
    is_archive: bool
    signature: str = ""


@dataclass(slots=True)
class _Change:
    parsed: dict[str, CachedSource] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)


def _signature(paths: Sequence[Path]) -> str | None:
    parts = []
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            return None
        parts.append(f"{st.st_mtime_ns}:{st.st_size}")
    return "|".join(parts)


def _prepare(entries: list[Entry], warnings: list[str], signature: str) -> CachedSource:
    return CachedSource(
        signature=signature,
        entries=entries,
        hays=[entry_haystack(e) for e in entries],
        titles=[fold(e.title) for e in entries],
        warnings=warnings,
    )


def parse_source(root: Path, ref: _SourceRef) -> CachedSource:
    """Parse one note file or archive; never raises (failures become warnings)."""
    warnings: list[str] = []
    try:
        if ref.is_archive:
            parsed = parse_x_archive(root, ref.path)
            return _prepare(parsed.entries, parsed.warnings, ref.signature)
        decoded = read_note_file(ref.path, display_name=ref.key, warnings=warnings)
        if decoded is None:
            return _prepare([], warnings, ref.signature)
        warnings.extend(decoded.warnings)
        parsed = parse_note(ref.key, decoded.text)
        return _prepare(parsed.entries, warnings + parsed.warnings, ref.signature)
    except Exception as exc:  # a parser bug must cost one file, not the index
        warnings.append(f"{ref.key}: skipped, parser failed ({type(exc).__name__}: {exc})")
        return _prepare([], warnings, ref.signature)


def _parse_many(root: Path, refs: list[_SourceRef], jobs: int) -> list[CachedSource]:
    if jobs > 1 and len(refs) >= PARALLEL_THRESHOLD:
        try:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                return list(pool.map(parse_source, [root] * len(refs), refs, chunksize=16))
        except (OSError, RuntimeError):
            pass  # no process support here: fall through to serial parsing
    return [parse_source(root, ref) for ref in refs]


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
        self._cache = SourceCache(cache_path_for(self.root, cache_dir)) if use_cache else None
        self._sources: dict[str, CachedSource] = {}
        self._refs: dict[str, _SourceRef] = {}
        self._walk_warnings: list[str] = []
        self._engine: SearchEngine | None = None

    # -- reading the tree --------------------------------------------------------

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _refs_from_walk(self, walk: WalkResult) -> dict[str, _SourceRef]:
        refs: dict[str, _SourceRef] = {}
        for path in walk.files:
            refs[self._relative(path)] = _SourceRef(self._relative(path), path, False)
        for directory in walk.archives:
            refs[self._relative(directory)] = _SourceRef(self._relative(directory), directory, True)
        return refs

    def _sign(self, ref: _SourceRef) -> bool:
        paths = x_archive_sources(ref.path) if ref.is_archive else [ref.path]
        signature = _signature(paths)
        if signature is None:
            return False
        ref.signature = signature
        return True

    def refresh(self) -> RefreshStats:
        """Bring the index in line with the disk; parse only what changed."""
        started = time.perf_counter()
        walk = walk_notes(self.root, self.ignore_globs)
        self._walk_warnings = list(walk.warnings)
        refs = {k: r for k, r in self._refs_from_walk(walk).items() if self._sign(r)}
        stored = self._cache.load_all() if self._cache is not None and not self._sources else {}
        change = _Change()
        to_parse: list[_SourceRef] = []
        stats = RefreshStats(sources=len(refs))
        for key, ref in refs.items():
            current = self._sources.get(key)
            if current is not None and current.signature == ref.signature:
                stats.reused += 1
                continue
            cached = stored.get(key)
            if cached is not None and cached[0] == ref.signature:
                unpacked = SourceCache.unpack(*cached)
                if unpacked is not None:
                    self._sources[key] = unpacked
                    stats.reused += 1
                    continue
            to_parse.append(ref)
        for ref, source in zip(to_parse, _parse_many(self.root, to_parse, self.jobs), strict=True):
            self._sources[ref.key] = source
            change.parsed[ref.key] = source
        stats.parsed = len(to_parse)
        gone = [k for k in self._sources if k not in refs]
        gone += [k for k in stored if k not in refs and k not in gone]
        for key in gone:
            self._sources.pop(key, None)
        change.removed = gone
        stats.removed = len([k for k in gone if k not in stored or k in self._refs])
        self._refs = refs
        self._save(change)
        if change.parsed or gone or self._engine is None:
            self._engine = None
        stats.seconds = time.perf_counter() - started
        return stats

    def _save(self, change: _Change) -> None:
        if self._cache is not None and (change.parsed or change.removed):
            self._cache.store(change.parsed, change.removed)

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
        """Re-check one path after a change event; True if the entries changed."""
        key = self.source_key_for(path)
        if key is None:
            return False
        target = self.root / key
        archive = key in self._refs and self._refs[key].is_archive
        exists = target.is_dir() if archive else target.is_file()
        if not exists or not (archive or is_note_file(target, self.root)):
            return self.remove_path(key)
        if not archive and target.parent != self.root and is_x_archive(target.parent.parent):
            return False
        ref = _SourceRef(key, target, archive)
        if not self._sign(ref):
            return self.remove_path(key)
        current = self._sources.get(key)
        if current is not None and current.signature == ref.signature:
            return False
        source = parse_source(self.root, ref)
        self._refs[key] = ref
        self._sources[key] = source
        self._save(_Change(parsed={key: source}))
        self._engine = None
        return True

    def remove_path(self, path: Path | str) -> bool:
        """Forget a source (and everything under it, for a removed directory)."""
        key = self.source_key_for(path) if isinstance(path, Path) else str(path)
        if key is None:
            return False
        gone = [k for k in self._sources if k == key or k.startswith(key.rstrip("/") + "/")]
        for k in gone:
            self._sources.pop(k, None)
            self._refs.pop(k, None)
        if gone:
            self._save(_Change(removed=gone))
            self._engine = None
        return bool(gone)

    # -- what the rest of the app reads ---------------------------------------

    @property
    def entries(self) -> list[Entry]:
        return self.engine.entries

    @property
    def warnings(self) -> list[str]:
        found = list(self._walk_warnings)
        for key in sorted(self._sources):
            found.extend(self._sources[key].warnings)
        if self._cache is not None and self._cache.problem:
            found.append(self._cache.problem)
        return found

    @property
    def engine(self) -> SearchEngine:
        """The search engine over the current entries, rebuilt after changes."""
        if self._engine is None:
            entries: list[Entry] = []
            hays: list[str] = []
            titles: list[str] = []
            for key in sorted(self._sources):
                source = self._sources[key]
                entries.extend(source.entries)
                hays.extend(source.hays)
                titles.extend(source.titles)
            self._engine = SearchEngine(entries, hays, titles)
        return self._engine

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()


def open_index(root: Path, **options: object) -> NoteIndex:
    """Build an index for `root` and bring it up to date."""
    index = NoteIndex(root, **options)  # type: ignore[arg-type]
    index.refresh()
    return index
