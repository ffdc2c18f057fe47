"""Pinyin candidates: the grouped FTS query and the one-regex check find exactly what
one bigram AND per spelling and a substring test per spelling find."""

from __future__ import annotations

import sqlite3

from hypothesis import given
from hypothesis import strategies as st

from tui.core.index.fts_terms import index_text, quote, spelling_query
from tui.core.search.pinyin_rows import _holding_check
from tui.core.search.widening import holding_any

HAN = "生产力开源中文学习时间"
han_text = st.text(alphabet=HAN, min_size=1, max_size=4)
note_text = st.text(alphabet=HAN + "ab ，。\n", max_size=40)


def _one_and_per_spelling(spellings: list[str]) -> str:
    alternatives = []
    for text in spellings:
        if len(text) == 1:
            alternatives.append(quote(text) + "*")
        else:
            grams = dict.fromkeys(text[j : j + 2] for j in range(len(text) - 1))
            alternatives.append("(" + " AND ".join(quote(g) for g in grams) + ")")
    return " OR ".join(alternatives)


@given(st.lists(han_text, min_size=1, max_size=12), st.lists(note_text, max_size=12))
def test_grouped_spelling_query_finds_the_same_notes_in_the_same_order(
    spellings: list[str], notes: list[str],
) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(body, tokenize='unicode61')")
    db.executemany("INSERT INTO fts(body) VALUES (?)", [(index_text(n),) for n in notes])

    def rowids(expression: str) -> list[int]:
        return [r for (r,) in db.execute("SELECT rowid FROM fts WHERE fts MATCH ?", [expression])]

    assert rowids(spelling_query(spellings) or "") == rowids(_one_and_per_spelling(spellings))


@given(st.lists(han_text, min_size=1, max_size=12), note_text)
def test_one_regex_check_agrees_with_a_substring_test_per_spelling(
    spellings: list[str], text: str,
) -> None:
    assert holding_any(spellings)(text) == any(s in text for s in spellings)


def test_a_spelling_with_other_characters_is_still_found_as_a_substring() -> None:
    holds = holding_any(["中文a"])
    assert holds("学中文abc")
    assert not holds("学中文 abc")


@given(st.lists(han_text, min_size=1, max_size=200), note_text, st.sampled_from([1, 10_000]))
def test_the_title_check_agrees_with_a_substring_test_per_spelling(
    spellings: list[str], text: str, titles: int,
) -> None:
    # A few titles: each spelling in turn; many: the alternations of the spellings'
    # groups (6 alone, then 34, then 120, then the rest), as the row look-ups use them.
    holds = _holding_check(spellings, titles)
    assert holds(text) == any(s in text for s in spellings)


def test_the_title_check_reads_every_group_of_spellings() -> None:
    # 196 spellings: past the 6 alone, the 34 and the 120; a title holding only one
    # of each group's is found, and one holding none is not.
    chars = "生产力开源中文学习时间数据库"
    spellings = [a + b for a in chars for b in chars]
    for at in (0, 5, 6, 39, 40, 159, 160, 195):
        assert _holding_check(spellings, 10_000)(f"x{spellings[at]}x")
        assert _holding_check(spellings, 1)(f"x{spellings[at]}x")
    assert not _holding_check(spellings, 10_000)("x生x产x")
