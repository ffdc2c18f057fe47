"""A limited search builds hits only for what it shows: the entries re-ranked beyond the
limit are scored, not placed (no snippet, no pinyin view of their text), and the hits
shown are the first ones of the unlimited search, snippet and spans alike."""

from __future__ import annotations

from tui.core.ingest.entry import Entry
from tui.core.search.engine import SearchEngine


def _entries() -> list[Entry]:
    # Pinyin initials (`lzth`) hit every entry through the pinyin of its text only.
    out = []
    for n in range(30):
        text = f"第{n}段。\n" + "其他内容。" * (n % 4) + "\n量子退火的实验记录。"
        out.append(Entry(id=f"e{n}", kind="note", title=f"note {n}", path=f"n{n:02}.md",
                         line=1, end_line=1 + text.count("\n"), text=text))
    return out


def _shown(engine: SearchEngine, query: str, limit: int) -> list[tuple[object, ...]]:
    return [(h.entry.id, h.score, h.match_line, h.snippet, h.snippet_spans, h.title_spans)
            for h in engine.search(query, limit=limit).hits]


def test_hits_past_the_limit_get_no_pinyin_view_and_the_shown_ones_are_unchanged() -> None:
    limited = SearchEngine.from_entries(_entries())
    shown = _shown(limited, "lzth", 3)
    views = limited.presenter.ranker.pinyin_views
    assert len(views._views) == 3  # only the hits shown were placed
    everything = _shown(SearchEngine.from_entries(_entries()), "lzth", 0)
    assert len(everything) == 30
    assert shown == everything[:3]
    assert all(spans for *_, spans, _ in shown)  # the pinyin place is marked
