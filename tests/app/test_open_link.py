"""`gx`: open the entry's link with $BROWSER / open / xdg-open, as one argv, never a shell."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList
from tui_helpers import app_settings, ready, settle, type_text

from tui.app import make_app
from tui.core.browser import browser_argv, is_openable

URL = "https://example.org/a?q=1&b=$(id);x=$HOME&c=|d"


def _which(*present: str):  # type: ignore[no-untyped-def]
    return lambda name: f"/usr/bin/{name}" if name in present else None


def test_xdg_open_gets_the_url_as_one_argument() -> None:
    assert browser_argv(URL, {}, platform="linux", which=_which("xdg-open")) == ["xdg-open", URL]


def test_macos_uses_open() -> None:
    assert browser_argv(URL, {}, platform="darwin", which=_which("open", "xdg-open")) == [
        "open", URL]


def test_browser_variable_first_available_command_with_percent_s() -> None:
    env = {"BROWSER": "missing-browser:firefox --new-tab:w3m"}
    assert browser_argv(URL, env, which=_which("firefox", "w3m", "xdg-open")) == [
        "firefox", "--new-tab", URL]
    env = {"BROWSER": "chromium --app=%s"}
    assert browser_argv(URL, env, which=_which("chromium")) == ["chromium", f"--app={URL}"]


def test_nothing_to_open_with_or_not_a_link() -> None:
    assert browser_argv(URL, {}, platform="linux", which=_which()) is None
    for bad in ("--help", "-e", "javascript:alert(1)", "notes.md", "https://x.org/\x1b[2J"):
        assert not is_openable(bad), bad
        assert browser_argv(bad, {}, which=_which("xdg-open")) is None


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "one.md").write_text(
        f"# Single link\n\nread {URL} today\n", encoding="utf-8")
    (root / "two.md").write_text(
        "# Reading list\n\nhttps://a.example/first and https://b.example/second\n"
        "- [Textual's guide](https://c.example/guide)\n",
        encoding="utf-8")
    return root


async def _open(notes: Path, tmp_path: Path, query: str, monkeypatch: pytest.MonkeyPatch,
                picks: tuple[str, ...] = (), browser: str = "") -> list[list[str]]:
    monkeypatch.setenv("BROWSER", browser)
    monkeypatch.setattr("shutil.which", _which("firefox", "xdg-open"))
    opened: list[list[str]] = []
    app = make_app(app_settings(notes, tmp_path, link_opener=opened.append))
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot, app)
        await type_text(pilot, app, query)
        await pilot.press("escape", "g", "x")
        await pilot.pause()
        if picks:
            assert type(app.screen).__name__ == "PickerScreen"
            await pilot.press(*picks)
        await settle(pilot, app)
    return opened


@pytest.mark.asyncio
async def test_gx_opens_the_single_link(notes: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    opened = await _open(notes, tmp_path, "single", monkeypatch, browser="firefox --new-tab")
    # Shell syntax in the URL stays data: one argument, no shell in between.
    assert opened == [["firefox", "--new-tab", URL]]


@pytest.mark.asyncio
async def test_gx_with_several_links_asks_which(notes: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    opened = await _open(notes, tmp_path, "reading", monkeypatch, picks=("j", "enter"))
    assert opened == [["xdg-open", "https://b.example/second"]]


@pytest.mark.asyncio
async def test_gx_picker_names_each_link_by_its_text(notes: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", _which("xdg-open"))
    app = make_app(app_settings(notes, tmp_path, link_opener=lambda argv: None))
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot, app)
        await type_text(pilot, app, "reading")
        await pilot.press("escape", "g", "x")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        rows = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    assert rows == ["https://a.example/first", "https://b.example/second",
                    "Textual's guide  https://c.example/guide"]


@pytest.mark.asyncio
async def test_a_browser_variable_naming_nothing_is_named_in_the_message(
    notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`BROWSER=nonexistent-browser` was told to 'set $BROWSER' (TRY3 #9)."""
    monkeypatch.setenv("BROWSER", "nonexistent-browser")
    monkeypatch.setattr("shutil.which", _which())
    app = make_app(app_settings(notes, tmp_path, link_opener=lambda argv: None))
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot, app)
        await type_text(pilot, app, "single")
        await pilot.press("escape", "g", "x")
        await pilot.pause()
        said = [str(n.message) for n in app._notifications]
    assert any("$BROWSER='nonexistent-browser' names no program here" in s for s in said), said
