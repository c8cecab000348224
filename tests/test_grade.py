"""The grader end to end (python -m backprop_lib.grading), on a small course with two real
exercises, sigmoid_prime (2 points) and hidden_delta (3 points), and submissions a class
hands in: complete, untouched, wrong, delegating to the library, patching the checks,
reading files, hard-coding the visible answers, hanging, overwriting another's file, not a
notebook. One grading run (two at a time) serves most tests, and the endless cell, which only
a time limit stops, a run with a shorter limit beside it; each submission starts one process."""

import ast
import concurrent.futures
import csv
import hashlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbformat import v4

from backprop_lib.exercises import STEPS
from backprop_lib.grading import __main__ as command
from backprop_lib.grading import assignment, release, submission

from .test_release import nbgrader

TIME_LIMIT = 12
"""Seconds per submission in these tests: the runner's start and the two checks take ~2 s."""

ENDLESS_CELL_LIMIT = 2
"""Seconds for the submission whose cell never ends: only its time limit stops it, so any limit
above the runner's start tells the same, and the grading run waits for no other."""

ENDLESS_CELL = "endless loop in a cell"

SETUP = "import numpy as np\n\nimport backprop_lib as bp\nfrom backprop_lib import exercises"
SIGMOID_PRIME = '''def sigmoid_prime(z):
    """sigma'(z)."""
    ### BEGIN SOLUTION
    s = 1 / (1 + np.exp(-z))
    return s * (1 - s)
    ### END SOLUTION'''
HIDDEN_DELTA = '''def hidden_delta(W_next, delta_next, g_prime_z):
    """delta^l."""
    ### BEGIN SOLUTION
    return g_prime_z * (W_next.T @ delta_next)
    ### END SOLUTION'''


def check_cell(name):
    return (
        "### BEGIN HIDDEN TESTS\n"
        f'hidden = exercises.check("{name}", {name}, seed=7)\n'
        "assert hidden.passed, hidden.message\n"
        "### END HIDDEN TESTS\n"
        f'exercises.check("{name}", {name})'
    )


def instructor_notebook():
    cells = [
        v4.new_markdown_cell("# Demo"),
        v4.new_code_cell(SETUP, metadata=nbgrader("01_setup")),
        v4.new_code_cell(SIGMOID_PRIME, metadata=nbgrader("01_sigmoid", True, stub="Write it.")),
        v4.new_code_cell(
            check_cell("sigmoid_prime"), metadata=nbgrader("01_sigmoid_check", grade=True, points=2)
        ),
        v4.new_code_cell("print('an explorer')"),
        v4.new_code_cell(HIDDEN_DELTA, metadata=nbgrader("01_delta", True, stub="Write it too.")),
        v4.new_code_cell(
            check_cell("hidden_delta"), metadata=nbgrader("01_delta_check", grade=True, points=3)
        ),
    ]
    notebook = v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return notebook


def with_sources(sigmoid=None, delta=None, extra=None):
    """The instructor notebook with the two solution cells replaced (None keeps one)."""
    notebook = instructor_notebook()
    if sigmoid is not None:
        notebook.cells[2].source = sigmoid
    if delta is not None:
        notebook.cells[5].source = delta
    if extra is not None:
        extra(notebook.cells)
    return notebook


def visible_lookup():
    """A sigmoid_prime that returns the visible check's answers from a table."""
    table = {
        repr(case.args[0].round(12).tolist()): case.expected[0].tolist()
        for case in STEPS["sigmoid_prime"].cases(np.random.default_rng(0))
    }
    lookup = "np.array(TABLE[repr(z.round(12).tolist())])"
    return f"TABLE = {table!r}\n\ndef sigmoid_prime(z):\n    return {lookup}"


