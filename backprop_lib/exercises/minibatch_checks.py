r"""The check of notebook 06's mini-batch step: the gradient estimate one batch gives.

* "minibatch_gradients": ``fn(model, X_batch, Y_batch, m) -> (dWs, dbs)``, for a
  :class:`backprop_lib.MLP` with ``l2_lambda > 0``, a batch of b examples (the columns of
  ``X_batch`` and ``Y_batch``) drawn from a training set of m. The estimate averages the data
  term over the batch and keeps the L2 term of the whole set:
  :math:`\frac1b \sum_{i \in B} \partial C^{(i)}/\partial W^l + \frac{\lambda}{m} W^l`,
  and :math:`\frac1b \sum_{i \in B} \partial C^{(i)}/\partial b^l`.

The right answer is the gradient, by central differences, of the batch's cost
:math:`J_B = \frac1b \sum_{i \in B} C^{(i)} + \frac{\lambda}{2m} \sum_l \lVert W^l \rVert^2`:
the model with its L2 strength set to :math:`\lambda b / m` has exactly that cost on the
batch (:meth:`MLP.cost` divides its strength by the batch's b).
"""

from ..gradcheck import cost_of_parameter, numerical_gradient
from .checking import Case, Mistake, Step, sizes
from .networks import SUMMED, _gradients, _l2, _network_case, _read_gradients

CASES = (
    ((3, 3, 3, 3), "tanh", "sigmoid", "cross_entropy", 0.5, 4, 20),
    ((2, 4, 1), "relu", "sigmoid", "cross_entropy", 1.0, 1, 50),
    ((3, 4, 2), "sigmoid", "sigmoid", "half_squared_error", 0.3, 5, 10),
    ((2, 5, 1), "tanh", "sigmoid", "cross_entropy", 3.0, 32, 200),
)
"""(layer sizes, hidden activation, output activation, loss, l2_lambda, b, m): batches of 4
of 20, of one example of 50, of 5 of 10 with half the squared error, and 32 of 200 (the
sizes where dividing lambda by b instead of m changes the L2 term 5 to 50 times)."""


def _case(rng, sizes, hidden, output, loss, l2_lambda, b, m):
    right = _network_case(rng, sizes, hidden, output, loss, l2_lambda, b)
    model, X, Y = right.args
    L = len(model.weights)
    model.l2_lambda = l2_lambda * b / m  # MLP.cost divides it by b: lambda / m remains
    try:
        expected = tuple(
            numerical_gradient(cost_of_parameter(model, X, Y, l, name), parameters[l - 1])
            for name, parameters in (("W", model.weights), ("b", model.biases))
            for l in range(1, L + 1)
        )
    finally:
        model.l2_lambda = l2_lambda
    context = {**right.context, "b": b, "m": m}  # m: the training set's size, not b
    return Case((model, X, Y, m), expected, right.labels, context)


def _with_l2(factor):
    """The estimate with its L2 term ``factor`` times (lambda / b) W^l: b / m is right."""
    return lambda c: _gradients(weight_penalty=_l2(factor(c)))(c)


MINIBATCH_GRADIENTS = Step(
    "minibatch_gradients",
    "minibatch_gradients(model, X_batch, Y_batch, m) -> (dWs, dbs): a batch's estimate of the "
    "gradient of J, the data term averaged over the b examples of the batch, the L2 term "
    "(lambda / m) W^l with m the training set's size",
    ("model", "X_batch", "Y_batch", "m"),
    lambda rng: [_case(rng, *case) for case in sizes(rng, CASES)],
    _read_gradients,
    (
        Mistake(
            _with_l2(lambda c: 1.0),
            "wrong: your L2 term is (lambda / b) W^l, with b = {b} the batch's size: J's L2 "
            "term is (lambda / 2m) sum ||W^l||^2 with m = {m}, the training set's, so "
            "its gradient is (lambda / m) W^l whatever the batch.",
        ),
        Mistake(
            _with_l2(lambda c: 0.0),
            "wrong: you left out the L2 term: add (lambda / m) W^l to each dJ/dW^l, with m = "
            "{m} the training set's size.",
        ),
        Mistake(
            _with_l2(lambda c: c["b"]),
            "wrong: your L2 term is lambda W^l: divide it by m = {m}, the training set's size.",
        ),
        Mistake(
            lambda c: _gradients(**SUMMED, weight_penalty=_l2(c["b"] / c["m"]))(c),
            "wrong: you summed the data term over the batch: divide it by b = {b}, the "
            "batch's size (it estimates J's mean over the examples).",
        ),
    ),
    {},
    hint="Use model.forward(X_batch) for Zs and As; delta^l is (n_l, b), the data term of "
    "dJ/dW^l has the shape of W^l, and its L2 term uses m, the training set's size.",
    against="central differences of the batch's cost with the L2 term of the training set",
)

STEPS = (MINIBATCH_GRADIENTS,)
"""The mini-batch check (notebook 06)."""
