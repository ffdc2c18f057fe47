"""TagStore: tags are added by changing only the tags line(s), or go to the sidecar."""

from __future__ import annotations

import codecs
import difflib
import json
import os
import stat
from pathlib import Path

import pytest

from tui.core import safe_write
from tui.core.ingest.entry import Entry
from tui.core.ingest.note_parser import parse_note
from tui.core.tags import file_rewrite
from tui.core.tags.tagstore import (
    SIDECAR_REL,
    TagError,
    TagStore,
    dump_sidecar,
    load_sidecar,
    normalize_tag,
)
from tui.core.text.decoding import decode_bytes


def _entries(root: Path, rel: str) -> list[Entry]:
    text = decode_bytes((root / rel).read_bytes()).text
    return parse_note(rel, text).entries


def _note(root: Path, rel: str) -> Entry:
    entry = _entries(root, rel)[0]
    assert entry.kind == "note"
    return entry


def _section(root: Path, rel: str) -> Entry:
    return next(e for e in _entries(root, rel) if e.kind == "section")


def _diff(before: bytes, after: bytes) -> tuple[list[bytes], list[bytes]]:
    """(removed lines, added lines) between two files, compared as byte lines."""
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    removed: list[bytes] = []
    added: list[bytes] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag != "equal":
            removed += a[i1:i2]
            added += b[j1:j2]
    return removed, added


# (id, original bytes, lines removed, lines added) for adding the tag "x".
MINIMAL_EDITS = [
    (
        "yaml-flow-plain",
        b"---\ntitle: 'A: b'\ndate: 2024-01-02\ntags: [a, b]  # keep me\ndraft: false\n---\n"
        b"Body with #inline tag.\n",
        [b"tags: [a, b]  # keep me\n"],
        [b"tags: [a, b, x]  # keep me\n"],
    ),
    (
        "yaml-flow-single-quoted",
        b"---\ntitle: T\ntags: ['a', 'b']\n---\nbody\n",
        [b"tags: ['a', 'b']\n"],
        [b"tags: ['a', 'b', 'x']\n"],
    ),
    (
        "yaml-flow-double-quoted-no-space",
        b'---\ntitle: T\ntags: ["a","b"]\n---\nbody\n',
        [b'tags: ["a","b"]\n'],
        [b'tags: ["a","b","x"]\n'],
    ),
    (
        "yaml-placeholder",
        b'---\ntitle: \'\xe7\xb4\x80\xe9\x8c\x84 #2\'\ndraft: false\ntags: ["",]\ncover:\n---\n'
        b"text\n",
        [b'tags: ["",]\n'],
        [b'tags: ["x"]\n'],
    ),
    (
        "yaml-block",
        b"---\ntitle: T\ntags:\n  - a\n  - b\n# a comment after the list\nweight: 3\n---\nbody\n",
        [],
        [b"  - x\n"],
    ),
    (
        "yaml-block-quoted-zero-indent",
        b"---\ntitle: T\ntags:\n- 'a'\n- 'b'\n---\nbody\n",
        [],
        [b"- 'x'\n"],
    ),
    (
        "yaml-missing-key",
        b"---\n# comment stays\ntitle: T\ndate: 2021-02-03T04:05:06+08:00\n---\nbody\n",
        [],
        [b"tags: [x]\n"],
    ),
    (
        "yaml-empty-value",
        b"---\ntitle: T\ntags:   # none yet\n---\nbody\n",
        [b"tags:   # none yet\n"],
        [b"tags: [x]   # none yet\n"],
    ),
    (
        "toml",
        b'+++\ntitle = "T"\ndate = 2024-11-02T10:05:00+08:00\ntags = ["rust", "cli"]\n+++\nb\n',
        [b'tags = ["rust", "cli"]\n'],
        [b'tags = ["rust", "cli", "x"]\n'],
    ),
    (
        "toml-missing-key-with-table",
        b'+++\ntitle = "T"\n[params]\nmath = true\n+++\nbody\n',
        [],
        [b'tags = ["x"]\n'],
    ),
    (
        "crlf",
        b"---\r\ntitle: T\r\ntags: [a]\r\n---\r\nbody\r\nmore\r\n",
        [b"tags: [a]\r\n"],
        [b"tags: [a, x]\r\n"],
    ),
    (
        "crlf-missing-key",
        b"---\r\ntitle: T\r\n---\r\nbody\r\n",
        [],
        [b"tags: [x]\r\n"],
    ),
    (
        "utf8-bom",
        codecs.BOM_UTF8 + b"---\ntitle: T\ntags: [a]\n---\nbody\n",
        [b"tags: [a]\n"],
        [b"tags: [a, x]\n"],
    ),
    (
        "gb18030",
        "---\ntitle: 中文标题\ntags: [笔记]\n---\n正文内容，很多中文。\n".encode("gb18030"),
        ["tags: [笔记]\n".encode("gb18030")],
        ["tags: [笔记, x]\n".encode("gb18030")],
    ),
    (
        "big5",
        ("---\ntitle: 園藝筆記\ntags: [園藝]\n---\n今天整理了書架上的舊筆記，"
         "發現很多關於園藝的心得。冬天的時候要記得把盆栽搬進室內。\n").encode("big5"),
        ["tags: [園藝]\n".encode("big5")],
        ["tags: [園藝, x]\n".encode("big5")],
    ),
    (
        "no-trailing-newline",
        b"---\ntitle: T\ntags: [a]\n---\nbody",
        [b"tags: [a]\n"],
        [b"tags: [a, x]\n"],
    ),
]


