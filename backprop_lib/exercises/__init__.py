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
changes its inputs or runs too long): it says what went wrong. Nor does it let the library
answer for the student: a call of the library's own answer while ``fn`` runs
(:mod:`~backprop_lib.exercises.guard`), code that reads or changes the library
(:mod:`~backprop_lib.exercises.rules`) and checks changed in the kernel
(:mod:`~backprop_lib.exercises.integrity`) are "wrong".

Layers: this subpackage uses the core (and, for notebook 06's tuning task only,
:mod:`backprop_lib.lessons.playground` and :mod:`backprop_lib.lessons.playground_settings`);
nothing below it imports it. The grader and the student edition's generator
(:mod:`backprop_lib.grading`) sit above.
"""

import inspect
import linecache
import sys
import types

from .. import validation
from .autodiff_checks import STEPS as _AUTODIFF
from .calling import CALL_SECONDS
from .capstone_checks import STEPS as _CAPSTONE
from .checking import CheckResult
from .gradient_checks import STEPS as _GRADIENT_CHECKS
from .integrity import FINGERPRINT, SealedModule
from .judging import run
from .layers import STEPS as _LAYERS
from .networks import STEPS as _NETWORKS
from .neuron import STEPS as _NEURON
from .normalisation_checks import STEPS as _NORMALISATION
from .optimizer_checks import STEPS as _OPTIMIZERS
from .rules import findings, message
from .softmax_checks import STEPS as _SOFTMAX
from .steps import STEPS as _ELEMENTWISE
from .sweep_checks import STEPS as _SWEEP
from .tuning import (
    SPIRAL_EPOCHS,
    SPIRAL_NOISE,
    SPIRAL_SETTINGS,
    SPIRAL_TARGET,
    SPIRAL_TRAIN_FRACTION,
    check_spiral_settings,
)

STEPS = {  # name -> its Step; the tuning task (SPIRAL_SETTINGS) is judged by training
    step.name: step
    for step in (
        *_ELEMENTWISE,
        *_NEURON,
        *_LAYERS,
        *_GRADIENT_CHECKS,
        *_NETWORKS,
        *_AUTODIFF,
        *_SWEEP,
        *_SOFTMAX,
        *_OPTIMIZERS,
        *_NORMALISATION,
        *_CAPSTONE,
    )
}

CHECKS = {name: step.signature for name, step in STEPS.items()} | {
    SPIRAL_SETTINGS.name: SPIRAL_SETTINGS.signature
}
"""Name -> the signature the check expects of ``fn`` and what it must return."""


def cell_source(fn):
    """The code a student wrote ``fn`` in: its whole notebook cell, or else its own source."""
    filename = getattr(getattr(fn, "__code__", None), "co_filename", "")
    if "ipykernel_" in filename or filename.startswith("<ipython-input"):
        return "".join(linecache.getlines(filename))
    try:
        return inspect.getsource(fn)
    except (OSError, TypeError):
        return ""


def _modules(fn):
    """Names in ``fn``'s globals that hold modules or the library's classes."""
    namespace = getattr(fn, "__globals__", {})
    return [
        name
        for name, value in namespace.items()
        if isinstance(value, types.ModuleType)
        or (isinstance(value, type) and value.__module__.startswith("backprop_lib"))
    ]


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
        its message when it is a cell's last expression. Code that reads or changes the
        library or the checks (:mod:`~backprop_lib.exercises.rules`), a call of the
        library's own answer (:mod:`~backprop_lib.exercises.guard`) and checks changed in
        this kernel (:mod:`~backprop_lib.exercises.integrity`) are "wrong".

    Raises
    ------
    ValueError
        For an unknown name or a seed that is not a whole number >= 0 (the instructor's
        mistakes, not the student's).
    """
    if name not in CHECKS:
        raise ValueError(f"unknown check {name!r}; expected one of {', '.join(CHECKS)}")
    validation.check_whole("seed", seed, 0)
    changed = FINGERPRINT.changes()
    if changed:
        return CheckResult(
            name,
            "wrong",
            f"wrong: code the checks rely on was changed in this kernel ({', '.join(changed[:3])})"
            ": restart the kernel and run the notebook from the top. The grader checks your "
            "functions in a process of its own.",
        )
    if not callable(fn):
        got = "None" if fn is None else f"a {type(fn).__name__}"
        return CheckResult(
            name,
            "wrong",
            f"wrong: pass your function itself to check, without calling it; got {got}.",
        )
    found = findings(cell_source(fn), _modules(fn))
    if found:
        return CheckResult(name, "wrong", message(name, found))
    if name == SPIRAL_SETTINGS.name:
        return check_spiral_settings(fn, seed, seconds)
    return run(STEPS[name], fn, seed, seconds)


sys.modules[__name__].__class__ = SealedModule

__all__ = [
    "CALL_SECONDS",
    "CHECKS",
    "SPIRAL_EPOCHS",
    "SPIRAL_NOISE",
    "SPIRAL_TARGET",
    "SPIRAL_TRAIN_FRACTION",
    "STEPS",
    "CheckResult",
    "check",
]
