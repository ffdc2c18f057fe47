""""Did you mean …?": the one near-miss finder behind every unknown-name message.

Config keys, keymap actions and fields, key names, modifiers, presets, themes,
colours and `kind:` values all suggest the same way (difflib's ratio, one best
match), so a typo gets the same help wherever it is made.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(
    word: str, choices: Iterable[str], *, cutoff: float = 0.6, ignore_case: bool = False
) -> str | None:
    """The choice `word` most likely misspells, or None when nothing is close enough.

    With `ignore_case` the comparison is case-blind (`hom` → `Home`) but the
    choice comes back as written.
    """
    if ignore_case:
        spelled = {choice.lower(): choice for choice in choices}
        close = difflib.get_close_matches(word.lower(), list(spelled), n=1, cutoff=cutoff)
        return spelled[close[0]] if close else None
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return close[0] if close else None


def did_you_mean(
    word: str, choices: Iterable[str], *, cutoff: float = 0.6, ignore_case: bool = False
) -> str:
    """` (did you mean 'quit'?)` to append to a message, or an empty string."""
    match = closest(word, choices, cutoff=cutoff, ignore_case=ignore_case)
    return f" (did you mean {match!r}?)" if match is not None else ""
