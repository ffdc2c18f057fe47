"""Two TUIs and a `notesift tag` on one folder and one cache end up listing the same,
each entry once, as a fresh index of the disk would (each app in its own process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tui_helpers import notesift_command, user_env

from tui.core.search.searchable import SearchableIndex

pytestmark = pytest.mark.slow
DRIVER = Path(__file__).parents[1] / "shared_app_driver.py"
WAIT_S = 60.0


def _report(path: Path) -> dict[str, object] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    except (OSError, ValueError):
        return None


def _wait(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.1)


def test_two_apps_and_a_cli_tag_end_identical_without_duplicates(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    for i in range(40):
        (root / f"n{i:02d}.md").write_text(f"# Note {i}\n\nwords {i}\n", encoding="utf-8")
    env = {**os.environ, **user_env(tmp_path)}
    stop = tmp_path / "stop"
    reports = [tmp_path / "one.json", tmp_path / "two.json"]
    apps = [subprocess.Popen([sys.executable, str(DRIVER), str(root), str(r), str(stop)],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            for r in reports]
    try:
        _wait(lambda: all((_report(r) or {}).get("indexed") for r in reports), "both indexed")
        for i in range(12):  # a burst of new notes, seen by both watchers at once
            (root / f"burst{i:02d}.md").write_text(f"# Burst {i}\n\nnew {i}\n", encoding="utf-8")
        (root / "n00.md").unlink()
        found = subprocess.run([notesift_command(), "search", "--dir", str(root), "--json",
                                "Note 7"], env=env, capture_output=True, text=True, timeout=120)
        target = json.loads(found.stdout.splitlines()[0])["id"]
        tagged = subprocess.run([notesift_command(), "tag", "--dir", str(root), target,
                                 "--add", "fruit"], env=env, capture_output=True, text=True,
                                timeout=120)
        assert tagged.returncode == 0, tagged.stderr
        fresh = SearchableIndex(root, use_cache=False, jobs=1)
        fresh.refresh()
        expected = sorted(e.id for e in fresh.entries)
        fresh.close()

        def settled(report: Path) -> bool:
            state = _report(report) or {}
            return (sorted(state.get("listed", [])) == expected  # type: ignore[arg-type]
                    and state.get("tags") == {"fruit": 1}
                    and state.get("total") == len(expected))

        _wait(lambda: all(settled(r) for r in reports), "both apps equal to a fresh index")
        listing = subprocess.run([notesift_command(), "search", "--dir", str(root), "--json",
                                  "--limit", "0", "kind:note"], env=env, capture_output=True,
                                 text=True, timeout=120)
        ids = [json.loads(line)["id"] for line in listing.stdout.splitlines()]
        assert sorted(ids) == expected  # each once
    finally:
        stop.touch()
        for app in apps:
            try:
                app.wait(30)
            except subprocess.TimeoutExpired:
                app.kill()
