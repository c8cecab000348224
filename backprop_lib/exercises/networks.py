r"""Checks of backward passes: notebook 03's network with one hidden layer, notebook 04's of any
depth, and notebook 06's mini-batch estimate.

* "two_layer_backward_pass" (03): ``fn(model, X, Y) -> (dWs, dbs)`` for an MLP [n_0, n_1, n_2]
  with sigmoid units and the loss "half_squared_error".
* "backward_pass" (04): the same for any MLP (any depth and activations, l2_lambda > 0).
* "minibatch_gradients" (06): ``fn(model, X_batch, Y_batch, m) -> (dWs, dbs)``, the data term
  averaged over the batch's b examples, the L2 term :math:`(\lambda/m) W^l` of the whole set.

``dWs[l - 1]`` is dJ/dW^l, of shape (n_l, n_{l-1}), ``dbs[l - 1]`` is dJ/db^l, (n_l, 1). The
right answers are central differences of the model's cost (for a batch, of the cost with
strength :math:`\lambda b/m`, which :meth:`MLP.cost` divides by b); the mistakes are the core's
slips (:data:`backprop_lib.slips.SLIPS`), the backward pass with one step done wrong.
"""

from dataclasses import replace

import numpy as np

from ..backprop import l2_gradient
from ..backward import RIGHT_STEPS, backward_pass
from ..gradcheck import cost_of_parameter, numerical_gradient
from ..network import MLP
from ..slips import SLIPS, l2_gradient_left_out
from .checking import Case, Mistake, Step, sizes, wrong
from .reading import described, read_array

RELU_MARGIN = 1e-3
"""Hidden pre-activations keep |z| >= 1e-3, so that moving one parameter by epsilon = 1e-5
never crosses ReLU's kink, where central differences are wrong."""

MAX_DRAWS = 100
"""Inputs are drawn again (from the same generator) until they keep that margin."""

BIAS_SCALE = 0.5
"""Standard deviation of the checked models' biases (MLP starts them at zero, which would hide
a mistake in the biases' L2 term)."""


def _gradients(model, X, Y, l2_lambda):
    """Central differences of ``model.cost`` with its L2 strength set to ``l2_lambda``, as the
    tuple (dJ/dW^1, ..., dJ/dW^L, dJ/db^1, ..., dJ/db^L)."""
    kept, model.l2_lambda = model.l2_lambda, l2_lambda
    try:
        return tuple(
            numerical_gradient(cost_of_parameter(model, X, Y, l, name), parameters[l - 1])
            for name, parameters in (("W", model.weights), ("b", model.biases))
            for l in range(1, len(model.weights) + 1)
        )
    finally:
        model.l2_lambda = kept


def _case(rng, sizes, hidden, output, loss, l2_lambda, b, m=None):
    """A model with random biases and a batch of b examples whose hidden z keep away from 0;
    with m, the batch is drawn from a training set of m examples."""
    model = MLP(sizes, hidden, output, loss, l2_lambda, seed=int(rng.integers(10_000)))
    model.biases = [BIAS_SCALE * rng.standard_normal(bias.shape) for bias in model.biases]
    for _ in range(MAX_DRAWS):
        X = rng.standard_normal((sizes[0], b))
        if all(np.min(np.abs(z)) >= RELU_MARGIN for z in model.forward(X)[0][:-1]):
            break
    shape = (sizes[-1], b)
    Y = (
        rng.integers(0, 2, size=shape).astype(float)
        if output == "sigmoid"
        else rng.normal(size=shape)
    )
    L = len(model.weights)
    labels = tuple(f"dJ/d{name}^{l}" for name in "Wb" for l in range(1, L + 1))
    context = {"L": L, "l2_lambda": l2_lambda, "m": b}
    if m is None:
        return Case((model, X, Y), _gradients(model, X, Y, l2_lambda), labels, context)
    expected = _gradients(model, X, Y, l2_lambda * b / m)  # MLP.cost divides it by b
    return Case((model, X, Y, m), expected, labels, {**context, "b": b, "m": m})


