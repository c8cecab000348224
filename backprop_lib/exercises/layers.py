r"""Checks of one layer's steps: z = W a + b, the two deltas, dJ/dW, dJ/db and the L2 term.

Each right answer comes from the forward computation itself: the deltas from central
differences of a loss in z, the gradients from central differences of a cost J in W or b
(notebooks 03 and 04 derive them). Shapes are the course's: W^l is (n_l, n_{l-1}), a^{l-1}
is (n_{l-1}, m), b^l is (n_l, 1), and z^l and delta^l are (n_l, m).
"""

import numpy as np

from ..activations import identity, identity_prime, sigmoid, sigmoid_prime, tanh, tanh_prime
from ..gradcheck import numerical_gradient
from ..losses import (
    cross_entropy,
    cross_entropy_prime,
    half_squared_error,
    half_squared_error_prime,
    squared_error,
    squared_error_prime,
)
from .checking import EPSILON, Case, Mistake, Step, sizes, wrong
from .reading import read_array, read_one
from .steps import PER_EXAMPLE, SHAPES, draw_targets, slope

LAYER_SHAPES = ((3, 3, 3), (3, 4, 5), (2, 3, 1), (4, 2, 400))
"""Shapes (n_l, n_{l-1}, m): square first (a transposed or misplaced factor still fits, so
its values name the mistake instead of a shape error), then non-square, one example and many
examples."""

OUTPUT_UNITS = (
    (sigmoid, sigmoid_prime, half_squared_error, half_squared_error_prime),
    (tanh, tanh_prime, squared_error, squared_error_prime),
    (sigmoid, sigmoid_prime, cross_entropy, cross_entropy_prime),
    (identity, identity_prime, half_squared_error, half_squared_error_prime),
)
"""(g, g', C, dC/da) of the output layer in the output_delta cases, one per case."""


def _normal(rng, *shape):
    return rng.standard_normal(shape)


def _linear_cases(rng):
    made = []
    for n, n_prev, m in sizes(rng, LAYER_SHAPES):
        W, a_prev, b = _normal(rng, n, n_prev), _normal(rng, n_prev, m), _normal(rng, n, 1)
        z = (W[:, :, None] * a_prev[None, :, :]).sum(axis=1) + b  # z_ij = sum_k W_ik a_kj + b_i
        context = {"W": W, "a_prev": a_prev, "b": b, "m": m}
        made.append(Case((W, a_prev, b), (z,), ("z",), context))
    return made


def _mistakes(*pairs):
    return tuple(Mistake(predict, message) for predict, message in pairs)


LINEAR_FORWARD = Step(
    "linear_forward",
    "linear_forward(W, a_prev, b) -> z = W a_prev + b, of shape (n_l, m)",
    ("W", "a_prev", "b"),
    _linear_cases,
    read_one(),
    _mistakes(
        (
            lambda c: (c["W"] @ c["a_prev"],),
            "wrong: you forgot the bias: z = W a_prev + b.",
        ),
        (lambda c: (c["W"] @ c["a_prev"] - c["b"],), "wrong: you subtracted b: z = W a_prev + b."),
        (
            lambda c: (c["W"].T @ c["a_prev"] + c["b"],),
            "wrong: you used W^T; W is (n_l, n_(l-1)) already, so z = W a_prev + b needs no "
            "transpose.",
        ),
        (
            lambda c: (c["W"] * c["a_prev"] + c["b"],),
            "wrong: you multiplied entry by entry; W a_prev is a matrix product (W @ a_prev).",
        ),
        (
            lambda c: (c["W"] @ c["a_prev"] + c["b"].T,),
            "wrong: b must be added as a column, the same to every example: W @ a_prev + b, "
            "with b of shape (n_l, 1).",
        ),
    ),
    hint="W is (n_l, n_(l-1)) and a_prev (n_(l-1), m), so W @ a_prev is (n_l, m).",
    against="the sums z_ij = sum_k W_ik a_kj + b_i",
)


def _output_cases(rng):
    made = []
    for (n, m), (g, g_prime, loss, loss_prime) in zip(
        sizes(rng, SHAPES), OUTPUT_UNITS, strict=True
    ):
        z = _normal(rng, n, m)
        y = draw_targets(rng, (n, m))
        dC_da, g_prime_z = loss_prime(g(z), y), g_prime(z)
        expected = slope(lambda z_, y=y, g=g, loss=loss: loss(g(z_), y), z)
        context = {"dC_da": dC_da, "g_prime_z": g_prime_z, "m": m}
        made.append(Case((dC_da, g_prime_z), (expected,), ("delta^L",), context))
    return made


