"""Property tests: the parser's coverage contract and tag edits undone byte for byte.

The query round trip (`parse_query(render_query(q)) == q`, never raising) is
already a property test in tests/unit/search/test_query.py; this file adds what was missing:
arbitrary text and generated markdown-ish documents through `parse_note`, and
tag add + undo on generated front-matter notes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tui.core.ingest.entry import Entry, ParsedFile, split_lines
from tui.core.ingest.note_parser import parse_note
from tui.core.search.query import parse_query
from tui.core.search.query_render import render_query
from tui.core.tags.tagstore import TagStore

_SETTINGS = settings(max_examples=200, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])


def _check_coverage(parsed: ParsedFile, text: str) -> None:
    """Ranges inside the file; every non-blank line in some note/section/tweet entry."""
    lines = split_lines(text)
    covered: set[int] = set()
    assert parsed.entries and parsed.entries[0].kind == "note"
    for entry in parsed.entries:
        assert 1 <= entry.line <= entry.end_line <= len(lines), (entry.line, entry.end_line)
        covered.update(range(entry.line, entry.end_line + 1))
    for number, line in enumerate(lines, 1):
        if line.strip():
            assert number in covered, (number, line)
    assert len({e.id for e in parsed.entries}) == len(parsed.entries)


# -- markdown-ish documents ---------------------------------------------------

_words = st.text(
    alphabet=st.sampled_from("abcxyz 生产力笔记 :-#*`[]()|\t"), min_size=0, max_size=30
)
_heading = st.builds(lambda n, t: "#" * n + " " + t, st.integers(1, 7), _words)
_setext = st.builds(lambda t, u: f"{t}\n{u}", _words, st.sampled_from(["===", "---", "- - -"]))
_yaml_fm = st.builds(
    lambda title, tags, extra: f"---\ntitle: {title}\ntags: [{', '.join(tags)}]\n{extra}---",
    _words,
    st.lists(st.sampled_from(["ai", "ai/llm", "x", "中文", "a b"]), max_size=3),
    st.sampled_from(["", "date: 2024-02-30\n", "draft: true\n", "bad: [\n", "k: v: w\n"]),
)
_toml_fm = st.builds(lambda t: f'+++\ntitle = "{t}"\n+++', _words)
_tweet = st.builds(
    lambda n, likes, body: (
        f"### {n}\n\n作者: @someone\n时间: 2024-01-0{n % 9 + 1}\n"
        f"链接: https://x.com/someone/status/{1000 + n}\n"
        f"互动: Likes: {likes}; Retweets: 1; Replies: 2; Quotes: 3\n\n{body}"
    ),
    st.integers(1, 99),
    st.integers(0, 5000),
    _words,
)
_key_row = st.one_of(
    st.builds(lambda k: f"{{ key = '{k}', mods = 'CTRL|SHIFT', action = act.Nop }},",
              st.sampled_from("abpt")),
    st.builds(lambda k, a: f"{k}  vim  {a}  note", st.sampled_from(["C-a", "gg", "<M-x>"]), _words),
)
_fence = st.builds(lambda body: f"```\n{body}\n```", _words)
_block = st.one_of(
    _heading, _setext, _tweet, _key_row, _fence, _words,
    st.just(""), st.just("   "), st.just("- item"), st.just("1. 显存"),
)
_documents = st.builds(
    lambda fm, blocks, sep: fm + sep.join(blocks),
    st.one_of(st.just(""), _yaml_fm.map(lambda s: s + "\n"), _toml_fm.map(lambda s: s + "\n")),
    st.lists(_block, max_size=40),
    st.sampled_from(["\n", "\n\n", "\r\n"]),
)


@_SETTINGS
@given(st.text(), st.sampled_from(["n.md", "n.txt"]))
@example("\r", "n.md")
@example("---\n", "n.md")
@example("\u2028a\x0cb\x85c", "n.txt")
def test_any_text_parses_with_lines_in_range_and_covered(text: str, name: str) -> None:
    _check_coverage(parse_note(name, text), text)


@_SETTINGS
@given(_documents, st.sampled_from(["n.md", "n.txt", "d/digest.markdown"]))
def test_markdownish_documents_are_covered(text: str, name: str) -> None:
    parsed = parse_note(name, text)
    _check_coverage(parsed, text)
    for entry in parsed.entries:
        assert all(isinstance(t, str) and t for t in entry.tags)


# -- the query language -------------------------------------------------------
# tests/unit/search/test_query.py holds the round trip on 1500 examples; here only arbitrary
# whitespace-joined unicode words (incl. control characters), which it samples less.


@_SETTINGS
@given(st.lists(st.text(min_size=1, max_size=6), max_size=6).map(" ".join))
def test_query_of_arbitrary_words_round_trips(text: str) -> None:
    query = parse_query(text)
    assert parse_query(render_query(query)) == query


# -- tag add then undo is byte-exact ------------------------------------------

_fm_value = st.text(
    alphabet=st.sampled_from("abc xyz 中文 '\"#:-,[]"), min_size=0, max_size=12
)
_tags_line = st.one_of(
    st.just(""),
    st.builds(lambda ts: f"tags: [{', '.join(ts)}]", st.lists(st.sampled_from(["a", "b/c", "中"]),
                                                              max_size=3)),
    st.builds(lambda ts: "tags:\n" + "".join(f"  - {t}\n" for t in ts).rstrip("\n"),
              st.lists(st.sampled_from(["a", "b", "x y"]), min_size=1, max_size=3)),
    st.just("tags: solo  # a comment"),
    st.just('tags: "quoted"'),
    st.just("tags:"),
)
_front_matter_notes = st.builds(
    lambda title, tags, other, body, newline, bom, fence: (
        bom
        + newline.join(
            line
            for line in [fence, f"title: {title}", tags, other, fence, "", body]
            if line is not None
        )
        + newline
    ),
    _fm_value,
    _tags_line,
    st.sampled_from(["date: 2024-01-01", "draft: false", "# comment", "k: v"]),
    _words,
    st.sampled_from(["\n", "\r\n"]),
    st.sampled_from(["", "\ufeff"]),
    st.sampled_from(["---"]),
)


def _note_entry(path: str, text: str) -> Entry:
    return parse_note(path, text).entries[0]


@_SETTINGS
@given(
    _front_matter_notes,
    st.sampled_from(["utf-8", "gb18030", "utf-16"]),
    st.sampled_from(["new", "a", "深度/学习", "x-y_z"]),
)
def test_tag_add_then_undo_restores_the_file(text: str, encoding: str, tag: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path = root / "note.md"
        path.write_bytes(data)
        decoded = text.lstrip("\ufeff").replace("\r\n", "\n")
        entry = _note_entry("note.md", decoded)
        store = TagStore(root)
        change = store.add(entry, tag)
        assert change is not None
        after = path.read_bytes()
        undone = store.undo()
        if after == data and not (root / ".notesift").exists():
            assert undone is None or undone.ok
        else:
            assert undone is not None and undone.ok, undone
        assert path.read_bytes() == data
        sidecar = root / ".notesift" / "tags.json"
        if sidecar.exists():
            assert tag not in sidecar.read_text(encoding="utf-8")
