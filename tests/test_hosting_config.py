"""The hub's configuration for each login, and the cluster's values against the chart's schema.

Each login of hosting/jupyterhub_config.py (BACKPROP_LOGIN) is loaded into a real JupyterHub,
which initializes as at its start (configuration, database, authenticator and its checks, up
to the point before it listens; its database and secret in a temporary folder), with the
site's variables set to dummy values; then a login goes through the authenticator's own code,
past the exchange with the identity provider. hosting/z2jh/config.yaml is merged over the
chart's defaults as Helm merges values and validated against the chart's values schema
(hosting/z2jh/chart/, where README.md says where they come from).
"""

import asyncio
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jsonschema
import pytest
import yaml
from traitlets.config import Config

ROOT = Path(__file__).resolve().parent.parent
HUB_CONFIG = ROOT / "hosting" / "jupyterhub_config.py"
Z2JH = ROOT / "hosting" / "z2jh"
CHART = Z2JH / "chart"

CHART_RELEASE = "4.4.2"
"""The newest Zero to JupyterHub release (the chart repository's index.yaml)."""

CHART_JUPYTERHUB = "5.5.2"
"""What that release's hub image runs (its appVersion there): the version requirements.txt pins,
so the hub, the students' servers and the chart share it."""

SITE = {
    "oauth": {
        "BACKPROP_OAUTH_CLIENT_ID": "backprop-hub",
        "BACKPROP_OAUTH_CLIENT_SECRET": "not-a-secret",
        "BACKPROP_OAUTH_CALLBACK_URL": "https://hub.example.edu/hub/oauth_callback",
        "BACKPROP_OAUTH_AUTHORIZE_URL": "https://login.example.edu/oauth2/authorize",
        "BACKPROP_OAUTH_TOKEN_URL": "https://login.example.edu/oauth2/token",
        "BACKPROP_OAUTH_USERDATA_URL": "https://login.example.edu/oauth2/userinfo",
    },
    "lti13": {
        "BACKPROP_LTI13_ISSUER": "https://lms.example.edu",
        "BACKPROP_LTI13_CLIENT_ID": "backprop-tool",
        "BACKPROP_LTI13_AUTHORIZE_URL": "https://lms.example.edu/mod/lti/auth.php",
        "BACKPROP_LTI13_JWKS_URL": "https://lms.example.edu/mod/lti/certs.php",
        "BACKPROP_LTI13_ADMIN_USERS": "carol",
    },
}
"""Dummy values of each login's site variables (nothing is contacted)."""

AUTHENTICATORS = {
    "pam": "PAMAuthenticator",
    "oauth": "GenericOAuthenticator",
    "lti13": "LTI13Authenticator",
}
"""The authenticator class each login sets up, by name."""

LTI_CUSTOM = "https://purl.imsglobal.org/spec/lti/claim/custom"

# JupyterHub 5.5's own event schemas give a number as their version; jupyter-events warns.
pytestmark = pytest.mark.filterwarnings("ignore::jupyter_events.utils.JupyterEventsVersionWarning")


def use_login(monkeypatch, login, **changes):
    """Set BACKPROP_LOGIN and that login's dummy site variables (then ``changes``; None unsets)."""
    for variables in SITE.values():
        for name in variables:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BACKPROP_LOGIN", login)
    for name, value in {**SITE.get(login, {}), **changes}.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


