"""Taking a tag edit back from a file that changed since, when the edit's lines did not.

A tag edit changes one line or block (the front matter's `tags`). Someone editing
the body afterwards should not make `u` refuse: the edit is reversed on the file
as it is now, provided everything up to the edited lines, the edited lines
themselves and the line after them are still exactly as the edit left them.
Lines are compared as bytes (any encoding and line ending stays as it is).
"""

from __future__ import annotations

__all__ = ["reverse_edit"]


def reverse_edit(before: bytes, after: bytes, now: bytes) -> bytes | None:
    """`now` with the edit `before` -> `after` taken back, or None if its lines changed."""
    old, new, current = (data.splitlines(keepends=True) for data in (before, after, now))
    head = _common_head(old, new)
    tail = _common_head(old[head:][::-1], new[head:][::-1])
    edited = new[head:len(new) - tail]
    end = head + len(edited)
    context = new[: end + 1]  # the lines before, the edited ones, and one after
    if current[: len(context)] != context:
        return None
    return b"".join(current[:head] + old[head:len(old) - tail] + current[end:])


def _common_head(a: list[bytes], b: list[bytes]) -> int:
    count = 0
    for left, right in zip(a, b, strict=False):
        if left != right:
            break
        count += 1
    return count
