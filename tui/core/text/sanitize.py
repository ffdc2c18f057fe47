"""Make note text safe to show: user text is data, never terminal commands.

Notes may contain ANSI/OSC escape sequences, other C0/C1 control characters and
bidi overrides. Printed raw they could clear the screen, set the clipboard or
reorder what the reader sees, so every place that shows note text on a terminal
passes it through `printable` first.
"""

from __future__ import annotations

_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x20):
        if code != 0x09:
            # U+2400 block: "␛" for ESC, "␀" for NUL: visible, one cell wide.
            table[code] = chr(0x2400 + code)
    table[0x7F] = "\u2421"
    for code in range(0x80, 0xA0):
        table[code] = f"<U+{code:04X}>"
    for ch in _BIDI_CONTROLS:
        table[ord(ch)] = f"<U+{ord(ch):04X}>"
    return table


_TABLE = _build_table()


def printable(text: str) -> str:
    """Replace control and bidi characters with visible stand-ins (tabs stay)."""
    if text.isprintable():
        return text
    return text.translate(_TABLE)


_JSON_UNSAFE = {
    code: f"\\u{code:04x}" for code in [*range(0x7F, 0xA0), *map(ord, _BIDI_CONTROLS)]
}


def json_safe(encoded_json: str) -> str:
    """Escape DEL, C1 and bidi controls that `json.dumps(ensure_ascii=False)` leaves raw.

    The result is still valid JSON that decodes to the same strings.
    """
    return encoded_json.translate(_JSON_UNSAFE)


def one_line(text: str) -> str:
    """`printable`, with newlines and tabs turned into spaces, for list rows."""
    return printable(text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))


def from_argv(text: str) -> str:
    """Command-line text as clean Unicode: bytes that were not UTF-8 become U+FFFD.

    Python hands such bytes over as lone surrogates, which SQLite and every
    encoder refuse. Only text (queries, tags, ids) goes through this; paths keep
    their bytes, since a file name need not be UTF-8.
    """
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "replace")
    return raw.decode("utf-8", "replace")
