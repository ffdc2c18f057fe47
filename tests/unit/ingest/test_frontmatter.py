"""Front matter: useful fields from imperfect YAML/TOML, and never a crash."""

from __future__ import annotations

import pytest

from tui.core.ingest.frontmatter import parse_front_matter

HUGO = """---
title: '周记 #3'
description: "一周的\\"想法\\"\\u0021"
date: 2025-01-05T21:00:00+08:00
draft: false
tags: ["",]
cover:
---
正文第一行
"""


def test_hugo_style_yaml() -> None:
    fm = parse_front_matter(HUGO)
    assert fm.format == "yaml"
    assert fm.title == "周记 #3"
    assert fm.description == '一周的"想法"!'
    assert fm.date == "2025-01-05T21:00:00+08:00"
    assert fm.draft is False
    assert fm.tags == []
    assert fm.end_line == 8
    assert fm.body_start_line == 9
    assert fm.error is None


def test_bom_before_front_matter_is_accepted() -> None:
    fm = parse_front_matter("\ufeff---\ntitle: x\n---\nbody")
    assert fm.title == "x"
    assert fm.body_start_line == 4


def test_lists_in_every_common_spelling() -> None:
    flow = parse_front_matter("---\ntags: [ai, 'deep learning', \"llm\", ]\n---\n")
    block = parse_front_matter('---\ntags:\n  - ai\n  - "deep learning"\n---\n')
    csv = parse_front_matter("---\ntags: ai, deep learning,\n---\n")
    multiline = parse_front_matter("---\ntags: [ai,\n  deep learning]\n---\n")
    for fm in (flow, block, csv, multiline):
        assert fm.tags[:2] == ["ai", "deep learning"], fm
        assert fm.error is None


def test_colon_in_title_is_read_leniently_with_a_warning() -> None:
    """`a: b: c` is not YAML (Hugo refuses it); the value is still read, and the user told."""
    fm = parse_front_matter("---\n# a comment\ntitle: 笔记: 第一部分  # trailing\n---\n")
    assert fm.title == "笔记: 第一部分"
    assert fm.error is not None and "read leniently" in fm.error
    assert fm.error_line == 3


def test_comments_and_quoted_colons_are_plain_yaml() -> None:
    fm = parse_front_matter("---\n# a comment\ntitle: '笔记: 第一部分'  # trailing\n---\n")
    assert fm.title == "笔记: 第一部分"
    assert fm.error is None


def test_python_tags_are_plain_text_never_objects() -> None:
    fm = parse_front_matter("---\ntitle: !!python/object/apply:os.system ['echo hi']\n---\n")
    assert isinstance(fm.fields["title"], str)
    assert "os.system" in fm.fields["title"]


def test_duplicate_key_keeps_first_and_reports_line() -> None:
    fm = parse_front_matter("---\ntitle: First\nauthor: me\ntitle: Second\n---\nbody\n")
    assert fm.title == "First"
    assert fm.error is not None and "line 4" in fm.error and "title" in fm.error
    assert fm.error_line == 4
    assert fm.body_start_line == 6


def test_unclosed_list_is_an_error_but_other_fields_survive() -> None:
    fm = parse_front_matter("---\ntags: [a, b\ntitle: Still here\n---\nbody\n")
    assert fm.error is not None and "line 2" in fm.error
    assert fm.title == "Still here"
    assert fm.tags == ["a", "b"]


def test_invalid_date_is_kept_as_text() -> None:
    fm = parse_front_matter("---\ndate: 2024-02-30\n---\n")
    assert fm.date == "2024-02-30"
    assert fm.error is None


def test_nested_mapping_and_block_scalar() -> None:
    text = (
        "---\nparams:\n  math: true\n  author: x\n"
        "summary: |\n  line one\n  line two\ndraft: yes\n---\n"
    )
    fm = parse_front_matter(text)
    assert fm.fields["params"] == {"math": True, "author": "x"}
    assert fm.description == "line one\nline two"
    assert fm.draft is True


def test_toml_front_matter_with_datetime() -> None:
    text = (
        '+++\ntitle = "Rust CLI"\ndate = 2024-11-02T10:05:00+08:00\n'
        'tags = ["rust", ""]\n+++\n# Body\n'
    )
    fm = parse_front_matter(text)
    assert fm.format == "toml"
    assert fm.title == "Rust CLI"
    assert fm.date == "2024-11-02T10:05:00+08:00"
    assert fm.tags == ["rust"]
    assert fm.body_start_line == 6


