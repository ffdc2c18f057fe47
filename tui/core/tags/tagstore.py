"""Add and remove tags without ever damaging a note.

A note whose front matter parses exactly gets the tag in its `tags` list, by
changing only that line or block (see `fm_tags`). Everything else (sections,
tweets, key rows, plain files, archives, notes with malformed front matter) is
tagged in a sidecar, `.notesift/tags.json` in the notes root, keyed by entry id.
Inline `#tags` are read but never rewritten.

Every write happens under the notes root's writer lock (shared by every
notesift process), re-reads the file inside it, applies the edit to what is
there and swaps the result in atomically (temp file in `.notesift/`, fsync,
exchange or rename; a symlink's target is replaced so the link stays a link,
and only when it lies inside the root). It keeps the file mode, and an editor
save that lands meanwhile is kept and the edit re-applied to it (see
`safe_write`), so neither a tag reported as written nor an edit is lost.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from tui.core.ingest.entry import Entry
from tui.core.ingest.inline_tags import find_inline_tags
from tui.core.ingest.sidecar import (
    SIDECAR_REL,
    load_sidecar,
    parse_sidecar,
    sidecar_path,
)
from tui.core.safe_write import (
    WriteRefused,
    checked_target,
    exchange,
    fsync_dir,
    root_lock,
    state_dir,
    write_temp,
)
from tui.core.tags.fm_tags import NotEditable, edit_tags, parse_exact
from tui.core.text.decoding import decode_bytes

MAX_TAG_LEN = 100
UNDO_DEPTH = 50
MAX_ATTEMPTS = 20  # re-reads when the file changed before we could write (an editor saving)
_FORBIDDEN = set(",[]{}\"'`\\")


class TagError(ValueError):
    """A tag that cannot be stored (blank, contains spaces or quotes)."""


class _Refused(Exception):
    """A write that must not happen; the message is for the user."""


def normalize_tag(tag: str) -> str:
    """Strip a leading `#` and surrounding space; reject what cannot be a tag.

    Nested `a/b` and any Unicode letters are fine; whitespace, control
    characters, quotes, brackets, commas and backslashes are not, because they
    cannot round-trip through a front matter list or an inline `#tag`.
    """
    text = tag.strip().lstrip("#").strip()
    if not text:
        raise TagError("a tag cannot be empty")
    if any(ch.isspace() for ch in text):
        raise TagError(f"tag {text!r} contains whitespace")
    bad = sorted({ch for ch in text if ch in _FORBIDDEN or not ch.isprintable()})
    if bad:
        raise TagError(f"tag {text!r} contains {''.join(bad)!r}")
    if len(text) > MAX_TAG_LEN:
        raise TagError(f"tag is longer than {MAX_TAG_LEN} characters")
    return text


def _merge(*groups: Iterable[str]) -> list[str]:
    """Union in order; `AI` and `ai` are one tag (first spelling kept)."""
    seen: set[str] = set()
    out: list[str] = []
    for group in groups:
        for tag in group:
            if tag and tag.casefold() not in seen:
                seen.add(tag.casefold())
                out.append(tag)
    return out


def _sorted_tags(tags: Iterable[str]) -> list[str]:
    return sorted(_merge(tags), key=lambda t: (t.casefold(), t))


def dump_sidecar(data: dict[str, list[str]]) -> bytes:
    """Sorted ids, sorted tags, indent 2: readable and diff-friendly."""
    clean = {k: _sorted_tags(v) for k, v in data.items() if v}
    text = json.dumps(clean, ensure_ascii=False, indent=2, sort_keys=True)
    return (text + "\n").encode("utf-8")


@dataclass(slots=True)
class TagChange:
    """The outcome of a tag operation, for the status line and the CLI."""

    ok: bool
    message: str
    paths: tuple[str, ...] = ()
    entries: tuple[str, ...] = ()
    refused: bool = False  # a write was refused (file changed, I/O error)

    @property
    def path(self) -> str | None:
        """The first file written (relative to the root), if any."""
        return self.paths[0] if self.paths else None


@dataclass(slots=True)
class _Snapshot:
    data: bytes | None
    mtime_ns: int = 0
    size: int = 0
    digest: str = ""
    mode: int = 0o644

    def same_as(self, other: _Snapshot) -> bool:
        return (self.data is None) == (other.data is None) and (
            self.mtime_ns,
            self.size,
            self.digest,
        ) == (other.mtime_ns, other.size, other.digest)


@dataclass(slots=True)
class _Write:
    before: bytes | None
    after_digest: str | None


@dataclass(slots=True)
class _Step:
    writes: dict[Path, _Write] = field(default_factory=dict)
    label: str = ""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _snapshot(path: Path) -> _Snapshot:
    try:
        with path.open("rb") as handle:
            st = os.fstat(handle.fileno())
            data = handle.read()
    except FileNotFoundError:
        return _Snapshot(None)
    if not stat.S_ISREG(st.st_mode):
        raise _Refused(f"{path.name}: not a regular file")
    return _Snapshot(data, st.st_mtime_ns, st.st_size, _digest(data), stat.S_IMODE(st.st_mode))


def _decode_exact(data: bytes) -> tuple[bytes, str, str]:
    """(bom, text with original line ends, encoding), only if it round-trips."""
    decoded = decode_bytes(data)
    if decoded.warnings:  # a guessed or lossy encoding: new bytes could land in the wrong one
        raise NotEditable(f"its encoding is uncertain ({decoded.encoding})")
    body = data[len(decoded.bom) :]
    try:
        text = body.decode(decoded.encoding)
    except UnicodeDecodeError:
        raise NotEditable(f"not valid {decoded.encoding}") from None
    if text.encode(decoded.encoding) != body:
        raise NotEditable(f"{decoded.encoding} text does not round-trip")
    return decoded.bom, text, decoded.encoding


class TagStore:
    """Tag edits under one notes root, with undo.

    `after_read(path)` is a test hook, called between reading a file and
    writing it back, to simulate an editor saving at the worst moment.
    """

    def __init__(self, root: Path, *, undo_depth: int = UNDO_DEPTH) -> None:
        self.root = Path(root).expanduser().resolve()
        self.sidecar = sidecar_path(self.root)
        self.undo_depth = undo_depth
        self.after_read: Callable[[Path], None] | None = None
        self._undo: list[_Step] = []
        self._batch: _Step | None = None
        self._depth = 0

    # -- batches and undo ------------------------------------------------
    def begin_batch(self, label: str = "") -> None:
        """Start grouping changes into one undo step (nestable)."""
        if self._depth == 0:
            self._batch = _Step(label=label)
        self._depth += 1

    def end_batch(self) -> None:
        """Close the batch; it becomes one undo step if it wrote anything."""
        if self._depth == 0:
            return
        self._depth -= 1
        if self._depth == 0 and self._batch is not None:
            if self._batch.writes:
                self._undo.append(self._batch)
                del self._undo[: -self.undo_depth]
            self._batch = None

    @contextlib.contextmanager
    def _step(self) -> Iterator[None]:
        self.begin_batch()
        try:
            yield
        finally:
            self.end_batch()

    def undo(self) -> TagChange | None:
        """Restore every file of the last step; None when there is nothing to undo.

        A file changed since our write is left alone and reported.
        """
        if not self._undo:
            return None
        step = self._undo.pop()
        restored: list[str] = []
        problems: list[str] = []
        for path, write in reversed(list(step.writes.items())):

            def back(data: bytes | None, write: _Write = write, path: Path = path) -> bytes | None:
                now = _digest(data) if data is not None else None
                if now != write.after_digest:
                    raise _Refused(f"{self._rel(path)} changed since the tag edit; not undone")
                return write.before

            try:
                self._rewrite(path, back, record=False)
                restored.append(self._rel(path))
            except _Refused as exc:
                problems.append(str(exc))
        if problems:
            return TagChange(False, "; ".join(problems), tuple(restored), refused=True)
        return TagChange(True, f"Undid tag change ({', '.join(restored)})", tuple(restored))

    # -- low-level file writing -----------------------------------------
    def _rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def _rewrite(
        self,
        path: Path,
        transform: Callable[[bytes | None], bytes | None],
        record: bool = True,
    ) -> bool:
        """Read, transform and atomically write `path` under the root's lock; True if it changed.

        Refused (`_Refused`, naming the file) when `path` or `.notesift` leads out
        of the root, when the lock cannot be had, or the file cannot be written.
        """
        try:
            real = checked_target(self.root, path)
            with root_lock(self.root):
                written = self._write_locked(path, real, transform)
        except WriteRefused as exc:
            raise _Refused(str(exc)) from None
        except OSError as exc:
            raise _Refused(f"{self._rel(path)}: cannot write ({exc.strerror or exc})") from None
        if written is None:
            return False
        before, new = written
        if record and self._batch is not None:
            previous = self._batch.writes.get(real)
            first = previous.before if previous is not None else before
            self._batch.writes[real] = _Write(first, _digest(new) if new is not None else None)
        return True

    def _write_locked(
        self, path: Path, real: Path, transform: Callable[[bytes | None], bytes | None]
    ) -> tuple[bytes | None, bytes | None] | None:
        """(content we built on, content written), or None when nothing needed writing.

        Only notesift writers are kept out by the lock; an editor saving between
        our read and our write is caught (see `safe_write`) and its save kept.
        """
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                time.sleep(0.002 * attempt)  # let a burst of saves settle
            try:
                snap = _snapshot(real)
            except OSError as exc:
                raise _Refused(f"{self._rel(path)}: cannot read ({exc.strerror or exc})") from None
            if self.after_read is not None:
                self.after_read(real)
            new = transform(snap.data)
            if new == snap.data:
                return None
            written = self._put(real, snap, new)
            if written is not None:
                return written
        raise _Refused(f"{self._rel(path)} keeps changing on disk; tag not written")

    def _put(
        self, real: Path, snap: _Snapshot, new: bytes | None
    ) -> tuple[bytes | None, bytes | None] | None:
        """Write `new` over `real` if it still holds `snap`; None to re-read and retry."""
        if new is None:
            if not _snapshot(real).same_as(snap):
                return None
            real.unlink()
            fsync_dir(real.parent)
            return snap.data, None
        directory = state_dir(self.root)
        try:
            if snap.data is None:
                return self._create(real, directory, snap, new)
            return self._swap(real, directory, snap, new)
        except OSError as exc:
            if exc.errno != errno.EXDEV or directory == real.parent:
                raise
        # `.notesift/` is on another file system than this note: work beside it.
        if snap.data is None:
            return self._create(real, real.parent, snap, new)
        return self._swap(real, real.parent, snap, new)

    def _create(
        self, real: Path, directory: Path, snap: _Snapshot, new: bytes
    ) -> tuple[bytes | None, bytes | None] | None:
        """Put a new file at `real`, unless one appeared meanwhile (then None)."""
        tmp = write_temp(directory, real.name, new, snap.mode)
        try:
            try:
                os.link(tmp, real)  # fails if someone created it meanwhile
            except FileExistsError:
                return None
            except OSError as exc:
                if exc.errno == errno.EXDEV:
                    raise
                if os.path.lexists(real):  # no hard links here: check, then rename
                    return None
                os.replace(tmp, real)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        fsync_dir(real.parent)
        return None, new

    def _swap(
        self, real: Path, directory: Path, snap: _Snapshot, new: bytes
    ) -> tuple[bytes | None, bytes | None] | None:
        """Exchange `new` in if `real` still holds what we read; None to re-read and retry.

        An editor that saved between our check and our exchange gets its save
        put straight back (one more exchange, microseconds later), then we retry.
        """
        tmp = write_temp(directory, real.name, new, snap.mode)
        try:
            if not _snapshot(real).same_as(snap):
                return None
            if not exchange(tmp, real):
                os.replace(tmp, real)  # no exchange here: the check above is all we have
                fsync_dir(real.parent)
                return snap.data, new
            fsync_dir(real.parent)
            if tmp.read_bytes() == snap.data:
                return snap.data, new
            self._give_back(real, tmp, directory, new)
            return None
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)

    def _give_back(self, real: Path, tmp: Path, directory: Path, ours: bytes) -> None:
        """Put the save our exchange displaced (now at `tmp`) back in place."""
        exchange(tmp, real)
        fsync_dir(real.parent)
        if tmp.read_bytes() != ours:
            # Yet another save landed within microseconds: keep it, never drop it.
            kept = directory / f"{real.name}.{time.time_ns()}.notesift-conflict"
            os.replace(tmp, kept)
            raise _Refused(
                f"{self._rel(real)} was saved twice while the tag was written; tag not "
                f"written, the other save is kept as {self._rel(kept)}"
            )

    # -- where an entry's tags live -------------------------------------
    def _note_file(self, entry: Entry) -> Path | None:
        """The file whose front matter holds `entry`'s tags, if it is a note entry."""
        if entry.kind != "note":
            return None
        rel = PurePosixPath(entry.path)
        if rel.is_absolute() or ".." in rel.parts:
            return None
        path = self.root / rel
        return path if path.is_file() else None

    def _front_matter_tags(self, path: Path) -> tuple[list[str], str] | None:
        """(front matter tags, decoded text) when the file is editable, else None."""
        try:
            data = Path(os.path.realpath(path)).read_bytes()
            _, text, _ = _decode_exact(data)
            return parse_exact(text).tags, text
        except (OSError, NotEditable):
            return None

    def sidecar_tags(self) -> dict[str, list[str]]:
        """Sidecar tags by entry id (empty when missing or damaged)."""
        return load_sidecar(self.root)[0]

    def tags_for(self, entry: Entry) -> list[str]:
        """Current tags of `entry`: front matter and inline (read fresh) plus sidecar."""
        side = self.sidecar_tags().get(entry.id, [])
        path = self._note_file(entry)
        if path is not None:
            found = self._front_matter_tags(path)
            if found is not None:
                fm_tags, text = found
                return _merge(fm_tags, find_inline_tags(text), side)
        return _merge(entry.tags, find_inline_tags(entry.text), side)

    # -- public operations ----------------------------------------------
    def add(self, entry: Entry, tag: str) -> TagChange:
        """Tag one entry: front matter when possible, else the sidecar."""
        return self._apply([entry], tag, adding=True)

    def remove(self, entry: Entry, tag: str) -> TagChange:
        """Untag one entry; a tag written inline in the text is refused."""
        return self._apply([entry], tag, adding=False)

    def add_many(self, entries: Iterable[Entry], tag: str) -> TagChange:
        """Tag several entries as one undo step."""
        return self._apply(list(entries), tag, adding=True)

    def remove_many(self, entries: Iterable[Entry], tag: str) -> TagChange:
        """Untag several entries as one undo step."""
        return self._apply(list(entries), tag, adding=False)

    def _apply(self, entries: list[Entry], tag: str, adding: bool) -> TagChange:
        try:
            tag = normalize_tag(tag)
        except TagError as exc:
            return TagChange(False, f"Not a valid tag: {exc}")
        results: list[TagChange] = []
        with self._step():
            for entry in entries:
                try:
                    if adding:
                        results.append(self._add_one(entry, tag))
                    else:
                        results.append(self._remove_one(entry, tag))
                except (_Refused, NotEditable) as exc:
                    results.append(TagChange(False, str(exc), entries=(entry.id,), refused=True))
        return _combine(results, tag, adding)

    def _add_one(self, entry: Entry, tag: str) -> TagChange:
        if tag.casefold() in {t.casefold() for t in self.tags_for(entry)}:
            return TagChange(True, f"{entry.id} already has #{tag}", (), (entry.id,))
        path = self._note_file(entry)
        reason = ""
        if path is not None:
            try:
                changed = self._rewrite(path, _front_matter_edit(add=tag))
                rel = self._rel_entry_path(entry)
                return TagChange(True, f"Added #{tag} to {rel} (front matter)",
                                 (rel,) if changed else (), (entry.id,))
            except NotEditable as exc:
                reason = f" ({exc})"
        self._rewrite(self.sidecar, _sidecar_edit(entry.id, add=tag))
        return TagChange(True, f"Added #{tag} to {entry.id} in {SIDECAR_REL}{reason}",
                         (SIDECAR_REL,), (entry.id,))

    def _rel_entry_path(self, entry: Entry) -> str:
        return PurePosixPath(entry.path).as_posix()

    def _remove_one(self, entry: Entry, tag: str) -> TagChange:
        folded = tag.casefold()
        written: list[str] = []
        path = self._note_file(entry)
        if path is not None:
            found = self._front_matter_tags(path)
            in_front_matter = found is not None and folded in {t.casefold() for t in found[0]}
            if in_front_matter and self._rewrite(path, _front_matter_edit(remove=tag)):
                written.append(self._rel_entry_path(entry))
        side = self.sidecar_tags().get(entry.id, [])
        if folded in {t.casefold() for t in side}:
            self._rewrite(self.sidecar, _sidecar_edit(entry.id, remove=tag))
            written.append(SIDECAR_REL)
        if written:
            return TagChange(True, f"Removed #{tag} from {entry.id} ({', '.join(written)})",
                             tuple(written), (entry.id,))
        if folded in {t.casefold() for t in self.tags_for(entry)}:
            return TagChange(
                False,
                f"#{tag} is written in the text of {entry.path}:{entry.line}; "
                "remove it there (notesift never rewrites note text)",
                entries=(entry.id,),
            )
        return TagChange(False, f"{entry.id} has no tag #{tag}", entries=(entry.id,))


