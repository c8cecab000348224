r"""The steps of forward and backward propagation, one function per formula.

Columns are examples: for layer l with n_l units and m examples, W^l is (n_l, n_{l-1}), b^l is
(n_l, 1), z^l, a^l and delta^l are (n_l, m), and a^0 = X is (n_0, m). delta^l is
:math:`\partial C / \partial z^l` of each example's loss C; the 1/m of the cost J enters in the
gradients. Derived in notebooks 03 and 04; :class:`backprop_lib.MLP` is nothing but these calls.
"""

import numpy as np


def linear_forward(W, a_prev, b):
    r""":math:`z^l = W^l a^{l-1} + b^l`: (n_l, n_{l-1}) @ (n_{l-1}, m) + (n_l, 1) -> (n_l, m)."""
    return W @ a_prev + b


def output_delta(dC_da, g_prime_z):
    r""":math:`\delta^L = \partial C/\partial a^L \odot g'(z^L)`, all three (n_L, m)."""
    return dC_da * g_prime_z


def hidden_delta(W_next, delta_next, g_prime_z):
    r""":math:`\delta^l = g'(z^l) \odot (W^{l+1})^T \delta^{l+1}`: W_next (n_{l+1}, n_l),
    delta_next (n_{l+1}, m), g_prime_z (n_l, m) -> (n_l, m)."""
    return g_prime_z * (W_next.T @ delta_next)


def weight_gradient(delta, a_prev):
    r""":math:`\partial J/\partial W^l = \frac1m \delta^l (a^{l-1})^T`, the mean of the examples'
    outer products: (n_l, m), (n_{l-1}, m) -> (n_l, n_{l-1})."""
    return (delta @ a_prev.T) / delta.shape[1]


def bias_gradient(delta):
    r""":math:`\partial J/\partial b^l = \frac1m \sum_i \delta^{l,(i)}`: (n_l, m) -> (n_l, 1)."""
    return delta.sum(axis=1, keepdims=True) / delta.shape[1]


def l2_penalty(weights, l2_lambda, m):
    r""":math:`\frac{\lambda}{2m} \sum_l \lVert W^l \rVert_F^2` for the list W^1 ... W^L (the
    biases are not regularised), a float."""
    return float(l2_lambda / (2 * m) * sum(np.sum(W * W) for W in weights))


def l2_gradient(W, l2_lambda, m):
    r""":math:`\frac{\lambda}{m} W^l`, the gradient of :func:`l2_penalty` in W^l, shaped like W."""
    return (l2_lambda / m) * W


def l1_penalty(weights, l1_lambda, m):
    r""":math:`\frac{\lambda_1}{m} \sum_l \sum_{j,k} |W^l_{jk}|` for the list W^1 ... W^L (the
    biases are not regularised), a float."""
    return float(l1_lambda / m * sum(np.sum(np.abs(W)) for W in weights))


def l1_gradient(W, l1_lambda, m):
    r""":math:`\frac{\lambda_1}{m} \operatorname{sign}(W^l)`, the gradient of :func:`l1_penalty` in
    W^l, shaped like W; at an entry of exactly 0, where |w| has no slope, 0 (a subgradient)."""
    return (l1_lambda / m) * np.sign(W)
