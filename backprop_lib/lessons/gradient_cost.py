r"""Notebook 05, computed: what one gradient costs, by backpropagation and by central differences.

Central differences evaluate J twice per parameter: 2P forward passes for P parameters.
Backpropagation gets all P partial derivatives from one forward and one backward pass. This
module counts both (the forward passes each one runs, and the multiply-adds of their matrix
products) and times them on networks of growing P.
"""

import time
from itertools import pairwise
from types import SimpleNamespace

from ..gradcheck import DEFAULT_EPSILON, cost_of_parameter, numerical_gradient
from ..network import MLP

METHODS = ("backpropagation", "central differences")
"""The two ways of computing a gradient that notebook 05 compares."""


class CountingMLP(MLP):
    """An :class:`~backprop_lib.MLP` that counts the forward passes it runs.

    Every cost and every gradient of an MLP goes through one forward pass of all its
    layers; ``forward_passes`` counts them (set it back to 0 to start a new count).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.forward_passes = 0

    def _forward(self, X):
        self.forward_passes += 1
        return super()._forward(X)


def parameter_count(layer_sizes):
    r"""The number of parameters P of a network, :math:`\sum_l (n_l n_{l-1} + n_l)`.

    Parameters
    ----------
    layer_sizes : sequence of int
        [n_0, ..., n_L].

    Returns
    -------
    int
    """
    return sum(n_out * (n_in + 1) for n_in, n_out in pairwise(layer_sizes))


def central_difference_gradients(model, X, Y, epsilon=DEFAULT_EPSILON):
    """Every dJ/dW^l and dJ/db^l by central differences: two evaluations of J per parameter.

    Parameters
    ----------
    model : MLP
    X : ndarray of shape (n_0, m)
    Y : ndarray of shape (n_L, m)
    epsilon : float

    Returns
    -------
    dWs, dbs : lists of ndarray
        As :meth:`MLP.gradients`: ``dWs[l - 1]`` is (n_l, n_{l-1}), ``dbs[l - 1]`` (n_l, 1).
    """
    layers = range(1, len(model.weights) + 1)
    dWs = [
        numerical_gradient(cost_of_parameter(model, X, Y, l, "W"), model.weights[l - 1], epsilon)
        for l in layers
    ]
    dbs = [
        numerical_gradient(cost_of_parameter(model, X, Y, l, "b"), model.biases[l - 1], epsilon)
        for l in layers
    ]
    return dWs, dbs


def pass_multiply_adds(layer_sizes, m):
    r"""Multiply-adds of one forward pass, :math:`F = m \sum_l n_l n_{l-1}`, and of one backward
    pass, :math:`B = 2F - n_1 n_0 m`.

    A forward pass computes :math:`W^l A^{l-1}`, :math:`n_l n_{l-1} m` multiply-adds per
    layer. The backward pass computes :math:`\Delta^l (A^{l-1})^T` in every layer and
    :math:`(W^l)^T \Delta^l` in every layer but the first (the input gets no error).
    Element-wise work, of order :math:`n_l m`, is left out.

    Parameters
    ----------
    layer_sizes : sequence of int
        [n_0, ..., n_L].
    m : int
        Examples.

    Returns
    -------
    dict of str to int
        "forward" (F) and "backward" (B).
    """
    per_layer = [n_out * n_in * m for n_in, n_out in pairwise(layer_sizes)]
    forward = sum(per_layer)
    return {"forward": forward, "backward": 2 * forward - per_layer[0]}


def multiply_adds(layer_sizes, m):
    r"""Multiply-adds of the matrix products in one gradient, by each method.

    Backpropagation runs one forward and one backward pass, :math:`F + B` (see
    :func:`pass_multiply_adds`), between two and three forward passes; central differences run
    2P forward passes, :math:`2PF`.

    Parameters
    ----------
    layer_sizes : sequence of int
        [n_0, ..., n_L].
    m : int
        Examples.

    Returns
    -------
    dict of str to int
        For each name in :data:`METHODS`.
    """
    passes = pass_multiply_adds(layer_sizes, m)
    return {
        "backpropagation": passes["forward"] + passes["backward"],
        "central differences": 2 * parameter_count(layer_sizes) * passes["forward"],
    }


GROWING_UNITS = (2, 4, 8, 16, 32, 64, 96)
"""Units per hidden layer of the networks that notebook 05 times, [n_0, u, u, n_L]: with two
inputs and one output, P grows from 15 to about 10^4, while the 2P forward passes of the
largest take only about a second on a laptop."""

BACKPROP_REPEATS = 5
"""Backpropagation takes well under a millisecond here, so it is timed this many times and
the fastest run kept (the others include interruptions by other programs)."""


def _seconds(compute):
    start = time.perf_counter()
    compute()
    return time.perf_counter() - start


def gradient_costs(layer_sizes, X, Y, seed=0, repeats=BACKPROP_REPEATS):
    """Count and time one gradient of a fresh network by each method.

    Parameters
    ----------
    layer_sizes : sequence of int
        [n_0, ..., n_L]; ReLU hidden layers, a sigmoid output and cross-entropy.
    X : ndarray of shape (n_0, m)
    Y : ndarray of shape (n_L, m)
        0/1 labels.
    seed : int
    repeats : int >= 1
        Backpropagation is timed this many times, and the fastest kept; central differences,
        which take far longer, once.

    Returns
    -------
    SimpleNamespace
        ``parameters`` (P), and for each name in :data:`METHODS`: ``forward_passes`` (dict,
        counted while computing the gradient once), ``multiply_adds`` (dict, see
        :func:`multiply_adds`) and ``seconds`` (dict; depends on the computer).
    """
    model = CountingMLP(layer_sizes, seed=seed)
    runs = {
        "backpropagation": lambda: model.gradients(X, Y),
        "central differences": lambda: central_difference_gradients(model, X, Y),
    }
    passes, seconds = {}, {}
    for method, compute in runs.items():
        model.forward_passes = 0
        times = [_seconds(compute)]
        passes[method] = model.forward_passes  # of one gradient
        if method == "backpropagation":
            times += [_seconds(compute) for _ in range(repeats - 1)]
        seconds[method] = min(times)
    return SimpleNamespace(
        parameters=parameter_count(layer_sizes),
        forward_passes=passes,
        multiply_adds=multiply_adds(layer_sizes, X.shape[1]),
        seconds=seconds,
    )
