"""The clipboard policy: system tools when they really work, else OSC 52, always app-side."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tui_helpers import HANG_S, poll

from tui.core.clipboard import copy_text, cut_to_cap, osc52_sequence


class FakeRun:
    """Stands in for subprocess.run; records calls, returns the given exit codes."""

    def __init__(self, codes: dict[str, int] | None = None, raises: Exception | None = None):
        self.codes = codes or {}
        self.raises = raises
        self.calls: list[tuple[list[str], dict[str, Any]]] = []

    def __call__(self, argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        self.calls.append((argv, kwargs))
        if self.raises is not None:
            raise self.raises
        return subprocess.CompletedProcess(argv, self.codes.get(argv[0], 0))


def which_of(*names: str) -> Callable[[str], str | None]:
    return lambda name: f"/usr/bin/{name}" if name in names else None


class Sink:
    def __init__(self) -> None:
        self.texts: list[str] = []

    def __call__(self, text: str) -> None:
        self.texts.append(text)


TEXT = "line one\n第二行\nthree"


def test_no_display_uses_osc52(capsys: pytest.CaptureFixture[str]) -> None:
    osc, run = Sink(), FakeRun()
    report = copy_text(TEXT, env={}, osc52=osc, run=run, which=which_of("xclip"),
                       platform="linux")
    assert report.method == "osc52" and osc.texts == [TEXT] and run.calls == []
    assert report.text == TEXT and not report.truncated
    assert report.lines == 3 and report.chars == len(TEXT)
    assert report.message == f"Copied 3 lines ({len(TEXT)} chars) via OSC 52"
    assert capsys.readouterr() == ("", "")


def test_working_xclip_is_used_and_judged_by_exit_status() -> None:
    osc, run = Sink(), FakeRun({"xclip": 0})
    report = copy_text(TEXT, env={"DISPLAY": ":0"}, osc52=osc, run=run,
                       which=which_of("xclip", "xsel"), platform="linux")
    assert report.method == "system:xclip" and osc.texts == []
    assert report.message.endswith("via xclip") and report.text == TEXT
    argv, kwargs = run.calls[0]
    assert argv[:3] == ["xclip", "-selection", "clipboard"]
    assert kwargs["input"] == TEXT.encode("utf-8")
    assert kwargs["env"]["DISPLAY"] == ":0" and kwargs["timeout"] > 0
    # xclip's background child must not hold a pipe we wait on.
    assert kwargs["stdout"] == subprocess.DEVNULL and kwargs["stderr"] == subprocess.DEVNULL


def test_stale_display_xclip_failure_falls_back_to_osc52(
    capsys: pytest.CaptureFixture[str],
) -> None:
    osc, run = Sink(), FakeRun({"xclip": 1, "xsel": 1})
    called: list[str] = []
    report = copy_text(TEXT, env={"DISPLAY": ":99"}, osc52=osc, run=run,
                       which=which_of("xclip", "xsel"), platform="linux",
                       pyperclip_copy=called.append, pyperclip_paste=lambda: "")
    assert report.method == "osc52" and osc.texts == [TEXT]
    assert any("xclip failed (exit 1)" in p for p in report.problems)
    assert called == []  # pyperclip would drive the same dead display
    assert capsys.readouterr() == ("", "")


def test_stale_display_pyperclip_readback_mismatch_falls_back() -> None:
    osc = Sink()
    report = copy_text(TEXT, env={"DISPLAY": ":99"}, osc52=osc, run=FakeRun(),
                       which=which_of(), platform="linux",
                       pyperclip_copy=lambda text: None, pyperclip_paste=lambda: "old")
    assert report.method == "osc52" and osc.texts == [TEXT]
    assert any("stale display" in p for p in report.problems)


def test_pyperclip_that_really_works(capsys: pytest.CaptureFixture[str]) -> None:
    board: list[str] = []

    def noisy_copy(text: str) -> None:
        print("pyperclip chatter")
        print("more chatter", file=sys.stderr)
        board.append(text)

    osc = Sink()
    report = copy_text(TEXT, env={"DISPLAY": ":0"}, osc52=osc, run=FakeRun(),
                       which=which_of(), platform="linux",
                       pyperclip_copy=noisy_copy, pyperclip_paste=lambda: board[-1])
    assert report.method == "system:pyperclip" and osc.texts == []
    assert capsys.readouterr() == ("", "")


def test_pyperclip_exception_falls_back() -> None:
    def broken(text: str) -> None:
        raise RuntimeError("no mechanism")

    report = copy_text(TEXT, env={"DISPLAY": ":0"}, osc52=Sink(), run=FakeRun(),
                       which=which_of(), platform="linux",
                       pyperclip_copy=broken, pyperclip_paste=lambda: "")
    assert report.method == "osc52" and "pyperclip failed" in report.problems[0]


def test_tool_timeout_or_missing_binary_falls_back() -> None:
    for error in (subprocess.TimeoutExpired("xclip", 2), FileNotFoundError(2, "nope")):
        report = copy_text(TEXT, env={"DISPLAY": ":0"}, osc52=Sink(),
                           run=FakeRun(raises=error), which=which_of("xclip"),
                           platform="linux")
        assert report.method == "osc52" and report.problems


def test_wayland_prefers_wl_copy() -> None:
    run = FakeRun()
    report = copy_text(TEXT, env={"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"},
                       osc52=Sink(), run=run, which=which_of("wl-copy", "xclip"),
                       platform="linux")
    assert report.method == "system:wl-copy" and run.calls[0][0] == ["wl-copy"]


def test_macos_uses_pbcopy_without_display() -> None:
    run = FakeRun()
    report = copy_text(TEXT, env={}, osc52=Sink(), run=run, which=which_of("pbcopy"),
                       platform="darwin")
    assert report.method == "system:pbcopy"


class FakeTmux(FakeRun):
    """A tmux that answers `show -gv OPTION` and `-V` from `options`; the rest succeeds."""

    def __init__(self, options: dict[str, str], version: str = "tmux 3.3a",
                 load_code: int = 0) -> None:
        super().__init__()
        self.options, self.version, self.load_code = options, version, load_code

    def __call__(self, argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[Any]:
        self.calls.append((argv, kwargs))
        if argv[:3] == ["tmux", "show", "-gv"]:
            value = self.options.get(argv[3])
            if value is None:
                return subprocess.CompletedProcess(argv, 1, "", f"invalid option: {argv[3]}")
            return subprocess.CompletedProcess(argv, 0, value + "\n", "")
        if argv == ["tmux", "-V"]:
            return subprocess.CompletedProcess(argv, 0, self.version + "\n", "")
        if argv[:2] == ["tmux", "load-buffer"]:
            return subprocess.CompletedProcess(argv, self.load_code)
        return subprocess.CompletedProcess(argv, 0)

    def loaded(self) -> list[bytes]:
        return [kw["input"] for argv, kw in self.calls if argv[:2] == ["tmux", "load-buffer"]]


TMUX_ENV = {"TMUX": "/tmp/tmux-1/default,1,0"}


def _tmux_copy(tmux: FakeTmux) -> tuple[Any, Sink, Sink]:
    osc, raw = Sink(), Sink()
    report = copy_text(TEXT, env=TMUX_ENV, osc52=osc, write_raw=raw, run=tmux,
                       which=which_of(), platform="linux")
    return report, osc, raw


def test_tmux_with_passthrough_gets_the_wrapped_sequence() -> None:
    report, osc, raw = _tmux_copy(FakeTmux({"allow-passthrough": "on",
                                            "set-clipboard": "external"}))
    assert report.method == "osc52+tmux" and osc.texts == [TEXT]
    assert raw.texts == [osc52_sequence(TEXT, tmux=True)] and report.sequence == raw.texts[0]
    assert "via OSC 52 (tmux: allow-passthrough on)" in report.message


def test_tmux_before_3_3_always_passes_through() -> None:
    report, _, raw = _tmux_copy(FakeTmux({"set-clipboard": "external"}, version="tmux 3.2a"))
    assert report.method == "osc52+tmux" and raw.texts == [osc52_sequence(TEXT, tmux=True)]


def test_tmux_with_set_clipboard_on_takes_plain_osc52() -> None:
    report, osc, raw = _tmux_copy(FakeTmux({"allow-passthrough": "off", "set-clipboard": "on"}))
    assert report.method == "osc52+tmux" and osc.texts == [TEXT] and raw.texts == []
    assert "(tmux: set-clipboard on)" in report.message


@pytest.mark.parametrize("set_clipboard", ["external", "off"])
def test_tmux_that_would_drop_osc52_gets_the_text_in_its_buffer_and_says_so(
    set_clipboard: str,
) -> None:
    """tmux 3.3's defaults: an OSC 52 from us goes nowhere, so never claim it did."""
    tmux = FakeTmux({"allow-passthrough": "off", "set-clipboard": set_clipboard})
    report, osc, raw = _tmux_copy(tmux)
    assert osc.texts == [] and raw.texts == [] and report.sequence == ""
    assert tmux.loaded() == [TEXT.encode()]
    assert report.method == "tmux-buffer" and "OSC 52" not in report.message
    assert "tmux's paste buffer only" in report.message
    assert "set -g set-clipboard on" in report.message
    assert report.text == TEXT