def run(coroutine):
    """``asyncio.run`` in a thread of its own: in a worker that ran the browser tests first,
    Playwright's event loop is still running in the main thread, where ``asyncio.run``
    refuses to start another."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def start(tmp_path):
    """A JupyterHub initialized from hosting/jupyterhub_config.py, as at its start."""
    from jupyterhub.app import JupyterHub  # here: importing JupyterHub takes most of a second

    hub = JupyterHub()
    run(
        hub.initialize(
            [
                "-f",
                str(HUB_CONFIG),
                f"--JupyterHub.db_url=sqlite:///{tmp_path / 'jupyterhub.sqlite'}",
                f"--JupyterHub.cookie_secret_file={tmp_path / 'cookie_secret'}",
                f"--ConfigurableHTTPProxy.pid_file={tmp_path / 'proxy.pid'}",
                "--JupyterHub.log_level=WARN",
            ]
        )
    )
    return hub


@pytest.fixture
def hub_with(tmp_path, monkeypatch):
    """``hub_with(login, **changes)``: the hub initialized with that login; closed at the end."""
    hubs = []

    def hub_with(login, **changes):
        use_login(monkeypatch, login, **changes)
        hub = start(tmp_path)
        hubs.append(hub)
        return hub

    yield hub_with
    for hub in hubs:
        hub.db.close()
        hub.db.get_bind().dispose()


@pytest.mark.parametrize("login", sorted(AUTHENTICATORS))
def test_each_login_starts_a_hub_where_someone_may_log_in(hub_with, login):
    hub = hub_with(login)
    assert type(hub.authenticator).__name__ == AUTHENTICATORS[login]
    # JupyterHub 5 lets nobody in without some allow config (it only warns at the start).
    assert hub.authenticator.any_allow_config


def test_pam_lets_in_the_course_groups_and_makes_instructors_admins(hub_with):
    authenticator = hub_with("pam").authenticator
    assert authenticator.allowed_groups == {"backprop-students", "backprop-instructors"}
    assert authenticator.admin_groups == {"backprop-instructors"}


def oauth_login(authenticator, monkeypatch, userinfo):
    """What the hub makes of a login whose identity provider reports ``userinfo``: the
    authenticator's own code from the code-for-token exchange on (the exchange and the
    user-data request answered here)."""

    async def token_info(handler, params):
        return {"access_token": "dummy", "token_type": "Bearer"}

    async def token_to_user(token):
        return userinfo

    monkeypatch.setattr(authenticator, "build_access_tokens_request_params", lambda h, d: {})
    monkeypatch.setattr(authenticator, "get_token_info", token_info)
    monkeypatch.setattr(authenticator, "token_to_user", token_to_user)
    return run(authenticator.get_authenticated_user(None, {}))


def test_oauth_lets_in_the_course_groups_and_makes_instructors_admins(hub_with, monkeypatch):
    authenticator = hub_with("oauth").authenticator
    assert authenticator.manage_groups
    alice = {"preferred_username": "alice", "groups": ["backprop-students"]}
    carol = {"preferred_username": "carol", "groups": ["backprop-instructors"]}
    mallory = {"preferred_username": "mallory", "groups": ["another-course"]}
    student = oauth_login(authenticator, monkeypatch, alice)
    assert (student["name"], student["admin"]) == ("alice", False)
    instructor = oauth_login(authenticator, monkeypatch, carol)
    assert (instructor["name"], instructor["admin"]) == ("carol", True)
    assert oauth_login(authenticator, monkeypatch, mallory) is None  # refused


def test_oauth_reads_the_claims_the_site_names(hub_with, monkeypatch):
    authenticator = hub_with(
        "oauth", BACKPROP_OAUTH_USERNAME_CLAIM="uid", BACKPROP_OAUTH_GROUPS_CLAIM="roles"
    ).authenticator
    user = oauth_login(authenticator, monkeypatch, {"uid": "bob", "roles": ["backprop-students"]})
    assert user["name"] == "bob"


def test_lti13_lets_in_whom_the_platform_launches_with_the_account_it_names(hub_with):
    authenticator = hub_with("lti13").authenticator
    assert authenticator.client_id == {"backprop-tool"}

    def launch(username):
        """A launch's verified ID token, as the LTI 1.3 handler passes it on."""
        token = {"sub": "opaque-id", LTI_CUSTOM: {"username": username}}
        return run(authenticator.get_authenticated_user(None, token))

    student, instructor = launch("alice"), launch("carol")
    assert student["name"] == "alice" and not student["admin"]  # None: JupyterHub's "not admin"
    assert (instructor["name"], instructor["admin"]) == ("carol", True)


