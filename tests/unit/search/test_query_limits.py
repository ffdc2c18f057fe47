"""Query limits: checked before any SQL, one clear message past them."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.ingest.entry import Entry
from tui.core.search.engine import SearchEngine
from tui.core.search.query import MAX_ALTERNATIVES, MAX_QUERY_CHARS, MAX_TERMS, parse_query

HOSTILE = "ab |!^$'\"#@:"


def _engine() -> SearchEngine:
    entries = [
        Entry(id=f"n{i}.md", kind="note", title=f"Note {i}", text=f"body {i} alpha beta",
              path=f"n{i}.md", line=1, end_line=3)
        for i in range(30)
    ]
    return SearchEngine.from_entries(entries)


def test_too_long_names_the_length_and_the_limit() -> None:
    query = parse_query("a" * 25_000)
    assert query.refused and query.groups == []
    assert [e.message for e in query.errors] == [
        "query too long: 25,000 characters (limit 4,096)"
    ]


def test_too_many_terms_and_too_wide_an_or_group() -> None:
    terms = parse_query(" ".join(f"w{i}" for i in range(MAX_TERMS + 1)))
    assert terms.refused
    assert terms.errors[0].message == f"too many terms: {MAX_TERMS + 1} (limit {MAX_TERMS})"
    ors = parse_query(" | ".join(f"w{i}" for i in range(MAX_ALTERNATIVES + 1)))
    assert ors.refused
    assert ors.errors[0].message == (
        f"too many alternatives in one | group: {MAX_ALTERNATIVES + 1} "
        f"(limit {MAX_ALTERNATIVES})"
    )
    assert not parse_query(" | ".join(f"w{i}" for i in range(MAX_ALTERNATIVES))).refused
    assert not parse_query(" ".join(f"w{i}" for i in range(MAX_TERMS))).refused
    two_groups = " ".join(" | ".join(f"w{g}{i}" for i in range(MAX_ALTERNATIVES)) for g in "ab")
    assert parse_query(two_groups).errors[0].message == (
        f"too many terms: {2 * MAX_ALTERNATIVES} (limit {MAX_TERMS})"
    )


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=HOSTILE, min_size=0, max_size=MAX_QUERY_CHARS * 2))
def test_any_query_is_refused_exactly_when_past_a_limit(text: str) -> None:
    query = parse_query(text)
    if len(text) > MAX_QUERY_CHARS:
        assert query.refused and len(query.errors) == 1
        return
    items = sum(len(g) for g in query.groups)
    widest = max((len(g) for g in query.groups), default=0)
    assert query.refused == (items > MAX_TERMS or widest > MAX_ALTERNATIVES)
    if query.refused:
        assert len(query.errors) == 1 and query.groups == []


@pytest.mark.parametrize(
    "text",
    [
        "a" * 25_000,
        " | ".join(f"w{i}" for i in range(501)),
        (HOSTILE * 9_000)[:100_000],
        " ".join(["plain", "words"] * 20_000),
    ],
    ids=["long-term", "501-ors", "hostile-100k", "words-100k"],
)
def test_the_engine_answers_refused_queries_without_touching_sql(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = _engine()

    def no_sql(*args: object, **kwargs: object) -> None:
        raise AssertionError("SQL ran for a refused query")

    monkeypatch.setattr(engine, "_strict", no_sql)
    result = engine.search(text)
    assert result.hits == [] and result.total == 0 and len(result.errors) == 1
    assert result.searched == 30


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=HOSTILE + "xyz", min_size=1, max_size=MAX_QUERY_CHARS))
def test_every_query_within_the_limits_runs_without_an_sql_error(text: str) -> None:
    engine = _engine()
    try:
        result = engine.search(text)
    except sqlite3.Error as exc:  # pragma: no cover - the failure being tested for
        raise AssertionError(f"{type(exc).__name__}: {exc}") from None
    assert result.errors or not parse_query(text).refused


def test_a_query_at_the_length_limit_still_searches() -> None:
    engine = _engine()
    result = engine.search("alpha " + "b" * (MAX_QUERY_CHARS - 6))
    assert result.errors == [] and all(h.partial for h in result.hits)  # ran, matched alpha only
    assert engine.search("alpha").total == 30