def submissions(folder):
    """{label: path} of the class's submissions, written into ``folder``."""
    victim = folder / "student_victim.ipynb"
    notebooks = {
        "complete": instructor_notebook(),
        "untouched": release.student_notebook(instructor_notebook()),
        "wrong": with_sources(sigmoid="def sigmoid_prime(z):\n    return 1 / (1 + np.exp(-z))"),
        "delegating": with_sources(
            sigmoid="def sigmoid_prime(z):\n    return bp.sigmoid_prime(z)",
            delta="from backprop_lib.backprop import hidden_delta as h\n\n"
            "def hidden_delta(W, d, g):\n    return h(W, d, g)",
        ),
        "patching the check": with_sources(
            sigmoid="exercises.check = lambda *a, **k: None\n\ndef sigmoid_prime(z):\n    return z"
        ),
        "reading the instructor edition": with_sources(
            sigmoid="source = open(bp.__file__).read()\n\ndef sigmoid_prime(z):\n    return z"
        ),
        "hard-coded visible answers": with_sources(sigmoid=visible_lookup()),
        "endless loop in a function": with_sources(
            delta="def hidden_delta(W, d, g):\n    while True:\n        pass"
        ),
        ENDLESS_CELL: with_sources(sigmoid="while True:\n    pass"),
        "overwriting another": with_sources(
            sigmoid=f"{SIGMOID_PRIME}\n\n\nnp.savetxt({str(victim)!r}, [0.0])"
        ),
        "victim": instructor_notebook(),
        "helper in another cell": with_sources(
            delta="def hidden_delta(W, d, g):\n    return helper(W, d, g)",
            extra=lambda cells: cells.insert(
                5, v4.new_code_cell("def helper(W, d, g):\n    return g * (W.T @ d)")
            ),
        ),
        "edited check, deleted solution": with_sources(
            sigmoid="def sigmoid_prime(z):\n    return z",
            extra=lambda cells: (
                cells.__setitem__(3, v4.new_code_cell("print('ok')", metadata=cells[3].metadata)),
                cells.pop(5),
            ),
        ),
    }
    paths = {}
    for index, (label, notebook) in enumerate(notebooks.items()):
        paths[label] = victim if label == "victim" else folder / f"student{index}.ipynb"
        nbformat.write(notebook, paths[label])
    paths["not a notebook"] = folder / "01_demo_essay.ipynb"
    paths["not a notebook"].write_text("My answers are in the attached PDF.")
    paths["another course"] = folder / "other.ipynb"
    paths["another course"].write_text(nbformat.writes(v4.new_notebook()))
    return paths


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    notebooks = tmp_path_factory.mktemp("course") / "notebooks"
    notebooks.mkdir()
    nbformat.write(instructor_notebook(), notebooks / "01_demo.ipynb")
    return notebooks


@pytest.fixture(scope="module")
def graded(course, tmp_path_factory):
    """({label: path}, {label: rows}, digests before, digests of the course before)."""
    folder = tmp_path_factory.mktemp("submitted")
    paths = submissions(folder)
    before = {label: digest(path) for label, path in paths.items()}
    course_before = digest(course / "01_demo.ipynb")
    others = [path for label, path in paths.items() if label != ENDLESS_CELL]
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        endless = pool.submit(
            command.grade_all, [paths[ENDLESS_CELL]], course, timeout=ENDLESS_CELL_LIMIT, jobs=1
        )
        rows = command.grade_all(others, course, timeout=TIME_LIMIT, jobs=2) + endless.result()
    by_label = {label: [r for r in rows if r["file"] == str(path)] for label, path in paths.items()}
    return paths, by_label, before, course_before


def scores(rows):
    return [(row["exercise"], row["points"], row["max_points"]) for row in rows]


FULL = [("01_sigmoid", 2, 2), ("01_delta", 3, 3)]
NOTHING = [("01_sigmoid", 0, 2), ("01_delta", 0, 3)]


def feedback(rows, exercise):
    return next(row["feedback"] for row in rows if row["exercise"] == exercise)


def test_the_instructor_edition_scores_full_marks_and_the_student_edition_none(graded):
    rows = graded[1]
    assert scores(rows["complete"]) == FULL
    assert feedback(rows["complete"], "01_sigmoid").startswith("right: sigmoid_prime passed")
    assert scores(rows["untouched"]) == NOTHING
    assert feedback(rows["untouched"], "01_delta") == (
        "not done yet: hidden_delta raised NotImplementedError: Write it too. Replace the raise "
        "line with your code and run the cell again."
    )


def test_a_wrong_answer_scores_nothing_and_says_why(graded):
    rows = graded[1]["wrong"]
    assert scores(rows) == [("01_sigmoid", 0, 2), ("01_delta", 3, 3)]
    assert "you returned sigma(z) itself" in feedback(rows, "01_sigmoid")


def test_answers_that_call_the_library_score_nothing(graded):
    rows = graded[1]["delegating"]
    assert scores(rows) == NOTHING
    assert "called backprop_lib.activations.sigmoid_prime" in feedback(rows, "01_sigmoid")
    assert "called backprop_lib.backprop.hidden_delta" in feedback(rows, "01_delta")


def test_patching_the_check_or_reading_files_scores_nothing(graded):
    for label in ("patching the check", "reading the instructor edition"):
        rows = graded[1][label]
        assert scores(rows) == [("01_sigmoid", 0, 2), ("01_delta", 3, 3)], label
        assert "which the exercises do not allow" in feedback(rows, "01_sigmoid"), label