def _read_gradients(value, case):
    L = case.context["L"]
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise wrong(
            f"wrong: return (dWs, dbs), two lists of L = {L} arrays; got {described(value)}."
        )
    parts = []
    for name, arrays, expected in zip(
        "Wb", value, (case.expected[:L], case.expected[L:]), strict=True
    ):
        if not isinstance(arrays, tuple | list) or len(arrays) != L:
            raise wrong(
                f"wrong: d{name}s must be a list of L = {L} arrays, one per layer; got "
                f"{described(arrays)}."
            )
        shapes, wanted = [np.shape(a) for a in arrays], [e.shape for e in expected]
        if shapes != wanted and shapes == wanted[::-1]:
            raise wrong(
                f"wrong: your d{name}s run from the output layer down: d{name}s[0] must be "
                f"dJ/d{name}^1, of shape {wanted[0]}."
            )
        for l, (array, right) in enumerate(zip(arrays, expected, strict=True), start=1):
            parts.append(read_array(array, right, f"dJ/d{name}^{l}", where=f"d{name}s[{l - 1}]"))
    return tuple(parts)


def _pass_with(steps):
    """A wrong implementation of the backward-pass exercises: the pass by ``steps``."""
    return lambda model, X, Y: backward_pass(model, X, Y, steps)


def _reversed(model, X, Y):
    dWs, dbs = backward_pass(model, X, Y)
    return dWs[::-1], dbs[::-1]


def _slips(*names):
    """The named slips of the core's table as mistakes, and the lists in the wrong order."""
    return (
        *(Mistake(_pass_with(SLIPS[name].steps), SLIPS[name].message) for name in names),
        Mistake(
            _reversed,
            "wrong: your lists run from the output layer down: dWs[0] must be dJ/dW^1, the "
            "first layer's.",
        ),
    )


EVERY_NETWORK = (
    "2(a - 1) for dC/da",
    "1/m twice (Delta^L from J)",
    "g'(a) instead of g'(z)",
    "dW transposed (w_ij order)",
    "W not transposed in delta",
    "g'(a) at every layer",
    "hidden delta without g'(z)",
    "sums, not means",
    "output delta without g'(z)",
)
"""The slips both checks tell apart. The others need what notebook 03's network lacks: a
cross-entropy, an L2 term, an output activation other than the hidden one. (A bias gradient
copied from the weight gradient has the wrong shape, which the shape message names.)"""

MEANS = {
    "m": SLIPS["sums, not means"].message,
    "1/m": SLIPS["1/m twice (Delta^L from J)"].message,
}
"""The messages of gradients m times too large or too small in every case (a factor rule)."""

HINT = (
    "Use model.forward(X) for Zs and As; delta^l is (n_l, m), one column per example, and "
    "dJ/dW^l and dJ/db^l have the shapes of W^l and b^l."
)

TWO_LAYER_CASES = (((3, 3, 3), 5), ((2, 3, 2), 4), ((2, 3, 2), 1), ((4, 5, 1), 7), ((2, 3, 2), 200))
"""(layer sizes, m): a square network first (W^(l+1) in place of its transpose still fits,
so the mistake is named instead of raising a shape error); then the 2-3-2 network of
notebook 03 with 4 examples, one example and many; and another shape."""

TWO_LAYER_BACKWARD_PASS = Step(
    "two_layer_backward_pass",
    "two_layer_backward_pass(model, X, Y) -> (dWs, dbs) for an MLP [n_0, n_1, n_2] with "
    "sigmoid units and the loss (a - y)^2 / 2; dWs[l - 1] is dJ/dW^l, dbs[l - 1] is dJ/db^l",
    ("model", "X", "Y"),
    lambda rng: [
        _case(rng, layers, "sigmoid", "sigmoid", "half_squared_error", 0.0, m)
        for layers, m in sizes(rng, TWO_LAYER_CASES)
    ],
    _read_gradients,
    _slips(*EVERY_NETWORK),
    MEANS,
    hint=HINT,
    against="central differences of model.cost",
)

BACKWARD_CASES = (
    ((3, 3, 3, 3), "tanh", "sigmoid", "cross_entropy", 0.5, 4),
    ((3, 4, 2), "sigmoid", "sigmoid", "half_squared_error", 0.3, 5),
    ((2, 3, 1), "relu", "sigmoid", "cross_entropy", 0.1, 1),
    ((2, 4, 2), "leaky_relu", "identity", "squared_error", 0.2, 6),
    ((4, 5, 4, 3, 1), "relu", "sigmoid", "cross_entropy", 1.0, 60),
)
"""(layer sizes, hidden activation, output activation, loss, l2_lambda, m): a square network
two hidden layers deep first (W^(l+1) in place of its transpose still fits); one hidden
layer with half the squared error (where a - y is not the output delta); one example; a
linear output with the squared error; a deep ReLU network with many examples."""

