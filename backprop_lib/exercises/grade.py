"""Grade a class: ``python -m backprop_lib.exercises.grade SUBMISSION.ipynb ... --out grades.csv``.

Grading runs the students' code. It is not a sandbox: a submission can do whatever its user
may do on this machine, so run the grader as an unprivileged user or in a container.

- **nbformat and nbclient, not nbgrader:** nbgrader's autograder needs its own database,
  folder layout and configuration; grading a list of files is a few dozen lines of nbclient,
  which nbconvert installs. The notebooks keep nbgrader's markers and metadata.
- **Which notebook:** the one sharing the most ``grade_id`` values with the submission, else
  the one whose name (``01_single_neuron``) the file name contains.
- **What runs:** the instructor's setup cell, then per exercise in the course's order the
  student's solution cell (by ``grade_id``) and the instructor's check cell with its hidden
  tests. Nothing else, so grading never trains the explorers.
- **Points and feedback:** as in nbgrader, a check cell that raises nothing scores its
  points; else the feedback is the failed assertion's message (the check's diagnosis), "not
  done yet" for a NotImplementedError, or the solution cell's error. Deleted solutions, moved
  cells and edited or deleted check and setup cells are reported (the instructor's are run).
- **Limits:** a fresh python3 kernel per submission in a new temporary folder, ``--jobs`` at
  once on one asyncio loop. The time limit covers the kernel's start and every cell, and a
  watchdog kills the kernel at the limit plus :data:`WALL_GRACE`. A hang, a dead kernel, a
  non-notebook or a failure of the grader becomes rows that say so. Submissions are only
  read; the CSV goes to a temporary file moved into place: whole, or not at all.
"""

import argparse
import asyncio
import concurrent.futures
import csv
import math
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path
from subprocess import DEVNULL
from typing import NamedTuple

import nbformat
from nbclient import NotebookClient

from .release import COURSE_NOTEBOOKS, KERNEL, instructor_notebooks, strip_hidden_tests

FIELDS = ("file", "notebook", "exercise", "points", "max_points", "feedback")
"""The CSV's columns: one row per submission and exercise."""

DEFAULT_TIMEOUT = 60.0
"""Seconds per submission: a kernel start and every check, with room for a loaded machine."""

WALL_GRACE = 10.0
"""Seconds past the time limit before the watchdog kills the kernel (nbclient's comes first)."""

OUTPUT_LIMIT = 10**6
"""Characters of output kept per submission: an endless print loop cannot fill the memory."""

FEEDBACK_LENGTH = 600
"""Characters kept of one row's feedback (a long error message is cut)."""

STOPPED = {
    "time": "reached its time limit of {limit:g} s",
    "dead": "lost its kernel (it died: os._exit, a crash or too much memory)",
}
EDITED_CHECK = "Its check cell was edited or deleted; the instructor's was used."
NO_METADATA = "Not graded: no cell has its nbgrader metadata; submit it as Jupyter saved it."


class Exercise(NamedTuple):
    grade_id: str  # the solution cell's
    check_id: str
    check: str  # the instructor's check cell, hidden tests included
    points: float


class Assignment(NamedTuple):
    name: str  # the course notebook's file name without .ipynb
    setup_id: str | None
    setup: str
    exercises: tuple[Exercise, ...]
    order: tuple  # the graded cells' grade_ids in the course's order


def _grading(cell):
    """A cell's nbgrader metadata (an empty dict when it has none or it is malformed)."""
    metadata = cell.get("metadata")
    grading = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return grading if isinstance(grading, dict) else {}


def load_assignment(path):
    """The setup cell and the exercises of one instructor notebook, in the course's order.

    An exercise is a check cell (nbgrader ``grade: true``, ``grade_id`` X_check) and its
    solution cell (``grade_id`` X). Raises ValueError for a check cell without its solution.
    """
    code = [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]
    solutions = {_grading(c).get("grade_id") for c in code if _grading(c).get("solution")}
    exercises = []
    for cell in (cell for cell in code if _grading(cell).get("grade")):
        check_id = _grading(cell).get("grade_id", "")
        if not check_id.endswith("_check") or check_id.removesuffix("_check") not in solutions:
            raise ValueError(f"{path}: check cell {check_id!r} has no solution cell")
        points = _grading(cell).get("points", 0)
        exercises.append(Exercise(check_id.removesuffix("_check"), check_id, cell.source, points))
    setup = code[0] if code else nbformat.v4.new_code_cell("")
    setup_id = _grading(setup).get("grade_id")
    order = (setup_id, *[i for e in exercises for i in (e.grade_id, e.check_id)])
    return Assignment(Path(path).stem, setup_id, setup.source, tuple(exercises), order)


