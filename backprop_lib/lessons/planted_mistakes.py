r"""Notebook 05, computed: backward passes with one planted mistake each.

Each mistake is one replaced step of :func:`backprop_lib.backward.backward_pass`, the
backpropagation of :class:`backprop_lib.MLP` written with swappable steps, so that a mistake
is a one-line change that :func:`backprop_lib.check_network_gradients` must catch. Each
:class:`PlantedBug` says which course note makes its mistake, or that it is a classic mistake
the notes do not make.
"""

from dataclasses import dataclass, fields, replace

import numpy as np

from ..backprop import l2_gradient, weight_gradient
from ..backward import (
    RIGHT_STEPS,
    BackwardSteps,
    activation_prime_at_a,
    backward_pass,
    hidden_delta_untransposed,
)
from ..gradcheck import check_network_gradients
from ..losses import cross_entropy_prime, squared_error_prime
from ..network import MLP


def replaced_steps(steps):
    """The steps that differ from the right ones, as {field name: function}.

    Parameters
    ----------
    steps : BackwardSteps

    Returns
    -------
    dict of str to callable
        Empty for the right backward pass; one entry for each planted mistake.
    """
    return {
        field.name: getattr(steps, field.name)
        for field in fields(steps)
        if getattr(steps, field.name) is not getattr(RIGHT_STEPS, field.name)
    }


# ----- the planted mistakes, one function each ------------------------------------------------


def squared_error_prime_against_one(model, a, y):
    r"""Note 001's slip: :math:`\partial C_0/\partial a = 2(a - 1)`; right is :math:`2(a - y)`."""
    return squared_error_prime(a, np.ones_like(y))


def bias_gradient_like_weight_gradient(delta, a_prev):
    r"""Note 001's closing list: :math:`\partial C_0/\partial b` with the weight's factor
    :math:`a^{(L-1)}`, i.e. the weight gradient again (same shape only for single neurons)."""
    return weight_gradient(delta, a_prev)


def cross_entropy_prime_wrong_sign(model, a, y):
    r"""Note 003's slip: :math:`y/a + (1 - y)/(1 - a)`; right is :math:`-y/a + (1 - y)/(1 - a)`."""
    return y / a + (1.0 - y) / (1.0 - a)


def l2_gradient_without_m(W, l2_lambda, m):
    r"""Note 003's slip: :math:`\lambda W`; right is :math:`(\lambda / m) W`."""
    return l2_gradient(W, l2_lambda, 1)


def cross_entropy_prime_of_mean_cost(model, a, y):
    r"""Note 004's :math:`\Delta^L` taken from the mean cost J: the output's
    :math:`\partial J/\partial a^{L,(i)} = \frac1m \partial C/\partial a^{L,(i)}` (cross-entropy)
    where the per-example :math:`\partial C/\partial a^{L,(i)}` belongs.

    The 1/m rides down the delta recursion into every layer, and the weight and bias
    gradients, :math:`\frac1m \Delta^l (A^{l-1})^T` and :math:`\frac1m \sum_i \delta^{l,(i)}`
    as note 004 writes them, divide by m a second time: they carry :math:`1/m^2`.
    """
    return cross_entropy_prime(a, y) / a.shape[1]


def activation_prime_as_integers(g_prime, z, a):
    r"""Note 004's ReLU derivative: :math:`g'(z^l)` cast to integers (harmless for ReLU only)."""
    return g_prime(z).astype(int)


def weight_gradient_from_to(delta, a_prev):
    r"""A classic mistake, not in the notes: :math:`\frac1m a^{l-1} (\delta^l)^T`, the
    transpose of the right :math:`\frac1m \delta^l (a^{l-1})^T`. It is what note 002's index
    order (w_ij from unit i to unit j, right in its own row notation) gives when copied into
    our layout without transposing."""
    return weight_gradient(delta, a_prev).T


CLASSIC = "a classic mistake, not in the notes"
"""The :attr:`PlantedBug.source` of a mistake that none of the course notes makes."""


@dataclass(frozen=True)
class PlantedBug:
    """A backward pass with one mistake, and the network it is checked on.

    Attributes
    ----------
    name : str
        Short name of the mistake.
    source : str
        The course note that makes it ("001" ... "004"), or :data:`CLASSIC` for a mistake
        the notes do not make; notebook 05 gives the wrong and the right formula of each.
    network : str
        A key of :data:`CHECK_NETWORKS`.
    steps : BackwardSteps
        The right steps with exactly one replaced.
    """

    name: str
    source: str
    network: str
    steps: BackwardSteps

    @property
    def label(self):
        """``"note 003: <name>"``, or ``"classic: <name>"`` for a mistake not in the notes."""
        source = "classic" if self.source == CLASSIC else f"note {self.source}"
        return f"{source}: {self.name}"


PLANTED_BUGS = (
    PlantedBug(
        "2(a - 1) for dC/da",
        "001",
        "chain",
        replace(RIGHT_STEPS, loss_prime=squared_error_prime_against_one),
    ),
    PlantedBug(
        "bias gradient copied from w",
        "001",
        "chain",
        replace(RIGHT_STEPS, bias_gradient=bias_gradient_like_weight_gradient),
    ),
    PlantedBug(
        "wrong sign in dC/da",
        "003",
        "square",
        replace(RIGHT_STEPS, loss_prime=cross_entropy_prime_wrong_sign),
    ),
    PlantedBug(
        "lambda W without /m",
        "003",
        "square",
        replace(RIGHT_STEPS, weight_penalty=l2_gradient_without_m),
    ),
    PlantedBug(
        "biases regularised",
        "003",
        "square",
        replace(RIGHT_STEPS, bias_penalty=l2_gradient),
    ),
    PlantedBug(
        "1/m twice (Delta^L from J)",
        "004",
        "relu",
        replace(RIGHT_STEPS, loss_prime=cross_entropy_prime_of_mean_cost),
    ),
    PlantedBug(
        "g'(a) instead of g'(z)",
        CLASSIC,
        "square",
        replace(RIGHT_STEPS, activation_prime=activation_prime_at_a),
    ),
    PlantedBug(
        "dW transposed (w_ij order)",
        CLASSIC,
        "square",
        replace(RIGHT_STEPS, weight_gradient=weight_gradient_from_to),
    ),
    PlantedBug(
        "W not transposed in delta",
        CLASSIC,
        "square",
        replace(RIGHT_STEPS, hidden_delta=hidden_delta_untransposed),
    ),
)
"""The planted mistakes: slips that the notes make in gradient formulas, in the order of
the notes, then three classic mistakes that the notes do not make."""

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
