"""The pure core must never pull in Textual or Rich (checked in a clean interpreter)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import tui.core

CORE_MODULES = sorted(
    f"tui.core.{m.name}" for m in pkgutil.iter_modules(tui.core.__path__) if not m.ispkg
)


def test_core_has_the_modules_we_expect() -> None:
    for name in ("search", "query", "index", "note_parser", "walker", "decoding"):
        assert f"tui.core.{name}" in CORE_MODULES


def test_importing_every_core_module_loads_no_textual_or_rich() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in CORE_MODULES)
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        + "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"core imported UI modules: {result.stdout.strip()}"
