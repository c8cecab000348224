"""A class on JupyterHub: hosting/jupyterhub_config.py started for real, on loopback.

Students log in through the hub's login form (as a browser posts it), start their servers
through the hub's REST API, and run a notebook through their Jupyter server's REST and
websocket APIs with a token the hub gave them (see tests/hub_session.py). Their servers run
from the students' installation that hosting/install_course.py builds. As root (as on the
machines this course is developed on) every student is a throw-away system account and the
hub keeps the shipped spawner, which starts each server as that account: the tests then check
what the operating system lets each student read, on disk and from their own kernel. Not as
root, every server runs as this user and those tests are skipped. The hub, its proxy, every
server and the accounts are removed at the end; every wait is bounded.
"""

import json
import os
import pwd
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import nbformat
import pytest
import requests

from tests.hub_session import (
    COURSE_FOLDER,
    REQUEST_TIMEOUT,
    Accounts,
    Hub,
    Kernel,
    Student,
    install_course,
    wait_until,
)

pytestmark = pytest.mark.hub

ROOT = Path(__file__).resolve().parent.parent

AS_ROOT = os.geteuid() == 0

needs_accounts = pytest.mark.skipif(
    not AS_ROOT,
    reason="students as distinct system accounts need root (useradd, and a hub that starts "
    "each server as its student's account); not root, every server runs as this user",
)

NOTEBOOK = "01_single_neuron.ipynb"
"""The notebook each student runs: the quickest of the course (about 3 s here)."""

NAMES = ("alice", "bob", "carol")
"""The students of the module's hub."""

OTHERS = ("dave", "erin")
"""The students of the culling and restart tests' own hubs."""

IDLE = {
    "BACKPROP_SERVER_IDLE_TIMEOUT": 30,
    "BACKPROP_CULL_EVERY": 2,
    "BACKPROP_KERNEL_IDLE_TIMEOUT": 2,
    "BACKPROP_KERNEL_CULL_INTERVAL": 1,
}
"""Idle times (s) for the culling test. The hub learns of a server's activity only every 5
minutes (the server's reports, the proxy's routes), so for the culler the server is idle from
its start: its idle time must outlast the kernel's start, its run and its culling (2 s idle,
checked every second), about 6 s on a quiet machine and more than 8 s on a busy one."""

CULL_WAIT = 60
"""Seconds to wait for a culler: the idle time plus two rounds of checks, with room for a
busy machine."""

MARKERS = ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS")
"""nbgrader's beginnings of a solution and of hidden tests (the instructor edition's)."""

SHORTEST_ANSWER_LINE = 20
"""Lines of tests/honest_answers.py at least this long (stripped) are searched for."""

RUNUSER = shutil.which("runuser") or "/usr/sbin/runuser"

TRY_TO_READ = """
import json, os, sys
import backprop_lib
def attempt(path):
    try:
        if os.path.isdir(path):
            os.listdir(path)
        else:
            open(path, "rb").close()
        return "read"
    except OSError as error:
        return type(error).__name__
print(json.dumps({"tried": {p: attempt(p) for p in PATHS}, "package": backprop_lib.__file__,
                  "python": sys.executable}))
"""
"""Code for a student's kernel: what it makes of each path of PATHS, and where its package
and Python come from."""


def signed(nb, name):
    """``nb`` with a first cell that prints whose it is, so that its outputs are the student's."""
    nb.cells.insert(0, nbformat.v4.new_code_cell(f'print("this notebook is {name}\'s")'))
    return nb


def is_figure(output):
    """True for a figure: a PNG."""
    return "image/png" in output.get("data", {})


def cells(nb):
    """What must survive a save and a restart: each cell's kind, source and outputs."""
    return [(cell.cell_type, cell.source, cell.get("outputs")) for cell in nb.cells]


def as_account(name, *command, stdin=None):
    """``command`` run by the account ``name`` (its own groups, nothing of root's)."""
    return subprocess.run(
        [RUNUSER, "-u", name, "--", *command],
        input=stdin,
        capture_output=True,
        text=True,
        cwd="/",
        check=False,
    )


