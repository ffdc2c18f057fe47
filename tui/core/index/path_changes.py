"""Changed paths, many at once (a `git checkout`, a copied or removed folder).

A watcher batch is sorted into sources to forget and sources to parse. The
forgetting goes first and in chunks, each its own transaction: a removed
folder leaves the list as it goes instead of all at once at the end. The
parses then go through the build's batches (worker processes when many), so a
batch of 400 files shows `indexing 120/419 files` as a cold start does and
its first files are searchable while the rest are parsed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from tui.core.index.sources import SourceRef, sign
from tui.core.index.store import IndexStore

Progress = Callable[[int, int], None]
REMOVE_CHUNK = 32  # sources forgotten per transaction (~0.25 s each at 13 entries a file)


def classify(root: Path, key: str, archive: bool, admitted: Callable[[Path], bool],
             stored: str | None) -> SourceRef | bool:
    """What the disk says of one source: a signed ref to parse, True when it is
    gone (or no longer admitted by the walk's rules), False when unchanged."""
    target = root / key
    if archive:
        if not target.is_dir():
            return True
    elif not admitted(target):
        return True
    ref = SourceRef(key, target, archive)
    if not sign(ref):
        return True
    return False if stored == ref.signature else ref


def stored_under(store: IndexStore, gone: Iterable[str]) -> list[str]:
    """The stored sources `gone` names: each key itself, or every source under it
    when it names a folder (a removed directory)."""
    found: dict[str, None] = {}
    folders = []
    for key in gone:
        if store.signature(key) is not None:
            found[key] = None
        else:
            folders.append(key.rstrip("/") + "/")
    if folders:
        prefixes = tuple(folders)
        found.update((k, None) for k in store.signatures() if k.startswith(prefixes))
    return list(found)


def remove_in_chunks(store: IndexStore, keys: list[str], progress: Progress | None,
                     total: int) -> None:
    """Forget `keys`, REMOVE_CHUNK a transaction; `progress(done, total)` after each."""
    for start in range(0, len(keys), REMOVE_CHUNK):
        store.replace_sources({}, keys[start:start + REMOVE_CHUNK])
        if progress is not None:
            progress(min(start + REMOVE_CHUNK, len(keys)), total)


def shifted(progress: Progress | None, before: int) -> Progress | None:
    """`progress` counting `before` sources already done (the removals) in front."""
    if progress is None or not before:
        return progress
    return lambda done, total: progress(before + done, before + total)
