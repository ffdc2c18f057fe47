"""Turn the bytes of a note file into text without ever failing.

Personal notes come in whatever encoding the editor of the day used: UTF-8 (with
or without a BOM), UTF-16 from Windows tools, GB18030 from older Chinese
software, Big5 from Taiwan and Hong Kong, Shift-JIS, EUC-KR. The fast path is
fixed (BOM, strict UTF-8, GB18030 that reads as Chinese), so the same file always
decodes the same way; anything else goes to `charset-normalizer`, which picks the
encoding whose text reads as a language. A pick without language evidence is a
guess and says so in a warning; nothing decodable at all falls back to lossy UTF-8
with a warning rather than dropping a note.
"""

from __future__ import annotations

import codecs
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.core.text.fold import HAN_CLASS, is_han
from tui.core.text.lazy_re import lazy_compile

DEFAULT_MAX_BYTES = 32 * 1024 * 1024
BINARY_SNIFF_BYTES = 8 * 1024
_HAN_RUN_RE = lazy_compile(f"[{HAN_CLASS}]+")
_SPACED_HAN_RE = lazy_compile(f"[{HAN_CLASS}] +(?=[{HAN_CLASS}])")
# What detection may choose from: the legacy encodings notes really come in. Strict
# decoding is required, so the choice always round-trips when a tag is written back.
DETECTABLE = (
    "big5", "cp950", "big5hkscs", "shift_jis", "cp932", "euc_jp", "euc_kr", "cp949",
    "gb18030", "cp1252", "cp1250", "cp1251", "koi8_r", "cp1253", "cp1254", "cp1257",
)
# Single-byte code pages in the order notes come in them: a tie (the same text, or
# too few letters to tell) goes to the first, so `naïve` in Latin-1 is not `naďve`.
SINGLE_BYTE_ORDER = ("cp1252", "cp1250", "cp1251", "cp1254", "cp1257", "cp1253", "koi8_r")
MIN_EVIDENCE_CHARS = 16  # fewer non-ASCII characters than this: any pick is a guess
DETECT_SAMPLE_BYTES = 256 * 1024  # detection reads this much; the whole file is decoded

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


def _spaced_like_korean(text: str) -> bool:
    """EUC-KR Hangul decodes as common GB2312 Han; Korean spaces its words, Chinese doesn't."""
    han = sum(1 for ch in text if is_han(ch))
    return han > 0 and len(_SPACED_HAN_RE.findall(text)) * 8 >= han


_KOREAN = ("euc_kr", "cp949", "iso2022_kr", "johab")
_JAPANESE = ("shift_jis", "cp932", "euc_jp", "euc_jis_2004", "shift_jis_2004", "iso2022_jp")


def _in_ks_x_1001(ch: str) -> bool:
    """One of the 2,350 common syllables (CPython's euc_kr spells the rest in 8 bytes)."""
    try:
        return len(ch.encode("euc_kr")) == 2
    except UnicodeEncodeError:
        return False


def _script_fits(encoding: str, text: str) -> bool:
    """Reject readings whose script contradicts the encoding's language.

    Short CJK notes decode strictly in several encodings; Korean text is mostly
    common Hangul and Japanese text always has kana, so e.g. a Big5 note read as
    CP949 (rare syllables) or GBK read as Shift-JIS (no kana) is not a candidate.
    """
    if encoding in _KOREAN:
        hangul = [ch for ch in text if "\uac00" <= ch <= "\ud7a3"]
        # Everyday Korean lives in KS X 1001's 2,350 syllables; CP949's other 8,822
        # are what another encoding's bytes turn into.
        common = sum(1 for ch in hangul if _in_ks_x_1001(ch))
        return len(hangul) >= sum(1 for ch in text if is_han(ch)) and common >= 0.9 * len(hangul)
    if encoding in _JAPANESE:
        kana = sum(1 for ch in text if "\u3041" <= ch <= "\u30ff")
        return kana > 0 or not any(is_han(ch) for ch in text)
    return True


def _clearly_gb18030(data: bytes, gb_text: str) -> bool:
    """The fast path: reads as Chinese, not as spaced Korean, and not a short maybe-Big5.

    A few Big5 characters are often valid, common GB characters too ("園藝" -> "堕美");
    with little text that ambiguity goes to detection, which warns that it guessed.
    """
    if not _plausibly_chinese(gb_text) or _spaced_like_korean(gb_text):
        return False
    if sum(1 for ch in gb_text if is_han(ch)) >= MIN_EVIDENCE_CHARS:
        return True
    try:
        data.decode("big5")
    except UnicodeDecodeError:
        return True
    return False


