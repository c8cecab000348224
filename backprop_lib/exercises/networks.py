r"""Checks of backward passes: notebook 03's network with one hidden layer, and notebook 04's
of any depth.

* "two_layer_backward_pass" (notebook 03): ``fn(model, X, Y) -> (dWs, dbs)`` for a
  :class:`backprop_lib.MLP` with one sigmoid hidden layer, a sigmoid output and the loss
  "half_squared_error".
* "backward_pass" (notebook 04): the same for any MLP (any depth and hidden activation, a
  sigmoid output with the cross-entropy or another output and loss, l2_lambda > 0).

``dWs[l - 1]`` is dJ/dW^l, of shape (n_l, n_{l-1}), and ``dbs[l - 1]`` is dJ/db^l, of shape
(n_l, 1), for the model's cost J = ``model.cost(X, Y)``. The right answers are central
differences of that cost (:func:`backprop_lib.cost_of_parameter`); the mistakes are
the core's backward pass with one step changed (:mod:`backprop_lib.backward`), as notebook
05 plants them.
"""

from dataclasses import replace

import numpy as np

from ..backprop import l2_gradient
from ..backward import (
    RIGHT_STEPS,
    activation_prime_at_a,
    backward_pass,
    hidden_delta_untransposed,
)
from ..gradcheck import cost_of_parameter, numerical_gradient
from ..network import MLP
from .checking import Case, Mistake, Step, sizes, wrong
from .reading import described, read_array

RELU_MARGIN = 1e-3
"""Hidden pre-activations keep |z| >= 1e-3, so that moving one parameter by epsilon = 1e-5
never crosses ReLU's kink, where central differences are wrong."""

MAX_DRAWS = 100
"""Inputs are drawn again (from the same generator) until they keep that margin."""


def _targets(rng, output_activation, shape):
    if output_activation == "sigmoid":
        return rng.integers(0, 2, size=shape).astype(float)
    return rng.standard_normal(shape)


def _network_case(rng, sizes, hidden, output, loss, l2_lambda, m):
    """A model with random biases, and data whose hidden z keep away from 0."""
    model = MLP(sizes, hidden, output, loss, l2_lambda, seed=int(rng.integers(10_000)))
    model.biases = [0.5 * rng.standard_normal(b.shape) for b in model.biases]
    for _ in range(MAX_DRAWS):
        X = rng.standard_normal((sizes[0], m))
        Zs, _ = model.forward(X)
        if all(np.min(np.abs(z)) >= RELU_MARGIN for z in Zs[:-1]):
            break
    Y = _targets(rng, output, (sizes[-1], m))
    L = len(model.weights)
    expected = tuple(
        numerical_gradient(cost_of_parameter(model, X, Y, l, name), parameters[l - 1])
        for name, parameters in (("W", model.weights), ("b", model.biases))
        for l in range(1, L + 1)
    )
    labels = tuple(f"dJ/d{name}^{l}" for name in "Wb" for l in range(1, L + 1))
    context = {"model": model, "X": X, "Y": Y, "m": m, "L": L, "l2_lambda": l2_lambda}
    return Case((model, X, Y), expected, labels, context)


def _gradients(**changed):
    """A mistake's prediction: the backward pass with the steps ``changed``, as the tuple
    (dJ/dW^1, ..., dJ/dW^L, dJ/db^1, ..., dJ/db^L)."""

    def predict(c):
        dWs, dbs = backward_pass(c["model"], c["X"], c["Y"], replace(RIGHT_STEPS, **changed))
        return (*dWs, *dbs)

    return predict


def _l2(factor):
    """A weight-penalty step ``factor`` (lambda / m) W^l (1 is right)."""
    return lambda W, l2_lambda, m: factor * l2_gradient(W, l2_lambda, m)


def _one(*args):
    """A derivative step left out: 1 in its place."""
    return 1.0


def _summed(delta, a_prev=None):
    """The data term summed over the examples, not averaged."""
    return delta @ a_prev.T if a_prev is not None else delta.sum(axis=1, keepdims=True)


def _twice_averaged(delta, a_prev=None):
    """The data term divided by m twice (as note 004 does)."""
    return _summed(delta, a_prev) / delta.shape[1] ** 2


def _output_slope_at_a(model, z, a):
    """g'(a^L) at the output, instead of g'(z^L)."""
    return model.g_out_prime(a)


SUMMED = {"weight_gradient": _summed, "bias_gradient": lambda delta, a_prev: _summed(delta)}
TWICE_AVERAGED = {
    "weight_gradient": _twice_averaged,
    "bias_gradient": lambda delta, a_prev: _twice_averaged(delta),
}
"""The data terms m times too large, and m times too small."""


def _reversed(c):
    right = _gradients()(c)
    L = c["L"]
    return (*right[:L][::-1], *right[L:][::-1])


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


