"""Preview rows break where terminals break CJK text, not only at spaces."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

from tui.text_wrap import break_offsets, wrap_text


def _rows(plain: str, width: int) -> list[str]:
    return [t.plain for t in wrap_text(Text(plain), width)]


def test_a_han_run_after_a_latin_word_fills_the_row() -> None:
    rows = _rows("Python 语言之中，元组是不可变的序列", 20)
    assert rows[0] == "Python 语言之中，元"  # 19 cells: 组 would make 21
    assert all(cell_len(r) <= 20 for r in rows)
    assert "".join(rows) == "Python 语言之中，元组是不可变的序列"


def test_closing_punctuation_never_starts_a_row_and_opening_never_ends_one() -> None:
    for width in range(6, 30):
        rows = _rows("而是其他模式，但是只购买一份服务。「引号」里（括号）的字", width)
        assert not any(r[0] in "，。」）" for r in rows[1:]), (width, rows)
        assert not any(r[-1] in "「（" for r in rows[:-1]), (width, rows)


def test_a_word_longer_than_a_row_is_cut_at_the_width_not_moved_whole() -> None:
    rows = _rows("- Jukedeck：[https://example.com/a/very/long/link/that/goes/on]", 30)
    assert rows[0].startswith("- Jukedeck：[https://") and cell_len(rows[0]) == 30


def test_english_still_breaks_between_words() -> None:
    assert _rows("the quick brown fox jumps over", 10) == ["the quick ", "brown fox ", "jumps over"]
    assert break_offsets("short", 10) == []


def test_styles_are_kept_across_the_break() -> None:
    text = Text("开源软件如何赚钱")
    text.stylize("bold", 2, 4)
    rows = wrap_text(text, 6)
    assert [r.plain for r in rows] == ["开源软", "件如何", "赚钱"]
    assert rows[0].spans and rows[1].spans
