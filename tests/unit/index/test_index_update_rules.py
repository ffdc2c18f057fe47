"""Per-file updates (what the watcher drives) must agree with a full refresh.

A user who ignores `drafts/` in `.notesiftignore`, keeps an `.obsidian/` folder or
symlinks a file from elsewhere must never see those notes appear just because they
were saved while notesift was running; and a file hard-linked under two names must
show its new text under both. After any sequence of changes and `update_path`
calls the index holds exactly what a fresh index of the same folder holds.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from tui.core.search.searchable import SearchableIndex

WORD = "zanzibar"
CONFIG_GLOBS = ("private",)
IGNORE_TEXT = "# notes I do not want to search\ndrafts/\nscratch-*.md\n/attic/old\n"
_clock = [1_700_000_000 * 10**9]


def _write(path: Path, text: str) -> None:
    """Write `text` and give the file a fresh mtime (as a real save would)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    _clock[0] += 10**6
    os.utime(path, ns=(_clock[0], _clock[0]))


def _snapshot(index: SearchableIndex) -> list[tuple[str, str, str]]:
    return sorted((e.id, e.path, e.text) for e in index.entries)


def _paths_with(index: SearchableIndex, word: str) -> set[str]:
    return {hit.entry.path for hit in index.engine.search(word).hits}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    notes = tmp_path / "notes"
    _write(notes / "a.md", "# Alpha\n\nplain note\n")
    _write(notes / "sub" / "b.md", "# Beta\n\nnested note\n")
    _write(notes / ".notesiftignore", IGNORE_TEXT)
    return notes


@pytest.fixture
def make_index(
    root: Path, index_factory: Callable[..., SearchableIndex]
) -> Callable[[], SearchableIndex]:
    return lambda: index_factory(root, ignore_globs=CONFIG_GLOBS)


def _assert_matches_fresh(
    index: SearchableIndex, make_index: Callable[[], SearchableIndex]
) -> None:
    assert _snapshot(index) == _snapshot(make_index()), "updates drifted from a full refresh"


def _symlink(link: Path, target: Path) -> None:
    try:
        link.symlink_to(target)
    except (OSError, NotImplementedError) as exc:
        pytest.skip(f"symlinks unsupported: {exc}")


# -- what the walk skips, an update must skip ------------------------------------------

SKIPPED = {
    "ignored folder": "drafts/idea.md",
    "ignored folder, deeper": "drafts/2024/05/idea.md",
    "ignored file glob": "scratch-1.md",
    "anchored ignore rule": "attic/old/idea.md",
    "config ignore glob": "private/diary.md",
    "hidden folder": ".obsidian/workspace.md",
    "nested hidden folder": "sub/.trash/gone.md",
    "not a note extension": "sub/data.json",
    "editor backup file": "sub/b.md~",
}


@pytest.mark.parametrize("existed", [False, True], ids=["created", "modified"])
@pytest.mark.parametrize("rel", SKIPPED.values(), ids=SKIPPED.keys())
def test_update_path_never_indexes_what_the_walk_skips(
    root: Path, make_index: Callable[[], SearchableIndex], rel: str, existed: bool
) -> None:
    path = root / rel
    if existed:
        _write(path, "# Before\n\nold words\n")
    index = make_index()
    _write(path, f"# Sneaky\n\n{WORD} should stay unsearchable\n")
    assert index.update_path(path) is False
    assert _paths_with(index, WORD) == set(), f"{rel} must stay out of the results"
    _assert_matches_fresh(index, make_index)


def test_a_symlink_leading_out_of_the_root_is_not_indexed_by_an_update(
    root: Path, tmp_path: Path, make_index: Callable[[], SearchableIndex]
) -> None:
    secret = tmp_path / "elsewhere" / "secret.md"
    _write(secret, f"# Secret\n\n{WORD} outside the notes folder\n")
    index = make_index()
    _symlink(root / "linked.md", secret)
    index.update_path(root / "linked.md")
    assert _paths_with(index, WORD) == set(), "nothing outside the notes root may be read"
    _assert_matches_fresh(index, make_index)


def test_notes_inside_a_new_tweet_archive_are_left_to_the_archive(
    root: Path, make_index: Callable[[], SearchableIndex]
) -> None:
    index = make_index()
    _write(root / "export" / "data" / "tweets.js", "window.YTD.tweets.part0 = []\n")
    readme = root / "export" / "assets" / "docs" / "readme.md"
    _write(readme, f"# Readme\n\n{WORD} in the archive's own files\n")
    index.update_path(readme)
    assert _paths_with(index, WORD) == set(), "the walk never descends into an archive"


