r"""Notebook 04, computed: a deep MLP (ReLU hidden layers, sigmoid output, cross-entropy) on images.

:func:`train_deep_mlp` is the computation behind the notebook's figures and its explorer:
it trains :class:`backprop_lib.MLP` with ``hidden_layers`` layers of ``units`` units and
records the training and validation cost after every epoch. :func:`validation_split` and
:func:`validation_scores` choose settings on validation sets, so that the test set is
touched once, at the end.

Images come as columns, ``X`` (n_0, m) with n_0 = h * w * c, as
:func:`backprop_lib.data.load_image_dataset` returns them; any square grey or RGB images
work, from the 8x8 digits of ``data/`` to the 64x64x3 cat / non-cat pictures.
"""

import math
from types import SimpleNamespace

import numpy as np

from ..network import MLP
from ..validation import check_real, check_whole

DEFAULTS = {
    "hidden_layers": 3,
    "units": 16,
    "learning_rate": 0.1,
    "epochs": 600,
    "l2_lambda": 0.0,
    "seed": 0,
}
"""The explorer's starting settings, which notebook 04 chooses on validation sets: on the
digits of ``data/`` they train in well under a second."""

VALIDATION_FRACTION = 0.3
"""Share of the training file held out for validation: 75 of the digits' 249 images, enough
that one mistake is 1.3 %, while 174 remain to train on."""

UNITS_MAX, EPOCHS_MAX = 32, 1000
"""The ends of the units and epoch sliders: at 10 layers of 32 units, 1000 epochs on the
digits take about 2 s on a busy two-core machine (64 units and 2000 epochs took 48 s)."""


def train_deep_mlp(
    X,
    Y,
    X_val,
    Y_val,
    hidden_layers,
    units,
    learning_rate,
    epochs,
    l2_lambda=0.0,
    seed=0,
    progress=None,
):
    r"""Train a network with ``hidden_layers`` ReLU layers of ``units`` units on images.

    The layer sizes are :math:`[n_0, \text{units}, \dots, \text{units}, 1]`; no hidden
    layer is logistic regression. The output is one sigmoid unit trained with cross-entropy
    and the L2 penalty of strength ``l2_lambda``, by full-batch gradient descent from a
    seeded start. Bad settings raise a ValueError, and a learning rate so large that the
    cost blows up :class:`~backprop_lib.TrainingDiverged`, as :meth:`MLP.fit` does.

    Parameters
    ----------
    X, Y : ndarray of shape (n_0, m) and (1, m)
        Training images, one per column, and their 0/1 labels.
    X_val, Y_val : ndarray of shape (n_0, m_val) and (1, m_val), held out to validate on
    hidden_layers, units : int
        How many hidden layers (>= 0), and units in each (>= 1).
    learning_rate, epochs, l2_lambda, seed
        As for :meth:`MLP.fit` and :class:`MLP`; the seed fixes the initial weights.
    progress : callable, optional
        Called as ``progress(epoch)`` after each epoch, epoch counting from 1.

    Returns
    -------
    SimpleNamespace
        ``model`` (trained); ``costs`` (J with its L2 term before each step, from
        :meth:`MLP.fit`); ``train_costs`` and ``val_costs`` (:meth:`MLP.data_cost` after
        each step, shape (epochs,)); ``train_accuracy`` and ``val_accuracy``.
    """
    check_whole("hidden_layers", hidden_layers, 0)
    check_whole("units", units, 1)
    model = MLP([np.shape(X)[0], *[units] * hidden_layers, 1], l2_lambda=l2_lambda, seed=seed)
    train_costs, val_costs = np.empty(epochs), np.empty(epochs)

    def record(epoch, cost):
        train_costs[epoch - 1] = model.data_cost(X, Y)
        val_costs[epoch - 1] = model.data_cost(X_val, Y_val)
        if progress is not None:
            progress(epoch)

    costs = model.fit(X, Y, learning_rate, epochs, callback=record)
    return SimpleNamespace(
        model=model,
        costs=costs,
        train_costs=train_costs,
        val_costs=val_costs,
        train_accuracy=model.accuracy(X, Y),
        val_accuracy=model.accuracy(X_val, Y_val),
    )


