"""The TUI on a tree of bad input: it starts, stays responsive and says what it skipped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tui_helpers import app_settings, ready, settle, type_text

from tui.app import make_app

pytestmark = pytest.mark.asyncio


def _bad_tree(root: Path) -> int:
    """Write a zoo of bad input beside one good note; the number of files to skip."""
    root.mkdir()
    (root / "good.md").write_text("# Good note\n\nthe wombat lives here\n", encoding="utf-8")
    (root / "binary.md").write_bytes(b"\x00\x01\x02PNG" * 100)
    (root / "invalid.md").write_bytes(b"# Broken \xff\xfe bytes\n\nwombat again\n")
    (root / "one-line.txt").write_text("wombat " + "x" * 5_000_000 + "\n", encoding="utf-8")
    (root / "only-front.md").write_text("---\ntitle: Only front matter\n---\n", encoding="utf-8")
    (root / "bad-yaml.md").write_text("---\ntags: [a, b\ntitle: 笔记: 第一部分\n---\nwombat\n",
                                      encoding="utf-8")
    (root / "empty.md").write_bytes(b"")
    (root / "loop").mkdir()
    (root / "loop" / "self").symlink_to(root / "loop", target_is_directory=True)
    (root / "dangling.md").symlink_to(root / "nowhere.md")
    skipped = 2  # binary.md, dangling.md
    if os.geteuid() != 0:
        locked = root / "locked.md"
        locked.write_text("secret", encoding="utf-8")
        locked.chmod(0)
        skipped += 1
    return skipped


async def test_the_app_on_bad_input_answers_keys_and_lists_the_skipped_files(
    tmp_path: Path,
) -> None:
    root = tmp_path / "notes"
    skipped = _bad_tree(root)
    app = make_app(app_settings(root, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await type_text(pilot, app, "wombat")
        assert {h.entry.path for h in app.results.hits} >= {"good.md", "invalid.md",
                                                           "one-line.txt", "bad-yaml.md"}
        # The 5 MB line is previewed cut short, not laid out whole.
        while app.results.current is not None and app.results.current.entry.path != "one-line.txt":
            await pilot.press("down")
            await settle(pilot, app)
        shown = app.preview.plain_text
        assert "wombat" in shown and len(shown) < 20_000
        assert app.status_info.warnings >= skipped
        await pilot.press("escape", "j", "k", "G", "g", "g")
        await settle(pilot, app)
        assert app.is_running and app.return_code is None
