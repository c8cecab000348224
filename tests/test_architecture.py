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
    path
    for path in LESSONS
    if not path.stem.endswith(("_views", "_controls", "_explorer", "__init__"))
]
"""The lessons' computations; the others draw (views), hold widgets (controls) or both
(explorers)."""
EXERCISES = sorted((PACKAGE / "exercises").glob("*.py"))
"""The checks."""
GRADING = sorted((PACKAGE / "grading").glob("*.py"))
"""The grader and the student edition's generator (commands): above the checks, which they
use; nothing imports them."""

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
"""Limits for a module and for one function or method, its docstring included."""

CORE_IMPORTS = {"numpy", "h5py", "math", "numbers", "os", "dataclasses"}
"""What the core may import: NumPy, h5py and a few modules of the standard library."""

DRAWING = {"matplotlib", "ipywidgets", "PIL"}

CHECK_IMPORTS = {
    "numpy",
    "ast",
    "collections",
    "contextlib",
    "contextvars",
    "dataclasses",
    "functools",
    "gc",
    "html",
    "importlib",
    "inspect",
    "io",
    "itertools",
    "linecache",
    "math",
    "os",
    "pathlib",
    "signal",
    "sys",
    "threading",
    "time",
    "types",
    "warnings",
    "IPython",
}
"""What a check module may import besides the core: NumPy, the standard library, and IPython's
input transformer (the rules read a cell as IPython runs it, magics included)."""

NOTEBOOK_TOOLS = {"nbformat", "nbclient"}
"""Only the student edition's command and the grader handle notebooks."""

PLAYGROUND_SETTINGS = "..lessons.playground_settings"
"""The one lesson module the grader uses: it rebuilds a student's playground settings."""

STORED_FIGURES = "..display.figures"
"""The one display module the grader's package uses, in the release only: the release stores
the student edition, whose figures it compacts as the README's nbconvert command does
(``compact_figures``), importing it where the notebooks run so that the grader never loads
matplotlib."""

TUNING_LESSONS = {PLAYGROUND_SETTINGS, "..lessons.playground"}
CAPSTONE_LESSON = "..lessons.capstone"
"""The only lesson modules a check uses: notebook 06's tuning task trains the playground with
the student's settings."""


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
    # "from .x import" only: never ".display", ".lessons" or ".exercises"
    assert all(
        not name.startswith(("..", ".display", ".lessons", ".exercises")) for name in internal
    )


@pytest.mark.parametrize("path", DISPLAY, ids=relative)
def test_the_display_kit_never_imports_a_lesson(path):
    _, internal = imports(path)
    assert not any(name.startswith("..lessons") for name in internal), relative(path)


@pytest.mark.parametrize("path", COMPUTATIONS, ids=relative)
def test_a_lessons_computations_do_not_draw(path):
    absolute, internal = imports(path)
    assert not absolute & DRAWING, f"{relative(path)} imports {sorted(absolute & DRAWING)}"
    assert not any(name.startswith("..display") or name.endswith("_views") for name in internal)


def absolute_modules(path):
    """The full name of every absolute import, e.g. "backprop_lib.exercises"."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", [*DISPLAY, *LESSONS], ids=relative)
def test_no_display_or_lesson_module_imports_the_exercises(path):
    _, internal = imports(path)
    assert not any(name.startswith(("..exercises", "..grading")) for name in internal)
    assert not any(
        name.startswith(("backprop_lib.exercises", "backprop_lib.grading"))
        for name in absolute_modules(path)
    ), relative(path)


@pytest.mark.parametrize("path", [*CORE, *DISPLAY, *LESSONS, *EXERCISES], ids=relative)
def test_nothing_below_the_grader_imports_it(path):
    _, internal = imports(path)
    assert not any("grading" in name for name in internal), relative(path)


def lessons_used(path):
    """Every lesson module that ``path`` (in a subpackage) imports, relatively or not, written
    relatively: "..lessons.playground"."""
    _, internal = imports(path)
    absolute = {
        ".." + name.removeprefix("backprop_lib.")
        for name in absolute_modules(path)
        if name.startswith("backprop_lib.lessons")
    }
    return {name for name in internal if name.startswith("..lessons")} | absolute


@pytest.mark.parametrize("path", GRADING, ids=relative)
def test_the_grader_neither_draws_nor_uses_a_lesson_but_the_playgrounds_settings(path):
    absolute, internal = imports(path)
    assert not absolute & DRAWING, f"{relative(path)} imports {sorted(absolute & DRAWING)}"
    lessons = lessons_used(path)
    assert lessons <= {PLAYGROUND_SETTINGS}, f"{relative(path)} imports {sorted(lessons)}"
    display = {name for name in internal if name.startswith("..display")}
    assert display <= ({STORED_FIGURES} if path.stem == "release" else set()), relative(path)


@pytest.mark.parametrize("path", EXERCISES, ids=relative)
def test_the_checks_import_numpy_the_standard_library_and_the_core_only(path):
    absolute, internal = imports(path)
    assert absolute <= CHECK_IMPORTS, f"{relative(path)} imports {sorted(absolute - CHECK_IMPORTS)}"
    lessons = lessons_used(path)
    allowed = {"tuning": TUNING_LESSONS}.get(path.stem, set())
    if path.stem.startswith("capstone_"):  # the capstone's network, notebook 10's
        allowed = {CAPSTONE_LESSON}
    assert lessons <= allowed, f"{relative(path)} imports {sorted(lessons)}"
    assert not any(name.startswith("..display") for name in internal), relative(path)


def test_importing_the_checks_loads_no_drawing_and_no_notebook_tools():
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, backprop_lib.exercises; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert "backprop_lib.exercises.checking" in loaded  # the probe did import the checks
    assert not [name for name in loaded if name.split(".")[0] in DRAWING | NOTEBOOK_TOOLS]


@pytest.mark.parametrize(
    ("module", "probe"),
    [
        ("backprop_lib", "backprop_lib.network"),
        ("backprop_lib.grading.__main__", "backprop_lib.grading.release"),  # the grader
    ],
)
def test_importing_the_package_or_the_grader_loads_neither_matplotlib_nor_ipywidgets(module, probe):
    code = f"import sys, {module}; print(' '.join(sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert probe in loaded  # the probe did import it
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
