r"""The steps of forward and backward propagation, one function per formula.

Shapes: columns are examples. For layer l with n_l units and a batch of m examples,
W^l is (n_l, n_{l-1}), b^l is (n_l, 1), z^l, a^l and delta^l are (n_l, m), and
a^0 = X is (n_0, m). ``delta^l`` is :math:`\partial C / \partial z^l` for each example's
loss C (one column per example); the 1/m of the cost J enters in the gradients.

Derived in notebooks 03 (one hidden layer) and 04 (L layers); :class:`backprop_lib.MLP`
is nothing but these calls.
"""

import numpy as np


def linear_forward(W, a_prev, b):
    r"""Pre-activation :math:`z^l = W^l a^{l-1} + b^l`.

    Parameters
    ----------
    W : ndarray of shape (n_l, n_{l-1})
    a_prev : ndarray of shape (n_{l-1}, m)
    b : ndarray of shape (n_l, 1)
        Broadcast over the m columns.

    Returns
    -------
    z : ndarray of shape (n_l, m)
    """
    return W @ a_prev + b


def output_delta(dC_da, g_prime_z):
    r"""Output-layer delta :math:`\delta^L = \dfrac{\partial C}{\partial a^L} \odot g'(z^L)`.

    Parameters
    ----------
    dC_da : ndarray of shape (n_L, m)
        Derivative of the per-example loss with respect to the prediction a^L.
    g_prime_z : ndarray of shape (n_L, m)
        The output activation's derivative at z^L.

    Returns
    -------
    delta : ndarray of shape (n_L, m)
    """
    return dC_da * g_prime_z


def hidden_delta(W_next, delta_next, g_prime_z):
    r"""The delta recursion :math:`\delta^l = g'(z^l) \odot (W^{l+1})^T \delta^{l+1}`.

    Parameters
    ----------
    W_next : ndarray of shape (n_{l+1}, n_l)
        Weights of the layer above, W^{l+1}.
    delta_next : ndarray of shape (n_{l+1}, m)
        Delta of the layer above.
    g_prime_z : ndarray of shape (n_l, m)
        This layer's activation derivative at z^l.

    Returns
    -------
    delta : ndarray of shape (n_l, m)
    """
    return g_prime_z * (W_next.T @ delta_next)


def weight_gradient(delta, a_prev):
    r"""Weight gradient :math:`\dfrac{\partial J}{\partial W^l} = \frac1m \delta^l (a^{l-1})^T`.

    The matrix product is the sum over examples of the outer products
    :math:`\delta^{l,(i)} (a^{l-1,(i)})^T`, one per column.

    Parameters
    ----------
    delta : ndarray of shape (n_l, m)
    a_prev : ndarray of shape (n_{l-1}, m)

    Returns
    -------
    dW : ndarray of shape (n_l, n_{l-1})
    """
    return (delta @ a_prev.T) / delta.shape[1]


def bias_gradient(delta):
    r"""Bias gradient :math:`\dfrac{\partial J}{\partial b^l} = \frac1m \sum_i \delta^{l,(i)}`.

    Parameters
    ----------
    delta : ndarray of shape (n_l, m)

    Returns
    -------
    db : ndarray of shape (n_l, 1)
    """
    return delta.sum(axis=1, keepdims=True) / delta.shape[1]


def l2_penalty(weights, l2_lambda, m):
    r"""L2 regularisation term of the cost :math:`\dfrac{\lambda}{2m} \sum_l \lVert W^l \rVert_F^2`.

    Biases are not regularised.

    Parameters
    ----------
    weights : list of ndarray
        W^1 ... W^L.
    l2_lambda : float
        The regularisation strength lambda >= 0.
    m : int
        Number of examples.

    Returns
    -------
    float
    """
    return float(l2_lambda / (2 * m) * sum(np.sum(W * W) for W in weights))


def l2_gradient(W, l2_lambda, m):
    r"""Gradient of :func:`l2_penalty` with respect to W^l: :math:`\dfrac{\lambda}{m} W^l`.

    Parameters
    ----------
    W : ndarray of shape (n_l, n_{l-1})
    l2_lambda : float
    m : int

    Returns
    -------
    ndarray of shape (n_l, n_{l-1})
    """
    return (l2_lambda / m) * W
