"""Filter keys edit the query: add or swap one field's filter, toggle it, drop them all."""

from __future__ import annotations

from tui.core.search.query_edit import with_filter, without_filter_tokens


def test_a_filter_key_keeps_the_words_typed() -> None:
    assert with_filter("rust", "kind:tweet ") == "kind:tweet rust "
    assert with_filter("", "kind:tweet ") == "kind:tweet "


def test_a_filter_of_the_same_field_is_swapped() -> None:
    assert with_filter("kind:note rust #lang", "kind:tweet") == "kind:tweet rust #lang "
    assert with_filter("rust !kind:key", "kind:tweet") == "kind:tweet rust "


def test_the_same_filter_again_takes_it_away() -> None:
    assert with_filter("kind:tweet rust ", "kind:tweet ") == "rust "
    assert with_filter("kind:tweet", "kind:tweet ") == ""


def test_quoted_values_and_escaped_spaces_stay_as_typed() -> None:
    typed = 'title:"kill word" a\\ b'
    assert with_filter(typed, "kind:note") == f"kind:note {typed} "
    assert with_filter('title:"kill word" x', 'title:"other"') == 'title:"other" x '


def test_dropping_the_filters_keeps_the_words() -> None:
    assert without_filter_tokens("kind:tweet rust #lang @mira likes:>10 'exact") == "rust 'exact "
    assert without_filter_tokens("kind:tweet") == ""
