r"""Numerical gradients, to check backpropagation (notebook 05).

Rule of thumb for the relative error in float64: below 1e-7 the analytic gradient is
right; above 1e-2 it is almost certainly wrong; in between, look closer.
"""

import numpy as np

DEFAULT_EPSILON = 1e-5
"""Step of the finite differences: small enough for a small truncation error
(O(eps^2) for central differences), large enough to keep round-off (about 1e-16 / eps)
small. Notebook 05 plots both."""

RELATIVE_ERROR_FLOOR = 1e-8
"""Denominator floor of :func:`relative_error`, so two zero gradients compare as equal."""


def numerical_gradient(f, x, epsilon=DEFAULT_EPSILON, method="central"):
    r"""Finite-difference gradient of a scalar function of an array.

    Central: :math:`\dfrac{f(x + \epsilon e_i) - f(x - \epsilon e_i)}{2\epsilon}`, error
    O(eps^2). Forward (one-sided): :math:`\dfrac{f(x + \epsilon e_i) - f(x)}{\epsilon}`,
    error O(eps).

    Parameters
    ----------
    f : callable
        Takes an array shaped like ``x`` and returns a float.
    x : ndarray of any shape
        The point; not modified (``f`` is called with a perturbed copy).
    epsilon : float
    method : {"central", "forward"}

    Returns
    -------
    ndarray shaped like ``x``
    """
    if method not in ("central", "forward"):
        raise ValueError(f"method must be 'central' or 'forward'; got {method!r}")
    x = np.array(x, dtype=float)
    grad = np.empty_like(x)
    f_x = f(x) if method == "forward" else None
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + epsilon
        f_plus = f(x)
        if method == "central":
            x[index] = original - epsilon
            grad[index] = (f_plus - f(x)) / (2 * epsilon)
        else:
            grad[index] = (f_plus - f_x) / epsilon
        x[index] = original
    return grad


def relative_error(analytic, numerical):
    r"""Worst element-wise relative error :math:`\max \dfrac{|a - n|}{\max(10^{-8}, |a| + |n|)}`.

    Parameters
    ----------
    analytic, numerical : ndarray of the same shape

    Returns
    -------
    float
    """
    analytic, numerical = np.asarray(analytic, float), np.asarray(numerical, float)
    if analytic.shape != numerical.shape:
        raise ValueError(
            f"the two gradients must have the same shape; got {analytic.shape} "
            f"and {numerical.shape}"
        )
    scale = np.maximum(RELATIVE_ERROR_FLOOR, np.abs(analytic) + np.abs(numerical))
    return float(np.max(np.abs(analytic - numerical) / scale))


def _cost_as_function_of(model, parameters, index, X, Y):
    """The cost J as a function of one parameter array, ``parameters[index]``."""

    def cost(value):
        saved = parameters[index]
        parameters[index] = value
        try:
            return model.cost(X, Y)
        finally:
            parameters[index] = saved

    return cost


def check_network_gradients(model, X, Y, gradients=None, epsilon=DEFAULT_EPSILON):
    """Compare a network's backpropagated gradients with central differences, layer by layer.

    Parameters
    ----------
    model : MLP
    X : ndarray of shape (n_0, m)
    Y : ndarray of shape (n_L, m)
    gradients : callable, optional
        ``gradients(X, Y) -> (dWs, dbs)`` to check; defaults to ``model.gradients``. Pass
        a deliberately wrong one to see the check catch it.
    epsilon : float

    Returns
    -------
    list of float
        Entry l - 1 is the worst relative error over W^l and b^l.
    """
    dWs, dbs = (gradients or model.gradients)(X, Y)
    errors = []
    for l in range(len(model.weights)):
        worst = 0.0
        for parameters, analytic in ((model.weights, dWs[l]), (model.biases, dbs[l])):
            f = _cost_as_function_of(model, parameters, l, X, Y)
            numerical = numerical_gradient(f, parameters[l], epsilon)
            worst = max(worst, relative_error(analytic, numerical))
        errors.append(worst)
    return errors
