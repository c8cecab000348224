"""The end of term on the hub (python -m backprop_lib.grading.collect), with throw-away system
accounts in a throw-away group, each with a ~/backprop-course/ as a class leaves it: a right
notebook 01 and none of 02; a wrong 01 and a 02 that is no notebook; a 01 that is a symbolic
link to a right notebook outside the home and a 02 too large. Only the two real 01s start the
grader's process (about 1 s each, two at a time)."""

import csv
import os
import pwd
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
import traceback
import types
import warnings
from pathlib import Path

import nbformat
import pytest

from backprop_lib.grading import collect, release
from backprop_lib.grading.assignment import load_assignment

ROOT = os.geteuid() == 0
needs_root = pytest.mark.skipif(
    not ROOT, reason="makes throw-away system accounts (useradd), which only root may do"
)

INSTRUCTOR_01 = release.COURSE_NOTEBOOKS / "01_single_neuron.ipynb"
NOTEBOOKS = ("01_single_neuron", "02_logistic_regression")
HOSTING = Path(__file__).resolve().parent.parent / "hosting" / "jupyterhub_config.py"


def wrong_01():
    """Notebook 01 with squared_error_prime's factor 2 forgotten, the rest right."""
    notebook = nbformat.read(INSTRUCTOR_01, as_version=4)
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "01_squared_error_prime":
            cell.source = "def squared_error_prime(a, y):\n    return a - y"
    return nbformat.writes(notebook).encode()


def points(name):
    return {
        e.grade_id: e.points for e in load_assignment(release.COURSE_NOTEBOOKS / name).exercises
    }