def hidden_test_lines():
    """Every line between the instructor edition's hidden-test markers: the hidden checks and
    their seeds."""
    found = set()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            inside = False
            for line in map(str.strip, cell.source.splitlines()):
                inside = (inside or line == MARKERS[1]) and line != "### END HIDDEN TESTS"
                if inside and line != MARKERS[1] and line:
                    found.add(line)
    return found


def answer_lines():
    """The lines of tests/honest_answers.py (right answers to every exercise) that neither the
    package nor the student edition holds, which students may read."""
    theirs = [path.read_text() for path in (ROOT / "backprop_lib").rglob("*.py")]
    theirs += [path.read_text() for path in (ROOT / "notebooks" / "student").glob("*.ipynb")]
    known = "\n".join(theirs)
    lines = map(str.strip, (ROOT / "tests" / "honest_answers.py").read_text().splitlines())
    return {
        line
        for line in lines
        if len(line) >= SHORTEST_ANSWER_LINE and line not in known and as_json(line) not in known
    }


def as_json(line):
    """``line`` as a notebook's JSON stores it."""
    return json.dumps(line)[1:-1]


def solution_patterns():
    """What no file a student can read may contain, each as written and as a notebook's JSON
    stores it: the markers, the hidden tests' lines (so their seeds) and right answers."""
    patterns = {*MARKERS, *hidden_test_lines(), *answer_lines()}
    return sorted(patterns | {as_json(pattern) for pattern in patterns})


def files_holding(patterns, paths, account=None):
    """The files under ``paths`` that hold any of ``patterns`` among those that ``account``
    (root if None) can read: GNU grep, which reads every file it may and skips symbolic links
    inside the folders."""
    command = ["grep", "--recursive", "--files-with-matches", "--fixed-strings", "--file=-"]
    command += ["--", *map(str, paths)]
    stdin = "\n".join(patterns) + "\n"
    if account:
        done = as_account(account, *command, stdin=stdin)
    else:
        done = subprocess.run(command, input=stdin, capture_output=True, text=True, check=False)
    problems = [line for line in done.stderr.splitlines() if "Permission denied" not in line]
    assert done.returncode in (0, 1, 2) and not problems, done.stderr
    return set(done.stdout.splitlines())


@pytest.fixture(scope="module")
def course():
    """The students' installation, built by hosting/install_course.py in a folder that every
    account may enter (pytest's own temporary folders are root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="bp-course-"))
    folder.chmod(0o755)
    try:
        yield install_course(folder / "course")
    finally:
        shutil.rmtree(folder)


@pytest.fixture(scope="module")
def accounts():
    """Each student's user name: a throw-away system account's as root, else the name."""
    if not AS_ROOT:
        yield {name: name for name in NAMES + OTHERS}
        return
    made = Accounts(NAMES + OTHERS)
    try:
        yield made.names
    finally:
        made.remove()


def new_hub(folder, course, **options):
    """A hub of the shipped configuration on ``course``; with the shipped spawner as root."""
    return Hub(folder, course=course, system_accounts=AS_ROOT, **options)


@pytest.fixture(scope="module")
def hub(tmp_path_factory, course, accounts):
    hub = new_hub(tmp_path_factory.mktemp("hub"), course)
    yield hub
    hub.stop()


@pytest.fixture(scope="module")
def students(hub, accounts):
    """Three students logged in, each with a running server and a token."""
    students = [Student(hub, accounts[name]) for name in NAMES]
    for student in students:
        student.log_in()
        student.request_server()  # all start together
    for student in students:
        student.wait_for_server()
        student.get_token()
    return students


@pytest.fixture(scope="module")
def saved(students):
    """Each student's notebook, run top to bottom in their kernel and saved in their home."""
    saved = {}
    for student in students:
        kernel = Kernel(student)
        nb = kernel.run_notebook(signed(student.read_notebook(NOTEBOOK), student.name))
        kernel.shut_down()
        student.save_notebook(NOTEBOOK, nb)
        saved[student.name] = nb
    return saved


