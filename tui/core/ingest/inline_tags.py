"""Find `#tags` written inside note text, Obsidian/Bear style.

A `#` means many things in notes: headings, URL fragments, HTML entities,
colour codes, issue numbers and code. Only a `#` at the start of a word,
followed by a letter, is a tag, and code is never scanned.

Code and URL pieces outside backticks are common too, so two more rules:
- `#word=` is not a tag (`#targetText=hello`, `#page=2`, `#:~:text=`): a tag is a
  label, never assigned to; `=` right after the word only follows URL fragments
  and code.
- A line that starts (after `>` quote marks and indentation) with `#!` or a
  preprocessor directive followed by more on the line (`#define NAME 0x80`,
  `#include <stdio.h>`, `#if X`, `#pragma once`) is code: none of its `#`s are
  tags. A lone `#define` or `#import` on a line is still a tag: people do tag
  with those words, and code never has the directive alone.

Judgement call on colours: a token made only of hex digits is a colour when it
is 6 characters long (`#a0b1c2`, `#ffffff`) or 3 characters containing a digit
or one repeated letter (`#f00`, `#fff`, `#eee`). Other 3-letter hex words such
as `#bad`, `#add` or `#fed` stay tags, because people tag with words far more
often than they write colours in prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# A tag starts with a letter (`[^\W\d_]`), then letters, digits, `_`, `-`, `/`.
# After a space, a bracket, or CJK text/punctuation (Chinese has no spaces before
# a tag: `混合排序（hybrid search）#ai`), but never inside a Latin word (`C#`, URLs).
_TAG_RE = re.compile(
    r"(?:^|(?<=[\s(（\u3000-\u303f\uff00-\uffef\u3400-\u4dbf\u4e00-\u9fff]))"
    r"#([^\W\d_][\w/-]*)",
    re.UNICODE,
)
_INLINE_CODE_RE = re.compile(r"(`+)(?:(?!\1).)+?\1")
# Link targets: `[[Note#Heading|alias]]` (Obsidian) and `](page#anchor)` (Markdown). The
# `#` there names a heading; after Han text (`[[関数#hasTag]]`) it looked like a tag.
_LINK_TARGET_RE = re.compile(r"\[\[[^\]\n]*\]\]|\]\([^)\n]*\)")
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEX_RE = re.compile(r"[0-9a-fA-F]+")
_MAYBE_TAG_RE = re.compile(r"#[^\W\d_]")  # what every tag starts with
# `#!/bin/sh`, or a C/C#/Objective-C directive with something after it.
_CODE_LINE_RE = re.compile(
    r"^[\s>]*#(?:!|(?:define|include|import|if|ifdef|ifndef|elif|else|endif|undef|pragma"
    r"|error|warning|line|region|endregion)(?:\s+\S|[<\"]))"
)


def _is_colour(token: str) -> bool:
    if not _HEX_RE.fullmatch(token):
        return False
    if len(token) == 6:
        return True
    if len(token) == 3:
        return any(ch.isdigit() for ch in token) or len(set(token.lower())) == 1
    return False


def _code_free_lines(text: str) -> list[str]:
    """The text's lines with fenced blocks blanked, inline code and link targets removed."""
    out: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        match = _FENCE_RE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            out.append("")
            continue
        if match:
            fence = match.group(1)
            out.append("")
            continue
        line = _INLINE_CODE_RE.sub(" ", line)
        # `]`, not a space: `[[a]]#t` stays no tag (a tag never follows a bracket).
        out.append(_LINK_TARGET_RE.sub("]", line) if "](" in line or "[[" in line else line)
    return out


def find_inline_tags(text: str) -> list[str]:
    """Return the inline tags of `text` in order of first use, without duplicates.

    Duplicates are detected case-insensitively (`#AI` and `#ai` are one tag);
    the first spelling wins. Trailing `/` and `-` are dropped (`#tag/` is `tag`).
    """
    seen: set[str] = set()
    tags: list[str] = []
    if _MAYBE_TAG_RE.search(text) is None:  # most texts: a heading's `## ` at most
        return tags
    for line in _code_free_lines(text):
        if "#" not in line or _CODE_LINE_RE.match(line):
            continue
        for match in _TAG_RE.finditer(line):
            end = match.end()
            if line[end:end + 1] == "=":  # `#targetText=hello`: a URL fragment
                continue
            tag = match.group(1).rstrip("/-")
            if not tag or _is_colour(tag):
                continue
            key = tag.casefold()
            if key not in seen:
                seen.add(key)
                tags.append(tag)
    return tags


def merge_tags(*groups: Iterable[str]) -> list[str]:
    """Union of tag lists in order; `AI` and `ai` are one tag (first spelling kept)."""
    seen: set[str] = set()
    out: list[str] = []
    for group in groups:
        for tag in group:
            key = tag.casefold()
            if tag and key not in seen:
                seen.add(key)
                out.append(tag)
    return out
