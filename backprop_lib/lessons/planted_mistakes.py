r"""Notebook 05, computed: backward passes with one planted mistake each.

Each mistake is a slip of the core's one table (:data:`backprop_lib.slips.SLIPS`): the
backpropagation of :class:`backprop_lib.MLP` with one step replaced, which
:func:`backprop_lib.check_network_gradients` must catch. The planted ones are the course
notes' slips in gradient formulas, in the order of the notes, then three classic mistakes that
the notes do not make.
"""

from dataclasses import dataclass

import numpy as np

from ..backward import RIGHT_STEPS, BackwardSteps, backward_pass, replaced_steps
from ..gradcheck import check_network_gradients
from ..network import MLP
from ..slips import CLASSIC, SLIPS, activation_prime_at_a

__all__ = [
    "CHECK_NETWORKS",
    "CLASSIC",
    "PLANTED_BUGS",
    "RIGHT_STEPS",
    "BackwardSteps",
    "PlantedBug",
    "activation_prime_as_integers",
    "activation_prime_at_a",
    "backward_pass",
    "check_network",
    "check_steps",
    "replaced_steps",
]


def activation_prime_as_integers(g_prime, z, a):
    r"""Note 004's ReLU derivative: :math:`g'(z^l)` cast to integers (harmless for ReLU only)."""
    return g_prime(z).astype(int)


@dataclass(frozen=True)
class PlantedBug:
    """A slip of :data:`~backprop_lib.slips.SLIPS` and the network it is checked on."""

    slip: str
    network: str

    @property
    def name(self):
        return self.slip

    @property
    def source(self):
        """The course note that makes it ("001" ... "004"), or :data:`CLASSIC`."""
        return SLIPS[self.slip].source

    @property
    def steps(self):
        """The right steps with exactly one replaced."""
        return SLIPS[self.slip].steps

    @property
    def label(self):
        """``"note 003: <name>"``, or ``"classic: <name>"`` for a mistake not in the notes."""
        source = "classic" if self.source == CLASSIC else f"note {self.source}"
        return f"{source}: {self.name}"


PLANTED_BUGS = (
    PlantedBug("2(a - 1) for dC/da", "chain"),
    PlantedBug("bias gradient copied from w", "chain"),
    PlantedBug("wrong sign in dC/da", "square"),
    PlantedBug("lambda W without /m", "square"),
    PlantedBug("biases regularised", "square"),
    PlantedBug("1/m twice (Delta^L from J)", "relu"),
    PlantedBug("g'(a) instead of g'(z)", "square"),
    PlantedBug("dW transposed (w_ij order)", "square"),
    PlantedBug("W not transposed in delta", "square"),
)
"""The planted mistakes, each on the network that shows it: note 001's chain of single
neurons, note 004's ReLU network, and a square network for the others."""

CHECK_EXAMPLES = 6
"""Examples in a check network's data: more than one, so that 1/m matters, and few, so
that the m-fold loops of the numerical gradient stay fast."""

CHECK_L2_LAMBDA = 0.5
"""lambda of the "square" and "relu" check networks: large enough that an L2 term of the
wrong size changes the gradients by far more than 1e-2 relative."""

CHECK_BIAS_SCALE = 0.5
"""Standard deviation of the check networks' biases (MLP starts them at zero, which would
hide a mistake in the biases' L2 term)."""

CHECK_NETWORKS = {
    # Note 001's chain of single sigmoid neurons, squared error.
    "chain": {
        "layer_sizes": [1, 1, 1, 1],
        "hidden_activation": "sigmoid",
        "output_activation": "sigmoid",
        "loss": "squared_error",
    },
    # Square weight matrices, so that a transposed matrix still has the right shape.
    "square": {
        "layer_sizes": [3, 3, 3, 3],
        "hidden_activation": "sigmoid",
        "output_activation": "sigmoid",
        "loss": "cross_entropy",
        "l2_lambda": CHECK_L2_LAMBDA,
    },
    # Note 004's setting (ReLU hidden layers, sigmoid output, cross-entropy), same shapes.
    "relu": {
        "layer_sizes": [3, 3, 3, 3],
        "hidden_activation": "relu",
        "output_activation": "sigmoid",
        "loss": "cross_entropy",
        "l2_lambda": CHECK_L2_LAMBDA,
    },
}
"""The small networks the planted mistakes are checked on: name -> MLP arguments."""


def check_network(name, seed=0):
    """A small network with random biases, and seeded data to check its gradients on.

    Parameters
    ----------
    name : str
        A key of :data:`CHECK_NETWORKS`.
    seed : int
        Seeds the weights, the biases and the data.

    Returns
    -------
    model : MLP
    X : ndarray of shape (n_0, CHECK_EXAMPLES)
        Inputs drawn from N(0, 1).
    Y : ndarray of shape (n_L, CHECK_EXAMPLES)
        Targets: 0/1 labels for cross-entropy, uniform in (0, 1) otherwise (never exactly 1).
    """
    if name not in CHECK_NETWORKS:
        raise ValueError(
            f"unknown check network {name!r}; expected one of {', '.join(CHECK_NETWORKS)}"
        )
    settings = CHECK_NETWORKS[name]
    model = MLP(seed=seed, **settings)
    rng = np.random.default_rng(seed)
    model.biases = [CHECK_BIAS_SCALE * rng.standard_normal(b.shape) for b in model.biases]
    n_0, n_L = model.layer_sizes[0], model.layer_sizes[-1]
    X = rng.standard_normal((n_0, CHECK_EXAMPLES))
    if settings["loss"] == "cross_entropy":
        Y = rng.integers(0, 2, size=(n_L, CHECK_EXAMPLES)).astype(float)
    else:
        Y = rng.uniform(0.0, 1.0, size=(n_L, CHECK_EXAMPLES))
    return model, X, Y


def check_steps(steps, network, seed=0):
    """Gradient-check a backward pass on a check network, layer by layer.

    Parameters
    ----------
    steps : BackwardSteps
    network : str
        A key of :data:`CHECK_NETWORKS`.
    seed : int

    Returns
    -------
    list of float
        Entry l - 1 is the worst relative error over W^l and b^l
        (see :func:`backprop_lib.check_network_gradients`).
    """
    model, X, Y = check_network(network, seed)
    return check_network_gradients(
        model, X, Y, gradients=lambda X, Y: backward_pass(model, X, Y, steps)
    )
