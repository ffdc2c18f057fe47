"""Find the note files under a notes root, safely and in a stable order.

A notes folder is often a git checkout or a synced directory full of editor
droppings, symlinks and the odd unreadable folder. The walk must never raise,
never escape the root through a symlink, never loop, and always list files in
the same order so index rebuilds are reproducible.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    import pathspec

NOTE_SUFFIXES = frozenset({".md", ".markdown", ".txt"})
IGNORE_FILE = ".notesiftignore"
GITIGNORE_FILE = ".gitignore"
IGNORE_FILES = (GITIGNORE_FILE, IGNORE_FILE)  # later wins: .notesiftignore can re-include
GIT_EXCLUDE_FILE = ".git/info/exclude"  # read at the root, like .gitignore (rg and fd do)

# Files editors write next to the real one while saving.
_TEMP_PATTERNS = ("*~", "*.swp", "*.swx", "4913", "*___jb_*___", ".#*")


@dataclass(slots=True)
class WalkResult:
    """Note files and tweet archives found under a root, plus what was skipped."""

    files: list[Path] = field(default_factory=list)
    archives: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Each folder listed (relative POSIX, "" = root) and its mtime_ns, read before the
    # listing: while none changes, no note was added, removed or renamed anywhere.
    dirs: dict[str, int] = field(default_factory=dict)
    # Each ignore file the rules came from (relative POSIX) and its "mtime:size" as read.
    ignore_files: dict[str, str] = field(default_factory=dict)


class IgnoreMatcher:
    """gitignore semantics (via `pathspec`) for the walk and the watcher alike.

    Rules come from the config's `ignore` globs (lowest precedence), then the root's
    `.git/info/exclude` and every folder's `.gitignore` (unless `respect_gitignore`
    is off, as `rg --no-ignore-vcs`) and `.notesiftignore`, each relative to its own
    folder; a deeper file overrides a shallower one and a later line an earlier one,
    `!x` re-includes, and nothing inside an ignored folder can be re-included (git's
    rule: the walk never enters it). Ignore files are read lazily, once per folder;
    `reload()` forgets them.
    """

    def __init__(
        self, root: Path, ignore_globs: Sequence[str] = (), respect_gitignore: bool = True
    ) -> None:
        self.root = root
        self.names = IGNORE_FILES if respect_gitignore else (IGNORE_FILE,)
        self.globs = tuple(ignore_globs)
        self.warnings: list[str] = []
        self.files: dict[str, str] = {}  # ignore files read: relative path -> "mtime:size"
        self._specs: dict[str, pathspec.PathSpec | None] = {}
        self._chains: dict[str, list[tuple[int, pathspec.PathSpec]]] = {}

    def reload(self) -> None:
        self._specs.clear()
        self._chains.clear()
        self.files.clear()

    def _spec(self, rel_dir: str) -> pathspec.PathSpec | None:
        """The combined rules of `rel_dir`'s ignore files ("" is the root)."""
        if rel_dir in self._specs:
            return self._specs[rel_dir]
        lines: list[str] = list(self.globs) if not rel_dir else []
        names = self.names
        if not rel_dir and GITIGNORE_FILE in names:
            names = (GIT_EXCLUDE_FILE, *names)  # the checkout's own excludes, lowest first
        for name in names:
            path = self.root / rel_dir / name
            rel = f"{rel_dir}/{name}" if rel_dir else name
            try:
                st = path.stat()  # before the read: an edit after it must look different
                lines.extend(path.read_text(encoding="utf-8", errors="replace").splitlines())
            except (FileNotFoundError, NotADirectoryError):
                continue
            except OSError as exc:
                self.warnings.append(f"{rel}: cannot read ({exc.strerror or exc})")
                continue
            self.files[rel] = f"{st.st_mtime_ns}:{st.st_size}"
        spec = None
        if lines:
            import pathspec  # ~30 ms: only a tree with ignore files pays it

            spec = pathspec.GitIgnoreSpec.from_lines(lines)
        self._specs[rel_dir] = spec
        return spec

    def _chain(self, rel_dir: str) -> list[tuple[int, pathspec.PathSpec]]:
        """(prefix length, spec) of every folder from the root down to `rel_dir` with rules."""
        chain = self._chains.get(rel_dir)
        if chain is None:
            parent, _, _ = rel_dir.rpartition("/")
            chain = list(self._chain(parent)) if rel_dir else []
            spec = self._spec(rel_dir)
            if spec is not None:
                chain.append((len(rel_dir) + 1 if rel_dir else 0, spec))
            self._chains[rel_dir] = chain
        return chain

    def ignores(self, rel: str, is_dir: bool) -> bool:
        """Whether `rel` itself is ignored (its folders are the caller's to check)."""
        chain = self._chain(rel.rpartition("/")[0])
        if not chain:
            return False
        verdict: bool | None = None
        suffix = "/" if is_dir else ""
        for cut, spec in chain:
            include = spec.check_file(rel[cut:] + suffix).include
            if include is not None:
                verdict = include
        return bool(verdict)

    def ignores_path(self, parts: Sequence[str], is_dir: bool) -> bool:
        """`ignores` for the path or any folder above it (what the walk would skip)."""
        for i in range(1, len(parts) + 1):
            if self.ignores("/".join(parts[:i]), is_dir if i == len(parts) else True):
                return True
        return False


