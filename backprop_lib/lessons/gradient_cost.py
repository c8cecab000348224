r"""Notebooks 05 and 07, computed: what one gradient costs, by each of a set of methods.

Central differences evaluate J twice per parameter: 2P forward passes for P parameters.
Backpropagation gets all P partial derivatives from one forward and one backward pass.
:func:`gradient_costs` computes one gradient by each method, counts the passes each one runs
and times them; :func:`multiply_adds` counts the multiply-adds of their matrix products.
Notebook 05 compares the two methods of :data:`METHODS`; notebook 07 adds forward mode
(:func:`~backprop_lib.lessons.forward_mode.forward_mode_gradients`).
"""

import time
from itertools import pairwise
from types import SimpleNamespace

import numpy as np

from ..gradcheck import DEFAULT_EPSILON, cost_of_parameter, numerical_gradient


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


def backpropagation(model, X, Y):
    """Every dJ/dW^l and dJ/db^l by backpropagation (:meth:`MLP.gradients`, reverse mode),
    and the passes it runs: one forward, one backward.

    Returns
    -------
    dWs, dbs : lists of ndarray
        As :meth:`MLP.gradients`.
    forward_passes, backward_passes : int
        1 and 1.
    """
    dWs, dbs = model.gradients(X, Y)
    return dWs, dbs, 1, 1


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
    forward_passes, backward_passes : int
        The evaluations of J run, counted (2P), and 0.
    """
    passes = 0

    def counted(l, name):
        cost = cost_of_parameter(model, X, Y, l, name)

        def evaluate(value):
            nonlocal passes
            passes += 1
            return cost(value)

        return evaluate

    layers = range(1, len(model.weights) + 1)
    dWs = [numerical_gradient(counted(l, "W"), model.weights[l - 1], epsilon) for l in layers]
    dbs = [numerical_gradient(counted(l, "b"), model.biases[l - 1], epsilon) for l in layers]
    return dWs, dbs, passes, 0


METHODS = {
    "backpropagation": backpropagation,
    "central differences": central_difference_gradients,
}
"""The two ways of computing a gradient that notebook 05 compares, each
``method(model, X, Y) -> dWs, dbs, forward_passes, backward_passes``."""


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


def _timed(method, model, X, Y):
    start = time.perf_counter()
    dWs, dbs, forward, backward = method(model, X, Y)
    seconds = time.perf_counter() - start
    return SimpleNamespace(
        dWs=dWs, dbs=dbs, forward_passes=forward, backward_passes=backward, seconds=seconds
    )


def gradient_costs(model, X, Y, methods=METHODS, repeats=BACKPROP_REPEATS):
    """Count and time one gradient of ``model``'s cost by each of ``methods``.

    Parameters
    ----------
    model : MLP
    X : ndarray of shape (n_0, m)
    Y : ndarray of shape (n_L, m)
    methods : dict of str to callable
        Name -> ``method(model, X, Y) -> dWs, dbs, forward_passes, backward_passes``, as in
        :data:`METHODS`. The first, backpropagation, is the reference.
    repeats : int >= 1
        The first method, by far the fastest, is timed this many times and the fastest run
        kept; the others once.

    Returns
    -------
    SimpleNamespace
        ``parameters`` (P) and ``runs``: for each method, a SimpleNamespace of ``dWs``,
        ``dbs``, ``forward_passes``, ``backward_passes`` (counted while computing the
        gradient once), ``seconds`` (depends on the computer) and ``error``, its largest
        difference from the first method's gradient over that gradient's largest entry.
    """
    runs = {name: _timed(method, model, X, Y) for name, method in methods.items()}
    first = next(iter(methods))
    again = [_timed(methods[first], model, X, Y) for _ in range(repeats - 1)]
    reference = runs[first] = min([runs[first], *again], key=lambda run: run.seconds)
    scale = max(np.max(np.abs(g)) for g in reference.dWs + reference.dbs)
    for run in runs.values():
        pairs = zip(run.dWs + run.dbs, reference.dWs + reference.dbs, strict=True)
        run.error = max(np.max(np.abs(a - b)) for a, b in pairs) / scale
    return SimpleNamespace(parameters=parameter_count(model.layer_sizes), runs=runs)
