"""`notesift search`: ranked results for people, vim and scripts.

Formats: a readable line per hit (highlighted on a terminal), `--vimgrep`
(`path:line:col:text`, as `rg --vimgrep`, loads in vim's quickfix), `--json`
(JSON Lines with `root` and `abspath`). `-0` ends records with NUL for
`xargs -0`. Exit codes follow grep: 0 found, 1 nothing, 2 error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from tui.core.config import another_folder_hint, notes_folder_or_say_why
from tui.core.index.told import untold
from tui.core.search.engine import SORT_ORDERS, SearchHit
from tui.core.search.hit_format import (
    display_path,
    files_with_matches,
    hit_record,
    vimgrep_hits,
    vimgrep_line,
)
from tui.core.search.query import MAX_QUERY_CHARS, QueryError, parse_query
from tui.core.search.searchable import SearchableIndex
from tui.core.text.fold import table_problems
from tui.core.text.sanitize import from_argv, json_safe, one_line, printable

__all__ = ["configure_search", "run_search", "run_search_args", "use_color"]

EXIT_FOUND, EXIT_NONE, EXIT_ERROR = 0, 1, 2
COLOR_CHOICES = ("auto", "always", "never")
_BOLD_MATCH, _DIM, _RESET = "\x1b[1;31m", "\x1b[2m", "\x1b[0m"

SEARCH_EXAMPLES = """\
examples:
  notesift search --dir ~/notes kill word          # notes with both words
  notesift search '#ai' 'date:2024' --sort date     # tagged ai, from 2024, newest first
  notesift search --vimgrep tmux > qf && vim -q qf  # results in vim's quickfix list
  notesift search --json kind:tweet | jq -r .url    # URLs of matching tweets
  notesift search -0 --absolute todo | xargs -0 -n1 echo
  notesift search -l --limit 0 python                # every file that mentions python
"""


def _count(text: str) -> int:
    """A --limit: 0 (every match) or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is not a count (0 prints every match)")
    return value


def with_limit_joined(argv: Sequence[str]) -> list[str]:
    """`--limit -1` as `--limit=-1`: with `-0` among the options argparse takes `-1`
    for an option too and says "expected one argument", which hides the real problem."""
    args = list(argv)
    stop = args.index("--") if "--" in args else len(args)
    for i in range(stop - 2, -1, -1):
        if args[i] == "--limit" and args[i + 1][:1] == "-" and args[i + 1][1:].isdigit():
            args[i : i + 2] = [f"--limit={args[i + 1]}"]
    return args


def configure_search(parser: argparse.ArgumentParser) -> None:
    """Arguments of `notesift search` (shared by its own parser and the subcommand)."""
    parser.add_argument("query", nargs="+", help="query words (joined by spaces)")
    parser.add_argument("--dir", help="notes directory (default: $NOTESIFT_DIR, config, cwd)")
    parser.add_argument("--limit", type=_count, default=20, help="results to print; 0 = all")
    parser.add_argument("--sort", choices=SORT_ORDERS, default="score")
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true",
                      help="JSON Lines, one result per line (with root and abspath)")
    form.add_argument("--vimgrep", action="store_true",
                      help="path:line:col:text per result, as rg --vimgrep (vim -q loads it)")
    form.add_argument("-l", "--files-with-matches", action="store_true", dest="files",
                      help="each file with a matching entry once, best first, as rg -l "
                      "(--limit counts files)")
    parser.add_argument("--absolute", action="store_true",
                        help="absolute paths (default: relative to the working directory "
                        "when the notes are below it)")
    parser.add_argument("-0", "--null", action="store_true",
                        help="end each result with NUL instead of a newline (for xargs -0)")
    parser.add_argument("--color", choices=COLOR_CHOICES, default="auto",
                        help="highlight matches: auto (a terminal, unless NO_COLOR is set; "
                        "CLICOLOR_FORCE forces it), always, never")
    parser.add_argument("--no-cache", action="store_true", help="ignore the persistent index")
    parser.add_argument(
        "--rescan", action="store_true",
        help="walk the whole tree (by default an unchanged folder tree is not walked again)",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="no warnings on stderr")
    parser.add_argument(
        "--verbose", "-v", action="store_true",
        help="show where a query error is (carets), and every warning (by default each is "
        "said once, when it first appears)")


def _search_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="notesift search",
        description="Search notes with fzf's extended syntax plus fields "
        "(kind: tag:/#  author:/@  path: title: date: likes:).",
        epilog=SEARCH_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    configure_search(parser)
    return parser


