"""The student edition (backprop_lib/grading/release.py), on a small synthetic course built
in a temporary folder: solutions become stubs, hidden tests go, images travel as attachments,
the result runs in the student folder, and a comparison tells when the committed copy is stale."""

import base64
import copy
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from backprop_lib.grading import release

v4 = nbformat.v4
ROOT = Path(__file__).resolve().parent.parent
PNG = b"\x89PNG\r\n\x1a\n stands in for a diagram"

SETUP = '''import os

FACTOR = 2


def check(fn, x, expected):
    """A stand-in for exercises.check: a message, never an exception."""
    try:
        got = fn(x)
    except NotImplementedError as error:
        return f"not done yet: {error}"
    if got == expected:
        return "right"
    return f"wrong: {fn.__name__}({x}) gave {got!r}, expected {expected!r}"'''

DOUBLE = '''def double(x):
    """Twice x."""
    ### BEGIN SOLUTION
    return FACTOR * x
    ### END SOLUTION'''

SQUARE = '''def square(x):
    """x squared."""
    if x == 0:
        return 0
    ### BEGIN SOLUTION
    return x * x
    ### END SOLUTION'''

STUBS = {
    "double": "Return twice x.",
    "square": "Return x times x.",
    "sigmoid_prime": "Return sigmoid(z) * (1 - sigmoid(z)).",
}


def check_source(name, hidden, visible):
    """A check cell in the contract's form: a hidden assert, then the visible check."""
    return (
        "### BEGIN HIDDEN TESTS\n"
        f"hidden = check({name}, {hidden[0]}, {hidden[1]})\n"
        'assert hidden == "right", hidden\n'
        "### END HIDDEN TESTS\n"
        f"check({name}, {visible[0]}, {visible[1]})"
    )


def nbgrader(grade_id, solution=False, grade=False, points=None, stub=None):
    """Cell metadata as the exercise contract writes it (a solution's stub from STUBS unless
    ``stub`` is given)."""
    metadata = {
        "nbgrader": {
            "grade": grade,
            "grade_id": grade_id,
            "locked": not solution,
            "schema_version": 3,
            "solution": solution,
            "task": False,
        }
    }
    if points is not None:
        metadata["nbgrader"]["points"] = points
    if solution:
        metadata["backprop"] = {"stub": stub or STUBS[grade_id.split("_", 1)[1]]}
    return metadata


def instructor_notebook():
    """01_demo: a setup cell, two exercises, an image, other cells with stored outputs."""
    stored = v4.new_output("stream", name="stdout", text="explorer drawn\n")
    cells = [
        v4.new_markdown_cell(
            "# Demo\n![A diagram of the demo](attachment:diagram.png)\n"
            "![a remote picture](https://example.org/x.png)",
            attachments={"diagram.png": {"image/png": base64.b64encode(PNG).decode("ascii")}},
        ),
        v4.new_code_cell(SETUP, metadata=nbgrader("01_setup")),
        v4.new_markdown_cell("Twice a number: $2x$."),
        v4.new_code_cell(DOUBLE, metadata=nbgrader("01_double", solution=True)),
        v4.new_code_cell(
            check_source("double", (21, 42), (1, 2)),
            metadata=nbgrader("01_double_check", grade=True, points=2),
        ),
        v4.new_code_cell("print('explorer drawn')", outputs=[stored], execution_count=4),
        v4.new_code_cell(SQUARE, metadata=nbgrader("01_square", solution=True)),
        v4.new_code_cell(
            check_source("square", (7, 49), (2, 4)),
            metadata=nbgrader("01_square_check", grade=True, points=3),
        ),
        v4.new_code_cell("print(os.path.basename(os.getcwd()))"),
    ]
    for cell in cells[3:5]:  # as if the instructor had run the exercise
        cell.outputs, cell.execution_count = [stored], 2
    notebook = v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return notebook


def make_course(folder):
    """A course folder: notebooks/01_demo.ipynb; returns notebooks/."""
    notebooks = folder / "notebooks"
    notebooks.mkdir(parents=True)
    nbformat.write(instructor_notebook(), notebooks / "01_demo.ipynb")
    return notebooks