def load_course(instructor_dir=COURSE_NOTEBOOKS):
    """Every course notebook of ``instructor_dir`` as an :class:`Assignment`."""
    return [load_assignment(path) for path in instructor_notebooks(instructor_dir)]


def match_assignment(submission, file_name, course):
    """The course notebook a submission belongs to (see the module's docstring), or None."""
    ids = {_grading(cell).get("grade_id") for cell in submission.cells}
    shared = [len(ids & set(assignment.order) - {None}) for assignment in course]
    if shared and max(shared) > 0:
        return course[shared.index(max(shared))]
    named = [assignment for assignment in course if assignment.name in Path(file_name).stem]
    return named[0] if named else None


def _same(source, *expected):
    """Whether a cell's source equals one of ``expected``, trailing spaces aside."""
    lines = [line.rstrip() for line in source.strip().splitlines()]
    return any(lines == [line.rstrip() for line in e.strip().splitlines()] for e in expected)


def _student_cells(submission, assignment):
    """The submission's graded cells by grade_id (the last of duplicates), and notes."""
    cells = {_grading(cell).get("grade_id"): cell for cell in submission.cells}
    ids = [_grading(cell).get("grade_id") for cell in submission.cells]
    known = [grade_id for grade_id in ids if grade_id and grade_id in assignment.order]
    notes = []
    setup = cells.get(assignment.setup_id)
    if assignment.setup_id and (setup is None or not _same(setup.source, assignment.setup)):
        notes.append("The setup cell was edited or deleted; the instructor's was used.")
    if list(dict.fromkeys(known)) != [i for i in assignment.order if i in known]:
        notes.append("Cells were moved; they were graded in the course's order.")
    if len(known) != len(set(known)):
        notes.append("Some graded cells appear twice; the last copy of each was graded.")
    return cells, notes


def build_grading_notebook(submission, assignment):
    """The notebook that grades a submission, and where each exercise's cells are in it.

    Returns ``(notebook, plan, notes)``: ``plan`` holds per exercise ``(exercise, solution,
    check, notes)``, the places of its cells (None when the solution cell is missing) and
    sentences about it; ``notes`` are sentences about the whole submission.
    """
    cells, notes = _student_cells(submission, assignment)
    grading = [nbformat.v4.new_code_cell(assignment.setup)]
    plan = []
    for exercise in assignment.exercises:
        check = cells.get(exercise.check_id)
        kept = check and _same(check.source, exercise.check, strip_hidden_tests(exercise.check))
        edited = [] if kept else [EDITED_CHECK]
        solution = cells.get(exercise.grade_id)
        if solution is None or solution.get("cell_type") != "code":
            plan.append((exercise, None, None, edited))
            continue
        grading += map(nbformat.v4.new_code_cell, (solution.source, exercise.check))
        plan.append((exercise, len(grading) - 2, len(grading) - 1, edited))
    return nbformat.v4.new_notebook(cells=grading), plan, notes


