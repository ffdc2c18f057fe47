"""parse_note: one note entry, one entry per section, every line reachable once."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.ingest.entry import Entry, ParsedFile, split_lines
from tui.core.ingest.note_parser import parse_note

BLOG = """---
title: '周记 #2'
date: 2025-03-08
draft: false
tags: [reading, ""]
description: 一周小结
---

Some preamble with #inline-tag.

## Books

Read a book about #systems.

### Notes

Details here.

## Links

A list of links.
"""


def _coverage_ok(parsed: ParsedFile, text: str) -> None:
    """Note + sections + tweets cover each non-blank line once, inside the file."""
    lines = split_lines(text)
    counts: dict[int, int] = {}
    for entry in parsed.entries:
        assert 1 <= entry.line <= entry.end_line <= len(lines), entry
        if entry.kind == "key":
            continue
        for number in range(entry.line, entry.end_line + 1):
            counts[number] = counts.get(number, 0) + 1
    for number, line in enumerate(lines, 1):
        if line.strip():
            assert counts.get(number) == 1, (number, line, counts.get(number))
    assert len({e.id for e in parsed.entries}) == len(parsed.entries)


def _by_kind(parsed: ParsedFile, kind: str) -> list[Entry]:
    return [e for e in parsed.entries if e.kind == kind]


def test_blog_post_note_and_sections() -> None:
    parsed = parse_note("blog/week-2.md", BLOG)
    _coverage_ok(parsed, BLOG)
    note = parsed.entries[0]
    assert note.kind == "note"
    assert note.id == "blog/week-2.md"
    assert note.title == "周记 #2"
    assert note.tags == ("reading", "inline-tag", "systems")
    assert note.meta["date"] == "2025-03-08"
    assert note.meta["draft"] is False
    assert note.meta["description"] == "一周小结"
    assert note.meta["format"] == "markdown"
    assert note.line == 1 and note.end_line == 9
    assert "Some preamble" in note.text
    sections = _by_kind(parsed, "section")
    assert [s.id for s in sections] == [
        "blog/week-2.md#Books",
        "blog/week-2.md#Books/Notes",
        "blog/week-2.md#Links",
    ]
    assert sections[1].breadcrumb == "week-2.md › Books › Notes"
    assert sections[0].tags == ("systems",)
    assert sections[0].text.startswith("## Books\n")
    assert parsed.warnings == []


def test_title_fallbacks() -> None:
    assert parse_note("a.md", "\n\n# Heading Title\ntext\n").entries[0].title == "Heading Title"
    long_line = "x" * 300
    assert parse_note("b.txt", f"\n{long_line}\n").entries[0].title == "x" * 120
    empty = parse_note("dir/empty-note.md", "")
    assert empty.entries[0].title == "empty-note"
    assert (empty.entries[0].line, empty.entries[0].end_line) == (1, 1)


def test_a_note_without_a_title_heading_is_named_by_its_file() -> None:
    """Obsidian, Foam and Dendron notes have no `# ` heading: the file name is the
    title, not a `##` heading further down that the opening paragraph is not under."""
    text = "---\naliases: [tides]\n---\nHow to read a tide table.\n\n## Spring tides\nbig\n"
    parsed = parse_note("Harbour/Tide tables.md", text)
    assert [e.title for e in parsed.entries] == ["Tide tables", "Spring tides"]
    opening = parse_note("w.md", "\n## Week 9\nsourdough\n")
    assert opening.entries[0].title == "Week 9", "a heading the note opens with names it"
    assert parse_note("plain.md", "first words\nmore\n").entries[0].title == "first words"


def test_file_opening_with_heading_has_no_duplicate_section() -> None:
    text = "# Title\n\nintro\n\n## Part\nbody\n"
    parsed = parse_note("t.md", text)
    _coverage_ok(parsed, text)
    assert parsed.entries[0].title == "Title"
    assert parsed.entries[0].text.startswith("# Title")
    assert [e.id for e in parsed.entries[1:]] == ["t.md#Title/Part"]


def test_duplicate_headings_get_stable_suffixes() -> None:
    text = "intro\n## Log\na\n## Log\nb\n## Other\nc\n## Log\nd\n"
    ids = [e.id for e in parse_note("d.md", text).entries]
    assert ids == ["d.md", "d.md#Log", "d.md#Log~2", "d.md#Other", "d.md#Log~3"]


def test_ids_survive_edits_to_other_sections() -> None:
    before = "intro\n## Alpha\none\n## Beta\ntwo\n### Gamma\nthree\n"
    after = (
        "intro\n## Alpha\none\nmore lines\nadded here\n#newtag\n## Beta\ntwo\n### Gamma\nthree\n"
    )
    old = {e.title: e.id for e in parse_note("s.md", before).entries}
    new = {e.title: e.id for e in parse_note("s.md", after).entries}
    assert old == new
    assert new["Gamma"] == "s.md#Beta/Gamma"


def test_long_section_is_chunked_to_60_lines() -> None:
    body = "\n".join(f"paragraph line {i}" + ("\n" if i % 10 == 0 else "") for i in range(150))
    text = f"intro\n## Big\n{body}\n## After\nend\n"
    parsed = parse_note("long.md", text)
    _coverage_ok(parsed, text)
    big = [e for e in parsed.entries if e.id.startswith("long.md#Big")]
    assert len(big) >= 3
    assert [e.id for e in big[:3]] == ["long.md#Big", "long.md#Big@2", "long.md#Big@3"]
    assert big[1].title == "Big (2)"
    assert all(e.end_line - e.line + 1 <= 60 for e in parsed.entries)
    assert all(e.breadcrumb == "long.md › Big" for e in big)


def test_long_preamble_and_headingless_text_are_chunked() -> None:
    text = "\n".join(f"a plain sentence number {i}, which ends with a comma," for i in range(200))
    parsed = parse_note("plain.txt", text)
    _coverage_ok(parsed, text)
    note = parsed.entries[0]
    assert note.end_line - note.line + 1 <= 60
    rest = parsed.entries[1:]
    assert len(rest) >= 3
    assert rest[0].title == note.title + " (2)"
    assert all(e.end_line - e.line + 1 <= 60 for e in rest)


def test_malformed_front_matter_warns_and_body_is_indexed() -> None:
    text = "---\ntitle: One\ntitle: Two\n---\n## Body Heading\ntext\n"
    parsed = parse_note("bad.md", text)
    assert parsed.warnings == [
        "bad.md:3: malformed front matter: duplicate key 'title' (first value kept); "
        "not valid YAML, read leniently"
    ]
    assert parsed.entries[0].title == "One"
    assert [e.title for e in parsed.entries[1:]] == ["Body Heading"]
    _coverage_ok(parsed, text)


def test_text_file_with_markdown_headings_uses_them() -> None:
    text = "# Journal\n\n## Monday\nwent out\n\n## Tuesday\nstayed in\n"
    parsed = parse_note("journal.txt", text)
    assert [e.title for e in parsed.entries[1:]] == ["Monday", "Tuesday"]
    assert parsed.entries[0].meta["format"] == "markdown"


def test_plaintext_note_uses_heuristic_headings() -> None:
    text = (
        "第一个主题\n\n这是第一段正文，讲的是一件事情，句子比较长，也有标点。\n\n"
        "第二个主题\n\n第二段正文。\n"
    )
    parsed = parse_note("notebook.txt", text)
    _coverage_ok(parsed, text)
    assert parsed.entries[0].meta["format"] == "text"
    assert [e.title for e in parsed.entries] == ["第一个主题", "第二个主题"]


TWEETS = """# Digest

