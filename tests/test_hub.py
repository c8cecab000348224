"""A class on JupyterHub: hosting/jupyterhub_config.py started for real, on loopback.

Students log in through the hub's login form (as a browser posts it), start their servers
through the hub's REST API, and run a notebook through their Jupyter server's REST and
websocket APIs with a token the hub gave each of them (see tests/hub_session.py). The hub,
its proxy and every server are stopped at the end; every wait is bounded.
"""

from pathlib import Path

import nbformat
import pytest
import requests

from tests.hub_session import (
    COURSE_FOLDER,
    REQUEST_TIMEOUT,
    Hub,
    Kernel,
    Student,
    wait_until,
)

pytestmark = pytest.mark.hub

NOTEBOOK = "01_single_neuron.ipynb"
"""The notebook each student runs: the quickest of the course (about 3 s here)."""

NAMES = ("alice", "bob", "carol")

IDLE = {
    "BACKPROP_SERVER_IDLE_TIMEOUT": 8,
    "BACKPROP_CULL_EVERY": 2,
    "BACKPROP_KERNEL_IDLE_TIMEOUT": 2,
    "BACKPROP_KERNEL_CULL_INTERVAL": 1,
}
"""Idle times (s) for the culling test: short, but a server's start (about 3 s) fits in them."""

CULL_WAIT = 60
"""Seconds to wait for a culler: the idle time plus two rounds of checks, with room for a
busy machine."""


def signed(nb, name):
    """``nb`` with a first cell that prints whose it is, so that its outputs are the student's."""
    nb.cells.insert(0, nbformat.v4.new_code_cell(f'print("this notebook is {name}\'s")'))
    return nb


def is_figure(output):
    """True for a figure: a PNG, as such or in an HTML image (figures with alt text)."""
    data = output.get("data", {})
    return "image/png" in data or "<img" in data.get("text/html", "")


def cells(nb):
    """What must survive a save and a restart: each cell's kind, source and outputs."""
    return [(cell.cell_type, cell.source, cell.get("outputs")) for cell in nb.cells]


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    hub = Hub(tmp_path_factory.mktemp("hub"))
    yield hub
    hub.stop()


@pytest.fixture(scope="module")
def students(hub):
    """Three students logged in, each with a running server and a token."""
    students = [Student(hub, name) for name in NAMES]
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
        home = hub.homes / student.name / COURSE_FOLDER
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
        on_disk = nbformat.read(hub.homes / student.name / COURSE_FOLDER / NOTEBOOK, 4)
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


def test_an_idle_kernel_and_then_an_idle_server_are_culled(tmp_path):
    hub = Hub(tmp_path, idle=IDLE)
    try:
        student = Student(hub, "dave")
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
    assert "DELETE /hub/api/users/dave/server (idle-culler@" in hub.log.read_text()


def test_a_hub_restart_keeps_the_students_servers_and_kernels(tmp_path):
    """hosting/jupyterhub_config.py leaves the servers running when the hub stops; a new hub
    on the same state finds them, with their kernels and what those hold."""
    first = Hub(tmp_path)
    second = None
    try:
        student = Student(first, "erin")
        student.log_in()
        student.start_server()
        student.get_token()
        kernel = Kernel(student)
        kernel.execute("work = 6 * 7")
        kernel.close()
        [running] = student.server_api("GET", "/kernels").json()
        first.stop_hub_only()
        second = Hub(tmp_path, hub_port=first.hub_port)
        student = Student(second, "erin")
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
    state = Path(__file__).resolve().parent.parent / "hosting" / "state"
    assert state.is_dir() and state.stat().st_mode & 0o077 == 0  # the hub's alone
