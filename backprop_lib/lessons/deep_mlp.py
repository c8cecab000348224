r"""Notebooks 04 and 08, computed: a deep MLP of ReLU hidden layers trained on images.

:func:`train_deep_mlp` is the computation behind both notebooks' figures and explorers: it
trains :class:`backprop_lib.MLP` with ``hidden_layers`` layers of ``units`` units, one
sigmoid output for two classes (notebook 04) or a softmax of k for k classes (notebook 08),
by full-batch or mini-batch gradient descent, and records the training and validation cost
along the way. :func:`validation_split` and :func:`validation_scores` choose settings on
validation sets, so that the test set is touched once, at the end; :func:`dead_unit_fraction`
counts the ReLU units that training switched off for good.

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


def build_mlp(n_inputs, n_outputs, hidden_layers, units, l2_lambda=0.0, seed=0, **options):
    r"""A new network of ``hidden_layers`` ReLU layers (by default) of ``units`` units.

    The layer sizes are :math:`[n_0, \text{units}, \dots, \text{units}, n_L]`. For
    ``n_outputs`` = 1 the output is one sigmoid unit under the cross-entropy, for 0/1 labels
    (no hidden layer: logistic regression); for ``n_outputs`` = k >= 2 it is a softmax of k
    units under the categorical cross-entropy, for one-hot targets (no hidden layer: softmax
    regression). The initialisation is :class:`MLP`'s default.

    Parameters
    ----------
    n_inputs, n_outputs : int
        n_0, the values per image, and n_L, the output units (1, or the number of classes).
    hidden_layers, units : int
        How many hidden layers (>= 0), and units in each (>= 1).
    l2_lambda, seed
        As for :class:`MLP`; the seed fixes the initial weights and the mini-batches' order.
    **options
        More keyword arguments of :class:`MLP`: ``hidden_activation``, ``batchnorm``,
        ``keep_prob`` (notebook 10).

    Returns
    -------
    MLP
    """
    check_whole("hidden_layers", hidden_layers, 0)
    check_whole("units", units, 1)
    sizes = [n_inputs, *[units] * hidden_layers, n_outputs]
    if n_outputs > 1:
        options |= {"output_activation": "softmax", "loss": "categorical_cross_entropy"}
    return MLP(sizes, l2_lambda=l2_lambda, seed=seed, **options)


def recorded_epochs(epochs, curve_points=None):
    """The epochs (from 1) after which a run records its costs.

    ``curve_points`` None: every epoch; 0: none; n: every ``epochs // n``-th and the last,
    so about n of them (every epoch when there are fewer epochs than n).

    Returns
    -------
    ndarray of int, increasing, ending with ``epochs`` (empty for 0)
    """
    check_whole("epochs", epochs, 1)
    if curve_points is None:
        return np.arange(1, epochs + 1)
    if check_whole("curve_points", curve_points, 0) == 0:
        return np.array([], dtype=int)
    step = max(1, epochs // curve_points)
    return np.unique(np.append(np.arange(step, epochs + 1, step), epochs))


def _recorder(model, when, sets, progress):
    """``fit``'s callback, which records the data cost on each (X, Y) of ``sets`` after the
    epochs ``when`` and calls ``progress(epoch)`` (unless None); and its lists, one a set."""
    wanted, curves = set(when.tolist()), [[] for _ in sets]

    def record(epoch, cost):
        if epoch in wanted:
            for curve, (X, Y) in zip(curves, sets, strict=True):
                curve.append(model.data_cost(X, Y))
        if progress is not None:
            progress(epoch)

    return record, curves


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
    batch_size=None,
    curve_points=None,
    optimizer=None,
    train_curve=True,
    **options,
):
    r"""Train a :func:`build_mlp` on images, recording its costs along the way, and score it.

    Y's rows choose the output: one row of 0/1 labels, a sigmoid; k >= 2 one-hot rows, a
    softmax. Bad settings raise a ValueError; a cost that blows up, TrainingDiverged.

    Parameters
    ----------
    X, Y, X_val, Y_val : ndarray of shape (n_0, m), (n_L, m), (n_0, m_val), (n_L, m_val)
        Training images as columns with their labels, and those held out to validate on.
    hidden_layers, units, learning_rate, epochs, l2_lambda, seed, batch_size, optimizer, progress
        As for :func:`build_mlp` (and its ``**options``) and :meth:`MLP.fit` (``batch_size``
        None: full batch; a fresh ``optimizer``), and ``progress(epoch)``, after each epoch.
    curve_points, train_curve : int or None, bool
        When to record the costs (:func:`recorded_epochs`): None, after every epoch; 0, never;
        n, about n times. Each record is a forward pass over the validation images and, unless
        ``train_curve`` is False (``train_costs`` then stays empty), the training images.

    Returns
    -------
    SimpleNamespace
        ``model``; ``costs`` (J with L2, from fit); ``epochs`` recorded, ``train_costs`` and
        ``val_costs`` after them; ``train_accuracy``, ``val_accuracy``, ``val_cost`` at the end.
    """
    model = build_mlp(
        np.shape(X)[0], np.shape(Y)[0], hidden_layers, units, l2_lambda, seed, **options
    )
    when = recorded_epochs(epochs, curve_points)
    sets = [(X_val, Y_val), (X, Y)] if train_curve else [(X_val, Y_val)]
    record, curves = _recorder(model, when, sets, progress)
    costs = model.fit(X, Y, learning_rate, epochs, batch_size, record, optimizer)
    return SimpleNamespace(
        model=model,
        costs=costs,
        epochs=when,
        train_costs=np.array(curves[1] if train_curve else []),
        val_costs=np.array(curves[0]),
        train_accuracy=model.accuracy(X, Y),
        val_accuracy=model.accuracy(X_val, Y_val),
        val_cost=model.data_cost(X_val, Y_val),
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


def validation_scores(X, Y, settings, seeds, fraction=VALIDATION_FRACTION, **training):
    """Train ``settings`` once per seed, each time on its own split, and score it there.

    Seed s draws both the validation split and the initial weights, so the spread of the
    scores over the seeds shows how much a single split's number can be trusted.

    Parameters
    ----------
    X, Y : ndarray of shape (n_0, m) and (n_L, m)
        The training file's images and labels or one-hot classes (never the test set).
    settings : dict
        The candidate: keyword arguments of :func:`train_deep_mlp` except ``seed``.
    seeds : sequence of int
    fraction : float
    **training
        More keyword arguments of :func:`train_deep_mlp` that every candidate shares, for
        example ``batch_size`` or ``curve_points=0`` (no costs recorded: faster).

    Returns
    -------
    SimpleNamespace
        ``accuracy`` and ``cost`` (validation accuracy and cost after the last epoch),
        ``best_cost`` and ``best_epoch`` (the lowest recorded validation cost and the epoch,
        from 1, where it was reached; None when no costs were recorded): ndarray of shape
        (len(seeds),).
    """
    runs = [
        train_deep_mlp(
            *validation_split(X, Y, fraction, seed),
            **settings,
            **training,
            seed=seed,
            train_curve=False,
        )
        for seed in seeds
    ]
    scores = SimpleNamespace(
        accuracy=np.array([run.val_accuracy for run in runs]),
        cost=np.array([run.val_cost for run in runs]),
        best_cost=None,
        best_epoch=None,
    )
    if all(run.epochs.size for run in runs):
        best = [int(np.argmin(run.val_costs)) for run in runs]
        scores.best_cost = np.array([run.val_costs[i] for run, i in zip(runs, best, strict=True)])
        scores.best_epoch = np.array([run.epochs[i] for run, i in zip(runs, best, strict=True)])
    return scores


def dead_unit_fraction(model, X):
    r"""The share of hidden units whose activation is 0 for every column of ``X``.

    A ReLU unit with :math:`z \le 0` on every image has :math:`g'(z) = 0` on every image, so
    no gradient reaches its weights and it never comes back: it is dead (notebook 04).

    Parameters
    ----------
    model : MLP
    X : ndarray of shape (n_0, m)
        The images to look at, as columns (the training images, to find the dead units).

    Returns
    -------
    float
        Dead units / all hidden units, in [0, 1]; nan for a network without a hidden layer.
    """
    _, As = model.forward(X)
    hidden = As[1:-1]  # A^1, ..., A^{L-1}
    if not hidden:
        return math.nan
    dead = sum(int(np.sum(np.all(A == 0, axis=1))) for A in hidden)
    return dead / sum(A.shape[0] for A in hidden)


def same_answer_note(predictions):
    """A note when the network gives every image the same class, else None.

    That is what a network of dead ReLU units does (every hidden unit outputs 0 for every
    image, so the output is a constant): a layer of one unit, a very deep narrow network
    or too large a learning rate can switch them all off.

    Parameters
    ----------
    predictions : ndarray of shape (1, m)
        Predictions on the training images: 0/1 labels, or class indices.
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
