"""The grader (backprop_lib/exercises/grade.py) end to end, on synthetic submissions of the
small course of test_release.py: complete, untouched, wrong, hanging, crashing, edited,
deleted, moved, not a notebook, another course's. One grading run (two at a time) serves
most tests; each submission starts a kernel."""

import copy
import csv
import hashlib
import json

import nbformat
import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib import exercises
from backprop_lib.exercises import grade, release

from .test_release import checked_notebook, instructor_notebook, make_course

TIME_LIMIT = 4
"""Seconds per submission in these tests: a kernel start and the small checks fit easily."""


def variant(change):
    """The instructor notebook changed by ``change(cells)``, which edits the cell list."""
    notebook = instructor_notebook()
    change(notebook.cells)
    return notebook


def wrong(cells):
    cells[3].source = "def double(x):\n    return x + 2"


def hang(cells):
    cells[3].source = "import time\n\nwhile True:\n    time.sleep(0.05)"


def crash(cells):
    cells[3].source = "import os\n\nos._exit(1)"


def edit_checks(cells):
    wrong(cells)
    cells[4].source = "print('all good')"  # would let the wrong answer pass
    del cells[7]  # square's check, deleted: the right answer still scores


def delete_solution(cells):
    del cells[6]


def move(cells):
    cells[3:5], cells[6:8] = cells[6:8], cells[3:5]


def import_error(cells):
    cells[6].source = "import no_such_module_for_the_test\n\n" + cells[6].source


def edit_setup(cells):
    cells[1].source = "FACTOR = 3"


def submissions(folder, notebooks):
    """Write the synthetic submissions; return {label: path}."""
    paths = {}
    edition = release.student_notebook(instructor_notebook())
    notebooks_by_label = {
        "complete": instructor_notebook(),
        "untouched": edition,
        "wrong": variant(wrong),
        "hanging": variant(hang),
        "crashing": variant(crash),
        "edited checks": variant(edit_checks),
        "deleted solution": variant(delete_solution),
        "moved": variant(move),
        "import error": variant(import_error),
        "edited setup": variant(edit_setup),
    }
    for index, (label, notebook) in enumerate(notebooks_by_label.items()):
        paths[label] = folder / f"student{index}.ipynb"
        nbformat.write(notebook, paths[label])
    other = copy.deepcopy(edition)
    for cell in other.cells:
        cell.metadata = {}
    paths["renamed, no metadata"] = folder / "alice_01_demo.ipynb"
    nbformat.write(other, paths["renamed, no metadata"])
    foreign = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    foreign.cells[0].metadata = {"nbgrader": {"grade_id": "99_other", "solution": True}}
    paths["another course"] = folder / "other.ipynb"
    nbformat.write(foreign, paths["another course"])
    paths["not a notebook"] = folder / "essay.ipynb"
    paths["not a notebook"].write_text("My answers are in the attached PDF.")
    paths["json, not a notebook"] = folder / "data.ipynb"
    paths["json, not a notebook"].write_text(json.dumps({"cells": 3}))
    paths["missing"] = folder / "never_sent.ipynb"
    return paths


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """(course folder, {label: path}, {label: rows}, digests before, digests after)."""
    notebooks = make_course(tmp_path_factory.mktemp("course"))
    paths = submissions(tmp_path_factory.mktemp("submitted"), notebooks)
    before = {label: digest(path) for label, path in paths.items()}
    rows = grade.grade(list(paths.values()), notebooks, timeout=TIME_LIMIT, jobs=2)
    after = {label: digest(path) for label, path in paths.items()}
    by_label = {label: [r for r in rows if r["file"] == str(path)] for label, path in paths.items()}
    assert [row["file"] for row in rows] == sorted(
        (row["file"] for row in rows), key=[str(p) for p in paths.values()].index
    )  # submissions in the order given
    return notebooks, paths, by_label, before, after


def scores(rows):
    return [(row["exercise"], row["points"], row["max_points"]) for row in rows]


FULL = [("01_double", 2, 2), ("01_square", 3, 3)]


def test_the_instructor_edition_scores_full_marks_with_the_checks_messages(graded):
    rows = graded[2]["complete"]
    assert scores(rows) == FULL
    assert [row["notebook"] for row in rows] == ["01_demo", "01_demo"]
    assert [row["feedback"] for row in rows] == ["'right'", "'right'"]


def test_the_untouched_student_edition_scores_zero_and_says_not_done(graded):
    rows = graded[2]["untouched"]
    assert scores(rows) == [("01_double", 0, 2), ("01_square", 0, 3)]
    assert [row["feedback"] for row in rows] == [
        "not done yet: Return twice x.",
        "not done yet: Return x times x.",
    ]


def test_a_wrong_answer_scores_zero_with_the_checks_diagnosis(graded):
    rows = graded[2]["wrong"]
    assert scores(rows) == [("01_double", 0, 2), ("01_square", 3, 3)]
    assert rows[0]["feedback"] == "wrong: double(21) gave 23, expected 42"


