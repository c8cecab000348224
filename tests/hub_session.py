"""A real JupyterHub for the hub test and the hosting benchmark, and students who use it.

:class:`Hub` starts ``hosting/jupyterhub_config.py`` itself, the file an instructor runs,
with the students' installation that ``hosting/install_course.py`` builds
(:func:`install_course`), and overrides on the command line only what a test needs: a test
authenticator (any name, one shared password), loopback addresses on free ports, a temporary
state folder, and either nothing more (the shipped spawner, which starts each server as the
student's system account: :class:`Accounts` makes throw-away ones, as root) or the spawner that
runs servers as this user with homes in a temporary folder. configurable-http-proxy comes from
npm, installed once into ``.hub_cache/`` (git ignores it) like the browser tests' Chromium. A
:class:`Student` logs in through the hub's login form as a browser does, starts their server
through the hub's REST API, and works on it through the Jupyter server's REST and websocket
APIs with a token the hub gave them (:class:`Kernel` runs code and notebooks).
"""

import contextlib
import json
import os
import pwd
import secrets
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import psutil
import requests
import websocket

from tests.browser_session import BIN, ROOT, Server, free_port, jupyter_env

PROXY_VERSION = "5.3.0"
"""configurable-http-proxy from npm, pinned (JupyterHub 6.1's own default proxy)."""

CACHE = ROOT / ".hub_cache"
"""Where npm installs the proxy; hosting/jupyterhub_config.py looks for it there too."""

PROXY = CACHE / "node_modules" / ".bin" / "configurable-http-proxy"

HUB_CONFIG = ROOT / "hosting" / "jupyterhub_config.py"
"""The shipped configuration, which every hub here starts."""

INSTALLER = ROOT / "hosting" / "install_course.py"
"""What builds the students' installation of the course, which their servers run."""

INSTALL_TIMEOUT = 300
"""Seconds the installer may take (about 3 s here: hard links of the environment)."""

ACCOUNT_PREFIX = "bp-test-"
"""The beginning of every throw-away account's name (then a random tag and the student's)."""

COURSE_FOLDER = "backprop-course"
"""Where the configuration copies the student edition, in each student's home."""

PASSWORD = "backprop-class"
"""The test authenticator's shared password: it accepts any user name with it (JupyterHub's
SharedPasswordAuthenticator, which replaces DummyAuthenticator's password, wants 8+ characters)."""

NPM_TIMEOUT = 300
"""Seconds allowed for npm to install the proxy (about 2 s here, from the registry)."""

REQUEST_TIMEOUT = 60
"""Seconds one HTTP request may take (a hub serving 30 students at once on two cores)."""

READY_TIMEOUT = 240
"""Seconds from asking for a server to its being ready: the hub's own start timeout
(hosting/jupyterhub_config.py's SERVER_START_TIMEOUT, 180 s) and some."""

STOP_TIMEOUT = 60
"""Seconds a server may take to stop (it shuts its kernels down first)."""

CELL_TIMEOUT = 300
"""Seconds one cell may run: the slowest notebook's slowest cell (04, 08) with 30 students
sharing two cores."""

POLL_SECONDS = 0.25
"""Pause between two looks at something we wait for."""


