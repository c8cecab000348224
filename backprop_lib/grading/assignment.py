"""Reading an assignment: the course's exercises, and a submission's cells that answer them.

An exercise of an instructor notebook is a solution cell (nbgrader ``solution: true``, its
``grade_id`` X) and a check cell (``grade: true``, ``grade_id`` X_check, with ``points``)
whose hidden tests call ``exercises.check(NAME, FUNCTION, seed=SEED)``: which check, on
which of the student's functions, with which inputs the student never saw. The grader reads
those three from the instructor's cell and never runs the check cell itself.
"""

import ast
import warnings
from pathlib import Path
from typing import NamedTuple

import nbformat

from .release import COURSE_NOTEBOOKS, instructor_notebooks


class Exercise(NamedTuple):
    grade_id: str  # the solution cell's
    check: str  # the name in exercises.CHECKS
    function: str  # the student's function it checks
    seed: int  # the hidden tests' seed
    points: float


class Assignment(NamedTuple):
    name: str  # the course notebook's file name without .ipynb
    setup_id: str | None
    setup: str
    exercises: tuple[Exercise, ...]
    order: tuple  # the graded cells' grade_ids in the course's order

    @property
    def points(self):
        return sum(exercise.points for exercise in self.exercises)


def grading(cell):
    """A cell's nbgrader metadata (an empty dict when it has none or it is malformed)."""
    metadata = cell.get("metadata")
    found = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return found if isinstance(found, dict) else {}


def _check_call(source, where):
    """(check name, function name, seed) of the check cell's hidden call (the one with a
    seed; else the visible one, seed 0)."""
    calls = [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", getattr(node.func, "id", "")) == "check"
        and len(node.args) >= 2
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[1], ast.Name)
    ]
    if not calls:
        raise ValueError(f"{where}: its check cell calls no exercises.check(NAME, FUNCTION)")
    seeds = {k.arg: k.value for call in calls for k in call.keywords if k.arg == "seed"}
    seed = seeds["seed"].value if "seed" in seeds else 0
    return calls[0].args[0].value, calls[0].args[1].id, int(seed)


def load_assignment(path):
    """The setup cell and the exercises of one instructor notebook, in the course's order.

    Raises ValueError for a check cell without its solution cell or its check call.
    """
    code = [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]
    solutions = {grading(c).get("grade_id") for c in code if grading(c).get("solution")}
    exercises = []
    for cell in (cell for cell in code if grading(cell).get("grade")):
        check_id = grading(cell).get("grade_id", "")
        grade_id = check_id.removesuffix("_check")
        if not check_id.endswith("_check") or grade_id not in solutions:
            raise ValueError(f"{path}: check cell {check_id!r} has no solution cell")
        name, function, seed = _check_call(cell.source, f"{path}: {check_id}")
        exercises.append(Exercise(grade_id, name, function, seed, grading(cell).get("points", 0)))
    setup = code[0] if code else nbformat.v4.new_code_cell("")
    setup_id = grading(setup).get("grade_id")
    order = (setup_id, *[e.grade_id for e in exercises])
    return Assignment(Path(path).stem, setup_id, setup.source, tuple(exercises), order)


def load_course(instructor_dir=COURSE_NOTEBOOKS):
    """Every course notebook of ``instructor_dir`` as an :class:`Assignment`."""
    return [load_assignment(path) for path in instructor_notebooks(instructor_dir)]


def read_submission(data):
    """The submission's bytes as a notebook, or a sentence that says why they are none."""
    try:
        with warnings.catch_warnings():  # e.g. nbformat's warning about missing cell ids
            warnings.simplefilter("ignore")
            submission = nbformat.reads(data.decode("utf-8"), as_version=4)
        if not all(isinstance(cell, dict) for cell in submission.cells):
            raise TypeError("its cells are not all JSON objects")
    except Exception as error:
        return f"not a Jupyter notebook ({type(error).__name__}: {error})"
    return submission


def match_assignment(submission, file_name, course):
    """The course notebook a submission belongs to: the one sharing the most ``grade_id``
    values with it, else the one whose name the file's name contains; or None."""
    if submission is not None:
        ids = {grading(cell).get("grade_id") for cell in submission.cells}
        shared = [len(ids & set(assignment.order) - {None}) for assignment in course]
        if shared and max(shared) > 0:
            return course[shared.index(max(shared))]
    named = [assignment for assignment in course if assignment.name in Path(file_name).stem]
    return named[0] if named else None


def _same(source, expected):
    """Whether a cell's source equals ``expected``, trailing spaces aside."""
    return [line.rstrip() for line in source.strip().splitlines()] == [
        line.rstrip() for line in expected.strip().splitlines()
    ]


def answers(submission, assignment):
    """The submission's solution cells by grade_id (None where missing), and notes.

    Only solution cells are taken: the instructor's setup cell and checks are always the
    ones used, so an edited or deleted check changes nothing.
    """
    cells = {grading(cell).get("grade_id"): cell for cell in submission.cells}
    ids = [grading(cell).get("grade_id") for cell in submission.cells]
    known = [grade_id for grade_id in ids if grade_id and grade_id in assignment.order]
    notes = []
    setup = cells.get(assignment.setup_id)
    if assignment.setup_id and (setup is None or not _same(setup.source, assignment.setup)):
        notes.append("The setup cell was edited or deleted; the instructor's was used.")
    if list(dict.fromkeys(known)) != [i for i in assignment.order if i in known]:
        notes.append("Cells were moved; they were graded in the course's order.")
    if len(known) != len(set(known)):
        notes.append("Some graded cells appear twice; the last copy of each was graded.")
    found = {}
    for exercise in assignment.exercises:
        cell = cells.get(exercise.grade_id)
        code = cell is not None and cell.get("cell_type") == "code"
        found[exercise.grade_id] = cell.source if code and isinstance(cell.source, str) else None
    return found, notes


def defined_elsewhere(submission, name, assignment):
    """Where the submission defines ``name`` outside the graded cells: "cell N", or ""."""
    graded = set(assignment.order)
    for number, cell in enumerate(submission.cells, start=1):
        if cell.get("cell_type") != "code" or grading(cell).get("grade_id") in graded:
            continue
        try:
            tree = ast.parse(cell.source)
        except (SyntaxError, ValueError, TypeError):
            continue
        for node in ast.walk(tree):
            defined = getattr(node, "name", None) or (
                node.id if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) else None
            )
            if defined == name:
                return f"cell {number}"
    return ""
