"""Keys read together act in the order typed, in the mode the key before them chose.

A fast typist, a key macro, ssh or a loaded machine hands the app several keys in
one read; each must do what it would have done typed alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from tui_helpers import app_settings, ready, settle, type_text, until

from tui.app import NotesiftApp, make_app
from tui.screens.tag_prompt import TagPromptScreen


def _read_together(app: NotesiftApp, *keys: str) -> None:
    """Post `keys` at once, as one read from the terminal delivers them."""
    for key in keys:
        char = key if len(key) == 1 else None
        app.post_message(events.Key(key, char))


@pytest.mark.asyncio
async def test_backspace_read_with_letters_deletes_before_they_are_typed(
    example_notes: Path, tmp_path: Path
) -> None:
    app = make_app(app_settings(example_notes, tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot, app)
        await type_text(pilot, app, "abc")
        _read_together(app, "backspace", "x", "y")
        await settle(pilot, app)
        assert app.search_input.value == "abxy"
        _read_together(app, "backspace", "backspace", "z")
        await settle(pilot, app)
        assert app.search_input.value == "abz"


@pytest.mark.asyncio
async def test_i_then_letters_in_one_read_types_them(example_notes: Path, tmp_path: Path) -> None:
    """`i` returns to the query with its text kept; the letters after it are typed."""
    app = make_app(app_settings(example_notes, tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot, app)
        await type_text(pilot, app, "rust")
        await pilot.press("escape")
        await until(pilot, lambda: app.focused is app.results, "normal mode")
        _read_together(app, "i", "t", "x")
        await settle(pilot, app)
        assert app.focused is app.search_input
        assert app.search_input.value == "rusttx"
        assert not isinstance(app.screen, TagPromptScreen)  # `t` did not open the tag prompt


@pytest.mark.asyncio
async def test_a_tag_typed_with_backspaces_in_one_read_is_the_tag_typed(
    example_notes: Path, tmp_path: Path
) -> None:
    app = make_app(app_settings(example_notes, tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot, app)
        await type_text(pilot, app, "rust")
        await pilot.press("escape", "t")
        await until(pilot, lambda: isinstance(app.screen, TagPromptScreen), "the tag prompt")
        await pilot.press("r", "u")
        _read_together(app, "backspace", "backspace", *"demo/tryout")
        await settle(pilot, app)
        assert app.screen.query_one("Input").value == "demo/tryout"  # type: ignore[attr-defined]


@pytest.mark.asyncio
@pytest.mark.parametrize("key", ["i", "slash"])
async def test_i_and_slash_in_the_preview_go_back_to_the_prompt(
    example_notes: Path, tmp_path: Path, key: str
) -> None:
    """README: `i` or `/` back to the prompt, from the preview (`<M-w>`) as from the list."""
    app = make_app(app_settings(example_notes, tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot, app)
        await type_text(pilot, app, "rust")
        await pilot.press("escape", "alt+w")
        await until(pilot, lambda: app.status_info.mode == "preview", "preview focused")
        await pilot.press(key, "x")
        await settle(pilot, app)
        assert app.focused is app.search_input
        assert app.search_input.value == "rustx"
