r"""Per-example losses C(a, y), their derivatives dC/da, and the cost J.

``a`` is the network's prediction and ``y`` the target, both of shape (n_L, m) with one
column per example. Each loss is element-wise: it returns one value per output unit and
example; :func:`mean_cost` sums over output units and averages over the m examples.

Derived in notebooks 01 (squared error), 02 (cross-entropy), 03 (half the squared error) and
08 (categorical cross-entropy, for a softmax output and one-hot targets from :func:`one_hot`).
The two cross-entropies also come from the logits z^L (``*_from_logits``), which MLP's cost uses.
"""

import numpy as np

from .activations import get_activation, softmax
from .validation import check_whole

PROBABILITY_FLOOR = np.finfo(float).eps
"""Cross-entropy clips a to [eps, 1 - eps] (eps = float64 machine epsilon, about 2.2e-16),
so that a sigmoid saturated to exactly 0 or 1 gives a large but finite loss and gradient. The
losses from the logits (``*_from_logits``) need no floor."""


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


def categorical_cross_entropy(a, y):
    r"""Categorical cross-entropy :math:`C = -\sum_{j=1}^{k} y_j \log a_j` (notebook 08).

    Returned term by term, :math:`-y_j \log a_j`, so that :func:`mean_cost` sums over the k
    classes and averages over the examples; with a one-hot y only the true class's term is not
    zero. ``a`` is floored at ``PROBABILITY_FLOOR``, so a softmax output that underflowed to 0
    gives a large but finite loss (at most :math:`-\log \varepsilon \approx 36` per example).

    Parameters
    ----------
    a : ndarray of shape (k, m)
        Softmax outputs, each column summing to 1.
    y : ndarray of shape (k, m)
        One-hot targets (see :func:`one_hot`).

    Returns
    -------
    ndarray of shape (k, m)
    """
    return -y * np.log(np.maximum(a, PROBABILITY_FLOOR))


def categorical_cross_entropy_prime(a, y):
    r""":math:`\partial C / \partial a_j = -y_j / a_j` for :func:`categorical_cross_entropy`,
    with ``a`` floored the same way (finite for a = 0)."""
    return -y / np.maximum(a, PROBABILITY_FLOOR)


def softmax_cross_entropy_delta(a, y):
    r"""Output delta of a softmax layer under categorical cross-entropy: :math:`\delta = a - y`.

    The softmax's Jacobian :math:`\operatorname{diag}(a) - a a^T` times
    :math:`\partial C/\partial a = -y/a` gives :math:`-y + a \sum_j y_j = a - y` when the
    column y sums to 1 (notebook 08). The fused form needs no k x k matrix per example and no
    division by a, so it stays exact where a softmax output underflows to 0. Takes the
    activation ``a = softmax(z)``, not z.

    Parameters
    ----------
    a : ndarray of shape (k, m)
        Softmax outputs.
    y : ndarray of shape (k, m)
        One-hot targets.

    Returns
    -------
    ndarray of shape (k, m)
    """
    return a - y


def cross_entropy_from_logits(z, y):
    r"""Binary cross-entropy from the logit, :math:`C = \log(1 + e^{z}) - y z`, for
    :math:`a = \sigma(z)` (notebook 02).

    Evaluated as :math:`(1 - y) z` (z > 0) or :math:`-y z` (z <= 0), plus
    :math:`\log(1 + e^{-|z|})`: no term is negative or overflows, so C is exact for any finite
    z, where :func:`cross_entropy` stops near 36 (a within eps of 0 or 1).

    Parameters
    ----------
    z : ndarray of shape (n_L, m)
        Logits.
    y : ndarray of shape (n_L, m)
        Targets in [0, 1].

    Returns
    -------
    ndarray of shape (n_L, m)
    """
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, (1.0 - y) * z, -y * z) + np.log1p(np.exp(-np.abs(z)))


def categorical_cross_entropy_from_logits(z, y):
    r"""Categorical cross-entropy from the logits, :math:`C = \log \sum_j e^{z_j} - \sum_j y_j
    z_j` per column, for :math:`a = \operatorname{softmax}(z)` (notebook 08).

    Evaluated as :math:`\log(1 + \sum_{j \ne j^*} e^{z_j - M}) + \sum_j y_j (M - z_j)`, with
    :math:`M = z_{j^*}` the column's largest logit and y summing to 1: no term is negative or
    overflows, so C is exact for any finite z, where :func:`categorical_cross_entropy` stops
    near 36 once the softmax underflows to 0.

    Parameters
    ----------
    z : ndarray of shape (k, m)
        Logits.
    y : ndarray of shape (k, m)
        Targets, each column summing to 1 (one-hot from :func:`one_hot`).

    Returns
    -------
    ndarray of shape (1, m)
        One loss per example.
    """
    z = np.asarray(z, dtype=float)
    top, columns = np.argmax(z, axis=0), np.arange(z.shape[1])
    shifted = z - z[top, columns]  # z_j - M <= 0, and exactly 0 at j*
    others = np.exp(shifted)
    others[top, columns] = 0.0
    log_sum = np.log1p(others.sum(axis=0, keepdims=True))
    return log_sum - (y * shifted).sum(axis=0, keepdims=True)


