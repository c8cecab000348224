"""JupyterHub for a class on one machine: one home per student, readable by that student only.

Start it from the root of the clone, as root (the hub starts each student's server as that
student's own system user), after installing the students' installation of the course and
the proxy (again after changing the course):

    .venv/bin/python hosting/install_course.py
    npm install --prefix .hub_cache configurable-http-proxy@5.3.0
    .venv/bin/jupyterhub -f hosting/jupyterhub_config.py

Students' servers and kernels run from that installation (/srv/backprop-course, or
BACKPROP_COURSE_PREFIX), which holds the package, its data and the student edition only; the
clone, with the instructor edition and the tests, is root's alone.

The hub listens on 127.0.0.1:8000; with HTTPS in front (see below), students open
https://THIS-MACHINE, log in with their system account and land in JupyterLab at their own
copy of the student edition, ``~/backprop-course/``. Everything the
hub writes while it runs (its database, cookie secret and the proxy's pid) goes to
``hosting/state/``, which git ignores. ``tests/test_hub.py`` starts this same file and
overrides only the authenticator, the addresses, the state folder and the installation's
prefix on the command line (and the spawner when not run as root; it shortens the idle times
with the variables below).
"""

import os
import pwd
import shutil
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub defines get_config when it loads this file)

ROOT = Path(__file__).resolve().parent.parent
"""The clone of the repository: its environment runs the hub. It holds the instructor edition
(solutions, hidden tests) and the tests (right answers): root's alone, see below."""

INSTALLATION = Path(os.environ.get("BACKPROP_COURSE_PREFIX", "/srv/backprop-course"))
"""The students' installation of the course (hosting/install_course.py): the environment their
servers and kernels run, the package and its data, the student edition; nothing else."""

STATE = ROOT / "hosting" / "state"
"""Runtime state of the hub (git ignores it): keep it across restarts, never commit it."""

COURSE = INSTALLATION / "student"
"""What each student gets: the installed student edition (diagrams are attachments, the data
comes from the installed package, so the folder works anywhere)."""

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
if os.geteuid() == 0:
    # The clone holds the solutions, the hidden tests and the tests' right answers: other
    # accounts (every student) may not even enter it. Its owner and group keep their access.
    ROOT.chmod(ROOT.stat().st_mode & ~0o007)
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
c.ConfigurableHTTPProxy.command = [str(PROXY) if PROXY.exists() else "configurable-http-proxy"]
# Restarting the hub (an upgrade, a changed setting) leaves the students' servers and
# kernels running, unsaved work and all: the new hub finds them in its database.
c.JupyterHub.cleanup_servers = False

# --- Who may log in -----------------------------------------------------------------------
# The environment variable BACKPROP_LOGIN chooses: "pam" (the default), "oauth" or "lti13".
# Each reads the site's own values (addresses, client id, secret) from the BACKPROP_*
# variables below; the hub refuses to start, naming the variable, when one is missing.
# tests/test_hosting_config.py starts a hub's configuration with each choice.
STUDENTS = "backprop-students"
"""The students' group: a system group (PAM), or a group the university's login reports."""

INSTRUCTORS = "backprop-instructors"
"""The instructors' group: they may log in too, as the hub's admins."""

LOGINS = ("pam", "oauth", "lti13")
"""The choices of BACKPROP_LOGIN."""

LOGIN = os.environ.get("BACKPROP_LOGIN", "pam")
if LOGIN not in LOGINS:
    raise ValueError(f"BACKPROP_LOGIN must be one of {', '.join(LOGINS)}, got {LOGIN!r}")


def required(variable):
    """The value of the environment variable ``variable``, which the chosen login needs."""
    value = os.environ.get(variable, "")
    if not value:
        raise ValueError(f"BACKPROP_LOGIN={LOGIN} needs the environment variable {variable}")
    return value


if LOGIN == "pam":
    # The machine's own accounts: what a single machine uses for real, with no service to
    # register. Give each student a system account in the group STUDENTS (e.g.
    # `useradd -m -G backprop-students alice`), each instructor one in INSTRUCTORS; their
    # homes keep students apart. Both groups must exist, or every login fails. Their servers
    # run from the students' installation (below), never from this clone.
    c.JupyterHub.authenticator_class = "pam"
    c.PAMAuthenticator.allowed_groups = {STUDENTS, INSTRUCTORS}
    c.PAMAuthenticator.admin_groups = {INSTRUCTORS}
