"""`notesift keys` and `notesift check`, as a user runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.keys_cli import run_check, run_keys


def write(tmp_path: Path, text: str, name: str = "keymap.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_check_passes_on_the_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_check([]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].startswith("OK: ") and "5 themes" in lines[-1]
    assert not any("error" in line for line in lines)


def test_check_names_file_and_line_of_a_syntax_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, '[[keys]]\nkeys = "ZQ"\naction = "quit\n')
    assert run_check(["--keymap", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:3:" in out
    assert "1 error(s)" in out


def test_check_suggests_quit_for_qiut(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, '\n[[keys]]\nkeys = "ZQ"\naction = "qiut"\nmode = "normal"\n')
    assert run_check(["--keymap", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:4:10: unknown action 'qiut' (did you mean 'quit'?)" in out.splitlines()


def test_check_passes_with_only_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, '[[keys]]\nkeys = "g"\naction = "last"\nmode = "normal"\n')
    assert run_check(["--keymap", str(path)]) == 0
    out = capsys.readouterr().out
    assert "warning: g (last) is also the start of gg (first)" in out
    assert "OK: " in out and "2 warning(s)" in out  # g also starts gg and gx


def test_check_accepts_a_preset_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_check(["--keymap", "vim"]) == 0
    assert "vim.toml" in capsys.readouterr().out
    assert run_check(["--keymap", "vmi"]) == 1
    assert "did you mean 'vim'" in capsys.readouterr().out


def test_check_reports_config_problems_and_unknown_theme(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(tmp_path, 'watch = true\ntheme = "notesift-drak"\n', "config.toml")
    assert run_check(["--config", str(config)]) == 1
    out = capsys.readouterr().out
    assert f"{config}:2:9: unknown theme 'notesift-drak' (did you mean 'notesift-dark'?)" in out
    assert run_check(["--config", str(tmp_path / "missing.toml")]) == 1
    assert "config file not found" in capsys.readouterr().out


def test_keys_prints_the_sheet_with_the_user_keymap(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, '[[keys]]\nkeys = "ZQ"\naction = "quit"\nmode = "normal"\n')
    assert run_keys(["--format", "markdown", "--keymap", str(path)]) == 0
    captured = capsys.readouterr()
    assert "| `ZQ` | normal | Quit notesift | quit |" in captured.out
    assert captured.err == ""


def test_keys_sends_keymap_problems_to_stderr_and_still_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, '[[keys]]\nkeys = "ZQ"\naction = "qiut"\n')
    assert run_keys(["--keymap", str(path)]) == 0
    captured = capsys.readouterr()
    assert "did you mean 'quit'" in captured.err
    assert captured.out.splitlines()[0].split() == ["Key", "Mode", "Action", "Note"]


def test_keys_toml_output_is_a_loadable_keymap(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_keys(["--format", "toml", "--keymap", "emacs"]) == 0
    exported = write(tmp_path, capsys.readouterr().out, "exported.toml")
    assert run_check(["--keymap", str(exported)]) == 0


def test_keys_with_an_unknown_preset_exits_2_and_prints_no_sheet(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_keys(["--keymap", "nonexist"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "notesift keys: unknown keymap preset 'nonexist' (presets: emacs, vim; or a keymap file)"
    ]
    assert run_keys(["--keymap", "vmi"]) == 2
    assert "did you mean 'vim'" in capsys.readouterr().err


def test_keys_with_a_missing_keymap_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "mine.toml"
    assert run_keys(["--keymap", str(missing)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == f"notesift keys: keymap file not found: {missing}"


def test_check_names_an_unknown_preset_without_a_fake_position(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_check(["--keymap", "nonexist"]) == 1
    out = capsys.readouterr().out
    assert "--keymap: unknown keymap preset 'nonexist' (presets: emacs, vim)" in out.splitlines()
    assert "nonexist:1:1" not in out


def test_check_lists_the_theme_names_that_theme_accepts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_check([]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("theme:")]
    assert len(rows) == 1
    for name in ("notesift-dark", "notesift-light", "gruvbox-night", "solarized-paper",
                 "high-contrast"):
        assert name in rows[0]