@pytest.mark.parametrize(
    ("original", "removed", "added"),
    [case[1:] for case in MINIMAL_EDITS],
    ids=[case[0] for case in MINIMAL_EDITS],
)
def test_add_changes_only_the_tag_lines(
    tmp_path: Path, original: bytes, removed: list[bytes], added: list[bytes]
) -> None:
    note = tmp_path / "note.md"
    note.write_bytes(original)
    note.chmod(0o640)
    store = TagStore(tmp_path)
    change = store.add(_note(tmp_path, "note.md"), "x")
    assert change.ok and change.paths == ("note.md",), change.message
    after = note.read_bytes()
    assert _diff(original, after) == (removed, added)
    assert stat.S_IMODE(note.stat().st_mode) == 0o640
    assert not (tmp_path / ".notesift" / "tags.json").exists()  # no sidecar needed
    assert "x" in store.tags_for(_note(tmp_path, "note.md"))
    # Undo gives back the exact original bytes.
    undone = store.undo()
    assert undone is not None and undone.ok
    assert note.read_bytes() == original
    assert stat.S_IMODE(note.stat().st_mode) == 0o640


def test_utf16_note_keeps_encoding_and_bom(tmp_path: Path) -> None:
    text = "---\r\ntitle: 中文\r\ntags: [a]\r\n---\r\nbody\r\n"
    original = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    note = tmp_path / "note.md"
    note.write_bytes(original)
    assert TagStore(tmp_path).add(_note(tmp_path, "note.md"), "x").ok
    after = note.read_bytes()
    assert after.startswith(codecs.BOM_UTF16_LE)
    assert after[2:].decode("utf-16-le") == text.replace("tags: [a]", "tags: [a, x]")


def test_remove_from_front_matter_then_undo(tmp_path: Path) -> None:
    original = b"---\ntitle: T\ntags:\n  - a\n  - b\n---\nbody\n"
    note = tmp_path / "n.md"
    note.write_bytes(original)
    store = TagStore(tmp_path)
    change = store.remove(_note(tmp_path, "n.md"), "#A")  # `#` and case do not matter
    assert change.ok, change.message
    assert _diff(original, note.read_bytes()) == ([b"  - a\n"], [])
    assert store.undo() is not None
    assert note.read_bytes() == original


def test_remove_last_block_item_leaves_an_empty_list(tmp_path: Path) -> None:
    note = tmp_path / "n.md"
    note.write_bytes(b"---\ntitle: T\ntags:\n  - a\n---\nbody\n")
    assert TagStore(tmp_path).remove(_note(tmp_path, "n.md"), "a").ok
    assert note.read_bytes() == b"---\ntitle: T\ntags: []\n---\nbody\n"


def test_already_present_tag_writes_nothing(tmp_path: Path) -> None:
    note = tmp_path / "n.md"
    note.write_bytes(b"---\ntags: [AI]\n---\nSee #later.\n")
    before = note.stat().st_mtime_ns
    store = TagStore(tmp_path)
    for tag in ("ai", "#later"):
        change = store.add(_note(tmp_path, "n.md"), tag)
        assert change.ok and change.paths == () and "already" in change.message
    assert note.stat().st_mtime_ns == before
    assert store.undo() is None


