"""Colour themes from TOML files: the shipped ones in `<repo>/themes/` plus the user's own.

A theme file is checked completely before Textual sees it, because a bad colour or
variable only surfaces later as a stylesheet crash. Every problem becomes a
`file:line:col: message`; a file with errors is skipped, unknown keys are only reported.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from textual.app import App
from textual.color import Color, ColorParseError
from textual.css.constants import VALID_STYLE_FLAGS
from textual.design import ColorSystem
from textual.theme import Theme

from tui.core.config import config_dir, read_toml
from tui.core.resources import shipped_themes_dir
from tui.core.text.suggest import closest
from tui.core.text.table_cache import cached_table
from tui.core.text.toml_position import TomlLocator

DEFAULT_THEME = "notesift-dark"
MATCH_VARIABLE = "notesift-match"
# Theme variables notesift's own CSS may reference; anything else unknown is a likely typo.
NOTESIFT_VARIABLES: tuple[str, ...] = (MATCH_VARIABLE,)
# The shipped theme files: inside the installed package, else the checkout's themes/.
SHIPPED_THEMES_DIR = shipped_themes_dir()

TOP_KEYS = ("name", "dark", "colors", "variables")
COLOR_KEYS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
    "warning",
    "error",
    "success",
)
_OPACITY = re.compile(r"^(?P<color>.+?)\s+(?P<percent>\d+(?:\.\d+)?)%$")
_known_variables: frozenset[str] | None = None


def _textual_variables() -> frozenset[str]:
    """Every variable Textual's colour system defines, plus notesift's (computed once)."""
    global _known_variables
    if _known_variables is None:
        generated = ColorSystem(primary="#000000").generate()
        _known_variables = frozenset(generated) | frozenset(NOTESIFT_VARIABLES)
    return _known_variables


def _position(locator: TomlLocator, path: Sequence[str], raw: object, *, value: bool) -> int:
    """Where to point a problem: the key's line, else the value's text, else the file's start."""
    found = locator.key_path(path, value=value)
    if found is None and isinstance(raw, str):
        found = locator.first_of((f'"{raw}"', f"'{raw}'", path[-1]))
    return found or 0


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`; did you mean 'x'?` for a near miss (after a parenthesis), else nothing."""
    match = closest(word, choices)
    return f"; did you mean {match!r}?" if match is not None else ""


def _colour_problem(value: object, *, allow_opacity: bool) -> str | None:
    """Why `value` is not a usable colour, or None when it is."""
    if not isinstance(value, str):
        return f"must be a colour string, not {type(value).__name__}"
    text = value.strip()
    if allow_opacity and (match := _OPACITY.match(text)):
        text = match.group("color")
        if float(match.group("percent")) > 100:
            return f"{value!r}: opacity above 100%"
    try:
        Color.parse(text)
    except ColorParseError as exc:
        hint = f"; did you mean {exc.suggested_color!r}?" if exc.suggested_color else ""
        return f"{value!r} is not a colour (try '#rrggbb'){hint}"
    return None


def _variable_problem(name: str, value: object) -> str | None:
    """Textual variables are pasted into CSS, so each must be a valid colour or text style."""
    if "style" in name.split("-"):
        if not isinstance(value, str):
            return f"must be a text style string, not {type(value).__name__}"
        bad = [word for word in value.split() if word not in VALID_STYLE_FLAGS]
        if bad or not value.split():
            return (
                f"{value!r} is not a text style "
                f"(use: {', '.join(sorted(VALID_STYLE_FLAGS - {'b', 'i', 'o', 'u', 'uu'}))})"
            )
        return None
    return _colour_problem(value, allow_opacity=True)


def load_theme_file(path: Path) -> tuple[Theme | None, list[str]]:
    """Build a Theme from one file; None when it has errors (warnings may accompany a Theme)."""
    spec, problems = _theme_spec(path)
    return (Theme(**spec) if spec is not None else None), problems


def _theme_spec(path: Path) -> tuple[dict[str, Any] | None, list[str]]:
    """One file checked completely: the Theme's arguments (None on errors), the problems."""
    table, problems = read_toml(path)
    if problems:
        return None, problems
    if not table and not path.exists():
        return None, [f"{path}:1:1: no such theme file"]
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):  # pragma: no cover - read_toml just read it
        text = ""
    locator = TomlLocator(path, text)
    errors: list[tuple[int, int, str]] = []
    warnings: list[tuple[int, int, str]] = []

    def report(
        into: list[tuple[int, int, str]],
        key_path: Sequence[str],
        raw: object,
        message: str,
        *,
        value: bool,
    ) -> None:
        line, col = locator.line_col(_position(locator, key_path, raw, value=value))
        into.append((line, col, f"{path}:{line}:{col}: {message}"))

    def in_file_order(*groups: list[tuple[int, int, str]]) -> list[str]:
        return [message for *_, message in sorted(item for group in groups for item in group)]

    for key in table:
        if key not in TOP_KEYS:
            report(
                warnings,
                [key],
                key,
                f"unknown key {key!r} (ignored){_did_you_mean(key, TOP_KEYS)}",
                value=False,
            )

    name: Any = table.get("name", path.stem)
    if not isinstance(name, str) or not name.strip() or "," in name:
        report(errors, ["name"], name, "name must be a non-empty string without commas", value=True)
        name = path.stem
    dark: Any = table.get("dark", True)
    if not isinstance(dark, bool):
        report(errors, ["dark"], dark, "dark must be true or false", value=True)
        dark = True

    colors: Any = table.get("colors")
    fields: dict[str, str] = {}
    variables: dict[str, str] = {}
    if not isinstance(colors, dict):
        where = "colors" if "colors" in table else "name"
        report(
            errors,
            [where],
            None,
            "a [colors] table with at least `primary` is required",
            value=False,
        )
        colors = {}
    elif "primary" not in colors:
        report(errors, ["colors"], None, "[colors] needs a `primary` colour", value=False)
    for key, raw in colors.items():
        if key not in (*COLOR_KEYS, "match"):
            hint = _did_you_mean(key, (*COLOR_KEYS, "match"))
            report(
                warnings,
                ["colors", key],
                key,
                f"unknown colour {key!r} (ignored){hint}",
                value=False,
            )
        elif problem := _colour_problem(raw, allow_opacity=False):
            report(errors, ["colors", key], raw, f"colors.{key}: {problem}", value=True)
        elif key == "match":
            variables[MATCH_VARIABLE] = raw.strip()
        else:
            fields[key] = raw.strip()

    extra: Any = table.get("variables", {})
    if not isinstance(extra, dict):
        report(errors, ["variables"], None, "[variables] must be a table", value=False)
        extra = {}
    known = _textual_variables()
    for key, raw in extra.items():
        if key not in known:
            hint = _did_you_mean(key, known)
            report(
                warnings,
                ["variables", key],
                key,
                f"unknown variable {key!r} (ignored){hint}",
                value=False,
            )
        elif problem := _variable_problem(key, raw):
            report(errors, ["variables", key], raw, f"variables.{key}: {problem}", value=True)
        else:
            variables[key] = raw.strip()

    if errors:
        return None, in_file_order(errors, warnings)
    spec: dict[str, Any] = {"name": name.strip(), "dark": dark, "variables": variables, **fields}
    try:
        Theme(**spec).to_color_system().generate()
    except Exception as exc:  # Textual must never see a theme it cannot build
        return None, [f"{path}:1:1: theme cannot be built: {exc}", *in_file_order(warnings)]
    return spec, in_file_order(warnings)


