"""Helpers for core search tests (no UI imports)."""

from __future__ import annotations

from tui.core.search.engine import SearchEngine, SearchResult


def search_and_sql(
    engine: SearchEngine, query: str, **options: object
) -> tuple[SearchResult, list[str]]:
    """Run one search and also return every SQL statement it asked the store."""
    seen: list[str] = []
    real = engine.store.query

    def spy(sql: str, params: object = ()) -> list[tuple[object, ...]]:
        seen.append(sql)
        return real(sql, params)  # type: ignore[arg-type]

    engine.store.query = spy  # type: ignore[method-assign]
    try:
        result = engine.search(query, **options)  # type: ignore[arg-type]
    finally:
        engine.store.query = real  # type: ignore[method-assign]
    return result, seen
