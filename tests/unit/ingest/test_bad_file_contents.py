"""Bad file contents: each case checks what a user of notesift would notice.

Readable text in any encoding is indexed and findable, junk (binary, too big) is
skipped or cut with exactly one warning naming the file, and nothing raises.
Every file is written here, inside `tmp_path`.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from index_helpers import entries_of, found_paths, one_warning, warnings_about

import tui.core.text.decoding as decoding
from tui.core.search.engine import SNIPPET_WIDTH
from tui.core.text.decoding import DEFAULT_MAX_BYTES
from tui.render import preview_text, result_row

# -- encodings -------------------------------------------------------------


def test_invalid_utf8_is_indexed_with_one_warning(root: Path, make_index) -> None:
    # Mostly good UTF-8 with one bad byte: only that byte is lost, no code-page guess.
    good = "# Broken\n\nquokka café, über 笔记 ".encode()
    (root / "broken.md").write_bytes(good + b"\xff tail\n")
    index = make_index()
    assert found_paths(index, "quokka") == {"broken.md"}
    assert "U+FFFD" in one_warning(index, "broken.md")


def test_big5_note_is_found_by_its_chinese_words(root: Path, make_index) -> None:
    text = (
        "# 園藝筆記\n\n今天整理了書架上的舊筆記，發現很多關於園藝的心得。"
        "冬天的時候要記得把盆栽搬進室內，澆水也要減少。\n"
    )
    (root / "big5.md").write_bytes(text.encode("big5"))
    index = make_index()
    assert "big5.md" in found_paths(index, "盆栽")
    assert "big5.md" in found_paths(index, "澆水")
    assert warnings_about(index, "big5.md") == []
    assert any(e.title == "園藝筆記" for e in entries_of(index, "big5.md"))


def test_decode_warnings_are_reported_once(root: Path, make_index) -> None:
    (root / "broken.md").write_bytes(b"quokka caf\xe9\n")
    index = make_index()
    assert len(warnings_about(index, "broken.md")) == 1


def test_gb18030_chinese_is_findable_by_a_chinese_word(root: Path, make_index) -> None:
    text = "# 读书笔记\n\n今天学习了量化交易的基本原理，生产力工具很重要。\n"
    (root / "gb.md").write_bytes(text.encode("gb18030"))
    index = make_index()
    assert "gb.md" in found_paths(index, "量化交易")
    assert warnings_about(index, "gb.md") == []
    assert any(e.title == "读书笔记" for e in entries_of(index, "gb.md"))


@pytest.mark.parametrize(
    ("name", "encoding", "bom"),
    [
        ("u16le.md", "utf-16-le", codecs.BOM_UTF16_LE),
        ("u16be.md", "utf-16-be", codecs.BOM_UTF16_BE),
        ("u32le.md", "utf-32-le", codecs.BOM_UTF32_LE),
        ("u32be.md", "utf-32-be", codecs.BOM_UTF32_BE),
    ],
)
def test_utf16_and_utf32_with_bom_are_decoded(
    root: Path, make_index, name: str, encoding: str, bom: bytes
) -> None:
    text = "---\ntitle: Wide Note\n---\n\nthe wombat 袋熊 lives here\n"
    (root / name).write_bytes(bom + text.encode(encoding))
    index = make_index()
    assert found_paths(index, "wombat") == {name}
    assert found_paths(index, "袋熊") == {name}
    assert warnings_about(index, name) == []
    note = entries_of(index, name)[0]
    assert note.title == "Wide Note"


def test_utf8_bom_before_front_matter_keeps_the_title(root: Path, make_index) -> None:
    text = "---\ntitle: Bommed Title\ntags: [alpha]\n---\n\nbody axolotl\n"
    (root / "bom.md").write_bytes(codecs.BOM_UTF8 + text.encode())
    index = make_index()
    note = entries_of(index, "bom.md")[0]
    assert note.title == "Bommed Title"
    assert "alpha" in note.tags
    assert found_paths(index, "axolotl") == {"bom.md"}
    assert warnings_about(index, "bom.md") == []


def test_crlf_line_numbers_match_the_editor(root: Path, make_index) -> None:
    text = "# Top\r\n\r\nintro\r\n\r\n## Second\r\n\r\nthe narwhal line\r\n"
    (root / "crlf.md").write_bytes(text.encode())
    index = make_index()
    hits = index.engine.search("narwhal").hits
    assert hits and hits[0].entry.path == "crlf.md"
    assert hits[0].match_line == 7
    section = next(e for e in entries_of(index, "crlf.md") if e.title == "Second")
    assert section.line == 5
    assert "\r" not in section.text


# -- binary, empty and odd files ------------------------------------------


def test_binary_with_md_name_is_skipped_with_one_warning(root: Path, make_index) -> None:
    (root / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (root / "ok.md").write_text("# Fine\n\nplatypus\n")
    index = make_index()
    assert entries_of(index, "image.md") == []
    warned = warnings_about(index, "image.md")
    assert len(warned) == 1 and "binary" in warned[0]
    assert found_paths(index, "platypus") == {"ok.md"}


def test_nul_in_first_8k_is_binary_but_later_nul_is_text(root: Path, make_index) -> None:
    early = b"# Early\n\nokapi text\n" + b"\x00" + b"more\n"
    late = b"# Late\n\n" + b"filler line\n" * 800 + b"x\x00y beaver\n" + b"pangolin at the end\n"
    assert late.index(b"\x00") > decoding.BINARY_SNIFF_BYTES
    (root / "early.md").write_bytes(early)
    (root / "late.md").write_bytes(late)
    index = make_index()
    assert entries_of(index, "early.md") == []
    assert len(warnings_about(index, "early.md")) == 1
    # Regression: SQLite FTS stopped at the NUL, so "beaver" and "pangolin" were lost.
    assert found_paths(index, "pangolin") == {"late.md"}
    assert found_paths(index, "beaver") == {"late.md"}
    assert "NUL" in one_warning(index, "late.md")


def test_empty_file_is_a_note_without_warnings(root: Path, make_index) -> None:
    (root / "empty.md").write_bytes(b"")
    index = make_index()
    entries = entries_of(index, "empty.md")
    assert len(entries) == 1 and entries[0].kind == "note"
    assert entries[0].title == "empty"
    assert warnings_about(index, "empty.md") == []


def test_front_matter_only_file(root: Path, make_index) -> None:
    (root / "fm.md").write_text("---\ntitle: Only Meta\ntags: [solo]\n---\n")
    index = make_index()
    entries = entries_of(index, "fm.md")
    assert len(entries) == 1 and entries[0].title == "Only Meta"
    assert 1 <= entries[0].line <= entries[0].end_line <= 5
    assert "fm.md" in found_paths(index, "#solo")
    assert warnings_about(index, "fm.md") == []


# -- malformed front matter -----------------------------------------------


def test_unclosed_yaml_list_warns_once_and_keeps_the_body(root: Path, make_index) -> None:
    (root / "list.md").write_text("---\ntitle: Lister\ntags: [a, b\n---\n\nbody ibex\n")
    index = make_index()
    assert found_paths(index, "ibex") == {"list.md"}
    warned = warnings_about(index, "list.md")
    assert len(warned) == 1 and "front matter" in warned[0]


def test_colon_in_unquoted_chinese_title(root: Path, make_index) -> None:
    (root / "colon.md").write_text("---\ntitle: 笔记: 第一部分\n---\n\n正文内容关于熊猫\n")
    index = make_index()
    assert "colon.md" in found_paths(index, "熊猫")
    note = entries_of(index, "colon.md")[0]
    # Either read as the whole string, or rejected with one warning naming the file.
    assert note.title == "笔记: 第一部分" or len(warnings_about(index, "colon.md")) == 1
    assert len(warnings_about(index, "colon.md")) <= 1


def test_impossible_date_is_not_a_crash(root: Path, make_index) -> None:
    (root / "date.md").write_text("---\ntitle: Leap\ndate: 2024-02-30\n---\n\nbody gecko\n")
    index = make_index()
    assert found_paths(index, "gecko") == {"date.md"}
    assert len(warnings_about(index, "date.md")) <= 1
    assert index.engine.search("date:2024").errors == []


def test_duplicate_keys(root: Path, make_index) -> None:
    (root / "dup.md").write_text("---\ntitle: First\ntitle: Second\n---\n\nbody tapir\n")
    index = make_index()
    assert found_paths(index, "tapir") == {"dup.md"}
    assert entries_of(index, "dup.md")[0].title in ("First", "Second")
    assert len(warnings_about(index, "dup.md")) <= 1


def test_yaml_python_tag_never_executes(root: Path, make_index, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (root / "evil.md").write_text(
        "---\n"
        f'title: !!python/object/apply:os.system ["touch {marker}"]\n'
        f'x: !!python/object/apply:os.system ["touch {marker}"]\n'
        "---\n\nbody lemur\n"
    )
    index = make_index()
    assert found_paths(index, "lemur") == {"evil.md"}
    assert not marker.exists()
    assert len(warnings_about(index, "evil.md")) <= 1


def test_toml_front_matter(root: Path, make_index) -> None:
    (root / "toml.md").write_text('+++\ntitle = "Toml Title"\ntags = ["t1"]\n+++\n\nbody dingo\n')
    index = make_index()
    note = entries_of(index, "toml.md")[0]
    assert note.title == "Toml Title"
    assert "t1" in note.tags
    assert found_paths(index, "dingo") == {"toml.md"}
    assert warnings_about(index, "toml.md") == []


# -- size ------------------------------------------------------------------


@pytest.mark.slow
def test_five_megabyte_single_line(root: Path, make_index) -> None:
    line = ("lorem ipsum dolor " * 300_000)[: 5 * 1024 * 1024] + " zebrafinch"
    (root / "long.md").write_text(line + "\n")
    index = make_index()
    hits = index.engine.search("zebrafinch").hits
    assert [h.entry.path for h in hits] == ["long.md"]
    hit = hits[0]
    assert len(hit.snippet) <= SNIPPET_WIDTH * 2
    row = result_row(hit, width=120)
    assert len(row.plain) < 400
    text, _ = preview_text(hit.entry, ["zebrafinch"], hit.match_line)
    assert len(text.plain) < 10_000
    assert warnings_about(index, "long.md") == []


@pytest.mark.slow
def test_file_over_32mb_keeps_its_head_with_one_warning(root: Path, make_index) -> None:
    head = b"# Huge\n\nthe capybara is at the start\n"
    filler = b"padding line of text that is not interesting\n"
    count = (33 * 1024 * 1024) // len(filler) + 1000
    with (root / "huge.md").open("wb") as handle:
        handle.write(head)
        handle.write(filler * count)
        handle.write(b"the quetzal is past the limit\n")
    assert (root / "huge.md").stat().st_size > DEFAULT_MAX_BYTES + 1024 * 1024
    index = make_index()
    assert found_paths(index, "capybara") == {"huge.md"}
    assert found_paths(index, "quetzal") == set()
    assert "only its first 32 MB are indexed" in one_warning(index, "huge.md")
