"""Theme files: shipped themes load cleanly, mistakes point at file:line:col, apps accept them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.color import Color
from textual.widgets import Footer, Label

from tui.core.config import config_dir
from tui.themes import (
    DEFAULT_THEME,
    MATCH_VARIABLE,
    SHIPPED_THEMES_DIR,
    discover_themes,
    load_theme_file,
    match_color,
    register_themes,
    theme_variable_defaults,
)

SHIPPED = sorted(SHIPPED_THEMES_DIR.glob("*.toml"))
GOOD = """\
name = "mine"
dark = true

[colors]
primary = "#5fa8d3"
background = "#101010"
match = "#ffd866"

[variables]
"block-cursor-background" = "#2f4b66 80%"
"block-cursor-text-style" = "bold underline"
"""


def write(tmp_path: Path, text: str, name: str = "theme.toml") -> Path:
    """A theme file in its own directory."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def position(problem: str, path: Path) -> tuple[int, int]:
    """(line, col) of a `file:line:col: message` problem about `path`."""
    match = re.match(rf"{re.escape(str(path))}:(\d+):(\d+): ", problem)
    assert match, problem
    return int(match.group(1)), int(match.group(2))


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two opaque colours."""

    def luminance(colour: str) -> float:
        channels = []
        for c in Color.parse(colour).rgb:
            v = c / 255
            channels.append(v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4)
        r, g, b_ = channels
        return 0.2126 * r + 0.7152 * g + 0.0722 * b_

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# -- shipped themes ---------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_theme_loads_cleanly(path: Path) -> None:
    theme, problems = load_theme_file(path)
    assert problems == []
    assert theme is not None
    assert theme.name == path.stem
    assert MATCH_VARIABLE in theme.variables


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_theme_is_readable(path: Path) -> None:
    """Body text and matched characters must stand out on every background they appear on."""
    theme, _ = load_theme_file(path)
    assert theme is not None and theme.background and theme.foreground
    match = theme.variables[MATCH_VARIABLE]
    assert contrast(theme.foreground, theme.background) >= 4.5
    for ground in (theme.background, theme.surface, theme.variables["block-cursor-background"]):
        assert ground is not None
        assert contrast(match, ground) >= 3.0, ground


def test_shipped_set_has_default_and_light_theme() -> None:
    themes, problems = discover_themes()
    assert problems == []
    by_name = {theme.name: theme for theme in themes}
    assert len(by_name) >= 4
    assert DEFAULT_THEME in by_name and by_name[DEFAULT_THEME].dark
    assert any(not theme.dark for theme in themes)


def test_theme_files_document_the_schema() -> None:
    for path in SHIPPED:
        head = path.read_text(encoding="utf-8").split("\nname =")[0]
        for word in ("[colors]", "[variables]", "match", "primary", "dark"):
            assert word in head, (path.name, word)


# -- problems -----------------------------------------------------------------


def test_good_user_theme(tmp_path: Path) -> None:
    theme, problems = load_theme_file(write(tmp_path, GOOD))
    assert problems == []
    assert theme is not None and theme.name == "mine" and theme.primary == "#5fa8d3"
    assert theme.variables[MATCH_VARIABLE] == "#ffd866"
    assert match_color(theme) == "#ffd866"


def test_bad_colour_reports_its_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('background = "#101010"', 'background = "#10101"'))
    theme, problems = load_theme_file(path)
    assert theme is None
    assert len(problems) == 1
    assert position(problems[0], path) == (6, 14)
    assert "colors.background" in problems[0] and "#10101" in problems[0]


def test_bad_colour_in_dotted_and_inline_tables(tmp_path: Path) -> None:
    dotted = write(tmp_path, 'name = "d"\ncolors.primary = "blu"\n', "dotted.toml")
    theme, problems = load_theme_file(dotted)
    assert theme is None and position(problems[0], dotted) == (2, 18)
    assert "did you mean 'blue'" in problems[0]

    inline = write(tmp_path, 'name = "i"\n\ncolors = { primary = "nope" }\n', "inline.toml")
    theme, problems = load_theme_file(inline)
    assert theme is None and position(problems[0], inline) == (3, 22)


def test_bad_variable_is_an_error_because_css_would_crash(tmp_path: Path) -> None:
    text = GOOD + '"footer-key-foreground" = "purpleish"\n"block-cursor-text-style" = "shiny"\n'
    path = write(tmp_path, text.replace('"block-cursor-text-style" = "bold underline"\n', ""))
    theme, problems = load_theme_file(path)
    assert theme is None
    assert [position(p, path) for p in problems] == [(11, 27), (12, 29)]


def test_toml_syntax_error_reports_position(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "x"\n[colors]\nprimary = "#fff\n')
    theme, problems = load_theme_file(path)
    assert theme is None
    assert len(problems) == 1
    line, _col = position(problems[0], path)
    assert line == 3


def test_unknown_keys_suggest_and_are_ignored(tmp_path: Path) -> None:
    text = GOOD.replace("[colors]\n", '[colors]\nacent = "#ffaa00"\n')
    text = text.replace("dark = true", "drak = true")
    text += '"footer-key-forground" = "#ffffff"\n'
    path = write(tmp_path, text)
    theme, problems = load_theme_file(path)
    assert theme is not None  # typos are reported, not fatal
    assert len(problems) == 3
    by_line = {position(p, path)[0]: p for p in problems}
    assert "did you mean 'dark'?" in by_line[2]
    assert "did you mean 'accent'?" in by_line[5]
    assert "did you mean 'footer-key-foreground'?" in by_line[13]
    assert position(by_line[13], path)[1] == 1


def test_missing_primary_and_wrong_types(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = 3\ndark = "yes"\n[colors]\nbackground = "#000000"\n')
    theme, problems = load_theme_file(path)
    assert theme is None
    assert [position(p, path)[0] for p in problems] == [1, 2, 3]


def test_name_defaults_to_file_stem(tmp_path: Path) -> None:
    path = write(tmp_path, '[colors]\nprimary = "red"\n', "plain-red.toml")
    theme, problems = load_theme_file(path)
    assert problems == [] and theme is not None and theme.name == "plain-red"


# -- discovery ------------------------------------------------------------------


def test_user_theme_overrides_shipped_one(tmp_path: Path) -> None:
    user_dir = config_dir() / "themes"
    user_dir.mkdir(parents=True)
    (user_dir / "mine.toml").write_text(
        f'name = "{DEFAULT_THEME}"\n[colors]\nprimary = "#ff0000"\n', encoding="utf-8"
    )
    (user_dir / "broken.toml").write_text("name = \n", encoding="utf-8")
    themes, problems = discover_themes()
    names = [theme.name for theme in themes]
    assert names.count(DEFAULT_THEME) == 1
    assert next(t for t in themes if t.name == DEFAULT_THEME).primary == "#ff0000"
    assert len(problems) == 1 and "broken.toml:1:" in problems[0]
    assert "notesift-light" in names  # the rest of the shipped set is still there


def test_extra_dirs_come_last_and_missing_dirs_are_fine(tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    extra.mkdir()
    write(extra, 'name = "notesift-light"\ndark = false\n[colors]\nprimary = "#000080"\n')
    themes, problems = discover_themes([extra, tmp_path / "missing"])
    assert problems == []
    assert next(t for t in themes if t.name == "notesift-light").primary == "#000080"


# -- a real app -------------------------------------------------------------------


class MatchApp(App[None]):
    """Uses `$notesift-match` like notesift's CSS does, so every theme must supply it."""

    CSS = "#hit { color: $notesift-match; }"

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return theme_variable_defaults(self.current_theme)

    def compose(self) -> ComposeResult:
        yield Label("hit", id="hit")
        yield Footer()


