r"""Notebook 08, computed: a softmax network on all ten handwritten digits.

:func:`train_softmax_mlp` trains :class:`backprop_lib.MLP` with ReLU hidden layers and a
softmax output of k units under the categorical cross-entropy, on one-hot targets Y of shape
(k, m), with mini-batches, and records the training and validation costs along the way.
:func:`validation_scores` scores settings on several validation splits (drawn by
:func:`backprop_lib.lessons.deep_mlp.validation_split`), so that the test set is touched once,
at the end. :func:`confusion_matrix` and :func:`most_confident_mistakes` say which digits the
network mixes up, and how sure it was when it was wrong.
"""

from types import SimpleNamespace

import numpy as np

from ..network import MLP
from ..validation import check_whole
from .deep_mlp import VALIDATION_FRACTION, validation_split

DEFAULTS = {
    "hidden_layers": 1,
    "units": 64,
    "learning_rate": 0.3,
    "epochs": 100,
    "l2_lambda": 0.0,
    "seed": 0,
}
"""The explorer's starting settings, and the baseline that notebook 08 varies one choice at
a time on validation splits: on the ten-class digits one run takes well under a second."""

BATCH_SIZE = 32
"""Examples per gradient step (mini-batches, notebook 06): 28 steps per epoch on the 881
images that a validation split leaves to train on."""

CURVE_POINTS = 25
"""How many times a training run records its costs, at evenly spread epochs ending with the
last: enough for a smooth curve. Each record is a forward pass over every training and
validation image (large enough for the BLAS to use several threads); recorded after each of
100 epochs, they took 12 to 21 times as long as the training itself on a busy two-core machine."""

HIDDEN_LAYERS_MAX, UNITS_MAX, EPOCHS_MAX = 2, 64, 500
"""The ends of the explorer's sliders: 2 layers of 64 units for 500 epochs took about 7 s on
a two-core machine shared with other work (100 epochs of the defaults, under 1 s)."""


def softmax_mlp(n_inputs, k, hidden_layers, units, l2_lambda=0.0, seed=0):
    r"""A new network of ``hidden_layers`` ReLU layers of ``units`` units under a softmax of k.

    The layer sizes are :math:`[n_0, \text{units}, \dots, \text{units}, k]`; no hidden layer
    is softmax (multinomial logistic) regression. The loss is the categorical cross-entropy.

    Parameters
    ----------
    n_inputs, k : int
        n_0, the values per image, and the number of classes.
    hidden_layers, units : int
        How many hidden layers (>= 0), and units in each (>= 1).
    l2_lambda, seed
        As for :class:`MLP`; the seed fixes the initial weights and the mini-batches' order.

    Returns
    -------
    MLP
    """
    check_whole("hidden_layers", hidden_layers, 0)
    check_whole("units", units, 1)
    return MLP(
        [n_inputs, *[units] * hidden_layers, k],
        output_activation="softmax",
        loss="categorical_cross_entropy",
        l2_lambda=l2_lambda,
        seed=seed,
    )


