"""A theme's palette is kept between launches, and a changed theme gets its own."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from textual.theme import Theme

from tui import theme_palette
from tui.core.palette import build_palette


def _fresh_process() -> None:
    theme_palette._cache.clear()  # what a new launch starts with


def test_a_kept_palette_equals_a_built_one_and_a_changed_theme_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    blue = Theme(name="mine", primary="#3050d0", background="#101418", dark=True)
    _fresh_process()
    first = theme_palette.palette_from_theme(blue)
    assert list((tmp_path / "notesift" / "tables").glob("palette_mine_*.marshal"))
    _fresh_process()
    kept = theme_palette.palette_from_theme(blue)
    assert kept == first == build_palette(theme_palette.theme_colors(blue))

    red = dataclasses.replace(blue, primary="#d03030")  # same name, other colours
    _fresh_process()
    changed = theme_palette.palette_from_theme(red)
    assert changed == build_palette(theme_palette.theme_colors(red))
    assert changed.badges["note"] != first.badges["note"]


def test_themes_whose_names_share_a_start_keep_both_palettes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`rose-pine` must not prune `rose-pine-moon`'s kept palette (REVIEW4 F3)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    for name in ("pine-moon", "pine"):
        _fresh_process()
        theme_palette.palette_from_theme(Theme(name=name, primary="#3050d0", dark=True))
    kept = list((tmp_path / "notesift" / "tables").glob("palette_*.marshal"))
    assert len(kept) == 2, kept