def discover_themes(extra_dirs: Sequence[Path] = ()) -> tuple[list[Theme], list[str]]:
    """Shipped themes, then `config_dir()/themes`, then `extra_dirs`; a later name wins.

    The files' checked contents are kept between launches (`table_cache`, under each
    file's identity, this module's and Textual's colour system's): checking five files costs
    ~10 ms of every start, reading them back a fraction of one.
    """
    problems: list[str] = []
    files: list[Path] = []
    for directory in (SHIPPED_THEMES_DIR, config_dir() / "themes", *extra_dirs):
        try:
            files.extend(sorted(p for p in directory.glob("*.toml") if p.is_file()))
        except OSError as exc:
            problems.append(f"{directory}:1:1: cannot list themes ({exc.strerror or exc})")
    # Textual's colour system decides what is valid: its file's identity is in the key.
    textual_design = Path(sys.modules[ColorSystem.__module__].__file__ or "")
    checked = cached_table("themes", [*files, Path(__file__), textual_design],
                           lambda: [_theme_spec(file) for file in files])
    found: dict[str, Theme] = {}
    for spec, file_problems in checked:
        problems.extend(file_problems)
        if spec is not None:
            found[spec["name"]] = Theme(**spec)
    return list(found.values()), problems


def register_themes(app: App[Any], themes: Iterable[Theme]) -> None:
    """Make the themes selectable with `app.theme = name` (same name replaces)."""
    for theme in themes:
        app.register_theme(theme)


def match_color(theme: Theme) -> str:
    """The colour for matched characters: the theme's `match`, else its accent, else primary."""
    return theme.variables.get(MATCH_VARIABLE) or theme.accent or theme.primary


def theme_variable_defaults(theme: Theme) -> dict[str, str]:
    """Fallbacks for notesift's variables so CSS using `$notesift-match` works with any theme.

    Use from `App.get_theme_variable_defaults` as `theme_variable_defaults(self.current_theme)`.
    """
    return {MATCH_VARIABLE: match_color(theme)}
