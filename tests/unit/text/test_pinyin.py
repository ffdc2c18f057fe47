"""Pinyin: typed ASCII finds Han text by its toneless readings, at the right offsets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.core.text import pinyin
from tui.core.text.fold import fold, han_runs, is_han
from tui.core.text.pinyin import find_pinyin, pinyin_term_ok, pinyin_text, readings


def _pt(text: str) -> pinyin.PinyinText:
    pt = pinyin_text(text)
    assert pt is not None
    return pt


def test_readings_are_toneless_most_common_first() -> None:
    assert readings("中")[0] == "zhong"
    assert readings("行")[:2] == ("xing", "hang")
    assert readings("绿")[0] == "lv"  # ü is typed v
    assert readings("產") == readings("产") == ("chan",)  # traditional chars too
    assert readings("a") == ()


def test_pinyin_term_ok() -> None:
    assert pinyin_term_ok("scl") and pinyin_term_ok("zhongwen")
    assert not pinyin_term_ok("s")
    assert not pinyin_term_ok("sc1") and not pinyin_term_ok("s-c") and not pinyin_term_ok("中文")
    assert not pinyin_term_ok("ü")


def test_pinyin_text_shape() -> None:
    assert pinyin_text("no chinese here") is None
    assert pinyin_text("") is None
    pt = _pt("生产力")
    assert (pt.full, pt.initials) == ("shengchanli", "scl")
    pt = _pt("ab 中文 x 测试")
    assert pt.full == "zhongwen|ceshi"
    assert pt.initials == "zw|cs"


TEXT = "提高生产力的方法"  # 生产力 is text[2:5]


@pytest.mark.parametrize(
    "term",
    ["shengchanli", "scl", "shengchanl", "shengcl", "SCL", "shengchanlide"],
)
def test_pinyin_finds_the_word(term: str) -> None:
    spans = find_pinyin(term, _pt(TEXT))
    assert spans and spans[0][0] == 2
    assert (2, 5) in spans or (2, 6) in spans  # "shengchanlide" runs on into 的
    assert TEXT[spans[0][0] : spans[0][1]].startswith("生产力")


def test_pinyin_prefix_and_syllable_boundaries() -> None:
    pt = _pt(TEXT)
    assert find_pinyin("shengchan", pt) == [(2, 4)]
    assert find_pinyin("shengc", pt) == [(2, 4)]  # last syllable may be partly typed
    assert find_pinyin("hengchan", pt) == []  # but a match must start at a syllable
    assert find_pinyin("engchanli", pt) == []
    assert find_pinyin("tigaoshengchanli", pt) == [(0, 5)]
    assert find_pinyin("fangfa", pt) == [(6, 8)]


def test_pinyin_rejects_non_letters_and_single_letters() -> None:
    pt = _pt(TEXT)
    assert find_pinyin("s", pt) == []
    assert find_pinyin("s c l", pt) == []
    assert find_pinyin("scl1", pt) == []
    assert find_pinyin("", pt) == []


def test_traditional_text_matches_pinyin_without_folding() -> None:
    trad = "提高生產力的方法"
    for term in ("shengchanli", "scl", "shengcl"):
        assert find_pinyin(term, _pt(trad))[0] == (2, 5)
    # Folding first gives the same offsets, because fold preserves length.
    assert find_pinyin("scl", _pt(fold(trad))) == find_pinyin("scl", _pt(trad))


def test_pinyin_spans_map_back_across_non_han_text() -> None:
    text = "abc 生产 x 力, 再提高 Linux 生产力!"
    pt = _pt(text)
    assert find_pinyin("shengchan", pt) == [(4, 6), (22, 24)]
    assert text[22:25] == "生产力"
    assert find_pinyin("scl", pt) == [(22, 25)]
    assert find_pinyin("li", pt) == [(9, 10), (24, 25)]
    assert find_pinyin("zaitigao", pt) == [(12, 15)]
    assert find_pinyin("zt", pt) == [(12, 14)]


def test_pinyin_never_straddles_two_han_runs() -> None:
    pt = _pt("生产 力")
    assert find_pinyin("shengchanli", pt) == []
    assert find_pinyin("scl", pt) == []
    assert find_pinyin("shengcl", pt) == []
    assert find_pinyin("cl", pt) == []


@given(
    text=st.text(alphabet=st.sampled_from("生产力提高中文搜索開源ab ,\n"), max_size=40),
    data=st.data(),
)
def test_any_run_is_found_by_its_initials_and_full_pinyin(text: str, data: st.DataObject) -> None:
    runs = han_runs(text)
    if not runs:
        assert pinyin_text(text) is None
        return
    start, end = data.draw(st.sampled_from(runs))
    lo = data.draw(st.integers(start, end - 1))
    hi = data.draw(st.integers(lo + 1, end))
    chars = text[lo:hi]
    full = "".join(readings(ch)[0] for ch in chars)
    initials = "".join(readings(ch)[0][0] for ch in chars)
    pt = _pt(text)
    assert (lo, hi) in find_pinyin(full, pt) or len(full) < 2
    if len(initials) >= 2:
        assert (lo, hi) in find_pinyin(initials, pt)
    for s, e in find_pinyin(full if len(full) >= 2 else "zz", pt):
        assert all(is_han(ch) for ch in text[s:e])


def test_a_han_character_beyond_the_bmp_reads_as_pinyin_beside_common_ones() -> None:
    text = "说𤭢量子"  # 𤭢 (U+24B62) reads cei or sui
    view = pinyin_text(text)
    assert view is not None
    assert view.full == "shuoceiliangzi" and view.initials == "sclz"
    assert find_pinyin("ceiliangzi", view) == [(1, 4)]
    assert find_pinyin("lz", view) == [(2, 4)]