def test_removing_an_inline_only_tag_is_refused(tmp_path: Path) -> None:
    original = b"---\ntitle: T\n---\nA line with #inline in it.\n"
    note = tmp_path / "n.md"
    note.write_bytes(original)
    change = TagStore(tmp_path).remove(_note(tmp_path, "n.md"), "inline")
    assert not change.ok
    assert "written in the text" in change.message and "n.md" in change.message
    assert note.read_bytes() == original


def test_removing_an_absent_tag_says_so(tmp_path: Path) -> None:
    (tmp_path / "n.md").write_bytes(b"---\ntags: [a]\n---\n")
    change = TagStore(tmp_path).remove(_note(tmp_path, "n.md"), "zzz")
    assert not change.ok and "no tag #zzz" in change.message


def test_sidecar_for_sections_round_trip_and_format(tmp_path: Path) -> None:
    original = b"# Title\n\nintro\n\n## Part two\n\nbody\n"
    (tmp_path / "n.md").write_bytes(original)
    section = _section(tmp_path, "n.md")
    store = TagStore(tmp_path)
    assert store.add(section, "zeta").ok
    change = store.add(section, "Alpha")
    assert change.ok and change.paths == (SIDECAR_REL,)
    assert (tmp_path / "n.md").read_bytes() == original
    sidecar = tmp_path / ".notesift" / "tags.json"
    expected = {section.id: ["Alpha", "zeta"]}
    assert sidecar.read_text(encoding="utf-8") == json.dumps(expected, indent=2) + "\n"
    assert store.sidecar_tags() == expected
    assert load_sidecar(tmp_path) == (expected, None)
    assert store.tags_for(section) == ["Alpha", "zeta"]
    assert store.remove(section, "alpha").ok and store.remove(section, "zeta").ok
    assert json.loads(sidecar.read_text(encoding="utf-8")) == {}


def test_sidecar_keys_are_sorted_and_unicode_is_readable(tmp_path: Path) -> None:
    data = {"b.md": ["z", "中文", "a/b"], "a.md": ["x"]}
    text = dump_sidecar(data).decode("utf-8")
    assert text.index('"a.md"') < text.index('"b.md"')
    assert "中文" in text and json.loads(text)["b.md"] == ["a/b", "z", "中文"]


def test_undo_after_creating_the_sidecar_removes_it(tmp_path: Path) -> None:
    (tmp_path / "plain.txt").write_text("just text\n", encoding="utf-8")
    store = TagStore(tmp_path)
    assert store.add(_note(tmp_path, "plain.txt"), "x").paths == (SIDECAR_REL,)
    assert store.undo() is not None
    assert not (tmp_path / ".notesift" / "tags.json").exists()


def test_malformed_front_matter_goes_to_the_sidecar(tmp_path: Path) -> None:
    original = b"---\ntitle: 'unclosed\ntags: [a]\nfoo bar baz\n---\nbody\n"
    note = tmp_path / "bad.md"
    note.write_bytes(original)
    entry = _note(tmp_path, "bad.md")
    change = TagStore(tmp_path).add(entry, "x")
    assert change.ok and change.paths == (SIDECAR_REL,), change.message
    assert note.read_bytes() == original
    assert load_sidecar(tmp_path)[0] == {"bad.md": ["x"]}


def test_multiline_flow_list_is_not_rewritten(tmp_path: Path) -> None:
    original = b"---\ntitle: T\ntags: [a,\n  b]\n---\nbody\n"
    note = tmp_path / "n.md"
    note.write_bytes(original)
    change = TagStore(tmp_path).add(_note(tmp_path, "n.md"), "x")
    assert change.ok and change.paths == (SIDECAR_REL,)
    assert note.read_bytes() == original


def test_damaged_sidecar_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "p.txt").write_text("text\n", encoding="utf-8")
    sidecar = tmp_path / ".notesift" / "tags.json"
    sidecar.parent.mkdir()
    sidecar.write_text("{not json", encoding="utf-8")
    tags, warning = load_sidecar(tmp_path)
    assert tags == {} and warning and "tags.json" in warning
    change = TagStore(tmp_path).add(_note(tmp_path, "p.txt"), "x")
    assert not change.ok and change.refused and "tags.json" in change.message
    assert sidecar.read_text(encoding="utf-8") == "{not json"


