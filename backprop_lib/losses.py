r"""Per-example losses C(a, y), their derivatives dC/da, and the cost J.

``a`` is the network's prediction and ``y`` the target, both of shape (n_L, m) with one
column per example. Each loss is element-wise: it returns one value per output unit and
example; :func:`mean_cost` sums over output units and averages over the m examples.

Derived in notebooks 01 (squared error), 02 (cross-entropy) and 03 (half the squared error).
"""

import numpy as np

PROBABILITY_FLOOR = np.finfo(float).eps
"""Cross-entropy clips a to [eps, 1 - eps] (eps = float64 machine epsilon, about 2.2e-16),
so that a sigmoid saturated to exactly 0 or 1 gives a large but finite loss and gradient."""


def squared_error(a, y):
    r"""Squared error :math:`C = (a - y)^2` (notebook 01).

    Parameters
    ----------
    a : ndarray of shape (n_L, m)
        Predictions.
    y : ndarray of shape (n_L, m)
        Targets.

    Returns
    -------
    ndarray of shape (n_L, m)
    """
    return (a - y) ** 2


def squared_error_prime(a, y):
    r""":math:`\partial C / \partial a = 2(a - y)` for :func:`squared_error`."""
    return 2.0 * (a - y)


def half_squared_error(a, y):
    r"""Half the squared error, :math:`C = \tfrac12 (a - y)^2`, the loss of notebook 03.

    (Some texts call it the L2 loss; here "L2" names only the weight penalty.)
    """
    return 0.5 * (a - y) ** 2


def half_squared_error_prime(a, y):
    r""":math:`\partial C / \partial a = a - y` for :func:`half_squared_error` (the 1/2
    cancels the 2)."""
    return a - y


def _clip_probability(a):
    # The ndarray method: np.clip's dispatch costs about as much as the clipping itself.
    return np.asarray(a, dtype=float).clip(PROBABILITY_FLOOR, 1.0 - PROBABILITY_FLOOR)


def cross_entropy(a, y):
    r"""Binary cross-entropy :math:`C = -[\,y \log a + (1 - y) \log(1 - a)\,]` (notebook 02).

    ``a`` is clipped to [eps, 1 - eps] (see ``PROBABILITY_FLOOR``), so the loss stays finite
    when a sigmoid output saturates to exactly 0 or 1.
    """
    a = _clip_probability(a)
    return -(y * np.log(a) + (1.0 - y) * np.log(1.0 - a))


def cross_entropy_prime(a, y):
    r""":math:`\partial C / \partial a = -\dfrac{y}{a} + \dfrac{1 - y}{1 - a}`, kept finite."""
    a = _clip_probability(a)
    return -y / a + (1.0 - y) / (1.0 - a)


def sigmoid_cross_entropy_delta(a, y):
    r"""Output delta of a sigmoid unit under cross-entropy: :math:`\delta = a - y`.

    This is :math:`\partial C/\partial a \cdot \sigma'(z)` simplified: the sigmoid's
    derivative :math:`a(1 - a)` cancels the denominators of :func:`cross_entropy_prime`
    (notebook 02), which also keeps it exact where the sigmoid saturates. Takes the
    activation ``a = sigmoid(z)``, not z.

    Parameters
    ----------
    a : ndarray of shape (n_L, m)
        Sigmoid outputs.
    y : ndarray of shape (n_L, m)
        Targets in [0, 1].

    Returns
    -------
    ndarray of shape (n_L, m)
    """
    return a - y


def mean_cost(losses):
    r"""The cost :math:`J = \frac{1}{m} \sum_{i=1}^{m} \sum_j C_{j}^{(i)}`.

    Parameters
    ----------
    losses : ndarray of shape (n_L, m)
        Per-unit, per-example losses, as returned by the loss functions.

    Returns
    -------
    float
    """
    return float(losses.sum() / losses.shape[1])


LOSSES = {
    "squared_error": (squared_error, squared_error_prime),
    "half_squared_error": (half_squared_error, half_squared_error_prime),
    "cross_entropy": (cross_entropy, cross_entropy_prime),
}
"""Name -> (C, dC/da)."""


def get_loss(name):
    """Return ``(loss, loss_prime)`` for a loss name, with a clear error for an unknown one."""
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; expected one of {', '.join(sorted(LOSSES))}")
    return LOSSES[name]
