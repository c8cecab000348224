"""Chromium, JupyterLab and Voila for the real-browser tests and the browser benchmark.

Everything here starts what it needs and stops exactly what it started: Chromium comes
from Debian's packages (installed with apt-get when it is missing), the servers run from
this virtual environment on 127.0.0.1 and a free port, without a token, and serve a copy
of the repository in a temporary folder, so that nothing the browser does (JupyterLab
saves notebooks on its own) can change the committed notebooks.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # jupyter and voila of the same environment as pytest

PLAYGROUND = "06_playground.ipynb"
"""The playground's notebook, in each edition."""

VOILA_STATIC = "/voila/static/voila.js"
"""A file a standalone Voila server sends without running anything."""

STUDENT_EDITION = "notebooks/student"
"""The student edition's folder in the repository."""

# The playground's controls and figure, by the CSS classes its widgets carry.
LEARNING_RATE = ".bp-learning-rate"
PLAY_BUTTON = ".bp-play"  # a toggle button: "play", and while playing "pause"
FIGURE = ".bp-canvas"  # the canvas the browser draws; data-drawn counts its drawings
EPOCH = ".bp-epoch"
SHARE = ".bp-share"  # the playground's share box (a text field inside)

SCREENSHOTS = ROOT / "tests" / "screenshots"
"""A screenshot of each browser test's page, and the servers' logs (git-ignored)."""

RUN_ALL_TIMEOUT_MS = 300_000
"""How long running a whole notebook may take (Run All in JupyterLab, or loading its Voila
page, which runs it first): nbval allows each cell 120 s; here whole notebooks take 5-30 s,
several times that on a busy two-core CI machine."""

WIDGET_TIMEOUT_MS = 60_000
"""How long a widget may take to appear or to redraw after a change (a redraw takes
well under a second here, a retraining explorer a few seconds; the margin is for a busy
machine)."""

VIEWPORT = {"width": 1400, "height": 1000}
"""The browser window: wide enough for the playground's rows of controls."""

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    # Without these Chromium keeps trying to reach the internet, which this machine has not.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
APT_TIMEOUT = 900
"""Seconds allowed for each of apt-get update and apt-get install (a download of ~100 MB)."""

SERVER_START_TIMEOUT = 90
"""Seconds a server may take to answer its first request (JupyterLab takes 2-5 s here;
a busy two-core CI machine, several times that)."""

SERVER_STOP_TIMEOUT = 15
"""Seconds a server may take to shut down its kernels after SIGTERM before it is killed."""

SERVED = "repo"
"""The folder, inside a session's temporary folder, that holds the served copy."""

COPY_IGNORED = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", "*.egg-info", ".*_cache", ".hypothesis", "screenshots"
)
"""What the served copy of the repository leaves out: nothing a notebook reads."""

LAB_SETTINGS = {
    # Keep every cell in the page (JupyterLab can leave cells that are off screen out of
    # it), so that the tests see all prompts and outputs.
    "@jupyterlab/notebook-extension/tracker": '{"windowingMode": "none"}',
}
"""(The course's jupyter-config/ turns off JupyterLab's news pop-up for everyone.)"""


def ensure_chromium():
    """Return the path of Chromium, installing Debian's package first if it is missing.

    Raises
    ------
    RuntimeError
        If Chromium is missing and apt-get cannot install it, saying how to install it.
    """
    if CHROMIUM.exists():
        return CHROMIUM
    how = "install it yourself, e.g. `sudo apt-get install chromium` on Debian or Ubuntu"
    if shutil.which("apt-get") is None:
        raise RuntimeError(f"{CHROMIUM} is missing and there is no apt-get here: {how}")
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]  # -n: fail rather than ask
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        done = subprocess.run(
            sudo + command,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=APT_TIMEOUT,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{CHROMIUM} is missing and `{' '.join(sudo + command)}` failed "
                f"(exit {done.returncode}): {done.stderr.strip()[-2000:]}\nPlease {how}."
            )
    if not CHROMIUM.exists():
        raise RuntimeError(f"apt-get installed chromium, but not at {CHROMIUM}; please {how}.")
    return CHROMIUM


def launch_chromium(playwright):
    """A headless Chromium (Debian's, see :func:`ensure_chromium`) driven by Playwright."""
    return playwright.chromium.launch(executable_path=ensure_chromium(), args=CHROMIUM_ARGS)


