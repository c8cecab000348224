"""Notebook 06, computed: the playground's training run.

A :class:`Playground` builds the data split and the network from a
:class:`~backprop_lib.lessons.playground_settings.Settings` and trains it a few epochs at a
time, keeping the history that the views draw: the train and test cost and the size of each
layer's weight gradient :math:`\\lVert \\partial J / \\partial W^l \\rVert` after every
epoch. Nothing here draws (``playground_views`` and ``playground_explorer`` do).
"""

import copy

import numpy as np

from ..data import make_toy_dataset
from ..losses import one_hot
from ..network import MLP, TrainingDiverged
from ..optimizers import SGD, Adam
from .playground_settings import DRAWN_START, N_SAMPLES, Settings, input_features, n_classes

MAX_RECORDS = 2000
"""Epochs whose history a run keeps at most. When it is full, every other record goes (the
untrained one and the latest stay), so an hour of play holds the same few hundred kB as 2,000
epochs: more points than a curve a few hundred pixels wide can show."""

DIVERGED_COST_RATIO = 10.0
"""The playground's divergence limit (MLP.fit's ``max_cost``): a training cost this many times
the untrained network's means confident wrong answers, which a suitable step never gives; the
cross-entropy, computed from the logits, turns non-finite late or never."""

STRUCTURE = (
    "dataset",
    "noise",
    "train_fraction",
    "seed",
    "features",
    "points",
    "hidden_layers",
    "units",
    "activation",
)
"""Settings that change the data or the network: changing one starts a new run. The others
(learning rate, optimizer, l2_lambda, l1_lambda, batch size) apply from the next epoch on."""

OPTIMIZER_SETTINGS = ("optimizer", "momentum", "beta1", "beta2")
"""Settings that make a new optimizer (its state from zero) when they change; a new learning
rate goes to the optimizer in place, keeping its state."""


def make_optimizer(settings):
    """The optimizer of ``settings``: SGD (momentum 0 for "sgd") or Adam."""
    if settings.optimizer == "adam":
        return Adam(settings.learning_rate, beta1=settings.beta1, beta2=settings.beta2)
    momentum = settings.momentum if settings.optimizer == "momentum" else 0.0
    return SGD(settings.learning_rate, momentum=momentum)


def playground_data(settings):
    """The points of ``settings``'s data set and their labels, shuffled: a toy data set of
    :data:`N_SAMPLES` points, or for "drawn" :data:`DRAWN_START` and ``settings.points`` in
    an order drawn from the seed.

    Returns
    -------
    X : ndarray of shape (2, N)
    Y : ndarray of shape (1, N)
    """
    s = settings
    rng = np.random.default_rng(s.seed)
    if s.dataset == "spirals-3":
        return three_spirals(N_SAMPLES, s.noise, rng)
    if s.dataset != "drawn":
        return make_toy_dataset(s.dataset, N_SAMPLES, s.noise, s.seed)
    points = np.array([*DRAWN_START, *s.points], dtype=float).T  # rows x1, x2, class
    order = rng.permutation(points.shape[1])
    return points[:2, order], points[2:, order]


SPIRAL_TURNS = 1.25
"""How far each arm of :func:`three_spirals` winds: a turn and a quarter, from the centre out."""


def three_spirals(n, noise, rng):
    """``n`` points on three spiral arms, a class each (0, 1, 2), shuffled.

    Arm k starts at the centre at angle 2 pi k / 3 and winds :data:`SPIRAL_TURNS` turns out to
    radius 1, its points evenly spaced along the radius; ``noise`` is the standard deviation of
    a gaussian added to each coordinate.

    Returns
    -------
    X : ndarray of shape (2, n)
    Y : ndarray of shape (1, n)
        The class of each point, 0.0, 1.0 or 2.0.
    """
    labels = np.arange(n) % 3
    radius = np.empty(n)
    for k in range(3):
        radius[labels == k] = np.linspace(0.05, 1.0, np.count_nonzero(labels == k))
    angle = 2 * np.pi * (labels / 3 + SPIRAL_TURNS * radius)
    X = radius * np.vstack([np.cos(angle), np.sin(angle)]) + noise * rng.standard_normal((2, n))
    order = rng.permutation(n)
    return X[:, order], labels[None, order].astype(float)


