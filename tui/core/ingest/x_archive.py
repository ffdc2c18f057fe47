"""The official X/Twitter data export ("Download an archive of your data").

An archive is a directory with `data/tweets.js` (or `data/tweets-part1.js`, … for big
accounts; older exports say `tweet.js`), each a JavaScript assignment such as
`window.YTD.tweets.part0 = [ {"tweet": {...}}, ... ]`, plus `data/account.js` naming
the owner. Every tweet becomes one "tweet" entry shaped like a digest tweet, so search,
sorting by likes and tagging work the same for both.
"""

from __future__ import annotations

import bisect
import html
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from tui.core.ingest.entry import Entry, ParsedFile, number_repeated_ids
from tui.core.ingest.tweet_digest import first_line_title, parse_count

__all__ = ["is_x_archive", "parse_x_archive", "x_archive_sources"]

_TWEET_FILE_RE = re.compile(r"^tweets?(?:-part(\d+))?\.js$")
# Strings (with escapes) and brackets: enough to find where each array element starts/ends.
_TOKEN_RE = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]]', re.DOTALL)


def _tweet_files(directory: Path) -> list[Path]:
    """The archive's tweet data files, `tweets.js` first, then parts in numeric order."""
    data = directory / "data"
    if not data.is_dir():
        return []
    found: list[tuple[int, str, Path]] = []
    try:
        children = list(data.iterdir())
    except OSError:
        return []
    for child in children:
        match = _TWEET_FILE_RE.match(child.name)
        if match and child.is_file():
            part = int(match.group(1)) if match.group(1) else 0
            found.append((part, child.name, child))
    return [path for _, _, path in sorted(found)]


def is_x_archive(directory: Path) -> bool:
    """Whether `directory` is an unpacked X archive, so the walker parses it as one unit."""
    return bool(_tweet_files(directory))


def x_archive_sources(directory: Path) -> list[Path]:
    """The files whose changes mean the archive must be re-parsed (tweets + account)."""
    sources = _tweet_files(directory)
    account = directory / "data" / "account.js"
    if account.is_file():
        sources.append(account)
    return sources


def parse_x_archive(root: Path, archive_dir: Path) -> ParsedFile:
    """Parse every tweet of the archive at `archive_dir` (a folder under notes `root`).

    Never raises: an unreadable or malformed part produces a warning naming the file and
    the other parts are still parsed.
    """
    result = ParsedFile()
    rel_dir = _rel(root, archive_dir)
    username, display_name = _account(root, archive_dir, result.warnings)
    for js in _tweet_files(archive_dir):
        rel_js = _rel(root, js)
        try:
            text = js.read_text(encoding="utf-8-sig", errors="replace")
        except OSError as exc:
            result.warnings.append(f"{rel_js}: cannot read X archive file ({exc})")
            continue
        items = _load_items(text, rel_js, result.warnings)
        for item, line, end_line in items:
            entry = _entry(item, rel_dir, rel_js, archive_dir.name, username, display_name)
            if entry is None:
                continue
            entry.line, entry.end_line = line, end_line
            result.entries.append(entry)
    number_repeated_ids(result.entries)
    return result


def _rel(root: Path, path: Path) -> str:
    """POSIX path of `path` relative to the notes root (or as given when outside it)."""
    try:
        return path.relative_to(root).as_posix() or "."
    except ValueError:
        return path.as_posix()


def _account(root: Path, archive_dir: Path, warnings: list[str]) -> tuple[str, str]:
    """The archive owner's (username, display name), or empty strings when unknown."""
    path = archive_dir / "data" / "account.js"
    if not path.is_file():
        return "", ""
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError as exc:
        warnings.append(f"{_rel(root, path)}: cannot read X archive file ({exc})")
        return "", ""
    for item, _, _ in _load_items(text, _rel(root, path), warnings):
        account = item.get("account", item)
        if isinstance(account, dict) and account.get("username"):
            return str(account["username"]), str(account.get("accountDisplayName") or "")
    return "", ""


