"""Searches that overlap on threads (the app's next keystroke starts before the last
one ends) each get the answer they would get alone: one search's boost, sort or
widened terms never leak into another's."""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from tui.core.ingest.entry import Entry
from tui.core.search.engine import SearchEngine, SearchResult

# Twins: entries that score the same, so only a boost decides their order.
TWINS = ["twin-a", "twin-b", "twin-c", "twin-d"]


def _entry(eid: str, title: str, text: str, **meta: object) -> Entry:
    return Entry(id=eid, kind="note", title=title, path=f"notes/{eid}.md", line=1,
                 end_line=1 + text.count("\n"), text=text, meta=dict(meta))


def _engine() -> SearchEngine:
    entries = [_entry(eid, "Lantern care", "How to trim a lantern wick.") for eid in TWINS]
    entries += [
        _entry("okapi", "Okapi sightings", "The okapi lives in the rainforest.",
               date="2023-04-01", likes=5),
        _entry("zebra", "Zebra stripes", "Stripes confuse flies; a lantern helps at night.",
               date="2024-01-02", likes=50),
        _entry("shengchan", "生产力笔记", "提高生产力的方法。"),
        _entry("keys", "Pane keys", "TogglePaneZoom and ActivateCommandPalette bindings."),
    ]
    return SearchEngine.from_entries(entries)


def _jobs() -> list[tuple[str, dict[str, object]]]:
    """Queries with options that change the answer: each twin boosted in turn, sorts,
    limits, a typo and pinyin that widen terms, a partial match, a filter."""
    jobs: list[tuple[str, dict[str, object]]] = [
        ("lantern", {"boost": {twin: 1.0}}) for twin in TWINS
    ]
    jobs += [
        ("lantern", {"boost": {"twin-d": 2.0, "twin-c": 1.0}}),
        ("lantern", {"sort": "path", "limit": 2}),
        ("lantern", {"sort": "date"}),
        ("lantern", {"limit": 0}),
        ("lanterm", {}),  # a typo: widened
        ("shengchanli", {}),  # pinyin: widened
        ("okapi zebra rainforest", {}),  # no entry has all: partial matches
        ("kind:note stripes", {"sort": "likes"}),
        ("-okapi lantern", {"boost": {"twin-b": 1.0}}),
    ]
    return jobs


def _answer(result: SearchResult) -> tuple[object, ...]:
    return (
        [(h.entry.id, round(h.score, 6), h.match_line, h.snippet, h.snippet_spans, h.partial)
         for h in result.hits],
        result.total, result.partial_count, result.terms,
    )


@pytest.fixture
def tiny_switch_interval() -> Iterator[None]:
    """Threads switch every microsecond, so searches really interleave."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def test_the_boost_alone_orders_equal_hits() -> None:
    """The premise of the test below: each boost puts its own twin first."""
    engine = _engine()
    for twin in TWINS:
        assert engine.search("lantern", boost={twin: 1.0}).hits[0].entry.id == twin


def test_overlapping_searches_each_get_their_serial_answer(tiny_switch_interval: None) -> None:
    engine = _engine()
    jobs = _jobs()
    serial = [_answer(engine.search(q, **options)) for q, options in jobs]  # type: ignore[arg-type]
    order = [i for i in range(len(jobs)) for _ in range(12)]
    random.Random(7).shuffle(order)

    def run(i: int) -> tuple[int, tuple[object, ...]]:
        query, options = jobs[i]
        return i, _answer(engine.search(query, **options))  # type: ignore[arg-type]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(run, order))
    wrong = [(jobs[i][0], jobs[i][1]) for i, answer in results if answer != serial[i]]
    assert wrong == []