def test_a_hanging_submission_is_stopped_at_the_time_limit(graded):
    rows = graded[2]["hanging"]
    assert scores(rows) == [("01_double", 0, 2), ("01_square", 0, 3)]
    assert rows[0]["feedback"] == (
        f"Stopped: the notebook reached its time limit of {TIME_LIMIT} s while running this "
        "exercise."
    )
    assert rows[1]["feedback"] == (
        f"Not run: the notebook reached its time limit of {TIME_LIMIT} s in exercise 01_double."
    )


def test_a_submission_that_kills_its_kernel_gets_rows_that_say_so(graded):
    rows = graded[2]["crashing"]
    assert scores(rows) == [("01_double", 0, 2), ("01_square", 0, 3)]
    assert rows[0]["feedback"].startswith("Stopped: the notebook lost its kernel (it died")
    assert rows[1]["feedback"].startswith("Not run: the notebook lost its kernel")
    assert rows[1]["feedback"].endswith("in exercise 01_double.")


def test_edited_and_deleted_checks_are_replaced_by_the_instructors(graded):
    rows = graded[2]["edited checks"]
    assert scores(rows) == [("01_double", 0, 2), ("01_square", 3, 3)]
    note = "Its check cell was edited or deleted; the instructor's was used."
    assert rows[0]["feedback"] == f"wrong: double(21) gave 23, expected 42 {note}"
    assert rows[1]["feedback"] == f"'right' {note}"


def test_a_deleted_solution_cell_scores_zero_and_the_others_are_graded(graded):
    rows = graded[2]["deleted solution"]
    assert scores(rows) == [("01_double", 2, 2), ("01_square", 0, 3)]
    assert rows[1]["feedback"] == "Its solution cell is missing (deleted, or its metadata changed)."


def test_moved_cells_are_graded_in_the_courses_order_and_the_feedback_says_so(graded):
    rows = graded[2]["moved"]
    assert scores(rows) == FULL
    assert all(row["feedback"].endswith("graded in the course's order.") for row in rows)


def test_an_error_in_a_solution_cell_is_reported_as_such(graded):
    rows = graded[2]["import error"]
    assert scores(rows) == [("01_double", 2, 2), ("01_square", 0, 3)]
    assert rows[1]["feedback"] == (
        "Your solution cell raised ModuleNotFoundError: No module named "
        "'no_such_module_for_the_test'. The check raised NameError: name 'square' is not "
        "defined."
    )


def test_an_edited_setup_cell_is_replaced_by_the_instructors(graded):
    rows = graded[2]["edited setup"]
    assert scores(rows) == FULL  # with FACTOR = 3, double would have failed
    assert all("The setup cell was edited or deleted" in row["feedback"] for row in rows)


def test_a_submission_without_metadata_is_matched_by_its_file_name_and_told_why_not_graded(
    graded,
):
    rows = graded[2]["renamed, no metadata"]
    assert scores(rows) == [("01_double", 0, 2), ("01_square", 0, 3)]
    assert [row["notebook"] for row in rows] == ["01_demo", "01_demo"]
    assert {row["feedback"] for row in rows} == {grade.NO_METADATA}


@pytest.mark.parametrize(
    ("label", "feedback"),
    [
        ("another course", "Not graded: not one of the course's notebooks (01_demo)."),
        ("not a notebook", "Not graded: not a Jupyter notebook (NotJSONError: "),
        ("json, not a notebook", "Not graded: not a Jupyter notebook ("),
        ("missing", "Not graded: cannot read the file ("),
    ],
)
def test_what_is_not_a_notebook_of_the_course_gets_one_row_that_says_so(graded, label, feedback):
    [row] = graded[2][label]
    assert (row["notebook"], row["exercise"], row["points"], row["max_points"]) == ("", "", 0, 0)
    assert row["feedback"].startswith(feedback)


def test_grading_never_modifies_a_submission(graded):
    _, _, _, before, after = graded
    assert before == after
    assert sum(value is not None for value in before.values()) == len(before) - 1


def test_a_failure_of_the_grader_on_one_submission_becomes_a_row(graded, monkeypatch):
    notebooks, paths, *_ = graded

    async def broken(*args):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(grade, "_grade_notebook", broken)
    [row] = grade.grade([paths["complete"]], notebooks)
    assert row["notebook"] == "01_demo"
    assert row["feedback"] == "Not graded: the grader failed (RuntimeError: the disk is full)."


