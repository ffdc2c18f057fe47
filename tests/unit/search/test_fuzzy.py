"""fzf-style fuzzy scoring of titles."""

from __future__ import annotations

from tui.core.search.fuzzy import fuzzy_match


def _score(pattern: str, text: str) -> int:
    found = fuzzy_match(pattern, text.lower(), text)
    assert found is not None, (pattern, text)
    return found[0]


def test_subsequence_matches_and_reports_positions() -> None:
    found = fuzzy_match("tpz", "togglepanezoom", "TogglePaneZoom")
    assert found is not None
    assert found[1] == [0, 6, 10]


def test_non_subsequence_is_no_match() -> None:
    assert fuzzy_match("zt", "toggle zoom", "toggle zoom") is None


def test_word_start_beats_middle_of_word() -> None:
    assert _score("pz", "pane zoom") > _score("pz", "spaz zzz")


def test_consecutive_beats_scattered() -> None:
    assert _score("note", "notebook") > _score("note", "n o t e")


def test_camel_case_hump_earns_a_bonus() -> None:
    assert _score("pz", "PaneZoom") > _score("pz", "pazoom")


def test_shorter_window_wins() -> None:
    assert _score("ab", "ab") > _score("ab", "a---------b")