def use_color(choice: str, stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Whether to write colour escapes: the flag, then NO_COLOR, CLICOLOR_FORCE, the terminal.

    NO_COLOR (no-color.org) disables colour when set to anything non-empty;
    CLICOLOR_FORCE (bixense.com/clicolors) forces it unless it is "0". An
    explicit `--color always|never` beats both, as the conventions ask.
    """
    if choice != "auto":
        return choice == "always"
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("CLICOLOR_FORCE", "0") not in ("", "0"):
        return True
    if env.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _highlight(text: str, spans: list[tuple[int, int]], color: bool) -> str:
    """Control-safe text with match spans in bold red when colouring."""
    if not color or not spans:
        return one_line(text)
    out, pos = [], 0
    for start, end in spans:
        out.append(one_line(text[pos:start]))
        out.append(_BOLD_MATCH + one_line(text[start:end]) + _RESET)
        pos = end
    out.append(one_line(text[pos:]))
    return "".join(out)


def _plain_line(hit: SearchHit, where: str, color: bool) -> str:
    entry = hit.entry
    title = _highlight(entry.title, hit.title_spans, color)
    snippet = _highlight(hit.snippet, hit.snippet_spans, color)
    kind = f"{_DIM}{entry.kind:<7}{_RESET}" if color else f"{entry.kind:<7}"
    if hit.partial:  # not every term: marked as the TUI marks it, so `grep -v` can drop it
        kind += f" {_DIM}~partial{_RESET}" if color else " ~partial"
    tail = f" — {snippet}" if snippet and one_line(hit.snippet) != one_line(entry.title) else ""
    return f"{printable(where)}:{hit.match_line}  {kind} {title}{tail}"


def format_hit(hit: SearchHit, root: Path, args: argparse.Namespace, color: bool) -> str:
    """One output record (without its terminator) in the format the flags ask for."""
    if args.json:
        return json_safe(json.dumps(hit_record(hit, root), ensure_ascii=False))
    if args.vimgrep:
        return vimgrep_line(hit, root, absolute=args.absolute)
    where = display_path(root, hit.entry.path, absolute=args.absolute)
    return _plain_line(hit, where, color)


def _report_query_errors(
    errors: Sequence[QueryError], query_text: str, verbose: bool, err: TextIO
) -> None:
    """One line per error; with --verbose the query follows with carets under the token."""
    for error in errors:
        err.write(f"notesift: query error: {one_line(error.message)}\n")
        if verbose and len(query_text) <= MAX_QUERY_CHARS:
            caret = " " * error.position + "^" * max(1, error.length)
            err.write(f"  {one_line(query_text)}\n  {caret}\n")


def run_search(argv: Sequence[str], out: TextIO | None = None, err: TextIO | None = None) -> int:
    """`notesift search ARGV…`: parse, then `run_search_args`."""
    return run_search_args(_search_parser().parse_args(with_limit_joined(argv)), out, err)


def run_search_args(args: argparse.Namespace, out: TextIO | None = None,
                    err: TextIO | None = None) -> int:
    """Print ranked results; exit 0 found, 1 none, 2 error."""
    out = out or sys.stdout
    err = err or sys.stderr
    folder = notes_folder_or_say_why(args.dir, err, name_above=not args.quiet)
    if folder is None:
        return EXIT_ERROR
    config, problems, root = folder.config, folder.problems, folder.root
    query_text = from_argv(" ".join(args.query))
    refused = parse_query(query_text)
    if refused.refused:  # past the query limits: no index, no SQL
        _report_query_errors(refused.errors, query_text, args.verbose, err)
        return EXIT_ERROR
    index = SearchableIndex(
        root,
        use_cache=not args.no_cache,
        ignore_globs=config.ignore,
        respect_gitignore=config.respect_gitignore,
    )
    def waiting() -> None:
        if not args.quiet:
            # The lock is the cache file's: naming it tells which index is busy.
            err.write("notesift: another notesift is building this index "
                      f"({printable(str(index.cache_path))}); waiting for it\n")
            err.flush()

    try:
        if args.rescan:
            index.refresh(on_wait=waiting)
        else:
            index.quick_refresh(on_wait=waiting)
        limit = 0 if args.files else max(0, args.limit)  # files: the limit counts files
        result = index.search(query_text, limit=limit, sort=args.sort)
        index_warnings = index.warnings
        if not args.quiet and not args.verbose:  # said once per change (`told`)
            index_warnings = untold(index.store, index_warnings)
        warnings = problems + index_warnings + table_problems()
    finally:
        index.close()
    if not args.quiet:
        for warning in warnings:
            err.write(f"notesift: warning: {printable(warning)}\n")
    if result.errors:
        _report_query_errors(result.errors, query_text, args.verbose, err)
        return EXIT_ERROR
    color = not (args.json or args.vimgrep) and use_color(args.color, out)
    end = "\0" if args.null else "\n"
    if args.files:
        found = files_with_matches(result.hits)[: args.limit if args.limit > 0 else None]
        for path in found:
            out.write(display_path(root, path, absolute=args.absolute) + end)
        printed = len(found)
    else:
        hits = vimgrep_hits(result.hits) if args.vimgrep else result.hits
        for hit in hits:
            out.write(format_hit(hit, root, args, color) + end)
        printed = len(hits)
    if result.partial_count and not args.quiet and not args.json:
        left_out = " left out" if args.vimgrep or args.files else ""
        noun = "match" if result.partial_count == 1 else "matches"
        marked = "" if left_out else ", marked ~partial"
        err.write(f"notesift: {result.partial_count} partial {noun}{left_out} "
                  f"(not every term matched{marked})\n")
    if not result.searched and not args.quiet:  # exit 1 alone would read as "no match"
        err.write(f"notesift: no notes in {printable(str(index.root))}; "
                  f"{another_folder_hint('--dir DIR')}\n")
    return EXIT_FOUND if printed else EXIT_NONE
