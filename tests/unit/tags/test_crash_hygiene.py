"""A writer killed at any instant leaves every file old or new, and the next run tidies up."""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import random
import signal
import time
from pathlib import Path

import pytest

from tui.core import safe_write
from tui.core.ingest.note_parser import parse_note
from tui.core.safe_write import STALE_SECONDS, is_our_temp, sweep_stale_temps
from tui.core.search.searchable import SearchableIndex
from tui.core.state import save_state
from tui.core.tags.fm_tags import edit_tags
from tui.core.tags.tagstore import TagStore, dump_sidecar, parse_sidecar
from tui.keys_cli import run_check

FORK = multiprocessing.get_context("fork")
KILLS = 40


def _notes(root: Path) -> list[str]:
    names = []
    for k in range(3):
        (root / f"fm{k}.md").write_text(f"---\ntags: [base]\n---\n# F{k}\n\nbody\n", "utf-8")
        (root / f"plain{k}.md").write_text(f"# P{k}\n\nno front matter\n", "utf-8")
        names += [f"fm{k}.md", f"plain{k}.md"]
    return names


def _tag_all(root: str, names: list[str], tag: str, go: multiprocessing.Event) -> None:
    store = TagStore(Path(root))
    entries = [parse_note(n, (Path(root) / n).read_text("utf-8")).entries[0] for n in names]
    go.wait()
    for entry in entries:
        store.add(entry, tag)


def _temps(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if is_our_temp(p.name)]


def _age(paths: list[Path], seconds: float) -> None:
    past = time.time() - seconds
    for path in paths:
        os.utime(path, (past, past))


# 40 processes killed at random points (5 CPU-s): the full suite runs it; the deterministic
# crash tests below stay in the quick tier.
@pytest.mark.slow
def test_sigkill_at_random_points_leaves_old_or_new_and_the_next_run_cleans(
    tmp_path: Path,
) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    names = _notes(root)
    rng = random.Random(14)
    left_behind = 0
    for run in range(KILLS):
        tag = f"k{run}"
        before = {n: (root / n).read_bytes() for n in names}
        sidecar = root / ".notesift" / "tags.json"
        side_before = parse_sidecar(sidecar.read_bytes()) if sidecar.exists() else {}
        go = FORK.Event()
        proc = FORK.Process(target=_tag_all, args=(str(root), names, tag, go))
        proc.start()
        time.sleep(0.05)  # forked and ready
        go.set()
        time.sleep(rng.uniform(0, 0.03))
        os.kill(proc.pid, signal.SIGKILL)
        proc.join()
        for name in names:
            now = (root / name).read_bytes()
            if name.startswith("fm"):
                new = edit_tags(before[name].decode(), add=tag).encode()
                assert now in (before[name], new), (run, name)
            else:
                assert now == before[name]  # plain notes are never written
        side_now = parse_sidecar(sidecar.read_bytes()) if sidecar.exists() else {}
        for key, tags in side_now.items():
            assert set(side_before.get(key, [])) <= set(tags) <= {*side_before.get(key, []), tag}
        temps = _temps(root)
        left_behind += len(temps)
        _age(temps, STALE_SECONDS + 5)  # a minute later…
        index = SearchableIndex(root, use_cache=False, jobs=1)  # …the next run
        try:
            index.refresh()
        finally:
            index.close()
        assert _temps(root) == []
    assert (root / ".notesift" / "lock").exists()  # a name only: nobody is blocked by it
    assert TagStore(root).add(parse_note("fm0.md", (root / "fm0.md").read_text()).entries[0],
                              "after").ok


def test_only_our_stale_temps_are_removed(tmp_path: Path) -> None:
    (tmp_path / ".notesift").mkdir()
    (tmp_path / "a.md").write_text("a\n")
    old = [
        tmp_path / ".a.md.1f2e3d4c.notesift-tmp",
        tmp_path / ".notesift" / ".tags.json.00aa11bb.notesift-tmp",
        tmp_path / ".a.md.vx8srto6.tmp",  # notesift < 0.2 named them like this
    ]
    young = tmp_path / ".a.md.99999999.notesift-tmp"
    foreign = [
        tmp_path / ".other.tmp",
        tmp_path / ".missing.md.vx8srto6.tmp",  # no such note beside it
        tmp_path / "notes.notesift-tmp.md",
    ]
    for path in [*old, young, *foreign]:
        path.write_text("x")
    _age([*old, *foreign], STALE_SECONDS * 2)
    assert sweep_stale_temps(tmp_path) == []
    assert [p for p in old if p.exists()] == []
    assert young.exists() and all(p.exists() for p in foreign)


