"""Notebook 06, computed: the playground's settings, a training run, and presets.

A :class:`Settings` holds every choice a student can make (data set, network, training);
a :class:`Playground` builds the data split and the network from it and trains it a few
epochs at a time, keeping the history that the views draw: the train and test cost and
the size of each layer's weight gradient :math:`\\lVert \\partial J / \\partial W^l \\rVert`
after every epoch (thinned to at most :data:`MAX_RECORDS` epochs, so that the memory of a long
play stays flat). Nothing here draws or knows about widgets
(:mod:`backprop_lib.lessons.playground_views` and
:mod:`backprop_lib.lessons.playground_explorer` do).

Presets are small JSON files of settings, so a teacher can prepare a lecture's starting
point; :data:`PRESETS` holds a few named ones.
"""

import dataclasses
import json
from pathlib import Path

import numpy as np

from ..activations import ACTIVATIONS
from ..data import TOY_DATASETS, make_toy_dataset
from ..network import MLP, TrainingDiverged
from ..validation import check_real, check_whole

N_SAMPLES = 200
"""Points per data set, N, split into m for training and N - m for testing: enough to see
a boundary's shape, few enough that an epoch of the largest network takes milliseconds
(measured: 0.5 ms in one batch, 2 ms in batches of 10, 8 ms one example at a time)."""

DATASETS = tuple(TOY_DATASETS)
"""The data sets offered: "xor", "circles", "moons", "spirals", "blobs" (gaussian blobs)."""

L2_CHOICES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
"""The regularisation strengths offered: lambda matters by its order of magnitude."""

RANGES = {
    "noise": (0.0, 0.5),
    "train_fraction": (0.1, 0.9),
    "hidden_layers": (0, 6),
    "units": (1, 8),
    "learning_rate": (1e-4, 10.0),
    "batch_size": (1, N_SAMPLES),
    "seed": (0, 9999),
}
"""Smallest and largest value of each numeric setting (both allowed)."""

MAX_RECORDS = 2000
"""Epochs whose history a run keeps at most. When the history is full, every other record
goes (the untrained one and the latest stay), so a run that plays for an hour (a few hundred
thousand epochs) holds the same few hundred kB as one of 2,000 epochs; 1,000 to 2,000 points
are more than a curve a few hundred pixels wide can show."""

DIVERGED_COST_RATIO = 10.0
"""A training cost this many times the untrained network's counts as divergence: a
cross-entropy this large means confident wrong answers, which gradient descent with a
suitable step never produces (the clipped cross-entropy never becomes infinite, so a
non-finite cost alone would miss most runaway learning rates)."""

STRUCTURE = ("dataset", "noise", "train_fraction", "seed", "hidden_layers", "units", "activation")
"""Settings that change the data or the network: changing one starts a new run. The others
(learning rate, l2_lambda, batch size) apply from the next epoch on."""


