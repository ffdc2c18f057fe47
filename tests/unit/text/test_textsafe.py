"""Note text must never reach the terminal as control sequences."""

from __future__ import annotations

from tui.core.text.sanitize import one_line, printable


def test_escape_sequences_become_visible_symbols() -> None:
    shown = printable("a\x1b[2Jb\x1b]52;c;aGk=\x07")
    assert "\x1b" not in shown and "\x07" not in shown
    assert shown.startswith("a␛[2Jb")


def test_bidi_overrides_are_shown_not_obeyed() -> None:
    shown = printable("invoice\u202egpj.exe")
    assert "\u202e" not in shown
    assert "<U+202E>" in shown


def test_c1_controls_are_escaped() -> None:
    assert printable("x\x9by") == "x<U+009B>y"


def test_plain_text_and_tabs_pass_through() -> None:
    assert printable("开源 notes\tok") == "开源 notes\tok"


def test_one_line_flattens_newlines() -> None:
    assert one_line("a\nb\r\nc") == "a b c"
