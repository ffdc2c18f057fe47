"""A damaged cache is moved aside and rebuilt with one notice; commands never crash on it.

Also the one-shot start-up cost: `notesift search` loads no UI code and does not
walk an unchanged tree again.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from tui_helpers import notesift_command, user_env

from tui.core.index.store_schema import cache_path_for
from tui.core.search.searchable import SearchableIndex


def _notes(root: Path, count: int = 200) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (root / f"n{i:03d}.md").write_text(
            f"# Note {i}\n\nabout orchards and pruning {i}\n\n## Part\nmore words {i}\n",
            encoding="utf-8",
        )
    return root


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [notesift_command(), *args], capture_output=True, text=True, timeout=120,
        env=user_env(tmp_path),
    )


def _cache_file(tmp_path: Path, root: Path) -> Path:
    return cache_path_for(root.resolve(), tmp_path / "cache" / "notesift")


def _overwrite_pages(path: Path, share: float, seed: int = 7) -> None:
    """Random pages (never the first: the header stays intact) overwritten with noise."""
    page = 4096
    pages = path.stat().st_size // page
    rng = random.Random(seed)
    with path.open("r+b") as handle:
        for number in rng.sample(range(1, pages), max(1, int(pages * share))):
            handle.seek(number * page)
            handle.write(rng.randbytes(page))


@pytest.fixture
def env_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path


def test_random_pages_overwritten_one_notice_and_search_still_answers(env_dirs: Path) -> None:
    tmp_path = env_dirs
    root = _notes(tmp_path / "notes")
    first = _run(tmp_path, "search", "--dir", str(root), "--limit", "0", "orchards")
    assert first.returncode == 0 and first.stdout.count("\n") == 200
    cache = _cache_file(tmp_path, root)
    _overwrite_pages(cache, 0.25)
    damaged = _run(tmp_path, "search", "--dir", str(root), "--limit", "0", "orchards")
    assert "Traceback" not in damaged.stderr
    notices = [line for line in damaged.stderr.splitlines() if "damaged" in line]
    assert len(notices) == 1, damaged.stderr
    assert damaged.returncode == 0 and damaged.stdout.count("\n") == 200
    assert Path(f"{cache}.broken").exists()  # kept for a bug report, one copy
    again = _run(tmp_path, "search", "--dir", str(root), "--limit", "0", "orchards")
    assert "damaged" not in again.stderr and again.stdout.count("\n") == 200


@pytest.mark.parametrize("command", [["tags"], ["tag", "n001.md", "--add", "fruit"]])
def test_tag_commands_heal_the_cache_too(env_dirs: Path, command: list[str]) -> None:
    tmp_path = env_dirs
    root = _notes(tmp_path / "notes", 50)
    assert _run(tmp_path, "search", "--dir", str(root), "pruning").returncode == 0
    _overwrite_pages(_cache_file(tmp_path, root), 0.5, seed=3)
    result = _run(tmp_path, *command, "--dir", str(root))
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 1)
    assert sum("damaged" in line for line in result.stderr.splitlines()) <= 1


def _index(tmp_path: Path, root: Path) -> SearchableIndex:
    return SearchableIndex(root, cache_dir=tmp_path / "c", jobs=1)


def test_not_a_database_is_replaced_with_a_notice(tmp_path: Path) -> None:
    root = _notes(tmp_path / "notes", 5)
    cache = cache_path_for(root.resolve(), tmp_path / "c")
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"this is no database at all" * 400)
    index = _index(tmp_path, root)
    try:
        index.refresh()
        assert len(index.notices) == 1 and "damaged" in index.notices[0]
        assert len(index.search("orchards").hits) == 5
    finally:
        index.close()


def test_a_foreign_schema_is_replaced_when_first_read(tmp_path: Path) -> None:
    root = _notes(tmp_path / "notes", 5)
    index = _index(tmp_path, root)
    index.refresh()
    index.close()
    db = sqlite3.connect(cache_path_for(root.resolve(), tmp_path / "c"))
    db.execute("DROP TABLE sources")
    db.commit()
    db.close()
    index = _index(tmp_path, root)
    try:
        stats = index.refresh()
        assert stats.sources == 5
        assert len(index.notices) == 1
        assert len(index.search("orchards").hits) == 5
    finally:
        index.close()


def test_a_format_change_rebuilds_without_a_word(tmp_path: Path) -> None:
    root = _notes(tmp_path / "notes", 5)
    index = _index(tmp_path, root)
    index.refresh()
    index.close()
    db = sqlite3.connect(cache_path_for(root.resolve(), tmp_path / "c"))
    db.execute("UPDATE meta SET value='0' WHERE key='version'")
    db.commit()
    db.close()
    index = _index(tmp_path, root)
    try:
        stats = index.refresh()
        assert stats.parsed == 5
        assert index.notices == [] and index.warnings == []
    finally:
        index.close()


def test_damage_found_mid_session_heals_and_answers(tmp_path: Path) -> None:
    root = _notes(tmp_path / "notes")
    index = _index(tmp_path, root)
    index.refresh()
    path = index.cache_path
    assert path is not None
    index.close()
    index = _index(tmp_path, root)  # opened while intact, damaged under it
    try:
        _overwrite_pages(path, 0.3, seed=11)
        index.store._entries.clear()
        result = index.search("orchards", limit=0)
        assert len(result.hits) == 200
        assert len(index.notices) == 1
    finally:
        index.close()


# -- start-up cost ---------------------------------------------------------------------


def test_search_imports_no_ui_code(tmp_path: Path) -> None:
    root = _notes(tmp_path / "notes", 3)
    script = (
        "import sys\n"
        "from tui.cli import main\n"
        f"code = main(['search', '--dir', {str(root)!r}, '-q', 'orchards'])\n"
        "unneeded = ('textual', 'rich', 'watchdog', 'pyperclip', 'tui.app', 'tui.keys_cli', "
        "'tui.core.keys.keymap_file', 'tui.core.ingest.note_parser', "
        "'concurrent.futures.process', 'tui.core.index.parsing', 'tui.core.text.decoding', "
        "'tui.core.ingest.x_archive', 'logging', 'ctypes', 'tomllib')\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(unneeded))\n"
        "print('LOADED', loaded, code)\n"
    )
    env = user_env(tmp_path)
    first = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           timeout=120, env=env)
    assert "LOADED" in first.stdout and "'textual" not in first.stdout, first.stderr
    # Warm (nothing changed): not even the parsers, decoders or a TOML reader are loaded.
    warm = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, env=env)
    assert "LOADED [] 0" in warm.stdout, warm.stdout + warm.stderr


def test_an_unchanged_tree_is_not_walked_again(tmp_path: Path) -> None:
    root = _notes(tmp_path / "notes", 5)
    (root / "sub").mkdir()
    (root / "sub" / "deep.md").write_text("# Deep\n\nbelow\n", encoding="utf-8")
    index = _index(tmp_path, root)
    assert index.quick_refresh().walked  # a first run walks
    index.close()
    index = _index(tmp_path, root)
    try:
        stats = index.quick_refresh()
        assert (stats.walked, stats.sources, stats.parsed) == (False, 6, 0)
        # An edit in place changes no folder, yet re-signing the stored notes sees it.
        note = root / "n001.md"
        note.write_text("# Note one\n\nnow about quinces\n", encoding="utf-8")
        os.utime(note, ns=(1, 2_000_000_000_000_000_000))
        stats = index.quick_refresh()
        assert (stats.walked, stats.parsed) == (False, 1)
        assert [h.entry.path for h in index.search("quinces").hits] == ["n001.md"]
        # A new note deep in a folder changes that folder: the tree is walked.
        (root / "sub" / "new.md").write_text("# New\n\nmedlars\n", encoding="utf-8")
        stats = index.quick_refresh()
        assert stats.walked and stats.parsed == 1
        assert [h.entry.path for h in index.search("medlars").hits] == ["sub/new.md"]
        (root / "sub" / "new.md").unlink()
        assert index.quick_refresh().removed == 1
        assert index.search("medlars").hits == []
    finally:
        index.close()


def test_an_edited_ignore_file_walks_again(tmp_path: Path) -> None:
    root = _notes(tmp_path / "notes", 5)
    index = _index(tmp_path, root)
    try:
        index.quick_refresh()
        ignore = root / ".notesiftignore"
        ignore.write_text("n00*.md\n", encoding="utf-8")
        stats = index.quick_refresh()
        assert stats.walked and stats.sources == 0
    finally:
        index.close()


def test_a_nested_gitignore_edited_in_place_walks_again(tmp_path: Path) -> None:
    """An in-place edit changes no folder mtime; the recorded ignore files catch it."""
    root = _notes(tmp_path / "notes", 2)
    (root / "sub").mkdir()
    (root / "sub" / "deep.md").write_text("# Deep\n\nquinces\n", encoding="utf-8")
    gitignore = root / "sub" / ".gitignore"
    gitignore.write_text("nothing.md\n", encoding="utf-8")
    index = _index(tmp_path, root)
    try:
        assert index.quick_refresh().sources == 3
        assert index.quick_refresh().walked is False
        before = (root / "sub").stat()
        gitignore.write_text("deep.md\n", encoding="utf-8")
        os.utime(root / "sub", ns=(before.st_atime_ns, before.st_mtime_ns))
        stats = index.quick_refresh()
        assert stats.walked and stats.sources == 2
        assert index.search("quinces").hits == []
    finally:
        index.close()


def test_an_edited_git_exclude_walks_again(tmp_path: Path) -> None:
    root = _notes(tmp_path / "notes", 3)
    exclude = root / ".git" / "info" / "exclude"
    exclude.parent.mkdir(parents=True)
    exclude.write_text("# nothing yet\n", encoding="utf-8")
    index = _index(tmp_path, root)
    try:
        assert index.quick_refresh().sources == 3
        exclude.write_text("n000.md\n", encoding="utf-8")
        stats = index.quick_refresh()
        assert stats.walked and stats.sources == 2
    finally:
        index.close()


def test_rescan_flag_walks_the_tree(tmp_path: Path) -> None:
    """A note slipped in with its folder's mtime put back (a restore tool, a sync
    client) escapes the quick check; `--rescan` walks and finds it."""
    root = _notes(tmp_path / "notes", 5)
    assert _run(tmp_path, "search", "--dir", str(root), "orchards").returncode == 0
    before = root.stat()
    (root / "slipped.md").write_text("# Slipped\n\nloquats\n", encoding="utf-8")
    os.utime(root, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert _run(tmp_path, "search", "--dir", str(root), "loquats").returncode == 1
    found = _run(tmp_path, "search", "--dir", str(root), "--rescan", "loquats")
    assert found.returncode == 0 and "slipped.md" in found.stdout