def test_a_failing_tmux_buffer_leaves_the_text_in_notesift_and_says_why() -> None:
    tmux = FakeTmux({"allow-passthrough": "off", "set-clipboard": "off"}, load_code=1)
    report, osc, _ = _tmux_copy(tmux)
    assert report.method == "app-only" and osc.texts == []
    assert "kept in notesift only" in report.message and "tmux failed" in report.message


def test_osc52_sequence_shapes() -> None:
    payload = base64.b64encode(TEXT.encode()).decode()
    plain = osc52_sequence(TEXT)
    assert plain == f"\x1b]52;c;{payload}\x07"
    wrapped = osc52_sequence(TEXT, tmux=True)
    assert wrapped == f"\x1bPtmux;\x1b\x1b]52;c;{payload}\x07\x1b\\"
    inner = wrapped[len("\x1bPtmux;") : -2]
    assert inner.replace("\x1b\x1b", "").count("\x1b") == 0  # every ESC doubled


def test_size_cap_cuts_and_reports(capsys: pytest.CaptureFixture[str]) -> None:
    big = "汉字abc\n" * 20_000  # 200 KB of UTF-8
    osc = Sink()
    report = copy_text(big, env={}, osc52=osc, run=FakeRun(), which=which_of(),
                       platform="linux", cap_bytes=100_000)
    assert report.truncated and report.method == "osc52"
    assert len(base64.b64encode(report.text.encode())) <= 100_000
    assert big.startswith(report.text) and osc.texts == [report.text]
    assert "cut to 73 KB" in report.message
    assert report.chars == len(report.text)
    assert capsys.readouterr() == ("", "")


