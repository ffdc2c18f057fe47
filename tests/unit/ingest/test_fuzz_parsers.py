"""A bounded-time fuzz: arbitrary bytes through decode_bytes and parse_note never raise.

The byte strategies mix pure noise with BOM-prefixed, front-matter-shaped,
tweet-digest-shaped and key-table-shaped input, so the fuzzer reaches past the
decoder into every parser. Budget: about 2000 examples per test, well under 90 s.
"""

from __future__ import annotations

import codecs

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.ingest.entry import split_lines
from tui.core.ingest.note_parser import parse_note
from tui.core.text.decoding import decode_bytes, looks_binary

pytestmark = pytest.mark.slow

_FUZZ = settings(
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_PREFIXES = [
    b"",
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    b"---\n",
    b"---\ntitle: ",
    b"---\r\ntags: [",
    b"+++\ntitle = \"",
    b"# ",
    b"### 1\n\n\xe4\xbd\x9c\xe8\x80\x85: @x\n",
    b"{ key = '",
    b"key  app  function  note\n",
]
_SNIPPETS = [
    b"\n", b"\r\n", b"\r", b"---", b"+++", b"# ", b"## ", b"### 7\n", b"```", b"~~~",
    b"tags: [a, b", b"title: ", b"date: 2024-02-30", b"!!python/object:x", b"\x00",
    b"\xff\xfe", b"\xe4\xb8\xad", b"\xd6\xd0", b"\x1b[2J", b"\xe2\x80\xae", b"#tag ",
    b"https://x.com/a/status/1", b"Likes: 1.5k", b"mods = 'CTRL'", b"  \t", b"===",
]
_bytes = st.one_of(
    st.binary(max_size=2048),
    st.builds(
        lambda prefix, body: prefix + body,
        st.sampled_from(_PREFIXES),
        st.binary(max_size=512),
    ),
    st.builds(
        lambda prefix, parts: prefix + b"".join(parts),
        st.sampled_from(_PREFIXES),
        st.lists(st.one_of(st.sampled_from(_SNIPPETS), st.binary(max_size=8)), max_size=80),
    ),
)


@_FUZZ
@given(_bytes, st.sampled_from(["n.md", "n.txt", "tweets/digest.md", "keys.markdown"]))
def test_arbitrary_bytes_decode_and_parse(data: bytes, name: str) -> None:
    decoded = decode_bytes(data, display_name=name)
    assert isinstance(decoded.text, str)
    assert all(name in warning for warning in decoded.warnings)
    looks_binary(data)
    parsed = parse_note(name, decoded.text)
    assert parsed.entries and parsed.entries[0].kind == "note"
    total = len(split_lines(decoded.text))
    for entry in parsed.entries:
        assert 1 <= entry.line <= entry.end_line <= total
    for warning in parsed.warnings:
        assert name in warning


@_FUZZ
@given(st.text(max_size=1024), st.sampled_from(["utf-8", "utf-16", "utf-32", "gb18030"]))
def test_text_in_any_supported_encoding_round_trips_through_the_decoder(
    text: str, encoding: str
) -> None:
    """With a BOM (utf-16/32 add one) or valid UTF-8, decoding gives the text back."""
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    decoded = decode_bytes(data)
    if encoding == "gb18030" and (decoded.encoding != "gb18030" or decoded.warnings):
        assert decoded.encoding == "utf-8" or decoded.warnings  # never a silent other reading
        return  # too little Chinese to tell: lossy UTF-8 or a guess, either one warned
    if encoding == "utf-16" and text.startswith("\x00"):
        return  # FF FE 00 00 is the UTF-32 LE BOM: inherently ambiguous
    if encoding == "utf-8" and text.startswith("\ufeff"):
        text = text[1:]  # a leading U+FEFF is a BOM by definition
    assert decoded.text == text.replace("\r\n", "\n")
    assert decoded.warnings == []
    parse_note("n.md", decoded.text)
