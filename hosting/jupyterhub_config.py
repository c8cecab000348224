"""JupyterHub for a class on one machine: this repository's environment, one home per student.

Start it from the root of the clone, as root (the hub starts each student's server as that
student's own system user), after installing the proxy once:

    npm install --prefix .hub_cache configurable-http-proxy@5.3.0
    .venv/bin/jupyterhub -f hosting/jupyterhub_config.py

The hub listens on 127.0.0.1:8000; with HTTPS in front (see below), students open
https://THIS-MACHINE, log in with their system account and land in JupyterLab at their own
copy of the student edition, ``~/backprop-course/``. Everything the
hub writes while it runs (its database, cookie secret and the proxy's pid) goes to
``hosting/state/``, which git ignores. ``tests/test_hub.py`` starts this same file and
overrides only the authenticator, the spawner, the addresses and the state folder on the
command line (and shortens the idle times with the variables below).
"""

import os
import pwd
import shutil
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub defines get_config when it loads this file)

ROOT = Path(__file__).resolve().parent.parent
"""The clone of the repository: its environment runs the hub, the servers and the kernels."""

STATE = ROOT / "hosting" / "state"
"""Runtime state of the hub (git ignores it): keep it across restarts, never commit it."""

COURSE = ROOT / "notebooks" / "student"
"""What each student gets: the student edition (diagrams are attachments, the data comes from
the installed package, so the folder works anywhere)."""

COURSE_FOLDER = "backprop-course"
"""The copy's name in each student's home."""

PROXY = ROOT / ".hub_cache" / "node_modules" / ".bin" / "configurable-http-proxy"
"""configurable-http-proxy as installed by the npm command above (the tests install it there
too); if it is not there, the one on PATH (e.g. ``npm install -g``)."""


def seconds(variable, default):
    """``default``, or the whole number of seconds in the environment variable ``variable``.

    The tests shorten the idle times this way; an instructor can too, without editing here.
    """
    value = os.environ.get(variable, str(default))
    if not value.isdigit():
        raise ValueError(f"{variable} must be a whole number of seconds, got {value!r}")
    return int(value)


SERVER_IDLE_TIMEOUT = seconds("BACKPROP_SERVER_IDLE_TIMEOUT", 3600)
"""A student's server with no activity for an hour is stopped (jupyterhub-idle-culler): a
lecture's pause is shorter, and a stopped server costs its memory back. The student's files
stay; logging in again starts a new server in a few seconds."""

CULL_EVERY = seconds("BACKPROP_CULL_EVERY", 300)
"""How often the culler looks for idle servers: a server lives at most this long past its
timeout, and a check every 5 minutes costs the hub nothing."""

KERNEL_IDLE_TIMEOUT = seconds("BACKPROP_KERNEL_IDLE_TIMEOUT", 1200)
"""A kernel that ran nothing for 20 minutes is shut down by the student's own server, freeing
the 100-200 MB it holds (benchmarks/bench_hosting.py); the notebook stays saved, and a
student who comes back re-runs it in seconds."""

KERNEL_CULL_INTERVAL = seconds("BACKPROP_KERNEL_CULL_INTERVAL", 60)
"""How often each server looks for idle kernels (jupyter_server's cull_interval)."""

SERVER_HTTP_TIMEOUT = 120
"""Seconds a just-started server may take to answer the hub. JupyterHub's default, 30 s, is
tight when a whole class logs in at once: with 30 students starting together on two cores,
login to a running kernel took 59 s (median) here (benchmarks/bench_hosting.py)."""

SERVER_START_TIMEOUT = 180
"""Seconds a server may take to start at all (the default 60 s, raised for the same reason)."""

# --- Where the hub listens and keeps its state --------------------------------------------
# Port 8000 on this machine's loopback address only: students log in with their system
# passwords, which must never cross a network in plain HTTP. Put HTTPS in front (a reverse
# proxy on 443 forwarding to 127.0.0.1:8000, websockets included), or give the hub a
# certificate and listen on every interface (`--ip=0.0.0.0`):
#   c.JupyterHub.ssl_cert = "/etc/letsencrypt/live/HOST/fullchain.pem"
#   c.JupyterHub.ssl_key = "/etc/letsencrypt/live/HOST/privkey.pem"
c.JupyterHub.ip = "127.0.0.1"
STATE.mkdir(parents=True, exist_ok=True)
STATE.chmod(0o700)  # the database (names, ports) and the cookie secret: the hub's alone
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
c.ConfigurableHTTPProxy.command = [str(PROXY) if PROXY.exists() else "configurable-http-proxy"]
# Restarting the hub (an upgrade, a changed setting) leaves the students' servers and
# kernels running, unsaved work and all: the new hub finds them in its database.
c.JupyterHub.cleanup_servers = False