def test_a_note_that_becomes_ignored_disappears_after_the_ignore_file_update(
    root: Path, make_index: Callable[[], SearchableIndex]
) -> None:
    _write(root / "journal" / "day.md", f"# Day\n\n{WORD} in the journal\n")
    index = make_index()
    assert _paths_with(index, WORD) == {"journal/day.md"}
    ignore = root / ".notesiftignore"
    _write(ignore, IGNORE_TEXT + "journal/\n")
    assert index.update_path(ignore) is True
    assert _paths_with(index, WORD) == set()
    _assert_matches_fresh(index, make_index)
    # Saving the now-ignored note must not bring it back.
    _write(root / "journal" / "day.md", f"# Day\n\n{WORD} edited again\n")
    index.update_path(root / "journal" / "day.md")
    assert _paths_with(index, WORD) == set()
    # Un-ignoring it shows it again, as a restart would.
    _write(ignore, IGNORE_TEXT)
    assert index.update_path(ignore) is True
    assert _paths_with(index, WORD) == {"journal/day.md"}
    _assert_matches_fresh(index, make_index)


def test_a_note_that_becomes_ignored_disappears_on_the_next_refresh(
    root: Path, make_index: Callable[[], SearchableIndex]
) -> None:
    _write(root / "journal" / "day.md", f"# Day\n\n{WORD} in the journal\n")
    index = make_index()
    _write(root / ".notesiftignore", IGNORE_TEXT + "journal/\n")
    index.refresh()
    assert _paths_with(index, WORD) == set()
    _assert_matches_fresh(index, make_index)


# Paths a random sequence writes to or deletes; most are interesting to the rules.
POOL = [
    "a.md", "sub/b.md", "sub/c.md", "new.md", "drafts/x.md", "drafts/deep/y.md",
    "scratch-2.md", "attic/old/z.md", "attic/keep.md", "private/p.md", ".obsidian/o.md",
    "sub/.hidden/h.md", "sub/d.txt", "sub/e.json", "sub/c.md.swp", "journal/day.md",
]
RULE_SETS = [IGNORE_TEXT, IGNORE_TEXT + "journal/\n", "sub/\n", ""]


@pytest.mark.parametrize("seed", range(6))
def test_any_sequence_of_updates_matches_a_fresh_index(
    root: Path, make_index: Callable[[], SearchableIndex], seed: int
) -> None:
    rng = random.Random(seed)
    index = make_index()
    for step in range(30):
        roll = rng.random()
        if roll < 0.15:
            path = root / ".notesiftignore"
            _write(path, rng.choice(RULE_SETS))
        else:
            path = root / rng.choice(POOL)
            if roll < 0.35 and path.exists():
                path.unlink()
            else:
                _write(path, f"# Step {step}\n\nword{step} {'x' * rng.randrange(5)}\n")
        index.update_path(path)
        assert _snapshot(index) == _snapshot(make_index()), f"seed {seed}, step {step}: {path}"


# -- hard links ---------------------------------------------------------------------------


def _link(existing: Path, new: Path) -> None:
    new.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(existing, new)
    except (OSError, NotImplementedError) as exc:
        pytest.skip(f"hard links unsupported: {exc}")


def _edit_in_place(path: Path, text: str) -> None:
    """Rewrite the same inode (truncate and write), as many editors and `>` do."""
    inode = path.stat().st_ino
    _write(path, text)
    assert path.stat().st_ino == inode


@pytest.mark.parametrize("edited", ["a.md", "sub/linked.md"])
def test_editing_one_hard_link_updates_every_indexed_name(
    root: Path, make_index: Callable[[], SearchableIndex], edited: str
) -> None:
    _link(root / "a.md", root / "sub" / "linked.md")
    index = make_index()
    assert _paths_with(index, "plain") == {"a.md", "sub/linked.md"}
    _edit_in_place(root / edited, "# Alpha\n\nnewword arrived\n")
    assert index.update_path(root / edited) is True
    assert _paths_with(index, "newword") == {"a.md", "sub/linked.md"}
    assert _paths_with(index, "plain") == set(), "no stale text may remain under either name"
    _assert_matches_fresh(index, make_index)


def test_hard_links_in_ignored_places_stay_out(
    root: Path, make_index: Callable[[], SearchableIndex]
) -> None:
    _link(root / "a.md", root / "drafts" / "a-copy.md")
    _link(root / "a.md", root / "sub" / "third.md")
    index = make_index()
    _edit_in_place(root / "a.md", "# Alpha\n\nnewword arrived\n")
    index.update_path(root / "a.md")
    assert _paths_with(index, "newword") == {"a.md", "sub/third.md"}
    _assert_matches_fresh(index, make_index)


def test_a_save_that_replaces_the_file_breaks_the_link_and_both_stay_right(
    root: Path, make_index: Callable[[], SearchableIndex]
) -> None:
    _link(root / "a.md", root / "sub" / "linked.md")
    index = make_index()
    fresh = root / "a.md.tmp"
    _write(fresh, "# Alpha\n\nnewword only here\n")
    os.replace(fresh, root / "a.md")  # write-temp-then-rename: a new inode for a.md only
    index.update_path(root / "a.md")
    assert _paths_with(index, "newword") == {"a.md"}
    assert _paths_with(index, "plain") == {"sub/linked.md"}
    _assert_matches_fresh(index, make_index)