OUTPUT_DELTA = Step(
    "output_delta",
    "output_delta(dC_da, g_prime_z) -> delta^L = dC/da * g'(z^L), of shape (n_L, m)",
    ("dC_da", "g_prime_z"),
    _output_cases,
    read_one(),
    _mistakes(
        (
            lambda c: (c["dC_da"],),
            "wrong: you returned dC/da alone; the chain rule multiplies it by g'(z^L).",
        ),
        (
            lambda c: (c["g_prime_z"],),
            "wrong: you returned g'(z^L) alone; the chain rule multiplies it by dC/da.",
        ),
        (
            lambda c: (c["dC_da"] + c["g_prime_z"],),
            "wrong: you added; the chain rule multiplies: delta^L = dC/da * g'(z^L), entry by "
            "entry.",
        ),
    ),
    {"1/m": PER_EXAMPLE},
    hint="dC_da and g_prime_z are both (n_L, m), and so is the delta.",
    against="central differences of the loss C(g(z)) in z",
)


def _column_slope(costs, z):
    """Central differences of per-example costs in z, one row of z at a time.

    ``costs(z)`` returns the m costs, one per column (example) of z, and column j depends on
    column j of z only; so moving row i of z by epsilon gives dC_j/dz_ij for every j at once.
    """
    grad = np.empty_like(z)
    for i in range(z.shape[0]):
        step = np.zeros_like(z)
        step[i] = EPSILON
        grad[i] = (costs(z + step) - costs(z - step)) / (2 * EPSILON)
    return grad


def _hidden_cases(rng):
    made = []
    for n_next, n, m in sizes(rng, ((3, 3, 3), (2, 4, 5), (1, 3, 1), (2, 3, 400))):
        z, W_next = _normal(rng, n, m), _normal(rng, n_next, n)
        b_next, delta_next = _normal(rng, n_next, 1), _normal(rng, n_next, m)

        def costs(z_, W=W_next, b=b_next, d=delta_next):
            # C = sum_k delta_k z^(l+1)_k per example, so that dC/dz^(l+1) = delta^(l+1)
            return (d * (W @ tanh(z_) + b)).sum(axis=0)

        context = {"W_next": W_next, "delta_next": delta_next, "g_prime_z": tanh_prime(z), "m": m}
        args = (W_next, delta_next, context["g_prime_z"])
        made.append(Case(args, (_column_slope(costs, z),), ("delta^l",), context))
    return made


HIDDEN_DELTA = Step(
    "hidden_delta",
    "hidden_delta(W_next, delta_next, g_prime_z) -> delta^l = g'(z^l) * (W^(l+1))^T "
    "delta^(l+1), of shape (n_l, m)",
    ("W_next", "delta_next", "g_prime_z"),
    _hidden_cases,
    read_one(),
    _mistakes(
        (
            lambda c: (c["g_prime_z"] * (c["W_next"] @ c["delta_next"]),),
            "wrong: you used W_next where its transpose belongs: delta^l = g'(z^l) * "
            "(W^(l+1))^T delta^(l+1).",
        ),
        (
            lambda c: (c["W_next"].T @ c["delta_next"],),
            "wrong: you left out g'(z^l): delta^l = g'(z^l) * (W^(l+1))^T delta^(l+1).",
        ),
        (
            lambda c: (c["g_prime_z"] + c["W_next"].T @ c["delta_next"],),
            "wrong: you added g'(z^l); the chain rule multiplies it, entry by entry.",
        ),
    ),
    {"1/m": PER_EXAMPLE},
    hint="W_next is (n_(l+1), n_l), delta_next (n_(l+1), m) and g_prime_z (n_l, m), the shape "
    "of the answer.",
    against="central differences of the loss in z^l",
)


def _cost_cases(rng, shapes, label):
    """Cases for the gradient of J(W, b) = (1/m) sum(delta * (W a_prev + b)) in W or in b.

    Its exact gradients are (1/m) delta a_prev^T and (1/m) delta summed over the columns;
    the cases hold central differences of J instead.
    """
    made = []
    for n, n_prev, m in sizes(rng, shapes):
        delta, a_prev = _normal(rng, n, m), _normal(rng, n_prev, m)
        W, b = _normal(rng, n, n_prev), _normal(rng, n, 1)

        def J(W_, b_, delta=delta, a_prev=a_prev):
            return np.sum(delta * (W_ @ a_prev + b_)) / a_prev.shape[1]

        context = {"delta": delta, "a_prev": a_prev, "m": m}
        if label == "dJ/dW":
            expected = numerical_gradient(lambda W_, b=b, J=J: J(W_, b), W)
            made.append(Case((delta, a_prev), (expected,), (label,), context))
        else:
            expected = numerical_gradient(lambda b_, W=W, J=J: J(W, b_), b)
            made.append(Case((delta,), (expected,), (label,), context))
    return made


WEIGHT_GRADIENT = Step(
    "weight_gradient",
    "weight_gradient(delta, a_prev) -> dJ/dW = (1/m) delta a_prev^T, of shape (n_l, n_(l-1))",
    ("delta", "a_prev"),
    lambda rng: _cost_cases(rng, LAYER_SHAPES, "dJ/dW"),
    read_one(),
    _mistakes(
        (
            lambda c: (c["a_prev"] @ c["delta"].T / c["m"],),
            "wrong: your dJ/dW is transposed: (1/m) delta a_prev^T has the shape of W, "
            "(n_l, n_(l-1)).",
        ),
        (
            lambda c: (np.outer(c["delta"].mean(axis=1), c["a_prev"].mean(axis=1)),),
            "wrong: you multiplied the averages of delta and a_prev; average the products "
            "instead: (1/m) delta a_prev^T adds one outer product per example.",
        ),
    ),
    {
        "m": "wrong: your weight_gradient is m = {m} times too large: divide the sum over "
        "examples by m.",
        "1/m": "wrong: your weight_gradient is m = {m} times too small: the deltas are per "
        "example, so divide their sum by m once (the notes divide twice).",
    },
    hint="delta is (n_l, m) and a_prev (n_(l-1), m); the answer has W's shape, (n_l, n_(l-1)).",
    against="central differences of J(W) = (1/m) sum(delta * (W a_prev + b))",
)