@pytest.fixture
def course(tmp_path):
    return make_course(tmp_path)


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """A course released once by ``python -m backprop_lib.grading.release``, warnings as
    errors (the kernel that runs the student notebook inherits them): (notebooks/, the finished
    process). The release runs the student edition, so the tests that read it share one run."""
    notebooks = make_course(tmp_path_factory.mktemp("released"))
    done = subprocess.run(
        [sys.executable, "-m", "backprop_lib.grading.release", *["--instructor", str(notebooks)]],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    return notebooks, done


def student(notebooks):
    instructor = nbformat.read(notebooks / "01_demo.ipynb", as_version=4)
    return release.student_notebook(instructor, "01_demo.ipynb")


def test_a_solution_becomes_a_stub_that_raises_its_sentence_at_the_same_indentation(course):
    cells = student(course).cells
    assert cells[3].source == (
        'def double(x):\n    """Twice x."""\n    raise NotImplementedError("Return twice x.")'
    )
    assert cells[6].source.startswith('def square(x):\n    """x squared."""\n    if x == 0:')
    namespace = {}
    exec(cells[6].source, namespace)
    assert namespace["square"](0) == 0  # the code around the solution stays
    with pytest.raises(NotImplementedError, match=r"^Return x times x\.$"):
        namespace["square"](3)


def test_hidden_tests_go_and_the_visible_check_stays(course):
    cells = student(course).cells
    assert cells[4].source == "check(double, 1, 2)"
    assert cells[7].source == "check(square, 2, 4)"
    assert not any("HIDDEN" in cell.source or "hidden" in cell.source for cell in cells)


def test_exercise_outputs_are_cleared_and_everything_else_is_kept(course):
    instructor = nbformat.read(course / "01_demo.ipynb", as_version=4)
    edition = student(course)
    for index in (3, 4):
        assert edition.cells[index].outputs == [] and edition.cells[index].execution_count is None
    assert edition.cells[5] == instructor.cells[5]  # another cell's stored output
    assert edition.cells[2] == instructor.cells[2] and edition.cells[1] == instructor.cells[1]
    assert [c.metadata for c in edition.cells] == [c.metadata for c in instructor.cells]
    assert [c.get("id") for c in edition.cells] == [c.get("id") for c in instructor.cells]
    assert edition.metadata == instructor.metadata


def test_diagrams_travel_as_the_instructor_notebook_attached_them(course):
    instructor = nbformat.read(course / "01_demo.ipynb", as_version=4)
    assert student(course).cells[0] == instructor.cells[0]
    assert base64.b64decode(instructor.cells[0].attachments["diagram.png"]["image/png"]) == PNG


def test_the_transformation_is_pure_and_deterministic(course):
    instructor = nbformat.read(course / "01_demo.ipynb", as_version=4)
    before = copy.deepcopy(instructor)
    first = release.student_notebook(instructor)
    assert instructor == before
    assert nbformat.writes(release.student_notebook(instructor)) == nbformat.writes(first)


LONG_STUB = (
    "Return dJ/dW for every layer, each an array of shape (n_l, n_{l-1}), from the deltas "
    'and the activations; keep the "1/m" factor and do not regularise the biases \\ ever.'
)


def test_long_stubs_are_wrapped_and_the_student_edition_passes_the_projects_ruff(tmp_path):
    source = "def outer():\n    def inner(x):\n        ### BEGIN SOLUTION\n        return x\n"
    source += "        ### END SOLUTION\n\n    return inner"
    cell = v4.new_code_cell(source, metadata={"backprop": {"stub": LONG_STUB}})
    edition = release.student_notebook(v4.new_notebook(cells=[cell]))
    assert max(len(line) for line in edition.cells[0].source.splitlines()) <= 100
    namespace = {}
    exec(edition.cells[0].source, namespace)
    with pytest.raises(NotImplementedError) as raised:
        namespace["outer"]()(1)
    assert str(raised.value) == LONG_STUB
    nbformat.write(edition, tmp_path / "01_x.ipynb")
    ruff = [sys.executable, "-m", "ruff", "--config", str(ROOT / "pyproject.toml")]
    for command in (["check"], ["format", "--check"]):
        done = subprocess.run([*ruff, *command, str(tmp_path / "01_x.ipynb")], capture_output=True)
        assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()


BAD_SOURCES = {
    "no end": ("def f():\n    ### BEGIN SOLUTION\n    return 1", "line 2 has no"),
    "end alone": ("def f():\n    return 1\n    ### END SOLUTION", "unexpected '### END SOLUTION'"),
    "nested": ("def f():\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION", "unexpected"),
    "column 0": ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "inside a function"),
    "hidden open": ("### BEGIN HIDDEN TESTS\nassert True", "has no '### END HIDDEN TESTS'"),
}


@pytest.mark.parametrize("name", BAD_SOURCES)
def test_malformed_exercise_cells_are_refused_with_the_cell_named(name):
    source, message = BAD_SOURCES[name]
    cell = v4.new_code_cell(source, metadata={"backprop": {"stub": "Write it."}})
    notebook = v4.new_notebook(cells=[v4.new_markdown_cell("x"), cell])
    with pytest.raises(ValueError, match=f"07_bad.ipynb, cell 2: .*{message}"):
        release.student_notebook(notebook, "07_bad.ipynb")


def test_a_solution_without_a_stub_sentence_is_refused():
    solution = v4.new_code_cell(
        "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"
    )
    with pytest.raises(
        ValueError, match=r"cell 1: a solution region but no metadata backprop\.stub"
    ):
        release.student_notebook(v4.new_notebook(cells=[solution]))