def wait_until(check, timeout, what):
    """Call ``check`` until it returns something true, and return that.

    Raises
    ------
    TimeoutError
        After ``timeout`` seconds, saying ``what`` did not happen.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(POLL_SECONDS)
    raise TimeoutError(f"{what} did not happen within {timeout} s")


def ensure_proxy():
    """Return the path of configurable-http-proxy, installing it with npm if it is missing.

    Raises
    ------
    RuntimeError
        If npm is missing or fails, saying how to install the proxy by hand.
    """
    if PROXY.exists():
        return PROXY
    how = (
        f"install Node.js and npm (e.g. `apt-get install npm`), then run "
        f"`npm install --prefix {CACHE} configurable-http-proxy@{PROXY_VERSION}`"
    )
    if shutil.which("npm") is None:
        raise RuntimeError(f"JupyterHub needs configurable-http-proxy and there is no npm: {how}")
    command = ["npm", "install", "--prefix", str(CACHE), "--save-exact", "--no-audit"]
    done = subprocess.run(
        [*command, "--no-fund", f"configurable-http-proxy@{PROXY_VERSION}"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=NPM_TIMEOUT,
        check=False,
    )
    if done.returncode != 0 or not PROXY.exists():
        raise RuntimeError(
            f"npm could not install configurable-http-proxy (exit {done.returncode}): "
            f"{done.stderr.strip()[-2000:]}\nPlease {how}."
        )
    return PROXY


def install_course(prefix):
    """Build the students' installation at ``prefix`` with hosting/install_course.py and return
    its path. As root, with the system's Python (the students' accounts run it); else with this
    environment's own base Python (the servers then run as this user). The installer's smoke
    test is skipped: the hub's students do more."""
    python = "/usr/bin/python3" if os.geteuid() == 0 else sys._base_executable
    command = [sys.executable, str(INSTALLER), "--prefix", str(prefix), "--python", python]
    done = subprocess.run(
        [*command, "--no-check"], capture_output=True, text=True, timeout=INSTALL_TIMEOUT
    )
    if done.returncode != 0:
        raise RuntimeError(f"hosting/install_course.py failed:\n{done.stderr[-3000:]}")
    return Path(prefix)


class Accounts:
    """Throw-away system accounts, one per name, made by ``useradd -m`` with a home that every
    account may read (Debian's default, which the hub must close); :meth:`remove` deletes them
    with their homes, once nothing of theirs runs. Only root can make them.

    Attributes
    ----------
    names : dict of str to str
        Each name given, e.g. "alice", to its account's, e.g. "bp-test-1a2b3c-alice".
    """

    def __init__(self, names):
        tag = secrets.token_hex(3)
        self.names = {}
        try:
            for name in names:
                account = f"{ACCOUNT_PREFIX}{tag}-{name}"
                command = ["useradd", "--create-home", "-K", "HOME_MODE=0755", account]
                subprocess.run(command, capture_output=True, check=True)
                self.names[name] = account
        except BaseException:
            self.remove()
            raise

    def remove(self):
        """Kill what the accounts still run, then delete them and their homes."""
        uids = {pwd.getpwnam(account).pw_uid for account in self.names.values()}
        running = [
            process
            for process in psutil.process_iter(["uids"])
            if process.info["uids"] and process.info["uids"].real in uids
        ]
        for process in running:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
        psutil.wait_procs(running, timeout=STOP_TIMEOUT)
        for account in self.names.values():
            subprocess.run(["userdel", "--remove", "--force", account], capture_output=True)


