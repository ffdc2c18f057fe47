"""CLI conventions: subcommands with their own help and examples, completions, `check` paths."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

from tui import keys_cli
from tui.cli import SUBCOMMANDS, build_parser, main
from tui.completions import completion_script
from tui.core.text import fold as textfold
from tui.core.text import pinyin


def test_top_level_help_lists_every_subcommand_with_examples(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    subcommands = out.split("subcommands:")[1].split("examples:")[0]
    for name in SUBCOMMANDS:
        assert f"\n  {name} " in subcommands, name
    assert "examples:\n  notesift ~/notes" in out


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_each_subcommand_has_its_own_help_with_examples(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main([name, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: notesift {name} ")
    examples = out.split("\nexamples:\n", 1)[1].splitlines()
    assert examples and all(f"notesift {name}" in line for line in examples), examples


def test_subcommand_registry_matches_the_parser() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if hasattr(a, "choices") and a.dest == "command")
    assert tuple(sub.choices) == SUBCOMMANDS


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    from tui import __version__

    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out == f"notesift {__version__}\n"


def _bash_complete(script: str, words: list[str]) -> list[str]:
    program = (
        f"{script}\nCOMP_WORDS=({' '.join(repr(w) for w in words)}); "
        f"COMP_CWORD={len(words) - 1}; _notesift; printf '%s\\n' \"${{COMPREPLY[@]}}\""
    )
    done = subprocess.run(["bash", "--norc", "-c", program], capture_output=True, text=True,
                          check=True, timeout=60)
    return done.stdout.split()


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completion_completes_subcommands_options_and_values(tmp_path: Path) -> None:
    script = completion_script("bash", build_parser())
    assert "search" in _bash_complete(script, ["notesift", "se"])
    assert set(_bash_complete(script, ["notesift", "search", "--vi"])) == {"--vimgrep"}
    assert _bash_complete(script, ["notesift", "search", "--color", "n"]) == ["never"]
    assert "notesift-light" in _bash_complete(script, ["notesift", "--theme", "notesift-l"])
    assert "vim" in _bash_complete(script, ["notesift", "keys", "--keymap", "v"])
    assert _bash_complete(script, ["notesift", "completions", "f"]) == ["fish"]


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_scripts_name_every_option(shell: str) -> None:
    script = completion_script(shell, build_parser())
    long = "-l " if shell == "fish" else "--"
    for needed in ("search", f"{long}vimgrep", f"{long}absolute", f"{long}color",
                   "completions", "notesift-light", "markdown"):
        assert needed in script, needed
    checker = shutil.which(shell)
    if checker:
        subprocess.run([checker, "-n" if shell == "zsh" else "--no-execute"],
                       input=script, text=True, check=True, timeout=60)


def test_completions_command_prints_a_script(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completions", "bash"]) == 0
    assert "complete -o filenames -F _notesift notesift" in capsys.readouterr().out


def test_check_prints_every_path_it_used(tmp_path: Path) -> None:
    out = io.StringIO()
    assert keys_cli.run_check(["--keymap", "vim"], out) == 0
    lines = {line.split(":", 1)[0]: line for line in out.getvalue().splitlines()}
    config_home = tmp_path / "xdg-config" / "notesift"
    assert lines["config"] == f"config: {config_home / 'config.toml'} (not found); defaults used"
    assert "keymaps/default.toml + " in lines["keymap"] and "vim.toml" in lines["keymap"]
    assert "themes" in lines["themes"] and str(config_home / "themes") in lines["themes"]
    assert str(tmp_path / "xdg-cache" / "notesift") in lines["cache"]
    assert lines["state"].startswith("state:  ")
    assert lines["pinyin"].startswith("pinyin: loaded, ")
    assert lines["OpenCC"].startswith("OpenCC: loaded, ")


def test_check_fails_loudly_when_a_table_did_not_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pinyin, "table_status", lambda: {
        "pinyin": (False, "not loaded: /x/pinyin_dict.json missing or unreadable"),
        "OpenCC": (True, "4000 characters from /x/TSCharacters.txt"),
    })
    out = io.StringIO()
    assert keys_cli.run_check([], out) == 1
    assert "pinyin: not loaded: /x/pinyin_dict.json missing or unreadable; search without it" in (
        out.getvalue()
    )


def test_table_status_reports_a_moved_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path
                                           ) -> None:
    monkeypatch.setattr(textfold, "package_dir", lambda name: tmp_path / name)
    monkeypatch.setattr(textfold, "_TABLE_PROBLEMS", [])  # nothing leaks into later tests
    textfold.ts_chars.cache_clear()
    pinyin._pinyin_tables.cache_clear()
    try:
        status = pinyin.table_status()
    finally:
        textfold.ts_chars.cache_clear()
        pinyin._pinyin_tables.cache_clear()
    assert status["pinyin"] == (
        False, f"not loaded: {tmp_path / 'pypinyin' / 'pinyin_dict.json'} missing or unreadable")
    assert status["OpenCC"][0] is False


def test_a_table_that_did_not_load_is_a_search_warning(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tui.search_cli import run_search

    monkeypatch.setattr(textfold, "package_dir", lambda name: tmp_path / name)
    monkeypatch.setattr(textfold, "_TABLE_PROBLEMS", [])
    textfold.ts_chars.cache_clear()
    pinyin._pinyin_tables.cache_clear()
    root = tmp_path / "notes"
    root.mkdir()
    (root / "a.md").write_text("# 開源 notes\n\nshengchanli\n", encoding="utf-8")
    err = io.StringIO()
    try:
        run_search(["--dir", str(root), "--no-cache", "kaiyuan"], out=io.StringIO(), err=err)
    finally:
        textfold.ts_chars.cache_clear()
        pinyin._pinyin_tables.cache_clear()
    warnings = err.getvalue()
    assert f"{tmp_path / 'pypinyin' / 'pinyin_dict.json'}: not readable; searching without " \
        "pinyin tables" in warnings
