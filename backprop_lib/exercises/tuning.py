"""Notebook 06's tuning task, checked by running it: settings that learn the spirals.

The student writes ``fn() -> Settings``
(:class:`backprop_lib.lessons.playground_settings.Settings`). The check builds
``Playground(fn())`` and trains it one epoch at a time, as the playground does (so the run is
the one the student watched), until the test accuracy reaches :data:`SPIRAL_TARGET` or
:data:`SPIRAL_EPOCHS` epochs have passed. The data are the task's: the spirals, with at least
:data:`SPIRAL_NOISE` noise and the default train fraction; the input features, the network
and the training (layers, units, activation, learning rate, L2 lambda, batch size, seed) are
the student's choice.

The budget and the target separate settings a student finds in a few minutes (3 ReLU layers
of 8 with learning rate 0.1 reach 0.85 at epoch 223 with seed 0, every seed 0-9 by 269) from
the defaults, which never do (at most 0.71 in 400 epochs); tests/test_exercises_networks.py
holds both. A run is remembered by its settings, so the visible and the hidden check train
it once.
"""

import functools

import numpy as np

from ..lessons.playground import Playground
from ..lessons.playground_settings import PRESETS, Settings
from ..network import TrainingDiverged
from .calling import CALL_SECONDS, observe
from .checking import Case, CheckResult, Step, Verdict, wrong
from .judging import verdict_of

SPIRAL_EPOCHS = 400
"""The budget: epochs of training within which the test accuracy must reach the target."""

SPIRAL_TARGET = 0.85
"""The test accuracy to reach (85 of the 100 test points classified right)."""

SPIRAL_NOISE = 0.05
"""The least noise allowed (the preset "spiral-deep"'s); less would make the task easier."""

SPIRAL_TRAIN_FRACTION = Settings().train_fraction
"""The share of the points used for training (the default, 0.5): the test set stays 100
points, so that the accuracy means the same for everyone."""

SPIRAL_SETTINGS = Step(
    "spiral_settings",
    "spiral_settings() -> playground_settings.Settings for the spirals whose test accuracy "
    f"reaches {SPIRAL_TARGET:g} within {SPIRAL_EPOCHS} epochs",
    (),
    cases=lambda rng: [Case((), (), (), {})],
    read=None,
)


def _check_data(settings):
    """Raise a Verdict if ``settings`` is not a Settings of the task's data."""
    if not isinstance(settings, Settings):
        got = "None" if settings is None else f"a {type(settings).__name__}"
        raise wrong(
            "wrong: return a playground_settings.Settings, for example "
            f'Settings(dataset="spirals", noise={SPIRAL_NOISE:g}, ...); got {got}.'
        )
    preset = [name for name, preset in PRESETS.items() if preset == settings]
    if preset:
        raise wrong(
            f"wrong: you returned the playground's preset {preset[0]!r}: the task asks for "
            "settings you found yourself."
        )
    if settings.dataset != "spirals":
        raise wrong(
            f'wrong: the task is the spirals: use dataset="spirals" (got {settings.dataset!r}).'
        )
    if settings.noise < SPIRAL_NOISE:
        raise wrong(
            f"wrong: noise {settings.noise:g} makes the task easier than it is: keep noise at "
            f"{SPIRAL_NOISE:g} or more."
        )
    if settings.train_fraction != SPIRAL_TRAIN_FRACTION:
        raise wrong(
            f"wrong: keep train_fraction at {SPIRAL_TRAIN_FRACTION:g}, so that the test set "
            "is the same size for everyone; tune the network and the training instead."
        )


@functools.lru_cache(maxsize=16)
def _train(settings):
    """Train ``Playground(settings)`` epoch by epoch, with the playground's own step (its
    optimizer, its divergence rule), until the test accuracy reaches the target:
    ("reached" | "short" | "diverged", the epoch, the accuracy reached or the best one seen)."""
    run, best = Playground(settings), 0.0
    with np.errstate(all="ignore"):
        for epoch in range(1, SPIRAL_EPOCHS + 1):
            try:
                run.run(1)
            except TrainingDiverged:
                return "diverged", epoch, best
            accuracy = run.model.accuracy(run.X_test, run.Y_test)
            best = max(best, accuracy)
            if accuracy >= SPIRAL_TARGET:
                return "reached", epoch, accuracy
    return "short", SPIRAL_EPOCHS, best


def check_spiral_settings(fn, seed=0, seconds=CALL_SECONDS):
    """Check the tuning task (``fn``, a callable) in this process; never raises.

    ``seed`` is not used: the settings carry their own seed, so the check trains exactly the
    run the student saw in the playground, whichever seed the visible or hidden check uses.
    """
    return judge_spiral_settings(observe(SPIRAL_SETTINGS, fn, Case((), (), (), {}), seconds))


def judge_spiral_settings(outcome):
    """The CheckResult of the tuning task from the outcome of calling the student's function."""
    name, printed = SPIRAL_SETTINGS.name, outcome.get("printed", "")
    try:
        problem = verdict_of(SPIRAL_SETTINGS, outcome)
        if problem is not None:
            raise problem
        settings = outcome["value"]
        _check_data(settings)
    except Verdict as verdict:
        return CheckResult(name, verdict.status, verdict.message, printed)
    try:
        result, epoch, accuracy = _train(settings)
    except Exception as error:  # a check never crashes, whatever the settings hold
        return CheckResult(name, "wrong", f"wrong: your settings could not be trained ({error}).")
    if result == "diverged":
        return CheckResult(
            name,
            "wrong",
            f"wrong: training diverged at epoch {epoch}: lower the learning rate (it is "
            f"{settings.learning_rate:g}).",
            printed,
        )
    if result == "short":
        return CheckResult(
            name,
            "wrong",
            f"wrong: with your settings the test accuracy reached at most {accuracy:.2f} in "
            f"{epoch} epochs; the target is {SPIRAL_TARGET:.2f}.",
            printed,
        )
    return CheckResult(
        name,
        "right",
        f"right: your settings reach test accuracy {accuracy:.2f} at epoch {epoch} (the target "
        f"is {SPIRAL_TARGET:.2f} within {SPIRAL_EPOCHS} epochs).",
        printed,
    )
