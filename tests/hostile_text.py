"""Hostile note text shared by the tests that check notes are shown as data, never obeyed.

A note may contain ANSI/OSC sequences (clear screen, set the clipboard), Rich or
Textual markup (links, `@click` actions) and bidi overrides; `write_hostile_notes`
puts one such note (and a plain one) in a root.
"""

from __future__ import annotations

from pathlib import Path

ESC_CLEAR = "\x1b[2J"
OSC_CLIPBOARD = "\x1b]52;c;ZXZpbA==\x07"
MARKUP = ("[bold]x[/bold]", "[link=https://evil]l[/link]", "[@click=app.quit]q[/]")
RLO = "\u202e"
HOSTILE = (
    "---\ntitle: Evil " + ESC_CLEAR + " title " + RLO + "fdp.exe\ntags: [hostile]\n---\n\n"
    "okapi intro " + OSC_CLIPBOARD + " " + " ".join(MARKUP) + "\n"
    "c1 csi \x9b31m del \x7f bell \x07 cr\roverwrite " + RLO + "gpj.exe\n\n"
    "## Section " + ESC_CLEAR + " [link=https://evil]heading[/link]\n\n"
    "okapi in section " + OSC_CLIPBOARD + " [@click=app.quit]q[/]\n\n"
    "```sh\nrm -rf / " + ESC_CLEAR + "\n```\n\n"
    "see https://example.com/" + "\x1b]8;;https://evil\x1b\\" + "x and [a](https://ok.example/a)\n"
)
# Everything that must never reach a terminal raw: C0 (except LF/TAB), DEL, C1, bidi.
RAW_CONTROLS = {chr(c) for c in range(0x20) if c not in (0x09, 0x0A)} | {"\x7f"}
RAW_CONTROLS |= {chr(c) for c in range(0x80, 0xA0)}
BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def raw_controls(text: str, *, allow_newline: bool = True) -> set[str]:
    """The characters of `text` a terminal would obey instead of show."""
    bad = RAW_CONTROLS | BIDI
    if not allow_newline:
        bad = bad | {"\n"}
    return {ch for ch in text if ch in bad}


def write_hostile_notes(root: Path) -> Path:
    """`evil.md` (everything above) and `plain.txt` in `root` (created); both mention okapi."""
    root.mkdir()
    (root / "evil.md").write_text(HOSTILE, encoding="utf-8")
    (root / "plain.txt").write_text("Plain\n\nokapi " + ESC_CLEAR + " [b]x[/b]\n")
    return root
