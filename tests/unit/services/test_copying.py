"""What gets copied from an entry, and that copied text carries no terminal controls."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hostile_text import BIDI, raw_controls, write_hostile_notes

from tui.core.copying import (
    clean_copy_text,
    entry_copy_text,
    find_code_blocks,
    find_urls,
    join_marked,
    link_labels,
)
from tui.core.ingest.entry import Entry
from tui.core.search.engine import SearchHit
from tui.core.search.searchable import SearchableIndex


def _entry(text: str, kind: str = "section", **meta: object) -> Entry:
    return Entry(id="n.md#H", kind=kind, title="The title", path="dir/n.md", line=12,
                 end_line=30, text=text, meta=dict(meta))


def test_entry_title_and_path() -> None:
    entry = _entry("## H\n\nbody text\n")
    assert entry_copy_text(entry, "entry") == ["## H\n\nbody text\n"]
    assert entry_copy_text(entry, "title") == ["The title"]
    assert entry_copy_text(entry, "path") == ["dir/n.md:12"]


def test_controls_are_removed_not_shown() -> None:
    hostile = "safe\x1b]52;c;ZXZpbA==\x07 \x1b[2Jred\r\nnext\tcol\x9b31m\x00end\rX"
    cleaned = clean_copy_text(hostile)
    assert cleaned == "safe]52;c;ZXZpbA== [2Jred\nnext\tcol31mendX"
    assert all(ch in "\n\t" or ch.isprintable() for ch in cleaned)
    assert entry_copy_text(_entry(hostile), "entry") == [cleaned]


def test_url_candidates_tweet_link_first_then_links_in_order() -> None:
    text = (
        "See [docs](https://example.com/a_(b)) and https://example.org/x?q=1.\n"
        "Again [docs](https://example.com/a_(b) \"title\"), also <https://z.example/p>,\n"
        "中文https://cn.example/路径 and (https://paren.example/y)。見https://w.example/z，好"
    )
    entry = _entry(text, kind="tweet", url="https://x.com/u/status/1")
    assert entry_copy_text(entry, "url") == [
        "https://x.com/u/status/1",
        "https://example.com/a_(b)",
        "https://example.org/x?q=1",
        "https://z.example/p",
        "https://cn.example/路径",
        "https://paren.example/y",
        "https://w.example/z",
    ]


def test_url_of_a_plain_section_ignores_meta_and_may_be_empty() -> None:
    assert entry_copy_text(_entry("no links here", url="https://meta"), "url") == []
    assert find_urls("**[t](https://a.b/c)**") == ["https://a.b/c"]


def test_code_blocks_content_only() -> None:
    text = (
        "intro\n```python\nprint('a')\n\n```\n"
        "~~~\n```not a close```\n~~~\n"
        "  ```\n  indented\n    more\n  ```\n"
        "````\nunclosed\n"
    )
    assert find_code_blocks(text) == [
        "print('a')\n",
        "```not a close```",
        "indented\n  more",
        "unclosed\n",
    ]
    assert entry_copy_text(_entry("no code"), "code") == []
    assert len(entry_copy_text(_entry(text), "code")) == 4


def test_join_marked_separates_with_one_blank_line() -> None:
    assert join_marked(["a\n", "\nb\n\n", "", "c\x1b"]) == "a\n\nb\n\nc"


def test_unknown_field_is_an_error() -> None:
    with pytest.raises(ValueError):
        entry_copy_text(_entry("x"), "nope")


@pytest.fixture
def hits(tmp_path: Path, index_factory: Callable[..., SearchableIndex]) -> list[SearchHit]:
    """Every entry of a note full of escapes, markup and bidi controls (and a plain one)."""
    root = write_hostile_notes(tmp_path / "notes")
    return index_factory(root).engine.search("okapi", limit=0).hits


def test_copied_text_has_no_control_characters(hits: list[SearchHit]) -> None:
    for hit in hits:
        for field in ("entry", "title", "url", "path", "code"):
            for text in entry_copy_text(hit.entry, field):
                assert raw_controls(text) - BIDI == set(), field
                assert "\r" not in text
    evil = next(h for h in hits if h.entry.path == "evil.md" and h.entry.kind == "note")
    copied = entry_copy_text(evil.entry, "entry")[0]
    assert "[link=https://evil]l[/link]" in copied  # text is kept, only controls go
    assert "]52;c;ZXZpbA==" in copied and "\x1b" not in copied and "\x07" not in copied
    urls = entry_copy_text(evil.entry, "url")
    assert all("\x1b" not in url for url in urls)
    marked = join_marked(entry_copy_text(h.entry, "entry")[0] for h in hits)
    assert raw_controls(marked) - BIDI == set()


def test_clean_copy_text_drops_every_c0_c1_control() -> None:
    text = "a\x1b[2Jb\x07c\x9bd\x7fe\rf\r\ng\th\x00i"
    assert clean_copy_text(text) == "a[2Jbcdef\ng\thi"


def test_links_are_named_by_their_markdown_text_or_the_words_before_them() -> None:
    text = (
        "# Reading\n\n"
        "- Textual docs: https://textual.example/docs\n"
        "See [the fzf README](https://fzf.example/readme \"title\") for keys.\n"
        "> https://bare.example/only\n"
        "中文说明：https://zh.example/page，后面\n"
        "https://a.example/1 and https://b.example/2\n"
    )
    labels = link_labels(text)
    assert labels == {
        "https://textual.example/docs": "Textual docs",
        "https://fzf.example/readme": "the fzf README",
        "https://bare.example/only": "",
        "https://zh.example/page": "中文说明",
        "https://a.example/1": "",
        "https://b.example/2": "",
    }
    assert set(labels) == set(find_urls(text))
