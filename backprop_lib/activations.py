r"""Activation functions g(z) and their derivatives g'(z).

Every derivative here takes the pre-activation ``z`` (not the activation ``a = g(z)``), so
``sigmoid_prime(z)`` is :math:`\sigma'(z) = \sigma(z)(1 - \sigma(z))`. All functions work
element-wise on arrays of any shape and return new arrays.

Derived in notebooks 01 (sigmoid) and 04 (ReLU and the others). The softmax (notebook 08)
is the one exception: each of its outputs depends on every z of its column, so its derivative
is a Jacobian matrix (:func:`softmax_jacobian`), not an element-wise g'(z), and it is not in
:data:`ACTIVATIONS`; a network uses it only as an output layer, with the fused delta
:func:`backprop_lib.losses.softmax_cross_entropy_delta`.
"""

import numpy as np

LEAKY_RELU_SLOPE = 0.01
"""Slope of ``leaky_relu`` for negative inputs (the usual choice)."""


def sigmoid(z):
    r"""Logistic sigmoid :math:`\sigma(z) = 1 / (1 + e^{-z})`.

    For z below about -709, :math:`e^{-z}` overflows to inf and :math:`1 / (1 + \infty)` is 0,
    the right limit, so that expected overflow is silenced: no warning for any finite z (for
    example |z| = 1e3), and the output saturates to exactly 0.0 or 1.0 far out. (This is also
    the fastest stable form: one exp, one add, one division.)

    Parameters
    ----------
    z : ndarray of shape (n, m)
        Pre-activations (any shape works).

    Returns
    -------
    ndarray of the same shape, values in [0, 1].
    """
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def sigmoid_prime(z):
    r""":math:`\sigma'(z) = \sigma(z)\,(1 - \sigma(z))`, taking z (not the activation)."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    r"""Hyperbolic tangent :math:`\tanh(z)`, values in [-1, 1]."""
    return np.tanh(z)


def tanh_prime(z):
    r""":math:`\tanh'(z) = 1 - \tanh^2(z)`."""
    return 1.0 - np.tanh(z) ** 2


def relu(z):
    r"""Rectified linear unit :math:`\max(0, z)`."""
    return np.maximum(z, 0.0)


def relu_prime(z):
    r"""ReLU derivative: 1.0 where z > 0, else 0.0 (float, so it multiplies like the others).

    At the kink z = 0 the derivative is undefined; we use 0, as is usual.
    """
    return (np.asarray(z) > 0).astype(float)


def leaky_relu(z):
    r"""Leaky ReLU: z for z > 0, ``LEAKY_RELU_SLOPE * z`` otherwise."""
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, LEAKY_RELU_SLOPE * z)


def leaky_relu_prime(z):
    r"""Leaky ReLU derivative: 1.0 for z > 0, ``LEAKY_RELU_SLOPE`` otherwise."""
    return np.where(np.asarray(z) > 0, 1.0, LEAKY_RELU_SLOPE)


def identity(z):
    r"""The identity :math:`g(z) = z` (a linear output unit)."""
    return np.array(z, dtype=float)


def identity_prime(z):
    r""":math:`g'(z) = 1` everywhere."""
    return np.ones_like(z, dtype=float)


def softmax(z):
    r"""Softmax of each column: :math:`s_j = e^{z_j - M} / \sum_{i=1}^{k} e^{z_i - M}`,
    :math:`M = \max_i z_i`.

    Subtracting the column's largest logit M changes nothing (the factor :math:`e^{-M}`
    cancels), but keeps every exponent <= 0: nothing overflows, the largest term is exactly 1
    and the sum lies in [1, k]. Terms more than about 745 below M underflow to 0 without a
    warning, so logits of +-1e4 give probabilities of exactly 0 and 1 (notebook 08).

    Parameters
    ----------
    z : ndarray of shape (k, m)
        Logits, one column per example.

    Returns
    -------
    ndarray of shape (k, m)
        Each column in [0, 1] and summing to 1.
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax_jacobian(z):
    r"""The softmax's Jacobian for one example: :math:`\partial s_i / \partial z_j =
    s_i(\mathbb{1}[i = j] - s_j)`, that is :math:`\operatorname{diag}(s) - s s^T`.

    Not diagonal: raising one logit raises its own probability and lowers all the others.
    Notebook 08 derives it, and shows that the network never needs it (the fused delta
    :math:`a - y` is the product of this matrix with :math:`\partial C / \partial a`).

    Parameters
    ----------
    z : ndarray of shape (k, 1) or (k,)
        One example's logits.

    Returns
    -------
    ndarray of shape (k, k)
        Symmetric; entry (i, j) is :math:`\partial s_i / \partial z_j`.
    """
    z = np.asarray(z, dtype=float)
    if z.ndim not in (1, 2) or (z.ndim == 2 and z.shape[1] != 1):
        raise ValueError(
            f"softmax_jacobian takes one example, a column of k logits of shape (k, 1); "
            f"got shape {z.shape}"
        )
    s = softmax(z.reshape(-1, 1))
    return np.diagflat(s) - s @ s.T


ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "relu": (relu, relu_prime),
    "leaky_relu": (leaky_relu, leaky_relu_prime),
    "identity": (identity, identity_prime),
}
"""Name -> (g, g_prime)."""


def get_activation(name):
    """Return ``(g, g_prime)`` for an activation name, with a clear error for an unknown one."""
    if name not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {name!r}; expected one of {', '.join(sorted(ACTIVATIONS))}"
        )
    return ACTIVATIONS[name]
