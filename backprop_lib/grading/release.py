"""The student edition of the course: ``python -m backprop_lib.grading.release``.

notebooks/ is the instructor edition: each exercise is a solution cell whose answer sits
between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` and a check cell whose hidden tests
sit between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS`` (nbgrader's markers and
cell metadata). This module writes notebooks/student/ from it in two steps:

1. :func:`student_notebook`, a pure and deterministic function of one instructor notebook:
   each solution region (markers included) becomes ``raise NotImplementedError("...")`` at
   the marker's indentation, with the sentence of the cell's ``backprop.stub`` metadata; each
   hidden-test region (markers included) is removed; the outputs of solution and check cells
   are cleared; everything else (text, diagrams, which the instructor notebooks carry as
   attachments (images/attach_diagrams.py), figures, stored outputs, metadata) is kept.
2. :func:`run_notebook` runs the result top to bottom in the student folder, so that the
   stored outputs are what a student sees (every check says "not done yet").

:func:`student_edition_is_current` compares the committed student edition with a fresh
transformation (cells' types, sources, metadata and attachments; outputs are nbval's job).

Why nbformat and nbclient rather than nbgrader: nbgrader's ``generate_assignment`` needs its
own course folder layout (source/<assignment>/) and database, and brings a web server's worth
of dependencies; the transformation we need is a few dozen lines. The notebooks still follow
nbgrader's conventions, so an instructor can drop them into an nbgrader course unchanged.
"""

import argparse
import copy
import sys
from pathlib import Path
from subprocess import DEVNULL

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

COURSE_NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
"""The instructor edition in the repository (the default source)."""

NOTEBOOK_PATTERN = "[0-9][0-9]_*.ipynb"
"""Course notebooks are named NN_topic.ipynb."""

SOLUTION = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN_TESTS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
"""nbgrader's markers; a marker is a line that holds nothing else (indentation aside)."""

LINE_LENGTH = 100
"""The project's line length (pyproject.toml, ruff): longer stubs are wrapped to fit."""

KEPT_NOTEBOOK_METADATA = ("kernelspec", "language_info")
"""Notebook metadata kept after a run, as jupyter_nbconvert_config.json keeps it: no widget
state (each explorer has a static figure above it, which is what a page without a kernel
can show)."""

KERNEL = "python3"
"""The kernel of the current environment."""

RELEASE_COMMAND = "python -m backprop_lib.grading.release"


def _regions(source, markers, where):
    """Split ``source`` into its lines outside marked regions and one item per region.

    Returns a list whose items are either a line, with its line ending (str), or a tuple
    ``(indent, ending)`` standing for one region: the begin marker's indentation and the end
    marker's line ending. Raises ValueError, naming ``where``, for a marker without its
    partner.
    """
    begin, end = markers
    items, opened = [], None
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        text = line.strip()
        if text == begin and opened is None:
            opened = number
            indent = line[: len(line) - len(line.lstrip())]
        elif text == end and opened is not None:
            items.append((indent, line[len(line.rstrip("\r\n")) :]))
            opened = None
        elif text in markers:
            raise ValueError(f"{where}: unexpected {text!r} on line {number}")
        elif opened is None:
            items.append(line)
    if opened is not None:
        raise ValueError(f"{where}: {begin!r} on line {opened} has no {end!r}")
    return items


def _quote(text):
    """A Python string literal for ``text``, in the quotes ruff's formatter prefers (double,
    unless single quotes need fewer escapes)."""
    quote = "'" if text.count('"') > text.count("'") else '"'
    return quote + text.replace("\\", "\\\\").replace(quote, "\\" + quote) + quote


