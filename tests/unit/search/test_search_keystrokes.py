"""Typing a query key by key must give what searching for it afresh gives.

The engine reuses the last keystroke's expansion rows (pinyin, title
abbreviations) while a term only grows; these tests hold it to a fresh engine.
"""

from __future__ import annotations

import random

import pytest
from search_helpers import search_and_sql

from tui.core.index.prepared import prepare_source
from tui.core.ingest.entry import Entry
from tui.core.search.engine import SearchEngine
from tui.core.search.widening import PINYIN_ROWS

WORDS = ["向量检索", "量子退火", "想象力", "相关性", "梯度裁剪", "光子芯片", "广州", "生产力"]
TITLES = ["Toggle pane zoom", "Vector index tuning", "Grand unified notes", "Xiang's list",
          "Quantum annealing", "Gradient clipping"]


def _corpus(n: int = 400, seed: int = 3) -> list[Entry]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        title = rng.choice(TITLES) + f" {i}" if i % 2 else "".join(rng.sample(WORDS, 2))
        text = "。".join(rng.sample(WORDS, 3)) + " and some english words"
        out.append(Entry(id=f"e{i}", kind="section", title=title, path=f"n{i % 20}.md",
                         line=i + 1, end_line=i + 1, text=text))
    return out


def _ranked(engine: SearchEngine, query: str) -> list[tuple[str, bool]]:
    return [(h.entry.id, h.partial) for h in engine.search(query, limit=0).hits]


@pytest.mark.parametrize("query", ["xiangliangjiansuo", "guangzixinpian", "lzth", "tpz",
                                   "grdunf", "xiangx"])
def test_each_keystroke_matches_a_fresh_search(query: str) -> None:
    typed = SearchEngine.from_entries(_corpus())
    for end in range(1, len(query) + 1):
        prefix = query[:end]
        fresh = SearchEngine(typed.store)
        assert _ranked(typed, prefix) == _ranked(fresh, prefix), prefix


def test_a_grown_pinyin_term_is_filtered_without_asking_the_index_again() -> None:
    engine = SearchEngine.from_entries(_corpus())
    engine.search("xiangli")
    result, asked = search_and_sql(engine, "xiangliang")
    hits = result.hits
    assert not any(f"FROM fts WHERE fts MATCH ? LIMIT {PINYIN_ROWS}" in sql for sql in asked)
    assert hits and all("向量" in h.entry.text or "向量" in h.entry.title for h in hits[:5])


def test_an_index_change_between_keystrokes_is_seen() -> None:
    engine = SearchEngine.from_entries(_corpus(40))
    assert engine.search("xiangliang").hits
    late = Entry(id="late", kind="section", title="乡村 note", path="late.md", line=1,
                 end_line=1, text="乡村振兴")
    engine.store.replace_sources({"late.md": prepare_source("1", [late], [])}, [])
    assert "late" in [h.entry.id for h in engine.search("xiangcun", limit=0).hits]
    grown = [h.entry.id for h in engine.search("xiangcunz", limit=0).hits]
    assert grown == [h.entry.id for h in SearchEngine(engine.store).search("xiangcunz",
                                                                           limit=0).hits]
