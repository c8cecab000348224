r"""Notebook 10, computed: what batch normalisation and dropout do to a network's training.

:func:`build_network` makes an :class:`~backprop_lib.MLP` with the options of notebook 10, and
:func:`record_training` trains it, recording after evenly spread epochs the cost of the
training and the validation images in prediction mode (the running statistics, no dropout)
and each layer's weight-gradient size :math:`\lVert \partial J/\partial W^l \rVert_F` in
training mode (:meth:`~backprop_lib.MLP.gradient_norms`), from epoch 0, before any step.
:func:`rescue_runs` trains notebook 05's deep sigmoid network with and without batch
normalisation; :func:`digits_search` scores a deep sigmoid network on the digits, with and
without, at several learning rates on validation splits, :func:`chosen_rate` picks each one's
best and :func:`digits_final` trains it on the whole training file for the test set's one use;
:func:`dropout_runs` trains one network with several keep probabilities;
:func:`cost_noise` and :func:`generalisation_gap` measure what dropout changes.

The notebook and the explorer train on the ten digits (``data/digits10_*.h5``, notebook
08's softmax output), not on the 1s and 8s: a split of those leaves 75 validation images, on
which one image moves the accuracy by 1.3 points, too few to measure a change in the gap
between the training and the validation cost; the ten digits leave 377, ten classes to
confuse, and a gap that dropout narrowed on each of the 3 splits and 2 seeds tried.
"""

import math
from types import SimpleNamespace

import numpy as np

from ..validation import NonFiniteError, check_real
from .deep_mlp import build_mlp, recorded_epochs, validation_scores
from .gradient_checking import HIDDEN_LAYERS_MAX

DEEP_SIGMOID = {"hidden_layers": HIDDEN_LAYERS_MAX, "units": 8, "activation": "sigmoid"}
"""Notebook 05's deep network, whose gradients vanish: 10 hidden layers of 8 sigmoid units.
There, on 200 moons of seed 0, layer 1's weight gradient is 9e-8 and layer 11's 0.3."""

RESCUE_TRAINING = {"learning_rate": 0.3, "epochs": 300, "batch_size": None}
"""How :func:`rescue_runs` trains: full-batch gradient descent, so that neither curve is noisy
and every difference comes from the normalisation. On the 200 moons (seed 0), 300 epochs at
learning rate 0.3 take the normalised network from a cost of 0.78 to about 0.02, while the
plain one sits at log 2 = 0.693 (it predicts 0.5 for every point) at 0.1, 0.3 and 1 alike;
both runs together take about 0.5 s."""

RESCUE_CURVE_POINTS = 30
"""How many times :func:`rescue_runs` records the costs and gradient sizes: a smooth curve."""

DIGITS_DEEP = {"hidden_layers": 6, "units": 16, "hidden_activation": "sigmoid"}
"""A deep sigmoid network for the ten digits: 6 hidden layers of 16 units (fewer than
:data:`DEEP_SIGMOID`'s 10 layers, for time, still enough for the gradients to vanish: layer 1's
weight gradient starts about 1/2000 of layer 7's on the digits)."""

DIGITS_TRAINING = {"epochs": 20, "batch_size": 128}
"""How :func:`digits_search` and :func:`digits_final` train :data:`DIGITS_DEEP`: 20 epochs of
mini-batches of 128 (7 steps an epoch on 881 images). Without batch normalisation the network
stays at chance at every learning rate of :data:`SEARCH_RATES`; with it it passes 90 % on
validation. The search's 12 runs take about 1 s."""

SEARCH_RATES = (0.3, 1.0, 3.0)
"""The learning rates :func:`digits_search` tries, each three times the last."""

SEARCH_SEEDS = (0, 1)
"""The seeds of :func:`digits_search`: each draws a validation split and the initial weights."""

DROPOUT_SETTINGS = {
    "hidden_layers": 1,
    "units": 128,
    "activation": "relu",
    "learning_rate": 0.3,
    "epochs": 100,
    "batch_size": 32,
}
"""How :func:`dropout_runs` trains: one wide ReLU layer, 128 units on 881 ten-digit images,
which fits the training images almost exactly in 100 epochs of mini-batches of 32
(notebook 08's network, wider, so that it overfits). On the split of seed 0, keep
probability 1 ends at a training cost of 0.004 and a gap to validation of 0.078; 0.5 at
0.024 (as training sees it) and 0.047. Each run takes about 0.4 s."""

KEEP_PROBS = (1.0, 0.5)
"""The keep probabilities :func:`dropout_runs` compares: no dropout, and half the hidden
units dropped at each step (the value of the original dropout paper for hidden layers)."""

DROPOUT_CURVE_POINTS = 25
"""How many times :func:`dropout_runs` records the costs in prediction mode."""


