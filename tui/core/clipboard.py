"""One clipboard policy for the app, testable without a terminal.

Copying from a TUI fails quietly in many ways: over SSH there is no display, a
stale `DISPLAY` (a detached tmux session) makes xclip fail while pyperclip
returns as if it worked, tmux swallows OSC 52 unless it is wrapped, and
terminals drop OSC 52 payloads above their limit. So the order is fixed:

1. a display is present (`WAYLAND_DISPLAY`/`DISPLAY`): wl-copy, xclip or xsel
   run directly and judged by their exit status, else pyperclip with a
   read-back check (macOS: pbcopy, which needs no display);
2. otherwise, or when that failed: OSC 52 through the `osc52` callable (the app
   passes Textual's `App.copy_to_clipboard`), cut to `cap_bytes` of base64.
   Inside tmux, tmux is asked first whether OSC 52 can get out: with
   `allow-passthrough on` (or tmux < 3.3) the sequence goes wrapped for
   passthrough; with `set-clipboard on` tmux takes it itself and passes it on;
   with neither (tmux 3.3's defaults) it would be dropped, so the text goes into
   tmux's own paste buffer instead (`tmux load-buffer -`) and the notice says so
   and names the setting that would reach the system clipboard;
3. always: the text is kept app-side (`CopyReport.text`).

Nothing here writes to stdout or stderr: the screen belongs to the TUI.
"""

from __future__ import annotations

import base64
import contextlib
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

DEFAULT_CAP_BYTES = 100_000
TOOL_TIMEOUT = 2.0

Runner = Callable[..., Any]
Which = Callable[[str], "str | None"]

# (tool, argv to copy) in order of preference, per display kind.
_WAYLAND_TOOLS: tuple[tuple[str, tuple[str, ...]], ...] = (("wl-copy", ("wl-copy",)),)
_X11_TOOLS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("xclip", ("xclip", "-selection", "clipboard", "-i")),
    ("xsel", ("xsel", "--clipboard", "--input")),
)


@dataclass(slots=True)
class CopyReport:
    """What a copy did: the text now on the (app) clipboard and how it got there."""

    text: str
    method: str
    truncated: bool = False
    chars: int = 0
    lines: int = 0
    message: str = ""
    problems: list[str] = field(default_factory=list)
    sequence: str = ""  # the raw OSC 52 sequence, for apps that write it themselves

    @classmethod
    def of(
        cls, text: str, method: str, message: str, problems: list[str], **more: Any
    ) -> CopyReport:
        """A report on `text`, sized here so every way of copying counts alike."""
        return cls(text=text, method=method, chars=len(text), lines=_count_lines(text),
                   message=message, problems=problems, **more)


@dataclass(frozen=True, slots=True)
class TmuxRoute:
    """How a copy can leave tmux: "passthrough", "set-clipboard" or "buffer" (stays in tmux)."""

    kind: str
    detail: str = ""


