"""The TUI driven by Pilot: what a person typing into notesift sees and gets."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import app_settings as _settings
from tui_helpers import ready as _ready
from tui_helpers import settle as _settle
from tui_helpers import type_text as _type
from tui_helpers import until

from tui.app import NotesiftApp, make_app
from tui.widgets.results import RESULT_ROWS

pytestmark = pytest.mark.asyncio


def _preview_text(app: NotesiftApp) -> str:
    return app.preview.plain_text


async def test_typing_finds_a_tweet_and_previews_link_and_likes(
    example_notes: Path, tmp_path: Path
) -> None:
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        assert app.focused is app.search_input, "typing must go to the prompt on launch"
        await _type(pilot, app, "kind:tweet likes:>1000")
        hit = app.results.current
        assert hit is not None and hit.entry.kind == "tweet"
        shown = _preview_text(app)
        assert hit.entry.meta["url"] in shown
        assert f"♥ {hit.entry.meta['likes']:,}" in shown


async def test_empty_query_lists_notes_newest_first(example_notes: Path, tmp_path: Path) -> None:
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        kinds = {h.entry.kind for h in app.results.hits}
        assert kinds == {"note"}
        dates = [str(h.entry.meta.get("date") or "") for h in app.results.hits]
        dated = [d for d in dates if d]
        assert dated == sorted(dated, reverse=True)


async def test_normal_mode_movement_keys(example_notes: Path, tmp_path: Path) -> None:
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await _type(pilot, app, "kind:tweet")
        await pilot.press("escape")
        assert app.sequencer.mode == "normal"
        await pilot.press("j", "j")
        assert app.results.highlighted == 2
        await pilot.press("k")
        assert app.results.highlighted == 1
        await pilot.press("G")
        assert app.results.highlighted == len(app.results.hits) - 1
        await pilot.press("g", "g")
        assert app.results.highlighted == 0
        await pilot.press("ctrl+d")
        assert app.results.highlighted > 0
        await pilot.press("i")
        assert app.focused is app.search_input
        await pilot.press("down")
        assert app.results.highlighted >= 1, "arrows move the list from insert mode too"


async def test_enter_opens_the_editor_at_the_line_and_reindexes(
    example_notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []

    def fake_editor(argv: list[str]) -> int:
        calls.append(argv)
        target = Path(argv[-1])
        target.write_text(target.read_text(encoding="utf-8") + "\nzebracorn appended\n",
                          encoding="utf-8")
        return 0

    monkeypatch.setenv("EDITOR", "nvim")
    monkeypatch.delenv("VISUAL", raising=False)
    app = make_app(_settings(example_notes, tmp_path, editor_runner=fake_editor))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await _type(pilot, app, "kind:section")
        hit = app.results.current
        assert hit is not None
        await pilot.press("enter")
        await _settle(pilot, app)
        assert calls, "the editor should have been started"
        argv = calls[0]
        assert argv[0] == "nvim" and argv[1] == f"+{hit.match_line}" and argv[2] == "--"
        assert argv[3] == str(example_notes / hit.entry.path)
        await pilot.press("ctrl+u")
        await _type(pilot, app, "zebracorn")
        assert app.results.hits and app.results.hits[0].entry.path == hit.entry.path


async def test_ctrl_q_quits_with_status_zero(example_notes: Path, tmp_path: Path) -> None:
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_tags_panel_filters_by_the_chosen_tag(example_notes: Path, tmp_path: Path) -> None:
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await pilot.press("alt+g")
        assert app.side.is_open and app.side.kind == "tags"
        assert app.side.values, "the example notes carry tags"
        await pilot.pause()
        from textual.widgets import OptionList  # mounted when first opened

        listed = app.side.query_one(OptionList)
        assert listed.option_count == len(app.side.values) and listed.region.height > 2
        assert listed.has_focus, "the opened panel takes the keys"
        tag = app.side.values[0]
        await pilot.press("enter")
        await _settle(pilot, app)
        await pilot.pause()
        assert app.search_input.value.strip() == f"#{tag}"
        assert app.results.hits
        assert all(
            any(t == tag or t.startswith(tag + "/") for t in h.entry.tags)
            for h in app.results.hits
        )
        # A tag picked while words are typed filters them; the words stay (TRY3 #9).
        app.search_input.value = "#nosuchtag hello "
        await pilot.press("alt+g")  # the panel is open: this closes it, the next opens it
        await pilot.pause()
        if not app.side.is_open:
            await pilot.press("alt+g")
            await pilot.pause()
        picked = app.side.values[app.side.query_one(OptionList).highlighted or 0]
        await pilot.press("enter")
        await _settle(pilot, app)
        assert app.search_input.value == f"#{picked} hello "


async def test_outline_lists_headings_of_the_current_note(
    example_notes: Path, tmp_path: Path
) -> None:
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await _type(pilot, app, "path:topics/ kind:section")
        path = app.results.current.entry.path  # type: ignore[union-attr]
        await pilot.press("alt+l")
        assert app.side.kind == "outline"
        engine = app.engine()
        assert engine is not None
        expected = [e.id for e in engine.entries if e.path == path and e.kind != "key"]
        assert set(app.side.values) == set(expected)


async def test_narrow_terminal_moves_preview_below(example_notes: Path, tmp_path: Path) -> None:
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot, app)
        results, preview = app.results.region, app.preview.region
        assert preview.y >= results.y + results.height - 1
        assert preview.width >= 70


async def test_zoom_and_toggle_preview(example_notes: Path, tmp_path: Path) -> None:
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await pilot.press("alt+z")
        await pilot.pause()
        assert app.preview.region.width >= 110
        assert not app.results.display or app.results.region.width == 0
        await pilot.press("alt+z", "alt+v")
        await pilot.pause()
        assert app.preview.region.width == 0


async def test_note_text_is_never_markup(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "hostile.md").write_text(
        "# Hostile [bold]markup[/bold] [@click=app.quit]quit[/]\n\n"
        "body \x1b[2J with [link=https://evil]link[/link]\n",
        encoding="utf-8",
    )
    app = make_app(_settings(root, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await _type(pilot, app, "hostile")
        shown = _preview_text(app)
        assert "[bold]markup[/bold]" in shown
        assert "[@click=app.quit]" in shown
        assert "\x1b" not in shown
        assert app.is_running


async def test_live_updates_from_the_watcher(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "first.md").write_text("# First\n\nhello\n", encoding="utf-8")
    app = make_app(_settings(root, tmp_path, watch=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await _type(pilot, app, "quokka")
        assert app.results.hits == []
        (root / "second.md").write_text("# Second\n\nquokka sighting\n", encoding="utf-8")
        await until(pilot, lambda: bool(app.results.hits), "the new note listed")
        assert [h.entry.path for h in app.results.hits][:1] == ["second.md"]
        (root / "second.md").unlink()
        await until(pilot, lambda: not app.results.hits, "the deleted note gone")


async def test_command_palette_lists_actions_with_their_keys(
    example_notes: Path, tmp_path: Path
) -> None:
    from tui.commands import palette_calls

    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        rows = {call.name: help_text for call, _, help_text in palette_calls(app)}
        assert "<C-q>" in rows["quit"]
        assert "open_in_editor" in rows
        await pilot.press("alt+x")
        await pilot.pause()
        assert app.screen.id == "--command-palette"


async def test_warnings_are_counted_and_listed(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "ok.md").write_text("# Fine\n", encoding="utf-8")
    (root / "binary.md").write_bytes(b"\x00\x01\x02")
    app = make_app(_settings(root, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        assert app.status_info.warnings >= 1
        await pilot.press("escape", "alt+a", "w")
        await pilot.pause()
        assert type(app.screen).__name__ == "WarningsScreen"
        assert any("binary.md" in w for w in app.screen.warnings)  # type: ignore[attr-defined]


async def test_more_results_load_when_the_cursor_reaches_the_end(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    for n in range(260):
        (root / f"n{n:03}.md").write_text(f"# Note {n:03}\n\ncommon words\n", encoding="utf-8")
    app = make_app(_settings(root, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        app.search_input.value = "kind:note"
        await _settle(pilot, app)
        assert len(app.results.hits) == RESULT_ROWS and app.result.total == 260
        await pilot.press("escape", "G")
        await _settle(pilot, app)
        assert len(app.results.hits) == 260, "reaching the end asks for the rest"
        await pilot.press("G")
        assert app.results.current.entry.title == "Note 259"
