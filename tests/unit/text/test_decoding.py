"""Decoding: every note file becomes text (or a clear skip), never an exception."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from tui.core.text.decoding import decode_bytes, read_note_file

CHINESE = "推理引擎的笔记：今天整理了内存和算力的问题。\n第二行写点别的内容。\n"


def test_plain_utf8_is_decoded_without_warnings() -> None:
    decoded = decode_bytes("héllo 世界\n".encode())
    assert decoded.text == "héllo 世界\n"
    assert decoded.encoding == "utf-8"
    assert decoded.bom == b""
    assert decoded.warnings == []


def test_utf8_bom_is_removed_from_text_but_remembered() -> None:
    decoded = decode_bytes(codecs.BOM_UTF8 + b"# Title\n")
    assert decoded.text == "# Title\n"
    assert decoded.bom == codecs.BOM_UTF8


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_with_bom(encoding: str) -> None:
    bom = {
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE,
        "utf-32-be": codecs.BOM_UTF32_BE,
    }[encoding]
    decoded = decode_bytes(bom + "笔记 note\n".encode(encoding))
    assert decoded.text == "笔记 note\n"
    assert decoded.encoding == encoding


def test_gb18030_chinese_note_is_recognised() -> None:
    decoded = decode_bytes(CHINESE.encode("gb18030"))
    assert decoded.encoding == "gb18030"
    assert decoded.text == CHINESE
    assert decoded.warnings == []


def test_latin1_text_is_not_mistaken_for_chinese() -> None:
    # These bytes happen to be valid GB18030 ("Gr鲞e ...") but are German: detection
    # reads them as a Western code page, and says it guessed.
    decoded = decode_bytes("Größe Übermaßen\n".encode("latin-1"), display_name="de.txt")
    assert decoded.encoding != "gb18030"
    assert decoded.text == "Größe Übermaßen\n"
    assert any("de.txt" in w and "guessed" in w for w in decoded.warnings)


def test_damaged_utf8_stays_utf8_with_only_the_bad_bytes_replaced() -> None:
    data = "Größe 笔记 ".encode() + b"\xff\n"
    decoded = decode_bytes(data, display_name="d.md")
    assert decoded.encoding == "utf-8"
    assert decoded.text == "Größe 笔记 \ufffd\n"
    assert any("U+FFFD" in w for w in decoded.warnings)


def test_undecodable_garbage_never_passes_silently() -> None:
    decoded = decode_bytes(b"\xaa\xa1\xaa\xa2\xaa\xa3 hello\x81\xff")
    assert decoded.text.endswith(" hello\ufffd\ufffd") or decoded.encoding != "utf-8"
    assert decoded.warnings


# Written for these tests (a gardening diary), one per legacy encoding.
BIG5_NOTE = (
    "今天整理了書架上的舊筆記，發現很多關於園藝的心得。冬天的時候要記得把盆栽搬進室內，"
    "澆水也要減少。\n下週打算買一些新的種子。\n"
)
SJIS_NOTE = (
    "今日は庭の手入れについてのメモを整理しました。冬の間は鉢植えを室内に入れて、"
    "水やりを控えめにすること。\n来週は新しい種を買う予定です。\n"
)
EUCKR_NOTE = (
    "오늘은 정원 가꾸기에 대한 메모를 정리했습니다. 겨울에는 화분을 실내로 옮기고 "
    "물을 적게 주어야 합니다.\n다음 주에는 새 씨앗을 살 예정입니다.\n"
)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [(BIG5_NOTE, "big5"), (SJIS_NOTE, "shift_jis"), (EUCKR_NOTE, "euc_kr")],
    ids=["big5", "shift-jis", "euc-kr"],
)
def test_legacy_cjk_encodings_are_detected_without_a_warning(text: str, encoding: str) -> None:
    decoded = decode_bytes(text.encode(encoding), display_name="n.md")
    assert decoded.text == text
    assert decoded.warnings == []
    assert text.encode(decoded.encoding) == text.encode(encoding)  # writes back byte for byte


def test_euc_kr_is_no_longer_read_as_gb18030() -> None:
    """EUC-KR Hangul bytes are valid GB2312 Han; the spacing of Korean words gives it away."""
    decoded = decode_bytes(EUCKR_NOTE.encode("euc_kr"))
    assert decoded.encoding != "gb18030"
    assert "정원" in decoded.text


@pytest.mark.parametrize(
    ("text", "encoding"),
    [("園藝筆記：冬天澆水要減少。\n", "big5"), ("庭のメモ：冬は水やりを控えめに。\n", "shift_jis"),
     ("정원 메모: 겨울에는 물을 적게.\n", "euc_kr")],
    ids=["big5", "shift-jis", "euc-kr"],
)
def test_a_short_note_is_a_guess_and_says_so(text: str, encoding: str) -> None:
    decoded = decode_bytes(text.encode(encoding), display_name="short.md")
    assert decoded.text == text
    assert len(decoded.warnings) == 1
    assert "short.md" in decoded.warnings[0] and "guessed" in decoded.warnings[0]


def test_crlf_is_normalised_and_reported() -> None:
    decoded = decode_bytes(b"a\r\nb\r\nc\n")
    assert decoded.text == "a\nb\nc\n"
    assert decoded.newline == "\r\n"
    assert decode_bytes(b"a\nb\r\nc\n").newline == "\n"


def test_binary_file_is_skipped_with_warning(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    warnings: list[str] = []
    assert read_note_file(path, display_name="image.txt", warnings=warnings) is None
    assert warnings == ["image.txt: skipped binary file"]


def test_utf16_file_is_not_treated_as_binary(tmp_path: Path) -> None:
    path = tmp_path / "win.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "Windows note\r\n".encode("utf-16-le"))
    decoded = read_note_file(path)
    assert decoded is not None
    assert decoded.text == "Windows note\n"


def test_large_file_keeps_whole_lines_only(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_text("".join(f"line {i} 数据\n" for i in range(1000)), encoding="utf-8")
    warnings: list[str] = []
    decoded = read_note_file(path, max_bytes=100, display_name="big.md", warnings=warnings)
    assert decoded is not None
    assert decoded.truncated
    assert decoded.text.endswith("\n")
    assert len(decoded.text.encode()) <= 100
    assert decoded.text.splitlines()[0] == "line 0 数据"
    assert any("big.md" in w and "100" in w for w in warnings)


def test_missing_file_and_directory_return_none(tmp_path: Path) -> None:
    warnings: list[str] = []
    assert read_note_file(tmp_path / "gone.md", display_name="gone.md", warnings=warnings) is None
    assert read_note_file(tmp_path, display_name="folder.md", warnings=warnings) is None
    assert len(warnings) == 2
    assert "gone.md" in warnings[0]
    assert "folder.md" in warnings[1]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read anything")
def test_unreadable_file_returns_none(tmp_path: Path) -> None:
    path = tmp_path / "secret.md"
    path.write_text("x", encoding="utf-8")
    path.chmod(0)
    warnings: list[str] = []
    try:
        assert read_note_file(path, display_name="secret.md", warnings=warnings) is None
    finally:
        path.chmod(0o644)
    assert warnings and "secret.md" in warnings[0]


def test_named_pipe_is_skipped_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    warnings: list[str] = []
    assert read_note_file(fifo, display_name="pipe.md", warnings=warnings) is None
    assert warnings and "pipe.md" in warnings[0]


def test_chinese_with_spaces_between_words_is_still_gb18030() -> None:
    """The Korean-spacing check only sends it to detection, which still reads Chinese."""
    text = "今天 天气 很好 我们 去 公园 散步 然后 回家 写 笔记 整理 一下 这周 的 工作 内容\n" * 3
    decoded = decode_bytes(text.encode("gb18030"))
    assert (decoded.encoding, decoded.text, decoded.warnings) == ("gb18030", text, [])


@pytest.mark.parametrize("text", [
    "# Notes\n\nA naïve plan.\n",
    "Grüße aus München, schöne Straße\n",
    "# Café\n\ncrème brûlée, déjà vu\n",
])
def test_western_latin1_text_with_few_accents_reads_as_western(text: str) -> None:
    decoded = decode_bytes(text.encode("latin-1"))
    assert decoded.text == text and decoded.encoding == "cp1252"


@pytest.mark.parametrize(("encoding", "text"), [
    ("cp1250", "Příliš žluťoučký kůň úpěl ďábelské ódy, řeřicha a čočka\n"),
    ("cp1250", "Zażółć gęślą jaźń, Łódź, Kraków i Wrocław są piękne\n"),
    ("cp1251", "Съешь же ещё этих мягких французских булок, да выпей чаю\n"),
])
def test_central_european_and_cyrillic_text_keep_their_code_page(encoding: str, text: str) -> None:
    assert decode_bytes(text.encode(encoding)).text == text


def test_a_large_note_of_one_long_line_keeps_its_first_bytes_searchable(tmp_path: Path) -> None:
    """A minified export or pasted log is one line: cutting at the last newline kept
    only its title (TRY4 §3); now it is cut between words, else between characters."""
    path = tmp_path / "one-line.md"
    path.write_text("# Export\n\nstartword " + "数据 lorem " * 100 + "tailword\n", encoding="utf-8")
    warnings: list[str] = []
    decoded = read_note_file(path, max_bytes=300, display_name="one-line.md", warnings=warnings)
    assert decoded is not None and decoded.truncated
    assert "startword" in decoded.text and "tailword" not in decoded.text
    assert len(decoded.text.encode()) <= 300 and len(decoded.text.encode()) > 250
    assert warnings == ["one-line.md: larger than 300 bytes; only its first 300 bytes are indexed"]
    spaceless = tmp_path / "minified.json"
    spaceless.write_text("{" + "\"数\":1," * 200 + "}", encoding="utf-8")
    decoded = read_note_file(spaceless, max_bytes=301)
    assert decoded is not None and "\ufffd" not in decoded.text
    assert len(decoded.text.encode()) in range(298, 302) and decoded.text.startswith("{\"数\":1,")