def run(*command):
    return subprocess.run(command, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """A group with three accounts (the first in it as its primary group) and their courses;
    the accounts, their homes and the group are removed afterwards, whatever happened."""
    group = f"bp-test-{secrets.token_hex(3)}"
    names = [f"{group}-{label}" for label in "abc"]
    outside = tmp_path_factory.mktemp("outside") / "right.ipynb"  # root's, not the students'
    outside.write_bytes(INSTRUCTOR_01.read_bytes())
    try:
        assert run("groupadd", group).returncode == 0
        assert run("useradd", "-m", "-g", group, names[0]).returncode == 0
        for name in names[1:]:
            assert run("useradd", "-m", "-G", group, name).returncode == 0
        homes = {name: Path(pwd.getpwnam(name).pw_dir) for name in names}
        files = {
            names[0]: {"01_single_neuron.ipynb": INSTRUCTOR_01.read_bytes(), "notes.ipynb": b"{}"},
            names[1]: {
                "01_single_neuron.ipynb": wrong_01(),
                "02_logistic_regression.ipynb": b"PDF",
            },
            names[2]: {},
        }
        for name, home in homes.items():
            course = home / collect.COURSE_FOLDER
            course.mkdir()
            for file_name, data in files[name].items():
                (course / file_name).write_bytes(data)
            if name == names[2]:
                (course / "01_single_neuron.ipynb").symlink_to(outside)
                with (course / "02_logistic_regression.ipynb").open("wb") as handle:
                    handle.truncate(collect.MAX_BYTES + 1)  # sparse: no disk used
            account = pwd.getpwnam(name)
            for path in [course, *course.iterdir()]:
                os.lchown(path, account.pw_uid, account.pw_gid)
            home.chmod(0o700)
        yield types.SimpleNamespace(group=group, names=names, homes=homes, outside=outside)
    finally:
        for name in names:
            run("userdel", "-r", name)
        run("groupdel", group)


@pytest.fixture(scope="module")
def collected(hub, tmp_path_factory):
    """(the copies' folder, the CSV's rows, the command's exit status)."""
    folder = tmp_path_factory.mktemp("term")
    into, out = folder / "copies", folder / "grades.csv"
    status = collect.main(
        ["--group", hub.group, "--into", str(into), "--out", str(out), "--notebooks", "01", "02"]
    )
    with out.open(encoding="utf-8", newline="") as handle:
        return into, list(csv.DictReader(handle)), status


def rows_of(rows, student, notebook):
    return [row for row in rows if row["student"] == student and row["notebook"] == notebook]


@needs_root
def test_each_student_gets_a_read_only_folder_of_copies_owned_by_root(hub, collected):
    into, _, status = collected
    assert status == 0
    assert stat.S_IMODE(into.stat().st_mode) == 0o700
    assert sorted(os.listdir(into)) == hub.names
    a, b, c = hub.names
    assert sorted(os.listdir(into / a)) == ["01_single_neuron.ipynb"]  # not notes.ipynb
    assert sorted(os.listdir(into / b)) == [
        "01_single_neuron.ipynb",
        "02_logistic_regression.ipynb",
    ]
    assert os.listdir(into / c) == []  # the link was not followed, the large file not copied
    for path in [into / name for name in hub.names] + list(into.glob("*/*")):
        info = path.lstat()
        expected = 0o555 if path.is_dir() else 0o444
        assert (stat.S_IMODE(info.st_mode), info.st_uid) == (expected, 0), path
        assert not path.is_symlink()
    home = hub.homes[a] / collect.COURSE_FOLDER / "01_single_neuron.ipynb"
    assert (into / a / "01_single_neuron.ipynb").read_bytes() == home.read_bytes()


@needs_root
def test_the_csv_has_a_student_column_and_every_notebooks_points_and_reasons(hub, collected):
    _, rows, _ = collected
    a, b, c = hub.names
    one, two = (points(f"{name}.ipynb") for name in NOTEBOOKS)
    assert list(rows[0]) == list(collect.FIELDS) and collect.FIELDS[0] == "student"
    assert [row["student"] for row in rows] == sorted(row["student"] for row in rows)
    assert {(r["student"], r["notebook"]) for r in rows} == {
        (name, notebook) for name in hub.names for notebook in NOTEBOOKS
    }
    got = {
        (student, notebook): {
            r["exercise"]: int(r["points"]) for r in rows_of(rows, student, notebook)
        }
        for student in hub.names
        for notebook in NOTEBOOKS
    }
    assert got[a, NOTEBOOKS[0]] == one  # the instructor's answers: full points
    assert got[b, NOTEBOOKS[0]] == {**one, "01_squared_error_prime": 0}
    for key, full in [((a, NOTEBOOKS[1]), two), ((b, NOTEBOOKS[1]), two), ((c, NOTEBOOKS[0]), one)]:
        assert got[key] == dict.fromkeys(full, 0), key
    assert got[c, NOTEBOOKS[1]] == dict.fromkeys(two, 0)
    for row in rows:
        full = one if row["notebook"] == NOTEBOOKS[0] else two
        assert int(row["max_points"]) == full[row["exercise"]], row
    reasons = {
        (a, NOTEBOOKS[1]): "Not collected: there is no such file.",
        (b, NOTEBOOKS[1]): "Not graded: not a Jupyter notebook",
        (c, NOTEBOOKS[0]): "Not collected: the file is a symbolic link (not followed).",
        (c, NOTEBOOKS[1]): "Not collected: the file is larger than the limit of 20 MiB.",
    }
    for (student, notebook), said in reasons.items():
        assert all(r["feedback"].startswith(said) for r in rows_of(rows, student, notebook))
    [wrong] = [r for r in rows_of(rows, b, NOTEBOOKS[0]) if r["points"] == "0"]
    assert "squared_error_prime" in wrong["feedback"]
    assert all(r["file"].startswith(str(hub.homes[c])) for r in rows_of(rows, c, NOTEBOOKS[0]))


def as_user(name, argv):
    """(exit status, what it wrote on standard error) of the command run by the account
    ``name``: a forked child becomes that user, runs it and exits (the environment's Python
    may be out of a student's reach, so nothing is started anew)."""
    account = pwd.getpwnam(name)
    read, write = os.pipe()
    with warnings.catch_warnings():  # Python 3.12 warns of a fork beside threads
        warnings.simplefilter("ignore", DeprecationWarning)
        child = os.fork()
    if child == 0:  # never returns to pytest
        status = 70
        try:
            os.close(read)
            sys.stderr = os.fdopen(write, "w", encoding="utf-8")
            os.setgroups([])
            os.setgid(account.pw_gid)
            os.setuid(account.pw_uid)
            status = collect.main(argv)
        except SystemExit as stop:
            status = stop.code if isinstance(stop.code, int) else 1
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stderr.flush()
            os._exit(status)
    os.close(write)
    with os.fdopen(read, encoding="utf-8") as handle:
        said = handle.read()
    return os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]), said