AT_A = (
    "wrong: you took the activations' derivatives at a instead of z: use g'(z^l), with z^l "
    "from model.forward (its Zs), not g'(a^l)."
)
NO_TRANSPOSE = (
    "wrong: you used W^(l+1) where its transpose belongs: delta^l = g'(z^l) * (W^(l+1))^T "
    "delta^(l+1)."
)
NO_HIDDEN_SLOPE = (
    "wrong: your hidden delta leaves out g'(z^l): delta^l = g'(z^l) * (W^(l+1))^T delta^(l+1)."
)
REVERSED = (
    "wrong: your lists run from the output layer down: dWs[0] must be dJ/dW^1, the first layer's."
)
MEANS = {
    "m": "wrong: your gradients are m = {m} times too large: divide the sums over examples by "
    "m (J is a mean over the examples).",
    "1/m": "wrong: your gradients are m = {m} times too small: you divided by m twice (as the "
    "notes do); the deltas are per example, so divide by m once.",
}


def _mistakes_common():
    """The mistakes both backward-pass checks recognise."""
    return (
        Mistake(
            _gradients(output_slope=_output_slope_at_a, activation_prime=activation_prime_at_a),
            AT_A,
        ),
        Mistake(_gradients(activation_prime=activation_prime_at_a), AT_A),
        Mistake(_gradients(hidden_delta=hidden_delta_untransposed), NO_TRANSPOSE),
        Mistake(_gradients(activation_prime=_one), NO_HIDDEN_SLOPE),
        Mistake(_gradients(**SUMMED), MEANS["m"]),
        Mistake(_gradients(**TWICE_AVERAGED), MEANS["1/m"]),
        Mistake(_reversed, REVERSED),
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
        _network_case(rng, layers, "sigmoid", "sigmoid", "half_squared_error", 0.0, m)
        for layers, m in sizes(rng, TWO_LAYER_CASES)
    ],
    _read_gradients,
    (
        Mistake(
            _gradients(output_slope=_one),
            "wrong: your output delta leaves out sigma'(z^2): for (a - y)^2 / 2 it is "
            "(a - y) * sigma'(z^2) (a - y alone is the delta of the cross-entropy).",
        ),
        *_mistakes_common(),
    ),
    MEANS,
    hint="Use model.forward(X) for Zs and As; delta^l is (n_l, m), one column per example, and "
    "dJ/dW^l and dJ/db^l have the shapes of W^l and b^l.",
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
    lambda rng: [_network_case(rng, *case) for case in sizes(rng, BACKWARD_CASES)],
    _read_gradients,
    (
        Mistake(
            _gradients(weight_penalty=_l2(0.0)),
            "wrong: you left out the L2 term: add (lambda / m) W^l to dJ/dW^l (this model's "
            "l2_lambda is {l2_lambda}).",
        ),
        Mistake(
            _gradients(weight_penalty=lambda W, l2_lambda, m: l2_lambda * W),
            "wrong: your L2 term is lambda W; the gradient of (lambda / 2m) sum ||W^l||^2 is "
            "(lambda / m) W^l (the notes leave out the m).",
        ),
        Mistake(
            _gradients(weight_penalty=_l2(0.5)),
            "wrong: your L2 term is (lambda / 2m) W^l; the 2 of the square cancels the 1/2: it "
            "is (lambda / m) W^l.",
        ),
        Mistake(
            _gradients(bias_penalty=l2_gradient),
            "wrong: you regularised the biases: the L2 penalty is on the weights only, so "
            "dJ/db^l has no (lambda / m) b^l term.",
        ),
        Mistake(
            _gradients(loss_prime=lambda model, a, y: a - y, output_slope=_one),
            "wrong: you used delta^L = a - y, which holds only for a sigmoid output with the "
            "cross-entropy; in general delta^L = dC/da * g'(z^L).",
        ),
        Mistake(
            _gradients(output_slope=_one),
            "wrong: your output delta leaves out g'(z^L): delta^L = dC/da * g'(z^L) "
            "(model.loss_prime and model.g_out_prime).",
        ),
        Mistake(
            _gradients(output_slope=lambda model, z, a: model.g_prime(z)),
            "wrong: at the output layer you used the hidden layers' derivative; the output's "
            "is model.g_out_prime.",
        ),
        *_mistakes_common(),
    ),
    MEANS,
    hint="Use model.forward(X) for Zs and As; delta^l is (n_l, m), one column per example, and "
    "dJ/dW^l and dJ/db^l have the shapes of W^l and b^l.",
    against="central differences of model.cost",
)

STEPS = (TWO_LAYER_BACKWARD_PASS, BACKWARD_PASS)
"""The backward-pass checks, in the course's order."""
