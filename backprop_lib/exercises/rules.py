"""What an exercise's code may not do, read from its source before it runs.

The watch of :mod:`~backprop_lib.exercises.guard` catches the library's answers when they are
called. These rules catch the other routes to someone else's answer, which show in the code
itself: reading the package's or the instructor edition's files, introspection (``inspect``,
``importlib``, a function's ``__code__``), changing the library or the checks (an assignment
to a module's attribute), and imports beyond the numerical ones.
"""

import ast

from IPython.core.inputtransformer2 import TransformerManager

ALLOWED_IMPORTS = ("numpy", "math", "functools", "itertools", "collections", "operator")
"""Top-level packages an exercise may import, besides the course's own ``backprop_lib``."""

FORBIDDEN_PACKAGES = ("backprop_lib.exercises", "backprop_lib.grading")
"""Parts of the course an exercise may not import: the checks and the grader."""

FORBIDDEN_NAMES = frozenset(
    (
        *("open", "exec", "eval", "compile", "globals", "locals", "vars", "breakpoint"),
        *("getattr", "setattr", "delattr", "__import__", "__builtins__"),
        *("get_ipython", "exercises", "grading"),
    )
)
"""Built-ins that read files, run text as code or reach objects by name, and the checks."""

ALLOWED_DUNDERS = frozenset(("__init__",))
"""Double-underscore attributes an exercise may use (a class's own constructor)."""


def _root(node):
    """The name at the root of ``a.b[c].d``, or None."""
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _import_finding(node):
    names = (
        [alias.name for alias in node.names]
        if isinstance(node, ast.Import)
        else [node.module or ""] * (node.level == 0)
    )
    if isinstance(node, ast.ImportFrom) and node.level:
        return "a relative import"
    for name in names:
        top = name.split(".")[0]
        if any(name == p or name.startswith(p + ".") for p in FORBIDDEN_PACKAGES):
            return f"import {name}"
        if isinstance(node, ast.ImportFrom) and name == "backprop_lib":
            taken = {alias.name for alias in node.names}
            if taken & {"exercises", "grading"}:
                return f"from backprop_lib import {', '.join(sorted(taken))}"
        if top != "backprop_lib" and top not in ALLOWED_IMPORTS:
            return f"import {name}"
    return ""


def imported_names(source):
    """The names a cell's import statements bind (``np``, ``bp``, ``exercises``, ...)."""
    try:
        tree = ast.parse(TransformerManager().transform_cell(source))
    except (SyntaxError, ValueError):
        return set()
    return {
        (alias.asname or alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }


def findings(source, modules=()):
    """What in ``source`` (a cell's code) the exercises do not allow, one phrase each.

    Parameters
    ----------
    source : str
        The code of the cell, IPython magics allowed.
    modules : iterable of str
        Names that hold modules (or the library's classes) where the code runs, e.g. "np",
        "bp": assigning to their attributes changes the library.

    Returns
    -------
    list of str
        E.g. ``["inspect (line 3)"]``; empty when nothing is found. A cell that does not parse
        gives none: running it shows the syntax error.
    """
    try:
        tree = ast.parse(TransformerManager().transform_cell(source))
    except (SyntaxError, ValueError):
        return []
    modules, found = set(modules), []
    checking = {  # exercises.check(...) itself, as a check cell calls it, is no finding
        id(node.func.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "check"
        and isinstance(node.func.value, ast.Name)
    }
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        what = ""
        if isinstance(node, ast.Import | ast.ImportFrom):
            what = _import_finding(node)
            modules.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            what = "" if id(node) in checking else node.id
        elif isinstance(node, ast.Attribute) and node.attr.startswith("__"):
            what = "" if node.attr in ALLOWED_DUNDERS else node.attr
        elif isinstance(node, ast.Attribute) and node.attr in ("getsource", "reload"):
            what = node.attr
        if what:
            found.append(f"{what} (line {line})")
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        for target in targets:
            if isinstance(target, ast.Attribute | ast.Subscript) and _root(target) in modules:
                found.append(f"a change to {ast.unparse(target)} (line {target.lineno})")
    return list(dict.fromkeys(found))


def message(name, found):
    """The verdict's sentence for code that breaks the rules."""
    return (
        f"wrong: your {name} uses {', '.join(found)}, which the exercises do not allow: write "
        "it yourself with NumPy; reading or changing the library, the checks or files is not "
        "an answer."
    )
