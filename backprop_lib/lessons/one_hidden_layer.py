r"""Notebook 03, computed: the network with one layer of sigmoid hidden units.

Notation of notebook 03: the prediction is :math:`\hat y = a^2`, the label :math:`y`, the
loss of one example :math:`C = \tfrac12 \sum_k (\hat y_k - y_k)^2` (half the squared
error) and the cost :math:`J = \frac1m \sum_i C^{(i)}` over m examples.
"""

import numpy as np

from ..activations import sigmoid
from ..backprop import linear_forward
from ..losses import half_squared_error
from ..network import MLP
from ..validation import check_whole

DIRECTIONS = 360
"""Directions of line that :func:`best_line_accuracy` tries, spread over half a turn: one
every half degree."""


def train_hidden_layer(X, Y, units, learning_rate, epochs, seed=0):
    r"""Train notebook 03's network: one layer of sigmoid hidden units, sigmoid outputs.

    The 2-3-2 network of the course notes, with ``units`` hidden units and as many inputs
    and outputs as X and Y have rows, trained by full-batch gradient descent on the cost
    :math:`J = \frac1m \sum_{i=1}^m \tfrac12 \sum_k (\hat y^{(i)}_k - y^{(i)}_k)^2` (half
    the squared error, no L2 term), where :math:`\hat y = a^2` is the prediction.

    Parameters
    ----------
    X : ndarray of shape (n_0, m)
    Y : ndarray of shape (n_2, m)
    units : int >= 1
        Units in the hidden layer.
    learning_rate : float > 0
    epochs : int >= 1
    seed : int
        Seeds the initial weights, so the same arguments give the same model.

    Returns
    -------
    model : MLP
        The trained network, layer sizes [n_0, units, n_2].
    costs : ndarray of shape (epochs,)
        The cost before each epoch's step.
    """
    model = MLP(
        [X.shape[0], units, Y.shape[0]],
        hidden_activation="sigmoid",
        output_activation="sigmoid",
        loss="half_squared_error",
        seed=seed,
    )
    return model, model.fit(X, Y, learning_rate, epochs)


def loss_given_hidden(h, W2, b2, y):
    r"""The loss of one example as a function of the hidden units alone.

    :math:`C(h) = \tfrac12 \sum_k (\hat y_k - y_k)^2` with
    :math:`\hat y = \sigma(W^2 h + b^2)`: the part of the network above the hidden layer.
    Each :math:`h_j` reaches C along one path per output unit, so by the multivariable
    chain rule :math:`\partial C / \partial h = (W^2)^T \delta^2` (notebook 03).

    Parameters
    ----------
    h : ndarray of shape (n_1, 1)
        The hidden units' values :math:`a^1`.
    W2 : ndarray of shape (n_2, n_1)
    b2 : ndarray of shape (n_2, 1)
    y : ndarray of shape (n_2, 1)
        The labels.

    Returns
    -------
    float
    """
    y_hat = sigmoid(linear_forward(W2, h, b2))
    return float(np.sum(half_squared_error(y_hat, y)))


def best_line_accuracy(X, Y, directions=DIRECTIONS):
    r"""The best training accuracy of a straight-line boundary, found by search.

    For each of ``directions`` unit vectors :math:`d` spread over half a turn, the points
    are sorted by :math:`d^T x` and every threshold between two neighbours is tried, with
    class 1 on either side. This is what a single unit (or one hidden unit) could reach at
    best; with finitely many directions it may miss the best line by a little.

    Parameters
    ----------
    X : ndarray of shape (2, m)
    Y : ndarray of shape (1, m)
        0/1 labels.
    directions : int >= 1

    Returns
    -------
    float
        The largest fraction of points on the right side of one line.
    """
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    if X.ndim != 2 or X.shape[0] != 2 or Y.shape != (1, X.shape[1]):
        raise ValueError(
            f"X must have shape (2, m) and Y shape (1, m); got {X.shape} and {Y.shape}"
        )
    directions = check_whole("directions", directions, 1)
    angles = np.pi * np.arange(directions) / directions
    projections = np.stack([np.cos(angles), np.sin(angles)], axis=1) @ X  # (directions, m)
    labels = Y[0][np.argsort(projections, axis=1)]  # each row sorted along its direction
    # Class 0 below the threshold, class 1 above: correct = zeros below + ones above.
    zeros_below = np.cumsum(1.0 - labels, axis=1)
    ones_above = labels.sum(axis=1, keepdims=True) - np.cumsum(labels, axis=1)
    correct = np.concatenate([labels.sum(axis=1, keepdims=True), zeros_below + ones_above], 1)
    m = X.shape[1]
    # Class 1 below instead: the complement of each count.
    return float(max(correct.max(), m - correct.min()) / m)
