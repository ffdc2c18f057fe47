"""The active Textual theme as a `Palette`: the one place UI colours come from.

Textual variables may be translucent (`boost`, `text-muted`) or `auto`; they are
composited here onto the surface they sit on, so the pure core only sees opaque
colours. Widgets call `palette_of(self.app)` and redraw on `app.theme_changed_signal`.
"""

from __future__ import annotations

import dataclasses
import re
import sys
import zlib
from pathlib import Path
from typing import Any

import textual.color
import textual.design
import textual.theme
from textual.app import App
from textual.color import Color
from textual.theme import Theme

import tui.themes
from tui.core import palette as core_palette
from tui.core.palette import Palette, ThemeColors, build_palette, plain_palette
from tui.core.text.table_cache import cached_table
from tui.themes import match_color

_cache: dict[tuple[str, int], Palette] = {}


def resolve(value: str | None, under: Color, fallback: Color) -> Color:
    """A theme variable composited onto `under` (`auto` as Textual does it)."""
    if not value:
        return fallback
    text = value.strip()
    parts = text.rsplit(" ", 1)
    alpha = 1.0
    if len(parts) == 2 and parts[1].endswith("%"):
        text, alpha = parts[0], float(parts[1][:-1]) / 100
    if text == "auto":
        return under + under.get_contrast_text(alpha)
    return under + Color.parse(text).multiply_alpha(alpha)


def reading_surfaces(theme: Theme) -> dict[str, list[tuple[Color, Color]]]:
    """Per area, every (background, default text colour) pair the user reads on.

    `rows`: the results list (plain, focused, cursor, cursor while the prompt has focus);
    `preview`: the preview pane; `panel`: which-key and the status line; `table`: the
    cheat sheet's DataTable (header, zebra stripes, cursor).
    """
    variables = theme.to_color_system().generate()
    background = Color.parse(variables["background"])
    foreground = Color.parse(variables["foreground"])

    def get(name: str, under: Color = background) -> Color:
        return resolve(variables.get(name), under, foreground)

    surface = get("surface")
    panel = get("panel")
    cursor = get("block-cursor-background", surface)
    blurred = get("block-cursor-blurred-background", surface)
    text = foreground
    cursor_text = get("block-cursor-foreground", cursor)
    blurred_text = get("block-cursor-blurred-foreground", blurred)
    even_row = surface + Color.parse(variables["surface-lighten-1"]).multiply_alpha(0.5)
    return {
        "rows": [
            (surface, text),
            (surface.blend(foreground, 0.05), text),  # OptionList:focus tints 5%
            (background, text),
            (background.blend(foreground, 0.05), text),
            (cursor, cursor_text),
            (blurred, blurred_text),
        ],
        "preview": [(background, text)],
        "panel": [(panel, text)],
        "table": [
            (surface, text),
            (even_row, text),
            (panel, text),
            (cursor, cursor_text),
            (blurred, blurred_text),
        ],
    }


def theme_colors(theme: Theme) -> ThemeColors:
    """Resolve a theme to the opaque colours the palette is built from."""
    variables = theme.to_color_system().generate()
    background = Color.parse(variables["background"])
    foreground = Color.parse(variables["foreground"])

    def get(name: str, under: Color = background) -> Color:
        return resolve(variables.get(name), under, foreground)

    surfaces = reading_surfaces(theme)
    cursor = get("block-cursor-background", get("surface"))
    return ThemeColors(
        name=theme.name,
        dark=theme.dark,
        foreground=foreground.hex6,
        background=background.hex6,
        surface=get("surface").hex6,
        panel=get("panel").hex6,
        primary=get("primary").hex6,
        secondary=get("secondary").hex6,
        accent=get("accent").hex6,
        warning=get("warning").hex6,
        error=get("error").hex6,
        success=get("success").hex6,
        match=resolve(match_color(theme), background, foreground).hex6,
        cursor_background=cursor.hex6,
        row_backgrounds=tuple(dict.fromkeys(bg.hex6 for bg, _ in surfaces["rows"])),
    )


def palette_from_theme(theme: Theme) -> Palette:
    """The palette of `theme` (cached by name and identity: re-registering rebuilds it)."""
    key = (theme.name, id(theme))
    palette = _cache.get(key)
    if palette is None:
        try:
            palette = _kept_palette(theme)
        except Exception:  # a theme Textual accepted but we cannot read: draw uncoloured
            palette = plain_palette()
        _cache[key] = palette
    return palette


def _kept_palette(theme: Theme) -> Palette:
    """`theme`'s palette as a launch with the same theme definition built it.

    Building resolves the theme's colour system twice and checks every role's
    contrast: about 3 ms of each launch before its first frame, for the same
    answer. It is kept per theme name under the theme's full definition (`repr`)
    and the files that decide it (`tui.core.text.table_cache`).
    """
    # No `-` in the name: the table cache prunes `<name>-*` files, and `rose-pine-`
    # would match `rose-pine-moon`'s; the CRC keeps `a-b` and `a_b` apart.
    readable = re.sub(r"[^A-Za-z0-9_]", "_", theme.name)[:40]
    name = f"palette_{readable}_{zlib.crc32(theme.name.encode()):08x}"
    fields = cached_table(name, _PALETTE_SOURCES,
                          lambda: dataclasses.asdict(build_palette(theme_colors(theme))),
                          stamp=repr(theme))
    return Palette(**fields)


def _module_file(module: object) -> Path | None:
    found = getattr(module, "__file__", None)
    return Path(found) if found else None


_PALETTE_SOURCES = [_module_file(module) for module in (
    sys.modules[__name__], core_palette, tui.themes, textual.design, textual.color,
    textual.theme)]


def palette_of(app: App[Any]) -> Palette:
    """The palette of the app's active theme."""
    return palette_from_theme(app.current_theme)
