"""Taking a tag edit back from a file that changed since, when the edit's lines did not.

A tag edit changes one line or block (the front matter's `tags`). Someone editing
the note afterwards should not make `u` refuse: the edit is reversed on the file as it is
now, wherever its lines moved to, provided the edited lines and the lines just
before and after them are still exactly as the edit left them, and are found in
one place only. Lines are compared as bytes (any encoding and line ending stays).
This is for a note's own lines; the sidecar, where every note's tags look alike, is
undone by its data (`tagstore.reverse_sidecar_edit`).
"""

from __future__ import annotations

__all__ = ["reverse_edit"]


def reverse_edit(before: bytes, after: bytes, now: bytes) -> bytes | None:
    """`now` with the edit `before` -> `after` taken back, or None if its lines changed."""
    old, new, current = (data.splitlines(keepends=True) for data in (before, after, now))
    head = _common_head(old, new)
    tail = _common_head(old[head:][::-1], new[head:][::-1])
    edited = new[head:len(new) - tail]
    lead = 1 if head else 0  # the line before the edit, when there is one
    context = new[head - lead: len(new) - tail + 1]  # ... the edit and the line after it
    if old == new:
        return now
    end = len(new) - tail
    # All above it, it and the line after (if any: lines added below a last line are fine)
    check = end + 1 if tail else end
    if current[:check] == new[:check]:
        places = [head - lead]
    else:  # moved: found once, or which copy was the tag's cannot be told
        places = _places(current, context)
        # An edit at the file's start is anchored there, as a line before it would
        # anchor it: a copy of its lines further down is not the tag's.
        if len(places) != 1 or (not head and places[0] != 0):
            return None
    start = places[0] + lead
    restored = current[:start] + old[head:len(old) - tail] + current[start + len(edited):]
    return b"".join(restored)


def _places(lines: list[bytes], block: list[bytes]) -> list[int]:
    """Where `block` occurs in `lines` (at most two places: more than one is too many)."""
    found: list[int] = []
    width = len(block)
    if not width:
        return [0] if not lines else []
    for at in range(len(lines) - width + 1):
        if lines[at] == block[0] and lines[at:at + width] == block:
            found.append(at)
            if len(found) > 1:
                break
    return found


def _common_head(a: list[bytes], b: list[bytes]) -> int:
    count = 0
    for left, right in zip(a, b, strict=False):
        if left != right:
            break
        count += 1
    return count
