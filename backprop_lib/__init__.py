r"""backprop_lib: the formulas of backpropagation as small, tested functions.

Every derivation step of the notebooks is one function here, and :class:`MLP` is built
from exactly those functions. Conventions: columns are examples, so X is (n_0, m),
W^l is (n_l, n_{l-1}), b^l is (n_l, 1); float64; randomness only through ``seed``.

The package has layers, and imports point inward only::

    notebooks/*.ipynb              backprop_lib.grading    commands: release (the student
        |           \                  /                   edition) and grade (a class)
        |        backprop_lib.exercises                    the checks: a wing over the core,
        |                |                                 beside the lessons (06's tuning
    backprop_lib.lessons |                                 check alone trains the playground)
        |                |         one module per notebook: its computations (numpy only),
        |                |         and a *_views module with its figures and explorer
    backprop_lib.display |         the drawing kit: figures, charts, tables, the Explorer
        |                |
    backprop_lib (core)            activations, losses, backprop, backward, slips, initialisation,
                                   network, propagation, network_checks, optimizers,
                                   normalisation, gradcheck, data, autodiff, validation
                                   (numpy, h5py)

``import backprop_lib`` loads the core alone, never matplotlib or ipywidgets. A new
notebook NN_topic gets ``lessons/topic.py`` for what it computes and, if it draws,
``lessons/topic_views.py`` for its figures and explorer.
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
    softmax,
    softmax_jacobian,
    tanh,
    tanh_prime,
)
from .autodiff import Value
from .backprop import (
    bias_gradient,
    hidden_delta,
    l1_gradient,
    l1_penalty,
    l2_gradient,
    l2_penalty,
    linear_forward,
    output_delta,
    weight_gradient,
)
from .gradcheck import (
    RIGHT_BELOW,
    WRONG_ABOVE,
    check_network_gradients,
    cost_of_parameter,
    format_relative_error,
    numerical_gradient,
    relative_error,
    verdict,
)
from .initialisation import BY_ACTIVATION, INITIALISATIONS
from .losses import (
    LOSSES,
    categorical_cross_entropy,
    categorical_cross_entropy_from_logits,
    categorical_cross_entropy_prime,
    cross_entropy,
    cross_entropy_from_logits,
    cross_entropy_prime,
    get_loss,
    half_squared_error,
    half_squared_error_prime,
    mean_cost,
    one_hot,
    sigmoid_cross_entropy_delta,
    softmax_cross_entropy_delta,
    squared_error,
    squared_error_prime,
)
from .network import MLP
from .normalisation import (
    batch_statistics,
    batchnorm_backward,
    batchnorm_forward,
    dropout_backward,
    dropout_forward,
)
from .optimizers import (
    SGD,
    Adam,
    Optimizer,
    RMSProp,
    TrainingDiverged,
    cosine_decay,
    linear_warmup,
    step_decay,
)

__all__ = [
    "ACTIVATIONS",
    "BY_ACTIVATION",
    "INITIALISATIONS",
    "LEAKY_RELU_SLOPE",
    "LOSSES",
    "MLP",
    "RIGHT_BELOW",
    "SGD",
    "WRONG_ABOVE",
    "Adam",
    "Optimizer",
    "RMSProp",
    "TrainingDiverged",
    "Value",
    "batch_statistics",
    "batchnorm_backward",
    "batchnorm_forward",
    "bias_gradient",
    "categorical_cross_entropy",
    "categorical_cross_entropy_from_logits",
    "categorical_cross_entropy_prime",
    "check_network_gradients",
    "cosine_decay",
    "cost_of_parameter",
    "cross_entropy",
    "cross_entropy_from_logits",
    "cross_entropy_prime",
    "dropout_backward",
    "dropout_forward",
    "format_relative_error",
    "get_activation",
    "get_loss",
    "half_squared_error",
    "half_squared_error_prime",
    "hidden_delta",
    "identity",
    "identity_prime",
    "l1_gradient",
    "l1_penalty",
    "l2_gradient",
    "l2_penalty",
    "leaky_relu",
    "leaky_relu_prime",
    "linear_forward",
    "linear_warmup",
    "mean_cost",
    "numerical_gradient",
    "one_hot",
    "output_delta",
    "relative_error",
    "relu",
    "relu_prime",
    "sigmoid",
    "sigmoid_cross_entropy_delta",
    "sigmoid_prime",
    "softmax",
    "softmax_cross_entropy_delta",
    "softmax_jacobian",
    "squared_error",
    "squared_error_prime",
    "step_decay",
    "tanh",
    "tanh_prime",
    "verdict",
    "weight_gradient",
]
