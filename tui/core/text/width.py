"""How many terminal cells a string takes: the core's one width function.

The UI measures with `rich.cells.cell_len` (Rich is already drawing there), but
the core must not import Rich (tests/unit/test_core_boundary.py), and it needs
widths too: `ingest` judges whether a line is short enough to be a heading, the
key cheat sheet aligns its columns. So this is the core's counterpart of
`cell_len`, agreeing with it on what notes contain: wide and full-width
characters take two cells, combining marks and zero-width characters none, and
an emoji sequence (skin-tone modifier, `U+FE0F` emoji presentation, a ZWJ family
such as 👨‍👩‍👧) is one emoji, two cells.
"""

from __future__ import annotations

import unicodedata

_ZWJ = "\u200d"
_ZERO_WIDTH = frozenset("\u200b\u200c\u2060\ufeff")
_EMOJI_PRESENTATION = "\ufe0f"


def display_width(text: str) -> int:
    """Terminal cells `text` takes (see the module docstring for the rules)."""
    if text.isascii():
        return len(text)
    width = 0
    last = 0  # cells of the previous visible character
    joined = False  # the previous character was a ZWJ: this one is part of its emoji
    for ch in text:
        code = ord(ch)
        if code < 0x300:  # ASCII and Latin: one cell, never part of another character
            width, last, joined = width + 1, 1, False
            continue
        if ch == _ZWJ:
            joined = True
            continue
        if joined:
            joined = False
            continue
        if 0x4E00 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7A3:  # common Han, Hangul
            width, last = width + 2, 2
            continue
        if (
            unicodedata.combining(ch)
            or ch in _ZERO_WIDTH
            or 0xFE00 <= code <= 0xFE0F  # variation selectors
            or 0x1F3FB <= code <= 0x1F3FF  # skin tones
            or 0xE0020 <= code <= 0xE007F  # tag characters of flag sequences
            or unicodedata.category(ch) in ("Mn", "Me")
        ):
            if ch == _EMOJI_PRESENTATION and last == 1:
                width, last = width + 1, 2  # ❤️: a text symbol shown as a wide emoji
            continue
        last = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        width += last
    return width
