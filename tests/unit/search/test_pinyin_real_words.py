"""Pinyin finds the word people mean on a real-sized vocabulary, in any reading.

A pinyin term spells thousands of Han strings of the index; the ones tried and
looked up first must be the words written most (`rgzn` → 人工智能), and a
polyphonic character counts in each of its readings (银行 is yinhang).
"""

from __future__ import annotations

import random

from tui.core.index.fts_terms import PINYIN_SEQUENCES, HanVocabulary, pinyin_spellings
from tui.core.ingest.entry import Entry
from tui.core.search.engine import SearchEngine
from tui.core.text.pinyin import readings


def _read_as(letter: str, count: int = 20) -> str:
    """The first `count` characters (by code point) with a reading starting so."""
    found = [chr(c) for c in range(0x4E00, 0x9FFF)
             if any(r.startswith(letter) for r in readings(chr(c)))]
    return "".join(found[:count])


def _noise_runs(n: int = 400) -> list[str]:
    """Four-character runs read r-g-z-n, each bigram in a run or two: together they
    spell tens of thousands of strings, most before 人工智能 by code point."""
    rng = random.Random(7)
    letters = [_read_as(letter) for letter in "rgzn"]
    return ["".join(rng.choice(chars) for chars in letters) for _ in range(n)]


def _noise_entries() -> list[Entry]:
    return [Entry(id=f"noise{i}", kind="note", title=f"n{i}", path=f"noise{i}.md", line=1,
                  end_line=1, text=run) for i, run in enumerate(_noise_runs())]


def _meant(i: int, text: str) -> Entry:
    return Entry(id=f"meant{i}", kind="note", title=f"m{i}", path=f"meant{i}.md", line=1,
                 end_line=1 + text.count("\n"), text=text)


def test_initials_spell_the_most_written_word_first() -> None:
    noise = _noise_runs()
    tokens = sorted({w[i : i + 2] for w in noise for i in range(3)} | {"人工", "工智", "智能"})
    docs = {t: 1 for t in tokens} | {"人工": 30, "工智": 25, "智能": 40}
    spellings = pinyin_spellings("rgzn", HanVocabulary.of(tokens, docs))
    assert len(spellings) == PINYIN_SEQUENCES  # more spell it than are looked up: order decides
    assert spellings[0] == "人工智能"


def test_initials_find_the_word_among_thousands_of_spellings() -> None:
    entries = _noise_entries() + [_meant(i, f"关于人工智能的笔记 {i}") for i in range(5)]
    engine = SearchEngine.from_entries(entries)
    found = {h.entry.id for h in engine.search("rgzn", limit=0).hits}
    assert {f"meant{i}" for i in range(5)} <= found


def test_each_reading_of_a_polyphonic_character_finds_it() -> None:
    engine = SearchEngine.from_entries([
        _meant(0, "我去银行办事"), _meant(1, "然后听音乐"), _meant(2, "长城很长"),
        _meant(3, "这很重要"), _meant(4, "还有一件事")])
    for typed, meant in (("yinhang", "meant0"), ("yinyue", "meant1"),
                         ("changcheng", "meant2"), ("zhongyao", "meant3"),
                         ("haiyou", "meant4")):
        hits = engine.search(typed).hits
        assert hits and hits[0].entry.id == meant, typed


def test_a_word_spelled_out_in_pinyin_ranks_above_a_typo_and_points_at_its_line() -> None:
    """`yinhang` is 银行 (行 read hang, not its first reading xing): the notes holding
    it come before a one-letter-off `yinwang` in a link, and each hit's line and
    snippet are the line with 银行, not the first line of its section."""
    cover = ("![](https://img.example.org/cover.webp)\n\n"
             "城里新开了一家种子银行，保存了许多蔬菜的种子。")
    engine = SearchEngine.from_entries([
        _meant(0, "读书笔记，摘自[序言](http://www.yinwang.org/blog/preface)。"),
        _meant(1, cover),
        _meant(2, "存款放在银行里会有利息。"),
        _meant(3, "另一个链接：http://www.yinwang.org/blog/grammar"),
    ])
    hits = engine.search("yinhang").hits
    ids = [h.entry.id for h in hits]
    assert set(ids[:2]) == {"meant1", "meant2"}, ids
    assert set(ids[2:]) == {"meant0", "meant3"}, "typos still follow"
    by_id = {h.entry.id: h for h in hits}
    assert by_id["meant1"].match_line == 3
    assert by_id["meant1"].snippet.startswith("城里新开了一家种子银行")
    start, end = by_id["meant1"].snippet_spans[0]
    assert by_id["meant1"].snippet[start:end] == "银行"


def test_a_word_read_the_common_way_ranks_above_rare_readings() -> None:
    """`chajian` is 插件 (chā jiàn); 接将 and 快捷键 spell it only through rare readings
    of 接 and 捷 (both also read `cha`) and were listed first (TRY5 §11)."""
    def note(i: str, title: str, text: str) -> Entry:
        body = f"# {title}\n\n{text}"
        return Entry(id=i, kind="note", title=title, path=f"{i}.md", line=1,
                     end_line=1 + body.count("\n"), text=body)

    engine = SearchEngine.from_entries([
        note("plugin", "启用社区插件", "打开设置。"),
        note("shortcut", "快捷键", "按下快捷键。"),
        note("rare", "接将", "接将。"),
    ])
    for typed in ("chajian", "chaji"):
        ids = [h.entry.id for h in engine.search(typed).hits]
        assert ids[0] == "plugin", (typed, ids)
    assert next(h.entry.id for h in engine.search("kuaijiejian").hits) == "shortcut"