def test_broken_toml_reports_file_line() -> None:
    fm = parse_front_matter('+++\ntitle = "ok"\nthis is not toml\n+++\nbody\n')
    assert fm.error is not None
    assert fm.error_line == 3
    assert fm.body_start_line == 5


def test_no_front_matter_and_thematic_break() -> None:
    assert parse_front_matter("# Just a heading\n").format is None
    # A file starting with a horizontal rule is not front matter.
    fm = parse_front_matter("---\n\nSome prose after a rule.\n")
    assert fm.format is None and fm.error is None
    assert fm.body_start_line == 1


def test_unclosed_front_matter_is_reported_and_body_kept() -> None:
    fm = parse_front_matter("---\ntitle: never closed\n\nbody text\n")
    assert fm.error is not None and "line 1" in fm.error
    assert fm.body_start_line == 1


def test_garbage_never_raises() -> None:
    for text in [
        "---\n: :\n- - -\n  weird\n[\n---\n",
        "---\n'unterminated\n---\n",
        "+++\n[[[\n+++\n",
    ]:
        fm = parse_front_matter(text)
        assert fm.error is not None


# -- a real YAML parser: valid YAML reads without warnings ---------------------


def test_multi_line_plain_scalar() -> None:
    fm = parse_front_matter(
        "---\ntitle: Notes on keeping\n  a garden through\n  the winter\ndraft: false\n---\nbody\n"
    )
    assert fm.error is None
    assert fm.title == "Notes on keeping a garden through the winter"
    assert fm.draft is False


def test_list_of_mappings_hugo_authors() -> None:
    fm = parse_front_matter(
        "---\ntitle: Pair notes\nauthors:\n  - name: Ada\n    url: https://a.example\n"
        "  - name: Grace\n    url: https://g.example\ntags: [pairing]\n---\n"
    )
    assert fm.error is None
    assert fm.fields["authors"] == [
        {"name": "Ada", "url": "https://a.example"},
        {"name": "Grace", "url": "https://g.example"},
    ]
    assert fm.tags == ["pairing"]


def test_anchors_and_aliases() -> None:
    fm = parse_front_matter(
        "---\nbase: &b [garden, winter]\ntags: *b\nextra: &e {x: 1}\nmore:\n  <<: *e\n  y: 2\n---\n"
    )
    assert fm.error is None
    assert fm.tags == ["garden", "winter"]
    assert fm.fields["more"] == {"x": 1, "y": 2}


def test_yaml_1_2_scalars_not_1_1_surprises() -> None:
    fm = parse_front_matter(
        "---\ncountry: no\nmode: 0755\nlen: 1:30\nperm: 0o755\nhex: 0x1F\nflag: True\n"
        "date: 2024-04-17\n---\n"
    )
    assert fm.error is None
    assert fm.fields == {
        "country": "no", "mode": 755, "len": "1:30", "perm": 0o755, "hex": 31, "flag": True,
        "date": "2024-04-17",
    }


def test_alias_bomb_is_refused_not_expanded() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i-1}'] * 10)}]" for i in range(1, 9)]
    fm = parse_front_matter("---\n" + "\n".join(lines) + "\ntitle: bomb\n---\n")
    assert fm.error is not None
    assert fm.title == "bomb"  # the lenient reader keeps what it can, aliases as text


def test_recursive_alias_is_refused() -> None:
    fm = parse_front_matter("---\nloop: &l [*l]\ntitle: t\n---\n")
    assert fm.title == "t"


def test_tag_editor_keeps_working_on_yaml_only_a_real_parser_reads() -> None:
    """Multi-line scalars and author lists around the tags line are left byte for byte."""
    from tui.core.tags.fm_tags import NotEditable, edit_tags

    text = (
        "---\r\ntitle: Pair\r\n  notes here\r\nauthors:\r\n  - name: Ada\r\n    url: x\r\n"
        "tags: [a, b]  # keep\r\n---\r\nbody\r\n"
    )
    added = edit_tags(text, add="c")
    assert added == text.replace("tags: [a, b]  # keep", "tags: [a, b, c]  # keep")
    assert parse_front_matter(added).fields["authors"] == [{"name": "Ada", "url": "x"}]
    # An alias is not something to rewrite by hand; the sidecar keeps that tag instead.
    with pytest.raises(NotEditable):
        edit_tags("---\nbase: &b [x, y]\ntags: *b\n---\n", add="c")
