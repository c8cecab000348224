"""Exercises checked by numerics: ``check(name, fn)`` tells a student whether ``fn`` is right.

Each check calls ``fn`` (a function with the signature of the library function ``name``) on
random inputs of several shapes, compares what it returns with central differences of the
forward computation, and when it is wrong names the likely mistake::

    from backprop_lib import exercises

    def sigmoid_prime(z):
        s = bp.sigmoid(z)
        return s * (1 - s)

    exercises.check("sigmoid_prime", sigmoid_prime)
    # right: sigmoid_prime passed 4 checks against central differences of sigmoid(z).

:data:`CHECKS` lists every name with the signature it expects. A check never raises for a
bad ``fn`` (None returned, the wrong type or shape, NaN, an exception, a function that
changes its inputs or runs too long): it says what went wrong.

Layers: this subpackage uses the core (and, for notebook 06's tuning task only,
:mod:`backprop_lib.lessons.playground`); nothing below it imports it. The student edition
and the grader (``release`` and ``grade``) are separate modules, not imported here.
"""

from .. import validation
from .autodiff_checks import STEPS as _AUTODIFF
from .calling import CALL_SECONDS, run
from .checking import CheckResult
from .gradient_checks import STEPS as _GRADIENT_CHECKS
from .layers import STEPS as _LAYERS
from .minibatch_checks import STEPS as _MINIBATCH
from .networks import STEPS as _NETWORKS
from .neuron import STEPS as _NEURON
from .softmax_checks import STEPS as _SOFTMAX
from .steps import STEPS as _ELEMENTWISE
from .tuning import (
    SPIRAL_EPOCHS,
    SPIRAL_NOISE,
    SPIRAL_SETTINGS,
    SPIRAL_TARGET,
    SPIRAL_TRAIN_FRACTION,
    check_spiral_settings,
)

_STEPS = {
    step.name: step
    for step in (
        *_ELEMENTWISE,
        *_NEURON,
        *_LAYERS,
        *_GRADIENT_CHECKS,
        *_NETWORKS,
        *_MINIBATCH,
        *_AUTODIFF,
        *_SOFTMAX,
    )
}

CHECKS = {name: step.signature for name, step in _STEPS.items()} | {
    SPIRAL_SETTINGS.name: SPIRAL_SETTINGS.signature
}
"""Name -> the signature the check expects of ``fn`` and what it must return."""


def check(name, fn, seed=0, seconds=CALL_SECONDS):
    """Check a student's function against the mathematics.

    Parameters
    ----------
    name : str
        A name in :data:`CHECKS`, e.g. "sigmoid_prime".
    fn : callable
        The student's function, with the signature ``CHECKS[name]`` describes.
    seed : int
        Chooses the random inputs: the visible check uses 0, hidden tests another.
    seconds : float or None
        Time limit of one call of ``fn`` (None: no limit). Applies on Unix in the main
        thread; elsewhere there is none.

    Returns
    -------
    CheckResult
        ``.passed``, ``.status`` ("right", "wrong" or "not done"), ``.message``; shown as
        its message when it is a cell's last expression.

    Raises
    ------
    ValueError
        For an unknown name or a seed that is not a whole number >= 0 (the instructor's
        mistakes, not the student's).
    """
    if name not in CHECKS:
        raise ValueError(f"unknown check {name!r}; expected one of {', '.join(CHECKS)}")
    validation.check_whole("seed", seed, 0)
    if name == SPIRAL_SETTINGS.name:
        return check_spiral_settings(fn, seed, seconds)
    return run(_STEPS[name], fn, seed, seconds)


__all__ = [
    "CALL_SECONDS",
    "CHECKS",
    "SPIRAL_EPOCHS",
    "SPIRAL_NOISE",
    "SPIRAL_TARGET",
    "SPIRAL_TRAIN_FRACTION",
    "CheckResult",
    "check",
]
