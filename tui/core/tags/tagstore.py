"""Add and remove tags without ever damaging a note.

A note whose front matter parses exactly gets the tag in its `tags` list, by
changing only that line or block (see `fm_tags`). Everything else (sections,
tweets, key rows, plain files, archives, notes with malformed front matter) is
tagged in a sidecar, `.notesift/tags.json` in the notes root, keyed by entry id.
Inline `#tags` are read but never rewritten.

Every write goes through `file_rewrite`: under the notes root's writer lock,
re-read, edited and swapped in atomically, an editor's save that lands meanwhile
kept and the edit re-applied to it, so neither a tag reported as written nor an
edit is lost. This module decides what to write where, and keeps the undo steps.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from tui.core.ingest.entry import Entry
from tui.core.ingest.inline_tags import find_inline_tags, merge_tags
from tui.core.ingest.sidecar import (
    SIDECAR_REL,
    load_sidecar,
    parse_sidecar,
    sidecar_path,
)
from tui.core.safe_write import rel_name
from tui.core.tags.file_rewrite import Refused, Transform, rewrite_file
from tui.core.tags.fm_tags import NotEditable, edit_tags, parse_exact
from tui.core.tags.undo_edit import reverse_edit
from tui.core.text.decoding import decode_bytes

MAX_TAG_LEN = 100
UNDO_DEPTH = 50
_FORBIDDEN = set(",[]{}\"'`\\")


class TagError(ValueError):
    """A tag that cannot be stored (blank, contains spaces or quotes)."""


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


def _sorted_tags(tags: Iterable[str]) -> list[str]:
    return sorted(merge_tags(tags), key=lambda t: (t.casefold(), t))


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
class _Write:
    before: bytes | None
    after: bytes | None


@dataclass(slots=True)
class _Step:
    writes: dict[Path, _Write] = field(default_factory=dict)
    label: str = ""


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

        A file changed since our write keeps that change: the edit is taken back
        from it when its own lines are untouched, else the file is left alone
        and reported.
        """
        if not self._undo:
            return None
        step = self._undo.pop()
        restored: list[str] = []
        problems: list[str] = []
        for path, write in reversed(list(step.writes.items())):

            def back(data: bytes | None, write: _Write = write, path: Path = path) -> bytes | None:
                if data == write.after:
                    return write.before
                if data is not None and write.after is not None and path == self.sidecar:
                    reversed_now = reverse_sidecar_edit(write.before, write.after, data)
                    if reversed_now is not None:  # other notes tagged since: kept
                        return reversed_now
                elif data is not None and write.before is not None and write.after is not None:
                    reversed_now = reverse_edit(write.before, write.after, data)
                    if reversed_now is not None:  # edited elsewhere since: kept
                        return reversed_now
                name = rel_name(self.root, path)
                raise Refused(f"{name} changed since the tag edit; not undone")

            try:
                self._rewrite(path, back, record=False)
                restored.append(rel_name(self.root, path))
            except Refused as exc:
                problems.append(str(exc))
        if problems:
            return TagChange(False, "; ".join(problems), tuple(restored), refused=True)
        return TagChange(True, f"Undid tag change ({', '.join(restored)})", tuple(restored))

    # -- writing, recorded for undo -------------------------------------
    def _rewrite(self, path: Path, transform: Transform, record: bool = True) -> bool:
        """Rewrite `path` safely (see `file_rewrite`); True if it changed, recorded for undo."""
        written = rewrite_file(self.root, path, transform, after_read=self.after_read)
        if written is None:
            return False
        real, before, new = written
        if record and self._batch is not None:
            previous = self._batch.writes.get(real)
            first = previous.before if previous is not None else before
            self._batch.writes[real] = _Write(first, new)
        return True

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
                return merge_tags(fm_tags, find_inline_tags(text), side)
        return merge_tags(entry.tags, find_inline_tags(entry.text), side)

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
                except (Refused, NotEditable) as exc:
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
) -> Transform:
    def transform(data: bytes | None) -> bytes | None:
        if data is None:
            raise Refused("the note vanished before the tag was written")
        bom, text, encoding = _decode_exact(data)
        new_text = edit_tags(text, add=add, remove=remove)
        if new_text == text:
            return data
        try:
            return bom + new_text.encode(encoding)
        except UnicodeEncodeError:
            raise NotEditable(f"the tag cannot be written in {encoding}") from None

    return transform


def reverse_sidecar_edit(before: bytes | None, after: bytes, now: bytes) -> bytes | None:
    """`now` with the notes the edit `before` -> `after` changed given their tags back,
    or None when one of those notes' tags changed since (or a file is damaged).

    By data, not lines: in the sidecar every note's tags look alike, and a line-based
    undo could take a tag off another note that was tagged the same way since."""
    try:
        old = parse_sidecar(before) if before else {}
        new, current = parse_sidecar(after), parse_sidecar(now)
    except (ValueError, UnicodeDecodeError):
        return None
    changed = [k for k in old.keys() | new.keys()
               if _sorted_tags(old.get(k, [])) != _sorted_tags(new.get(k, []))]
    if any(_sorted_tags(current.get(k, [])) != _sorted_tags(new.get(k, [])) for k in changed):
        return None
    for key in changed:
        current[key] = old.get(key, [])
    return dump_sidecar(current)


def _sidecar_edit(
    entry_id: str, add: str | None = None, remove: str | None = None
) -> Transform:
    def transform(data: bytes | None) -> bytes | None:
        try:
            current = parse_sidecar(data) if data is not None else {}
        except (ValueError, UnicodeDecodeError) as exc:
            raise Refused(f"{SIDECAR_REL} is damaged ({exc}); fix or remove it first") from None
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
