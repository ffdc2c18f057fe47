"""One near-miss finder for every unknown-name message."""

from __future__ import annotations

from tui.core.text.suggest import closest, did_you_mean


def test_a_typo_gets_the_nearest_choice_and_a_stranger_gets_nothing() -> None:
    assert did_you_mean("qiut", ["quit", "copy"]) == " (did you mean 'quit'?)"
    assert did_you_mean("zzzz", ["quit", "copy"]) == ""


def test_case_blind_matching_returns_the_choice_as_written() -> None:
    assert closest("hom", ["Home", "End"], ignore_case=True) == "Home"
    assert closest("hom", ["Home", "End"]) is None


def test_cutoff_decides_how_far_a_guess_may_be() -> None:
    assert closest("twet", ["tweet", "note"], cutoff=0.5) == "tweet"
    assert closest("xy", ["tweet"], cutoff=0.5) is None
