r"""Activation functions g(z) and their derivatives g'(z).

Every derivative here takes the pre-activation ``z`` (not the activation ``a = g(z)``), so
``sigmoid_prime(z)`` is :math:`\sigma'(z) = \sigma(z)(1 - \sigma(z))`. All functions work
element-wise on arrays of any shape and return new arrays.

Derived in notebooks 01 (sigmoid), 03 (tanh) and 04 (ReLU). The softmax (notebook 08) is not
element-wise: its derivative is a Jacobian (:func:`softmax_jacobian`), it is not in
:data:`ACTIVATIONS`, and a network uses it only as an output layer, with the fused delta
:func:`backprop_lib.losses.softmax_cross_entropy_delta`.
"""

import numpy as np

LEAKY_RELU_SLOPE = 0.01
"""Slope of ``leaky_relu`` for negative inputs (the usual choice)."""


def sigmoid(z):
    r""":math:`\sigma(z) = 1 / (1 + e^{-z})`, element-wise, in [0, 1].

    Below z = -709, :math:`e^{-z}` overflows to inf and the result is 0, its right limit: that
    overflow is expected and silenced.
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
    r"""1.0 where z > 0, else 0.0 (floats, so it multiplies like the others; 0 at the kink)."""
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
    r""":math:`s_j = e^{z_j - M} / \sum_i e^{z_i - M}` in each column of the logits z (K, m),
    with :math:`M = \max_i z_i` of the column: the shift cancels and keeps every exponent <= 0,
    so nothing overflows (notebook 08)."""
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax_jacobian(z):
    r""":math:`\partial s/\partial z = \operatorname{diag}(s) - s s^T` for one example's logits
    z (K, 1) or (K,), a (K, K) matrix: entry (i, j) is :math:`\partial s_i / \partial z_j`."""
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
