"""Where the shipped keymaps and themes are: inside the installed package, else the checkout.

The files live at the top of the repository (`keymaps/`, `themes/`) so people
find and edit them there; `pyproject.toml` maps those directories into the
wheel and the sdist as `tui/data/keymaps` and `tui/data/themes`. An installed
notesift (pip, pipx, `uv tool install`) therefore finds them through the
package; a checkout or an editable install has no `tui/data` and falls back to
the directories next to the package.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["shipped_keymaps_dir", "shipped_themes_dir", "theme_names"]


def _shipped(kind: str) -> Path:
    # The package's own folder (what `importlib.resources.files("tui")` gives for an
    # installed package, without loading zipfile and friends on every launch).
    package = Path(__file__).resolve().parent.parent
    packaged = package / "data" / kind
    if packaged.is_dir():
        return packaged
    return package.parent / kind


def shipped_keymaps_dir() -> Path:
    """The default keymap and the presets (`default.toml`, `vim.toml`, `emacs.toml`)."""
    return _shipped("keymaps")


def shipped_themes_dir() -> Path:
    """The shipped theme files (`notesift-dark.toml`, …)."""
    return _shipped("themes")


def theme_names() -> list[str]:
    """Names of the shipped and user theme files (file stems), shipped first.

    Cheap (no file is parsed), for shell completion; `notesift check` validates them.
    """
    from tui.core.config import config_dir

    names: list[str] = []
    for directory in (shipped_themes_dir(), config_dir() / "themes"):
        try:
            stems = sorted(p.stem for p in directory.glob("*.toml"))
        except OSError:
            continue
        names.extend(stem for stem in stems if stem not in names)
    return names