@needs_root
def test_not_as_root_it_refuses_and_writes_nothing_when_a_home_is_unreadable(hub):
    """A student runs it: the others' homes are 0700, so it stops and says to run it as root."""
    student = hub.names[1]
    into, out = hub.homes[student] / "copies", hub.homes[student] / "grades.csv"
    course = Path(tempfile.mkdtemp(prefix="course-", dir="/tmp"))  # one the student may read
    try:
        for path in release.instructor_notebooks(release.COURSE_NOTEBOOKS):
            shutil.copy(path, course)
        course.chmod(0o755)
        argv = ["--group", hub.group, "--into", str(into), "--out", str(out), "--notebooks", "01"]
        status, said = as_user(student, [*argv, "--instructor", str(course)])
        assert status == 2, said
        assert "Run it as root on the hub's machine" in said
        assert f"({hub.names[0]}, {hub.names[2]})" in said
        assert not into.exists() and not out.exists()
        course.chmod(0o700)  # as on the hub, where the clone is root's alone
        status, said = as_user(student, [*argv, "--instructor", str(course)])
        assert status == 2, said
        assert f"cannot read the course's instructor edition ({course}" in said, said
        assert "Run it as root on the hub's machine" in said
        assert not into.exists() and not out.exists()
    finally:
        shutil.rmtree(course)


def test_an_account_name_cannot_escape_the_folder_or_run_in_a_spreadsheet(tmp_path, monkeypatch):
    """Names that are no folder names are not collected; a formula is shown as text."""
    names = ["../escape", '=HYPERLINK("http://x","y")', "-2+3", "@SUM(A1)"]
    accounts = [collect.Account(name, os.geteuid(), str(tmp_path)) for name in names]
    monkeypatch.setattr(collect, "members", lambda group: accounts)
    into, out = tmp_path / "copies", tmp_path / "grades.csv"
    (tmp_path / collect.COURSE_FOLDER).mkdir()
    status = collect.main(["--into", str(into), "--out", str(out), "--notebooks", "01"])
    assert status == 0
    assert os.listdir(into) == [] and sorted(os.listdir(tmp_path)) == sorted(
        ["copies", "grades.csv", collect.COURSE_FOLDER]
    )
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    students = list(dict.fromkeys(row["student"] for row in rows))
    assert students == ["../escape", '\'=HYPERLINK("http://x","y")', "'-2+3", "'@SUM(A1)"]
    assert all("cannot be a folder name" in row["feedback"] for row in rows)
    assert all(row["points"] == "0" for row in rows)


@pytest.mark.parametrize(
    "arguments, said",
    [
        (["--into", "{tmp}/full", "--out", "{tmp}/g.csv"], "give a new folder"),
        (["--into", "{tmp}/new"], "--out is needed"),
        (["--into", "{tmp}/new", "--no-grade", "--course-folder", "../x"], "--course-folder"),
        (["--into", "{tmp}/new", "--no-grade", "--group", "no-such-group-bp"], "no group"),
        (["--into", "{tmp}/new", "--no-grade", "--notebooks", "42"], "--notebooks"),
    ],
)
def test_the_command_line_rejects_bad_options_with_a_message(arguments, said, tmp_path, capsys):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "old.csv").write_text("")
    with pytest.raises(SystemExit):
        collect.main([argument.format(tmp=tmp_path) for argument in arguments])
    assert said in capsys.readouterr().err
    assert not (tmp_path / "new").exists()


def test_the_hubs_group_and_course_folder_are_the_ones_collected():
    config = HOSTING.read_text(encoding="utf-8")
    assert f'COURSE_FOLDER = "{collect.COURSE_FOLDER}"' in config
    assert f'"{collect.GROUP}"' in config
