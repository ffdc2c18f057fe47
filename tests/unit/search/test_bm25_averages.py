"""The column averages bm25 normalises by are kept beside the cache for the next process,
and computed afresh when the sampled entries changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.search.searchable import SearchableIndex


def _index(root: Path, cache: Path) -> SearchableIndex:
    index = SearchableIndex(root, cache_dir=cache, jobs=1)
    index.refresh()
    return index


def test_a_second_process_reads_the_averages_instead_of_the_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "a.md").write_text("# Short\n\nfour words of text\n", encoding="utf-8")
    (root / "b.md").write_text("# A longer title here\n\n" + "many words " * 30 + "\n",
                               encoding="utf-8")
    cache = tmp_path / "cache"
    first = _index(root, cache)
    averages = first.engine.finder.ranker.column_averages()
    first.close()
    second = _index(root, cache)

    def no_reads(rowids: object) -> None:
        raise AssertionError("entries read again")

    monkeypatch.setattr(second.store, "entries", no_reads)
    assert second.engine.finder.ranker.column_averages() == averages
    second.close()


def test_changed_entries_give_new_averages(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "a.md").write_text("# T\n\nshort\n", encoding="utf-8")
    cache = tmp_path / "cache"
    first = _index(root, cache)
    before = first.engine.finder.ranker.column_averages()
    first.close()
    (root / "a.md").write_text("# A much longer title\n\n" + "text " * 50 + "\n",
                               encoding="utf-8")
    second = _index(root, cache)
    assert second.engine.finder.ranker.column_averages() != before
    second.close()
    assert len(list(cache.glob("index-*.averages-*.marshal"))) == 1