def _load_items(text: str, rel: str, warnings: list[str]) -> list[tuple[dict[str, Any], int, int]]:
    """Decode a `window.YTD.x.partN = [...]` file into (item, first line, last line).

    Line numbers come from a bracket scan of the raw text so the viewer can jump to the
    tweet inside the js file. If the array as a whole is malformed, a warning is added
    and whatever elements still decode on their own are kept.
    """
    start = text.find("[")
    if start < 0:
        warnings.append(f"{rel}: not an X archive data file (no JSON array found)")
        return []
    spans = _element_spans(text, start)
    newlines = [m.start() for m in re.finditer("\n", text)]

    def line_of(offset: int) -> int:
        return bisect.bisect_left(newlines, offset) + 1

    body = text[start:].rstrip().rstrip(";").rstrip()
    try:
        data = json.loads(body)
    except ValueError as exc:
        warnings.append(f"{rel}: malformed X archive data ({exc})")
        data = None
    if isinstance(data, list):
        values: list[Any] = data
        if len(values) != len(spans):
            spans = [(0, 0)] * len(values)
    else:
        if data is not None:
            warnings.append(f"{rel}: malformed X archive data (expected a JSON array)")
        values = []
        kept: list[tuple[int, int]] = []
        for lo, hi in spans:
            try:
                values.append(json.loads(text[lo:hi]))
                kept.append((lo, hi))
            except ValueError:
                continue
        spans = kept
    items: list[tuple[dict[str, Any], int, int]] = []
    for value, (lo, hi) in zip(values, spans, strict=True):
        if isinstance(value, dict):
            line = line_of(lo) if hi else 1
            items.append((value, line, max(line, line_of(hi - 1)) if hi else 1))
    return items


def _element_spans(text: str, start: int) -> list[tuple[int, int]]:
    """Offsets [lo, hi) of each object directly inside the array opening at `start`."""
    spans: list[tuple[int, int]] = []
    depth = 0
    element_start = -1
    for match in _TOKEN_RE.finditer(text, start):
        token = match.group(0)
        if token[0] == '"':
            continue
        if token in "[{":
            depth += 1
            if depth == 2 and token == "{":
                element_start = match.start()
        else:
            depth -= 1
            if depth == 1 and token == "}" and element_start >= 0:
                spans.append((element_start, match.end()))
                element_start = -1
            if depth <= 0:
                break
    return spans


def _entry(
    item: dict[str, Any],
    rel_dir: str,
    rel_js: str,
    dir_name: str,
    username: str,
    display_name: str,
) -> Entry | None:
    """One tweet entry from an archive item (with or without the `tweet` wrapper)."""
    tweet = item.get("tweet", item)
    if not isinstance(tweet, dict):
        return None
    tweet_id = str(tweet.get("id_str") or tweet.get("id") or "")
    if not tweet_id:
        return None
    text = _full_text(tweet)
    url = (
        f"https://x.com/{username}/status/{tweet_id}"
        if username
        else f"https://x.com/i/status/{tweet_id}"
    )
    meta: dict[str, Any] = {
        "author": username,
        "date": _iso_date(str(tweet.get("created_at") or "")),
        "url": url,
        "likes": parse_count(tweet.get("favorite_count")),
        "retweets": parse_count(tweet.get("retweet_count")),
        "replies": parse_count(tweet.get("reply_count")),
        "quotes": parse_count(tweet.get("quote_count")),
    }
    if display_name:
        meta["author_name"] = display_name
    return Entry(
        id=f"{rel_dir}#status/{tweet_id}",
        kind="tweet",
        title=first_line_title(text) or _fallback_title(username, meta["date"], tweet_id),
        path=rel_js,
        line=1,
        end_line=1,
        text=text,
        tags=(),
        breadcrumb=f"{dir_name} › tweets",
        meta=meta,
    )


def _fallback_title(username: str, date: str, tweet_id: str) -> str:
    """A title for a tweet without text (media only): who and when, or its id."""
    return f"@{username} {date}".strip() if username else f"status {tweet_id}"


def _full_text(tweet: dict[str, Any]) -> str:
    """The tweet's text, entities unescaped and t.co links replaced by their targets.

    The archive stores `&amp;`/`&gt;` escaped and every link as t.co; a reader searching
    for `github.com/...` expects to find the real address.
    """
    text = html.unescape(str(tweet.get("full_text") or tweet.get("text") or ""))
    entities = tweet.get("entities")
    urls = entities.get("urls") if isinstance(entities, dict) else None
    if isinstance(urls, list):
        for link in urls:
            if isinstance(link, dict) and link.get("url") and link.get("expanded_url"):
                text = text.replace(str(link["url"]), str(link["expanded_url"]))
    return text


def _iso_date(created_at: str) -> str:
    """`Wed Apr 17 08:01:02 +0000 2024` → `2024-04-17T08:01:02+00:00` (unchanged if odd)."""
    try:
        return datetime.strptime(created_at.strip(), "%a %b %d %H:%M:%S %z %Y").isoformat()
    except ValueError:
        return created_at.strip()