def test_each_student_gets_their_own_copy_of_the_course(hub, students):
    for student in students:
        home = hub.home(student.name) / COURSE_FOLDER
        assert (home / NOTEBOOK).is_file()
        listing = student.server_api("GET", f"/contents/{COURSE_FOLDER}").json()["content"]
        assert NOTEBOOK in {item["name"] for item in listing}


def test_notebooks_run_and_stay_intact_across_a_restart(hub, students, saved):
    for nb in saved.values():
        code = [cell for cell in nb.cells if cell.cell_type == "code"]
        assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))
        outputs = [output for cell in code for output in cell.outputs]
        assert not [output for output in outputs if output.output_type == "error"]
        assert any(is_figure(output) for output in outputs)
    restarted = students[1]
    restarted.stop_server()
    assert not restarted.has_server()
    restarted.start_server()
    for student in students:
        nb = student.read_notebook(NOTEBOOK)
        assert cells(nb) == cells(saved[student.name])
        assert nb.cells[0].outputs[0].text == f"this notebook is {student.name}'s\n"
        on_disk = nbformat.read(hub.home(student.name) / COURSE_FOLDER / NOTEBOOK, 4)
        assert cells(on_disk) == cells(saved[student.name])


def test_a_student_cannot_read_another_students_files(students, saved):
    for owner in students:
        path = f"{owner.server_url}/api{owner.course_path(NOTEBOOK)}"
        mark = f"this notebook is {owner.name}'s"
        for other in students:
            if other is owner:
                continue
            with_token = requests.get(
                path, headers={"Authorization": f"token {other.token}"}, timeout=REQUEST_TIMEOUT
            )
            assert with_token.status_code == 403
            assert mark not in with_token.text
            # With the other student's browser cookies, following every redirect (the hub's
            # login and authorisation pages), as a browser would.
            with_cookie = other.session.get(path, timeout=REQUEST_TIMEOUT)
            assert with_cookie.status_code == 403
            assert mark not in with_cookie.text


@needs_accounts
def test_each_home_and_course_copy_is_its_students_alone(hub, students, saved):
    """useradd made the homes readable by all (Debian's default); the hub closed them, and
    the copy of the course is the student's, its notebooks (the saved one too) with no access
    for anyone else. (What the server makes later, such as .ipynb_checkpoints/, follows its
    umask, 022, inside the closed home.)"""
    for student in students:
        account = pwd.getpwnam(student.name)
        home = hub.home(student.name)
        copy = home / COURSE_FOLDER
        private = [home, copy, *copy.glob("*.ipynb")]
        assert copy / NOTEBOOK in private
        for path in [*private, *copy.iterdir()]:
            info = path.stat()
            assert (info.st_uid, info.st_gid) == (account.pw_uid, account.pw_gid), path
            if path in private:
                assert stat.S_IMODE(info.st_mode) & 0o077 == 0, (path, oct(info.st_mode))


@needs_accounts
def test_a_students_own_kernel_reads_neither_anothers_work_nor_the_clone(hub, students, saved):
    reader, owner = students[0], students[1]
    theirs = hub.home(owner.name)
    denied = [
        theirs / COURSE_FOLDER / NOTEBOOK,  # the other student's saved notebook, by its path
        theirs,
        ROOT / "notebooks" / NOTEBOOK,  # the instructor edition
        ROOT / "tests" / "honest_answers.py",
        ROOT,
    ]
    kernel = Kernel(reader)
    try:
        outputs, _ = kernel.execute(TRY_TO_READ.replace("PATHS", repr(list(map(str, denied)))))
    finally:
        kernel.shut_down()
    found = json.loads(outputs[-1].text)
    assert found["tried"] == {str(path): "PermissionError" for path in denied}
    assert found["package"].startswith(f"{hub.course}/package/")
    assert found["python"] == str(hub.course / "venv" / "bin" / "python")
    home = hub.home(reader.name) / COURSE_FOLDER / NOTEBOOK
    assert as_account(reader.name, "head", "-c1", str(home)).returncode == 0  # their own