def build_network(
    n_inputs,
    n_outputs,
    hidden_layers,
    units,
    activation="sigmoid",
    batchnorm=False,
    keep_prob=1.0,
    seed=0,
):
    r""":func:`~backprop_lib.lessons.deep_mlp.build_mlp` with notebook 10's options: one output
    unit a sigmoid under the cross-entropy (0/1 labels), k >= 2 a softmax; the initialisation is
    :class:`MLP`'s default, the one that suits ``activation``.

    Parameters
    ----------
    n_inputs, n_outputs : int
    hidden_layers, units : int
        How many hidden layers (>= 0), and units in each (>= 1).
    activation : str
        The hidden layers' activation, a name in :data:`backprop_lib.ACTIVATIONS`.
    batchnorm, keep_prob, seed
        As for :class:`MLP`.

    Returns
    -------
    MLP
    """
    return build_mlp(
        n_inputs,
        n_outputs,
        hidden_layers,
        units,
        seed=seed,
        hidden_activation=activation,
        batchnorm=batchnorm,
        keep_prob=keep_prob,
    )


def _snapshot(model, X, Y, X_val, Y_val):
    """What :func:`record_training` records at one epoch: the costs in prediction mode and
    the weight-gradient sizes in training mode."""
    val_cost = model.data_cost(X_val, Y_val) if X_val is not None else np.nan
    return model.data_cost(X, Y), val_cost, model.gradient_norms(X, Y)


def _recorder(model, data, when):
    """``fit``'s callback, which records a :func:`_snapshot` of ``data`` (X, Y, X_val, Y_val)
    after the epochs ``when`` (but 0), and the list of snapshots, the one of epoch 0 first.

    The callback returns None, or nan for ``fit`` to judge when the weights have blown up."""
    snapshots, wanted = [_snapshot(model, *data)], set(when[1:].tolist())

    def record(epoch, cost):
        if epoch not in wanted:
            return None
        try:
            snapshot = _snapshot(model, *data)
        except NonFiniteError:  # batchnorm or dropout met inf or NaN
            return math.nan
        snapshots.append(snapshot)
        return None if np.isfinite(snapshot[0]) and np.all(np.isfinite(snapshot[2])) else math.nan

    return record, snapshots


def record_training(
    model,
    X,
    Y,
    X_val=None,
    Y_val=None,
    *,
    learning_rate,
    epochs,
    batch_size=None,
    curve_points=None,
):
    r"""Train ``model`` by gradient descent, recording its costs and gradient sizes.

    Recording changes nothing in the training: prediction mode draws no dropout masks and
    updates no running statistics, and :meth:`~backprop_lib.MLP.gradient_norms` uses the
    fixed masks of the model's seed. A cost that blows up, or weights that have blown up by a
    recorded epoch, raise TrainingDiverged.

    Parameters
    ----------
    model : MLP
        A new network (:func:`build_network`); it is trained in place.
    X, Y : ndarray of shape (n_0, m), (n_L, m)
        The training images as columns, and their labels or one-hot classes.
    X_val, Y_val : ndarray of shape (n_0, m_val), (n_L, m_val), optional
        Held-out images to validate on; None for none (``val_costs`` is then nan).
    learning_rate, epochs, batch_size
        As for :meth:`MLP.fit` (``batch_size`` None: full batch).
    curve_points : int, optional
        After which epochs to record (:func:`~backprop_lib.lessons.deep_mlp.recorded_epochs`):
        None, every epoch; n, about n times. Epoch 0, before any step, is always recorded.

    Returns
    -------
    SimpleNamespace
        ``model``; ``costs``, shape (epochs,): each epoch's cost as training sees it
        (training mode, from :meth:`MLP.fit`); ``epochs``, shape (k,): the recorded epochs,
        from 0; ``train_costs`` and ``val_costs``, shape (k,): the data cost of the training
        and the validation images then, in prediction mode; ``norms``, shape (k, L): row j
        is :math:`\lVert \partial J/\partial W^l \rVert_F` for l = 1..L then, in training
        mode on the training images; ``val_accuracy`` at the end (nan without validation).
    """
    when = np.concatenate([[0], recorded_epochs(epochs, curve_points)])
    record, snapshots = _recorder(model, (X, Y, X_val, Y_val), when)
    costs = model.fit(X, Y, learning_rate, epochs, batch_size, record)
    train_costs, val_costs, norms = zip(*snapshots, strict=True)
    return SimpleNamespace(
        model=model,
        costs=costs,
        epochs=when,
        train_costs=np.array(train_costs),
        val_costs=np.array(val_costs),
        norms=np.array(norms),
        val_accuracy=model.accuracy(X_val, Y_val) if X_val is not None else np.nan,
    )


def train_network(X, Y, X_val=None, Y_val=None, *, training, **network):
    """:func:`record_training` of a new :func:`build_network` sized for X and Y.

    Parameters
    ----------
    X, Y, X_val, Y_val
        As for :func:`record_training`.
    training : dict
        Keyword arguments of :func:`record_training`: ``learning_rate``, ``epochs``,
        ``batch_size``, ``curve_points``.
    **network
        Keyword arguments of :func:`build_network` but the sizes of the data.
    """
    model = build_network(np.shape(X)[0], np.shape(Y)[0], **network)
    return record_training(model, X, Y, X_val, Y_val, **training)