def test_answers_that_hard_code_the_visible_check_fail_the_hidden_one(graded):
    rows = graded[1]["hard-coded visible answers"]
    assert scores(rows)[0] == ("01_sigmoid", 0, 2)
    assert "KeyError" in feedback(rows, "01_sigmoid")


def test_an_endless_loop_is_stopped_per_call_or_per_submission(graded):
    rows = graded[1]["endless loop in a function"]
    assert scores(rows) == [("01_sigmoid", 2, 2), ("01_delta", 0, 3)]
    assert "did not finish within 2 s" in feedback(rows, "01_delta")
    rows = graded[1][ENDLESS_CELL]
    assert scores(rows) == NOTHING
    assert f"reached its time limit of {ENDLESS_CELL_LIMIT} s" in feedback(rows, "01_delta")


def test_one_submission_cannot_touch_another_or_the_course(graded, course):
    paths, rows, before, course_before = graded
    assert scores(rows["overwriting another"]) == FULL
    assert scores(rows["victim"]) == FULL  # read before any submission ran
    assert digest(course / "01_demo.ipynb") == course_before
    if os.geteuid() == 0:  # the student's code ran as a user who may not write there
        assert digest(paths["victim"]) == before["victim"]
    changed = [
        label for label in paths if label != "victim" and digest(paths[label]) != before[label]
    ]
    assert not changed


def test_a_helper_from_another_cell_is_named(graded):
    rows = graded[1]["helper in another cell"]
    assert scores(rows)[1] == ("01_delta", 0, 3)
    assert "helper is defined in cell 6, outside the exercise's cell" in feedback(rows, "01_delta")


def test_an_edited_check_is_ignored_and_a_deleted_solution_reported(graded):
    rows = graded[1]["edited check, deleted solution"]
    assert scores(rows) == NOTHING
    assert "has the opposite sign" not in feedback(rows, "01_sigmoid")
    assert feedback(rows, "01_sigmoid").startswith("wrong:")
    assert feedback(rows, "01_delta").startswith("Its solution cell is missing")


def test_a_file_that_is_no_notebook_counts_zero_of_its_full_points(graded):
    rows = graded[1]
    assert scores(rows["not a notebook"]) == NOTHING
    assert all(
        "Not graded: not a Jupyter notebook" in r["feedback"] for r in rows["not a notebook"]
    )
    [row] = rows["another course"]
    assert (row["points"], row["max_points"]) == (0, 0)
    assert "not one of the course's notebooks" in row["feedback"]


def test_patches_that_slip_past_the_rules_still_change_nothing(course, tmp_path, monkeypatch):
    """With the rules switched off in the grader, a cell that patches the checks, NumPy and the
    built-ins in the student's process still scores nothing: the verdict is made here."""
    monkeypatch.setattr(submission, "findings", lambda source, modules: [])
    patched = with_sources(
        sigmoid="import builtins\n"
        "exercises.diagnosis.matches = lambda *a: True\n"
        "exercises.judging.judge = lambda *a: exercises.CheckResult('x', 'right', 'right')\n"
        "np.max = lambda *a, **k: 0.0\n"
        "builtins.print = lambda *a, **k: None\n\n"
        "def sigmoid_prime(z):\n    return z",
    )
    path = tmp_path / "patched.ipynb"
    nbformat.write(patched, path)
    rows = command.grade_all([path], course, timeout=TIME_LIMIT, jobs=1)
    assert scores(rows) == [("01_sigmoid", 0, 2), ("01_delta", 3, 3)]
    assert "differs from central differences" in feedback(rows, "01_sigmoid")


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can run a submission as another user")
def test_as_root_a_submission_runs_as_an_unprivileged_user_of_its_own(course, tmp_path):
    shared = Path(tempfile.mkdtemp(prefix="shared-", dir="/tmp"))  # pytest's tmp_path is 700
    shared.chmod(stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO | stat.S_ISVTX)
    writer = with_sources(
        sigmoid=f"np.savetxt({str(shared / 'mark.txt')!r}, [1.0])\n\n{SIGMOID_PRIME}"
    )
    path = tmp_path / "a.ipynb"
    nbformat.write(writer, path)
    rows = command.grade_all([path], course, timeout=TIME_LIMIT, jobs=1)
    assert scores(rows) == FULL
    owner = (shared / "mark.txt").stat().st_uid
    shutil.rmtree(shared)
    assert owner >= submission.UID_BASE


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can run a submission as another user")
def test_as_root_the_course_grades_while_its_clone_is_closed_to_other_users():
    """On the hub the clone is root's alone (hosting/jupyterhub_config.py): the submission's
    user cannot read the package's files, so everything it runs must be loaded before."""
    clone = Path(release.__file__).resolve().parents[2]
    mode = clone.stat().st_mode
    notebooks = release.instructor_notebooks(release.COURSE_NOTEBOOKS)
    right = [path for path in notebooks if path.name.startswith(("01_", "07_"))]
    try:
        clone.chmod(mode & ~0o007)
        rows = command.grade_all(right, release.COURSE_NOTEBOOKS, timeout=TIME_LIMIT, jobs=2)
    finally:
        clone.chmod(mode)
    assert rows and all(row["points"] == row["max_points"] for row in rows), rows


