"""`search(widen=False)`: a first answer without the slow steps, marked when they may add more.

The app paints it when the full search takes a while; the full search must
still find everything the slow steps add.
"""

from __future__ import annotations

from tui.core.ingest.note_parser import parse_note
from tui.core.search.engine import SearchEngine


def _engine(notes: dict[str, str]) -> SearchEngine:
    entries = [e for path, text in notes.items() for e in parse_note(path, text).entries]
    return SearchEngine.from_entries(entries)


def _found(engine: SearchEngine, query: str, *, widen: bool) -> list[tuple[str, bool]]:
    return [(h.entry.path, h.partial) for h in engine.search(query, widen=widen).hits]


def test_a_first_pass_leaves_pinyin_to_the_full_search() -> None:
    engine = _engine({
        "trip.md": "# Shanghai trip\nWe flew to shanghai in May.\n",
        "weather.md": "# 上海\n上海的天气很好\n",
    })
    first = engine.search("shang", widen=False)
    assert first.narrowed and [h.entry.path for h in first.hits] == ["trip.md"]
    full = engine.search("shang")
    assert not full.narrowed
    assert [h.entry.path for h in full.hits] == ["trip.md", "weather.md"]


def test_a_first_pass_shows_full_matches_and_leaves_partial_ones_to_the_full_search() -> None:
    engine = _engine({
        "both.md": "# Garden plans\nwatering schedule for tomatoes\n",
        "one.md": "# Watering\nthe watering can leaks\n",
        "other.md": "# Tomatoes\nheirloom tomatoes list\n",
    })
    first = engine.search("watering tomatoes", widen=False)
    assert first.narrowed
    assert _found(engine, "watering tomatoes", widen=False) == [("both.md", False)]
    assert sorted(_found(engine, "watering tomatoes", widen=True)) == [
        ("both.md", False), ("one.md", True), ("other.md", True)
    ]


def test_a_query_the_slow_steps_cannot_change_is_not_marked() -> None:
    engine = _engine({f"n{i:02}.md": f"# Note {i}\nsome words here\n" for i in range(40)})
    assert engine.search("words", widen=False).hits
    assert not engine.search("words", widen=False).narrowed, "found often: never widened"
    rare = _engine({"a.md": "# Alpha\nsome words here\n"})
    assert rare.search("words", widen=False).narrowed, "found once: typos may add more"
    assert not rare.search("'words", widen=False).narrowed, "an exact term is never widened"