def recorded_epochs(epochs, points=CURVE_POINTS):
    """The epochs (from 1) after which a run records its costs: every ``epochs // points``-th
    and the last, so about ``points`` of them (every epoch when there are fewer).

    Returns
    -------
    ndarray of int, increasing, ending with ``epochs``
    """
    step = max(1, epochs // points)
    return np.unique(np.append(np.arange(step, epochs + 1, step), epochs))


def train_softmax_mlp(
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
    curve_points=CURVE_POINTS,
):
    r"""Train a :func:`softmax_mlp` with mini-batches of :data:`BATCH_SIZE`, and score it.

    Bad settings raise a ValueError; a cost that blows up, :class:`~backprop_lib.TrainingDiverged`.
    ``X, Y, X_val, Y_val`` are (n_0, m), (k, m), (n_0, m_val), (k, m_val): images as columns
    and one-hot classes; the settings are as for :func:`softmax_mlp` and :meth:`MLP.fit`;
    ``progress(epoch)`` is called after each epoch (from 1); the costs are recorded after
    about ``curve_points`` epochs (:func:`recorded_epochs`; 0, never).

    Returns
    -------
    SimpleNamespace
        ``model``; ``costs`` (from :meth:`MLP.fit`); ``epochs`` (those recorded) with
        ``train_costs`` and ``val_costs`` (:meth:`MLP.data_cost` after them);
        ``train_accuracy``, ``val_accuracy`` and ``val_cost`` after the last epoch.
    """
    model = softmax_mlp(X.shape[0], Y.shape[0], hidden_layers, units, l2_lambda, seed)
    check_whole("epochs", epochs, 1)
    check_whole("curve_points", curve_points, 0)
    when = recorded_epochs(epochs, curve_points) if curve_points else np.array([], dtype=int)
    train_costs, val_costs = [], []

    def record(epoch, cost):
        if epoch in when:
            train_costs.append(model.data_cost(X, Y))
            val_costs.append(model.data_cost(X_val, Y_val))
        if progress is not None:
            progress(epoch)

    costs = model.fit(X, Y, learning_rate, epochs, BATCH_SIZE, callback=record)
    return SimpleNamespace(
        model=model,
        costs=costs,
        epochs=when,
        train_costs=np.array(train_costs),
        val_costs=np.array(val_costs),
        train_accuracy=model.accuracy(X, Y),
        val_accuracy=model.accuracy(X_val, Y_val),
        val_cost=model.data_cost(X_val, Y_val),
    )


def validation_scores(X, Y, settings, seeds, fraction=VALIDATION_FRACTION):
    """Train ``settings`` once per seed, each time on its own validation split, and score it.

    Seed s draws both the split (:func:`~backprop_lib.lessons.deep_mlp.validation_split`)
    and the initial weights, so the spread of the scores over the seeds shows how much one
    split's number can be trusted. (Notebook 04's ``deep_mlp.validation_scores`` does the
    same for one sigmoid output.) No costs are recorded during training.

    Parameters
    ----------
    X, Y : ndarray of shape (n_0, m) and (k, m)
        The training file's images and one-hot classes (never the test set).
    settings : dict
        Keyword arguments of :func:`train_softmax_mlp` except ``seed``.
    seeds : sequence of int
    fraction : float

    Returns
    -------
    SimpleNamespace of ndarray, each of shape (len(seeds),)
        ``accuracy`` and ``cost``: the validation accuracy and cost after the last epoch.
    """
    runs = [
        train_softmax_mlp(
            *validation_split(X, Y, fraction, seed), **settings, seed=seed, curve_points=0
        )
        for seed in seeds
    ]
    return SimpleNamespace(
        accuracy=np.array([run.val_accuracy for run in runs]),
        cost=np.array([run.val_cost for run in runs]),
    )


def _class_indices(name, values, k):
    indices = np.ravel(values)
    bad = np.flatnonzero(~np.isin(indices, np.arange(k)))
    if bad.size:
        raise ValueError(
            f"{name} must be class indices from 0 to {k - 1}; got {indices[bad[0]].item()!r} at "
            f"position {bad[0]}"
        )
    return indices.astype(int)


def confusion_matrix(labels, predictions, k):
    """Count how often each class is predicted as each class.

    Parameters
    ----------
    labels, predictions : array-like of shape (m,) or (1, m)
        True and predicted class indices, 0 to k - 1.
    k : int
        The number of classes.

    Returns
    -------
    ndarray of shape (k, k), int
        Entry (i, j) counts the examples of class i predicted as j: the diagonal holds the
        right answers, each row sums to the examples of its class.
    """
    k = check_whole("k", k, 1, meaning="the number of classes")
    labels = _class_indices("labels", labels, k)
    predictions = _class_indices("predictions", predictions, k)
    if labels.shape != predictions.shape:
        raise ValueError(
            f"labels and predictions must have one entry per example each; got {labels.size} "
            f"and {predictions.size}"
        )
    return np.bincount(k * labels + predictions, minlength=k * k).reshape(k, k)


def most_confident_mistakes(probabilities, labels, n):
    """The wrong answers the network was surest of, surest first.

    Parameters
    ----------
    probabilities : ndarray of shape (k, m)
        The softmax outputs a^L, one column per example.
    labels : array-like of shape (m,) or (1, m)
        True class indices.
    n : int
        At most how many to return.

    Returns
    -------
    SimpleNamespace
        ``index`` (the examples' columns, ndarray of int, shape (min(n, mistakes),)),
        ``predicted`` (the classes they were given) and ``confidence`` (the probability of
        that class), in the same order; ties keep the examples' order.
    """
    check_whole("n", n, 0)
    k = probabilities.shape[0]
    labels = _class_indices("labels", labels, k)
    predicted = np.argmax(probabilities, axis=0)
    confidence = probabilities[predicted, np.arange(predicted.size)]
    wrong = np.flatnonzero(predicted != labels)
    index = wrong[np.argsort(-confidence[wrong], kind="stable")][:n]
    return SimpleNamespace(index=index, predicted=predicted[index], confidence=confidence[index])


def top_confusions(matrix, n):
    """The ``n`` largest counts off the diagonal of a confusion matrix, largest first.

    Parameters
    ----------
    matrix : ndarray of shape (k, k)
        As :func:`confusion_matrix` returns it.
    n : int

    Returns
    -------
    list of (int, int, int)
        (true class, predicted class, count), only counts above 0; equal counts in the order
        of the matrix's rows.
    """
    check_whole("n", n, 0)
    mistakes = np.array(matrix) - np.diag(np.diag(matrix))
    order = np.argsort(-mistakes, axis=None, kind="stable")[:n]
    cells = zip(*np.unravel_index(order, mistakes.shape), strict=True)
    return [(int(i), int(j), int(mistakes[i, j])) for i, j in cells if mistakes[i, j] > 0]


def paired_difference(first, second):
    """Compare two candidates' scores split by split (they were validated on the same splits).

    Parameters
    ----------
    first, second : ndarray of shape (n_splits,)
        For example ``validation_scores(...).cost`` of two candidates, seeds in the same order.

    Returns
    -------
    SimpleNamespace
        ``mean`` and ``std`` (standard deviation, ddof 1) of ``first - second``; ``higher``,
        ``lower`` and ``equal``: on how many splits ``first`` was above, below or equal.
    """
    first, second = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    if first.shape != second.shape or first.ndim != 1 or first.size < 2:
        raise ValueError(
            "expected two 1-D arrays of the same length >= 2, one score per split; got shapes "
            f"{first.shape} and {second.shape}"
        )
    diff = first - second
    return SimpleNamespace(
        mean=float(diff.mean()),
        std=float(diff.std(ddof=1)),
        higher=int(np.sum(diff > 0)),
        lower=int(np.sum(diff < 0)),
        equal=int(np.sum(diff == 0)),
    )
