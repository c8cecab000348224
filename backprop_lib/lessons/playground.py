"""Notebook 06, computed: the playground's settings, a training run, and presets.

A :class:`Settings` holds every choice a student can make (data set, network, training);
a :class:`Playground` builds the data split and the network from it and trains it a few
epochs at a time, keeping the history that the views draw: the train and test cost and
the size of each layer's weight gradient :math:`\\lVert \\partial J / \\partial W^l \\rVert`
after every epoch. Nothing here draws (``playground_views`` and ``playground_explorer`` do).
Presets are small JSON files of settings, so a teacher can prepare a lecture's starting
point; :data:`PRESETS` holds a few named ones.
"""

import copy
import dataclasses
import json
from pathlib import Path

from ..activations import ACTIVATIONS
from ..data import TOY_DATASETS, make_toy_dataset
from ..network import MLP, TrainingDiverged
from ..optimizers import SGD, Adam
from ..validation import check_real, check_whole

N_SAMPLES = 200
"""Points per data set, N, split into m for training and N - m for testing: enough to see
a boundary's shape, few enough that an epoch of the largest network takes milliseconds."""

DATASETS = tuple(TOY_DATASETS)
"""The data sets offered: "xor", "circles", "moons", "spirals", "blobs" (gaussian blobs)."""

L2_CHOICES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
"""The regularisation strengths offered: lambda matters by its order of magnitude."""

OPTIMIZERS = ("sgd", "momentum", "adam")
"""The optimizers offered (:mod:`backprop_lib.optimizers`): plain gradient descent, SGD with
momentum, Adam."""

BETA2_CHOICES = (0.9, 0.99, 0.999, 0.9999)
"""Adam's beta2 offered: it matters by how close to 1 it is (the average of g^2 spans about
1 / (1 - beta2) steps)."""

RANGES = {
    "noise": (0.0, 0.5),
    "train_fraction": (0.1, 0.9),
    "hidden_layers": (0, 6),
    "units": (1, 8),
    "learning_rate": (1e-4, 10.0),
    "momentum": (0.0, 0.99),
    "beta1": (0.0, 0.99),
    "batch_size": (1, N_SAMPLES),
    "seed": (0, 9999),
}
"""Smallest and largest value of each numeric setting (both allowed)."""

MAX_RECORDS = 2000
"""Epochs whose history a run keeps at most. When it is full, every other record goes (the
untrained one and the latest stay), so an hour of play holds the same few hundred kB as 2,000
epochs: more points than a curve a few hundred pixels wide can show."""

DIVERGED_COST_RATIO = 10.0
"""The playground's divergence limit (MLP.fit's ``max_cost``): a training cost this many times
the untrained network's means confident wrong answers, which a suitable step never gives; the
cross-entropy, computed from the logits, turns non-finite late or never."""

STRUCTURE = ("dataset", "noise", "train_fraction", "seed", "hidden_layers", "units", "activation")
"""Settings that change the data or the network: changing one starts a new run. The others
(learning rate, optimizer, l2_lambda, batch size) apply from the next epoch on."""

OPTIMIZER_SETTINGS = ("optimizer", "momentum", "beta1", "beta2")
"""Settings that make a new optimizer (its state from zero) when they change; a new learning
rate goes to the optimizer in place, keeping its state."""


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
    optimizer : str
        One of :data:`OPTIMIZERS`: "sgd" (plain gradient descent, as MLP.fit), "momentum"
        (SGD with ``momentum``) or "adam" (Adam with ``beta1`` and ``beta2``).
    momentum, beta1 : float
    beta2 : float
        One of :data:`BETA2_CHOICES`.
    l2_lambda : float
        The regularisation strength lambda, one of :data:`L2_CHOICES`.
    batch_size : int
        Examples per step, b (at most the training set): the data term of dJ/dW^l averaged
        over the batch, the L2 term (lambda / m) W^l with the m of the training set.
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
    optimizer: str = "sgd"
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    l2_lambda: float = 0.0
    batch_size: int = 10
    seed: int = 0

    def __post_init__(self):
        _check_choice("dataset", self.dataset, DATASETS)
        _check_choice("activation", self.activation, tuple(ACTIVATIONS))
        _check_choice("l2_lambda", self.l2_lambda, L2_CHOICES)
        _check_choice("optimizer", self.optimizer, OPTIMIZERS)
        _check_choice("beta2", self.beta2, BETA2_CHOICES)
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
    """Write ``settings`` (a Settings) to ``path`` (str or pathlib.Path) as a small JSON file."""
    Path(path).write_text(json.dumps(settings.as_dict(), indent=2) + "\n", encoding="utf-8")


def load_preset(path):
    """The Settings in a JSON file (``path``: str or pathlib.Path) written by
    :func:`save_preset` or by hand; settings missing from the file keep their defaults.

    Raises a ValueError naming the file if it is not JSON, names an unknown setting or holds
    an invalid value.
    """
    try:
        values = json.loads(Path(path).read_text(encoding="utf-8"))
        return Settings.from_dict(values)
    except (ValueError, TypeError) as error:  # json.JSONDecodeError is a ValueError
        raise ValueError(f"{path}: not a valid playground preset: {error}") from error


def make_optimizer(settings):
    """The optimizer of ``settings``: SGD (momentum 0 for "sgd") or Adam."""
    if settings.optimizer == "adam":
        return Adam(settings.learning_rate, beta1=settings.beta1, beta2=settings.beta2)
    momentum = settings.momentum if settings.optimizer == "momentum" else 0.0
    return SGD(settings.learning_rate, momentum=momentum)


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
                f"settings must be a playground.Settings (or None); got {type(settings).__name__}"
            )
        s = Settings() if settings is None else settings
        X, Y = make_toy_dataset(s.dataset, N_SAMPLES, s.noise, s.seed)
        self.X_train, self.Y_train, self.X_test, self.Y_test = split_data(X, Y, s.train_fraction)
        self.model = MLP(
            [2, *[s.units] * s.hidden_layers, 1],
            hidden_activation=s.activation,
            output_activation="sigmoid",
            loss="cross_entropy",
            seed=s.seed,
        )
        self._configure(s)
        self.epoch = 0
        self.epochs, self.train_costs, self.test_costs, self.gradient_norms = [], [], [], []
        self._record(self.model.data_cost(self.X_train, self.Y_train))

    def _configure(self, settings, previous=None):
        """The one road from the controls to the update: lambda into the model's cost J, the
        learning rate and the optimizer's settings into the optimizer, both for the next step."""
        self.settings = settings
        self.model.l2_lambda = settings.l2_lambda
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
        self.test_costs.append(self.model.data_cost(self.X_test, self.Y_test))
        self.gradient_norms.append(self.model.gradient_norms(self.X_train, self.Y_train))

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
                    self.X_train,
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
        self._latest_train_cost = self.model.data_cost(self.X_train, self.Y_train)
        return self._latest_train_cost

    def accuracies(self):
        """Fraction of train and of test examples classified correctly, now."""
        return (
            self.model.accuracy(self.X_train, self.Y_train),
            self.model.accuracy(self.X_test, self.Y_test),
        )