def test_batch_is_one_undo_step(tmp_path: Path) -> None:
    files = {
        "a.md": b"---\ntags: [a]\n---\n# H\n\ntext\n",
        "b.md": b"+++\ntitle = \"B\"\n+++\nbody\n",
        "c.txt": b"plain\n",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    entries = [_note(tmp_path, n) for n in files] + [_section(tmp_path, "a.md")]
    store = TagStore(tmp_path)
    change = store.add_many(entries, "batch")
    assert change.ok, change.message
    assert set(change.paths) == {"a.md", "b.md", SIDECAR_REL}
    assert len(change.entries) == 4
    assert store.undo() is not None
    for name, data in files.items():
        assert (tmp_path / name).read_bytes() == data
    assert not (tmp_path / ".notesift" / "tags.json").exists()
    assert store.undo() is None


def test_undo_takes_the_tag_back_and_keeps_a_later_body_edit(tmp_path: Path) -> None:
    note = tmp_path / "n.md"
    note.write_bytes(b"---\r\ntitle: T\r\ntags: [a]\r\n---\r\nbody\r\n")
    store = TagStore(tmp_path)
    assert store.add(_note(tmp_path, "n.md"), "x").ok
    note.write_bytes(note.read_bytes().replace(b"body", b"body edited later"))
    change = store.undo()
    assert change is not None and change.ok, change
    assert note.read_bytes() == b"---\r\ntitle: T\r\ntags: [a]\r\n---\r\nbody edited later\r\n"


def test_undo_leaves_a_file_whose_tags_line_changed_since_alone(tmp_path: Path) -> None:
    note = tmp_path / "n.md"
    note.write_bytes(b"---\ntags: [a]\n---\nbody\n")
    store = TagStore(tmp_path)
    assert store.add(_note(tmp_path, "n.md"), "x").ok
    note.write_bytes(b"---\ntags: [a, x, mine]\n---\nbody\n")
    change = store.undo()
    assert change is not None and not change.ok and "changed since" in change.message
    assert note.read_bytes() == b"---\ntags: [a, x, mine]\n---\nbody\n"


def test_undo_of_a_new_tags_line_keeps_a_later_body_edit(tmp_path: Path) -> None:
    note = tmp_path / "n.md"
    note.write_bytes(b"---\ntitle: T\n---\nbody\n")
    store = TagStore(tmp_path)
    assert store.add(_note(tmp_path, "n.md"), "x").ok
    assert b"x" in note.read_bytes().split(b"---")[1]
    with note.open("ab") as out:
        out.write(b"appended\n")
    change = store.undo()
    assert change is not None and change.ok, change
    assert note.read_bytes() == b"---\ntitle: T\n---\nbody\nappended\n"


def test_external_edit_between_read_and_write_is_kept(tmp_path: Path) -> None:
    note = tmp_path / "n.md"
    note.write_bytes(b"---\ntags: [a]\n---\nbody\n")
    store = TagStore(tmp_path)
    calls: list[Path] = []

    def editor_saves_once(path: Path) -> None:
        calls.append(path)
        if len(calls) == 1:
            # Same size, same second: only the content can tell.
            st = path.stat()
            path.write_bytes(path.read_bytes().replace(b"body", b"BODY"))
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))

    store.after_read = editor_saves_once
    change = store.add(_note(tmp_path, "n.md"), "x")
    assert change.ok, change.message
    assert calls
    assert note.read_bytes() == b"---\ntags: [a, x]\n---\nBODY\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".notesift", "n.md"]
    assert sorted(p.name for p in (tmp_path / ".notesift").iterdir()) == [".gitignore", "lock"]


