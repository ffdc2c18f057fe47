"""`<CR>` with marked entries opens them all in the editor: the argv per editor family."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tui_helpers import app_settings as _settings
from tui_helpers import ready as _ready
from tui_helpers import settle as _settle
from tui_helpers import type_text as _type

from tui.app import make_app
from tui.core.editor import TAB_LIMIT, editor_argv_many, quickfix_text

A, B, C = Path("/notes/a.md"), Path("/notes/b b.md"), Path("/notes/-c.md")
TARGETS = [(A, 3), (B, 10), (C, 7)]


def test_vim_family_opens_one_tab_per_file_each_at_its_line() -> None:
    for editor in ("nvim", "vim", "gvim"):
        assert editor_argv_many(editor, TARGETS) == [
            editor, "-p", "+3", "-c",
            "silent tabnext 2|silent 10|silent tabnext 3|silent 7|silent tabfirst",
            "--", str(A), str(B), str(C),
        ]


def test_vim_takes_more_than_ten_files_as_a_quickfix_list(tmp_path: Path) -> None:
    many = [(Path(f"/notes/n{i}.md"), i + 1) for i in range(TAB_LIMIT + 2)]
    qf = tmp_path / "marked.qf"
    assert editor_argv_many("nvim -u NONE", many, qf) == ["nvim", "-u", "NONE", "-q", str(qf)]
    text = quickfix_text([(p, line, f"Note  {line}\n") for p, line in many])
    assert text.splitlines()[0] == "/notes/n0.md:1:1:Note 1"
    assert len(text.splitlines()) == TAB_LIMIT + 2


def test_gui_vims_stay_in_the_foreground_to_read_the_quickfix_file(tmp_path: Path) -> None:
    """gvim/mvim fork and return at once, and the quickfix file went with their caller
    (TRY3 #7): `-f` keeps them until they are closed, unless the user said so already."""
    many = [(Path(f"/notes/n{i}.md"), i + 1) for i in range(TAB_LIMIT + 2)]
    qf = tmp_path / "marked.qf"
    assert editor_argv_many("gvim", many, qf) == ["gvim", "-f", "-q", str(qf)]
    assert editor_argv_many("/usr/bin/mvim --nofork", many, qf) == [
        "/usr/bin/mvim", "--nofork", "-q", str(qf)]


def test_other_editors_get_every_file_at_its_line_where_they_can() -> None:
    assert editor_argv_many("nano", TARGETS) == ["nano", "+3", str(A), "+10", str(B), "+7", str(C)]
    assert editor_argv_many("emacs -nw", TARGETS) == [
        "emacs", "-nw", "+3", str(A), "+10", str(B), "+7", str(C)]
    assert editor_argv_many("hx", TARGETS) == ["hx", f"{A}:3", f"{B}:10", f"{C}:7"]
    assert editor_argv_many("code --wait", TARGETS) == [
        "code", "--wait", "--goto", f"{A}:3", f"{B}:10", f"{C}:7"]
    assert editor_argv_many("vi", TARGETS) == ["vi", "+3", "--", str(A), str(B), str(C)]
    assert editor_argv_many("micro", TARGETS) == ["micro", "+3", str(A), str(B), str(C)]
    assert editor_argv_many("gedit", TARGETS) == ["gedit", str(A), str(B), str(C)]


def test_two_entries_of_one_file_open_it_once_at_the_first_line() -> None:
    assert editor_argv_many("nvim", [(A, 3), (A, 40), (B, 1)]) == [
        "nvim", "-p", "+3", "-c", "silent tabnext 2|silent 1|silent tabfirst", "--", str(A), str(B)]
    assert editor_argv_many("nvim", [(A, 3), (A, 40)]) == ["nvim", "+3", "--", str(A)]


@pytest.mark.asyncio
async def test_enter_with_marked_entries_opens_them_all(
    example_notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []
    monkeypatch.setenv("EDITOR", "nvim")
    monkeypatch.delenv("VISUAL", raising=False)
    app = make_app(_settings(example_notes, tmp_path, editor_runner=lambda a: calls.append(a) or 0))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await _type(pilot, app, "kind:note")
        first, second = app.results.hits[0].entry, app.results.hits[1].entry
        assert first.path != second.path
        await pilot.press("tab", "tab", "enter")
        await _settle(pilot, app)
        argv = calls[-1]
        assert argv[:2] == ["nvim", "-p"]
        files = argv[argv.index("--") + 1:]
        assert files == [str(example_notes / first.path), str(example_notes / second.path)]
        assert argv[2] == f"+{first.line}" and f"|silent {second.line}|" in argv[4]
        # the marks are spent: the next <CR> opens the highlighted entry alone
        assert app.results.marked_hits() == [] and app.status_info.marked == 0
        await pilot.press("enter")
        await _settle(pilot, app)
        current = app.results.current
        assert current is not None
        assert len(calls) == 2 and calls[-1][-1] == str(example_notes / current.entry.path)


@pytest.mark.asyncio
async def test_enter_with_many_marked_entries_hands_vim_a_quickfix_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    for n in range(TAB_LIMIT + 2):
        (root / f"trip-{n}.md").write_text(f"# Trip {n}\n\nwalrus sighting\n", encoding="utf-8")
    seen: list[tuple[list[str], str]] = []

    def runner(argv: list[str]) -> int:
        seen.append((argv, Path(argv[-1]).read_text(encoding="utf-8")))
        return 0

    monkeypatch.setenv("EDITOR", "vim")
    monkeypatch.delenv("VISUAL", raising=False)
    app = make_app(_settings(root, tmp_path, editor_runner=runner))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await _type(pilot, app, "walrus")
        await pilot.press("escape", *["tab"] * (TAB_LIMIT + 2), "enter")
        await _settle(pilot, app)
        argv, quickfix = seen[-1]
        assert argv[:2] == ["vim", "-q"]
        assert not Path(argv[-1]).exists(), "the quickfix file is removed afterwards"
        lines = quickfix.splitlines()
        assert len(lines) == TAB_LIMIT + 2
        assert all(re.match(rf"{re.escape(str(root))}/trip-\d+\.md:\d+:1:Trip \d+$", line)
                   for line in lines), lines


@pytest.mark.asyncio
async def test_marked_entries_open_at_the_line_their_rows_showed(
    example_notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A note found by a word deep inside opens at that word's line, not at its top."""
    calls: list[list[str]] = []
    monkeypatch.setenv("EDITOR", "nano")
    monkeypatch.delenv("VISUAL", raising=False)
    app = make_app(_settings(example_notes, tmp_path, editor_runner=lambda a: calls.append(a) or 0))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await _type(pilot, app, "rust")
        shown = app.results.hits[:3]
        assert any(h.match_line != h.entry.line for h in shown)  # the case this test is about
        await pilot.press("escape", "tab", "tab", "tab", "k", "k", "enter")
        await _settle(pilot, app)
        first_line: dict[str, int] = {}  # a file marked twice opens once, at the first mark
        for hit in shown:
            first_line.setdefault(hit.entry.path, hit.match_line)
        expected = []
        for path, line in first_line.items():
            expected += [f"+{line}", str(example_notes / path)]
        assert calls[-1] == ["nano", *expected]
