"""Broad queries (a common word, a half-typed one) still put title hits first.

Above BROAD_MATCHES hits the engine stops ranking every match: entries whose
title holds the term come from the titles index, the rest in index order.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tui.core.index.prepared import prepare_source
from tui.core.index.store import IndexStore
from tui.core.ingest.entry import Entry
from tui.core.search.candidates import BROAD_MATCHES, COUNT_CAP
from tui.core.search.engine import SearchEngine


def _corpus() -> list[Entry]:
    filler = [
        Entry(id=f"b{i}", kind="section", title=f"Daily log {i}", path=f"log/{i % 30}.md",
              line=i + 1, end_line=i + 1, text=f"met about the encoder again, item {i}")
        for i in range(BROAD_MATCHES + 300)
    ]
    titled = [
        Entry(id="t1", kind="section", title="Encoder design", path="zz/design.md", line=1,
              end_line=1, text="why the encoder is shaped this way"),
        Entry(id="t2", kind="tweet", title="Tiny encoder tricks", path="zz/tweets.md", line=9,
              end_line=9, text="encoder tricks", meta={"author": "ann", "likes": 5}),
        Entry(id="t3", kind="section", title="Again, the encoder", path="zz/again.md", line=4,
              end_line=4, text="one more look", meta={}),
    ]
    return filler + titled


def _top(store: IndexStore, query: str, n: int = 2) -> list[str]:
    return [h.entry.id for h in SearchEngine(store).search(query, limit=20).hits[:n]]


def test_title_hits_lead_a_broad_query() -> None:
    engine = SearchEngine.from_entries(_corpus())
    result = engine.search("encoder", limit=20)
    assert result.total > BROAD_MATCHES
    assert {h.entry.id for h in result.hits[:2]} == {"t1", "t2"}
    # Half typed, and with a filter: the filter applies to the title hits too.
    assert {h.entry.id for h in engine.search("encod", limit=20).hits[:2]} == {"t1", "t2"}
    assert _top(engine.store, "kind:tweet encoder", 5) == ["t2"]


def test_title_hits_of_a_broad_multi_word_query_must_hold_every_word() -> None:
    engine = SearchEngine.from_entries(_corpus())
    result = engine.search("encoder again", limit=20)
    ids = [h.entry.id for h in result.hits]
    assert result.total > BROAD_MATCHES
    assert ids[0] == "t3"  # both words, one in the title
    assert "t1" not in ids and "t2" not in ids  # "again" is in neither
    assert engine.search("kind:section encoder again", limit=5).hits[0].entry.id == "t3"
    assert "t3" not in [h.entry.id for h in engine.search("kind:tweet encoder again").hits]


def test_an_older_cache_without_the_titles_index_is_filled_on_open(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    store = IndexStore(path)
    store.replace_sources({"all": prepare_source("1", _corpus(), [])}, [])
    store.close()
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE titles")
    reopened = IndexStore(path)
    assert set(_top(reopened, "encoder")) == {"t1", "t2"}
    reopened.close()


def test_removed_titles_leave_the_titles_index() -> None:
    engine = SearchEngine.from_entries(_corpus())
    engine.store.replace_sources({}, ["<memory>"])
    assert engine.search("encoder").hits == []
    for word in ("encoder", "daily", "log*"):
        assert engine.store.query("SELECT rowid FROM titles WHERE titles MATCH ?", [word]) == []


def test_the_plan_chosen_from_earlier_keystrokes_never_changes_the_results() -> None:
    typed = SearchEngine.from_entries(_corpus())
    for query in ("encoder again", "again, the enc", "item 7", "kind:section encoder item 1"):
        for end in range(1, len(query) + 1):
            prefix = query[:end]
            fresh = SearchEngine(typed.store).search(prefix, limit=20)
            got = typed.search(prefix, limit=20)
            assert [h.entry.id for h in got.hits] == [h.entry.id for h in fresh.hits], prefix
            assert (got.total, got.total_capped) == (fresh.total, fresh.total_capped), prefix


def test_capped_broad_queries_with_filters_and_short_terms() -> None:
    """Over COUNT_CAP matches the title hits come from the titles index, filtered."""
    many = [
        Entry(id=f"m{i}", kind="tweet" if i % 2 else "section", title=f"Entry {i}",
              path=f"m/{i % 50}.md", line=i + 1, end_line=i + 1,
              text=f"common words here, number {i}", meta={"likes": i})
        for i in range(COUNT_CAP * 2 + 100)
    ]
    special = [
        Entry(id="s1", kind="tweet", title="Common ground", path="s/1.md", line=1, end_line=1,
              text="words", meta={"likes": 5000}),
        Entry(id="s2", kind="section", title="Common words", path="s/2.md", line=1,
              end_line=1, text="x"),
    ]
    engine = SearchEngine.from_entries(many + special)
    for query, first in [("kind:tweet likes:>4000 common", "s1"), ("common", None),
                         ("kind:section common wo", "s2"), ("common words", "s2"),
                         ("kind:tweet common wo", None), ("likes:>4000 common h", None),
                         ("kind:tweet common", None), ("kind:tweet likes:>100 common", None)]:
        result = engine.search(query, limit=20)
        fresh = SearchEngine(engine.store).search(query, limit=20)
        assert [h.entry.id for h in result.hits] == [h.entry.id for h in fresh.hits], query
        if first is not None:
            assert result.hits[0].entry.id == first, query
        kind = "tweet" if "kind:tweet" in query else "section" if "kind:section" in query else None
        assert all(kind is None or h.entry.kind == kind for h in result.hits), query


def test_a_few_matches_are_ranked_as_fts5_bm25_ranks_them() -> None:
    """Under BROAD_MATCHES the engine scores matches itself; a rare word must weigh
    more than a common one, as in FTS5's bm25 (the order fzf users get from rg)."""
    common = [
        Entry(id=f"c{i}", kind="section", title=f"Entry {i:03}", path=f"c/{i}.md", line=1,
              end_line=1, text=f"a plain paragraph with the word lantern, number {i:03}")
        for i in range(120)
    ]
    pair = [
        Entry(id="rare_heavy", kind="section", title="Entry 900", path="p/1.md", line=1,
              end_line=1, text="quokka quokka and a lantern: filler filler filler words"),
        Entry(id="common_heavy", kind="section", title="Entry 901", path="p/2.md", line=1,
              end_line=1, text="lantern lantern lantern, one quokka: filler words here"),
    ]
    engine = SearchEngine.from_entries(common + pair)
    query = "quokka lantern"
    ranked = [h.entry.id for h in engine.search(query, limit=20).hits]
    fts5 = engine.store.query(
        "SELECT e.eid FROM fts JOIN entries e ON e.rowid = fts.rowid "
        "WHERE fts MATCH ? ORDER BY bm25(fts, 10.0, 1.0, 0.3)", ['"quokka" AND "lantern"']
    )
    assert [i for (i,) in fts5] == ["rare_heavy", "common_heavy"]
    assert ranked == ["rare_heavy", "common_heavy"]


def test_a_term_in_most_entries_weighs_next_to_nothing_past_the_count_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Counts stop at IDF_COUNT_CAP; a term far more common than that is estimated from
    where its first matches lie, so its weight stays near FTS5's (next to nothing)."""
    from tui.core.search import bm25

    filler = [
        Entry(id=f"f{i}", kind="section", title=f"Entry {i:03}", path=f"f/{i:03}.md", line=1,
              end_line=1, text=f"a lantern stands here {'with a quokka' if i % 12 == 0 else ''}")
        for i in range(400)
    ]
    exact = SearchEngine.from_entries(filler).finder.ranker.idf(["quokka", "lantern"])
    monkeypatch.setattr(bm25, "IDF_COUNT_CAP", 20)
    capped = SearchEngine.from_entries(filler).finder.ranker.idf(["quokka", "lantern"])
    assert exact["lantern"] < 0.01 and capped["lantern"] < 0.01
    assert capped["quokka"] == pytest.approx(exact["quokka"], rel=0.1)
    assert capped["quokka"] > 2