# --- Who may log in -----------------------------------------------------------------------
# The machine's own accounts (PAM): what a single machine uses for real, with no service to
# register. Give each student a system account in the group below (e.g.
# `useradd -m -G backprop-students alice`), each instructor one in backprop-instructors (who
# may log in too, as the hub's admins); their homes keep students apart. Both groups must
# exist, or every login fails. The accounts must be able to run this clone's .venv: make it
# from a system Python (/usr/bin/python3), not one under root's home.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {"backprop-students", "backprop-instructors"}
c.PAMAuthenticator.admin_groups = {"backprop-instructors"}

# --- Or your university's login (swap the block above for one of these) --------------------
# OAuth2 / OpenID Connect (`pip install oauthenticator`); the user names must be the
# system accounts' names, or use a spawner that creates them:
#   c.JupyterHub.authenticator_class = "generic-oauth"
#   c.GenericOAuthenticator.oauth_callback_url = "https://HOST/hub/oauth_callback"
#   c.GenericOAuthenticator.client_id = "..."
#   c.GenericOAuthenticator.client_secret = "..."
#   c.GenericOAuthenticator.authorize_url = "https://login.example.edu/oauth2/authorize"
#   c.GenericOAuthenticator.token_url = "https://login.example.edu/oauth2/token"
#   c.GenericOAuthenticator.userdata_url = "https://login.example.edu/oauth2/userinfo"
#   c.GenericOAuthenticator.username_claim = "preferred_username"
#   c.GenericOAuthenticator.allowed_groups = {"backprop-students"}
# LTI 1.3 from the learning platform (Moodle, Canvas; `pip install jupyterhub-ltiauthenticator`):
#   c.JupyterHub.authenticator_class = "ltiauthenticator.lti13.auth.LTI13Authenticator"
#   c.LTI13Authenticator.issuer = "https://lms.example.edu"
#   c.LTI13Authenticator.client_id = ["..."]
#   c.LTI13Authenticator.authorize_url = "https://lms.example.edu/mod/lti/auth.php"
#   c.LTI13Authenticator.jwks_endpoint = "https://lms.example.edu/mod/lti/certs.php"

# --- Each student's server ------------------------------------------------------------------
# LocalProcessSpawner starts each student's jupyterhub-singleuser from this repository's
# environment, as the student's system user, in their home: nothing to build, and the
# operating system keeps students' files apart. It does not cap memory or CPU (the numbers in
# the README say how many students fit); systemdspawner can, with the same settings.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(Path(sys.executable).parent / "jupyterhub-singleuser")]
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = f"/lab/tree/{COURSE_FOLDER}/01_single_neuron.ipynb"
c.Spawner.http_timeout = SERVER_HTTP_TIMEOUT
c.Spawner.start_timeout = SERVER_START_TIMEOUT
# The course's server setting (jupyter-config/): Voila inside a student's server shows diagrams.
c.Spawner.environment = {"JUPYTER_CONFIG_PATH": str(ROOT / "jupyter-config")}
c.Spawner.args = [
    f"--MappingKernelManager.cull_idle_timeout={KERNEL_IDLE_TIMEOUT}",
    f"--MappingKernelManager.cull_interval={KERNEL_CULL_INTERVAL}",
    # A kernel whose tab is still open counts as idle too: students leave tabs open.
    "--MappingKernelManager.cull_connected=True",
]


if os.geteuid() == 0:
    # SimpleLocalProcessSpawner (the tests') runs servers as the hub's own user, here root
    # (as in many containers), which Jupyter refuses unless told.
    c.SimpleLocalProcessSpawner.args = [*c.Spawner.args, "--allow-root"]


def home_of(spawner):
    """The student's home: the spawner's own (SimpleLocalProcessSpawner) or the system's."""
    return Path(getattr(spawner, "home_dir", "") or pwd.getpwnam(spawner.user.name).pw_dir)


def copy_course(spawner):
    """Give the student their own copy of the course on their first start; never touch it
    again (it holds their work)."""
    target = home_of(spawner) / COURSE_FOLDER
    if target.exists():
        return
    shutil.copytree(COURSE, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    if os.geteuid() == 0 and not hasattr(spawner, "home_dir"):  # a system account's home
        account = pwd.getpwnam(spawner.user.name)
        for path in [target, *target.rglob("*")]:
            os.chown(path, account.pw_uid, account.pw_gid)


c.Spawner.pre_spawn_hook = copy_course

# --- Idle servers -----------------------------------------------------------------------------
# jupyterhub-idle-culler, run and restarted by the hub, with only the scopes it needs.
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={SERVER_IDLE_TIMEOUT}",
            f"--cull-every={CULL_EVERY}",
        ],
    }
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
