"""Bad input on disk: each case checks what a user of notesift would notice.

Readable text is indexed and findable, junk is skipped with exactly one warning
naming the file, nothing raises, and nothing outside the notes root is read.
Every fixture is written here, inside `tmp_path`.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable
from pathlib import Path

import pytest

import tui.core.text.decoding as decoding
from tui.core.editor import editor_argv
from tui.core.ingest.entry import Entry
from tui.core.search.engine import SNIPPET_WIDTH
from tui.core.search.searchable import SearchableIndex
from tui.core.text.decoding import DEFAULT_MAX_BYTES
from tui.render import preview_text, result_row


@pytest.fixture
def root(tmp_path: Path) -> Path:
    notes = tmp_path / "notes"
    notes.mkdir()
    return notes


@pytest.fixture
def make_index(
    root: Path, index_factory: Callable[..., SearchableIndex]
) -> Callable[..., SearchableIndex]:
    return lambda path=root: index_factory(path)


def _paths(index: SearchableIndex, query: str) -> set[str]:
    return {hit.entry.path for hit in index.engine.search(query).hits}


def _warnings_about(index: SearchableIndex, name: str) -> list[str]:
    return [w for w in index.warnings if name in w]


def _one_warning(index: SearchableIndex, name: str) -> str:
    """The single warning about `name` (repeats of the same text are tolerated here;
    see test_decode_warnings_are_reported_once for the duplication bug)."""
    distinct = set(_warnings_about(index, name))
    assert len(distinct) == 1, index.warnings
    return distinct.pop()


def _entries_of(index: SearchableIndex, name: str) -> list[Entry]:
    return [e for e in index.entries if e.path == name]


# -- encodings -------------------------------------------------------------


def test_invalid_utf8_is_indexed_with_one_warning(root: Path, make_index) -> None:
    # Mostly good UTF-8 with one bad byte: only that byte is lost, no code-page guess.
    good = "# Broken\n\nquokka café, über 笔记 ".encode()
    (root / "broken.md").write_bytes(good + b"\xff tail\n")
    index = make_index()
    assert _paths(index, "quokka") == {"broken.md"}
    assert "U+FFFD" in _one_warning(index, "broken.md")


def test_big5_note_is_found_by_its_chinese_words(root: Path, make_index) -> None:
    text = (
        "# 園藝筆記\n\n今天整理了書架上的舊筆記，發現很多關於園藝的心得。"
        "冬天的時候要記得把盆栽搬進室內，澆水也要減少。\n"
    )
    (root / "big5.md").write_bytes(text.encode("big5"))
    index = make_index()
    assert "big5.md" in _paths(index, "盆栽")
    assert "big5.md" in _paths(index, "澆水")
    assert _warnings_about(index, "big5.md") == []
    assert any(e.title == "園藝筆記" for e in _entries_of(index, "big5.md"))


def test_decode_warnings_are_reported_once(root: Path, make_index) -> None:
    (root / "broken.md").write_bytes(b"quokka caf\xe9\n")
    index = make_index()
    assert len(_warnings_about(index, "broken.md")) == 1


def test_gb18030_chinese_is_findable_by_a_chinese_word(root: Path, make_index) -> None:
    text = "# 读书笔记\n\n今天学习了量化交易的基本原理，生产力工具很重要。\n"
    (root / "gb.md").write_bytes(text.encode("gb18030"))
    index = make_index()
    assert "gb.md" in _paths(index, "量化交易")
    assert _warnings_about(index, "gb.md") == []
    assert any(e.title == "读书笔记" for e in _entries_of(index, "gb.md"))


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
    assert _paths(index, "wombat") == {name}
    assert _paths(index, "袋熊") == {name}
    assert _warnings_about(index, name) == []
    note = _entries_of(index, name)[0]
    assert note.title == "Wide Note"


def test_utf8_bom_before_front_matter_keeps_the_title(root: Path, make_index) -> None:
    text = "---\ntitle: Bommed Title\ntags: [alpha]\n---\n\nbody axolotl\n"
    (root / "bom.md").write_bytes(codecs.BOM_UTF8 + text.encode())
    index = make_index()
    note = _entries_of(index, "bom.md")[0]
    assert note.title == "Bommed Title"
    assert "alpha" in note.tags
    assert _paths(index, "axolotl") == {"bom.md"}
    assert _warnings_about(index, "bom.md") == []


def test_crlf_line_numbers_match_the_editor(root: Path, make_index) -> None:
    text = "# Top\r\n\r\nintro\r\n\r\n## Second\r\n\r\nthe narwhal line\r\n"
    (root / "crlf.md").write_bytes(text.encode())
    index = make_index()
    hits = index.engine.search("narwhal").hits
    assert hits and hits[0].entry.path == "crlf.md"
    assert hits[0].match_line == 7
    section = next(e for e in _entries_of(index, "crlf.md") if e.title == "Second")
    assert section.line == 5
    assert "\r" not in section.text


# -- binary, empty and odd files ------------------------------------------


def test_binary_with_md_name_is_skipped_with_one_warning(root: Path, make_index) -> None:
    (root / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (root / "ok.md").write_text("# Fine\n\nplatypus\n")
    index = make_index()
    assert _entries_of(index, "image.md") == []
    warned = _warnings_about(index, "image.md")
    assert len(warned) == 1 and "binary" in warned[0]
    assert _paths(index, "platypus") == {"ok.md"}


def test_nul_in_first_8k_is_binary_but_later_nul_is_text(root: Path, make_index) -> None:
    early = b"# Early\n\nokapi text\n" + b"\x00" + b"more\n"
    late = b"# Late\n\n" + b"filler line\n" * 800 + b"x\x00y beaver\n" + b"pangolin at the end\n"
    assert late.index(b"\x00") > decoding.BINARY_SNIFF_BYTES
    (root / "early.md").write_bytes(early)
    (root / "late.md").write_bytes(late)
    index = make_index()
    assert _entries_of(index, "early.md") == []
    assert len(_warnings_about(index, "early.md")) == 1
    # Regression: SQLite FTS stopped at the NUL, so "beaver" and "pangolin" were lost.
    assert _paths(index, "pangolin") == {"late.md"}
    assert _paths(index, "beaver") == {"late.md"}
    assert "NUL" in _one_warning(index, "late.md")


def test_empty_file_is_a_note_without_warnings(root: Path, make_index) -> None:
    (root / "empty.md").write_bytes(b"")
    index = make_index()
    entries = _entries_of(index, "empty.md")
    assert len(entries) == 1 and entries[0].kind == "note"
    assert entries[0].title == "empty"
    assert _warnings_about(index, "empty.md") == []


def test_front_matter_only_file(root: Path, make_index) -> None:
    (root / "fm.md").write_text("---\ntitle: Only Meta\ntags: [solo]\n---\n")
    index = make_index()
    entries = _entries_of(index, "fm.md")
    assert len(entries) == 1 and entries[0].title == "Only Meta"
    assert 1 <= entries[0].line <= entries[0].end_line <= 5
    assert "fm.md" in _paths(index, "#solo")
    assert _warnings_about(index, "fm.md") == []


# -- malformed front matter -----------------------------------------------


def test_unclosed_yaml_list_warns_once_and_keeps_the_body(root: Path, make_index) -> None:
    (root / "list.md").write_text("---\ntitle: Lister\ntags: [a, b\n---\n\nbody ibex\n")
    index = make_index()
    assert _paths(index, "ibex") == {"list.md"}
    warned = _warnings_about(index, "list.md")
    assert len(warned) == 1 and "front matter" in warned[0]


def test_colon_in_unquoted_chinese_title(root: Path, make_index) -> None:
    (root / "colon.md").write_text("---\ntitle: 笔记: 第一部分\n---\n\n正文内容关于熊猫\n")
    index = make_index()
    assert "colon.md" in _paths(index, "熊猫")
    note = _entries_of(index, "colon.md")[0]
    # Either read as the whole string, or rejected with one warning naming the file.
    assert note.title == "笔记: 第一部分" or len(_warnings_about(index, "colon.md")) == 1
    assert len(_warnings_about(index, "colon.md")) <= 1


def test_impossible_date_is_not_a_crash(root: Path, make_index) -> None:
    (root / "date.md").write_text("---\ntitle: Leap\ndate: 2024-02-30\n---\n\nbody gecko\n")
    index = make_index()
    assert _paths(index, "gecko") == {"date.md"}
    assert len(_warnings_about(index, "date.md")) <= 1
    assert index.engine.search("date:2024").errors == []


def test_duplicate_keys(root: Path, make_index) -> None:
    (root / "dup.md").write_text("---\ntitle: First\ntitle: Second\n---\n\nbody tapir\n")
    index = make_index()
    assert _paths(index, "tapir") == {"dup.md"}
    assert _entries_of(index, "dup.md")[0].title in ("First", "Second")
    assert len(_warnings_about(index, "dup.md")) <= 1


def test_yaml_python_tag_never_executes(root: Path, make_index, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (root / "evil.md").write_text(
        "---\n"
        f'title: !!python/object/apply:os.system ["touch {marker}"]\n'
        f'x: !!python/object/apply:os.system ["touch {marker}"]\n'
        "---\n\nbody lemur\n"
    )
    index = make_index()
    assert _paths(index, "lemur") == {"evil.md"}
    assert not marker.exists()
    assert len(_warnings_about(index, "evil.md")) <= 1


def test_toml_front_matter(root: Path, make_index) -> None:
    (root / "toml.md").write_text('+++\ntitle = "Toml Title"\ntags = ["t1"]\n+++\n\nbody dingo\n')
    index = make_index()
    note = _entries_of(index, "toml.md")[0]
    assert note.title == "Toml Title"
    assert "t1" in note.tags
    assert _paths(index, "dingo") == {"toml.md"}
    assert _warnings_about(index, "toml.md") == []


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
    assert _warnings_about(index, "long.md") == []


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
    assert _paths(index, "capybara") == {"huge.md"}
    assert _paths(index, "quetzal") == set()
    assert "only the beginning" in _one_warning(index, "huge.md")


# -- paths -----------------------------------------------------------------


@pytest.mark.slow
def test_deep_nesting(root: Path, make_index) -> None:
    deep = root
    for level in range(200):
        deep = deep / f"d{level}"
    try:
        deep.mkdir(parents=True)
        (deep / "bottom.md").write_text("# Bottom\n\nthe anglerfish\n")
    except OSError as exc:  # a filesystem with a short PATH_MAX
        pytest.skip(f"cannot create deep tree: {exc}")
    index = make_index()
    found = _paths(index, "anglerfish")
    assert len(found) == 1 and next(iter(found)).endswith("d199/bottom.md")


def test_odd_file_names_are_found_and_open_safely(root: Path, make_index) -> None:
    names = ["中文 笔记.md", "with space.md", "-rf.md", "it's \"x\".md", "$(touch pwn).md"]
    (root / "dir with 空格").mkdir()
    for name in names:
        (root / name).write_text(f"# {name}\n\nmarmot in {name}\n")
    (root / "dir with 空格" / "inner.md").write_text("inner marmot\n")
    index = make_index()
    found = _paths(index, "marmot")
    assert found == {*names, "dir with 空格/inner.md"}
    assert index.warnings == []
    for name in ["-rf.md", "it's \"x\".md"]:
        argv = editor_argv("vim", root / name, 3)
        assert argv[-1] == str((root / name).absolute())
        assert Path(argv[-1]).is_absolute()
        assert "--" in argv and argv.index("--") == len(argv) - 2
        assert "+3" in argv


# -- symlinks --------------------------------------------------------------


def _symlink(link: Path, target: Path, *, directory: bool = False) -> None:
    try:
        link.symlink_to(target, target_is_directory=directory)
    except (OSError, NotImplementedError) as exc:
        pytest.skip(f"symlinks unsupported: {exc}")


def test_broken_symlink_warns_once(root: Path, make_index) -> None:
    _symlink(root / "dangling.md", root / "missing.md")
    (root / "real.md").write_text("real heron\n")
    index = make_index()
    assert _paths(index, "heron") == {"real.md"}
    assert len(_warnings_about(index, "dangling.md")) == 1


def test_symlink_loop_terminates(root: Path, make_index) -> None:
    (root / "a").mkdir()
    (root / "a" / "n.md").write_text("loop kestrel\n")
    _symlink(root / "a" / "back", root, directory=True)
    _symlink(root / "self.md", root / "self.md")
    index = make_index()
    assert _paths(index, "kestrel") == {"a/n.md"}
    assert len(_warnings_about(index, "self.md")) == 1
    assert len(_warnings_about(index, "a/back")) <= 1


def test_symlink_to_outside_directory_is_not_followed(
    root: Path, make_index, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("secret ocelot\n")
    _symlink(root / "escape", outside, directory=True)
    _symlink(root / "escape.md", outside / "secret.md")
    (root / "home.md").write_text("home note\n")
    index = make_index()
    assert _paths(index, "ocelot") == set()
    assert not any("secret" in e.path or "ocelot" in e.text for e in index.entries)
    assert len(_warnings_about(index, "escape:")) == 1
    assert len(_warnings_about(index, "escape.md")) == 1


def test_symlink_inside_the_root_is_followed(root: Path, make_index) -> None:
    (root / "real").mkdir()
    (root / "real" / "n.md").write_text("linked jackal\n")
    _symlink(root / "alias.md", root / "real" / "n.md")
    index = make_index()
    assert "real/n.md" in _paths(index, "jackal")
    assert index.warnings == []


# -- permissions and races -------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file_and_directory(root: Path, make_index) -> None:
    (root / "locked.md").write_text("locked mongoose\n")
    (root / "locked.md").chmod(0)
    (root / "closed").mkdir()
    (root / "closed" / "in.md").write_text("closed mongoose\n")
    (root / "closed").chmod(0)
    (root / "open.md").write_text("open mongoose\n")
    try:
        index = make_index()
        assert _paths(index, "mongoose") == {"open.md"}
        assert len(_warnings_about(index, "locked.md")) == 1
        assert len(_warnings_about(index, "closed")) == 1
    finally:
        (root / "closed").chmod(0o755)
        (root / "locked.md").chmod(0o644)


def test_file_vanishing_between_walk_and_read(
    root: Path, make_index, monkeypatch: pytest.MonkeyPatch
) -> None:
    (root / "gone.md").write_text("vanishing wallaby\n")
    (root / "stays.md").write_text("staying wallaby\n")
    real_read = decoding.read_note_file

    def vanish_then_read(path: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if path.name == "gone.md" and path.exists():
            path.unlink()
        return real_read(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("tui.core.index.note_index.read_note_file", vanish_then_read)
    index = make_index()
    assert _paths(index, "wallaby") == {"stays.md"}
    warned = _warnings_about(index, "gone.md")
    assert len(warned) == 1 and "vanished" in warned[0]


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (OSError(5, "Input/output error"), "Input/output error"),
        (PermissionError(13, "Permission denied"), "permission denied"),
    ],
)
def test_read_error_becomes_one_warning(
    root: Path, make_index, monkeypatch: pytest.MonkeyPatch, error: OSError, shown: str
) -> None:
    """Also covers a file losing its permissions after the walk (works as root too)."""
    (root / "eio.md").write_text("io error\n")
    real_open = Path.open

    def failing_open(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if self.name == "eio.md":
            raise error
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", failing_open)
    index = make_index()
    assert _entries_of(index, "eio.md") == []
    warned = _warnings_about(index, "eio.md")
    assert len(warned) == 1 and shown in warned[0]


def test_hidden_and_git_directories_are_ignored(root: Path, make_index) -> None:
    for hidden in [".git", ".obsidian", ".hidden"]:
        (root / hidden).mkdir()
        (root / hidden / "inside.md").write_text("hidden meerkat\n")
    (root / ".dotfile.md").write_text("dot meerkat\n")
    (root / "visible.md").write_text("visible meerkat\n")
    index = make_index()
    assert _paths(index, "meerkat") == {"visible.md"}
    assert index.warnings == []


def test_text_after_a_nul_in_any_entry_is_searchable() -> None:
    from tui.core.ingest.entry import Entry
    from tui.core.search.engine import SearchEngine

    entry = Entry("x", "section", "Nul", "n.md", 1, 1, "aardvark x\x00y beaver")
    engine = SearchEngine.from_entries([entry])
    assert [h.entry.id for h in engine.search("beaver").hits] == ["x"]
