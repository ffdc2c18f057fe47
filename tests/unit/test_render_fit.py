"""`fit` cuts a result row as Rich's `Text.truncate` does (it only drops unseen text first)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.text import Text

from tui.render import fit

# ASCII, the ellipsis, wide Han and Hangul, combining accents, emoji with joiners.
PIECES = st.sampled_from(["a", "word ", "…", "量子", "退火", "한", "e\u0301", "👍", "👩\u200d💻",
                          "\u200b", "x" * 30, " "])


def _row(parts: list[str], styled: list[bool]) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    for part, bold in zip(parts, styled, strict=False):
        text.append(part, style="bold" if bold else None)
    return text


@settings(max_examples=150, deadline=None)
@given(st.lists(PIECES, max_size=40), st.lists(st.booleans(), max_size=40),
       st.integers(min_value=1, max_value=70))
def test_fit_equals_truncate(parts: list[str], styled: list[bool], width: int) -> None:
    expected = _row(parts, styled)
    expected.truncate(width, overflow="ellipsis")
    got = _row(parts, styled)
    fit(got, width)
    assert got.plain == expected.plain
    assert got.spans == expected.spans


def test_a_long_snippet_is_cut_to_the_width_with_an_ellipsis() -> None:
    text = Text("…" + "量子退火 is annealing " * 40)
    fit(text, 20)
    assert text.cell_len == 20 and text.plain.endswith("…")
