"""Benchmark the grader: synthetic submissions across all the course's notebooks.

Run: .venv/bin/python benchmarks/bench_grade.py [--submissions 100] [--jobs 1 2]

For each --jobs value it grades the same submissions with
``backprop_lib.grading.__main__.grade_all`` and prints the wall time per submission (the whole
run's wall time divided by the number of submissions), beside the target: at most 3 s per
notebook submission, so that a class of 200 students and six notebooks (1200 submissions)
grades in under 30 minutes. It never fails on a missed target (a benchmark, not a test).

The submissions cycle through the course notebooks that have exercises and, for each, through
the student edition with the first k solutions filled in (k = 0: untouched; k = all: the
instructor edition), so that not-done, right and mixed answers are all graded; it prints
the points they scored beside the points they should score.
"""

import argparse
import copy
import tempfile
import time
from pathlib import Path

import nbformat

from backprop_lib.grading import __main__ as grader
from backprop_lib.grading import release
from backprop_lib.grading.assignment import load_assignment

TARGET_SECONDS = 3.0
"""Wall time allowed per notebook submission."""

CLASS_SUBMISSIONS = 200 * 6
"""A class of 200 students, six notebooks."""

STOPPED = ("Not graded",)
"""How the feedback of a row that was not graded begins."""


def course_notebooks():
    """{path: instructor notebook} of the course notebooks that have exercises."""
    paths = release.instructor_notebooks(release.COURSE_NOTEBOOKS)
    return {
        path: nbformat.read(path, as_version=4) for path in paths if load_assignment(path).exercises
    }


def partly_done(instructor, student, k):
    """The student edition with the instructor's first ``k`` solution cells put back."""
    notebook = copy.deepcopy(student)
    solved = [
        i
        for i, cell in enumerate(instructor.cells)
        if cell.metadata.get("nbgrader", {}).get("solution")
    ]
    for index in solved[:k]:
        notebook.cells[index] = copy.deepcopy(instructor.cells[index])
    return notebook


def submissions(course, count, folder):
    """Write ``count`` submissions cycling through the notebooks.

    Returns their paths and the points they should score (the first k exercises' points).
    """
    kinds = []
    for path, instructor in course.items():
        student = release.student_notebook(instructor, path.name)
        points = [exercise.points for exercise in load_assignment(path).exercises]
        kinds += [
            (partly_done(instructor, student, k), sum(points[:k])) for k in range(len(points) + 1)
        ]
    paths, expected = [], 0
    for index in range(count):
        notebook, points = kinds[index % len(kinds)]
        paths.append(folder / f"student{index:03d}_{index % len(kinds):02d}.ipynb")
        nbformat.write(notebook, paths[-1])
        expected += points
    return paths, expected


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submissions", type=int, default=100)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    course = course_notebooks()
    if not course:
        raise SystemExit("No course notebook has exercises: nothing to grade.")
    with tempfile.TemporaryDirectory() as folder:
        paths, expected = submissions(course, args.submissions, Path(folder))
        exercises = sum(len(load_assignment(path).exercises) for path in course)
        print(f"{len(paths)} submissions of {len(course)} notebooks ({exercises} exercises)")
        for jobs in args.jobs:
            start = time.perf_counter()
            rows = grader.grade_all(paths, release.COURSE_NOTEBOOKS, jobs=jobs)
            per_submission = (time.perf_counter() - start) / len(paths)
            stopped = [row for row in rows if row["feedback"].startswith(STOPPED)]
            points = sum(row["points"] for row in rows)
            print(
                f"--jobs {jobs}: {per_submission:.2f} s wall per submission "
                f"(target {TARGET_SECONDS:.0f} s); {CLASS_SUBMISSIONS} submissions would take "
                f"{per_submission * CLASS_SUBMISSIONS / 60:.0f} min; {points:g} points "
                f"(expected {expected:g}); {len(stopped)} of {len(rows)} rows not graded"
            )


if __name__ == "__main__":
    main()
