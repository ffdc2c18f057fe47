"""Folding and Han helpers: what a searching user would notice (pinyin: test_pinyin.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.core.text import fold as textfold
from tui.core.text import pinyin
from tui.core.text.fold import (
    cjk_bigram_overlap,
    cjk_bigrams,
    fold,
    fold_keep_case,
    han_runs,
    has_han,
    is_han,
)
from tui.core.text.pinyin import find_pinyin, pinyin_text, readings

_CACHED = (
    textfold.ts_chars,
    textfold._fold_table,
    textfold._keep_case_table,
    textfold._fold_bmp,
    textfold._keep_case_bmp,
    pinyin._pinyin_tables,
)


def _clear_caches() -> None:
    for fn in _CACHED:
        fn.cache_clear()


def _pt(text: str) -> pinyin.PinyinText:
    pt = pinyin_text(text)
    assert pt is not None
    return pt


# ----------------------------------------------------------------- length preservation


@given(st.text())
def test_fold_preserves_length(s: str) -> None:
    assert len(fold(s)) == len(s)
    assert len(fold_keep_case(s)) == len(s)


@given(st.text())
def test_fold_is_char_by_char(s: str) -> None:
    """Offsets of a match in fold(s) must be offsets in s, so each char folds alone."""
    folded = fold(s)
    kept = fold_keep_case(s)
    assert all(folded[i] == fold(ch) for i, ch in enumerate(s))
    assert all(kept[i] == fold_keep_case(ch) for i, ch in enumerate(s))


@given(st.text(alphabet=st.sampled_from("aZ開源閉\n ＡＢ\u3000İß生產力𐐀𠀀é")))
def test_fold_of_mixed_lines_matches_whole_text_fold(s: str) -> None:
    """The line-by-line fast path gives the same answer as folding each char."""
    assert fold(s) == "".join(fold(ch) for ch in s)


def test_every_codepoint_folds_to_one_char() -> None:
    chars = "".join(chr(cp) for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF)
    assert len(fold(chars)) == len(chars)
    assert len(fold_keep_case(chars)) == len(chars)


# ----------------------------------------------------------------- what folding finds


def test_traditional_and_simplified_fold_together() -> None:
    assert fold("開源") == fold("开源") == "开源"
    assert fold("閉源") == "闭源"
    assert fold("生產力") == "生产力"
    assert fold_keep_case("開源 Linux") == "开源 Linux"


def test_case_fold_and_smart_case_variant() -> None:
    assert fold("Hello World") == "hello world"
    assert fold("ÄÖÜ Straße") == "aou straße"  # ß stays: "ss" would change the length
    assert fold("ΣΊΣΥΦΟΣ") == fold("σίσυφος")  # final sigma meets sigma
    assert fold_keep_case("Hello World") == "Hello World"
    assert fold_keep_case("ÄÖÜ") == "AOU"


def test_accented_latin_letters_meet_their_base_letters_as_in_fzf() -> None:
    """`cafe` finds café, `Zurich` (smart case) Zürich; letters that are not a base
    letter plus marks stay themselves, and so does every other script."""
    assert fold("Café naïve RÉSUMÉ Łódź ø æ") == "cafe naive resume łodz ø æ"
    assert fold_keep_case("Zürich Ñandú") == "Zurich Nandu"
    assert fold("Привет й ά") == "привет й ά"
    text = "Crème brûlée à Montréal"
    assert len(fold(text)) == len(text) and fold(text) == "creme brulee a montreal"


def test_full_width_and_ideographic_space() -> None:
    assert fold("ＡＢＣ：") == "abc:"
    assert fold_keep_case("ＡＢＣ：") == "ABC:"
    assert fold("１２３\u3000ｘ") == "123 x"


def test_turkish_dotted_i_keeps_length() -> None:
    s = "İstanbul"
    assert len(fold(s)) == len(s)
    assert fold(s)[1:] == "stanbul"
    assert fold("İ") == "i"  # lower() would give two chars; its base letter is one


def test_astral_chars_still_fold() -> None:
    assert fold("\U00010400") == "\U00010428"  # Deseret capital long I → small
    assert fold("𠀀開") == "𠀀开"


def test_missing_opencc_data_degrades_to_case_and_width(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _clear_caches()
    monkeypatch.setattr(textfold, "package_dir", lambda name: None)
    try:
        assert fold("ＡＢ開源") == "ab開源"
        assert fold_keep_case("開") == "開"
        assert pinyin_text("生产力") is not None
        assert find_pinyin("scl", _pt("生产力")) == []
        assert readings("中") == ()
    finally:
        monkeypatch.undo()
        _clear_caches()
    assert fold("開") == "开"


# ----------------------------------------------------------------- Han helpers


def test_is_han_and_runs() -> None:
    assert is_han("中") and is_han("㐀") and is_han("豈") and is_han("𠀀")
    assert not is_han("a") and not is_han("，") and not is_han("の") and not is_han("中文")
    assert has_han("abc 中") and not has_han("abc") and not has_han("かな")
    assert han_runs("abc生产力,的x") == [(3, 6), (7, 8)]
    assert han_runs("plain ascii") == []


def test_cjk_bigrams_and_partial_overlap() -> None:
    assert cjk_bigrams("显存优化") == {"显存", "存优", "优化"}
    assert cjk_bigrams("显 存") == set()  # a pair never straddles a non-Han char
    text = fold("显存不够时需要优化")
    assert cjk_bigram_overlap("显存优化", text) == pytest.approx(2 / 3)
    assert cjk_bigram_overlap("顯存優化", text) == pytest.approx(2 / 3)  # term is folded
    assert cjk_bigram_overlap("显存优化", fold("如何显存优化")) == 1.0
    assert cjk_bigram_overlap("显", text) == 1.0
    assert cjk_bigram_overlap("vram", text) == 0.0