def _tmux_output(args: Sequence[str], env: Mapping[str, str], run: Runner) -> str | None:
    try:
        result = run(["tmux", *args], capture_output=True, text=True, env=dict(env),
                     timeout=TOOL_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if getattr(result, "returncode", 1) != 0:
        return None
    return str(getattr(result, "stdout", "")).strip()


def _tmux_version(text: str | None) -> tuple[int, int]:
    """`tmux 3.3a` → (3, 3); unknown → (0, 0)."""
    digits = (text or "").split()[-1:] or [""]
    major, _, minor = digits[0].partition(".")
    try:
        return int(major), int("".join(ch for ch in minor if ch.isdigit()) or 0)
    except ValueError:
        return 0, 0


def tmux_route(env: Mapping[str, str], run: Runner) -> TmuxRoute:
    """Ask the tmux we run in whether an OSC 52 from us reaches the outer terminal."""
    passthrough = _tmux_output(["show", "-gv", "allow-passthrough"], env, run)
    if passthrough in ("on", "all"):
        return TmuxRoute("passthrough", "allow-passthrough on")
    if passthrough is None and (0, 0) < _tmux_version(
        _tmux_output(["-V"], env, run)
    ) < (3, 3):
        return TmuxRoute("passthrough", "tmux < 3.3 passes it through")
    set_clipboard = _tmux_output(["show", "-gv", "set-clipboard"], env, run)
    if set_clipboard == "on":
        return TmuxRoute("set-clipboard", "set-clipboard on")
    return TmuxRoute("buffer", f"set-clipboard {set_clipboard or 'unknown'}, "
                               f"allow-passthrough {passthrough or 'unknown'}")


def _tmux_buffer_copy(
    text: str, route: TmuxRoute, env: Mapping[str, str], run: Runner, problems: list[str]
) -> CopyReport:
    """Load `text` into tmux's paste buffer: the only place it can reach from here."""
    problem = _run_tool(["tmux", "load-buffer", "-"], text, env, run)
    hint = ("`set -g set-clipboard on` (or `set -g allow-passthrough on`) in tmux.conf "
            "would reach the system clipboard")
    if problem is not None:
        problems.append(problem)
        return CopyReport.of(
            text,
            "app-only",
            f"Copied {_describe(text)}, kept in notesift only: tmux drops OSC 52 "
            f"({route.detail}) and {problem}; {hint}",
            problems,
        )
    return CopyReport.of(
        text,
        "tmux-buffer",
        f"Copied {_describe(text)} into tmux's paste buffer only (prefix ] pastes; "
        f"{route.detail}); {hint}",
        problems,
    )


def osc52_sequence(text: str, tmux: bool = False) -> str:
    """The OSC 52 "set clipboard" sequence for `text`, wrapped for tmux if asked.

    tmux only forwards an escape sequence to the outer terminal inside a DCS
    passthrough (`ESC P tmux; … ESC \\`) with every ESC doubled, and only with
    `set -g allow-passthrough on` (tmux >= 3.3).
    """
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    sequence = f"\x1b]52;c;{payload}\x07"
    if tmux:
        return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    return sequence


def cut_to_cap(text: str, cap_bytes: int) -> tuple[str, bool]:
    """Cut `text` so its base64 form fits in `cap_bytes`; never splits a character."""
    limit = max(0, cap_bytes) // 4 * 3
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text, False
    return data[:limit].decode("utf-8", errors="ignore"), True


def _count_lines(text: str) -> int:
    if not text:
        return 0
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def _size(n_bytes: int) -> str:
    return f"{n_bytes} B" if n_bytes < 1024 else f"{n_bytes // 1024} KB"


def _describe(text: str) -> str:
    lines = _count_lines(text)
    return f"{lines} line{'s' if lines != 1 else ''} ({len(text)} chars)"


def _run_tool(
    argv: Sequence[str], text: str, env: Mapping[str, str], run: Runner
) -> str | None:
    """Run a copy tool; None on success, else why it failed.

    Output goes to /dev/null: xclip forks a child that keeps serving the
    selection, and a captured pipe would wait for that child to exit.
    """
    try:
        result = run(
            list(argv),
            input=text.encode("utf-8"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=dict(env),
            timeout=TOOL_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"{argv[0]} timed out"
    except OSError as exc:
        return f"{argv[0]} could not run ({exc.strerror or exc})"
    code = getattr(result, "returncode", 1)
    return None if code == 0 else f"{argv[0]} failed (exit {code})"


def _try_pyperclip(
    text: str,
    copy: Callable[[str], None] | None,
    paste: Callable[[], str] | None,
) -> str | None:
    """pyperclip copy plus read-back; None on a verified success, else why not."""
    if copy is None or paste is None:
        try:
            import pyperclip
        except ImportError:
            return "pyperclip is not installed"
        copy = copy or pyperclip.copy
        paste = paste or pyperclip.paste
    sink = io.StringIO()
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            copy(text)
            back = paste()
    except Exception as exc:  # pyperclip raises its own exception types
        return f"pyperclip failed ({type(exc).__name__})"
    if back != text:
        return "pyperclip did not keep the text (stale display?)"
    return None


def _system_copy(
    text: str,
    env: Mapping[str, str],
    run: Runner,
    which: Which,
    platform: str,
    pyperclip_copy: Callable[[str], None] | None,
    pyperclip_paste: Callable[[], str] | None,
    problems: list[str],
) -> str | None:
    """Copy through the desktop clipboard; the method name, or None (see problems)."""
    tools: list[tuple[str, tuple[str, ...]]] = []
    if platform == "darwin":
        tools.append(("pbcopy", ("pbcopy",)))
    if env.get("WAYLAND_DISPLAY"):
        tools.extend(_WAYLAND_TOOLS)
    if env.get("DISPLAY"):
        tools.extend(_X11_TOOLS)
    if not tools:
        return None
    for name, argv in tools:
        if which(name) is None:
            continue
        problem = _run_tool(argv, text, env, run)
        if problem is None:
            return f"system:{name}"
        problems.append(problem)
    if problems:
        # pyperclip would drive the same tools against the same dead display.
        return None
    problem = _try_pyperclip(text, pyperclip_copy, pyperclip_paste)
    if problem is None:
        return "system:pyperclip"
    problems.append(problem)
    return None


def copy_text(
    text: str,
    *,
    env: Mapping[str, str] | None = None,
    osc52: Callable[[str], None] | None = None,
    write_raw: Callable[[str], None] | None = None,
    pyperclip_copy: Callable[[str], None] | None = None,
    pyperclip_paste: Callable[[], str] | None = None,
    run: Runner | None = None,
    which: Which | None = None,
    platform: str | None = None,
    cap_bytes: int = DEFAULT_CAP_BYTES,
) -> CopyReport:
    """Put `text` on the best clipboard available and say where it went.

    `osc52(text)` is called for the OSC 52 route (Textual's
    `App.copy_to_clipboard`). Inside tmux, `write_raw(sequence)` additionally
    receives the passthrough-wrapped sequence when given; the report's
    `sequence` holds it either way.
    """
    env = os.environ if env is None else env
    run = subprocess.run if run is None else run
    which = shutil.which if which is None else which
    platform = sys.platform if platform is None else platform
    if not text:
        return CopyReport(text="", method="app-only", message="Nothing to copy")
    problems: list[str] = []
    method = _system_copy(
        text, env, run, which, platform, pyperclip_copy, pyperclip_paste, problems
    )
    what = _describe(text)
    if method is not None:
        tool = method.split(":", 1)[1]
        return CopyReport.of(text, method, f"Copied {what} via {tool}", problems)
    in_tmux = bool(env.get("TMUX"))
    route = tmux_route(env, run) if in_tmux else None
    if route is not None and route.kind == "buffer":
        return _tmux_buffer_copy(text, route, env, run, problems)
    wrap = route is not None and route.kind == "passthrough"
    if osc52 is None and not (wrap and write_raw is not None):
        reason = "; ".join(problems) if problems else "no display"
        return CopyReport.of(
            text,
            "app-only",
            f"Copied {what}, kept in notesift only: {reason} and no OSC 52",
            problems,
        )
    cut, truncated = cut_to_cap(text, cap_bytes)
    sequence = osc52_sequence(cut, tmux=wrap)
    try:
        if osc52 is not None:
            osc52(cut)
        if wrap and write_raw is not None:
            write_raw(sequence)
    except Exception as exc:  # a closed terminal must not crash a copy
        problems.append(f"OSC 52 failed ({type(exc).__name__})")
        return CopyReport.of(
            cut,
            "app-only",
            f"Copied {_describe(cut)}, kept in notesift only: OSC 52 failed",
            problems,
            truncated=truncated,
        )
    suffix = ""
    if truncated:
        suffix = f" (cut to {_size(len(cut.encode('utf-8')))} of {_size(len(text.encode()))})"
    via = f" (tmux: {route.detail})" if route is not None else ""
    return CopyReport.of(
        cut,
        "osc52+tmux" if route is not None else "osc52",
        f"Copied {_describe(cut)} via OSC 52{via}{suffix}",
        problems,
        truncated=truncated,
        sequence=sequence,
    )
