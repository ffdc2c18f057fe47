"""A 1-2 letter word being typed beside filters (`kind:tweet li`) streams its token list,
and after longer words (`likes li`) joins their FTS match, instead of gathering every
entry it is in: the answer is the one the gathered set gives, hit for hit, and a set
an earlier keystroke gathered is reused."""

from __future__ import annotations

import pytest
from search_helpers import search_and_sql

from tui.core.ingest.entry import Entry
from tui.core.search import candidate_sql, candidates
from tui.core.search.engine import SearchEngine


def _entries() -> list[Entry]:
    out = []
    for n in range(90):
        kind = "tweet" if n % 3 else "section"
        # Titles with the word for some, bodies with it for most: a broad set whose
        # title hits come first.
        title = f"link {n}" if n % 4 < 2 else f"entry {n}"
        text = "likes and lists" if n % 5 else "nothing here, no link"
        out.append(Entry(id=f"e{n}", kind=kind, title=title, path=f"d/n{n:02}.md", line=1,
                         end_line=1, text=text, tags=("work",) if n % 2 else (),
                         meta={"likes": n * 13 % 200, "date": f"2024-01-{n % 28 + 1:02}"}))
    return out


QUERIES = ["kind:tweet li", "#work li", "likes:>50 li", "!nothing li", "!^link li",
           "kind:section li", "kind:tweet zz", "likes li", "kind:tweet likes an", "link li",
           "lists likes an", "likes zz", "'x li"]


def _answer(engine: SearchEngine, query: str, **options: object) -> tuple[int, list[str]]:
    result = engine.search(query, **options)  # type: ignore[arg-type]
    return result.total, [h.entry.id for h in result.hits]


@pytest.fixture(params=[(5, 20, 3), (5, 20, 30), (500, 2000, 80)],
                ids=["broad", "broad-few-titles", "narrow"])
def caps(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Small caps make the word broad: title hits first (found among the first matches,
    or, too few there, among all), then the capped rest."""
    broad, count, ranked = request.param
    monkeypatch.setattr(candidates, "BROAD_MATCHES", broad)
    monkeypatch.setattr(candidates, "COUNT_CAP", count)
    monkeypatch.setattr(candidates, "FINE_RANK_COUNT", ranked)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("options", [{"limit": 2}, {"limit": 0}, {"sort": "date"}])
def test_streamed_word_answers_as_the_gathered_set(
    caps: None, query: str, options: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    streamed = _answer(SearchEngine.from_entries(_entries()), query, **options)
    monkeypatch.setattr(candidate_sql, "lone_short_term", lambda plan: None)
    monkeypatch.setattr(candidate_sql.CandidateSqlBuilder, "_typed_word",
                        lambda self, groups: None)
    gathered = _answer(SearchEngine.from_entries(_entries()), query, **options)
    assert streamed == gathered
    if "zz" not in query and "'x" not in query:
        assert streamed[1]


@pytest.mark.parametrize("query", ["kind:tweet li", "likes li", "kind:tweet likes li"])
def test_typed_word_gathers_no_set(query: str) -> None:
    engine = SearchEngine.from_entries(_entries())
    assert engine.search(query).hits
    assert engine.store.kept_token_table('"li"*') is None


def test_streamed_word_reuses_a_kept_set() -> None:
    engine = SearchEngine.from_entries(_entries())
    # Typed on after the word (`li zz`), the word's set is gathered and kept ...
    engine.search("kind:tweet li zz")
    assert engine.store.kept_token_table('"li"*') is not None
    # ... and back to the word alone beside the filter, that set is probed, not the stream.
    _, asked = search_and_sql(engine, "kind:tweet li")
    assert not any("MATCH" in sql for sql in asked)
    assert _answer(engine, "kind:tweet li") == _answer(SearchEngine.from_entries(_entries()),
                                                         "kind:tweet li")


@pytest.mark.parametrize("query", ["kind:tweet li", "kind:section li", "#work li", "likes li"])
def test_a_limited_answer_is_the_start_of_the_unlimited_one(query: str) -> None:
    """Under BROAD_MATCHES, the page is every match ordered (from the matches already
    read), as the unlimited answer orders them."""
    engine = SearchEngine.from_entries(_entries())
    limited = [h.entry.id for h in engine.search(query, limit=2).hits]
    assert limited == [h.entry.id for h in engine.search(query, limit=0).hits][:2]


def test_a_filter_set_over_the_cap_that_an_index_counts_is_never_gathered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`kind:tweet` is counted off its index and found too large: nothing is inserted
    only to be dropped, and the filter is then checked row by row, as before."""
    monkeypatch.setattr(candidate_sql, "FILTER_SET_MAX", 10)
    engine = SearchEngine.from_entries(_entries())
    statements: list[str] = []
    engine.store.reader.set_trace_callback(statements.append)
    try:
        found = _answer(engine, "kind:tweet likes", limit=0)
    finally:
        engine.store.reader.set_trace_callback(None)
    assert not any(s.startswith("INSERT") for s in statements)
    assert any("count(*)" in s and "e.kind" in s for s in statements)
    expected = {e.id for e in _entries() if e.kind == "tweet" and "likes" in e.text}
    assert set(found[1]) == expected and found[0] == len(expected)
    # A small set is still gathered (and kept for the next keystrokes).
    statements.clear()
    engine.store.reader.set_trace_callback(statements.append)
    try:
        _answer(engine, "@nobody kind:tweet likes")
        _answer(engine, "kind:section likes:>150 likes")
    finally:
        engine.store.reader.set_trace_callback(None)
    assert any(s.startswith("INSERT") for s in statements)