BACKWARD_PASS = Step(
    "backward_pass",
    "backward_pass(model, X, Y) -> (dWs, dbs), the gradients of model.cost(X, Y) for any MLP "
    "(L2 term included); dWs[l - 1] is dJ/dW^l, dbs[l - 1] is dJ/db^l",
    ("model", "X", "Y"),
    lambda rng: [_case(rng, *case) for case in sizes(rng, BACKWARD_CASES)],
    _read_gradients,
    _slips(
        *EVERY_NETWORK,
        "wrong sign in dC/da",
        "lambda W without /m",
        "biases regularised",
        "no L2 term",
        "L2 term halved",
        "delta^L = a - y for any output",
        "hidden g' at the output",
    ),
    MEANS,
    hint=HINT,
    against="central differences of model.cost",
)

MINIBATCH_CASES = (
    ((3, 3, 3, 3), "tanh", "sigmoid", "cross_entropy", 0.5, 4, 20),
    ((2, 4, 1), "relu", "sigmoid", "cross_entropy", 1.0, 1, 50),
    ((3, 4, 2), "sigmoid", "sigmoid", "half_squared_error", 0.3, 5, 10),
    ((2, 5, 1), "tanh", "sigmoid", "cross_entropy", 3.0, 32, 200),
)
"""(layer sizes, hidden activation, output activation, loss, l2_lambda, b, m): batches of 4
of 20, of one example of 50, of 5 of 10 with half the squared error, and 32 of 200 (the
sizes where dividing lambda by b instead of m changes the L2 term 5 to 50 times)."""


def _batch(steps=RIGHT_STEPS, penalty=l2_gradient):
    """A wrong estimate: the pass by ``steps`` on the batch, with ``penalty(W, lambda, m)`` as
    its L2 term, m the training set's size."""

    def estimate(model, X_batch, Y_batch, m):
        def l2_term(W, l2_lambda, b):
            return penalty(W, l2_lambda, m)

        return backward_pass(model, X_batch, Y_batch, replace(steps, weight_penalty=l2_term))

    return estimate


MINIBATCH_GRADIENTS = Step(
    "minibatch_gradients",
    "minibatch_gradients(model, X_batch, Y_batch, m) -> (dWs, dbs): a batch's estimate of the "
    "gradient of J, the data term averaged over the m_B examples of the batch, the L2 term "
    "(lambda / m) W^l with m the training set's size",
    ("model", "X_batch", "Y_batch", "m"),
    lambda rng: [_case(rng, *case) for case in sizes(rng, MINIBATCH_CASES)],
    _read_gradients,
    (
        Mistake(
            lambda model, X_batch, Y_batch, m: backward_pass(model, X_batch, Y_batch),
            "wrong: your L2 term is (lambda / m_B) W^l, with m_B = {b} the batch's size: J's L2 "
            "term is (lambda / 2m) sum ||W^l||^2 with m = {m}, the training set's, so "
            "its gradient is (lambda / m) W^l whatever the batch.",
        ),
        Mistake(
            _batch(penalty=l2_gradient_left_out),
            "wrong: you left out the L2 term: add (lambda / m) W^l to each dJ/dW^l, with m = "
            "{m} the training set's size.",
        ),
        Mistake(
            _batch(penalty=SLIPS["lambda W without /m"].steps.weight_penalty),
            SLIPS["lambda W without /m"].message,
        ),
        Mistake(
            _batch(SLIPS["sums, not means"].steps),
            "wrong: you summed the data term over the batch: divide it by m_B = {b}, the "
            "batch's size (it estimates J's mean over the examples).",
        ),
    ),
    hint="Use model.forward(X_batch) for Zs and As; delta^l is (n_l, m_B), the data term of "
    "dJ/dW^l has the shape of W^l, and its L2 term uses m, the training set's size.",
    against="central differences of the batch's cost with the L2 term of the training set",
)

STEPS = (TWO_LAYER_BACKWARD_PASS, BACKWARD_PASS, MINIBATCH_GRADIENTS)
"""The backward-pass checks, in the course's order."""
