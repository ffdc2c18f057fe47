"""The core's shape: no Textual or Rich in it, and its layers only import downwards.

The pipeline is disk → ingest → index → search → app (docs/architecture.md); tags
write through ingest's readers; keys stand alone. A module that imports against the
flow is a cycle waiting to happen, so the rule is checked on the source, lazy
imports included.
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import tui.core

CORE_DIR = Path(tui.core.__file__).parent
CORE_MODULES = sorted(
    m.name for m in pkgutil.walk_packages(tui.core.__path__, prefix="tui.core.")
)
LAYERS = ("text", "ingest", "index", "search", "tags", "keys")
# A module's layer may import these layers. Flat modules in tui/core are services.
MAY_IMPORT = {
    "text": {"text"},
    "ingest": {"ingest", "text"},
    "services": {"services", "ingest", "text"},
    "index": {"index", "services", "ingest", "text"},
    "tags": {"tags", "services", "ingest", "text"},
    "search": {"search", "index", "services", "ingest", "text"},
    "keys": {"keys", "services", "text"},
}


def layer_of(module: str) -> str:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[2] in LAYERS else "services"


def core_imports(path: Path, module: str) -> set[str]:
    """The tui.* modules `path` imports, relative imports resolved."""
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return {name for name in found if name.startswith("tui")}


def module_path(module: str) -> Path:
    rel = Path(*module.split(".")[2:])
    package = CORE_DIR / rel / "__init__.py"
    return package if package.exists() else (CORE_DIR / rel).with_suffix(".py")


def test_the_core_is_laid_out_in_the_pipeline_s_stages() -> None:
    for name in ("ingest.walker", "ingest.note_parser", "index.store", "search.engine",
                 "search.query", "tags.tagstore", "keys.keymap", "text.decoding"):
        assert f"tui.core.{name}" in CORE_MODULES


def test_every_core_import_points_down_the_pipeline() -> None:
    wrong = []
    for module in CORE_MODULES:
        layer = layer_of(module)
        for target in core_imports(module_path(module), module):
            if not target.startswith("tui.core."):
                if target != "tui.core":
                    wrong.append(f"{module} imports {target}: the core never imports the app")
                continue
            if target in CORE_MODULES or target.rsplit(".", 1)[0] in CORE_MODULES:
                owner = target if target in CORE_MODULES else target.rsplit(".", 1)[0]
                if layer_of(owner) not in MAY_IMPORT[layer]:
                    wrong.append(f"{module} ({layer}) imports {owner} ({layer_of(owner)})")
    assert wrong == []


def test_the_layer_rule_catches_an_upward_import(tmp_path: Path) -> None:
    bad = tmp_path / "walker.py"
    bad.write_text("from tui.core.search.engine import SearchEngine\n", encoding="utf-8")
    targets = core_imports(bad, "tui.core.ingest.walker")
    assert "tui.core.search.engine" in targets
    assert layer_of("tui.core.search.engine") not in MAY_IMPORT[layer_of("tui.core.ingest.walker")]


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


# Bases a class may combine with its one parent: typing's, not behaviour.
TYPING_BASES = {"Generic", "Protocol", "NamedTuple", "TypedDict"}


def _base_name(node: ast.expr) -> str:
    while isinstance(node, ast.Subscript):
        node = node.value
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def test_no_class_is_built_from_mixins() -> None:
    """One parent per class (issue 12): behaviour spread over mixins hid the engine's
    state; a class of ours combines another only with typing's bases."""
    package = CORE_DIR.parent
    mixed = []
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                parents = [b for b in node.bases if _base_name(b) not in TYPING_BASES]
                if len(parents) > 1:
                    mixed.append(f"{path.relative_to(package.parent)}:{node.lineno} {node.name}")
    assert mixed == []