def is_sync_conflict(name: str) -> bool:
    """Syncthing's `note.sync-conflict-20240101-120000-ABCDEF.md` copies."""
    return ".sync-conflict-" in name


def is_temp_file(name: str) -> bool:
    """True for editor swap/backup files that should never become notes."""
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in _TEMP_PATTERNS)


def _is_archive(directory: Path) -> bool:
    """An official X/Twitter archive keeps its tweets in data/tweets*.js."""
    data = directory / "data"
    try:
        if (data / "tweets.js").is_file():
            return True
        return any(fnmatch.fnmatchcase(entry.name, "tweets-part*.js") for entry in os.scandir(data))
    except OSError:
        return False


def _is_inside(target: Path, root: Path) -> bool:
    return target == root or root in target.parents


Verdict = Literal["skip", "dir", "file"]


class _Entry(Protocol):
    """What `_Walker.classify` needs of an `os.DirEntry` (or a `_PathEntry`)."""

    @property
    def name(self) -> str: ...
    @property
    def path(self) -> str: ...
    def is_symlink(self) -> bool: ...
    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result: ...


class _PathEntry:
    """A `DirEntry` look-alike for one path, so single-path checks reuse the walk's rules."""

    __slots__ = ("name", "path")

    def __init__(self, path: Path) -> None:
        self.name = path.name
        self.path = str(path)

    def is_symlink(self) -> bool:
        return os.path.islink(self.path)

    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        return os.stat(self.path, follow_symlinks=follow_symlinks)


class _Walker:
    """One walk's state: the resolved root, ignore rules and visited directories."""

    def __init__(self, root: Path, rules: IgnoreMatcher, result: WalkResult) -> None:
        self.root = root
        self.real_root = root.resolve()
        self.rules = rules
        self.result = result
        self.visited: set[tuple[int, int]] = set()

    def walk(self, directory: Path, rel_dir: str) -> None:
        """Visit `directory`; symlinks are vetted before being followed."""
        shown = rel_dir or "."
        try:
            st = directory.stat()
        except OSError as exc:
            self.result.warnings.append(f"{shown}: cannot open directory ({exc.strerror})")
            return
        key = (st.st_dev, st.st_ino)
        if key in self.visited:
            return
        self.visited.add(key)
        if _is_archive(directory):
            self.result.archives.append(directory)
            return
        self.result.dirs[rel_dir] = st.st_mtime_ns
        try:
            with os.scandir(directory) as iterator:
                entries = sorted(iterator, key=lambda e: e.name)
        except OSError as exc:
            self.result.warnings.append(f"{shown}: cannot list directory ({exc.strerror})")
            return
        for entry in entries:
            self.visit(entry, rel_dir)

    def visit(self, entry: os.DirEntry[str], rel_dir: str) -> None:
        rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
        verdict = self.classify(entry, rel)
        if verdict == "dir":
            self.walk(Path(entry.path), rel)
        elif verdict == "file":
            self.result.files.append(Path(entry.path))

    def classify(self, entry: _Entry, rel: str) -> Verdict:
        """Whether the walk lists `entry` as a note, descends into it, or skips it.

        The one place the rules live: the full walk and `walk_admits` (the
        watcher's per-file updates) both ask here, so they cannot disagree.
        """
        name = entry.name
        if name.startswith("."):
            return "skip"
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            # Not valid UTF-8 on disk: it cannot be stored, shown or searched faithfully.
            shown = rel.encode("utf-8", "backslashreplace").decode("utf-8")
            self.result.warnings.append(f"{shown}: name is not valid UTF-8; skipped")
            return "skip"
        is_link = False
        try:
            is_link = entry.is_symlink()
            st = os.stat(entry.path) if is_link else entry.stat(follow_symlinks=False)
        except FileNotFoundError:
            if is_link:
                self.result.warnings.append(f"{rel}: broken symlink skipped")
            return "skip"
        except OSError as exc:
            self.result.warnings.append(f"{rel}: cannot stat ({exc.strerror or exc})")
            return "skip"
        is_dir = stat.S_ISDIR(st.st_mode)
        if not is_dir and (is_temp_file(name) or Path(name).suffix.lower() not in NOTE_SUFFIXES):
            return "skip"  # cheap name checks before the ignore rules
        if self.rules.ignores(rel, is_dir):
            return "skip"
        if not is_dir and is_sync_conflict(name):
            self.result.warnings.append(
                f"{rel}: Syncthing conflict copy ignored; merge it into the original"
            )
            return "skip"
        if is_link:
            try:
                target = Path(entry.path).resolve(strict=True)
            except (OSError, RuntimeError):
                self.result.warnings.append(f"{rel}: broken or looping symlink skipped")
                return "skip"
            if not _is_inside(target, self.real_root):
                self.result.warnings.append(
                    f"{rel}: symlink points outside the notes root; skipped"
                )
                return "skip"
            if is_dir and (st.st_dev, st.st_ino) in self.visited:
                self.result.warnings.append(f"{rel}: symlink to an already visited folder")
                return "skip"
            if not is_dir and self._listed_by_own_name(target):
                return "skip"  # each real file once: `ln -s a/n.md alias.md` listed it twice
        if is_dir:
            return "dir"
        if not stat.S_ISREG(st.st_mode):
            return "skip"
        # An unreadable file is listed all the same: its read fails with a warning and
        # it is kept as not read, so once its permissions are fixed the next check
        # (one-shot commands do not walk) reads it. Skipped here, nothing came back to it.
        return "file"


    def _listed_by_own_name(self, target: Path) -> bool:
        """Whether the walk lists the (resolved) file `target` under its own path."""
        parts = target.relative_to(self.real_root).parts
        checker = _Walker(self.root, self.rules, WalkResult())  # its warnings are not ours
        return _admitted(checker, self.root, parts)