def _front_matter_edit(
    add: str | None = None, remove: str | None = None
) -> Callable[[bytes | None], bytes | None]:
    def transform(data: bytes | None) -> bytes | None:
        if data is None:
            raise _Refused("the note vanished before the tag was written")
        bom, text, encoding = _decode_exact(data)
        new_text = edit_tags(text, add=add, remove=remove)
        if new_text == text:
            return data
        try:
            return bom + new_text.encode(encoding)
        except UnicodeEncodeError:
            raise NotEditable(f"the tag cannot be written in {encoding}") from None

    return transform


def _sidecar_edit(
    entry_id: str, add: str | None = None, remove: str | None = None
) -> Callable[[bytes | None], bytes | None]:
    def transform(data: bytes | None) -> bytes | None:
        try:
            current = parse_sidecar(data) if data is not None else {}
        except (ValueError, UnicodeDecodeError) as exc:
            raise _Refused(f"{SIDECAR_REL} is damaged ({exc}); fix or remove it first") from None
        tags = current.get(entry_id, [])
        if add is not None:
            tags = [*tags, add]
        if remove is not None:
            tags = [t for t in tags if t.casefold() != remove.casefold()]
        current[entry_id] = tags
        new = dump_sidecar(current)
        return data if new == data else new

    return transform


def _combine(results: list[TagChange], tag: str, adding: bool) -> TagChange:
    """One TagChange for a batch: all paths and entries, failures spelled out."""
    if len(results) == 1:
        return results[0]
    ok = all(r.ok for r in results)
    paths = tuple(dict.fromkeys(p for r in results for p in r.paths))
    entries = tuple(e for r in results if r.ok for e in r.entries)
    verb = "Added" if adding else "Removed"
    prep = "to" if adding else "from"
    message = f"{verb} #{tag} {prep} {len(entries)} entries"
    if paths:
        message += f" ({len(paths)} file{'s' if len(paths) != 1 else ''})"
    failures = [r.message for r in results if not r.ok]
    if failures:
        message += f"; {len(failures)} failed: " + "; ".join(failures[:3])
    return TagChange(ok, message, paths, entries, refused=any(r.refused for r in results))