@dataclasses.dataclass(frozen=True)
class Settings:
    """Every choice the playground offers, checked when made.

    Parameters
    ----------
    dataset : str
        A name in :data:`backprop_lib.data.TOY_DATASETS`.
    noise : float
        Standard deviation of the noise added to the points.
    train_fraction : float
        Share of the N = :data:`N_SAMPLES` points used for training (the m of the cost J);
        the other N - m are the test set.
    hidden_layers : int
        0 gives logistic regression (``MLP([2, 1])``).
    units : int
        Units in each hidden layer.
    activation : str
        Hidden activation, a name in :data:`backprop_lib.ACTIVATIONS`.
    learning_rate : float
    l2_lambda : float
        The regularisation strength lambda, one of :data:`L2_CHOICES`.
    batch_size : int
        Examples per gradient step, b; a batch larger than the training set is the whole set.
        Each step follows the batch's estimate of dJ/dW^l: the data term averaged over the
        batch, the L2 term (lambda / m) W^l with the m of the training set.
    seed : int
        Seeds the data, the split, the initial weights and the batch order.

    Raises
    ------
    ValueError
        If a value is of the wrong kind or outside :data:`RANGES`.
    """

    dataset: str = "circles"
    noise: float = 0.1
    train_fraction: float = 0.5
    hidden_layers: int = 2
    units: int = 4
    activation: str = "tanh"
    learning_rate: float = 0.1
    l2_lambda: float = 0.0
    batch_size: int = 10
    seed: int = 0

    def __post_init__(self):
        _check_choice("dataset", self.dataset, DATASETS)
        _check_choice("activation", self.activation, tuple(ACTIVATIONS))
        _check_choice("l2_lambda", self.l2_lambda, L2_CHOICES)
        for name, (low, high) in RANGES.items():
            check = check_whole if isinstance(low, int) else check_real
            check(name, getattr(self, name), low, high)

    def replace(self, **changes):
        """A copy with some settings changed (checked like the original)."""
        return dataclasses.replace(self, **changes)

    def as_dict(self):
        """The settings as a plain dict, by field name."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values):
        """Settings from a dict of some fields (the rest keep their defaults).

        Raises
        ------
        ValueError
            For an unknown name or an invalid value.
        """
        if not isinstance(values, dict):
            raise ValueError(f"settings must be a JSON object of names and values; got {values!r}")
        names = [field.name for field in dataclasses.fields(cls)]
        unknown = sorted(set(values) - set(names))
        if unknown:
            raise ValueError(f"unknown setting {unknown[0]!r}; valid names are {', '.join(names)}")
        return cls(**values)


def _check_choice(name, value, choices):
    if isinstance(value, bool) or value not in choices:
        listed = ", ".join(
            f"{choice:g}" if isinstance(choice, float) else choice for choice in choices
        )
        raise ValueError(f"{name} must be one of {listed}; got {value!r}")


PRESETS = {
    "default": Settings(),
    "xor-needs-hidden-layer": Settings(dataset="xor", hidden_layers=0, learning_rate=0.3),
    "spiral-deep": Settings(
        dataset="spirals",
        noise=0.05,
        hidden_layers=4,
        units=8,
        activation="relu",
        learning_rate=0.05,
    ),
    "overfitting": Settings(
        dataset="xor",
        noise=0.3,
        train_fraction=0.1,
        hidden_layers=3,
        units=8,
        activation="relu",
        batch_size=5,
        seed=2,  # a draw whose ReLU network fits all 20 points (seed 0's gets stuck at 85 %)
    ),
    "divergent-learning-rate": Settings(dataset="xor", learning_rate=10.0),
}
"""Named starting points for a lecture: the default run; logistic regression failing on XOR
(add a hidden layer to fix it); a deep network that learns the spirals in about a thousand
epochs; a network that fits 20 noisy training points and not the test set, whose test cost
turns up (L2 helps); a learning rate that makes training blow up within a few epochs."""


def save_preset(path, settings):
    """Write ``settings`` to ``path`` as a small JSON file.

    Parameters
    ----------
    path : str or pathlib.Path
    settings : Settings
    """
    Path(path).write_text(json.dumps(settings.as_dict(), indent=2) + "\n", encoding="utf-8")


def load_preset(path):
    """Read settings from a JSON file written by :func:`save_preset` (or by hand).

    Settings missing from the file keep their defaults.

    Parameters
    ----------
    path : str or pathlib.Path

    Returns
    -------
    Settings

    Raises
    ------
    ValueError
        If the file is not JSON, names an unknown setting or holds an invalid value; the
        message names the file.
    """
    try:
        values = json.loads(Path(path).read_text(encoding="utf-8"))
        return Settings.from_dict(values)
    except (ValueError, TypeError) as error:  # json.JSONDecodeError is a ValueError
        raise ValueError(f"{path}: not a valid playground preset: {error}") from error


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
    X_train, Y_train, X_test, Y_test : ndarray
        (2, m), (1, m), (2, N - m), (1, N - m): m training and N - m test points of the
        N = :data:`N_SAMPLES`, 0/1 labels.
    model : MLP
        Layer sizes [2, units, ..., units, 1], sigmoid output, cross-entropy.
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
                f"settings must be a playground.Settings (or None); got {type(settings).__name__}"
            )
        self.settings = Settings() if settings is None else settings
        s = self.settings
        X, Y = make_toy_dataset(s.dataset, N_SAMPLES, s.noise, s.seed)
        self.X_train, self.Y_train, self.X_test, self.Y_test = split_data(X, Y, s.train_fraction)
        self.model = MLP(
            [2, *[s.units] * s.hidden_layers, 1],
            hidden_activation=s.activation,
            output_activation="sigmoid",
            loss="cross_entropy",
            l2_lambda=s.l2_lambda,
            seed=s.seed,
        )
        self.epoch = 0
        self.epochs, self.train_costs, self.test_costs, self.gradient_norms = [], [], [], []
        self._record()

    def _histories(self):
        return (self.epochs, self.train_costs, self.test_costs, self.gradient_norms)

    def _record(self):
        if len(self.epochs) >= MAX_RECORDS:
            for history in self._histories():
                history[:] = history[::2]  # keeps the first record: the untrained cost
        self.epochs.append(self.epoch)
        self.train_costs.append(self.model.data_cost(self.X_train, self.Y_train))
        self.test_costs.append(self.model.data_cost(self.X_test, self.Y_test))
        self.gradient_norms.append(self.model.gradient_norms(self.X_train, self.Y_train))

    def update(self, settings):
        """Take new settings: a new run if the data or the network changed, else go on.

        Returns
        -------
        Playground
            ``self`` (with the new learning rate, lambda and batch size), or a new run.
        """
        if any(getattr(settings, name) != getattr(self.settings, name) for name in STRUCTURE):
            return Playground(settings)
        self.settings = settings
        self.model.l2_lambda = settings.l2_lambda
        return self

    def reset(self):
        """A new run from the same settings (same seed, so the same start)."""
        return Playground(self.settings)

    def run(self, epochs=1):
        """Train ``epochs`` more epochs, recording the history after each.

        Parameters
        ----------
        epochs : int >= 0

        Raises
        ------
        TrainingDiverged
            If an epoch makes the cost non-finite or :data:`DIVERGED_COST_RATIO` times the
            untrained cost; the network is put back to the epoch before, so it can go on
            with a smaller learning rate.
        """
        rate = self.settings.learning_rate
        for _ in range(epochs):
            weights = [W.copy() for W in self.model.weights]
            biases = [b.copy() for b in self.model.biases]
            if not self._train_one_epoch():
                self.model.weights, self.model.biases = weights, biases
                raise TrainingDiverged(
                    self.epoch + 1,
                    rate,
                    self.train_costs,
                    advice=f"Each step overshoots. Lower the learning rate (try {rate / 10:g}) "
                    f"to go on from epoch {self.epoch}, or reset.",
                )

    def _train_one_epoch(self):
        """One epoch of MLP.fit and its record; False (and nothing recorded) if it blew up."""
        s = self.settings
        batch_size = min(s.batch_size, self.X_train.shape[1])
        # A blown-up network overflows on the way; that is checked for just below.
        with np.errstate(over="ignore", invalid="ignore"):
            try:
                self.model.fit(self.X_train, self.Y_train, s.learning_rate, 1, batch_size)
            except TrainingDiverged:
                return False
            self.epoch += 1
            self._record()
        latest = [self.train_costs[-1], self.test_costs[-1], *self.gradient_norms[-1]]
        if np.all(np.isfinite(latest)) and (
            self.train_costs[-1] <= DIVERGED_COST_RATIO * self.train_costs[0]
        ):
            return True
        for history in self._histories():
            history.pop()
        self.epoch -= 1
        return False

    def accuracies(self):
        """Fraction of train and of test examples classified correctly, now."""
        return (
            self.model.accuracy(self.X_train, self.Y_train),
            self.model.accuracy(self.X_test, self.Y_test),
        )
