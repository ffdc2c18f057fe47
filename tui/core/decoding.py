"""Turn the bytes of a note file into text without ever failing.

Personal notes come in whatever encoding the editor of the day used: UTF-8 (with
or without a BOM), UTF-16 from Windows tools, GB18030 from older Chinese
software. We sniff in a fixed order so the same file always decodes the same
way, and fall back to lossy UTF-8 with a warning rather than dropping a note.
"""

from __future__ import annotations

import codecs
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from tui.core.textfold import HAN_CLASS, is_han

DEFAULT_MAX_BYTES = 32 * 1024 * 1024
BINARY_SNIFF_BYTES = 8 * 1024
_HAN_RUN_RE = re.compile(f"[{HAN_CLASS}]+")

# UTF-32 BOMs must be tested before UTF-16: the UTF-32 LE BOM starts with the
# UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(slots=True)
class DecodedText:
    """Decoded note text plus what is needed to write it back faithfully.

    `text` has its BOM removed and CRLF line ends normalised to LF; `bom` and
    `newline` record the original form.
    """

    text: str
    encoding: str
    bom: bytes = b""
    newline: str = "\n"
    truncated: bool = False
    warnings: list[str] = field(default_factory=list)


def _dominant_newline(text: str) -> str:
    """Pick the line ending most lines use, so a rewrite keeps the file's style."""
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    return "\r\n" if crlf > lf else "\n"



def _han_weight(ch: str) -> float:
    """How typical a Han character is: 1 for GB2312, 0.5 for Big5-only, else 0.

    Mojibake from Latin-1 bytes lands mostly on rare characters outside both
    tables; Big5-only characters get half weight because traditional text
    legitimately uses them but so does some mojibake.
    """
    try:
        ch.encode("gb2312")
        return 1.0
    except UnicodeEncodeError:
        pass
    try:
        ch.encode("big5")
        return 0.5
    except UnicodeEncodeError:
        return 0.0


def _plausibly_chinese(text: str) -> bool:
    """Guess whether a GB18030 decoding is real Chinese rather than mojibake.

    Latin-1 or random bytes often decode "successfully" as GB18030, but into
    rare characters, private-use code points and control characters. Real
    Chinese text is dominated by common characters.
    """
    han = 0
    common = 0.0
    garbage = 0
    for ch in text:
        if is_han(ch):
            han += 1
            common += _han_weight(ch)
            continue
        if ch in "\n\r\t":
            continue
        category = unicodedata.category(ch)
        if category in ("Co", "Cn", "Cs") or (category == "Cc"):
            garbage += 1
    if han == 0:
        return False
    if garbage > max(2, len(text) // 100):
        return False
    # Latin-1 accents decode as lone Han characters inside Latin words
    # ("Gr鲞e"); real Chinese comes in runs of several characters.
    in_runs = sum(len(run) for run in _HAN_RUN_RE.findall(text) if len(run) >= 2)
    if in_runs / han < 0.5:
        return False
    return common / han >= 0.6


def _decode_body(body: bytes, encoding: str) -> str:
    return body.decode(encoding, errors="replace")


def decode_bytes(data: bytes, display_name: str = "<bytes>") -> DecodedText:
    """Decode note bytes: BOM, then strict UTF-8, then GB18030, then lossy UTF-8.

    Never raises; a lossy decode carries a warning naming `display_name`.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            warnings: list[str] = []
            try:
                text = body.decode(encoding)
            except UnicodeDecodeError:
                text = _decode_body(body, encoding)
                warnings.append(f"{display_name}: invalid {encoding} bytes replaced with U+FFFD")
            return _finish(text, encoding, bom, warnings)
    try:
        return _finish(data.decode("utf-8"), "utf-8", b"", [])
    except UnicodeDecodeError:
        pass
    try:
        gb_text = data.decode("gb18030")
    except UnicodeDecodeError:
        gb_text = None
    if gb_text is not None and _plausibly_chinese(gb_text):
        return _finish(gb_text, "gb18030", b"", [])
    text = data.decode("utf-8", errors="replace")
    return _finish(
        text,
        "utf-8",
        b"",
        [f"{display_name}: not valid UTF-8; undecodable bytes replaced with U+FFFD"],
    )


def _finish(text: str, encoding: str, bom: bytes, warnings: list[str]) -> DecodedText:
    newline = _dominant_newline(text)
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    return DecodedText(text=text, encoding=encoding, bom=bom, newline=newline, warnings=warnings)


def looks_binary(data: bytes) -> bool:
    """A NUL byte early on means an image or database, not a note.

    UTF-16/32 text is full of NULs, so files with those BOMs are exempt.
    """
    if data.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
    ):
        return False
    return b"\x00" in data[:BINARY_SNIFF_BYTES]


def _cut_at_line(data: bytes, max_bytes: int) -> bytes:
    """Keep whole lines only, so a truncated note never ends mid-character."""
    head = data[:max_bytes]
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return head[: len(head) - len(head) % 4]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head[: len(head) - len(head) % 2]
    cut = head.rfind(b"\n")
    return head[: cut + 1] if cut >= 0 else head


def read_note_file(
    path: Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    display_name: str | None = None,
    warnings: list[str] | None = None,
) -> DecodedText | None:
    """Read and decode one note; None for binary or unreadable files.

    Never raises: a file can vanish or lose permissions between the walk and the
    read. Every warning names `display_name` (the caller's relative path) and is
    also appended to `warnings` when given, which is the only place the reason
    for a None result is reported.
    """
    name = display_name if display_name is not None else str(path)
    sink: list[str] = warnings if warnings is not None else []
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            # A FIFO or device would block or never end; notes are regular files.
            sink.append(f"{name}: not a regular file; skipped")
            return None
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        sink.append(f"{name}: file vanished before it could be read")
        return None
    except IsADirectoryError:
        sink.append(f"{name}: is a directory, not a note file")
        return None
    except PermissionError:
        sink.append(f"{name}: permission denied")
        return None
    except OSError as exc:
        sink.append(f"{name}: cannot read ({exc.strerror or exc})")
        return None
    if looks_binary(data):
        sink.append(f"{name}: skipped binary file")
        return None
    truncated = len(data) > max_bytes
    if truncated:
        data = _cut_at_line(data, max_bytes)
    decoded = decode_bytes(data, display_name=name)
    if "\x00" in decoded.text:
        # A NUL past the binary sniff: SQLite's full-text index stops reading a
        # string at NUL, so everything after it would be unfindable.
        decoded.text = decoded.text.replace("\x00", "\ufffd")
        decoded.warnings.append(f"{name}: NUL characters replaced with U+FFFD")
    if truncated:
        if decoded.encoding.startswith(("utf-16", "utf-32")) and "\n" in decoded.text:
            decoded.text = decoded.text[: decoded.text.rfind("\n") + 1]
        decoded.truncated = True
        decoded.warnings.append(
            f"{name}: larger than {max_bytes} bytes; only the beginning is indexed"
        )
    sink.extend(decoded.warnings)
    return decoded
