"""Searches with many short words: each word's entries are gathered into a temp table.

Only a few such tables are kept between searches. A search must never lose one
it still needs, whether it makes more than are kept itself or another thread's
search (the next keystroke, or one after the index changed) makes them.
"""

from __future__ import annotations

import logging
import threading

import pytest

from tui.core.index.store import IndexStore
from tui.core.index.store_rowids import ROWID_TABLES
from tui.core.ingest.entry import Entry
from tui.core.search.engine import SearchEngine

SHORT_WORDS = ["ab", "cd", "ef", "gh", "ij", "kl", "mn", "op"]
HAN_WORDS = ["开源", "软件", "数据", "搜索", "北京", "中文", "上海"]


def _entry(i: int, text: str, tags: tuple[str, ...] = ()) -> Entry:
    return Entry(id=f"e{i}", kind="section", title=f"note {i}", path=f"n{i}.md", line=1,
                 end_line=3, text=text, tags=tags)


def _engine() -> SearchEngine:
    entries = [
        _entry(0, " ".join(SHORT_WORDS), tags=("work",)),
        _entry(1, "，".join(HAN_WORDS)),
        _entry(2, " ".join(SHORT_WORDS[:3]) + " and nothing else"),
        _entry(3, "，".join(HAN_WORDS[:4])),
    ]
    entries += [_entry(10 + i, f"{word} filler words") for i, word in enumerate(SHORT_WORDS)]
    return SearchEngine.from_entries(entries)


def _ids(engine: SearchEngine, query: str) -> set[str]:
    return {hit.entry.id for hit in engine.search(query, limit=0).hits}


def _temp_tables(store: IndexStore) -> int:
    return store.query("SELECT count(*) FROM temp.sqlite_master WHERE type='table'")[0][0]


def test_seven_short_words_all_apply() -> None:
    engine = _engine()
    assert len(SHORT_WORDS[:7]) > ROWID_TABLES
    assert _ids(engine, " ".join(SHORT_WORDS[:7])) == {"e0"}
    assert _ids(engine, " ".join(HAN_WORDS)) == {"e1"}


def test_six_short_words_and_a_tag() -> None:
    engine = _engine()
    assert _ids(engine, "#work " + " ".join(SHORT_WORDS[:6])) == {"e0"}
    assert _ids(engine, "#nothere " + " ".join(SHORT_WORDS[:6])) == set()


def test_an_or_of_seven_short_words() -> None:
    engine = _engine()
    found = _ids(engine, " | ".join(SHORT_WORDS[:7]))
    assert {f"e{10 + i}" for i in range(7)} <= found
    assert "e17" not in found  # "op" was not asked for


def test_tables_are_trimmed_once_the_search_ends() -> None:
    engine = _engine()
    engine.search(" ".join(SHORT_WORDS))
    engine.search(" ".join(HAN_WORDS))
    assert _temp_tables(engine.store) <= ROWID_TABLES
    # and the words still work after the trim
    assert _ids(engine, " ".join(SHORT_WORDS[:7])) == {"e0"}


def test_another_threads_search_midway_does_not_drop_this_searchs_tables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = _engine()
    store = engine.store

    def no_second_chance() -> None:
        raise AssertionError("a table this search held was dropped")

    monkeypatch.setattr(store, "forget_rowid_tables", no_second_chance)
    real_query = store.query
    interrupted: list[bool] = []

    def query_with_a_search_from_another_thread(sql: str, params: object = ()) -> list:
        if not interrupted:
            interrupted.append(True)
            other = SearchEngine(store)  # another keystroke, as the UI's worker runs it
            worker = threading.Thread(target=other.search, args=(" ".join(HAN_WORDS),))
            worker.start()
            worker.join()
        return real_query(sql, params)  # type: ignore[arg-type]

    store.query = query_with_a_search_from_another_thread  # type: ignore[method-assign]
    try:
        found = _ids(engine, " ".join(SHORT_WORDS[:6]))
    finally:
        store.query = real_query  # type: ignore[method-assign]
    assert interrupted
    assert found == {"e0"}


def test_a_table_lost_anyway_is_rebuilt(caplog: pytest.LogCaptureFixture) -> None:
    engine = _engine()
    query = " ".join(SHORT_WORDS[:3])
    assert _ids(engine, query) == {"e0", "e2"}
    # Drop the tables behind the store's back: the next search starts over.
    for (name,) in engine.store.query(
        "SELECT name FROM temp.sqlite_master WHERE type='table' AND name LIKE 'rowids_%'"
    ):
        engine.store.reader.execute(f"DROP TABLE temp.{name}")
    with caplog.at_level(logging.WARNING, logger="tui.core.search.engine"):
        assert _ids(engine, query) == {"e0", "e2"}
    assert any("lost a temp table" in r.getMessage() for r in caplog.records)


def test_forgetting_tables_spares_those_another_search_holds() -> None:
    """One search's retry must not make a search running beside it fail."""
    store = _engine().store
    with store.holding_rowid_tables():
        table = store.token_table('"ab"*')
        other = threading.Thread(target=store.forget_rowid_tables)
        other.start()
        other.join()
        assert store.query(f"SELECT count(*) FROM {table}")[0][0] == 3  # e0, e2, e10
    # Once the search ends, the forgotten table is gone.
    left = store.query("SELECT name FROM temp.sqlite_master WHERE type='table'")
    assert table.removeprefix("temp.") not in {name for (name,) in left}