def test_an_editor_save_during_the_swap_is_kept_and_tagged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The editor saves (by rename, as most do) after our last check, right before our exchange."""
    note = tmp_path / "n.md"
    note.write_bytes(b"---\ntags: [a]\n---\nbody\n")
    saves = iter([b"---\ntags: [a]\n---\nbody\nline typed in the editor\n"])

    def editor_then_exchange(a: Path, b: Path) -> bool:
        text = next(saves, None)
        if text is not None:
            tmp = tmp_path / "editor-swap"
            tmp.write_bytes(text)
            os.replace(tmp, b)
        return safe_write.exchange(a, b)

    monkeypatch.setattr(file_rewrite, "exchange", editor_then_exchange)
    change = TagStore(tmp_path).add(_note(tmp_path, "n.md"), "x")
    assert change.ok, change.message
    assert note.read_bytes() == b"---\ntags: [a, x]\n---\nbody\nline typed in the editor\n"
    assert not [p for p in tmp_path.rglob("*") if safe_write.is_our_temp(p.name)]


def test_two_editor_saves_within_the_swap_are_both_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = tmp_path / "n.md"
    note.write_bytes(b"---\ntags: [a]\n---\nbody\n")
    count = 0

    def editor_then_exchange(a: Path, b: Path) -> bool:
        nonlocal count
        count += 1
        tmp = tmp_path / "editor-swap"
        tmp.write_bytes(Path(b).read_bytes() + f"save {count}\n".encode())
        os.replace(tmp, b)
        return safe_write.exchange(a, b)

    monkeypatch.setattr(file_rewrite, "exchange", editor_then_exchange)
    change = TagStore(tmp_path).add(_note(tmp_path, "n.md"), "x")
    assert not change.ok and change.refused and "n.md" in change.message
    assert note.read_bytes() == b"---\ntags: [a]\n---\nbody\nsave 1\n"
    kept = list((tmp_path / ".notesift").glob("n.md.*.notesift-conflict"))
    assert len(kept) == 1 and kept[0].read_bytes().endswith(b"save 2\n")
    assert kept[0].name in change.message
    assert not [p for p in tmp_path.rglob("*") if safe_write.is_our_temp(p.name)]


def test_without_exchange_a_file_that_keeps_changing_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_rewrite, "exchange", lambda a, b: False)
    note = tmp_path / "n.md"
    note.write_bytes(b"---\ntags: [a]\n---\nbody\n")
    store = TagStore(tmp_path)
    store.after_read = lambda path: path.write_bytes(path.read_bytes() + b"more\n")
    change = store.add(_note(tmp_path, "n.md"), "x")
    assert not change.ok and change.refused and "n.md" in change.message
    saves = b"more\n" * file_rewrite.MAX_ATTEMPTS
    assert note.read_bytes() == b"---\ntags: [a]\n---\nbody\n" + saves
    assert sorted(p.name for p in tmp_path.iterdir()) == [".notesift", "n.md"]
    assert not [p for p in tmp_path.rglob("*") if safe_write.is_our_temp(p.name)]
    assert store.undo() is None


def test_without_exchange_an_edit_between_read_and_write_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_rewrite, "exchange", lambda a, b: False)
    note = tmp_path / "n.md"
    note.write_bytes(b"---\ntags: [a]\n---\nbody\n")
    store = TagStore(tmp_path)
    calls: list[Path] = []

    def editor_saves_once(path: Path) -> None:
        calls.append(path)
        if len(calls) == 1:
            path.write_bytes(path.read_bytes().replace(b"body", b"BODY"))

    store.after_read = editor_saves_once
    assert store.add(_note(tmp_path, "n.md"), "x").ok
    assert len(calls) == 2  # refused once, retried on the new content
    assert note.read_bytes() == b"---\ntags: [a, x]\n---\nBODY\n"


def test_symlinked_note_inside_the_root_stays_a_symlink(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    real_dir = root / "real"
    real_dir.mkdir(parents=True)
    target = real_dir / "real.md"
    target.write_bytes(b"---\ntags: [a]\n---\nbody\n")
    target.chmod(0o600)
    link = root / "link.md"
    link.symlink_to(target)
    change = TagStore(root).add(_note(root, "link.md"), "x")
    assert change.ok, change.message
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert target.read_bytes() == b"---\ntags: [a, x]\n---\nbody\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_note_linked_from_outside_the_root_is_not_written(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / "real.md"
    target.write_bytes(b"---\ntags: [a]\n---\nbody\n")
    root = tmp_path / "notes"
    root.mkdir()
    (root / "link.md").symlink_to(target)
    change = TagStore(root).add(_note(root, "link.md"), "x")
    assert not change.ok and change.refused
    assert "link.md" in change.message and "outside the notes root" in change.message
    assert "\n" not in change.message
    assert target.read_bytes() == b"---\ntags: [a]\n---\nbody\n"
    assert sorted(p.name for p in elsewhere.iterdir()) == ["real.md"]



def test_tags_for_merges_front_matter_inline_and_sidecar(tmp_path: Path) -> None:
    (tmp_path / "n.md").write_bytes(b"---\ntags: [fm]\n---\nText #inline.\n")
    sidecar = tmp_path / ".notesift" / "tags.json"
    sidecar.parent.mkdir()
    sidecar.write_text(json.dumps({"n.md": ["side", "FM"]}), encoding="utf-8")
    assert TagStore(tmp_path).tags_for(_note(tmp_path, "n.md")) == ["fm", "inline", "side"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("#ai", "ai"), ("  a/b ", "a/b"), ("中文", "中文"), ("Ωmega-2", "Ωmega-2")],
)
def test_normalize_tag_accepts(raw: str, expected: str) -> None:
    assert normalize_tag(raw) == expected


@pytest.mark.parametrize("raw", ["", "#", "two words", 'qu"ote', "a,b", "tab\there", "x\x1b"])
def test_normalize_tag_rejects(raw: str) -> None:
    with pytest.raises(TagError):
        normalize_tag(raw)


def test_invalid_tag_is_a_failed_change(tmp_path: Path) -> None:
    (tmp_path / "n.md").write_bytes(b"text\n")
    change = TagStore(tmp_path).add(_note(tmp_path, "n.md"), "two words")
    assert not change.ok and "whitespace" in change.message


@pytest.mark.parametrize(
    ("name", "original"),
    [
        ("invalid-utf8.md", b"---\ntitle: T\ntags: [a]\n---\nbad byte \xff here\n"),
        ("nul.md", b"---\ntitle: T\ntags: [a]\n---\nbefore\x00after\n"),
        ("gb.md", "---\ntitle: 标题\ntags: [a]\n---\n中文笔记\n".encode("gb18030")),
        ("mixed-ends.md", b"---\r\ntitle: T\ntags: [a]\r\n---\nbody\r\n"),
    ],
)
def test_files_that_do_not_parse_exactly_are_never_rewritten(
    tmp_path: Path, name: str, original: bytes
) -> None:
    note = tmp_path / name
    note.write_bytes(original)
    change = TagStore(tmp_path).add(_note(tmp_path, name), "x")
    assert change.ok, change.message
    if change.paths != (SIDECAR_REL,):
        # Written in place only if every byte outside the tag list survived.
        after = note.read_bytes()
        assert after.replace(b"[a, x]", b"[a]") == original, after
    else:
        assert note.read_bytes() == original



def test_a_note_whose_encoding_was_guessed_is_never_rewritten(tmp_path: Path) -> None:
    """Too little text to be sure of the encoding: the tag goes to the sidecar instead."""
    note = tmp_path / "note.md"
    original = "---\ntitle: 園藝\ntags: [a]\n---\n".encode("big5")
    note.write_bytes(original)
    assert decode_bytes(original).warnings  # a guess
    change = TagStore(tmp_path).add(_note(tmp_path, "note.md"), "x")
    assert change.ok and change.paths == (".notesift/tags.json",), change.message
    assert "uncertain" in change.message
    assert note.read_bytes() == original


def test_a_tag_the_notes_encoding_cannot_spell_goes_to_the_sidecar(tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    original = (
        "---\ntitle: 園藝筆記\ntags: [園藝]\n---\n今天整理了書架上的舊筆記，"
        "發現很多關於園藝的心得。冬天的時候要記得把盆栽搬進室內。\n"
    ).encode("big5")
    note.write_bytes(original)
    change = TagStore(tmp_path).add(_note(tmp_path, "note.md"), "学习")  # simplified: not in Big5
    assert change.ok and change.paths == (".notesift/tags.json",), change.message
    assert note.read_bytes() == original


def test_a_front_matter_tag_written_with_its_hash_can_be_removed() -> None:
    """`- "#hashy"` reads as the tag hashy (a00cbe7); removing hashy refused with "did
    not read back as expected" (REVIEW5 F11)."""
    from tui.core.tags.fm_tags import edit_tags

    text = '---\ntitle: T\ntags:\n  - "#hashy"\n  - plain\n---\nbody\n'
    assert edit_tags(text, remove="hashy") == '---\ntitle: T\ntags:\n  - plain\n---\nbody\n'
    assert edit_tags('---\ntags: ["#a", b]\n---\nx\n', remove="A") == "---\ntags: [b]\n---\nx\n"