def test_the_command_line_writes_one_csv_whole(course, tmp_path, graded):
    paths = graded[0]
    out = tmp_path / "grades.csv"
    assert (
        command.main([str(paths["complete"]), "--out", str(out), "--instructor", str(course)]) == 0
    )
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["points"] for row in rows] == ["2", "3"]
    assert list(rows[0]) == list(command.FIELDS)


@pytest.mark.parametrize(
    "arguments, said",
    [
        (["--out", "/no/such/folder/g.csv"], "does not exist"),
        (["--out", "g.csv", "--timeout", "0"], "--timeout must be > 0"),
    ],
)
def test_the_command_line_rejects_bad_options_with_a_message(arguments, said, capsys):
    with pytest.raises(SystemExit):
        command.main(["submission.ipynb", *arguments])
    assert said in capsys.readouterr().err


def test_the_hidden_seed_and_names_come_from_the_instructors_check_cell(course):
    [loaded] = assignment.load_course(course)
    assert [(e.check, e.function, e.seed, e.points) for e in loaded.exercises] == [
        ("sigmoid_prime", "sigmoid_prime", 7, 2),
        ("hidden_delta", "hidden_delta", 7, 3),
    ]


# ----- the real course: delegating every exercise -----------------------------------------

DELEGATIONS = {
    "neuron_gradients": "A = np.array([[a_prev]])\n"
    "    z = bp.linear_forward(np.array([[w]]), A, np.array([[b]]))\n"
    "    delta = bp.output_delta(bp.squared_error_prime(bp.sigmoid(z), y), bp.sigmoid_prime(z))\n"
    "    return float(bp.weight_gradient(delta, A)[0, 0]), float(delta[0, 0]), 0.0",
    "two_layer_backward_pass": "return model.gradients(X, Y)",
    "backward_pass": "return model.gradients(X, Y)",
    "minibatch_gradients": "return model.gradients(X_batch, Y_batch)",
    "spiral_settings": 'return playground_settings.PRESETS["spiral-deep"]',
    "local_derivatives": "x, y = bp.Value(a), bp.Value(b)\n"
    "    (x * y).backward()\n"
    "    return x.grad, y.grad",
    "backward_sweep": "output.backward()",
    "momentum_step": "bp.SGD(learning_rate, momentum).step(params, grads)",
    "adam_step": "bp.Adam(learning_rate, beta1, beta2, epsilon, weight_decay).step(params, grads)",
    "capstone_backward": 'return capstone.engine_gradients(params, cache["X"], Y)',
}
"""The library's answer to each exercise whose function of the same name in bp is not it."""


def delegating(notebook):
    """The instructor notebook with every solution replaced by a call of the library's answer."""
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            definition = next(
                node for node in ast.parse(cell.source).body if isinstance(node, ast.FunctionDef)
            )
            name, parameters = definition.name, [a.arg for a in definition.args.args]
            body = DELEGATIONS.get(name, f"return bp.{name}({', '.join(parameters)})")
            cell.source = f"def {name}({', '.join(parameters)}):\n    {body}"
    return notebook


def test_delegating_every_exercise_of_the_course_scores_nothing(tmp_path):
    paths = []
    for path in release.instructor_notebooks(release.COURSE_NOTEBOOKS):
        paths.append(tmp_path / path.name)
        nbformat.write(delegating(nbformat.read(path, as_version=4)), paths[-1])
    rows = command.grade_all(paths, release.COURSE_NOTEBOOKS, timeout=TIME_LIMIT, jobs=2)
    assert len(rows) == 26
    for row in rows:
        assert row["points"] == 0, row
        said = ("called backprop_lib.", "used backprop_lib.", "the playground's preset")
        assert any(words in row["feedback"] for words in said), row