class Hub:
    """JupyterHub from the shipped configuration, on 127.0.0.1, with its state in ``folder``.

    Parameters
    ----------
    folder : path-like
        A temporary folder: the hub's database, secret, log (and, without system accounts,
        the students' homes and, without ``course``, the students' installation).
    idle : dict of str to int, optional
        Idle times in seconds, by the names of the environment variables that
        hosting/jupyterhub_config.py reads (e.g. ``BACKPROP_SERVER_IDLE_TIMEOUT``).
    hub_port : int, optional
        The port of the hub's API (a free one by default); a restart reuses the old one.
    course : path-like, optional
        The students' installation (:func:`install_course`); built in ``folder`` if not given.
    system_accounts : bool
        Keep the shipped spawner, which starts each server as the student's system account
        (their user names must be accounts: :class:`Accounts`), as root only; else run every
        server as this user, with homes in ``folder``.

    Attributes
    ----------
    url : str
        The proxy's address, where students go.
    pid : int
        The hub's process id (its proxy and the students' servers are its children).
    course : Path
        The students' installation.
    log : Path
        The hub's (and its proxy's and servers') output.
    """

    def __init__(self, folder, idle=None, hub_port=None, course=None, system_accounts=False):
        folder = Path(folder)
        ensure_proxy()
        self.course = Path(course) if course else install_course(folder / "course")
        self.system_accounts = system_accounts
        self._homes = folder / "homes"
        self.hub_port = hub_port or free_port()  # a restarted hub keeps it: servers call it
        spawner = [
            "--JupyterHub.spawner_class=simple",
            f"--SimpleLocalProcessSpawner.home_dir_template={self._homes}/{{username}}",
        ]
        command = [
            str(BIN / "jupyterhub"),
            "-f",
            str(HUB_CONFIG),
            "--JupyterHub.authenticator_class=shared-password",
            f"--SharedPasswordAuthenticator.user_password={PASSWORD}",
            "--Authenticator.allow_all=True",
            *([] if system_accounts else spawner),
            "--ip=127.0.0.1",
            f"--JupyterHub.hub_port={self.hub_port}",
            f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{free_port()}",
            f"--db=sqlite:///{folder / 'jupyterhub.sqlite'}",
            f"--JupyterHub.cookie_secret_file={folder / 'jupyterhub_cookie_secret'}",
            f"--ConfigurableHTTPProxy.pid_file={folder / 'jupyterhub-proxy.pid'}",
        ]
        env = {
            **jupyter_env(folder),
            **{name: str(value) for name, value in (idle or {}).items()},
            "BACKPROP_COURSE_PREFIX": str(self.course),
        }
        self.log = folder / "hub.log"
        self._server = Server(command, "/hub/api", folder, env, self.log)
        self.url = self._server.url
        self.pid = self._server.process.pid

    def home(self, name):
        """The home of the student ``name``: their account's, or their folder in ``folder``."""
        return Path(pwd.getpwnam(name).pw_dir) if self.system_accounts else self._homes / name

    def stop_hub_only(self):
        """Stop the hub process alone, as a restart does: the students' servers go on."""
        self._server.stop()

    def stop(self):
        """Stop the hub (and its proxy), then kill whatever of what it started is still
        running: the students' servers, which the shipped configuration leaves running."""
        try:
            started = psutil.Process(self._server.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            started = []
        self._server.stop()
        for process in started:
            if process.is_running():
                process.kill()
        psutil.wait_procs(started, timeout=STOP_TIMEOUT)


class Student:
    """One student of a :class:`Hub`, working as a browser does.

    Parameters
    ----------
    hub : Hub
    name : str
        The user name they log in with.

    Attributes
    ----------
    session : requests.Session
        Their browser: the hub's cookies once logged in.
    token : str or None
        An API token the hub gave them (see :meth:`get_token`).
    """

    def __init__(self, hub, name):
        self.hub = hub
        self.name = name
        self.session = requests.Session()
        self.token = None
        self.server_url = f"{hub.url}/user/{name}"

    def log_in(self):
        """Fill in and send the hub's login form (its page sets the form's XSRF cookie)."""
        self.session.get(f"{self.hub.url}/hub/login", timeout=REQUEST_TIMEOUT).raise_for_status()
        form = {"username": self.name, "password": PASSWORD, "_xsrf": self._xsrf()}
        response = self.session.post(
            f"{self.hub.url}/hub/login", data=form, allow_redirects=False, timeout=REQUEST_TIMEOUT
        )
        if response.status_code != 302 or "jupyterhub-session-id" not in self.session.cookies:
            raise RuntimeError(f"{self.name} could not log in: HTTP {response.status_code}")

    def _xsrf(self):
        return self.session.cookies.get("_xsrf", path="/hub/")

    def hub_api(self, method, path, **kwargs):
        """A request to the hub's REST API with this student's cookie, as the hub's pages
        send it (with the XSRF header that cookie-authenticated writes need)."""
        response = self.session.request(
            method,
            f"{self.hub.url}/hub/api{path}",
            headers={"X-XSRFToken": self._xsrf()},
            timeout=REQUEST_TIMEOUT,
            **kwargs,
        )
        response.raise_for_status()
        return response

    def server_ready(self):
        """True when the hub says this student's server is running and ready."""
        server = self.hub_api("GET", f"/users/{self.name}").json()["servers"].get("")
        return bool(server and server["ready"])

    def request_server(self):
        """Ask the hub for this student's server (it starts in the background)."""
        self.hub_api("POST", f"/users/{self.name}/server")

    def wait_for_server(self):
        """Wait until the server that :meth:`request_server` asked for is ready."""
        wait_until(self.server_ready, READY_TIMEOUT, f"{self.name}'s server starting")

    def start_server(self):
        """Ask the hub for this student's server and wait until it is ready."""
        self.request_server()
        self.wait_for_server()

    def stop_server(self):
        """Ask the hub to stop this student's server and wait until it has."""
        self.hub_api("DELETE", f"/users/{self.name}/server")
        wait_until(lambda: not self.has_server(), STOP_TIMEOUT, f"{self.name}'s server stopping")

    def has_server(self):
        """True while the hub lists a server (starting, running or stopping) for this student."""
        return bool(self.hub_api("GET", f"/users/{self.name}").json()["servers"])

    def get_token(self):
        """Ask the hub for an API token for this student's own server (kept in ``token``)."""
        reply = self.hub_api("POST", f"/users/{self.name}/tokens", json={"note": "hub test"})
        self.token = reply.json()["token"]
        return self.token

    def server_api(self, method, path, **kwargs):
        """A request to this student's Jupyter server, through the hub's proxy, with the token."""
        response = requests.request(
            method,
            f"{self.server_url}/api{path}",
            headers={"Authorization": f"token {self.token}"},
            timeout=REQUEST_TIMEOUT,
            **kwargs,
        )
        response.raise_for_status()
        return response

    def course_path(self, notebook):
        """The contents API path of ``notebook`` (e.g. ``"01_single_neuron.ipynb"``) in this
        student's copy of the course."""
        return f"/contents/{COURSE_FOLDER}/{notebook}"

    def read_notebook(self, notebook):
        """The notebook as the student's server reads it from their home."""
        model = self.server_api("GET", self.course_path(notebook)).json()
        return nbformat.from_dict(model["content"])

    def save_notebook(self, notebook, nb):
        """Save ``nb`` (with its outputs) over ``notebook`` in the student's home."""
        model = {"type": "notebook", "format": "json", "content": nb}
        self.server_api("PUT", self.course_path(notebook), json=model)


class CellError(RuntimeError):
    """A cell raised: the kernel's error name and value."""


class Kernel:
    """A kernel on a student's server, run over its websocket as JupyterLab does.

    Parameters
    ----------
    student : Student
        A student with a running server and a token.
    kernel_id : str, optional
        A kernel already running on that server, to connect to; else a new one is started.
    """

    def __init__(self, student, kernel_id=None):
        self.student = student
        new = kernel_id is None
        self.id = (
            student.server_api("POST", "/kernels", json={"name": "python3"}).json()["id"]
            if new
            else kernel_id
        )
        self.session = uuid.uuid4().hex
        url = student.server_url.replace("http", "ws", 1)
        self._socket = websocket.create_connection(
            f"{url}/api/kernels/{self.id}/channels?session_id={self.session}",
            header=[f"Authorization: token {student.token}"],
            timeout=CELL_TIMEOUT,
        )

    def execute(self, code):
        """Run ``code``; return its outputs (as notebook outputs) and its execution count.

        Raises
        ------
        CellError
            If the code raised.
        """
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "msg_type": "execute_request", "session": self.session}
        content = {"code": code, "silent": False, "store_history": True, "allow_stdin": False}
        self._socket.send(
            json.dumps(
                {
                    "header": {**header, "username": self.student.name, "version": "5.3"},
                    "parent_header": {},
                    "metadata": {},
                    "content": {**content, "user_expressions": {}, "stop_on_error": True},
                    "channel": "shell",
                }
            )
        )
        outputs, reply, idle = [], None, False
        while reply is None or not idle:
            frame = self._socket.recv()
            if isinstance(frame, bytes):
                continue  # a message with binary buffers: a widget's image, never an output
            message = json.loads(frame)
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            kind = message["msg_type"]
            if kind == "execute_reply":
                reply = message["content"]
            elif kind == "status":
                idle = message["content"]["execution_state"] == "idle"
            elif kind in {"stream", "display_data", "execute_result", "error"}:
                outputs.append(nbformat.v4.output_from_msg(message))
        if reply["status"] != "ok":
            raise CellError(f"{reply.get('ename')}: {reply.get('evalue')}")
        return outputs, reply["execution_count"]

    def run_notebook(self, nb):
        """Run every code cell of ``nb`` in order, storing outputs and counts in it."""
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = self.execute(cell.source)
        return nb

    def close(self):
        """Close the websocket, as closing the notebook's tab does (the kernel goes on)."""
        self._socket.close()

    def shut_down(self):
        """Close the websocket and shut the kernel down."""
        self.close()
        self.student.server_api("DELETE", f"/kernels/{self.id}")
