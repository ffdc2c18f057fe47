"""Line breaks for the preview that Chinese and Japanese text needs.

Rich wraps at spaces only, so a run of Han text was one unbreakable word: a
line holding `Python` then Chinese broke after `Python`, leaving half-empty
rows, and a long link after `- ` left the dash alone on its row. Terminals,
`less`, `bat` and `glow` break between any two wide characters; this does the
same, keeps closing punctuation (`，。」`) off the start of a row and opening
punctuation (`「（`) off its end, and cuts a word longer than a row at the width.
"""

from __future__ import annotations

from rich.cells import get_character_cell_size
from rich.text import Text

NO_START = frozenset("，。、；：！？）」』】〉》〕］｝…‥・ー％,.;:!?)]}%")  # never starts a row
NO_END = frozenset("（「『【〈《〔［｛([{")  # never ends a row


def wrap_text(line: Text, width: int) -> list[Text]:
    """`line` cut into rows of at most `width` cells (styles kept)."""
    offsets = break_offsets(line.plain, width)
    return list(line.divide(offsets)) if offsets else [line]


def break_offsets(plain: str, width: int) -> list[int]:
    """Where each row after the first starts."""
    sizes = [get_character_cell_size(ch) for ch in plain]
    offsets: list[int] = []
    start, n = 0, len(plain)
    while True:
        cells, end = 0, start
        while end < n and cells + sizes[end] <= width:
            cells += sizes[end]
            end += 1
        if end >= n:
            return offsets
        end = max(end, start + 1)  # one character wider than the row: it goes alone
        start = _row_end(plain, sizes, start, end, width)
        offsets.append(start)


def _may_start(plain: str, sizes: list[int], at: int) -> bool:
    """Whether a row may start at `at` (between plain[at - 1] and plain[at])."""
    before, here = plain[at - 1], plain[at]
    if here in NO_START or before in NO_END or here == " ":
        return False
    return before == " " or sizes[at - 1] == 2 or sizes[at] == 2


def _row_end(plain: str, sizes: list[int], start: int, end: int, width: int) -> int:
    """Where the row holding plain[start:end] (it fits; plain[end] does not) should end."""
    for at in range(end, start, -1):
        if _may_start(plain, sizes, at):
            if at == end or sum(sizes[at:_word_end(plain, sizes, end)]) <= width:
                return at
            break  # the word moved down would not fit its own row either: fill this one
    at = end
    while at - 1 > start and plain[at] in NO_START:
        at -= 1  # keep `，` with the character before it
    return at


def _word_end(plain: str, sizes: list[int], at: int) -> int:
    """The next place after `at` where a row may start (or the end)."""
    at += 1
    while at < len(plain) and not _may_start(plain, sizes, at):
        at += 1
    return at
