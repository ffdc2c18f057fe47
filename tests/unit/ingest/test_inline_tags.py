"""Inline #tags: the ones people write, not the other uses of `#`."""

from __future__ import annotations

from tui.core.ingest.inline_tags import find_inline_tags


def test_tags_in_order_without_duplicates() -> None:
    text = "#idea first, then #ai/llm and (#paren) again #idea and #AI/LLM"
    assert find_inline_tags(text) == ["idea", "ai/llm", "paren"]


def test_unicode_tags_and_trailing_punctuation() -> None:
    assert find_inline_tags("学习 #机器学习。 done #tag. #nested/ #dash-") == [
        "机器学习",
        "tag",
        "nested",
        "dash",
    ]


def test_headings_numbers_and_entities_are_not_tags() -> None:
    text = "# Heading\n## Sub heading\n#1 item #123 and &#123; &#x27; issue #42"
    assert find_inline_tags(text) == []


def test_url_fragments_and_link_anchors_are_not_tags() -> None:
    text = "see https://x.com/a#frag and [jump](#section) or word#inside"
    assert find_inline_tags(text) == []


def test_code_is_never_scanned() -> None:
    text = "use `#notatag` here\n```python\n# comment\nx = 1  #also\n```\n~~~\n#nope\n~~~\n#real"
    assert find_inline_tags(text) == ["real"]


def test_hex_colours_versus_hex_looking_words() -> None:
    text = "colour #fff and #a0b1c2 and #f00, but #bad idea #add"
    assert find_inline_tags(text) == ["bad", "add"]


def test_url_fragments_with_a_value_are_not_tags() -> None:
    text = "URL 里面设置 #targetText=hello%20world ，then #page=2 and #:~:text=x, but #real"
    assert find_inline_tags(text) == ["real"]


def test_preprocessor_and_shebang_lines_outside_fences_are_code() -> None:
    text = (
        "> #define SQLITE_DETERMINISTIC    0x000000800\n"
        "> #define SQLITE_DIRECTONLY 0x000080000 #flags\n"
        "#include <stdio.h>\n"
        '#include "local.h"\n'
        "  #ifdef DEBUG\n"
        "#pragma once\n"
        "#!/usr/bin/env bash #shell\n"
        "#kept after the code"
    )
    assert find_inline_tags(text) == ["kept"]


def test_directive_words_alone_and_in_prose_stay_tags() -> None:
    assert find_inline_tags("#define\nwords to #include in #import/later") == [
        "define", "include", "import/later",
    ]


def test_tags_keep_their_case_as_written() -> None:
    assert find_inline_tags("learning #TypeScript and #LLM") == ["TypeScript", "LLM"]


def test_heading_links_after_han_text_are_not_tags() -> None:
    # Obsidian's `[[Note#Heading|alias]]` and Markdown's `](page#anchor)` name headings;
    # after Han text the `#` looked like the start of a tag (TRY5 §2).
    assert find_inline_tags("見 [[関数#hasTag|関数]] と #real") == ["real"]
    assert find_inline_tags("[说明](社群媒体链接预览#Description) 中文#好") == ["好"]
    assert find_inline_tags("![[图片#Obsidian]] 以及 [[笔记#联系]]") == []
    assert find_inline_tags("see [x](#anchor) and #ok") == ["ok"]
    assert find_inline_tags("[[a]]#t3 and [x](y)#t4 but [[b]] #t5") == ["t5"]
