"""Filter keys narrow what was typed instead of replacing it, and toggle."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import app_settings, ready, settle, type_text, until

from tui.app import make_app


@pytest.mark.asyncio
async def test_filter_keys_keep_the_words_and_toggle(example_notes: Path, tmp_path: Path) -> None:
    app = make_app(app_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await type_text(pilot, app, "rust")
        await pilot.press("alt+t")
        await settle(pilot, app)
        assert app.search_input.value == "kind:tweet rust "
        assert app.results.hits and all(h.entry.kind == "tweet" for h in app.results.hits)
        await pilot.press("escape", "f", "n")
        await until(pilot, lambda: app.search_input.value == "kind:note rust ", "swapped")
        await pilot.press("escape", "f", "c")
        await until(pilot, lambda: app.search_input.value == "rust ", "the filter dropped")
        await pilot.press("alt+t", "alt+t")
        await until(pilot, lambda: app.search_input.value == "rust ", "toggled off")