def validation_split(X, Y, fraction=VALIDATION_FRACTION, seed=0):
    """Hold out a random ``fraction`` of the examples for validation.

    Parameters
    ----------
    X : ndarray of shape (n_0, m)
    Y : ndarray of shape (n_L, m)
    fraction : float in (0, 1)
    seed : int
        Seeds the random choice, so a seed names one split.

    Returns
    -------
    X_fit, Y_fit, X_val, Y_val : ndarray
        The ``m - round(fraction m)`` examples to train on and the ``round(fraction m)``
        held out, each group in the order of a seeded permutation.
    """
    check_real("fraction", fraction, low=0.0, high=1.0)
    m = np.shape(X)[1]
    n_val = round(fraction * m)
    if not 1 <= n_val <= m - 1:
        raise ValueError(f"fraction {fraction:g} of {m} examples leaves an empty set")
    order = np.random.default_rng(seed).permutation(m)
    fit, val = order[n_val:], order[:n_val]
    return X[:, fit], Y[:, fit], X[:, val], Y[:, val]


def validation_scores(X, Y, settings, seeds, fraction=VALIDATION_FRACTION):
    """Train ``settings`` once per seed, each time on its own split, and score it there.

    Seed s draws both the validation split and the initial weights, so the spread of the
    scores over the seeds shows how much a single split's number can be trusted.

    Parameters
    ----------
    X, Y : ndarray of shape (n_0, m) and (1, m)
        The training file's images and labels (never the test set).
    settings : dict
        Keyword arguments of :func:`train_deep_mlp` except ``seed``.
    seeds : sequence of int
    fraction : float

    Returns
    -------
    SimpleNamespace of ndarray, each of shape (len(seeds),)
        ``accuracy`` (validation accuracy after the last epoch), ``cost`` (validation cost
        after the last epoch), ``best_cost`` and ``best_epoch`` (the lowest validation cost
        and the epoch, from 1, where it was reached).
    """
    rows = []
    for seed in seeds:
        result = train_deep_mlp(*validation_split(X, Y, fraction, seed), **settings, seed=seed)
        best = int(np.argmin(result.val_costs))
        rows.append((result.val_accuracy, result.val_costs[-1], result.val_costs[best], best + 1))
    accuracy, cost, best_cost, best_epoch = np.array(rows).T
    return SimpleNamespace(
        accuracy=accuracy, cost=cost, best_cost=best_cost, best_epoch=best_epoch.astype(int)
    )


def same_answer_note(predictions):
    """A note when the network gives every image the same class, else None.

    That is what a network of dead ReLU units does (every hidden unit outputs 0 for every
    image, so the output is a constant): a layer of one unit, a very deep narrow network
    or too large a learning rate can switch them all off.

    Parameters
    ----------
    predictions : ndarray of shape (1, m)
        0/1 predictions on the training images.
    """
    if np.all(predictions == predictions.flat[0]):
        return (
            "The network gives every training image the same class: its ReLU units have "
            "probably all switched off. Try more units per layer, fewer layers or a smaller "
            "learning rate."
        )
    return None


def square_image_shape(n_features):
    """The shape of a square image with ``n_features`` values: (s, s) grey or (s, s, 3) RGB.

    A whole square s * s is read as grey; otherwise 3 * s * s as RGB (no number is both,
    since the square root of 3 is irrational). 64 -> (8, 8); 12288 -> (64, 64, 3).

    Raises
    ------
    ValueError
        If ``n_features`` is neither s * s nor 3 * s * s.
    """
    side = math.isqrt(n_features)
    if side * side == n_features:
        return (side, side)
    side = math.isqrt(n_features // 3)
    if 3 * side * side == n_features:
        return (side, side, 3)
    raise ValueError(
        f"cannot draw images of {n_features} values: expected a square grey image (s * s "
        "values) or a square RGB image (3 * s * s values)"
    )


def grid_order(labels, predictions, n):
    """The indices of up to ``n`` images to show: the misclassified ones first, then the others.

    Parameters
    ----------
    labels, predictions : ndarray of shape (m,)

    Returns
    -------
    ndarray of int, shape (min(n, m),)
        Each group in its original order.
    """
    wrong = labels != predictions
    return np.concatenate([np.flatnonzero(wrong), np.flatnonzero(~wrong)])[:n]
