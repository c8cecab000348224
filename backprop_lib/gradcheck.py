r"""Numerical gradients, to check backpropagation (notebook 05), and the rule that judges them.

The rule, in float64 with central differences: a relative error below
:data:`RIGHT_BELOW` (1e-7) means the analytic gradient is right; above :data:`WRONG_ABOVE`
(1e-2) it is almost certainly wrong; in between, look closer (:func:`verdict`).
"""

import numpy as np

from .validation import check_whole

DEFAULT_EPSILON = 1e-5
"""Step of the finite differences: small enough for a small truncation error
(O(eps^2) for central differences), large enough to keep round-off (about 1e-16 / eps)
small. Notebook 05 plots both."""

RIGHT_BELOW = 1e-7
"""A relative error below this is round-off: the analytic gradient is right."""

WRONG_ABOVE = 1e-2
"""A relative error above this means the analytic gradient is wrong."""

RELATIVE_ERROR_FLOOR = 1e-8
"""Denominator floor of :func:`relative_error`, so two zero gradients compare as equal."""


def numerical_gradient(f, x, epsilon=DEFAULT_EPSILON, method="central"):
    r"""Central :math:`(f(x + \epsilon e_i) - f(x - \epsilon e_i)) / 2\epsilon` (error O(eps^2)) or
    forward :math:`(f(x + \epsilon e_i) - f(x)) / \epsilon` (O(eps)) differences of a scalar
    function ``f`` of an array, at every entry of ``x`` (any shape, left unchanged); shaped like x.
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
    r""":math:`\max_i |a_i - n_i| / \max(10^{-8}, |a_i| + |n_i|)` over two arrays of one shape."""
    analytic, numerical = np.asarray(analytic, float), np.asarray(numerical, float)
    if analytic.shape != numerical.shape:
        raise ValueError(
            f"the two gradients must have the same shape; got {analytic.shape} "
            f"and {numerical.shape}"
        )
    scale = np.maximum(RELATIVE_ERROR_FLOOR, np.abs(analytic) + np.abs(numerical))
    return float(np.max(np.abs(analytic - numerical) / scale))


PARAMETERS = {"W": "weights", "b": "biases", "gamma": "gammas", "beta": "betas"}
"""A parameter's name -> the model's list of it: ``weights[l - 1]`` is W^l, and so on."""


def _names(model):
    """The names of the model's parameters: W and b, and gamma and beta with batchnorm."""
    return tuple(PARAMETERS) if getattr(model, "batchnorm", False) else ("W", "b")


def cost_of_parameter(model, X, Y, l, name="W"):
    r"""``f(value) -> J``: the model's cost on (X, Y) with W^l (``name`` "W") or b^l ("b"), l
    from 1 to L, replaced by ``value`` and the model left as it was; for
    :func:`numerical_gradient`. With batchnorm, also gamma^l ("gamma") or beta^l ("beta") of a
    hidden layer l from 1 to L - 1."""
    names = _names(model)
    if name not in names:
        listed = ", ".join(repr(n) for n in names[:-1])
        raise ValueError(f"name must be {listed} or {names[-1]!r}; got {name!r}")
    parameters = getattr(model, PARAMETERS[name])
    hidden = "hidden " if name in ("gamma", "beta") else ""
    check_whole("l", l, 1, len(parameters), f"a {hidden}layer of the network")

    def cost(value):
        saved = parameters[l - 1]
        parameters[l - 1] = value
        try:
            return model.cost(X, Y)
        finally:
            parameters[l - 1] = saved

    return cost


def check_network_gradients(model, X, Y, gradients=None, epsilon=DEFAULT_EPSILON):
    """The worst relative error of ``gradients(X, Y) -> (dWs, dbs)`` (``model.gradients`` by
    default) against central differences, over W^l and b^l, for each layer l (a list); with
    batchnorm, gradients give (dWs, dbs, dgammas, dbetas), and a hidden layer's worst error
    is over gamma^l and beta^l too."""
    grads = (gradients or model.gradients)(X, Y)
    errors = []
    for l in range(1, len(model.weights) + 1):
        worst = 0.0
        for name, analytic in zip(PARAMETERS, grads, strict=False):  # W, b (, gamma, beta)
            if l > len(analytic):  # no gamma^L, beta^L: the output layer is not normalised
                continue
            f = cost_of_parameter(model, X, Y, l, name)
            numerical = numerical_gradient(f, getattr(model, PARAMETERS[name])[l - 1], epsilon)
            worst = max(worst, relative_error(analytic[l - 1], numerical))
        errors.append(worst)
    return errors


def verdict(error):
    """ "right" below :data:`RIGHT_BELOW`, "wrong" above :data:`WRONG_ABOVE`, else
    "look closer"."""
    if error < RIGHT_BELOW:
        return "right"
    return "wrong" if error > WRONG_ABOVE else "look closer"


def format_relative_error(error):
    """A relative error with its verdict, as text that prints the same on every machine:
    "< 1e-07 (right)" (round-off digits vary with the CPU), "3.2e-05 (look closer)",
    "0.500 (wrong)"."""
    said = verdict(error)
    if said == "right":
        return f"< {RIGHT_BELOW:.0e} (right)"
    if said == "wrong":
        return f"{error:.3f} (wrong)"
    return f"{error:.1e} (look closer)"
