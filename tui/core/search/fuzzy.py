"""fzf-style fuzzy matching of one pattern against a short string (a title).

Scoring follows fzf's constants so results feel familiar to fzf users: a match is
worth 16, gaps cost 3 to open and 1 to extend, and characters right after a
space, a delimiter or a camelCase hump earn bonuses. Like fzf's v1 algorithm we
find the leftmost subsequence, then shrink it from the right, which is linear
and good enough for titles of a few dozen characters.
"""

from __future__ import annotations

SCORE_MATCH = 16
SCORE_GAP_START = -3
SCORE_GAP_EXTENSION = -1
BONUS_BOUNDARY_WHITE = 10
BONUS_BOUNDARY_DELIMITER = 9
BONUS_BOUNDARY = 8
BONUS_CAMEL = 7
BONUS_CONSECUTIVE = -(SCORE_GAP_START + SCORE_GAP_EXTENSION)
BONUS_FIRST_CHAR_MULTIPLIER = 2

_WHITE, _DELIM, _PUNCT, _LOWER, _UPPER, _DIGIT, _LETTER = range(7)
_DELIMITERS = frozenset("/,:;|")


def _char_class(ch: str) -> int:
    if ch.isspace():
        return _WHITE
    if ch in _DELIMITERS:
        return _DELIM
    if ch.isdigit():
        return _DIGIT
    if ch.islower():
        return _LOWER
    if ch.isupper():
        return _UPPER
    if ch.isalpha():
        return _LETTER
    return _PUNCT


def _bonus(prev: int, cur: int) -> int:
    if cur in (_LOWER, _UPPER, _DIGIT, _LETTER):
        if prev == _WHITE:
            return BONUS_BOUNDARY_WHITE
        if prev == _DELIM:
            return BONUS_BOUNDARY_DELIMITER
        if prev == _PUNCT:
            return BONUS_BOUNDARY
        if (prev == _LOWER and cur == _UPPER) or (prev != _DIGIT and cur == _DIGIT):
            return BONUS_CAMEL
    return 0


def boundary_bonus(original: str, index: int) -> int:
    """The fzf bonus for a match starting at `index` of `original` (start of text = after space)."""
    prev = _char_class(original[index - 1]) if index > 0 else _WHITE
    return _bonus(prev, _char_class(original[index]))


def _shortest_window(pattern: str, folded: str) -> tuple[int, int] | None:
    """The first end of `pattern` as a subsequence of `folded`, and the latest start
    before it that still matches (fzf's v1: forward scan, then back)."""
    if not pattern:
        return None
    pi = 0
    end = -1
    for i, ch in enumerate(folded):
        if ch == pattern[pi]:
            pi += 1
            if pi == len(pattern):
                end = i
                break
    if end < 0:
        return None
    # Walk back from the end to find the shortest window that still matches.
    pi = len(pattern) - 1
    start = end
    for i in range(end, -1, -1):
        if folded[i] == pattern[pi]:
            pi -= 1
            if pi < 0:
                start = i
                break
    return start, end


def fuzzy_match(pattern: str, folded: str, original: str) -> tuple[int, list[int]] | None:
    """Score `pattern` as a subsequence of `folded`; None when it is not one.

    `folded` is the case-folded form of `original` with the same length; bonuses
    are read from `original` so camelCase humps still count. Returns the score and
    the matched character positions (for highlighting).
    """
    window = _shortest_window(pattern, folded)
    if window is None:
        return None
    start, end = window
    positions: list[int] = []
    pi = 0
    score = 0
    in_gap = False
    consecutive = 0
    first_bonus = 0
    prev_class = _char_class(original[start - 1]) if start > 0 else _WHITE
    for i in range(start, end + 1):
        cur_class = _char_class(original[i])
        if pi < len(pattern) and folded[i] == pattern[pi]:
            bonus = _bonus(prev_class, cur_class)
            if consecutive == 0:
                first_bonus = bonus
            else:
                # A run keeps the bonus of its first character, as in fzf.
                bonus = max(bonus, first_bonus, BONUS_CONSECUTIVE)
            score += SCORE_MATCH + (bonus * BONUS_FIRST_CHAR_MULTIPLIER if pi == 0 else bonus)
            positions.append(i)
            consecutive += 1
            in_gap = False
            pi += 1
        else:
            score += SCORE_GAP_EXTENSION if in_gap else SCORE_GAP_START
            in_gap = True
            consecutive = 0
            first_bonus = 0
        prev_class = cur_class
    return score, positions
