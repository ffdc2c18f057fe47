"""Colours for what the user reads, derived from the active theme (no Textual here).

The UI resolves the theme's variables to opaque `#rrggbb` colours (`ThemeColors`) and
`build_palette` turns them into ready Rich style strings, one per role. A role keeps
the theme's own colour when it reads well on every background it is drawn on; else
the same hue is nudged lighter (dark themes) or darker (light ones) until it does:
WCAG 2 contrast >= 4.5:1, or 7:1 for a high-contrast theme. So a user's theme with a
pale `match` colour still gives readable matches, and nothing is hard-coded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

AA = 4.5  # WCAG 2 AA for body text
AAA = 7.0  # WCAG 2 AAA, what a high-contrast theme promises


def parse_hex(colour: str) -> tuple[int, int, int]:
    """`#rgb` / `#rrggbb` (alpha ignored) as an RGB triple."""
    text = colour.strip().lstrip("#")
    if len(text) in (3, 4):
        text = "".join(ch * 2 for ch in text[:3])
    if len(text) not in (6, 8):
        raise ValueError(f"not a hex colour: {colour!r}")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def to_hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def blend(base: str, other: str, amount: float) -> str:
    """`base` moved `amount` (0..1) of the way towards `other`."""
    a, b = parse_hex(base), parse_hex(other)
    return to_hex(tuple(x + (y - x) * amount for x, y in zip(a, b, strict=True)))  # type: ignore[arg-type]


def luminance(colour: str) -> float:
    """WCAG relative luminance."""

    def channel(value: int) -> float:
        v = value / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in parse_hex(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two opaque colours (1..21)."""
    hi, lo = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def readable(colour: str, backgrounds: Iterable[str], minimum: float) -> str:
    """`colour`, or the nearest blend of it towards white/black that meets `minimum` on all."""
    return _readable(colour.lower(), tuple(backgrounds), minimum)


@lru_cache(maxsize=4096)
def _readable(colour: str, grounds: tuple[str, ...], minimum: float) -> str:
    if not grounds or min(contrast(colour, bg) for bg in grounds) >= minimum:
        return colour
    mean = sum(luminance(bg) for bg in grounds) / len(grounds)
    target = "#ffffff" if mean < 0.18 else "#000000"
    for step in range(1, 21):
        candidate = blend(colour, target, step / 20)
        if min(contrast(candidate, bg) for bg in grounds) >= minimum:
            return candidate
    return target


@dataclass(frozen=True, slots=True)
class ThemeColors:
    """A theme's colours, resolved by the UI to opaque hex (alpha already composited)."""

    name: str
    dark: bool
    foreground: str
    background: str
    surface: str
    panel: str
    primary: str
    secondary: str
    accent: str
    warning: str
    error: str
    success: str
    match: str
    cursor_background: str
    # Every background a results row may sit on (list, focused list, cursor row, ...).
    row_backgrounds: tuple[str, ...] = ()

    @property
    def high_contrast(self) -> bool:
        return "high-contrast" in self.name


# Pygments styles per darkness; a theme named like one of these families gets its own.
_SYNTAX_FAMILIES = {
    ("gruvbox", True): "gruvbox-dark",
    ("gruvbox", False): "gruvbox-light",
    ("solarized", True): "solarized-dark",
    ("solarized", False): "solarized-light",
    ("nord", True): "nord",
}


def syntax_style_for(name: str, dark: bool) -> str:
    """The pygments style used for fenced code: the theme's family, else by darkness."""
    for (family, family_dark), style in _SYNTAX_FAMILIES.items():
        if family in name and family_dark == dark:
            return style
    return "github-dark" if dark else "default"


@dataclass(frozen=True, slots=True)
class Palette:
    """Rich style strings for every role notesift draws; see the module docstring."""

    dark: bool
    minimum: float
    text: str
    muted: str
    match: str
    marked: str
    tag: str
    partial: str
    badges: dict[str, str] = field(default_factory=dict)
    heading1: str = ""
    heading2: str = ""
    inline_code: str = ""
    link: str = ""
    bullet: str = ""
    tweet: str = ""
    code_background: str = ""
    match_line_background: str = ""
    preview_muted: str = ""
    preview_match: str = ""
    key: str = ""
    group: str = ""
    panel_muted: str = ""
    warning: str = ""
    panel_marked: str = ""
    syntax_style: str = "default"

    def badge(self, kind: str) -> str:
        return self.badges.get(kind, self.badges.get("note", "bold"))

    @property
    def code_block(self) -> str:
        """Background of fenced code ("" when the palette has no colours)."""
        return f"on {self.code_background}" if self.code_background else ""

    @property
    def match_line(self) -> str:
        """Background of the preview line the cursor's hit is on."""
        return f"on {self.match_line_background}" if self.match_line_background else "bold"


def build_palette(colors: ThemeColors) -> Palette:
    """Every role's style from the theme, each readable on the backgrounds it is drawn on."""
    minimum = AAA if colors.high_contrast else AA
    rows = colors.row_backgrounds or (colors.surface, colors.cursor_background)
    code_bg = blend(colors.background, colors.foreground, 0.07)
    match_bg = blend(colors.background, colors.primary, 0.22 if colors.dark else 0.16)
    preview = (colors.background, code_bg, match_bg)
    panel = (colors.panel,)

    def on(grounds: tuple[str, ...], colour: str) -> str:
        return readable(colour, grounds, minimum)

    muted_seed = blend(colors.foreground, colors.background, 0.3)
    return Palette(
        dark=colors.dark,
        minimum=minimum,
        text=on(rows, colors.foreground),
        muted=on(rows, muted_seed),
        match=f"bold underline {on(rows, colors.match)}",
        marked=f"bold {on(rows, colors.secondary)}",
        tag=f"italic {on(rows, colors.secondary)}",
        partial=f"italic {on(rows, muted_seed)}",
        badges={
            "note": f"bold {on(rows, colors.primary)}",
            "section": f"bold {on(rows, colors.success)}",
            "tweet": f"bold {on(rows, colors.secondary)}",
            "key": f"bold {on(rows, colors.warning)}",
        },
        heading1=f"bold {on(preview, colors.primary)}",
        heading2=f"bold {on(preview, colors.secondary)}",
        inline_code=on(preview, colors.warning),
        link=f"underline {on(preview, colors.primary)}",
        bullet=f"bold {on(preview, colors.success)}",
        tweet=f"bold {on(preview, colors.secondary)}",
        code_background=code_bg,
        match_line_background=match_bg,
        preview_muted=on(preview, muted_seed),
        preview_match=f"bold underline {on(preview, colors.match)}",
        key=f"bold {on(panel, colors.accent)}",
        group=f"bold {on(panel, colors.primary)}",
        panel_muted=on(panel, muted_seed),
        warning=f"bold {on(panel, colors.warning)}",
        panel_marked=f"bold {on(panel, colors.secondary)}",
        syntax_style=syntax_style_for(colors.name, colors.dark),
    )



def plain_palette() -> Palette:
    """No colours at all, only weight and underline: for output with no theme (tests, pipes)."""
    return Palette(
        dark=True,
        minimum=AA,
        text="",
        muted="",
        match="bold underline",
        marked="bold",
        tag="italic",
        partial="italic",
        badges={"note": "bold", "section": "bold", "tweet": "bold", "key": "bold"},
        heading1="bold",
        heading2="bold",
        inline_code="",
        link="underline",
        bullet="bold",
        tweet="bold",
        preview_muted="",
        preview_match="bold underline",
        key="bold",
        group="bold",
        panel_muted="",
        warning="bold",
        panel_marked="bold",
    )
