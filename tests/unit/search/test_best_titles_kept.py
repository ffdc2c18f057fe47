"""The best title hits of a broad query are kept for the next keystroke (the space and
the next word's first letter ask again for the same words), and only while the index
is the same: a note added meanwhile is among them."""

from __future__ import annotations

import pytest

from tui.core.index.prepared import prepare_source
from tui.core.ingest.entry import Entry
from tui.core.search import candidates, presenting
from tui.core.search.engine import SearchEngine


def _entry(n: int, title: str) -> Entry:
    return Entry(id=f"e{n}", kind="note", title=title, path=f"n{n:02}.md", line=1, end_line=2,
                 text=f"{title}\nalpha and beta notes, number {n}")


@pytest.fixture(autouse=True)
def broad(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(candidates, "BROAD_MATCHES", 5)
    monkeypatch.setattr(candidates, "COUNT_CAP", 20)
    # Only the first rows found are re-ranked: what is not among the title hits is not shown.
    monkeypatch.setattr(candidates, "FINE_RANK_COUNT", 5)
    monkeypatch.setattr(presenting, "FINE_RANK_COUNT", 5)


def test_the_same_words_again_give_the_same_answer_and_a_new_title_is_seen() -> None:
    engine = SearchEngine.from_entries(
        [_entry(n, "alpha" if n % 9 == 0 else f"entry {n}") for n in range(40)])
    first = [h.entry.id for h in engine.search("alpha beta", limit=5).hits]
    assert first == ["e0", "e9", "e18", "e27", "e36"]  # title hits first
    assert [h.entry.id for h in engine.search("alpha beta ", limit=5).hits] == first
    assert [h.entry.id for h in engine.search("alpha beta x", limit=5).hits] == first
    late = Entry(id="late", kind="note", title="alpha beta", path="late.md", line=1,
                 end_line=2, text="alpha beta\nalpha and beta, late")
    engine.store.replace_sources({"late.md": prepare_source("1", [late], [])}, [])
    assert engine.search("alpha beta ", limit=5).hits[0].entry.id == "late"