def walk_notes(
    root: Path, ignore_globs: Sequence[str] = (), *, respect_gitignore: bool = True
) -> WalkResult:
    """List note files under `root` (sorted, absolute) and tweet archives.

    Honours `ignore_globs`, `.gitignore` and `.notesiftignore` files (`IgnoreMatcher`);
    never raises.
    """
    result = WalkResult()
    try:
        root = Path(root).absolute()
        rules = IgnoreMatcher(root, ignore_globs, respect_gitignore)
        if not root.is_dir():
            result.warnings.append(f"{root}: not a directory")
            return result
        _Walker(root, rules, result).walk(root, "")
        result.warnings[:0] = rules.warnings
        result.ignore_files = dict(rules.files)
    except Exception as exc:  # never let a walk take the app down
        result.warnings.append(f"{root}: walk aborted ({exc})")
    result.files.sort(key=lambda p: p.relative_to(root).as_posix())
    result.archives.sort()
    return result


def walk_admits(
    root: Path,
    path: Path | str,
    ignore_globs: Sequence[str] = (),
    *,
    respect_gitignore: bool = True,
) -> bool:
    """Whether `walk_notes(root, ignore_globs)` would list `path` as a note file.

    For per-file updates (the watcher): every folder from the root down and the file
    itself go through the walk's own `classify`, with the ignore files read afresh,
    so an update can never index what a full refresh would skip. The one rule not
    replayed is the walk's "folder already visited through another symlink" order.
    Never raises.
    """
    try:
        root = Path(root).absolute()
        candidate = Path(path)
        if not candidate.is_absolute():
            candidate = root / candidate
        parts = candidate.relative_to(root).parts
        if not parts or ".." in parts:
            return False
        rules = IgnoreMatcher(root, ignore_globs, respect_gitignore)
        return _admitted(_Walker(root, rules, WalkResult()), root, parts)
    except Exception:  # an odd path is simply not a note
        return False


def _admitted(walker: _Walker, root: Path, parts: tuple[str, ...]) -> bool:
    """Every folder from the root down to `parts`, and the file, through `classify`."""
    current = root
    for depth, name in enumerate(parts):
        if _is_archive(current):
            return False  # the walk parses an archive as a whole, never its files
        current = current / name
        wanted = "file" if depth == len(parts) - 1 else "dir"
        if walker.classify(_PathEntry(current), "/".join(parts[: depth + 1])) != wanted:
            return False
    return True
