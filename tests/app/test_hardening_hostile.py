"""Hostile note content: escapes, console markup and bidi controls stay inert data.

A note may contain ANSI/OSC sequences (clear screen, set the clipboard), Rich or
Textual markup (links, `@click` actions) and bidi overrides. Whatever shows or
copies it must show the characters, never obey them.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console
from rich.style import Style
from rich.text import Text
from tui_helpers import app_settings, ready, settle, type_text

from tui.app import make_app
from tui.cli import run_search
from tui.core.copying import clean_copy_text, entry_copy_text, join_marked
from tui.core.search.engine import SearchHit
from tui.core.search.searchable import SearchableIndex
from tui.render import preview_text, result_row

ESC_CLEAR = "\x1b[2J"
OSC_CLIPBOARD = "\x1b]52;c;ZXZpbA==\x07"
MARKUP = ("[bold]x[/bold]", "[link=https://evil]l[/link]", "[@click=app.quit]q[/]")
RLO = "\u202e"
HOSTILE = (
    "---\ntitle: Evil " + ESC_CLEAR + " title " + RLO + "fdp.exe\ntags: [hostile]\n---\n\n"
    "okapi intro " + OSC_CLIPBOARD + " " + " ".join(MARKUP) + "\n"
    "c1 csi \x9b31m del \x7f bell \x07 cr\roverwrite " + RLO + "gpj.exe\n\n"
    "## Section " + ESC_CLEAR + " [link=https://evil]heading[/link]\n\n"
    "okapi in section " + OSC_CLIPBOARD + " [@click=app.quit]q[/]\n\n"
    "```sh\nrm -rf / " + ESC_CLEAR + "\n```\n\n"
    "see https://example.com/" + "\x1b]8;;https://evil\x1b\\" + "x and [a](https://ok.example/a)\n"
)
# Everything that must never reach a terminal raw: C0 (except LF/TAB), DEL, C1, bidi.
_RAW_CONTROLS = {chr(c) for c in range(0x20) if c not in (0x09, 0x0A)} | {"\x7f"}
_RAW_CONTROLS |= {chr(c) for c in range(0x80, 0xA0)}
_BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _raw_controls(text: str, *, allow_newline: bool = True) -> set[str]:
    bad = _RAW_CONTROLS | _BIDI
    if not allow_newline:
        bad = bad | {"\n"}
    return {ch for ch in text if ch in bad}


@pytest.fixture
def hostile_root(tmp_path: Path) -> Path:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "evil.md").write_text(HOSTILE, encoding="utf-8")
    (root / "plain.txt").write_text("Plain\n\nokapi " + ESC_CLEAR + " [b]x[/b]\n")
    return root


@pytest.fixture
def hits(hostile_root: Path) -> Iterator[list[SearchHit]]:
    index = SearchableIndex(hostile_root, use_cache=False, jobs=1)
    index.refresh()
    try:
        found = index.engine.search("okapi", limit=0).hits
        assert {h.entry.path for h in found} == {"evil.md", "plain.txt"}
        yield found
    finally:
        index.close()


# -- (a) the command line ---------------------------------------------------


def test_cli_plain_output_has_no_raw_controls(hostile_root: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run_search(["--dir", str(hostile_root), "--no-cache", "okapi"], out, err) == 0
    shown = out.getvalue()
    assert shown.count("\n") >= 2
    assert _raw_controls(shown) == set()
    assert _raw_controls(err.getvalue()) == set()
    assert "␛[2J" in shown  # shown as a visible symbol, not dropped silently
    assert "[link=https://evil]l[/link]" in shown


def test_cli_json_output_has_no_raw_controls_and_round_trips(hostile_root: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = run_search(["--dir", str(hostile_root), "--no-cache", "--json", "--limit", "0", "okapi"],
                      out, err)
    assert code == 0
    lines = out.getvalue().splitlines()
    assert lines
    for line in lines:
        assert _raw_controls(line, allow_newline=False) == set()
        record = json.loads(line)  # still valid JSON that decodes to the real text
        if record["path"] == "evil.md" and record["kind"] == "note":
            assert ESC_CLEAR in record["title"] and RLO in record["title"]
    assert _raw_controls(err.getvalue()) == set()


def test_cli_warnings_about_hostile_file_names_are_safe(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    (root / ("bad\x1b]52;c;eA==\x07" + RLO + ".md")).write_bytes(b"\x00binary")
    (root / "ok.md").write_text("okapi\n")
    out, err = io.StringIO(), io.StringIO()
    assert run_search(["--dir", str(root), "--no-cache", "okapi"], out, err) == 0
    assert "binary" in err.getvalue()
    assert _raw_controls(err.getvalue()) == set()


# -- (b) rendering to Rich Text -----------------------------------------------


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
            assert _raw_controls(row.plain) == set()
            assert row.plain.count("\n") == 1
            _assert_spans_are_ours(row)
            _assert_terminal_safe(row)
    evil = next(h for h in hits if h.entry.path == "evil.md" and h.entry.kind == "note")
    assert "Evil ␛[2J title <U+202E>fdp.exe" in result_row(evil).plain


def test_preview_shows_markup_literally(hits: list[SearchHit]) -> None:
    for hit in hits:
        text, offset = preview_text(hit.entry, ["okapi"], hit.match_line)
        assert 0 <= offset <= len(text.plain)
        assert _raw_controls(text.plain) == set()
        _assert_spans_are_ours(text)
        _assert_terminal_safe(text)
    evil = next(h for h in hits if h.entry.path == "evil.md" and h.entry.kind == "note")
    shown, _ = preview_text(evil.entry, ["okapi"], evil.match_line)
    for markup in MARKUP:
        assert markup in shown.plain
    assert "␛]52;c;ZXZpbA==␇" in shown.plain
    assert "<U+202E>gpj.exe" in shown.plain


# -- (c) copying ----------------------------------------------------------------


def test_copied_text_has_no_control_characters(hits: list[SearchHit]) -> None:
    for hit in hits:
        for field in ("entry", "title", "url", "path", "code"):
            for text in entry_copy_text(hit.entry, field):
                assert _raw_controls(text) - _BIDI == set(), field
                assert "\r" not in text
    evil = next(h for h in hits if h.entry.path == "evil.md" and h.entry.kind == "note")
    copied = entry_copy_text(evil.entry, "entry")[0]
    assert "[link=https://evil]l[/link]" in copied  # text is kept, only controls go
    assert "]52;c;ZXZpbA==" in copied and "\x1b" not in copied and "\x07" not in copied
    urls = entry_copy_text(evil.entry, "url")
    assert all("\x1b" not in url for url in urls)
    marked = join_marked(entry_copy_text(h.entry, "entry")[0] for h in hits)
    assert _raw_controls(marked) - _BIDI == set()


def test_clean_copy_text_drops_every_c0_c1_control() -> None:
    text = "a\x1b[2Jb\x07c\x9bd\x7fe\rf\r\ng\th\x00i"
    assert clean_copy_text(text) == "a[2Jbcdef\ng\thi"


# -- (d) the app ------------------------------------------------------------------


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