def stub_lines(indent, sentence):
    """The line(s) ``raise NotImplementedError("sentence")`` at ``indent``, within the
    project's line length: one line when it fits, else the sentence split at spaces over
    several implicitly concatenated strings, laid out as ruff's formatter lays them out."""
    sentence = " ".join(sentence.split())
    line = f"{indent}raise NotImplementedError({_quote(sentence)})"
    if len(line) <= LINE_LENGTH:
        return [line]
    inner = indent + "    "
    chunks = [""]
    for word in sentence.split(" "):
        if chunks[-1] and len(inner + _quote(f"{chunks[-1]}{word} ")) > LINE_LENGTH:
            chunks.append("")
        chunks[-1] += f"{word} "
    chunks[-1] = chunks[-1][:-1]
    return [
        f"{indent}raise NotImplementedError(",
        *[inner + _quote(chunk) for chunk in chunks],
        f"{indent})",
    ]


def strip_hidden_tests(source, where="cell"):
    """``source`` without its hidden-test regions (markers included)."""
    return "".join(item for item in _regions(source, HIDDEN_TESTS, where) if isinstance(item, str))


def _stub_solutions(cell, where):
    """The cell's source with each solution region replaced by the stub's raise line(s)."""
    parts = []
    for item in _regions(cell.source, SOLUTION, where):
        if isinstance(item, str):
            parts.append(item)
            continue
        indent, ending = item
        sentence = cell.metadata.get("backprop", {}).get("stub")
        if not sentence:
            raise ValueError(f"{where}: a solution region but no metadata backprop.stub")
        if not indent:
            raise ValueError(
                f"{where}: a solution region must sit inside a function (it is at column 0), "
                "so that the stub raises only when the function is called"
            )
        parts.append("\n".join(stub_lines(indent, sentence)) + ending)
    return "".join(parts)


def student_notebook(instructor, name="notebook"):
    """The student edition of one instructor notebook (no execution; input not modified).

    Parameters
    ----------
    instructor : nbformat.NotebookNode
        The instructor notebook (version 4).
    name : str
        Its name, used in error messages.

    Returns
    -------
    nbformat.NotebookNode
        A new notebook: solutions stubbed, hidden tests removed, exercise outputs cleared,
        everything else as in ``instructor``.

    Raises
    ------
    ValueError
        For a marker without its partner, a solution region at column 0 or without a stub
        sentence, or an image that is not there.
    """
    student = copy.deepcopy(instructor)
    for index, cell in enumerate(student.cells):
        where = f"{name}, cell {index + 1}"
        if cell.cell_type != "code":
            continue
        cell.source = strip_hidden_tests(_stub_solutions(cell, where), where)
        grading = cell.metadata.get("nbgrader", {})
        if grading.get("solution") or grading.get("grade"):
            cell.outputs, cell.execution_count = [], None
    return student


def instructor_notebooks(folder):
    """The course notebooks NN_topic.ipynb in ``folder``, in order."""
    return sorted(Path(folder).glob(NOTEBOOK_PATTERN))


def _fresh_student_notebook(path):
    """The student edition of the instructor notebook at ``path``, not run."""
    return student_notebook(nbformat.read(path, as_version=4), path.name)


def run_notebook(notebook, folder, timeout=None):
    """Run ``notebook`` top to bottom with ``folder`` as working directory; return the result.

    Mirrors the project's ``jupyter nbconvert --config=jupyter_nbconvert_config.json
    --execute``: the result keeps only its kernelspec and language_info, its figures are
    compacted (:func:`~backprop_lib.display.figures.compact_figures`), and no execution
    timestamps are recorded. Unlike that config, cell metadata is kept, since
    it holds the nbgrader metadata. The input is not modified. Raises nbclient's
    CellExecutionError when a cell fails.
    """
    # Here, not at the top: the grader imports this module, and never loads matplotlib.
    from ..display.figures import compact_figures

    result = copy.deepcopy(notebook)
    NotebookClient(
        result,
        timeout=timeout,
        kernel_name=KERNEL,
        record_timing=False,
        resources={"metadata": {"path": str(folder)}},
    ).execute(stdout=DEVNULL, stderr=DEVNULL)  # the kernel process's own output, not cells'
    compact_figures(result)
    metadata = result.metadata
    result.metadata = nbformat.from_dict(
        {key: metadata[key] for key in KEPT_NOTEBOOK_METADATA if key in metadata}
    )
    return result


