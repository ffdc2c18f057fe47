"""The one TOML locator: every config, keymap and theme message points where the user typed."""

from __future__ import annotations

import sys

import pytest

from tui.core.text.toml_position import TomlLocator, parse_key_path, toml_error_position

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TEXT = (
    'name = "x"\n'  # 1
    "colors.accent = 'red'\n"  # 2
    "  [colors]\n"  # 3
    '  primary = "#fff"\n'  # 4
    '[table."with.dot"]\n'  # 5
    "key = 1\n"  # 6
    "[[keys]]\n"  # 7
    'keys = "a"  # [not] a header\n'  # 8
    "[[keys]]\n"  # 9
    'inline = [ { a = 1 }, { b = "[x]" } ]\n'  # 10
)


def at(locator: TomlLocator, offset: int | None) -> tuple[int, int] | None:
    return None if offset is None else locator.line_col(offset)


def test_key_paths_in_tables_dotted_keys_and_headers() -> None:
    loc = TomlLocator("f.toml", TEXT)
    assert at(loc, loc.key_path(["name"], value=False)) == (1, 1)
    assert at(loc, loc.key_path(["name"], value=True)) == (1, 8)
    assert at(loc, loc.key_path(["colors", "accent"], value=True)) == (2, 17)
    assert at(loc, loc.key_path(["colors", "primary"], value=False)) == (4, 3)
    assert at(loc, loc.key_path(["table", "with.dot", "key"], value=False)) == (6, 1)
    # A dotted key comes first in the file, so `colors` points at it, not at `[colors]`.
    assert at(loc, loc.key_path(["colors"], value=False)) == (3, 3)
    assert loc.key_path(["missing"], value=False) is None


def test_headers_skip_strings_and_comments_and_spans_split_the_file() -> None:
    loc = TomlLocator("f.toml", TEXT)
    assert [name for _, name in loc.header_names()] == ["colors", "table.with.dot", "keys", "keys"]
    first, second = loc.array_tables("keys")
    assert at(loc, loc.field(first, "keys")) == (8, 8)
    items = loc.array_items(second, "inline")
    assert [at(loc, start) for start, _ in items] == [(10, 12), (10, 23)]
    assert at(loc, loc.field_name(items[1], "b")) == (10, 25)
    assert loc.where(None) == "f.toml:1:1"
    assert loc.where(loc.string(loc.section("colors"), "#fff")) == "f.toml:4:13"


def test_parse_key_path_reads_quoted_segments() -> None:
    assert parse_key_path(' "a.b" . c = 1') == (["a.b", "c"], 1, 11)
    assert parse_key_path("= 1") is None


def test_syntax_error_position_comes_from_tomllib() -> None:
    with pytest.raises(tomllib.TOMLDecodeError) as info:
        tomllib.loads('a = 1\nb = "open\n')
    line, column, message = toml_error_position(info.value)
    assert line == 2 and column is not None and "at line" not in message