@pytest.mark.asyncio
async def test_register_and_switch_themes_in_a_running_app() -> None:
    themes, problems = discover_themes()
    assert problems == []
    app = MatchApp()
    register_themes(app, themes)
    async with app.run_test() as pilot:
        for theme in themes:
            app.theme = theme.name
            await pilot.pause()
            assert app.theme == theme.name
            expected = Color.parse(theme.variables[MATCH_VARIABLE])
            assert app.query_one("#hit", Label).styles.color == expected
        app.theme = "nord"  # a Textual theme without notesift's variable still works
        await pilot.pause()
        assert app.query_one("#hit", Label).styles.color == Color.parse(
            app.current_theme.accent or ""
        )


def test_a_theme_file_changed_between_launches_is_read_again(tmp_path: Path) -> None:
    """The checked themes are kept between launches; an edit (or a new mistake) shows."""
    user_dir = config_dir() / "themes"
    user_dir.mkdir(parents=True)
    mine = user_dir / "mine.toml"
    mine.write_text('name = "mine"\n[colors]\nprimary = "#ff0000"\n', encoding="utf-8")
    for _ in range(2):  # the second launch reads what the first kept
        themes, problems = discover_themes()
        assert problems == []
        assert next(t for t in themes if t.name == "mine").primary == "#ff0000"
    mine.write_text('name = "mine"\n[colors]\nprimary = "#00aa00"\nbogus = 1\n', encoding="utf-8")
    for _ in range(2):
        themes, problems = discover_themes()
        assert next(t for t in themes if t.name == "mine").primary == "#00aa00"
        assert len(problems) == 1 and "mine.toml:4:" in problems[0] and "bogus" in problems[0]