elif LOGIN == "oauth":
    # The university's OAuth2 / OpenID Connect login (oauthenticator's GenericOAuthenticator),
    # with the hub registered there as a client whose redirect address is
    # BACKPROP_OAUTH_CALLBACK_URL (https://HOST/hub/oauth_callback). The user names it gives
    # (the claim BACKPROP_OAUTH_USERNAME_CLAIM) must be accounts on this machine, and its
    # groups claim (BACKPROP_OAUTH_GROUPS_CLAIM) must list STUDENTS or INSTRUCTORS:
    # oauthenticator 17 reads groups only with manage_groups on, and refuses to start without.
    c.JupyterHub.authenticator_class = "generic-oauth"
    c.GenericOAuthenticator.client_id = required("BACKPROP_OAUTH_CLIENT_ID")
    c.GenericOAuthenticator.client_secret = required("BACKPROP_OAUTH_CLIENT_SECRET")
    c.GenericOAuthenticator.oauth_callback_url = required("BACKPROP_OAUTH_CALLBACK_URL")
    c.GenericOAuthenticator.authorize_url = required("BACKPROP_OAUTH_AUTHORIZE_URL")
    c.GenericOAuthenticator.token_url = required("BACKPROP_OAUTH_TOKEN_URL")
    c.GenericOAuthenticator.userdata_url = required("BACKPROP_OAUTH_USERDATA_URL")
    c.GenericOAuthenticator.scope = os.environ.get(
        "BACKPROP_OAUTH_SCOPE", "openid profile email"
    ).split()
    c.GenericOAuthenticator.username_claim = os.environ.get(
        "BACKPROP_OAUTH_USERNAME_CLAIM", "preferred_username"
    )
    c.GenericOAuthenticator.manage_groups = True
    # The groups claim of the user's data (oauthenticator keeps that under "oauth_user").
    groups_claim = os.environ.get("BACKPROP_OAUTH_GROUPS_CLAIM", "groups")
    c.GenericOAuthenticator.auth_state_groups_key = f"oauth_user.{groups_claim}"
    c.GenericOAuthenticator.allowed_groups = {STUDENTS, INSTRUCTORS}
    c.GenericOAuthenticator.admin_groups = {INSTRUCTORS}
else:
    # LTI 1.3 from the learning platform (Moodle, Canvas; jupyterhub-ltiauthenticator), with
    # the hub registered there as a tool: login address https://HOST/hub/lti13/oauth_login,
    # redirect address https://HOST/hub/lti13/oauth_callback (https://HOST/hub/lti13/config
    # describes the tool). Whoever the platform launches may log in (place the tool in the
    # course only); the launch's BACKPROP_LTI13_USERNAME_KEY (a custom parameter such as
    # username=$User.username in Moodle) must be an account on this machine. Admins:
    # BACKPROP_LTI13_ADMIN_USERS, user names separated by spaces.
    c.JupyterHub.authenticator_class = "ltiauthenticator.lti13.auth.LTI13Authenticator"
    c.LTI13Authenticator.issuer = required("BACKPROP_LTI13_ISSUER")
    c.LTI13Authenticator.client_id = set(required("BACKPROP_LTI13_CLIENT_ID").split())
    c.LTI13Authenticator.authorize_url = required("BACKPROP_LTI13_AUTHORIZE_URL")
    c.LTI13Authenticator.jwks_endpoint = required("BACKPROP_LTI13_JWKS_URL")
    c.LTI13Authenticator.username_key = os.environ.get(
        "BACKPROP_LTI13_USERNAME_KEY", "custom_username"
    )
    c.LTI13Authenticator.allow_all = True
    c.LTI13Authenticator.admin_users = set(os.environ.get("BACKPROP_LTI13_ADMIN_USERS", "").split())

# --- Each student's server ------------------------------------------------------------------
# LocalProcessSpawner starts each student's jupyterhub-singleuser from the students'
# installation (its Python, so their kernels and Voila too), as the student's system user, in
# their home: nothing to build, and the operating system keeps students' files apart (the hook
# below keeps each home the student's alone). It does not cap memory or CPU (the numbers in
# the README say how many students fit); systemdspawner can, with the same settings.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(INSTALLATION / "venv" / "bin" / "python"), "-m", "jupyterhub.singleuser"]
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = f"/lab/tree/{COURSE_FOLDER}/01_single_neuron.ipynb"
c.Spawner.http_timeout = SERVER_HTTP_TIMEOUT
c.Spawner.start_timeout = SERVER_START_TIMEOUT
c.Spawner.environment = {
    # The course's server setting (jupyter-config/): Voila inside a student's server shows
    # diagrams.
    "JUPYTER_CONFIG_PATH": str(INSTALLATION / "jupyter-config"),
    # A terminal's python, pip and jupyter are the installation's (JupyterHub passes no PATH).
    "PATH": f"{INSTALLATION / 'venv' / 'bin'}:/usr/local/bin:/usr/bin:/bin",
}
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
    """Keep the student's home theirs alone (no access for group and others, at every start),
    and give them their own copy of the course on their first start, files 0600 and folders
    0700; never touch the copy again (it holds their work)."""
    if not COURSE.is_dir():
        raise RuntimeError(f"{COURSE} is missing: run hosting/install_course.py as root")
    home = home_of(spawner)
    system = os.geteuid() == 0 and not hasattr(spawner, "home_dir")  # a system account's home
    if system and not home.is_dir():
        raise RuntimeError(f"{spawner.user.name} has no home {home}: create it (useradd -m)")
    target = home / COURSE_FOLDER
    if not target.exists():
        shutil.copytree(COURSE, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        account = pwd.getpwnam(spawner.user.name) if system else None
        for path in [target, *target.rglob("*")]:
            path.chmod(0o700 if path.is_dir() else 0o600)
            if account:
                os.chown(path, account.pw_uid, account.pw_gid)
    home.chmod(home.stat().st_mode & ~0o077)


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
