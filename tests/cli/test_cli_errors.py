"""No input ends in a traceback: query limits, bad bytes, bad values, internal errors."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from tui_helpers import HANG_S

from tui import cli, keys_cli, reindex_cli, search_cli, tags_cli

HOSTILE = "ab |!^$'\"#@:"


def _hostile(size: int) -> str:
    rng = random.Random(14)
    return "".join(rng.choice(HOSTILE) for _ in range(size))


ISSUE_QUERIES = {  # name: (query, the one line it gets)
    "one-term-25k": ("a" * 25_000, "query too long: 25,000 characters (limit 4,096)"),
    "501-ors": (
        " | ".join(f"w{i}" for i in range(501)),
        "too many alternatives in one | group: 501 (limit 16)",
    ),
    "hostile-100k": (_hostile(100_000), "query too long: 100,000 characters (limit 4,096)"),
    "words-100k": (" ".join(["plain", "words"] * 8_000), "query too long: 95,999 characters"),
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("---\ntags: [x]\n---\n# Alpha\n\nplain words here\n")
    return notes


def _main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr, without `warning:` lines (other tests may leave some)."""
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    err = "".join(line for line in captured.err.splitlines(keepends=True)
                  if not line.startswith("notesift: warning:"))
    return code, captured.out, err


@pytest.mark.parametrize("name", list(ISSUE_QUERIES))
def test_each_query_from_the_issue_is_one_line_and_exit_2(
    name: str, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    query, message = ISSUE_QUERIES[name]
    code, out, err = _main(capsys, "search", "--dir", str(root), "--no-cache", query)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err, err[:300]


def test_invalid_utf8_in_argv_is_decoded_not_a_traceback(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    garbled = b"\xff\xfe".decode("utf-8", "surrogateescape")  # what Python makes of the bytes
    code, out, err = _main(capsys, "search", "--dir", str(root), "--no-cache", garbled)
    assert code == 1 and out == "" and err == ""  # searched for U+FFFD, found nothing
    code, out, err = _main(capsys, "tag", "--dir", str(root), "--no-cache", "--add", garbled,
                           "a.md")
    assert code == 2 and err.count("\n") == 1 and "not valid UTF-8" in err
    assert "\ufffd" not in (root / "a.md").read_text()
    code, out, err = _main(capsys, "tag", "--dir", str(root), "--no-cache", "--add", "ok",
                           garbled + ".md")
    assert code == 1 and err.count("\n") == 1 and "unknown id" in err


def test_a_bad_field_value_is_one_line_and_carets_only_when_verbose(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _main(capsys, "search", "--dir", str(root), "--no-cache", "likes:>abc")
    assert code == 2 and out == "" and err.count("\n") == 1 and "likes:" in err
    code, _, err = _main(capsys, "search", "--dir", str(root), "--no-cache", "-v",
                         "likes:>abc")
    assert code == 2 and err.splitlines()[1:] == ["  likes:>abc", "  ^^^^^^^^^^"]


def _boom(*args: object, **kwargs: object) -> int:
    raise RuntimeError("disk on fire\nsecond line")


SUBCOMMAND_ENTRY = {
    "search": (search_cli, "run_search_args", ["search", "x"]),
    "tag": (tags_cli, "run_tag_args", ["tag", "--add", "t", "a.md"]),
    "tags": (tags_cli, "run_tags_args", ["tags"]),
    "keys": (keys_cli, "run_keys_args", ["keys"]),
    "check": (keys_cli, "run_check_args", ["check"]),
    "reindex": (reindex_cli, "run_reindex_args", ["reindex"]),
    "tui": (cli, "run_app", []),
}


@pytest.mark.parametrize("name", list(SUBCOMMAND_ENTRY))
def test_an_uncaught_exception_anywhere_is_one_line_and_exit_2(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    module, function, argv = SUBCOMMAND_ENTRY[name]
    monkeypatch.setattr(module, function, _boom)
    monkeypatch.delenv("NOTESIFT_DEBUG", raising=False)
    code, _, err = _main(capsys, *argv)
    assert code == 2
    assert err == (
        "notesift: internal error: RuntimeError: disk on fire second line "
        "(--debug for the traceback)\n"
    )


def test_debug_flag_or_env_prints_the_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(search_cli, "run_search_args", _boom)
    code, _, err = _main(capsys, "search", "--debug", "x")
    assert code == 2 and "Traceback (most recent call last)" in err and "disk on fire" in err
    monkeypatch.setenv("NOTESIFT_DEBUG", "1")
    code, _, err = _main(capsys, "search", "x")
    assert code == 2 and "Traceback (most recent call last)" in err


@pytest.mark.slow
@pytest.mark.parametrize("name", list(ISSUE_QUERIES))
def test_the_real_command_refuses_each_issue_query_with_one_line(
    name: str, root: Path, tmp_path: Path
) -> None:
    """The whole process, start-up included, answers with exit 2 and one line. How fast
    (the issue asks for 2 s) is a benchmark's question, not a test's: a loaded machine
    must not fail it (bench/query_limits.py times the refusals)."""
    query, message = ISSUE_QUERIES[name]
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    done = subprocess.run(
        [sys.executable, "-m", "tui", "search", "--dir", str(root), query],
        capture_output=True, text=True, env=env, timeout=HANG_S,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and message in done.stderr
