"""An answer that cannot be shown costs that answer and a notice, not the session."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import app_settings, ready, type_text

from tui.app import make_app


@pytest.mark.asyncio
async def test_an_error_while_showing_an_answer_is_said_and_the_next_key_works(
    tmp_path: Path,
) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    for name in ("alpha", "beta"):
        (root / f"{name}.md").write_text(f"# {name}\n\nwalrus {name}\n", encoding="utf-8")
    app = make_app(app_settings(root, tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot, app)
        real = app.results.show_hits
        broken = {"once": True}

        def show_hits(*args, **kwargs):  # type: ignore[no-untyped-def]
            if broken.pop("once", False):
                raise ValueError("odd text")
            return real(*args, **kwargs)

        app.results.show_hits = show_hits  # type: ignore[method-assign]
        await type_text(pilot, app, "walrus")
        assert app.is_running
        assert any("ValueError: odd text" in str(n.message) for n in app._notifications)
        await type_text(pilot, app, " beta")
        assert [h.entry.path for h in app.results.hits if not h.partial] == ["beta.md"]


@pytest.mark.asyncio
async def test_an_answer_arriving_after_the_quit_is_dropped_quietly(tmp_path: Path) -> None:
    """An answer posted just before `q` runs after the screens are gone: it used to
    end in ScreenStackError from paint_now (seen in a cold-build test)."""
    root = tmp_path / "notes"
    root.mkdir()
    (root / "a.md").write_text("# walrus\n", encoding="utf-8")
    app = make_app(app_settings(root, tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot, app)
        answer = app.result
    assert answer is not None
    assert app.paint_now() is False
    app.search._show_guarded(app.search.seq, "walrus", answer)  # no error
