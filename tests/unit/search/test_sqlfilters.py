"""Field filters run as SQL must pick exactly the entries the Python reference picks."""

from __future__ import annotations

import itertools

import pytest
from filter_oracle import entry_passes_fields
from hypothesis import given, settings
from hypothesis import strategies as st
from search_helpers import search_and_sql

from tui.core.index.prepared import prepare_source
from tui.core.ingest.entry import Entry
from tui.core.search import candidate_sql as search_module
from tui.core.search.engine import SearchEngine
from tui.core.search.query import parse_query

AUTHORS = ["@alice", "@Alice_B", "bob", "carol_ai", None]
DATES = ["2023-12-31", "2024-04-17", "2024-06-02T10:00:00Z", None]
TAGS = [(), ("ai",), ("ai/llm",), ("rust", "AI")]


def _entries() -> list[Entry]:
    combos = itertools.product(AUTHORS, DATES, TAGS, ("tweet", "note"))
    out = []
    for n, (author, date, tags, kind) in enumerate(combos):
        meta: dict[str, object] = {"likes": n * 37 % 2000} if kind == "tweet" else {}
        if author is not None:
            meta["author"] = author
        if date is not None:
            meta["date"] = date
        out.append(Entry(id=f"e{n}", kind=kind, title=f"Entry {n}", path=f"dir{n % 3}/n{n}.md",
                         line=1, end_line=1, text="body", tags=tags, meta=meta))
    return out


ENTRIES = _entries()
ENGINE = SearchEngine.from_entries(ENTRIES)
FILTERS = [
    "@ali", "@alice", "@b", "@zed", "!@ali", "author:carol", "@ali | @bob",
    "kind:tweet", "!kind:note", "#ai", "#ai/llm", "!#ai",
    "date:2024", "date:>=2024-06", "date:2024-01..2024-05", "!date:2024",
    "likes:>1000", "likes:100..900", "!likes:>10", "path:dir1/", 'title:"entry 1"',
]


def _reference(query: str) -> set[str]:
    parsed = parse_query(query)
    return {e.id for e in ENTRIES if entry_passes_fields(parsed, e)}


def _sql(query: str) -> set[str]:
    return {h.entry.id for h in ENGINE.search(query, limit=0).hits}


@pytest.mark.parametrize("query", FILTERS)
def test_each_filter_matches_the_reference(query: str) -> None:
    assert _sql(query) == _reference(query)


def test_author_filter_sees_authors_added_after_the_first_lookup() -> None:
    engine = SearchEngine.from_entries(ENTRIES[:4])
    assert engine.search("@dora", limit=0).hits == []
    late = Entry(id="late", kind="tweet", title="Late", path="late.md", line=1, end_line=1,
                 text="x", meta={"author": "@dora"})
    engine.store.replace_sources({"late.md": prepare_source("1", [late], [])}, [])
    assert [h.entry.id for h in engine.search("@dora", limit=0).hits] == ["late"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(FILTERS), min_size=1, max_size=3), st.booleans())
def test_combinations_match_the_reference(parts: list[str], use_or: bool) -> None:
    query = (" | " if use_or else " ").join(parts)
    assert _sql(query) == _reference(query)


@pytest.mark.parametrize("query", ["kind:tweet body", "#ai entry", "@ali | @bob entr",
                                   "date:2024 likes:>100 body", "!kind:note en"])
def test_filters_with_terms_agree_whether_gathered_into_a_set_or_checked_per_row(
    query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    gathered = [h.entry.id for h in SearchEngine(ENGINE.store).search(query, limit=0).hits]
    monkeypatch.setattr(search_module, "FILTER_SET_MAX", 3)
    fresh = SearchEngine.from_entries(ENTRIES)  # its own store: no set built yet
    result, asked = search_and_sql(fresh, query, limit=0)
    per_row = [h.entry.id for h in result.hits]
    columns = ("e.kind", "e.tags", "e.author", "e.date", "e.likes")
    assert any(c in sql for sql in asked for c in columns)  # the filters were checked per row
    assert gathered == per_row and gathered