def test_the_command_writes_one_row_per_submission_and_exercise(graded, tmp_path, capsys):
    notebooks, paths, *_ = graded
    out = tmp_path / "grades.csv"
    chosen = [str(paths["complete"]), str(paths["not a notebook"])]
    assert grade.main([*chosen, "--out", str(out), "--instructor", str(notebooks)]) == 0
    with out.open(newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    assert table[0] == list(grade.FIELDS)
    assert [row[:5] for row in table[1:]] == [
        [chosen[0], "01_demo", "01_double", "2", "2"],
        [chosen[0], "01_demo", "01_square", "3", "3"],
        [chosen[1], "", "", "0", "0"],
    ]
    assert capsys.readouterr().out.splitlines() == [
        f"{chosen[0]}: 5 / 5",
        f"{chosen[1]}: 0 / 0",
        f"wrote 3 rows to {out}",
    ]
    assert [path.name for path in tmp_path.iterdir()] == ["grades.csv"]  # no temporary left


def test_an_interrupted_grading_leaves_the_old_csv_untouched(graded, tmp_path, monkeypatch):
    notebooks, paths, *_ = graded
    out = tmp_path / "grades.csv"
    out.write_text("the old grades\n")

    async def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(grade, "grade_submission", interrupted)
    with pytest.raises(KeyboardInterrupt):
        grade.main([str(paths["complete"]), "--out", str(out), "--instructor", str(notebooks)])
    assert out.read_text() == "the old grades\n"
    with pytest.raises(ValueError, match="dict contains fields not in fieldnames"):
        grade.write_csv([{"file": "x", "surprise": 1}], out)  # fails halfway through writing
    assert out.read_text() == "the old grades\n"
    assert [path.name for path in tmp_path.iterdir()] == ["grades.csv"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--out", "no/such/folder/grades.csv"], "--out: the folder no/such/folder does not exist"),
        (["--out", "grades.csv", "--jobs", "0"], "--jobs >= 1"),
        (["--out", "grades.csv", "--instructor", "."], "no course notebook in . has exercises"),
    ],
)
def test_bad_arguments_get_a_clear_error_before_any_grading(arguments, message, capsys):
    with pytest.raises(SystemExit) as stopped:
        grade.main(["submission.ipynb", *arguments])
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err


def test_an_instructor_notebook_whose_check_has_no_solution_is_refused(tmp_path):
    notebook = instructor_notebook()
    del notebook.cells[3]
    nbformat.write(notebook, tmp_path / "01_demo.ipynb")
    with pytest.raises(ValueError, match="check cell '01_double_check' has no solution cell"):
        grade.load_course(tmp_path)


def test_a_flood_of_printing_is_capped_and_the_error_after_it_kept(tmp_path):
    flood = "for _ in range(3000):\n    print('x' * 999)"  # 3 million characters
    cells = ["print('before')", flood, "raise ValueError('after the flood')"]
    notebook = nbformat.v4.new_notebook(cells=list(map(nbformat.v4.new_code_cell, cells)))
    assert grade.run(grade._execute(notebook, tmp_path, 30, [0])) is None
    assert [out["text"] for out in notebook.cells[0].outputs] == ["before\n"]
    printed = sum(len(out["text"]) for cell in notebook.cells[:2] for out in cell.outputs)
    assert printed <= grade.OUTPUT_LIMIT
    assert grade._error(notebook.cells[2]) == ("ValueError", "after the flood")


def test_the_watchdog_kills_a_kernel_that_outlives_the_time_limit(graded, monkeypatch):
    notebooks, paths, *_ = graded
    monkeypatch.setattr(grade, "WALL_GRACE", -27.0)  # the watchdog fires 3 s in, long
    rows = grade.grade([paths["hanging"]], notebooks, timeout=30)  # before nbclient's timeout
    assert scores(rows) == [("01_double", 0, 2), ("01_square", 0, 3)]
    assert "reached its time limit of 30 s" in rows[0]["feedback"]


ANSWERS = {
    "at a, not z": "def sigmoid_prime(z):\n    return z * (1 - z)",
    "changes z": "def sigmoid_prime(z):\n    s = bp.sigmoid(z)\n    z *= 0\n    return s * (1 - s)",
    "another formula": "def sigmoid_prime(z):\n    e = np.exp(-z)\n    return e / (1 + e) ** 2",
}
"""Answers to notebook 02_neuron's exercise, as a student's solution cell."""


def test_with_real_checks_the_feedback_is_the_hidden_checks_diagnosis(tmp_path):
    notebooks = tmp_path / "course"
    notebooks.mkdir()
    nbformat.write(checked_notebook(), notebooks / "02_neuron.ipynb")
    submitted = {
        "complete": checked_notebook(),
        "untouched": release.student_notebook(checked_notebook()),
    }
    for label, source in ANSWERS.items():
        submitted[label] = checked_notebook()
        submitted[label].cells[1].source = source
    paths = []
    for label, notebook in submitted.items():
        paths.append(tmp_path / f"{label}.ipynb")
        nbformat.write(notebook, paths[-1])
    rows = dict(zip(submitted, grade.grade(paths, notebooks, 20, 2), strict=True))
    assert {label: row["points"] for label, row in rows.items()} == {
        "complete": 4,
        "untouched": 0,
        "at a, not z": 0,
        "changes z": 0,
        "another formula": 4,
    }
    assert rows["complete"]["feedback"].startswith("right: sigmoid_prime passed")
    assert rows["untouched"]["feedback"].startswith("not done yet: sigmoid_prime raised")
    for label in ("at a, not z", "changes z"):
        namespace = {"bp": bp, "np": np}
        exec(ANSWERS[label], namespace)
        hidden = exercises.check("sigmoid_prime", namespace["sigmoid_prime"], seed=7)
        assert rows[label]["feedback"] == hidden.message and hidden.message.startswith("wrong")
