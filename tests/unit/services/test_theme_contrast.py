"""Every colour notesift draws comes from the theme and is readable (WCAG 2 contrast).

Rows, badges, matches, the preview (headings, links, fenced code in several
languages, the match line), the tweet card, which-key and status roles, and the
Textual surfaces they sit on are rendered for each shipped theme; every visible
segment's foreground is checked against every background it can appear on:
>= 4.5:1, and >= 7:1 for the high-contrast theme.
"""

from __future__ import annotations

import colorsys
from collections.abc import Iterable

import pytest
from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.color import Color

from tui.core.ingest.entry import Entry
from tui.core.palette import AA, AAA, Palette, contrast
from tui.core.search.engine import SearchHit
from tui.render import preview_text, result_row
from tui.theme_palette import palette_from_theme, reading_surfaces, theme_colors
from tui.themes import SHIPPED_THEMES_DIR, load_theme_file

SHIPPED = sorted(SHIPPED_THEMES_DIR.glob("*.toml"))

NOTE_BODY = """\
# Heading one
Plain words with **bold**, `inline code` and a [link](https://example.org).
- a bullet point
### A smaller heading
```python
def ferret(count: int = 3) -> str:  # a comment
    return "ferret" * count
```
```js
const otter = { name: 'otter', legs: 4 }; // comment
```
```bash
for f in *.md; do echo "$f"; done  # loop
```
```rust
fn main() { let x: u32 = 0x1f; println!("{x}"); }
```
~~~sql
SELECT name FROM notes WHERE tag = 'ferret';
~~~
```nosuchlanguage
plain code
```
Last line mentions ferret again.
"""


def _entries() -> list[Entry]:
    note = Entry("n1", "note", "Ferret care", "pets/ferret.md", 1, 30, NOTE_BODY, ("pets", "care"),
                 "pets › Ferret care")
    section = Entry("s1", "section", "Feeding", "pets/ferret.md", 4, 8, "## Feeding\nferret food",
                    (), "Ferret care › Feeding")
    tweet = Entry("t1", "tweet", "Ferrets are great", "x/tweets.md", 1, 5,
                  "ferrets are great", ("pets",), "",
                  {"author": "someone", "date": "2024-04-17", "likes": 1248, "retweets": 3,
                   "url": "https://x.com/someone/status/1"})
    key = Entry("k1", "key", "Open the ferret", "keymaps/default.toml", 3, 3, "o open", ())
    return [note, section, tweet, key]


def _hits() -> list[SearchHit]:
    return [
        SearchHit(e, 1.0, e.line + 1, [(0, 3)], "ferret snippet text", [(0, 6)], partial=i == 0)
        for i, e in enumerate(_entries())
    ]


def _themes() -> list:  # type: ignore[type-arg]
    themes = []
    for path in SHIPPED:
        theme, problems = load_theme_file(path)
        assert theme is not None, problems
        themes.append(theme)
    return themes


def _minimum(name: str) -> float:
    return AAA if "high-contrast" in name else AA


def _segments(text: Text) -> Iterable[tuple[str, Style]]:
    console = Console(width=400, color_system="truecolor", legacy_windows=False)
    for segment in text.render(console):
        if segment.text.strip() and segment.style is not None:
            yield segment.text, segment.style
        elif segment.text.strip():
            yield segment.text, Style()


def _hex(colour) -> str:  # type: ignore[no-untyped-def]
    return colour.get_truecolor().hex


def _failures(text: Text, grounds: list[tuple[Color, Color]], minimum: float) -> list[str]:
    """Each visible segment whose colour is below `minimum` on a background it may sit on."""
    bad = []
    for chunk, style in _segments(text):
        assert not style.dim, f"dim text has no defined contrast: {chunk!r}"
        pairs = []
        if style.bgcolor is not None:
            default_fg = grounds[0][1]
            pairs.append((style.bgcolor and _hex(style.bgcolor), default_fg.hex6))
        else:
            pairs.extend((bg.hex6, fg.hex6) for bg, fg in grounds)
        for bg, default_fg in pairs:
            fg = _hex(style.color) if style.color is not None else default_fg
            if style.reverse:
                fg, bg = bg, fg
            ratio = contrast(fg, bg)
            if ratio < minimum:
                bad.append(f"{chunk!r}: {fg} on {bg} = {ratio:.2f}")
    return bad


@pytest.fixture(params=_themes(), ids=lambda t: t.name)
def theme(request):  # type: ignore[no-untyped-def]
    return request.param


def test_every_shipped_theme_is_checked() -> None:
    assert {p.stem for p in SHIPPED} >= {
        "notesift-dark", "notesift-light", "high-contrast", "gruvbox-night", "solarized-paper"
    }


def test_rows_are_readable_on_every_row_background(theme) -> None:  # type: ignore[no-untyped-def]
    palette = palette_from_theme(theme)
    grounds = reading_surfaces(theme)["rows"]
    bad = []
    for hit in _hits():
        for marked in (False, True):
            bad += _failures(result_row(hit, marked, width=120, palette=palette), grounds,
                             _minimum(theme.name))
    assert bad == []


def test_preview_is_readable_including_code_and_the_match_line(theme) -> None:  # type: ignore[no-untyped-def]
    palette = palette_from_theme(theme)
    grounds = reading_surfaces(theme)["preview"]
    bad = []
    for hit in _hits():
        for match_line in (None, 2, 7, 14):  # prose, python code, js code
            text, _ = preview_text(hit.entry, ["ferret"], match_line, palette=palette)
            bad += _failures(text, grounds, _minimum(theme.name))
    assert bad == []


