"""Notebook 06's settings: a :class:`Settings` holds every choice the playground offers (data
set, network, training), checked when it is made.

Presets are small JSON files of settings, so a teacher can prepare a lecture's starting point;
:data:`PRESETS` holds a few named ones. A setting travels as a short text too
(:mod:`backprop_lib.lessons.playground_sharing`).
"""

import dataclasses
import json
from pathlib import Path

import numpy as np

from ..activations import ACTIVATIONS
from ..data import TOY_DATASETS
from ..validation import check_real, check_whole

N_SAMPLES = 200
"""Points per data set, N, split into m for training and N - m for testing: enough to see
a boundary's shape, few enough that an epoch of the largest network takes milliseconds."""

DATASETS = (*TOY_DATASETS, "spirals-3", "drawn")
"""The data sets offered: "xor", "circles", "moons", "spirals", "blobs" (gaussian blobs);
"spirals-3", three spiral arms of three classes (a softmax output); and "drawn", the points a
student adds by clicking on the map (:data:`DRAWN_START` and ``Settings.points``)."""

CLASSES = {"spirals-3": 3}
"""The data sets of more than two classes, and how many; the others have two."""


def n_classes(dataset):
    """How many classes the data set ``dataset`` has: 2, or :data:`CLASSES`'s number."""
    return CLASSES.get(dataset, 2)


DRAWN_START = ((-1.0, 0.0, 0), (1.0, 0.0, 1))
"""The "drawn" data set's points before any click, (x1, x2, class): one of each class, so that
there is always a run to show."""

POINT_RANGE = 3.0
"""How far from 0 a drawn point may lie, in x1 and in x2 (the toy data lie within about 1.5)."""

L2_CHOICES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
"""The regularisation strengths offered: lambda matters by its order of magnitude."""

L1_CHOICES = L2_CHOICES
"""The L1 strengths offered, lambda_1: the same steps as L2's."""

OPTIMIZERS = ("sgd", "momentum", "adam")
"""The optimizers offered (:mod:`backprop_lib.optimizers`): plain gradient descent, SGD with
momentum, Adam."""

BETA2_CHOICES = (0.9, 0.99, 0.999, 0.9999)
"""Adam's beta2 offered: it matters by how close to 1 it is (the average of g^2 spans about
1 / (1 - beta2) steps)."""

FEATURES = {
    "x1": lambda X: X[0],
    "x2": lambda X: X[1],
    "x1^2": lambda X: X[0] ** 2,
    "x2^2": lambda X: X[1] ** 2,
    "x1*x2": lambda X: X[0] * X[1],
    "sin(x1)": lambda X: np.sin(X[0]),
    "sin(x2)": lambda X: np.sin(X[1]),
}
"""The input features offered, by name: what the network gets of a point (x1, x2), computed
from the points X (2, m) as a row (m,). With x1^2 and x2^2 a network without a hidden layer
draws a circle; sin(x1) and sin(x2) make waves."""


def input_features(X, names):
    """The rows of the features ``names`` (in :data:`FEATURES`) of the points X (2, m): (k, m)."""
    return np.vstack([FEATURES[name](X) for name in names])


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


@dataclasses.dataclass(frozen=True)
class Settings:
    """Every choice the playground offers, checked when made.

    Parameters
    ----------
    dataset : str
        A name in :data:`DATASETS`.
    noise : float
        Standard deviation of the noise added to the points.
    train_fraction : float
        Share of the N points (:data:`N_SAMPLES`, or the drawn ones) used for training (the
        m of the cost J); the other N - m are the test set.
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
    l1_lambda : float
        The strength lambda_1 of the L1 term (lambda_1 / m) sum |w|, one of
        :data:`L1_CHOICES`.
    batch_size : int
        Examples per step, b (at most the training set): the data term of dJ/dW^l averaged
        over the batch, the L2 term (lambda / m) W^l with the m of the training set.
    seed : int
        Seeds the data, the split, the initial weights and the batch order.
    features : tuple of str
        The network's inputs, names in :data:`FEATURES` (at least one), kept in that order.
    thresholded : bool
        Show the class the network predicts (a^L >= 0.5) on the map instead of its
        probability: a display choice, which changes nothing in the training.
    points : tuple of (float, float, int)
        The points a student added, (x1, x2, class 0 or 1), at most :data:`N_SAMPLES`: the
        "drawn" data set after :data:`DRAWN_START` (no noise is added to them).

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
    l1_lambda: float = 0.0
    batch_size: int = 10
    seed: int = 0
    features: tuple = ("x1", "x2")
    thresholded: bool = False
    points: tuple = ()

    def __post_init__(self):
        object.__setattr__(self, "features", _check_features(self.features))
        object.__setattr__(self, "points", _check_points(self.points))
        _check_choice("dataset", self.dataset, DATASETS)
        _check_choice("activation", self.activation, tuple(ACTIVATIONS))
        _check_choice("l2_lambda", self.l2_lambda, L2_CHOICES)
        _check_choice("l1_lambda", self.l1_lambda, L1_CHOICES)
        if not isinstance(self.thresholded, bool):
            raise ValueError(f"thresholded must be True or False; got {self.thresholded!r}")
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


def _check_features(names):
    """``names`` as a tuple in the order of :data:`FEATURES`; a ValueError saying what is
    expected if it is no list of such names or is empty."""
    offered = ", ".join(FEATURES)
    if isinstance(names, str) or not isinstance(names, (tuple, list)):
        raise ValueError(f"features must be a list of names among {offered}; got {names!r}")
    unknown = [name for name in names if name not in FEATURES]
    if unknown:
        raise ValueError(f"unknown feature {unknown[0]!r}; the features are {offered}")
    if not names:
        raise ValueError(f"choose at least one input feature among {offered}")
    return tuple(name for name in FEATURES if name in names)


def _check_points(points):
    """``points`` as a tuple of (x1, x2, class) with float coordinates and an int class; a
    ValueError saying what is expected for anything else."""
    expected = (
        f"points must be a list of at most {N_SAMPLES} (x1, x2, class) with x1 and x2 between "
        f"{-POINT_RANGE:g} and {POINT_RANGE:g} and the class 0 or 1"
    )
    if isinstance(points, str) or not isinstance(points, (tuple, list)):
        raise ValueError(f"{expected}; got {points!r}")
    if len(points) > N_SAMPLES:
        raise ValueError(f"{expected}; got {len(points)} points")
    checked = []
    for point in points:
        try:
            x1, x2, label = point
            within = all(abs(float(x)) <= POINT_RANGE for x in (x1, x2))
        except (TypeError, ValueError):
            within = False
        if not within or isinstance(label, bool) or label not in (0, 1):
            raise ValueError(f"{expected}; got the point {point!r}")
        checked.append((float(x1), float(x2), int(label)))
    return tuple(checked)


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
    "circle-from-squares": Settings(
        dataset="circles", hidden_layers=0, learning_rate=0.3, features=("x1^2", "x2^2")
    ),
}
"""Named starting points for a lecture: the default run; logistic regression failing on XOR
(add a hidden layer to fix it); a deep network that learns the spirals in about a thousand
epochs; a network that fits 20 noisy training points and not the test set, whose test cost
turns up (L2 helps); a learning rate that makes training blow up within a few epochs; and
logistic regression drawing a circle, given x1^2 and x2^2 instead of x1 and x2 (99 % of the
training points after 100 epochs, where x1 and x2 give 54 %)."""


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