def _read_bias(value, case):
    n, m = case.context["delta"].shape
    numeric = isinstance(value, np.ndarray | np.generic | float | int)
    shape = np.shape(value) if numeric else None
    if shape in ((1, m), (m,)) and m > 1 and shape != (n, 1):
        raise wrong(
            f"wrong: your dJ/db has shape {shape}: you summed over the units (axis 0); sum "
            "over the examples, axis=1, keeping the column: delta.sum(axis=1, keepdims=True)."
        )
    if shape == (n, m) and m > 1:
        raise wrong(
            f"wrong: your dJ/db has shape {shape}, one column per example: average the "
            "columns, delta.sum(axis=1, keepdims=True) / m, of shape (n_l, 1)."
        )
    if shape == ():
        raise wrong(
            "wrong: your dJ/db is one number: you summed over everything; sum over the "
            "examples only, delta.sum(axis=1, keepdims=True), of shape (n_l, 1)."
        )
    return (read_array(value, case.expected[0], case.labels[0]),)


BIAS_GRADIENT = Step(
    "bias_gradient",
    "bias_gradient(delta) -> dJ/db = (1/m) sum of delta's columns, of shape (n_l, 1)",
    ("delta",),
    lambda rng: _cost_cases(rng, ((3, 2, 5), (2, 2, 1), (1, 2, 7), (4, 2, 400)), "dJ/db"),
    _read_bias,
    (),
    {
        "m": "wrong: your bias_gradient is m = {m} times too large: divide the sum over "
        "examples by m.",
        "1/m": "wrong: your bias_gradient is m = {m} times too small: the deltas are per "
        "example, so divide their sum by m once (the notes divide twice).",
    },
    against="central differences of J(b) = (1/m) sum(delta * (W a_prev + b))",
)


L2_CASES = (((3, 4), 0.7, 5), ((1, 1), 2.5, 1), ((4, 4), 0.3, 40), ((2, 3), 1.5, 12))
"""(shape of W, lambda, m) of the l2_gradient cases."""


def _l2_cases(rng):
    made = []
    for shape, l2_lambda, m in sizes(rng, L2_CASES):
        W = _normal(rng, *shape)

        def penalty(W_, l2_lambda=l2_lambda, m=m):
            return l2_lambda / (2 * m) * np.sum(W_ * W_)

        context = {"W": W, "l2_lambda": l2_lambda, "m": m}
        expected = numerical_gradient(penalty, W)
        made.append(Case((W, l2_lambda, m), (expected,), ("dP/dW",), context))
    return made


L2_GRADIENT = Step(
    "l2_gradient",
    "l2_gradient(W, l2_lambda, m) -> (lambda / m) W, the gradient of (lambda / 2m) sum W^2",
    ("W", "l2_lambda", "m"),
    _l2_cases,
    read_one(),
    _mistakes(
        (
            lambda c: (c["l2_lambda"] / c["m"] * c["W"] ** 2,),
            "wrong: the derivative of W^2 is 2W, so the gradient is (lambda / m) W, not "
            "(lambda / m) W^2.",
        ),
        (
            lambda c: (np.full_like(c["W"], c["l2_lambda"] / c["m"]),),
            "wrong: you left out W: the gradient is (lambda / m) W.",
        ),
    ),
    {
        "m": "wrong: you used lambda instead of lambda / m: the penalty is (lambda / 2m) sum "
        "W^2, so its gradient is (lambda / m) W (the notes leave out the m).",
        "1/m": "wrong: your l2_gradient is m = {m} times too small: the gradient of "
        "(lambda / 2m) sum W^2 is (lambda / m) W.",
        0.5: "wrong: your l2_gradient is half the right value: the 2 of W^2 cancels the 1/2 "
        "of lambda / 2m, so it is (lambda / m) W.",
        2.0: "wrong: your l2_gradient is twice the right value: the 2 of W^2 cancels the 1/2 "
        "of lambda / 2m, so it is (lambda / m) W.",
        -1.0: "wrong: your l2_gradient has the wrong sign: the penalty grows with |W|, so its "
        "gradient (lambda / m) W points the way W does.",
    },
    against="central differences of the penalty (lambda / 2m) sum W^2",
)

STEPS = (LINEAR_FORWARD, OUTPUT_DELTA, HIDDEN_DELTA, WEIGHT_GRADIENT, BIAS_GRADIENT, L2_GRADIENT)
"""The layer checks, in the course's order."""