def local_context(browser):
    """A browser context (a fresh profile) whose pages can reach only this machine.

    Voila's page asks a CDN for icon fonts, for instance; nothing may leave this machine.
    """
    context = browser.new_context(viewport=VIEWPORT)
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
    return context


def step_slider(page, slider, key="ArrowRight"):
    """Move a slider one step as a person does with the keyboard: focus its handle and
    press (and release) ``key``. Returns the slider's readout before and after."""
    readout = page.locator(f"{slider} .widget-readout")
    before = readout.inner_text()
    page.locator(f"{slider} .noUi-handle").focus()
    page.keyboard.press(key)
    return before, readout.inner_text()


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on (the system picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def served_copy(folder):
    """Copy the repository's notebooks, images and data into ``folder / SERVED``.

    The relative paths that notebooks use (``../images``, ``../data``) keep working, and
    ``backprop_lib`` comes from the environment (it is installed in editable mode).

    Returns
    -------
    Path
        The copy, which :func:`start_lab` and :func:`start_voila` serve.
    """
    return Path(shutil.copytree(ROOT, Path(folder) / SERVED, ignore=COPY_IGNORED))


def jupyter_env(folder, lab_settings=LAB_SETTINGS):
    """Environment variables that keep Jupyter's configuration, settings, workspaces and
    runtime files in ``folder / "jupyter"``, away from the user's own and from the served
    copy, with the JupyterLab settings ``lab_settings`` (the tests': :data:`LAB_SETTINGS`)
    and the course's server configuration (jupyter-config/, as the README's command uses it)."""
    folder = Path(folder) / "jupyter"
    settings = folder / "config" / "lab" / "user-settings"
    for name, text in lab_settings.items():
        path = settings / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(folder / "config"),
        "JUPYTER_CONFIG_PATH": str(ROOT / "jupyter-config"),
        "JUPYTER_DATA_DIR": str(folder / "data"),
        "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
        "IPYTHONDIR": str(folder / "ipython"),
    }


class Server:
    """A Jupyter server process started from ``cwd``, stopped by its own process.

    Parameters
    ----------
    command : list of str
        The command line, without ``--port``.
    path : str
        The URL path that must answer 200 once the server is ready, e.g. ``"/lab"``.
    cwd, env, log : path-like, dict, path-like
        Working directory, environment and the file that receives the server's output.
    """

    def __init__(self, command, path, cwd, env, log):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(log)
        with open(self.log, "wb") as out:  # the child keeps its own copy of the handle
            self.process = subprocess.Popen(
                [*command, f"--port={self.port}"],
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            self._wait_ready(path)
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, path):
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.process.args[0]} exited with {self.process.returncode}:\n"
                    f"{self.log.read_text(errors='replace')[-3000:]}"
                )
            try:
                with urllib.request.urlopen(self.url + path, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass  # not listening yet
            time.sleep(0.25)
        raise RuntimeError(
            f"{self.url}{path} did not answer within {SERVER_START_TIMEOUT} s:\n"
            f"{self.log.read_text(errors='replace')[-3000:]}"
        )

    def stop(self):
        """Terminate the server (it shuts its kernels down), killing it if it hangs."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(SERVER_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_lab(folder, log, lab_settings=LAB_SETTINGS):
    """JupyterLab on 127.0.0.1, no token, serving the copy that :func:`served_copy` made
    in ``folder``, with the JupyterLab settings ``lab_settings`` (the tests' by default)."""
    command = [
        str(BIN / "jupyter"),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        "--ServerApp.port_retries=0",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        *(["--allow-root"] if os.geteuid() == 0 else []),
    ]
    env = jupyter_env(folder, lab_settings)
    return Server(command, "/lab", Path(folder) / SERVED, env, log)


def start_voila(folder, notebook, log):
    """Voila on 127.0.0.1, no token, serving ``notebook`` (a path such as
    ``"notebooks/06_playground.ipynb"``) of the copy that :func:`served_copy` made in
    ``folder`` as an app."""
    command = [
        str(BIN / "voila"),
        notebook,
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0",
    ]
    # Ready when a static file answers: the app's own page would start a kernel and run the
    # notebook a second time, beside the test's.
    return Server(command, VOILA_STATIC, Path(folder) / SERVED, jupyter_env(folder), log)