Intro line.

### 1

作者: @someone
时间: 2024-01-03
链接: https://x.com/someone/status/1000000000000000001

First tweet text.

### 2

作者: @someone
时间: 2024-01-04
链接: https://x.com/someone/status/1000000000000000002

Second tweet text.

## Afterword

Closing words.
"""


def test_tweet_blocks_are_not_also_sections() -> None:
    parsed = parse_note("tweets/d.md", TWEETS)
    _coverage_ok(parsed, TWEETS)
    assert len(_by_kind(parsed, "tweet")) == 2
    sections = _by_kind(parsed, "section")
    assert [s.title for s in sections] == ["Afterword"]
    assert parsed.entries[0].end_line == 3


def test_key_rows_are_added_alongside_sections() -> None:
    text = (
        "Terminal keys\n\n"
        "{ key = 'p', mods = 'CTRL|SHIFT', action = act.ActivateCommandPalette },\n"
    )
    parsed = parse_note("keys.txt", text)
    _coverage_ok(parsed, text)
    assert len(_by_kind(parsed, "key")) == 1


def test_example_notes_parse_with_full_coverage(example_notes: Path) -> None:
    for path in sorted(example_notes.rglob("*")):
        if path.suffix not in (".md", ".txt"):
            continue
        text = path.read_text(encoding="utf-8")
        parsed = parse_note(path.relative_to(example_notes).as_posix(), text)
        _coverage_ok(parsed, text)


def test_sample_article_export_gets_sensible_sections(sample_notes: Path) -> None:
    path = sample_notes / "articles" / "ai-reading-2024.txt"
    text = path.read_text(encoding="utf-8")
    parsed = parse_note("articles/ai-reading-2024.txt", text)
    _coverage_ok(parsed, text)
    sections = _by_kind(parsed, "section")
    assert 50 <= len(sections) <= 600
    assert all(e.end_line - e.line + 1 <= 60 for e in parsed.entries)
    lines = split_lines(text)
    target = next(i for i, line in enumerate(lines, 1) if line.strip() == "Advantage Function")
    holder = next(e for e in parsed.entries if e.line <= target <= e.end_line)
    assert abs(holder.line - target) <= 3
    assert holder.title == "Advantage Function"


def test_sample_notebook_finds_chinese_headings(sample_notes: Path) -> None:
    text = (sample_notes / "notebook.txt").read_text(encoding="utf-8")
    parsed = parse_note("notebook.txt", text)
    _coverage_ok(parsed, text)
    titles = {e.title for e in parsed.entries}
    assert {"快捷键", "企业", "编程模式"} <= titles
    assert all(e.end_line - e.line + 1 <= 60 for e in parsed.entries if e.kind != "tweet")


_PIECES = [
    "# Heading",
    "## Sub",
    "---",
    "+++",
    "===",
    "```",
    "",
    "plain text line",
    "Title Case Line",
    "a long paragraph line that goes on for quite a while so it reads as prose.",
    "title: x",
    "tags: [a, b",
    "标题",
    "- item",
    "#tag here",
    "Speaker Name:",
    "Some Article [Link]",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=160),
    st.sampled_from(["n.md", "n.txt"]),
)
def test_any_mix_of_lines_is_covered_exactly_once(pieces: list[str], name: str) -> None:
    text = "\n".join(pieces)
    parsed = parse_note(name, text)
    _coverage_ok(parsed, text)
    assert parsed.entries[0].kind == "note"
    assert all(e.end_line - e.line + 1 <= 60 for e in parsed.entries)


def test_obsidian_titles_read_as_obsidian_shows_them() -> None:
    """TRY5 §12/§14: `### [[Properties]]` listed as `[[Properties]]`; a note opening with
    a list item took the item, bullet included, as its title; `- "#hashy"` in front
    matter made the tag `#hashy` with its mark."""
    links = parse_note("Docs/Formats.md", "# Formats\n\n## [[Properties]]\nx\n\n"
                       "## See [[Other note#Part|the part]]\ny\n")
    assert [e.title for e in links.entries] == ["Formats", "Properties", "See the part"]
    assert links.entries[1].breadcrumb == "Formats.md › Formats › Properties"
    # Ids keep the heading as written: tags kept by id (.notesift/tags.json) still apply.
    assert links.entries[1].id == "Docs/Formats.md#Formats/[[Properties]]"
    bullets = parse_note("Release notes/v0.0.12.md", "- Fixed saving large files.\n- More.\n")
    assert bullets.entries[0].title == "v0.0.12"
    assert parse_note("plain.md", "first words\nmore\n").entries[0].title == "first words"
    tagged = parse_note("t.md", '---\ntags:\n  - "#hashy"\n  - plain\n---\nbody\n')
    assert list(tagged.entries[0].tags[:2]) == ["hashy", "plain"]
