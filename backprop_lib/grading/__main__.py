"""The grader's command line: read every submission, grade each, write one CSV."""

import argparse
import concurrent.futures
import csv
import os
import sys
import tempfile
from pathlib import Path

from .assignment import load_course, match_assignment, read_submission
from .release import COURSE_NOTEBOOKS
from .submission import DEFAULT_TIMEOUT, grade

FIELDS = ("file", "notebook", "exercise", "points", "max_points", "feedback")
"""The CSV's columns: one row per submission and exercise."""

FEEDBACK_LENGTH = 1500
"""Characters kept of one row's feedback (a long message is cut)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting with one of these is a formula to a spreadsheet (OWASP, "CSV
Injection"): the CSV gets a ' before it, so a file or account name is shown, never run."""


def spreadsheet_safe(value):
    """``value``, with a ' put before a text that a spreadsheet would read as a formula."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def _row(file, notebook, exercise, points, max_points, feedback):
    """One CSV row: points as 2, not 2.0; the feedback on one line, cut if very long."""
    points, max_points = (int(x) if float(x).is_integer() else x for x in (points, max_points))
    feedback = " ".join(str(feedback).split())
    if len(feedback) > FEEDBACK_LENGTH:
        feedback = feedback[: FEEDBACK_LENGTH - 1] + "…"
    return dict(
        zip(FIELDS, (str(file), notebook, exercise, points, max_points, feedback), strict=True)
    )


def read_all(paths):
    """Every submission's bytes, read before any student code runs (or why not)."""
    read = {}
    for path in paths:
        try:
            read[path] = Path(path).read_bytes()
        except OSError as error:
            read[path] = f"cannot read the file ({error})"
    return read


def grade_one(path, data, course, limit):
    """The CSV rows of one submission; never raises for a bad submission."""
    submission = read_submission(data) if isinstance(data, bytes) else data
    assignment = match_assignment(None if isinstance(submission, str) else submission, path, course)
    if assignment is None:
        names = ", ".join(a.name for a in course)
        reason = submission if isinstance(submission, str) else "not one of the course's notebooks"
        return [_row(path, "", "", 0, 0, f"Not graded: {reason} (the course's: {names}).")]
    if isinstance(submission, str):
        return [
            _row(path, assignment.name, e.grade_id, 0, e.points, f"Not graded: {submission}.")
            for e in assignment.exercises
        ]
    try:
        rows = grade(submission, assignment, limit)
    except Exception as error:  # the grader never stops on one submission
        feedback = f"Not graded: the grader failed ({type(error).__name__}: {error})."
        return [
            _row(path, assignment.name, e.grade_id, 0, e.points, feedback)
            for e in assignment.exercises
        ]
    return [
        _row(path, assignment.name, e.grade_id, points, e.points, text) for e, points, text in rows
    ]


def grade_all(paths, instructor_dir=COURSE_NOTEBOOKS, timeout=DEFAULT_TIMEOUT, jobs=None):
    """Grade submissions, ``jobs`` at a time; return the rows, submissions in given order."""
    course = load_course(instructor_dir)
    read = read_all(paths)
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
        graded = pool.map(lambda path: grade_one(path, read[path], course, timeout), paths)
        return [row for rows in graded for row in rows]


def write_csv(rows, out, fields=FIELDS):
    """Write ``rows`` to ``out`` whole (formulas neutralised), or leave ``out`` as it was."""
    descriptor, temporary = tempfile.mkstemp(dir=Path(out).parent, prefix=f".{Path(out).name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fields)
            writer.writeheader()
            writer.writerows({key: spreadsheet_safe(v) for key, v in row.items()} for row in rows)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def main(argv=None):
    """Command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m backprop_lib.grading")
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
    rows = grade_all(args.submissions, args.instructor, args.timeout, args.jobs)
    write_csv(rows, args.out)
    for path in args.submissions:
        mine = [row for row in rows if row["file"] == str(path)]
        got, full = sum(r["points"] for r in mine), sum(r["max_points"] for r in mine)
        print(f"{path}: {got:g} / {full:g}")
    print(f"wrote {len(rows)} rows to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