def one_hot(labels, k):
    r"""Targets for k classes: :math:`Y_{ji} = 1` if example i has label j, else 0.

    Parameters
    ----------
    labels : array-like of shape (m,) or (1, m)
        Whole numbers from 0 to k - 1 (floats such as 3.0 are fine, as
        :func:`backprop_lib.data.load_image_dataset` returns them).
    k : int >= 2
        The number of classes.

    Returns
    -------
    ndarray of shape (k, m), float64
        One column per example, a single 1 in the row of its label.

    Raises
    ------
    ValueError
        If labels are not a row or a vector of numbers, or one is not a whole number from 0
        to k - 1.
    """
    k = check_whole("k", k, 2, meaning="the number of classes")
    labels = np.asarray(labels)
    shape_fits = labels.ndim == 1 or (labels.ndim == 2 and labels.shape[0] == 1)
    if not shape_fits or not np.issubdtype(labels.dtype, np.number):  # bools are not numbers
        raise ValueError(
            f"labels must be numbers in a vector (m,) or a row (1, m); got an array of shape "
            f"{labels.shape} and dtype {labels.dtype}"
        )
    flat = labels.ravel()
    bad = np.flatnonzero(~np.isin(flat, np.arange(k)))
    if bad.size:
        raise ValueError(
            f"labels must be whole numbers from 0 to {k - 1} (for k = {k} classes); got "
            f"{flat[bad[0]].item()!r} at position {bad[0]}"
        )
    Y = np.zeros((k, flat.size))
    Y[flat.astype(int), np.arange(flat.size)] = 1.0
    return Y


def check_targets(loss, Y):
    """Return Y if it holds targets the loss can take, else raise a ValueError that says why.

    "cross_entropy" needs labels in [0, 1]; "categorical_cross_entropy" one-hot columns (a
    single 1, the rest 0); the other losses take any finite numbers.

    Parameters
    ----------
    loss : str
        The loss's name.
    Y : ndarray of shape (n_L, m)
        Finite targets.
    """
    if loss == "cross_entropy" and (Y.min() < 0 or Y.max() > 1):
        raise ValueError(
            f"cross_entropy needs labels in [0, 1]; got values from {Y.min():g} to {Y.max():g}"
        )
    if loss == "categorical_cross_entropy":
        fits = np.all((Y == 0) | (Y == 1), axis=0) & (Y.sum(axis=0) == 1)
        if not np.all(fits):
            k, i = Y.shape[0], int(np.argmin(fits))
            raise ValueError(
                f"categorical_cross_entropy needs one-hot columns in Y: in each, a single 1 and "
                f"0 in the other {k - 1} rows (one_hot(labels, {k}) makes them); column {i} is "
                f"{Y[:, i].tolist()}"
            )
    return Y


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


FUSED_DELTAS = {
    ("sigmoid", "cross_entropy"): sigmoid_cross_entropy_delta,
    ("softmax", "categorical_cross_entropy"): softmax_cross_entropy_delta,
}
"""(output activation, loss) -> the simplified output delta a - y, which replaces the product
dC/da * g'(z) (notebooks 02 and 08). A softmax output has only this pairing: its derivative is
a Jacobian, not an element-wise g'(z)."""

LOGIT_LOSSES = {
    ("sigmoid", "cross_entropy"): cross_entropy_from_logits,
    ("softmax", "categorical_cross_entropy"): categorical_cross_entropy_from_logits,
}
"""(output activation, loss) -> the same loss computed from the output layer's logits z^L, exact
where the probability form's floor at eps would cap it (notebooks 02 and 08)."""

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


def output_layer(output_activation, loss, n_L):
    """The output layer's (g_out, g_out_prime, C, dC/da) by name, for n_L output units, or a
    ValueError if the activation and the loss do not fit."""
    if output_activation == "softmax" or loss == "categorical_cross_entropy":
        if (output_activation, loss) != ("softmax", "categorical_cross_entropy") or n_L < 2:
            raise ValueError(
                "a softmax output needs loss='categorical_cross_entropy' (and that loss a softmax"
                f" output) and n_L >= 2 classes; got output_activation={output_activation!r}, "
                f"loss={loss!r} and n_L = {n_L}"
            )
        # No g_out_prime: the softmax's derivative is a Jacobian, which the fused delta avoids.
        return softmax, None, categorical_cross_entropy, categorical_cross_entropy_prime
    g_out, g_out_prime = get_activation(output_activation)
    if loss == "cross_entropy" and output_activation != "sigmoid":
        raise ValueError(
            "cross_entropy needs outputs in (0, 1): use output_activation='sigmoid' "
            f"(got {output_activation!r}), or another loss"
        )
    return g_out, g_out_prime, *get_loss(loss)
