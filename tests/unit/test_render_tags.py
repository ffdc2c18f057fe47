"""A result row lists a tag once: not again after a title that already shows it."""

from __future__ import annotations

from tui.core.ingest.entry import Entry
from tui.core.search.presenting import plain_hit
from tui.render import result_row_lines


def _row(title: str, tags: tuple[str, ...]) -> str:
    entry = Entry(id="n.md#1", kind="section", title=title, path="n.md", line=1, end_line=2,
                  text=title, tags=tags)
    row, _detail = result_row_lines(plain_hit(entry))
    return row.plain


def test_a_tag_written_in_the_heading_is_not_repeated() -> None:
    row = _row("The Rust Programming Language #rust", ("rust",))
    assert row.count("#rust") == 1


def test_the_heading_tag_is_matched_whatever_its_case() -> None:
    assert _row("Rust book #Rust", ("rust",)).lower().count("#rust") == 1


def test_tags_the_heading_does_not_show_are_still_listed() -> None:
    row = _row("Rust book #rust", ("rust", "books"))
    assert row.count("#rust") == 1 and "#books" in row


def test_a_longer_tag_in_the_heading_does_not_hide_a_shorter_one() -> None:
    row = _row("Async in practice #rust/async", ("rust/async", "rust"))
    assert "#rust/async" in row and row.replace("#rust/async", "").count("#rust") == 1


def test_a_tag_after_chinese_text_counts_as_written() -> None:
    assert _row("混合排序#ai", ("ai",)).count("#ai") == 1


def test_a_url_fragment_in_the_heading_does_not_count_as_the_tag() -> None:
    row = _row("See example.com/page#intro", ("intro",))
    assert row.count("#intro") == 2
