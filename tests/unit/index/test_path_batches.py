"""A large watcher batch (a checkout, a copied or removed folder): removals first and in
chunks, then parses in batches, with `indexing n/N` progress and the first files
searchable while the rest are parsed (TRY #25: 419 copied files showed nothing for
14-16 s, then all at once; a removed folder stayed listed for 11 s)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tui.core.index.path_changes import REMOVE_CHUNK
from tui.core.search.searchable import SearchableIndex


def _write(folder: Path, word: str, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"{word}{i:03d}.md"
        path.write_text(f"# {word} {i}\n\n{word} text {i}\n", encoding="utf-8")
        paths.append(path)
    return paths


def _count(index: SearchableIndex, word: str) -> int:
    return len(index.search(word, limit=0).hits)


def test_a_large_batch_removes_first_then_parses_with_progress(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    old = _write(root / "old", "sloe", 70)
    index = SearchableIndex(root, cache_dir=tmp_path / "cache", jobs=1)
    index.refresh()
    try:
        per_note = _count(index, "sloe") // 70
        assert per_note >= 1
        shutil.rmtree(root / "old")
        new = _write(root / "new", "rowan", 40)
        seen: list[tuple[int, int, int, int]] = []

        def progress(done: int, total: int) -> None:
            seen.append((done, total, _count(index, "sloe"), _count(index, "rowan")))

        assert index.update_paths([*old, *new], progress=progress)
        assert seen[-1] == (110, 110, 0, 40 * per_note)
        first = seen[0]
        assert first[:2] == (REMOVE_CHUNK, 110) and first[2] == (70 - REMOVE_CHUNK) * per_note
        assert first[3] == 0, "removals come first"
        removing = [s for s in seen if s[0] <= 70]
        assert [s[2] for s in removing] == sorted((s[2] for s in removing), reverse=True)
        parsing = [s for s in seen if 70 < s[0] < 110]
        assert any(0 < s[3] < 40 * per_note for s in parsing), \
            "the first new files are searchable while the rest are parsed"
    finally:
        index.close()


def test_a_small_batch_reports_no_progress_and_agrees_with_a_refresh(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    paths = _write(root, "medlar", 3)
    index = SearchableIndex(root, cache_dir=tmp_path / "cache", jobs=1)
    index.refresh()
    try:
        paths[0].unlink()
        paths[1].write_text("# changed\n\nquince\n", encoding="utf-8")
        assert index.update_paths(paths) is True
        assert index.update_paths(paths) is False  # nothing changed since
        assert (_count(index, "medlar"), _count(index, "quince")) == (2, 1)
    finally:
        index.close()
