"""Shared fixtures: a network and data on which central differences are a trustworthy
reference for backpropagation (used by test_network.py and test_gradcheck.py); and for the
real-browser tests (test_browser.py, test_apps.py) one served copy of the repository, one
JupyterLab and one Chromium for the whole session, and a fresh page per test."""

import gc
import math
import os
from collections import Counter
from types import SimpleNamespace

import numpy as np
import pytest

from tests.browser_session import (
    SCREENSHOTS,
    WIDGET_TIMEOUT_MS,
    launch_chromium,
    local_context,
    served_copy,
    start_lab,
)

LAYER_SIZES = [3, 4, 5, 2]
N_EXAMPLES = 6

# Central differences with epsilon = 1e-5 can confirm a relative error below 1e-7 only when
# (a) no hidden pre-activation z lies within epsilon of ReLU's kink at 0 (there the
#     difference quotient straddles the kink and is simply wrong), so we ask |z| > 1e-3;
# (b) no non-zero gradient entry g is so small that round-off dominates it: the cost J
#     (of order 1 here) carries an error of about 1e-16 * J, so the finite difference has
#     an absolute error of about 1e-16 * J / epsilon = 1e-11, i.e. a relative error of about
#     1e-11 / |g|. Asking |g| >= 5e-4 bounds that at about 2e-8, well below 1e-7.
#     (Entries that are exactly 0, e.g. for a ReLU unit that is off on every example, are
#     exactly 0 in the finite differences too and are fine.)
MIN_ABS_HIDDEN_Z = 1e-3
MIN_ABS_GRADIENT = 5e-4
MAX_SEED = 1000


def _targets(rng, output_activation, shape):
    """Targets that keep the residuals, hence the gradients, of order 1."""
    if output_activation == "sigmoid":
        return rng.integers(0, 2, size=shape).astype(float)  # labels 0/1
    if output_activation == "tanh":
        return rng.uniform(-1.0, 1.0, size=shape)
    return rng.standard_normal(shape)


@pytest.fixture
def gradient_check_case():
    """Factory ``(hidden, output, loss, l2_lambda, l1_lambda=0) -> case`` with case.model,
    case.X, case.Y.

    Seed s gives the initial weights (MLP(..., seed=s), the default "scaled_normal" init),
    inputs X ~ N(0, 1) of shape (3, 6) and targets from ``_targets``. With a single seed
    for all 60 combinations of test_network.py, some combination always has a gradient
    entry of 1e-6 or a z near 0, so each combination takes the first seed from 0 that meets
    conditions (a) and (b) above; the conditions look only at the data and the
    gradients' sizes, never at the check's result. The case records the two measured
    quantities (case.min_abs_z, case.min_abs_gradient) so that a test can assert them.
    """

    # Imported here, so that a broken network module fails only the tests that use it.
    from backprop_lib.network import MLP

    def make(hidden, output, loss, l2_lambda, l1_lambda=0.0):
        for seed in range(MAX_SEED):
            rng = np.random.default_rng(seed)
            model = MLP(
                LAYER_SIZES,
                hidden_activation=hidden,
                output_activation=output,
                loss=loss,
                l2_lambda=l2_lambda,
                seed=seed,
                l1_lambda=l1_lambda,
            )
            X = rng.standard_normal((LAYER_SIZES[0], N_EXAMPLES))
            Y = _targets(rng, output, (LAYER_SIZES[-1], N_EXAMPLES))
            Zs, _ = model.forward(X)
            min_abs_z = min(np.abs(z).min() for z in Zs[:-1])  # hidden layers only
            dWs, dbs = model.gradients(X, Y)
            entries = np.concatenate([g.ravel() for g in dWs + dbs])
            nonzero = np.abs(entries[entries != 0])
            min_abs_gradient = nonzero.min() if nonzero.size else 0.0
            if min_abs_z > MIN_ABS_HIDDEN_Z and min_abs_gradient >= MIN_ABS_GRADIENT:
                return SimpleNamespace(
                    model=model,
                    X=X,
                    Y=Y,
                    seed=seed,
                    min_abs_z=min_abs_z,
                    min_abs_gradient=min_abs_gradient,
                    min_abs_weight=min(np.abs(W).min() for W in model.weights),
                )
        raise AssertionError(
            f"no seed below {MAX_SEED} gives hidden |z| > {MIN_ABS_HIDDEN_Z} and non-zero gradient "
            f"entries >= {MIN_ABS_GRADIENT} for {hidden}/{output}/{loss}/lambda={l2_lambda}"
        )

    return make