def rescue_runs(X, Y, seed=0, **training):
    """Notebook 05's deep sigmoid network (:data:`DEEP_SIGMOID`) without and with batch
    normalisation, from the same seed, trained as :data:`RESCUE_TRAINING` says (``training``
    overrides some of it) and recorded :data:`RESCUE_CURVE_POINTS` times.

    Parameters
    ----------
    X, Y : ndarray of shape (n_0, m), (n_L, m)
        Notebook 05 used ``make_moons(n_samples=200, seed=0)``.
    seed : int

    Returns
    -------
    dict of bool to SimpleNamespace
        ``batchnorm`` -> the :func:`record_training` result; ``norms[0]`` is each layer's
        gradient size at the start.
    """
    settings = {**RESCUE_TRAINING, "curve_points": RESCUE_CURVE_POINTS, **training}
    return {
        batchnorm: train_network(
            X, Y, training=settings, batchnorm=batchnorm, seed=seed, **DEEP_SIGMOID
        )
        for batchnorm in (False, True)
    }


def dropout_runs(X, Y, X_val, Y_val, keep_probs=KEEP_PROBS, seed=0, **settings):
    """One network per keep probability, all from the same seed (the same initial weights
    and mini-batches), trained as :data:`DROPOUT_SETTINGS` says (``settings`` overrides some
    of it) and recorded :data:`DROPOUT_CURVE_POINTS` times.

    Returns
    -------
    dict of float to SimpleNamespace
        ``keep_prob`` -> the :func:`record_training` result.
    """
    chosen = {**DROPOUT_SETTINGS, "curve_points": DROPOUT_CURVE_POINTS, **settings}
    training = {name: chosen.pop(name) for name in ("learning_rate", "epochs", "batch_size")}
    training["curve_points"] = chosen.pop("curve_points")
    return {
        keep_prob: train_network(
            X, Y, X_val, Y_val, training=training, keep_prob=keep_prob, seed=seed, **chosen
        )
        for keep_prob in keep_probs
    }


def digits_search(X, Y, rates=SEARCH_RATES, seeds=SEARCH_SEEDS):
    """:data:`DIGITS_DEEP` without and with batch normalisation at each learning rate, scored
    by :func:`~backprop_lib.lessons.deep_mlp.validation_scores` on the splits of ``seeds``.

    Parameters
    ----------
    X, Y : ndarray of shape (n_0, m), (n_L, m)
        The training file's images and one-hot classes (never the test set).

    Returns
    -------
    dict of (bool, float) to SimpleNamespace
        (batchnorm, learning rate) -> the validation scores, one a seed.
    """
    return {
        (batchnorm, rate): validation_scores(
            X,
            Y,
            {**DIGITS_DEEP, **DIGITS_TRAINING, "batchnorm": batchnorm, "learning_rate": rate},
            seeds,
            curve_points=0,
        )
        for batchnorm in (False, True)
        for rate in rates
    }


def chosen_rate(search, batchnorm):
    """The learning rate of :func:`digits_search`'s ``search`` with the best mean validation
    accuracy for ``batchnorm``; between equal accuracies, the lower mean validation cost."""
    rates = [rate for option, rate in search if option == batchnorm]
    return max(
        rates,
        key=lambda rate: (
            search[batchnorm, rate].accuracy.mean(),
            -search[batchnorm, rate].cost.mean(),
        ),
    )


def digits_final(X, Y, batchnorm, learning_rate, seed=0):
    r""":data:`DIGITS_DEEP` trained as :data:`DIGITS_TRAINING` says on all of X and Y.

    Returns
    -------
    MLP, ndarray of shape (L,)
        The trained network (to be scored once on the test set), and each layer's
        weight-gradient size :math:`\lVert \partial J/\partial W^l \rVert_F` on X before the
        first step.
    """
    model = build_mlp(np.shape(X)[0], np.shape(Y)[0], seed=seed, batchnorm=batchnorm, **DIGITS_DEEP)
    start = model.gradient_norms(X, Y)
    model.fit(X, Y, learning_rate, **DIGITS_TRAINING)
    return model, start


def cost_noise(costs, share=0.5):
    r"""How much the cost jumps from epoch to epoch near the end of training: the standard
    deviation of :math:`J_{e+1} - J_e` over the last ``share`` of the epochs.

    Parameters
    ----------
    costs : ndarray of shape (epochs,), epochs >= 3
    share : float in (0, 1]

    Returns
    -------
    float
    """
    costs = np.asarray(costs, dtype=float)
    if costs.ndim != 1 or costs.size < 3:
        raise ValueError(f"costs must be a 1-D array of at least 3 epochs; got {costs.shape}")
    share = check_real("share", share, low=0.0, high=1.0, positive=True)
    last = max(3, round(share * costs.size))
    return float(np.std(np.diff(costs[-last:])))


def generalisation_gap(run):
    """The validation cost less the training images' cost after the last epoch, both in
    prediction mode: how much better the network does on what it learned from."""
    return float(run.val_costs[-1] - run.train_costs[-1])
