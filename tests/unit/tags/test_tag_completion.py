"""Enter in the tag prompt adds the tag the user sees."""

from __future__ import annotations

from tui.core.tags.completion import tag_completion, tag_to_submit

KNOWN = ["cli", "rust", "rust/async", "Research"]


def test_enter_takes_the_shown_completion() -> None:
    assert tag_to_submit("ru", KNOWN) == "rust"
    assert tag_to_submit("#re", KNOWN) == "Research"  # case-insensitive, keeps the tag's case


def test_a_trailing_space_keeps_what_was_typed() -> None:
    assert tag_completion("ru ", KNOWN) is None
    assert tag_to_submit("ru ", KNOWN) == "ru"


def test_new_and_empty_tags() -> None:
    assert tag_to_submit("urgent", KNOWN) == "urgent"
    assert tag_to_submit("  #  ", KNOWN) == ""
    assert tag_completion("#", KNOWN) is None


def test_first_choice_in_list_order_wins_like_the_ghost_text() -> None:
    assert tag_completion("rust", KNOWN) == "rust"
    assert tag_completion("rust/", KNOWN) == "rust/async"
