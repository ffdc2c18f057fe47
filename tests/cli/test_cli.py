"""`notesift search`: the scripting contract (JSON Lines, exit codes, safe output)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tui.cli import main, run_search


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_search(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_json_lines_carry_the_contract_fields(example_notes: Path) -> None:
    code, out, _ = _run("--dir", str(example_notes), "--json", "--limit", "0", "kind:tweet")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and rows
    for row in rows:
        for key in ("id", "kind", "title", "path", "line", "end_line", "match_line", "score",
                    "tags", "snippet", "author", "date", "url", "likes"):
            assert key in row, key
        assert row["kind"] == "tweet"
        assert isinstance(row["likes"], int)
        assert row["url"].startswith("https://")


def test_exit_codes_follow_grep(example_notes: Path) -> None:
    assert _run("--dir", str(example_notes), "zzqqxxjj")[0] == 1
    code, _, err = _run("--dir", str(example_notes), "likes:>>3")
    assert code == 2 and "likes" in err
    assert _run("--dir", str(example_notes / "missing"), "x")[0] == 2


def test_limit_caps_the_output(example_notes: Path) -> None:
    _, out, _ = _run("--dir", str(example_notes), "--json", "--limit", "2", "kind:section")
    assert len(out.splitlines()) == 2


def test_plain_output_names_path_line_and_kind(example_notes: Path) -> None:
    _, out, _ = _run("--dir", str(example_notes), "--limit", "1", "kind:tweet")
    first = out.splitlines()[0]
    path_line, rest = first.split("  ", 1)
    path, line = path_line.rsplit(":", 1)
    assert (example_notes / path).is_file() and int(line) >= 1
    assert rest.lstrip().startswith("tweet")


def test_notesift_dir_environment_variable(example_notes: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    monkeypatch.setenv("NOTESIFT_DIR", str(example_notes))
    assert _run("kind:key")[0] == 0


def test_control_characters_never_reach_the_terminal(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "evil.md").write_text(
        "# Evil \x1b[2J title\n\nclear \x1b]52;c;aGVsbG8=\x07 \x9b31m rtl\u202eexe\n",
        encoding="utf-8",
    )
    for fmt in ((), ("--json",)):
        code, out, _ = _run("--dir", str(root), *fmt, "evil")
        assert code == 0
        for raw in ("\x1b", "\x07", "\x9b", "\u202e"):
            assert raw not in out, (fmt, repr(raw))
    _, out, _ = _run("--dir", str(root), "--json", "evil")
    assert "\x1b[2J" in json.loads(out.splitlines()[0])["title"], "JSON keeps the data itself"


def test_warnings_name_the_skipped_file_on_stderr(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "ok.md").write_text("# Fine note\n", encoding="utf-8")
    (root / "binary.md").write_bytes(b"\x00\x00\x01")
    code, out, err = _run("--dir", str(root), "fine")
    assert code == 0 and "binary.md" in err and "binary.md" not in out
    assert _run("--dir", str(root), "--quiet", "fine")[2] == ""


def test_main_dispatches_search(example_notes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "--dir", str(example_notes), "--json", "kind:key"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[0])["kind"] == "key"


def test_a_folder_without_notes_is_named_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "e"
    empty.mkdir()
    monkeypatch.chdir(empty)
    monkeypatch.delenv("NOTESIFT_DIR", raising=False)
    code, out, err = _run("rust")  # a bare first try, in a folder with no notes
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"notesift: no notes in {empty.resolve()}; choose another folder with --dir DIR, "
        f"$NOTESIFT_DIR or notes_dir in {tmp_path / 'xdg-config' / 'notesift' / 'config.toml'}"
    ]
    assert _run("-q", "rust") == (1, "", "")


def test_no_match_in_a_folder_with_notes_stays_silent(example_notes: Path) -> None:
    assert _run("--dir", str(example_notes), "zzqqxxjj") == (1, "", "")


def test_a_warning_is_said_once_until_it_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every search repeated the same skipped-file lines (noise in `:grep` and scripts)."""
    from tui.keys_cli import run_check

    root = tmp_path / "notes"
    root.mkdir()
    (root / "ok.md").write_text("# Fine note\n", encoding="utf-8")
    (root / "binary.md").write_bytes(b"\x00\x00\x01")
    assert "binary.md" in _run("--dir", str(root), "fine")[2]
    assert _run("--dir", str(root), "fine")[2] == ""  # said already
    assert "binary.md" in _run("--dir", str(root), "-v", "fine")[2]
    (root / "other.md").write_bytes(b"\x00\x00\x02")
    err = _run("--dir", str(root), "fine")[2]
    assert "other.md" in err and "binary.md" not in err  # only what is new
    run_check(["--dir", str(root)])
    out = capsys.readouterr().out
    assert "binary.md" in out and "other.md" in out  # check lists them all


def test_files_with_matches_lists_each_file_once_as_rg_l(tmp_path: Path) -> None:
    """`kind:note WORD` misses a note whose WORD is in a section (a note entry is its
    intro): `-l` answers "which files mention WORD", each file once, best first."""
    root = tmp_path / "notes"
    root.mkdir()
    (root / "intro.md").write_text("# Serpents\n\npython in the intro\n\n## More\npython again\n",
                                   encoding="utf-8")
    (root / "deep.md").write_text("# Snakes\n\nnothing here\n\n## Later\na python\n",
                                  encoding="utf-8")
    (root / "none.md").write_text("# Other\n\nno snakes\n", encoding="utf-8")
    assert _run("--dir", str(root), "--vimgrep", "kind:note", "python")[1].count("\n") == 1
    code, out, _ = _run("--dir", str(root), "-l", "python")
    assert code == 0
    lines = out.splitlines()
    assert sorted(lines) == sorted(str(root / n) for n in ("intro.md", "deep.md"))
    assert _run("--dir", str(root), "-l", "--limit", "1", "python")[1].count("\n") == 1
    code, out, _ = _run("--dir", str(root), "--files-with-matches", "-0", "python")
    assert code == 0 and out.count("\0") == 2 and "\n" not in out
    code, out, err = _run("--dir", str(root), "-l", "python", "zzqqxx")
    assert (code, out) == (1, "") and "partial matches left out" in err


def test_a_negative_limit_is_refused_with_the_reason(
    example_notes: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # argparse took `-1` for an option (there is a `-0`) and said "expected one argument".
    with pytest.raises(SystemExit) as ended:
        run_search(["--dir", str(example_notes), "--limit", "-1", "kind:tweet"])
    assert ended.value.code == 2
    assert "-1 is not a count (0 prints every match)" in capsys.readouterr().err
    # A query word after `--` that looks like one is left alone.
    assert _run("--dir", str(example_notes), "--", "--limit", "-1")[0] in (0, 1)