def write_student_edition(instructor_dir=COURSE_NOTEBOOKS, student_dir=None, execute=True):
    """Write the student edition of every course notebook; return the paths written.

    ``student_dir`` defaults to ``instructor_dir / "student"``. Every notebook is
    transformed before any is written, and each is written only after its run succeeded,
    so a failure leaves the files it did not reach as they were.
    """
    instructor_dir = Path(instructor_dir)
    student_dir = instructor_dir / "student" if student_dir is None else Path(student_dir)
    editions = {
        path.name: _fresh_student_notebook(path) for path in instructor_notebooks(instructor_dir)
    }
    student_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, notebook in editions.items():
        if execute:
            notebook = run_notebook(notebook, student_dir)
        nbformat.write(notebook, student_dir / name)
        written.append(student_dir / name)
    return written


def _differences(instructor_path, student_path):
    """What differs between a fresh student edition of one notebook and the file."""
    fresh = _fresh_student_notebook(instructor_path)
    committed = nbformat.read(student_path, as_version=4)
    if len(fresh.cells) != len(committed.cells):
        return [f"{student_path}: {len(committed.cells)} cells, expected {len(fresh.cells)}"]
    return [
        f"{student_path}, cell {index + 1}: the {field} differs"
        for index, (new, old) in enumerate(zip(fresh.cells, committed.cells, strict=True))
        for field in ("cell_type", "source", "metadata", "attachments")
        if new.get(field, {}) != old.get(field, {})
    ]


def student_edition_is_current(instructor_dir=COURSE_NOTEBOOKS, student_dir=None):
    """The differences between the committed student edition and a fresh transformation.

    Compares every cell's type, source, metadata and attachments (not outputs: nbval checks
    those by running the committed student notebooks). Returns a list of sentences, empty
    when the student edition is current; the last one then says how to regenerate it.
    """
    instructor_dir = Path(instructor_dir)
    student_dir = instructor_dir / "student" if student_dir is None else Path(student_dir)
    expected = {path.name: path for path in instructor_notebooks(instructor_dir)}
    if not student_dir.is_dir():
        differences = [f"{student_dir} does not exist"]
    else:
        found = {path.name for path in instructor_notebooks(student_dir)}
        differences = [
            f"{student_dir / name} has no instructor notebook"
            for name in sorted(found - set(expected))
        ] + [f"{student_dir / name} is missing" for name in expected if name not in found]
        for name in sorted(set(expected) & found):
            differences += _differences(expected[name], student_dir / name)
    if differences:
        differences.append(f"Run {RELEASE_COMMAND} to regenerate the student edition.")
    return differences


def main(argv=None):
    """Command line: write (or with --check, compare) the student edition."""
    parser = argparse.ArgumentParser(prog=RELEASE_COMMAND, description=__doc__.split("\n")[0])
    parser.add_argument(
        "--instructor", type=Path, default=COURSE_NOTEBOOKS, help="instructor notebooks' folder"
    )
    parser.add_argument(
        "--student", type=Path, default=None, help="output folder (default: INSTRUCTOR/student)"
    )
    parser.add_argument(
        "--no-execute", action="store_true", help="write without running the notebooks"
    )
    parser.add_argument(
        "--check", action="store_true", help="only list differences from the committed edition"
    )
    args = parser.parse_args(argv)
    if args.check:
        differences = student_edition_is_current(args.instructor, args.student)
        print("\n".join(differences) or "The student edition is current.")
        return 1 if differences else 0
    try:
        written = write_student_edition(args.instructor, args.student, not args.no_execute)
    except (ValueError, CellExecutionError) as error:
        print(f"release stopped: {str(error)[:2000]}", file=sys.stderr)
        return 1
    print("\n".join(f"wrote {path}" for path in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
