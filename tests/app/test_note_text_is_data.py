"""Note text is data in the TUI: escapes, console markup and bidi controls are shown, not obeyed.

Whatever shows a note (result rows, preview, panels) must show its characters,
never follow a link, run an `@click` action or move the terminal's cursor.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile_text import ESC_CLEAR, MARKUP, RLO, raw_controls, write_hostile_notes
from rich.console import Console
from rich.style import Style
from rich.text import Text
from tui_helpers import app_settings, ready, settle, type_text

from tui.app import make_app
from tui.core.search.engine import SearchHit
from tui.core.search.searchable import SearchableIndex
from tui.render import preview_text, result_row


@pytest.fixture
def hostile_root(tmp_path: Path) -> Path:
    return write_hostile_notes(tmp_path / "notes")


@pytest.fixture
def hits(hostile_root: Path, index_factory: Callable[..., SearchableIndex]) -> list[SearchHit]:
    found = index_factory(hostile_root).engine.search("okapi", limit=0).hits
    assert {h.entry.path for h in found} == {"evil.md", "plain.txt"}
    return found


def _assert_spans_are_ours(text: Text) -> None:
    for span in text.spans:
        style = span.style if isinstance(span.style, Style) else Style.parse(str(span.style))
        assert style.link is None, span
        assert not style.meta, span  # `@click` and friends live in meta
        assert "evil" not in str(span.style)


def _assert_terminal_safe(text: Text) -> None:
    console = Console(file=io.StringIO(), force_terminal=True, color_system="truecolor",
                      width=200, legacy_windows=False)
    console.print(text)
    rendered = console.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b]" not in rendered  # no OSC: no hyperlink, no clipboard write
    assert ESC_CLEAR not in rendered
    assert RLO not in rendered and "\x9b" not in rendered and "\x07" not in rendered


def test_result_rows_show_markup_literally(hits: list[SearchHit]) -> None:
    for hit in hits:
        for width in (0, 80):
            row = result_row(hit, marked=True, width=width)
            assert raw_controls(row.plain) == set()
            assert row.plain.count("\n") == 1
            _assert_spans_are_ours(row)
            _assert_terminal_safe(row)
    evil = next(h for h in hits if h.entry.path == "evil.md" and h.entry.kind == "note")
    assert "Evil ␛[2J title <U+202E>fdp.exe" in result_row(evil).plain


def test_preview_shows_markup_literally(hits: list[SearchHit]) -> None:
    for hit in hits:
        text, offset = preview_text(hit.entry, ["okapi"], hit.match_line)
        assert 0 <= offset <= len(text.plain)
        assert raw_controls(text.plain) == set()
        _assert_spans_are_ours(text)
        _assert_terminal_safe(text)
    evil = next(h for h in hits if h.entry.path == "evil.md" and h.entry.kind == "note")
    shown, _ = preview_text(evil.entry, ["okapi"], evil.match_line)
    for markup in MARKUP:
        assert markup in shown.plain
    assert "␛]52;c;ZXZpbA==␇" in shown.plain
    assert "<U+202E>gpj.exe" in shown.plain


@pytest.mark.asyncio
async def test_app_shows_hostile_note_inert_and_keeps_running(
    hostile_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "TMUX"):  # copy via OSC 52, not the real one
        monkeypatch.delenv(name, raising=False)
    app = make_app(app_settings(hostile_root, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await type_text(pilot, app, "okapi")
        assert app.results.current is not None
        seen_paths = set()
        for _ in range(len(app.results.hits)):
            shown = app.preview.plain_text
            assert "\x1b" not in shown and "\x07" not in shown and RLO not in shown
            current = app.results.current
            assert current is not None
            seen_paths.add(current.entry.path)
            if current.entry.path == "evil.md" and current.entry.kind == "note":
                for markup in MARKUP:
                    assert markup in shown
            await pilot.press("down")
            await settle(pilot, app)
        assert "evil.md" in seen_paths
        for key in ("escape", "j", "k", "g", "g", "G", "tab", "y", "y", "i", "ctrl+n"):
            await pilot.press(key)
            await settle(pilot, app)
        assert app.is_running
        assert app.return_code is None
        assert "\x1b" not in app.app_clipboard and "\x07" not in app.app_clipboard


@pytest.mark.asyncio
async def test_markup_like_titles_do_not_break_the_panels(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "plan.md").write_text("# Plan [/draft] ideas [red]x\n\nbody\n", encoding="utf-8")
    app = make_app(app_settings(root, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        for key in ("alt+p", "alt+p", "alt+l"):
            await pilot.press(key)
            await pilot.pause()
        assert app.is_running
