"""The package's layout: the core stays small and free of drawing, imports point inward, and
no module or function grows past what a reader takes in at once (README, "The package")."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "backprop_lib"
MODULES = sorted(PACKAGE.rglob("*.py"))
CORE = sorted(PACKAGE.glob("*.py"))
DISPLAY = sorted((PACKAGE / "display").glob("*.py"))
LESSONS = sorted((PACKAGE / "lessons").glob("*.py"))
COMPUTATIONS = [
    path for path in LESSONS if not path.stem.endswith(("_views", "_explorer", "__init__"))
]

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
"""Limits for a module and for one function or method, its docstring included."""

CORE_IMPORTS = {"numpy", "h5py", "math", "numbers", "os", "dataclasses"}
"""What the core may import: NumPy, h5py and a few modules of the standard library."""

DRAWING = {"matplotlib", "ipywidgets", "PIL"}


def relative(path):
    return path.relative_to(PACKAGE.parent).as_posix()


def imports(path):
    """(top-level name of every absolute import, every relative import's module path)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    absolute, internal = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            absolute |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                absolute.add(node.module.split(".")[0])
            else:
                internal.add("." * node.level + (node.module or ""))
    return absolute, internal


def test_the_layers_hold_the_modules_the_readme_names():
    assert {path.stem for path in CORE} >= {
        "activations",
        "losses",
        "backprop",
        "network",
        "gradcheck",
        "data",
        "validation",
        "autodiff",
    }
    assert DISPLAY and COMPUTATIONS and len(LESSONS) > len(COMPUTATIONS)


@pytest.mark.parametrize("path", CORE, ids=relative)
def test_the_core_imports_numpy_h5py_and_itself_only(path):
    absolute, internal = imports(path)
    assert absolute <= CORE_IMPORTS, f"{relative(path)} imports {sorted(absolute - CORE_IMPORTS)}"
    # "from .x import" only: never ".display" or ".lessons"
    assert all(not name.startswith(("..", ".display", ".lessons")) for name in internal)


@pytest.mark.parametrize("path", DISPLAY, ids=relative)
def test_the_display_kit_never_imports_a_lesson(path):
    _, internal = imports(path)
    assert not any(name.startswith("..lessons") for name in internal), relative(path)


@pytest.mark.parametrize("path", COMPUTATIONS, ids=relative)
def test_a_lessons_computations_do_not_draw(path):
    absolute, internal = imports(path)
    assert not absolute & DRAWING, f"{relative(path)} imports {sorted(absolute & DRAWING)}"
    assert not any(name.startswith("..display") or name.endswith("_views") for name in internal)


def test_importing_the_package_loads_neither_matplotlib_nor_ipywidgets():
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, backprop_lib; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert "backprop_lib.network" in loaded  # the probe did import the package
    assert not [name for name in loaded if name.split(".")[0] in DRAWING]


@pytest.mark.parametrize("path", MODULES, ids=relative)
def test_no_module_is_longer_than_the_limit(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{relative(path)} has {lines} lines"


@pytest.mark.parametrize("path", MODULES, ids=relative)
def test_no_function_is_longer_than_the_limit(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{relative(path)}: {', '.join(long)}"