def test_panel_roles_are_readable(theme) -> None:  # type: ignore[no-untyped-def]
    """Which-key keys, groups and hints; the status line's marked count and warnings."""
    palette = palette_from_theme(theme)
    text = Text()
    for style in (palette.key, palette.group, palette.panel_muted, palette.warning,
                  palette.panel_marked):
        text.append("sample ", style=style)
    assert _failures(text, reading_surfaces(theme)["panel"], _minimum(theme.name)) == []


def test_textual_surfaces_are_readable(theme) -> None:  # type: ignore[no-untyped-def]
    """The theme's own text on list, cursor, table stripes and panels (cheat sheet, status)."""
    bad = [
        f"{area}: {fg.hex6} on {bg.hex6} = {contrast(fg.hex6, bg.hex6):.2f}"
        for area, pairs in reading_surfaces(theme).items()
        for bg, fg in pairs
        if contrast(fg.hex6, bg.hex6) < _minimum(theme.name)
    ]
    assert bad == []


def _hue(colour: str) -> float:
    r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return colorsys.rgb_to_hls(r, g, b)[0]


def _colour_of(style: str) -> str:
    return next(word for word in style.split() if word.startswith("#"))


def test_palette_keeps_the_theme_hues(theme) -> None:  # type: ignore[no-untyped-def]
    """Roles use the theme's colours: made lighter/darker where needed, never another hue."""
    colors = theme_colors(theme)
    palette = palette_from_theme(theme)
    for role, source in ((palette.match, colors.match), (palette.preview_match, colors.match),
                         (palette.badge("note"), colors.primary),
                         (palette.badge("section"), colors.success),
                         (palette.heading1, colors.primary), (palette.key, colors.accent)):
        drift = abs(_hue(_colour_of(role)) - _hue(source))
        assert min(drift, 1 - drift) < 0.03, (role, source)


def test_the_match_colour_follows_the_theme() -> None:
    matches = {palette_from_theme(t).match for t in _themes()}
    assert len(matches) == len(SHIPPED)


def test_code_blocks_are_highlighted_per_language_and_stay_line_aligned(theme) -> None:  # type: ignore[no-untyped-def]
    palette = palette_from_theme(theme)
    entry = _entries()[0]
    text, offset = preview_text(entry, ["ferret"], 7, palette=palette)
    lines = text.plain.split("\n")
    body = NOTE_BODY.split("\n")
    head = lines.index(body[0])
    assert lines[head : head + len(body) - 1] == body[:-1]  # one display line per source line
    assert text.plain[offset:].startswith(body[6])  # the match line is where scrolling lands
    colours_on = {
        i: {str(span.style) for span in text.spans
            if span.start >= sum(len(x) + 1 for x in lines[:i])
            and span.end <= sum(len(x) + 1 for x in lines[: i + 1])}
        for i in range(len(lines))
    }
    python_line = head + 5
    plain_code_line = head + 21
    assert len(colours_on[python_line]) >= 3  # keywords, names, strings differ
    assert palette.code_block in "".join(colours_on[plain_code_line])


def test_a_light_and_a_dark_theme_pick_matching_syntax_styles() -> None:
    styles = {t.name: palette_from_theme(t).syntax_style for t in _themes()}
    assert styles["notesift-light"] != styles["notesift-dark"]
    assert styles["gruvbox-night"] == "gruvbox-dark"
    assert styles["solarized-paper"] == "solarized-light"


def test_a_user_theme_with_a_pale_match_colour_is_made_readable() -> None:
    from textual.theme import Theme

    pale = Theme(name="pale", dark=False, primary="#ffee99", background="#ffffff",
                 surface="#fafafa", foreground="#222222", variables={"notesift-match": "#ffff66"})
    palette: Palette = palette_from_theme(pale)
    grounds = reading_surfaces(pale)["rows"]
    row = result_row(_hits()[0], palette=palette)
    assert _failures(row, grounds, AA) == []
    assert "#ffff66" not in palette.match


def test_highlighting_keeps_leading_blank_lines_and_odd_blocks_aligned() -> None:
    """Lexers strip newlines by default; a blank first line must not shift the code up."""
    theme, _ = load_theme_file(SHIPPED_THEMES_DIR / "notesift-dark.toml")
    assert theme is not None
    palette = palette_from_theme(theme)
    body = (
        "x\n```python\n\n\nvalue = 1  # ferret\n\n```\n```\nno language\n```\n"
        "````md\n```\nnested\n````\nend ferret\n"
    )
    entry = Entry("n", "note", "T", "t.md", 1, 20, body)
    text, offset = preview_text(entry, ["ferret"], 5, palette=palette)
    lines = text.plain.split("\n")
    start = lines.index("x")
    assert lines[start : start + body.count("\n")] == body.split("\n")[:-1]
    assert text.plain[offset:].startswith("value = 1  # ferret")
    # the token colours of `value = 1` sit on that line, not on a blank one
    line_start = text.plain.index("value = 1")
    coloured = [s for s in text.spans if s.start >= line_start and s.end <= line_start + 19
                and "#" in str(s.style)]
    assert coloured


def test_a_theme_whose_colours_cannot_be_read_draws_uncoloured_instead_of_crashing() -> None:
    from textual.theme import Theme

    from tui.core.palette import plain_palette

    odd = Theme(name="odd", primary="#336699", variables={"block-cursor-background": "nonsense"})
    assert palette_from_theme(odd) == plain_palette()
    assert result_row(_hits()[0], palette=palette_from_theme(odd)).plain