def targets(labels, classes):
    """What the network is trained on: the 0/1 labels (1, m) themselves for two classes (one
    sigmoid unit), else their one-hot columns (classes, m) for the softmax."""
    return labels if classes == 2 else one_hot(labels, classes)


def split_data(X, Y, train_fraction):
    """The first ``m = round(train_fraction N)`` columns for training, the rest for testing.

    The toy data sets come shuffled, so the first columns are a random sample. Both parts
    keep at least one example.

    Parameters
    ----------
    X : ndarray of shape (2, N), N >= 2
    Y : ndarray of shape (1, N)
    train_fraction : float in (0, 1)

    Returns
    -------
    X_train, Y_train, X_test, Y_test : ndarray of shape (2, m), (1, m), (2, N - m), (1, N - m)
    """
    N = X.shape[1]
    m = min(max(round(train_fraction * N), 1), N - 1)
    return X[:, :m], Y[:, :m], X[:, m:], Y[:, m:]


class Playground:
    """One run: the data split, the network and what happened to it epoch by epoch.

    Parameters
    ----------
    settings : Settings, optional
        Default ``Settings()``.

    Attributes
    ----------
    settings : Settings
    X_train, X_test : ndarray
        (2, m), (2, N - m): m training and N - m test points of the N of the data set.
    labels_train, labels_test : ndarray
        (1, m), (1, N - m): their classes, 0, 1 (or 2).
    classes : int
        How many classes the data set has.
    Y_train, Y_test : ndarray
        The targets the network learns (:func:`targets`): the labels for two classes, their
        one-hot columns for more.
    F_train, F_test : ndarray
        (k, m), (k, N - m): the points' k input features (``settings.features``), what the
        network sees.
    model : MLP
        Layer sizes [k, units, ..., units, 1], sigmoid output, cross-entropy; for more
        classes, a softmax of one unit a class under the categorical cross-entropy.
    optimizer : backprop_lib.optimizers.Optimizer
        What each step uses (:func:`make_optimizer`), its state kept from epoch to epoch.
    epoch : int
        Epochs trained so far.
    epochs : list of int
        The epochs at which the history was recorded: 0 (untrained), 1, 2, ..., and after
        :data:`MAX_RECORDS` records every other one of those, then every epoch again.
    train_costs, test_costs : list of float
        The cross-entropy on each set, without the L2 term, after each epoch.
    gradient_norms : list of ndarray of shape (L,)
        The Frobenius norm of dJ/dW^l on the training set (J with its L2 term), l = 1..L,
        after each epoch.
    """

    def __init__(self, settings=None):
        if settings is not None and not isinstance(settings, Settings):
            raise ValueError(
                "settings must be a playground_settings.Settings (or None); "
                f"got {type(settings).__name__}"
            )
        s = Settings() if settings is None else settings
        X, Y = playground_data(s)
        self.X_train, self.labels_train, self.X_test, self.labels_test = split_data(
            X, Y, s.train_fraction
        )
        self.classes = n_classes(s.dataset)
        self.Y_train = targets(self.labels_train, self.classes)
        self.Y_test = targets(self.labels_test, self.classes)
        self.F_train = input_features(self.X_train, s.features)
        self.F_test = input_features(self.X_test, s.features)
        softmax = self.classes > 2  # else one sigmoid unit: the probability of class 1
        self.model = MLP(
            [len(s.features), *[s.units] * s.hidden_layers, self.classes if softmax else 1],
            hidden_activation=s.activation,
            output_activation="softmax" if softmax else "sigmoid",
            loss="categorical_cross_entropy" if softmax else "cross_entropy",
            seed=s.seed,
        )
        self._configure(s)
        self.epoch = 0
        self.epochs, self.train_costs, self.test_costs, self.gradient_norms = [], [], [], []
        self._record(self.model.data_cost(self.F_train, self.Y_train))

    def _configure(self, settings, previous=None):
        """The one road from the controls to the update: the lambdas into the model's cost J,
        the learning rate and the optimizer's settings into the optimizer, all for the next
        step."""
        self.settings = settings
        self.model.l2_lambda, self.model.l1_lambda = settings.l2_lambda, settings.l1_lambda
        if previous is None or any(
            getattr(settings, name) != getattr(previous, name) for name in OPTIMIZER_SETTINGS
        ):
            self.optimizer = make_optimizer(settings)
        else:
            self.optimizer.learning_rate = settings.learning_rate

    def _record(self, train_cost):
        if len(self.epochs) >= MAX_RECORDS:
            for history in (self.epochs, self.train_costs, self.test_costs, self.gradient_norms):
                history[:] = history[::2]  # keeps the first record: the untrained cost
        self.epochs.append(self.epoch)
        self.train_costs.append(train_cost)
        self.test_costs.append(self.model.data_cost(self.F_test, self.Y_test))
        self.gradient_norms.append(self.model.gradient_norms(self.F_train, self.Y_train))

    def update(self, settings):
        """Take new settings: a new run if the data or the network changed, else go on.

        Returns
        -------
        Playground
            ``self`` (with the new training settings), or a new run.
        """
        if any(getattr(settings, name) != getattr(self.settings, name) for name in STRUCTURE):
            return Playground(settings)
        self._configure(settings, previous=self.settings)
        return self

    def reset(self):
        """A new run from the same settings (same seed, so the same start)."""
        return Playground(self.settings)

    def run(self, epochs=1):
        """Train ``epochs`` more epochs with :meth:`MLP.fit`, recording the history after each.

        Parameters
        ----------
        epochs : int >= 0

        Raises
        ------
        TrainingDiverged
            By MLP.fit's rule, judging the training cost recorded after each epoch with
            ``max_cost`` :data:`DIVERGED_COST_RATIO` times the untrained cost. The network and
            the optimizer go back to the epoch before, so the run can go on more slowly.
        """
        batch_size = min(self.settings.batch_size, self.X_train.shape[1])
        max_cost = DIVERGED_COST_RATIO * self.train_costs[0]
        for _ in range(epochs):
            kept = self.model.weights, self.model.biases, copy.deepcopy(self.optimizer)
            try:
                self.model.fit(
                    self.F_train,
                    self.Y_train,
                    None,
                    1,
                    batch_size,
                    callback=self._train_cost,
                    optimizer=self.optimizer,
                    max_cost=max_cost,
                )
            except TrainingDiverged as diverged:
                self.model.weights, self.model.biases, self.optimizer = kept
                rate = diverged.learning_rate
                raise TrainingDiverged(
                    self.epoch + 1,
                    rate,
                    self.train_costs,
                    advice=f"Each step overshoots. Lower the learning rate (try {rate / 10:g}) "
                    f"to go on from epoch {self.epoch}, or reset.",
                ) from None
            self.epoch += 1
            self._record(self._latest_train_cost)

    def _train_cost(self, epoch, cost):
        """fit's callback: the training cost after the epoch, for fit to judge."""
        self._latest_train_cost = self.model.data_cost(self.F_train, self.Y_train)
        return self._latest_train_cost

    def predict_proba(self, points):
        """The network's probability of class 1 at ``points`` (2, k), through the features:
        (1, k); with more classes, each class's probability (classes, k)."""
        return self.activations(points)[-1]

    def activations(self, points):
        """Every layer's output at ``points`` (2, k), through the features: [a^0, ..., a^L],
        a^l of shape (n_l, k) (a^0 the features)."""
        return self.model.forward(input_features(points, self.settings.features))[1]

    def accuracies(self):
        """Fraction of train and of test examples classified correctly, now."""
        return (
            self.model.accuracy(self.F_train, self.Y_train),
            self.model.accuracy(self.F_test, self.Y_test),
        )