async def _execute(notebook, folder, limit, progress):
    """Run ``notebook`` (outputs stored in it) in a fresh kernel in ``folder`` within ``limit``
    seconds; ``progress[0]`` holds the cell being run. Returns None, or "time" or "dead"."""
    client = NotebookClient(notebook, kernel_name=KERNEL, allow_errors=True, record_timing=False)
    client.store_widget_state, client.startup_timeout = False, math.ceil(limit)
    km = client.km = client.create_kernel_manager()  # nbclient may reset client.km
    deadline, killed, printed = time.monotonic() + limit, [], [0]
    process = client.process_message

    def capped(message, cell, index):  # drops what a flood of printing sends past the cap
        if message["msg_type"] in ("stream", "display_data"):
            printed[0] += len(str(message["content"]))
            if printed[0] > OUTPUT_LIMIT:
                return None
        return process(message, cell, index)

    client.process_message = capped

    async def watchdog():
        await asyncio.sleep(limit + WALL_GRACE)
        killed.append(True)
        await km.shutdown_kernel(now=True)

    guard = asyncio.ensure_future(watchdog())
    try:
        await client.async_start_new_kernel(cwd=str(folder), stdout=DEVNULL, stderr=DEVNULL)
        await client.async_start_new_kernel_client()
        for index, cell in enumerate(notebook.cells):
            progress[0] = index
            if time.monotonic() >= deadline:
                return "time"
            client.timeout = math.ceil(deadline - time.monotonic())
            await client.async_execute_cell(cell, index)
        return None
    except TimeoutError:  # nbclient's CellTimeoutError is one
        return "time"
    except RuntimeError:  # nbclient's DeadKernelError, or the kernel died while starting
        if killed:
            return "time"
        if km.has_kernel and await km.is_alive():
            raise
        return "dead"
    finally:
        guard.cancel()
        if client.kc is not None:
            client.kc.stop_channels()
        if km.has_kernel:
            await km.shutdown_kernel(now=True)


def _error(cell):
    """``(ename, evalue)`` of the cell's error output, or None."""
    errors = [out for out in cell.get("outputs", []) if out.get("output_type") == "error"]
    return (errors[-1].get("ename", ""), errors[-1].get("evalue", "")) if errors else None


def _shown(cell):
    """What a cell displayed last (an execute result's text, or printed text), or ""."""
    texts = [out.get("data", {}).get("text/plain") or out.get("text") for out in cell.outputs]
    return ([text for text in texts if text] or [""])[-1]


def _verdict(notebook, solution, check, stop):
    """(passed, feedback) of one exercise, its cells at ``solution`` and ``check``."""
    if solution is None:
        return False, "Its solution cell is missing (deleted, or its metadata changed)."
    reason, at, where = stop
    if reason and at < solution:
        return False, f"Not run: the notebook {reason} in {where}."
    if reason and at <= check:
        return False, f"Stopped: the notebook {reason} while running this exercise."
    parts = []
    if error := _error(notebook.cells[solution]):
        parts.append(f"Your solution cell raised {error[0]}: {error[1]}.")
    error = _error(notebook.cells[check])
    if error is None:
        return True, " ".join([*parts, _shown(notebook.cells[check]) or "Passed."])
    name, message = error
    if name == "AssertionError":
        parts.append(message or "The hidden test failed.")
    elif name == "NotImplementedError":
        parts.append(f"Not done yet: {message}")
    else:
        parts.append(f"The check raised {name}: {message}.")
    return False, " ".join(parts)


def _row(file, notebook, exercise, points, max_points, feedback):
    """One CSV row: points as 2, not 2.0; the feedback on one line, cut if very long."""
    points, max_points = (int(x) if float(x).is_integer() else x for x in (points, max_points))
    feedback = " ".join(str(feedback).split())
    if len(feedback) > FEEDBACK_LENGTH:
        feedback = feedback[: FEEDBACK_LENGTH - 1] + "…"
    values = (str(file), notebook, exercise, points, max_points, feedback)
    return dict(zip(FIELDS, values, strict=True))


async def _grade_notebook(path, submission, assignment, limit):
    """The rows of one submission of ``assignment``."""
    if not assignment.exercises:
        return [_row(path, assignment.name, "", 0, 0, "This notebook has no exercises.")]
    ids = {_grading(cell).get("grade_id") for cell in submission.cells}
    if not ids & set(assignment.order) - {None}:
        return [
            _row(path, assignment.name, e.grade_id, 0, e.points, NO_METADATA)
            for e in assignment.exercises
        ]
    notebook, plan, notes = build_grading_notebook(submission, assignment)
    progress = [0]
    with tempfile.TemporaryDirectory(prefix="grade-", ignore_cleanup_errors=True) as folder:
        reason = await _execute(notebook, folder, limit, progress)
    at = progress[0]
    running = [step[0].grade_id for step in plan if step[1] and step[1] <= at]
    where = f"exercise {running[-1]}" if running else "the setup cell"
    stop = (reason and STOPPED[reason].format(limit=limit), at, where)
    if error := _error(notebook.cells[0]):
        notes.append(f"The setup cell raised {error[0]}: {error[1]} (the grader's problem).")
    rows = []
    for exercise, solution, check, edited in plan:
        passed, feedback = _verdict(notebook, solution, check, stop)
        feedback = " ".join([feedback, *edited, *notes])
        points = exercise.points if passed else 0
        rows.append(
            _row(path, assignment.name, exercise.grade_id, points, exercise.points, feedback)
        )
    return rows