@pytest.fixture(scope="session")
def served(tmp_path_factory):
    """A temporary folder holding the copy of the repository that the servers serve."""
    folder = tmp_path_factory.mktemp("browser")
    served_copy(folder)
    return folder


@pytest.fixture(scope="session")
def screenshots():
    """tests/screenshots/: a screenshot of each test's page, and the servers' logs."""
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def lab(served, screenshots):
    server = start_lab(served, screenshots / "jupyterlab.log")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright  # only the browser tests need it

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, screenshots, request):
    """A fresh page that can reach only this machine; its screenshot is saved at the end."""
    context = local_context(browser)
    context.set_default_timeout(WIDGET_TIMEOUT_MS)
    page = context.new_page()
    yield page
    page.screenshot(path=screenshots / f"{request.node.name}.png")
    context.close()


FILE_SECONDS = "backprop/file_seconds"
"""pytest's cache key of each test file's seconds in the runs before (setup, call, teardown)."""
_FILE_SECONDS = Counter()  # this run's, from each test's reports


def pytest_collection_modifyitems(config, items):
    """The browser and hub tests first, then the other files, the slowest in the runs before
    first (files without a time first, in pytest's order: every file in a new clone).
    pytest-xdist runs each file whole on one worker (``--dist loadfile``, with
    ``--no-loadscope-reorder`` keeping this order) and gives a worker its next file as it
    finishes one: the browser and hub files take minutes, so they start at once; and a file
    of 10 s started last leaves the other worker idle for up to 10 s."""
    seconds = (
        config.cache.get(FILE_SECONDS, {})
        if config.pluginmanager.has_plugin("cacheprovider")
        else {}
    )
    items.sort(
        key=lambda item: (
            not any(item.iter_markers("browser")) and not any(item.iter_markers("hub")),
            -seconds.get(item.nodeid.partition("::")[0], math.inf),
        )
    )


def pytest_runtest_logreport(report):
    _FILE_SECONDS[report.nodeid.partition("::")[0]] += report.duration


def pytest_sessionfinish(session):
    """Remember each file's seconds for the next run's order (in the main process only)."""
    config = session.config
    if hasattr(config, "workerinput") or not config.pluginmanager.has_plugin("cacheprovider"):
        return
    config.cache.set(FILE_SECONDS, config.cache.get(FILE_SECONDS, {}) | dict(_FILE_SECONDS))


GC_THRESHOLDS = (20_000, 20, 20)
"""The cyclic garbage collector's thresholds in pytest's processes (Python's are 700, 10, 10):
a young collection every 20,000 allocations, an older one every 20 young ones, a full one
every 20 of those. A worker's heap of figures, widgets and arrays made each full collection
long: the fast lane spent 13 s in the collector, and 2 s with these."""

gc.set_threshold(*GC_THRESHOLDS)


def pytest_collection_finish(session):
    """What collection built (modules, test items, parsed notebooks) lives to the end: out of
    the collector's sight."""
    gc.freeze()


def pytest_unconfigure(config):
    """Nothing is left to collect at the end: a worker's interpreter then exits at once,
    instead of spending about 2 s in a last full collection that the main process waits for."""
    gc.freeze()


def pytest_xdist_auto_num_workers(config):
    """``-n auto``: a worker per core, and one more for a run of every test (no ``-m``). The
    browser and hub tests spend most of their time waiting for JupyterLab, Voila, JupyterHub
    and Chromium, which the third worker fills with other tests."""
    cores = len(os.sched_getaffinity(0))
    return cores if config.option.markexpr else cores + 1
