"""YAML front matter through a real parser (PyYAML, C loader when built), YAML 1.2 rules.

PyYAML implements YAML 1.1, whose implicit types surprise note writers: `no` is
false (the Norway problem), `010` is 8, `1:30` is 90 and `2024-02-30` crashes the
date constructor. Hugo, Jekyll and Obsidian readers follow YAML 1.2's core schema,
so this loader resolves plain scalars the 1.2 way: only true/false are booleans,
decimal/0o/0x integers, floats, null, and everything else (dates included) is text.
Only the safe constructors exist: `!!python/...` tags are rejected, never run.

The result is plain data (dict/list/str/int/float/bool/None), bounded in size so an
alias bomb (`a: &a [*b, *b, ...]`) cannot blow up whoever walks it.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_NODES = 5_000  # values in one note's front matter; far above any real one
MAX_DEPTH = 64


class YamlProblem(Exception):
    """The library rejected the text; `line` is 0-based within the front matter."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader with YAML 1.2 core-schema scalar resolution and no duplicate keys."""

    yaml_implicit_resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}


_RESOLVERS: list[tuple[str, str, str]] = [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", "~nN\0"),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", "<"),
]
for _tag, _pattern, _first in _RESOLVERS:
    _Loader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


def _construct_bool(loader: Any, node: yaml.ScalarNode) -> bool:
    return str(loader.construct_scalar(node)).lower() == "true"


def _construct_int(loader: Any, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    if text.startswith(("0o", "0x")):
        return int(text, 0)
    return int(text, 10)


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> dict[Any, Any]:
    """A mapping that refuses duplicate keys (YAML requires unique keys)."""
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (list, dict)):
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a scalar", key_node.start_mark
            )
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_Loader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
# YAML 1.1-only types are not implicit here; an explicit `!!timestamp`/`!!binary` stays text.
for _tag in ("timestamp", "binary", "set", "omap", "pairs"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _Loader.construct_scalar)


def _plain(value: Any, budget: list[int], depth: int = 0) -> Any:
    """Copy into JSON-like data, counting values; too many means an alias bomb."""
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:
        raise YamlProblem(0, f"too many or too deeply nested values (over {MAX_NODES})")
    if isinstance(value, dict):
        return {str(k): _plain(v, budget, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, budget, depth + 1) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def load_yaml_mapping(text: str) -> dict[str, Any]:
    """The front matter as a dict; raises `YamlProblem` for anything the library rejects."""
    try:
        data = yaml.load(text, Loader=_Loader)  # _Loader derives from (C)SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(part for part in (exc.context, exc.problem) if part)
        raise YamlProblem(mark.line if mark else 0, message or str(exc)) from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        raise YamlProblem(0, str(exc) or type(exc).__name__) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise YamlProblem(0, f"front matter is a {type(data).__name__}, not key: value pairs")
    return _plain(data, [MAX_NODES])  # type: ignore[no-any-return]
