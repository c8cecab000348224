"""backprop_lib: the formulas of backpropagation as small, tested functions.

Every derivation step of the notebooks is one function here, and :class:`MLP` is built
from exactly those functions. Conventions: columns are examples, so X is (n_0, m),
W^l is (n_l, n_{l-1}), b^l is (n_l, 1); float64; randomness only through ``seed``.
"""

from .activations import (
    ACTIVATIONS,
    LEAKY_RELU_SLOPE,
    get_activation,
    identity,
    identity_prime,
    leaky_relu,
    leaky_relu_prime,
    relu,
    relu_prime,
    sigmoid,
    sigmoid_prime,
    tanh,
    tanh_prime,
)
from .backprop import (
    bias_gradient,
    hidden_delta,
    l2_gradient,
    l2_penalty,
    linear_forward,
    output_delta,
    weight_gradient,
)
from .gradcheck import check_network_gradients, numerical_gradient, relative_error
from .losses import (
    LOSSES,
    cross_entropy,
    cross_entropy_prime,
    get_loss,
    l2_loss,
    l2_loss_prime,
    mean_cost,
    sigmoid_cross_entropy_delta,
    squared_error,
    squared_error_prime,
)
from .network import INITIALISATIONS, MLP, TrainingDiverged

__all__ = [
    "ACTIVATIONS",
    "INITIALISATIONS",
    "LEAKY_RELU_SLOPE",
    "LOSSES",
    "MLP",
    "TrainingDiverged",
    "bias_gradient",
    "check_network_gradients",
    "cross_entropy",
    "cross_entropy_prime",
    "get_activation",
    "get_loss",
    "hidden_delta",
    "identity",
    "identity_prime",
    "l2_gradient",
    "l2_loss",
    "l2_loss_prime",
    "l2_penalty",
    "leaky_relu",
    "leaky_relu_prime",
    "linear_forward",
    "mean_cost",
    "numerical_gradient",
    "output_delta",
    "relative_error",
    "relu",
    "relu_prime",
    "sigmoid",
    "sigmoid_cross_entropy_delta",
    "sigmoid_prime",
    "squared_error",
    "squared_error_prime",
    "tanh",
    "tanh_prime",
    "weight_gradient",
]
