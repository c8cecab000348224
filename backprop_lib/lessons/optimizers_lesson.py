r"""Notebook 09, computed: what the optimisers do with a gradient, on two-parameter surfaces
and on notebook 04's digit network.

A surface is a cost of two parameters w = (w_1, w_2) with its gradient: the narrow bowl
:math:`J = \tfrac12 (\lambda_1 w_1^2 + \lambda_2 w_2^2)`, whose Hessian has the eigenvalues
lambda_1 < lambda_2 and condition number :math:`\kappa = \lambda_2 / \lambda_1`, and a curved
valley (Rosenbrock's function, less steep). :func:`descend` follows an optimizer of
:mod:`backprop_lib.optimizers` from a start, :func:`make_optimizer` builds one by name, and
:func:`digit_runs` trains the digit network from one set of initial weights with each.
"""

import dataclasses
from collections.abc import Callable

import numpy as np

from ..optimizers import SGD, Adam, RMSProp
from ..validation import check_whole
from .deep_mlp import train_deep_mlp, validation_split

BOWL_CURVATURES = (1.0, 20.0)
"""lambda_1 and lambda_2 of the bowl: a condition number of 20, a valley twenty times
steeper across than along."""

VALLEY_STEEPNESS = 10.0
"""b of the valley J = (1 - w_1)^2 + b (w_2 - w_1^2)^2: Rosenbrock's 100 made gentler, so that
plain descent gets somewhere in a few hundred steps."""

ESCAPED = 1e6
"""A path whose parameters grow beyond this has diverged: it stops there."""


@dataclasses.dataclass(frozen=True)
class Surface:
    """A cost of two parameters: ``cost(w1, w2)`` (arrays of any shape, for contour maps),
    ``gradient(w)`` for w of shape (2,), where descent starts, the minimum, and the window
    (w1_low, w1_high, w2_low, w2_high) a figure shows."""

    name: str
    cost: Callable
    gradient: Callable
    start: tuple
    minimum: tuple
    window: tuple


def _bowl_cost(w1, w2):
    low, high = BOWL_CURVATURES
    return 0.5 * (low * w1**2 + high * w2**2)


def _bowl_gradient(w):
    return np.array(BOWL_CURVATURES) * w


def _valley_cost(w1, w2):
    return (1 - w1) ** 2 + VALLEY_STEEPNESS * (w2 - w1**2) ** 2


def _valley_gradient(w):
    w1, w2 = w
    across = 2 * VALLEY_STEEPNESS * (w2 - w1**2)
    return np.array([-2 * (1 - w1) - 2 * w1 * across, across])


SURFACES = {
    "narrow bowl": Surface(
        "narrow bowl", _bowl_cost, _bowl_gradient, (-4.0, 1.0), (0.0, 0.0), (-4.5, 1.5, -1.5, 1.5)
    ),
    "curved valley": Surface(
        "curved valley",
        _valley_cost,
        _valley_gradient,
        (-1.5, 2.0),
        (1.0, 1.0),
        (-2.0, 2.0, -1.0, 3.0),
    ),
}
"""The explorer's surfaces, by name."""


def stable_rate_limit(curvatures=BOWL_CURVATURES):
    r"""The largest learning rate at which plain descent converges on a quadratic bowl,
    :math:`2 / \lambda_{max}`: each step multiplies the distance along eigenvector i by
    :math:`1 - \eta \lambda_i`, which must stay inside (-1, 1)."""
    return 2.0 / max(curvatures)


METHODS = ("gradient descent", "momentum", "RMSProp", "Adam")
"""The optimisers the notebook and its explorers compare."""


def make_optimizer(method, learning_rate, momentum=0.9, beta1=0.9, beta2=0.999):
    """A fresh optimizer of :data:`METHODS` (it keeps state: one per run).

    ``momentum`` is SGD's mu; RMSProp's decay is ``beta2``, Adam's moments ``beta1`` and
    ``beta2``.

    Raises
    ------
    ValueError
        For a method not in :data:`METHODS`, or a hyperparameter the optimizer refuses.
    """
    if method == "gradient descent":
        return SGD(learning_rate)
    if method == "momentum":
        return SGD(learning_rate, momentum=momentum)
    if method == "RMSProp":
        return RMSProp(learning_rate, decay=beta2)
    if method == "Adam":
        return Adam(learning_rate, beta1=beta1, beta2=beta2)
    raise ValueError(f"method must be one of {list(METHODS)}; got {method!r}")


def descend(surface, optimizer, steps, start=None):
    """The path of ``optimizer`` over ``surface``: the parameters before each step and after
    the last, stopping early when they leave :data:`ESCAPED` (diverged) or stop being finite.

    Parameters
    ----------
    surface : Surface
    optimizer : backprop_lib.optimizers.Optimizer
    steps : int >= 1
    start : (float, float), optional
        Default: the surface's own start.

    Returns
    -------
    path : ndarray of shape (n, 2)
        n = steps + 1 unless the path diverged.
    """
    check_whole("steps", steps, 1)
    w = np.array(surface.start if start is None else start, dtype=float)
    path = [w.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            optimizer.step([w], [surface.gradient(w)])
            if not np.all(np.abs(w) < ESCAPED):
                break
            path.append(w.copy())
    return np.array(path)


def digit_runs(X, Y, settings, methods, split_seed, **training):
    """Train notebook 04's digit network once per entry of ``methods`` (a label -> keyword
    arguments of :func:`make_optimizer`), all from the initial weights of ``settings["seed"]``
    on the validation split ``split_seed``; ``settings`` as for ``train_deep_mlp`` without
    the learning rate.

    Returns
    -------
    dict of str to SimpleNamespace
        :func:`~backprop_lib.lessons.deep_mlp.train_deep_mlp`'s result per method.
    """
    split = validation_split(X, Y, seed=split_seed)
    return {
        name: train_deep_mlp(
            *split,
            **settings,
            learning_rate=None,
            optimizer=make_optimizer(**options),
            **training,
        )
        for name, options in methods.items()
    }