def test_cut_never_splits_a_character() -> None:
    cut, truncated = cut_to_cap("中" * 100, 16)  # 12 bytes allowed = 4 characters
    assert (cut, truncated) == ("中" * 4, True)
    assert cut_to_cap("short", 100) == ("short", False)


def test_no_display_and_no_osc52_keeps_text_in_app() -> None:
    report = copy_text(TEXT, env={}, osc52=None, run=FakeRun(), which=which_of(),
                       platform="linux")
    assert report.method == "app-only" and report.text == TEXT
    assert "kept in notesift only: no display and no OSC 52" in report.message


def test_failing_osc52_writer_still_keeps_text() -> None:
    def closed(text: str) -> None:
        raise OSError("terminal gone")

    report = copy_text(TEXT, env={}, osc52=closed, run=FakeRun(), which=which_of(),
                       platform="linux")
    assert report.method == "app-only" and report.text == TEXT


def test_empty_text() -> None:
    report = copy_text("", env={}, osc52=Sink())
    assert report.method == "app-only" and report.message == "Nothing to copy"


# -- a real round trip through an X server ----------------------------------


def _free_display() -> int:
    for number in range(90, 200):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(
            f"/tmp/.X{number}-lock"
        ).exists():
            return number
    pytest.skip("no free X display number")


def test_real_xclip_round_trip_of_chinese_text(
    xvfb_display: str, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {**os.environ, "DISPLAY": xvfb_display}
    env.pop("WAYLAND_DISPLAY", None)
    text = "中文 剪贴板 test"
    osc = Sink()
    report = copy_text(text, env=env, osc52=osc)
    assert report.method == "system:xclip", report.problems
    assert osc.texts == []

    def pasted() -> str:
        back = subprocess.run(["xclip", "-o", "-selection", "clipboard"],
                              env=env, capture_output=True, timeout=HANG_S)
        return back.stdout.decode("utf-8") if back.returncode == 0 else ""

    # The xclip left serving the selection claims it on its own time (a paste a few
    # ms after the copy found "target STRING not available" on a busy CI machine).
    poll(lambda: pasted() == text, "the clipboard holds the copied text")
    assert capsys.readouterr() == ("", "")


def test_real_stale_display_falls_back_to_osc52(tmp_path: Path) -> None:
    if shutil.which("xclip") is None:
        pytest.skip("xclip is not installed")
    env = {"PATH": os.environ.get("PATH", ""), "DISPLAY": f":{_free_display()}"}
    osc = Sink()
    report = copy_text("hello", env=env, osc52=osc)
    assert report.method == "osc52" and osc.texts == ["hello"]