def _read(path):
    """The submission as a notebook, or a sentence that says why it is none."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        return f"cannot read the file ({error})"
    try:
        with warnings.catch_warnings():  # e.g. nbformat's warning about missing cell ids
            warnings.simplefilter("ignore")
            submission = nbformat.reads(data.decode("utf-8"), as_version=4)
        if not all(isinstance(cell, dict) for cell in submission.cells):
            raise TypeError("its cells are not all JSON objects")
    except Exception as error:
        return f"not a Jupyter notebook ({type(error).__name__}: {error})"
    return submission


async def grade_submission(path, course, limit=DEFAULT_TIMEOUT):
    """The CSV rows of one submission; never raises for a bad submission."""
    submission = _read(path)
    if isinstance(submission, str):
        return [_row(path, "", "", 0, 0, f"Not graded: {submission}.")]
    assignment = match_assignment(submission, path, course)
    if assignment is None:
        names = ", ".join(a.name for a in course)
        return [
            _row(path, "", "", 0, 0, f"Not graded: not one of the course's notebooks ({names}).")
        ]
    try:
        return await _grade_notebook(path, submission, assignment, limit)
    except Exception as error:  # the grader never stops on one submission
        feedback = f"Not graded: the grader failed ({type(error).__name__}: {error})."
        return [_row(path, assignment.name, "", 0, 0, feedback)]


def grade(paths, instructor_dir=COURSE_NOTEBOOKS, timeout=DEFAULT_TIMEOUT, jobs=None):
    """Grade submissions, ``jobs`` at a time; return the rows, submissions in given order."""
    course = load_course(instructor_dir)
    gate = asyncio.Semaphore(jobs or os.cpu_count() or 1)

    async def one(path):
        async with gate:
            return await grade_submission(path, course, timeout)

    async def everything():
        return await asyncio.gather(*map(one, paths))

    return [row for rows in run(everything()) for row in rows]


def run(coroutine):
    """``asyncio.run``, in a worker thread where a loop already runs (Jupyter, a browser test)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, coroutine).result()


def write_csv(rows, out):
    """Write ``rows`` to ``out`` whole, or leave ``out`` as it was."""
    descriptor, temporary = tempfile.mkstemp(dir=Path(out).parent, prefix=f".{Path(out).name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, FIELDS)
            writer.writeheader()
            writer.writerows(rows)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def main(argv=None):
    """Command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m backprop_lib.exercises.grade")
    parser.add_argument("submissions", nargs="+", type=Path, help="students' notebooks")
    parser.add_argument("--out", type=Path, required=True, help="the CSV to write")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds each")
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="submissions at once")
    parser.add_argument("--instructor", type=Path, default=COURSE_NOTEBOOKS, help="the course")
    args = parser.parse_args(argv)
    if not args.out.parent.is_dir():
        parser.error(f"--out: the folder {args.out.parent} does not exist")
    if not args.timeout > 0 or args.jobs < 1:
        parser.error(f"--timeout must be > 0 and --jobs >= 1, got {args.timeout} and {args.jobs}")
    if not any(assignment.exercises for assignment in load_course(args.instructor)):
        parser.error(f"no course notebook in {args.instructor} has exercises")
    rows = grade(args.submissions, args.instructor, args.timeout, args.jobs)
    write_csv(rows, args.out)
    for path in args.submissions:
        mine = [row for row in rows if row["file"] == str(path)]
        print(
            f"{path}: {sum(r['points'] for r in mine):g} / {sum(r['max_points'] for r in mine):g}"
        )
    print(f"wrote {len(rows)} rows to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
