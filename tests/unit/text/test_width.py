"""The core's display width agrees with what a terminal (and Rich, in the UI) draws."""

from __future__ import annotations

import pytest

from tui.core.text.width import display_width


@pytest.mark.parametrize(
    ("text", "cells"),
    [
        ("abc", 3),
        ("ab生产", 6),
        ("Ａ", 2),  # full-width Latin
        ("ﾊﾝｶｸ", 4),  # half-width katakana
        ("e\u0301", 1),  # combining acute
        ("a\u200bb", 2),  # zero-width space
        ("👍", 2),
        ("👍🏽", 2),  # skin-tone modifier joins the emoji
        ("👨\u200d👩\u200d👧", 2),  # a ZWJ family is one emoji
        ("❤\ufe0f", 2),  # emoji presentation makes a text symbol wide
        ("🇫🇷", 2),
        ("x\u20dd", 1),  # enclosing mark
    ],
)
def test_cells(text: str, cells: int) -> None:
    assert display_width(text) == cells


def test_agrees_with_rich_cell_len_on_mixed_text() -> None:
    cell_len = pytest.importorskip("rich.cells").cell_len
    for text in ("note 👍🏽 生产力", "café — 👨\u200d👩\u200d👧 ok", "ﾃｽﾄ ❤\ufe0f Ａ"):
        assert display_width(text) == cell_len(text), text