@pytest.mark.parametrize(
    ("login", "missing"),
    [("oauth", "BACKPROP_OAUTH_TOKEN_URL"), ("lti13", "BACKPROP_LTI13_JWKS_URL")],
)
def test_a_missing_site_variable_stops_the_hub_naming_it(hub_with, login, missing):
    with pytest.raises(ValueError, match=f"needs the environment variable {missing}$"):
        hub_with(login, **{missing: None})


def test_an_unknown_login_stops_the_hub(hub_with):
    with pytest.raises(ValueError, match="BACKPROP_LOGIN must be one of pam, oauth, lti13"):
        hub_with("ldap")


# --- The cluster: hosting/z2jh/config.yaml and the chart -------------------------------------


def helm_merge(defaults, values):
    """``values`` over ``defaults`` as Helm merges a values file over the chart's: maps merge
    key by key, anything else (lists included) replaces, and null removes the key."""
    merged = dict(defaults)
    for key, value in values.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = helm_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def schema_errors(values):
    """Every error of ``values`` merged over the chart's defaults, against its values schema,
    as 'path: message'."""
    schema = json.loads((CHART / "values.schema.json").read_text())
    defaults = yaml.safe_load((CHART / "values.yaml").read_text())
    merged = helm_merge(defaults, values)
    validator = jsonschema.Draft7Validator(schema)
    return sorted(
        f"{'.'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
        for error in validator.iter_errors(merged)
    )


def z2jh_values():
    return yaml.safe_load((Z2JH / "config.yaml").read_text())


def oauth_example():
    """config.yaml's commented OAuth example (hub.config), uncommented."""
    lines = (Z2JH / "config.yaml").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if "For example OAuth2" in line) + 1
    block = []
    for line in lines[start:]:
        if not line.startswith("    #   "):
            break
        block.append(line.removeprefix("    #   "))
    return yaml.safe_load("\n".join(block))


def test_the_chart_defaults_alone_are_valid():
    assert schema_errors({}) == []


def test_the_cluster_values_are_valid_for_the_chart():
    assert schema_errors(z2jh_values()) == []


def test_every_invalid_key_is_reported():
    values = z2jh_values()
    values["singleuser"]["memroy"] = {"limit": "1G"}  # a misspelt key
    values["hub"]["config"]["kubeSpawner"] = {}  # traitlets classes start with a capital
    values["cull"]["timeout"] = "1h"  # seconds, a number
    errors = schema_errors(values)
    assert len(errors) == 3, errors
    assert any(e.startswith("singleuser:") and "'memroy'" in e for e in errors)
    assert any(e.startswith("hub.config:") and "'kubeSpawner'" in e for e in errors)
    assert any(e.startswith("cull.timeout:") for e in errors)


def test_the_oauth_example_fits_the_chart_and_starts_its_authenticator():
    example = oauth_example()
    assert example["JupyterHub"]["authenticator_class"] == "generic-oauth"
    values = z2jh_values()
    values["hub"]["config"].update(example)
    assert schema_errors(values) == []
    # The chart passes hub.config to JupyterHub's traitlets config as it is.
    from oauthenticator.generic import GenericOAuthenticator

    authenticator = GenericOAuthenticator(config=Config(example))
    assert authenticator.manage_groups
    assert authenticator.allowed_groups == {"backprop-students", "backprop-instructors"}


def test_one_jupyterhub_version_for_the_hub_the_servers_and_the_chart():
    import jupyterhub

    pins = dict(
        re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", (ROOT / "requirements.txt").read_text(), re.M)
    )
    assert pins["jupyterhub"] == CHART_JUPYTERHUB == jupyterhub.__version__
    assert CHART_RELEASE in (CHART / "README.md").read_text()