@needs_accounts
def test_no_file_a_student_can_read_holds_a_solution(hub, students, saved):
    """As each student's account, every file they can read under the installation, the clone
    and their home holds no marker of a solution or of hidden tests, no hidden test's line
    (with its seed) and no line of tests/honest_answers.py; the clone's notebooks/ and tests/
    are out of their reach."""
    patterns = solution_patterns()
    answers = ROOT / "tests" / "honest_answers.py"
    control = {str(ROOT / "notebooks" / NOTEBOOK), str(answers)}
    assert files_holding(patterns, control) == control  # the search finds what it looks for
    # Every file of the installation is root's and readable by all: what one student can read
    # there, every student can; so one student searches it, and each their home and the clone.
    for folder, folders, files in os.walk(hub.course):
        for path in [Path(folder), *(Path(folder) / name for name in folders + files)]:
            info = path.lstat()
            if not stat.S_ISLNK(info.st_mode):
                assert info.st_uid == 0 and stat.S_IMODE(info.st_mode) in (0o644, 0o755), path
    first = students[0].name
    assert files_holding(["def sigmoid_prime"], [hub.course / "package"], first)  # reads it
    assert files_holding(patterns, [hub.course, ROOT, hub.home(first)], first) == set()
    for student in students:
        assert files_holding(patterns, [ROOT, hub.home(student.name)], student.name) == set()
        for secret in (ROOT / "notebooks", ROOT / "tests"):
            listing = as_account(student.name, "ls", str(secret))
            assert listing.returncode != 0 and "Permission denied" in listing.stderr


def test_an_idle_kernel_and_then_an_idle_server_are_culled(tmp_path, course, accounts):
    hub = new_hub(tmp_path, course, idle=IDLE)
    try:
        student = Student(hub, accounts["dave"])
        student.log_in()
        student.start_server()
        student.get_token()
        kernel = Kernel(student)
        outputs, _ = kernel.execute("1 + 1")
        assert outputs[0].data["text/plain"] == "2"

        def no_kernels():
            return student.server_api("GET", "/kernels").json() == []

        # Still connected (a tab left open): culled all the same (cull_connected).
        wait_until(no_kernels, CULL_WAIT, "the idle kernel's culling")
        kernel.close()
        wait_until(lambda: not student.has_server(), CULL_WAIT, "the idle server's culling")
    finally:
        hub.stop()
    assert f"DELETE /hub/api/users/{student.name}/server (idle-culler@" in hub.log.read_text()


def test_a_hub_restart_keeps_the_students_servers_and_kernels(tmp_path, course, accounts):
    """hosting/jupyterhub_config.py leaves the servers running when the hub stops; a new hub
    on the same state finds them, with their kernels and what those hold."""
    first = new_hub(tmp_path, course)
    second = None
    try:
        student = Student(first, accounts["erin"])
        student.log_in()
        student.start_server()
        student.get_token()
        kernel = Kernel(student)
        kernel.execute("work = 6 * 7")
        kernel.close()
        [running] = student.server_api("GET", "/kernels").json()
        first.stop_hub_only()
        second = new_hub(tmp_path, course, hub_port=first.hub_port)
        student = Student(second, student.name)
        student.log_in()
        wait_until(student.server_ready, CULL_WAIT, "the hub to find the running server")
        student.get_token()
        assert [k["id"] for k in student.server_api("GET", "/kernels").json()] == [running["id"]]
        kernel = Kernel(student, running["id"])
        outputs, _ = kernel.execute("work")
        assert outputs[0].data["text/plain"] == "42"
        kernel.close()
    finally:
        for hub in (second, first):
            if hub is not None:
                hub.stop()
    state = ROOT / "hosting" / "state"
    assert state.is_dir() and state.stat().st_mode & 0o077 == 0  # the hub's alone