def test_a_temp_that_cannot_be_removed_is_reported_by_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.md").write_text("# A\n")
    stuck = tmp_path / ".a.md.1f2e3d4c.notesift-tmp"
    stuck.write_text("x")
    _age([stuck], STALE_SECONDS * 2)
    real_unlink = os.unlink

    def refuse(path: object, *args: object, **kwargs: object) -> None:
        if str(path) == str(stuck):
            raise PermissionError(1, "Operation not permitted")
        real_unlink(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(safe_write.os, "unlink", refuse)
    index = SearchableIndex(tmp_path, use_cache=False, jobs=1)
    try:
        index.refresh()
        found = [w for w in index.warnings if stuck.name in w]
    finally:
        index.close()
    assert len(found) == 1 and "could not be removed" in found[0]
    assert "Operation not permitted" in found[0]


def test_state_writes_use_our_temp_names_and_sweep_them(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    stale = tmp_path / ".state.json.0badf00d.notesift-tmp"
    stale.write_text("{")
    _age([stale], STALE_SECONDS * 2)
    assert save_state({"theme": "x"}, state)
    assert json.loads(state.read_text()) == {"theme": "x"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


def test_a_killed_sidecar_write_leaves_valid_json(tmp_path: Path) -> None:
    """The sidecar is either the old or the new document, never a prefix of one."""
    (tmp_path / ".notesift").mkdir()
    sidecar = tmp_path / ".notesift" / "tags.json"
    sidecar.write_bytes(dump_sidecar({"x.md": ["a"]}))
    (tmp_path / "x.md").write_text("# X\n")
    rng = random.Random(7)
    for run in range(15):
        go = FORK.Event()
        proc = FORK.Process(target=_tag_all, args=(str(tmp_path), ["x.md"], f"s{run}", go))
        proc.start()
        time.sleep(0.05)
        go.set()
        time.sleep(rng.uniform(0, 0.01))
        os.kill(proc.pid, signal.SIGKILL)
        proc.join()
        parse_sidecar(sidecar.read_bytes())


def test_check_removes_stale_temps_and_names_the_ones_it_cannot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.md").write_text("# A\n")
    (tmp_path / ".notesift").mkdir()
    gone = tmp_path / ".notesift" / ".tags.json.0000aaaa.notesift-tmp"
    stuck = tmp_path / ".a.md.1f2e3d4c.notesift-tmp"
    for path in (gone, stuck):
        path.write_text("x")
    _age([gone, stuck], STALE_SECONDS * 2)
    real_unlink = os.unlink

    def refuse(path: object, *args: object, **kwargs: object) -> None:
        if str(path) == str(stuck):
            raise PermissionError(1, "Operation not permitted")
        real_unlink(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(safe_write.os, "unlink", refuse)
    out = io.StringIO()
    assert run_check(["--dir", str(tmp_path)], out=out) == 0  # a warning, not an error
    lines = [line for line in out.getvalue().splitlines() if "could not be removed" in line]
    assert len(lines) == 1 and str(stuck) in lines[0]
    assert not gone.exists()


def test_a_run_that_skips_the_walk_still_removes_stale_temps(tmp_path: Path) -> None:
    """`notesift search`/`tag` re-sign without walking when no folder changed."""
    root = tmp_path / "notes"
    (root / ".notesift").mkdir(parents=True)
    (root / "a.md").write_text("# A\n")
    cache = tmp_path / "cache"
    index = SearchableIndex(root, cache_dir=cache, jobs=1)
    try:
        index.refresh()  # the walk state the next run's quick path relies on
    finally:
        index.close()
    stale = root / ".notesift" / ".tags.json.0000aaaa.notesift-tmp"
    stale.write_text("{")  # a tag write killed mid-way: only .notesift/ changed
    _age([stale], STALE_SECONDS * 2)
    index = SearchableIndex(root, cache_dir=cache, jobs=1)
    try:
        stats = index.quick_refresh()
    finally:
        index.close()
    assert stats.walked is False
    assert not stale.exists()
