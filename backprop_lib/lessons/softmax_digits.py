r"""Notebook 08, computed: a softmax network on all ten handwritten digits.

The network is notebook 04's: :func:`backprop_lib.lessons.deep_mlp.train_deep_mlp` builds a
softmax output of k units under the categorical cross-entropy when the targets Y are one-hot
columns of shape (k, m), and :func:`~backprop_lib.lessons.deep_mlp.validation_scores` scores
it on validation splits. This module holds what notebook 08 trains with (:data:`DEFAULTS`,
mini-batches of :data:`BATCH_SIZE`, costs recorded :data:`CURVE_POINTS` times) and what it
adds: :func:`confusion_matrix` and :func:`most_confident_mistakes` say which digits the
network mixes up, and how sure it was when it was wrong; :func:`paired_difference` compares
two candidates split by split.
"""

from types import SimpleNamespace

import numpy as np

from ..validation import check_whole

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
"""How many times a training run records its costs (``curve_points`` of
:func:`~backprop_lib.lessons.deep_mlp.train_deep_mlp`), at evenly spread epochs ending with the
last: enough for a smooth curve. Each record is a forward pass over every training and
validation image (large enough for the BLAS to use several threads); recorded after each of
100 epochs, they took 12 to 21 times as long as the training itself on a busy two-core machine."""

HIDDEN_LAYERS_MAX, UNITS_MAX, EPOCHS_MAX = 2, 64, 500
"""The ends of the explorer's sliders: 2 layers of 64 units for 500 epochs took about 7 s on
a two-core machine shared with other work (100 epochs of the defaults, under 1 s)."""


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
