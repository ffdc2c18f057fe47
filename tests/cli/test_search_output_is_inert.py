"""`notesift search` never passes a note's control characters or markup to the terminal."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hostile_text import ESC_CLEAR, RLO, raw_controls, write_hostile_notes

from tui.cli import run_search


@pytest.fixture
def hostile_root(tmp_path: Path) -> Path:
    return write_hostile_notes(tmp_path / "notes")


def test_cli_plain_output_has_noraw_controls(hostile_root: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run_search(["--dir", str(hostile_root), "--no-cache", "okapi"], out, err) == 0
    shown = out.getvalue()
    assert shown.count("\n") >= 2
    assert raw_controls(shown) == set()
    assert raw_controls(err.getvalue()) == set()
    assert "␛[2J" in shown  # shown as a visible symbol, not dropped silently
    assert "[link=https://evil]l[/link]" in shown


def test_cli_json_output_has_no_raw_controls_and_round_trips(hostile_root: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = run_search(["--dir", str(hostile_root), "--no-cache", "--json", "--limit", "0", "okapi"],
                      out, err)
    assert code == 0
    lines = out.getvalue().splitlines()
    assert lines
    for line in lines:
        assert raw_controls(line, allow_newline=False) == set()
        record = json.loads(line)  # still valid JSON that decodes to the real text
        if record["path"] == "evil.md" and record["kind"] == "note":
            assert ESC_CLEAR in record["title"] and RLO in record["title"]
    assert raw_controls(err.getvalue()) == set()


def test_cli_warnings_about_hostile_file_names_are_safe(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    (root / ("bad\x1b]52;c;eA==\x07" + RLO + ".md")).write_bytes(b"\x00binary")
    (root / "ok.md").write_text("okapi\n")
    out, err = io.StringIO(), io.StringIO()
    assert run_search(["--dir", str(root), "--no-cache", "okapi"], out, err) == 0
    assert "binary" in err.getvalue()
    assert raw_controls(err.getvalue()) == set()