def test_the_comparison_finds_a_current_edition_and_names_every_difference(course):
    assert release.student_edition_is_current(course) == [
        f"{course / 'student'} does not exist",
        f"Run {release.RELEASE_COMMAND} to regenerate the student edition.",
    ]
    written = release.write_student_edition(course, execute=False)
    assert written == [course / "student" / "01_demo.ipynb"]
    assert release.student_edition_is_current(course) == []

    edited = nbformat.read(written[0], as_version=4)
    edited.cells[3].source = "def double(x):\n    return 2 * x"
    edited.cells[7].metadata = {}
    nbformat.write(edited, written[0])
    nbformat.write(edited, course / "student" / "02_gone.ipynb")
    differences = release.student_edition_is_current(course)
    assert differences == [
        f"{course / 'student' / '02_gone.ipynb'} has no instructor notebook",
        f"{written[0]}, cell 4: the source differs",
        f"{written[0]}, cell 8: the metadata differs",
        f"Run {release.RELEASE_COMMAND} to regenerate the student edition.",
    ]
    edited.cells.pop()
    nbformat.write(edited, written[0])
    assert f"{written[0]}: 8 cells, expected 9" in release.student_edition_is_current(course)


def test_the_release_runs_each_student_notebook_in_the_student_folder(released):
    course, done = released
    assert done.returncode == 0, done.stderr
    path = course / "student" / "01_demo.ipynb"
    edition = nbformat.read(path, as_version=4)
    outputs = [cell.get("outputs", []) for cell in edition.cells]
    assert not [o for cell in outputs for o in cell if o.output_type == "error"]
    shown = [o["data"]["text/plain"] for o in outputs[4] + outputs[7]]
    assert shown == ["'not done yet: Return twice x.'", "'not done yet: Return x times x.'"]
    assert outputs[8][0]["text"] == "student\n"  # the kernel ran in notebooks/student
    assert [cell.metadata for cell in edition.cells] == [
        cell.metadata for cell in release.student_notebook(instructor_notebook()).cells
    ]  # nbgrader metadata kept, no execution timestamps added
    assert set(edition.metadata) <= set(release.KEPT_NOTEBOOK_METADATA)
    assert edition.metadata["kernelspec"]["name"] == "python3"
    assert release.main(["--instructor", str(course), "--check"]) == 0


def test_a_student_notebook_that_fails_to_run_stops_the_release_and_is_not_written(course, capsys):
    broken = instructor_notebook()
    broken.cells[5].source = "1 / 0"
    nbformat.write(broken, course / "01_demo.ipynb")
    assert release.main(["--instructor", str(course)]) == 1
    assert "ZeroDivisionError" in capsys.readouterr().err
    assert not (course / "student" / "01_demo.ipynb").exists()


def test_the_command_line_runs_as_a_module(released):
    course, done = released
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"wrote {course / 'student' / '01_demo.ipynb'}\n"
    assert "not done yet" in (course / "student" / "01_demo.ipynb").read_text()


SIGMOID_PRIME = '''def sigmoid_prime(z):
    """The derivative of the sigmoid at z, an array shaped like z."""
    ### BEGIN SOLUTION
    s = bp.sigmoid(z)
    return s * (1 - s)
    ### END SOLUTION'''


def checked_notebook():
    """02_neuron: one exercise in the contract's form, checked by exercises.check."""
    solution = nbgrader("02_sigmoid_prime", solution=True)
    check = (
        "### BEGIN HIDDEN TESTS\n"
        'hidden = exercises.check("sigmoid_prime", sigmoid_prime, seed=7)\n'
        "assert hidden.passed, hidden.message\n"
        "### END HIDDEN TESTS\n"
        'exercises.check("sigmoid_prime", sigmoid_prime)'
    )
    setup = "import numpy as np\n\nimport backprop_lib as bp\nfrom backprop_lib import exercises"
    notebook = v4.new_notebook(
        cells=[
            v4.new_code_cell(setup, metadata=nbgrader("02_setup")),
            v4.new_code_cell(SIGMOID_PRIME, metadata=solution),
            v4.new_code_cell(
                check, metadata=nbgrader("02_sigmoid_prime_check", grade=True, points=4)
            ),
        ]
    )
    notebook.metadata["kernelspec"] = instructor_notebook().metadata["kernelspec"]
    return notebook


def test_with_real_checks_the_student_edition_runs_to_the_end_saying_not_done(tmp_path):
    edition = release.student_notebook(checked_notebook())
    ran = release.run_notebook(edition, tmp_path)
    [shown] = ran.cells[2].outputs
    message = (
        "not done yet: sigmoid_prime raised NotImplementedError: Return sigmoid(z) * (1 - "
        "sigmoid(z)). Replace the raise line with your code and run the cell again."
    )
    assert shown["data"]["text/plain"] == message
    assert message in shown["data"]["text/html"]
    instructor = release.run_notebook(checked_notebook(), tmp_path)  # the hidden test passes
    assert instructor.cells[2].outputs[0]["data"]["text/plain"].startswith("right: sigmoid_prime")


# Fails, and says to run the release command, when notebooks/student/ is missing or stale.
def test_the_committed_student_edition_is_current():
    differences = release.student_edition_is_current(ROOT / "notebooks")
    assert not differences, "\n".join(differences)