def _damaged_utf8(data: bytes) -> bool:
    """UTF-8 with a few bad bytes (more valid non-ASCII than invalid): keep it UTF-8.

    Any code page would decode it "successfully" and turn every good character
    into mojibake; lossy UTF-8 loses only the bad bytes.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ch > "\x7f") - bad
    return good > bad


def _detect(data: bytes, display_name: str) -> tuple[str, str, list[str]] | None:
    """(text, encoding, warnings) from charset-normalizer, or None when nothing fits."""
    try:
        from charset_normalizer import from_bytes  # ~40 ms: only an unknown encoding pays it

        matches = from_bytes(data[:DETECT_SAMPLE_BYTES], cp_isolation=list(DETECTABLE))
    except Exception:  # a detector bug must not cost the note
        return None
    fitting = [m for m in matches if _script_fits(m.encoding, str(m))]
    best = fitting[0] if fitting else matches.best()
    if best is None:
        return None
    encoding = _tie_broken(best, fitting or list(matches))
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None  # the sample decoded, the whole file does not: not this encoding
    warnings = []
    evidence = sum(1 for ch in text if ch > "\x7f")
    if evidence < MIN_EVIDENCE_CHARS or best.coherence < 0.05 or best.chaos > 0.1:
        language = f", {best.language}" if best.language != "Unknown" else ""
        warnings.append(
            f"{display_name}: encoding guessed as {encoding}{language}; "
            "re-save it as UTF-8 if the text looks wrong"
        )
    return text, encoding, warnings


def _tie_broken(best: Any, matches: list[Any]) -> str:
    """`best`'s encoding, or the likelier single-byte code page that reads as well.

    charset-normalizer orders equally good matches by name, so `cp1250` (Central
    European) won every tie with `cp1252` (Western European), the far more common.
    """
    if best.encoding not in SINGLE_BYTE_ORDER:
        return best.encoding
    score = (best.chaos, best.coherence)
    tied = {name for m in matches if (m.chaos, m.coherence) == score
            for name in m.could_be_from_charset}
    return next((name for name in SINGLE_BYTE_ORDER if name in tied), best.encoding)


def _decode_body(body: bytes, encoding: str) -> str:
    return body.decode(encoding, errors="replace")


def decode_bytes(data: bytes, display_name: str = "<bytes>") -> DecodedText:
    """Decode note bytes: BOM, strict UTF-8, GB18030, detection, then lossy UTF-8.

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
    if gb_text is not None and _clearly_gb18030(data, gb_text):
        return _finish(gb_text, "gb18030", b"", [])
    detected = None if _damaged_utf8(data) else _detect(data, display_name)
    if detected is not None:
        return _finish(*detected[:2], b"", detected[2])
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


LINE_CUT_SLACK = 64 * 1024  # a cut at a line or word end drops at most this much more


def _cut_at_line(data: bytes, max_bytes: int) -> bytes:
    """The first `max_bytes` of a note, cut where no character is split.

    Whole lines when a line ends near the limit; a file that is one long line
    (minified JSON, a pasted log) is cut between words, else between UTF-8
    characters, so its first 32 MB stay searchable instead of only the lines
    before that line.
    """
    head = data[:max_bytes]
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return head[: len(head) - len(head) % 4]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head[: len(head) - len(head) % 2]
    slack = min(LINE_CUT_SLACK, len(head) // 2)
    floor = len(head) - slack
    cut = head.rfind(b"\n")
    if cut >= floor:
        return head[: cut + 1]
    space = max(head.rfind(b" ", floor), head.rfind(b"\t", floor))
    if space >= 0:
        return head[:space]
    return head[: _utf8_boundary(head)]


def _utf8_boundary(head: bytes) -> int:
    """Where `head` ends without a UTF-8 character cut in two."""
    start = len(head)
    while start > max(0, len(head) - 4) and head[start - 1] & 0xC0 == 0x80:
        start -= 1
    if start == 0 or head[start - 1] < 0xC0:
        return len(head) if start == len(head) or head[start - 1] < 0x80 else start
    lead = head[start - 1]
    needed = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
    return len(head) if len(head) - (start - 1) >= needed else start - 1


def _size_text(count: int) -> str:
    mb = 1024 * 1024
    return f"{count // mb} MB" if count >= mb and count % mb == 0 else f"{count} bytes"


def _unread(exc: OSError, name: str) -> str:
    """The warning for a note that could not be read."""
    if isinstance(exc, FileNotFoundError):
        return f"{name}: file vanished before it could be read"
    if isinstance(exc, IsADirectoryError):
        return f"{name}: is a directory, not a note file"
    if isinstance(exc, PermissionError):
        return f"{name}: permission denied"
    return f"{name}: cannot read ({exc.strerror or exc})"


def read_note_file(
    path: Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    display_name: str | None = None,
    warnings: list[str] | None = None,
    read_errors: list[OSError] | None = None,
) -> DecodedText | None:
    """Read and decode one note; None for binary or unreadable files.

    Never raises: a file can vanish or lose permissions between the walk and the
    read. Every warning names `display_name` (the caller's relative path) and is
    also appended to `warnings` when given, which is the only place the reason
    for a None result is reported. A read that failed (the file gone, no
    permission, an I/O error: it may pass) also leaves its error in `read_errors`.
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
    except OSError as exc:
        if read_errors is not None:
            read_errors.append(exc)
        sink.append(_unread(exc, name))
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
            f"{name}: larger than {_size_text(max_bytes)}; only its first "
            f"{_size_text(max_bytes)} are indexed"
        )
    sink.extend(decoded.warnings)
    return decoded
