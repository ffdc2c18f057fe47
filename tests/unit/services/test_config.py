"""Config problems name file, line and column; the app still gets defaults."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tui.core.config import load_config, notes_folder_or_say_why, resolve_notes_dir


def test_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('theme = "notesift-dark"\nwatch = tru\n', encoding="utf-8")
    config, problems = load_config(cfg)
    assert problems and problems[0].startswith(f"{cfg}:2:")
    assert config.watch is True, "the broken line's setting: its default"
    assert config.theme == "notesift-dark", "a line that reads on its own is kept"


def test_unknown_and_mistyped_settings_point_at_their_lines(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('notes_dir = "~/notes"\n\n  thme = "x"\nwatch = "yes"\n', encoding="utf-8")
    config, problems = load_config(cfg)
    assert f"{cfg}:3:3: unknown setting 'thme' (did you mean 'theme'?)" in problems
    assert f"{cfg}:4:1: watch must be true or false" in problems
    assert config.notes_dir == "~/notes"


def test_missing_config_is_fine(tmp_path: Path) -> None:
    config, problems = load_config(tmp_path / "absent.toml")
    assert problems == [] and config.watch


def test_notes_dir_resolution_order(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'notes_dir = "{tmp_path / "from-config"}"\n', encoding="utf-8")
    config, _ = load_config(cfg)
    assert resolve_notes_dir(None, config) == tmp_path / "from-config"
    monkeypatch.setenv("NOTESIFT_DIR", str(tmp_path / "from-env"))
    assert resolve_notes_dir(None, config) == tmp_path / "from-env"
    assert resolve_notes_dir(str(tmp_path / "arg"), config) == tmp_path / "arg"


def test_run_in_a_subfolder_of_a_tagged_notes_folder_it_uses_that_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As git finds `.git` (TRY3 #8): `notesift tag` in `notes/tmux/` wrote a second
    `.notesift/tags.json` there, whose tags `notes/` never showed."""
    monkeypatch.delenv("NOTESIFT_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    notes = tmp_path / "home" / "notes"
    deep = notes / "tmux" / "sessions"
    deep.mkdir(parents=True)
    config, _ = load_config(tmp_path / "absent.toml")
    monkeypatch.chdir(deep)
    assert resolve_notes_dir(None, config) == Path("."), "no tags anywhere: the cwd"
    (notes / ".notesift").mkdir()
    (notes / ".notesift" / "tags.json").write_text("{}", encoding="utf-8")
    assert resolve_notes_dir(None, config) == notes
    assert resolve_notes_dir(str(deep), config) == deep, "a folder named is that folder"
    monkeypatch.chdir(notes)
    assert resolve_notes_dir(None, config) == Path(".")
    (tmp_path / "home" / ".notesift").mkdir()
    (tmp_path / "home" / ".notesift" / "tags.json").write_text("{}", encoding="utf-8")
    elsewhere = tmp_path / "home" / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert resolve_notes_dir(None, config) == Path("."), "home's own tags capture nothing"


def test_the_climb_stops_at_a_folder_others_can_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Anyone can plant `/tmp/.notesift/tags.json` (REVIEW3 #7): a shared folder is
    not climbed past, so it never becomes the notes folder of everything below it."""
    monkeypatch.delenv("NOTESIFT_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    shared = tmp_path / "shared"
    (shared / ".notesift").mkdir(parents=True)
    (shared / ".notesift" / "tags.json").write_text("{}", encoding="utf-8")
    mine = shared / "me" / "notes"
    mine.mkdir(parents=True)
    config, _ = load_config(tmp_path / "absent.toml")
    monkeypatch.chdir(mine)
    assert resolve_notes_dir(None, config) == shared, "a private tree: the tags above count"
    shared.chmod(0o1777)
    try:
        assert resolve_notes_dir(None, config) == Path(".")
    finally:
        shared.chmod(0o755)


def test_respect_gitignore_defaults_on_and_can_be_turned_off(tmp_path: Path) -> None:
    assert load_config(tmp_path / "absent.toml")[0].respect_gitignore is True
    cfg = tmp_path / "config.toml"
    cfg.write_text("respect_gitignore = false\n", encoding="utf-8")
    config, problems = load_config(cfg)
    assert problems == [] and config.respect_gitignore is False
    cfg.write_text('watch = true\nrespect_gitignore = "no"\n', encoding="utf-8")
    config, problems = load_config(cfg)
    assert problems == [f"{cfg}:2:1: respect_gitignore must be true or false"]
    assert config.respect_gitignore is True


def test_an_index_with_respect_gitignore_off_lists_gitignored_notes(tmp_path: Path) -> None:
    from tui.core.search.searchable import SearchableIndex

    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "out.md").write_text("# Built page\n", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("build/\n", encoding="utf-8")
    on = SearchableIndex(tmp_path, use_cache=False)
    on.refresh()
    off = SearchableIndex(tmp_path, use_cache=False, respect_gitignore=False)
    off.refresh()
    assert on.engine.search("built page").hits == []
    assert [h.entry.path for h in off.engine.search("built page").hits] == ["build/out.md"]


def test_an_unknown_table_points_at_its_header(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('theme = "x"\n\n[colours]\nprimary = "red"\n', encoding="utf-8")
    _, problems = load_config(cfg)
    assert [p.split(": ")[0] for p in problems] == [f"{cfg}:3:1"]


def test_a_syntax_error_keeps_the_settings_on_the_lines_that_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A typo must not throw the notes folder away (notesift indexed the cwd instead)."""
    path = tmp_path / "config.toml"
    path.write_text('notes_dir = "~/notes"\ntheme = "gruvbox-night"\nwatch = tru\n',
                    encoding="utf-8")
    config, problems = load_config(path)
    assert config.notes_dir == "~/notes" and config.theme == "gruvbox-night"
    assert config.watch is True  # the broken line: its default
    assert len(problems) == 1 and problems[0].startswith(f"{path}:3:")
    monkeypatch.delenv("NOTESIFT_DIR", raising=False)
    assert resolve_notes_dir(None, config) == Path("~/notes").expanduser()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_folder_found_above_is_named_to_a_person_not_to_a_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NOTESIFT_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    notes = tmp_path / "home" / "notes"
    deep = notes / "tmux"
    deep.mkdir(parents=True)
    (notes / ".notesift").mkdir()
    (notes / ".notesift" / "tags.json").write_text("{}", encoding="utf-8")
    monkeypatch.chdir(deep)
    terminal, pipe = _Terminal(), io.StringIO()
    folder = notes_folder_or_say_why(None, terminal)
    assert folder is not None and folder.root == notes
    assert terminal.getvalue() == (
        f"notesift: notes folder: {notes} (it holds .notesift/tags.json; "
        "the current folder is inside it)\n")
    assert notes_folder_or_say_why(None, pipe) is not None and pipe.getvalue() == ""
    monkeypatch.chdir(notes)
    quiet = _Terminal()
    assert notes_folder_or_say_why(None, quiet) is not None and quiet.getvalue() == ""
