"""Packaging: the wheel and the sdist carry the keymaps and themes, and one version number.

The slow tests build the real artefacts (pip for the wheel, `build` for the
sdist) and look inside.
The full install-and-run check of a wheel in a fresh venv is `.ci/run`'s job.
"""

from __future__ import annotations

import fcntl
import re
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import tui
from tui.core.config import read_toml
from tui.core.keys.keymap_file import load_keymap
from tui.core.resources import shipped_keymaps_dir, shipped_themes_dir

PROJECT = Path(__file__).resolve().parents[2]
KEYMAPS = sorted(p.name for p in (PROJECT / "keymaps").glob("*.toml"))
THEMES = sorted(p.name for p in (PROJECT / "themes").glob("*.toml"))


def _pyproject() -> dict:
    table, problems = read_toml(PROJECT / "pyproject.toml")
    assert not problems
    return table


def test_every_python_package_in_the_tree_is_listed_in_pyproject() -> None:
    listed = set(_pyproject()["tool"]["setuptools"]["packages"])
    in_tree = {
        ".".join(init.parent.relative_to(PROJECT).parts)
        for init in (PROJECT / "tui").rglob("__init__.py")
    }
    assert in_tree - listed == set(), "add new packages to [tool.setuptools] packages"
    assert {"tui.data.keymaps", "tui.data.themes"} <= listed


def test_version_has_one_source() -> None:
    project = _pyproject()["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert _pyproject()["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "tui.__version__"
    }
    assert re.fullmatch(r"\d+\.\d+\.\d+(?:\w+)?", tui.__version__)


def test_a_checkout_finds_the_top_level_directories() -> None:
    if (Path(tui.__file__).parent / "data").is_dir():
        pytest.skip("running from an installed wheel")
    assert shipped_keymaps_dir() == PROJECT / "keymaps"
    assert shipped_themes_dir() == PROJECT / "themes"


def test_a_missing_default_keymap_is_called_missing(tmp_path: Path) -> None:
    _, problems = load_keymap(shipped_dir=tmp_path)
    assert f"{tmp_path / 'default.toml'}:1:1: default keymap missing; built-in keys used" in (
        problems
    )
    (tmp_path / "default.toml").write_text("# nothing bound\n", encoding="utf-8")
    _, problems = load_keymap(shipped_dir=tmp_path)
    assert any("default keymap has no bindings" in p for p in problems)


@pytest.fixture
def build_lock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One build of the checkout at a time across parallel workers: setuptools writes
    build/ and *.egg-info inside it. The lock file sits in the run's shared temp root."""
    with (tmp_path_factory.getbasetemp().parent / "notesift-build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _build(kind: str, out: Path) -> Path:
    """Build with pip (wheel) or the PyPA `build` frontend (sdist), in an isolated env."""
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out),
               str(PROJECT)]
    if kind == "sdist":
        pytest.importorskip("build")
        command = [sys.executable, "-m", "build", "--sdist", "--outdir", str(out), str(PROJECT)]
    subprocess.run(command, cwd=PROJECT, check=True, capture_output=True, timeout=600)
    pattern = "*.whl" if kind == "wheel" else "*.tar.gz"
    return next(out.glob(pattern))


@pytest.mark.slow
@pytest.mark.usefixtures("build_lock")
def test_the_wheel_carries_keymaps_themes_and_the_stylesheet(tmp_path: Path) -> None:
    wheel = _build("wheel", tmp_path)
    assert wheel.name.startswith(f"notesift-{tui.__version__}-")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in KEYMAPS:
        assert f"tui/data/keymaps/{name}" in names
    for name in THEMES:
        assert f"tui/data/themes/{name}" in names
    assert "tui/app.tcss" in names
    assert not any(n.startswith(("tests/", "keymaps/", "themes/")) for n in names)


@pytest.mark.slow
@pytest.mark.usefixtures("build_lock")
def test_the_sdist_can_run_its_tests(tmp_path: Path) -> None:
    sdist = _build("sdist", tmp_path)
    with tarfile.open(sdist) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    for needed in ("pyproject.toml", "README.md", "tests/conftest.py", "tests/tui_helpers.py",
                   "bench/generate.py", "examples/notes", ".ci/run"):
        assert needed in names, needed
    for name in KEYMAPS:
        assert f"keymaps/{name}" in names
    for name in THEMES:
        assert f"themes/{name}" in names
    assert not any("__pycache__" in n for n in names)
