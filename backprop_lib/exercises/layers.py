r"""Checks of one layer's steps (notebooks 03 and 04): z = W a + b, the two deltas, dJ/dW, dJ/db
and the L2 term, each against central differences of the forward computation. W^l is
(n_l, n_{l-1}), a^{l-1} is (n_{l-1}, m), b^l is (n_l, 1), z^l and delta^l are (n_l, m)."""

import numpy as np

from ..activations import ACTIVATIONS, tanh, tanh_prime
from ..gradcheck import numerical_gradient
from ..losses import LOSSES
from .checking import EPSILON, Case, Mistake, Step, sizes, wrong
from .reading import read_array, read_one
from .steps import PER_EXAMPLE, SHAPES, draw_targets, slope

LAYER_SHAPES = ((3, 3, 3), (3, 4, 5), (2, 3, 1), (4, 2, 400))
"""Shapes (n_l, n_{l-1}, m): square first (a transposed or misplaced factor still fits, so
its values name the mistake instead of a shape error), then non-square, one example and many
examples."""

OUTPUT_UNITS = (
    ("sigmoid", "half_squared_error"),
    ("tanh", "squared_error"),
    ("sigmoid", "cross_entropy"),
    ("identity", "half_squared_error"),
)
"""(output activation, loss) of the output_delta cases, one per case."""


def _each(case, table):
    """``cases(rng)``: ``case(rng, *row)`` for each row of ``sizes(rng, table)``."""
    return lambda rng: [case(rng, *row) for row in sizes(rng, table)]


def _normal(rng, *shape):
    return rng.standard_normal(shape)


def _linear_case(rng, n, n_prev, m):
    W, a_prev, b = _normal(rng, n, n_prev), _normal(rng, n_prev, m), _normal(rng, n, 1)
    z = (W[:, :, None] * a_prev[None, :, :]).sum(axis=1) + b  # z_ij = sum_k W_ik a_kj + b_i
    return Case((W, a_prev, b), (z,), ("z",), {"m": m})


LINEAR_FORWARD = Step(
    "linear_forward",
    "linear_forward(W, a_prev, b) -> z = W a_prev + b, of shape (n_l, m)",
    ("W", "a_prev", "b"),
    _each(_linear_case, LAYER_SHAPES),
    read_one(),
    (
        Mistake(lambda W, a_prev, b: W @ a_prev, "wrong: you forgot the bias: z = W a_prev + b."),
        Mistake(lambda W, a_prev, b: W @ a_prev - b, "wrong: you subtracted b: z = W a_prev + b."),
        Mistake(
            lambda W, a_prev, b: W.T @ a_prev + b,
            "wrong: you used W^T; W is (n_l, n_(l-1)) already, so z = W a_prev + b needs no "
            "transpose.",
        ),
        Mistake(
            lambda W, a_prev, b: W * a_prev + b,
            "wrong: you multiplied entry by entry; W a_prev is a matrix product (W @ a_prev).",
        ),
        Mistake(
            lambda W, a_prev, b: W @ a_prev + b.T,
            "wrong: b must be added as a column, the same to every example: W @ a_prev + b, "
            "with b of shape (n_l, 1).",
        ),
    ),
    hint="W is (n_l, n_(l-1)) and a_prev (n_(l-1), m), so W @ a_prev is (n_l, m).",
    against="the sums z_ij = sum_k W_ik a_kj + b_i",
)


def _output_case(rng, shape, unit):
    (n, m), (g, g_prime), (C, C_prime) = shape, ACTIVATIONS[unit[0]], LOSSES[unit[1]]
    z, y = _normal(rng, n, m), draw_targets(rng, (n, m))
    expected = slope(lambda z_: C(g(z_), y), z)
    return Case((C_prime(g(z), y), g_prime(z)), (expected,), ("delta^L",), {"m": m})


OUTPUT_DELTA = Step(
    "output_delta",
    "output_delta(dC_da, g_prime_z) -> delta^L = dC/da * g'(z^L), of shape (n_L, m)",
    ("dC_da", "g_prime_z"),
    _each(_output_case, tuple(zip(SHAPES, OUTPUT_UNITS, strict=True))),
    read_one(),
    (
        Mistake(
            lambda dC_da, g_prime_z: dC_da,
            "wrong: you returned dC/da alone; the chain rule multiplies it by g'(z^L).",
        ),
        Mistake(
            lambda dC_da, g_prime_z: g_prime_z,
            "wrong: you returned g'(z^L) alone; the chain rule multiplies it by dC/da.",
        ),
        Mistake(
            lambda dC_da, g_prime_z: dC_da + g_prime_z,
            "wrong: you added; the chain rule multiplies: delta^L = dC/da * g'(z^L), entry by "
            "entry.",
        ),
    ),
    {"1/m": PER_EXAMPLE},
    hint="dC_da and g_prime_z are both (n_L, m), and so is the delta.",
    against="central differences of the loss C(g(z)) in z",
)


def _column_slope(costs, z):
    """Central differences of the m costs ``costs(z)`` in z, one row of z at a time: cost j
    depends on column j of z only, so moving row i gives dC_j/dz_ij for every j at once."""
    grad = np.empty_like(z)
    for i in range(z.shape[0]):
        step = np.zeros_like(z)
        step[i] = EPSILON
        grad[i] = (costs(z + step) - costs(z - step)) / (2 * EPSILON)
    return grad


def _hidden_case(rng, n_next, n, m):
    z, W_next = _normal(rng, n, m), _normal(rng, n_next, n)
    b_next, delta_next = _normal(rng, n_next, 1), _normal(rng, n_next, m)

    def costs(z_):  # C = sum_k delta_k z^(l+1)_k per example, so that dC/dz^(l+1) = delta^(l+1)
        return (delta_next * (W_next @ tanh(z_) + b_next)).sum(axis=0)

    args = (W_next, delta_next, tanh_prime(z))
    return Case(args, (_column_slope(costs, z),), ("delta^l",), {"m": m})


HIDDEN_DELTA = Step(
    "hidden_delta",
    "hidden_delta(W_next, delta_next, g_prime_z) -> delta^l = g'(z^l) * (W^(l+1))^T "
    "delta^(l+1), of shape (n_l, m)",
    ("W_next", "delta_next", "g_prime_z"),
    _each(_hidden_case, ((3, 3, 3), (2, 4, 5), (1, 3, 1), (2, 3, 400))),
    read_one(),
    (
        Mistake(
            lambda W_next, delta_next, g_prime_z: g_prime_z * (W_next @ delta_next),
            "wrong: you used W_next where its transpose belongs: delta^l = g'(z^l) * "
            "(W^(l+1))^T delta^(l+1).",
        ),
        Mistake(
            lambda W_next, delta_next, g_prime_z: W_next.T @ delta_next,
            "wrong: you left out g'(z^l): delta^l = g'(z^l) * (W^(l+1))^T delta^(l+1).",
        ),
        Mistake(
            lambda W_next, delta_next, g_prime_z: g_prime_z + W_next.T @ delta_next,
            "wrong: you added g'(z^l); the chain rule multiplies it, entry by entry.",
        ),
    ),
    {"1/m": PER_EXAMPLE},
    hint="W_next is (n_(l+1), n_l), delta_next (n_(l+1), m) and g_prime_z (n_l, m), the shape "
    "of the answer.",
    against="central differences of the loss in z^l",
)


def _cost_cases(wrt, table):
    """Cases for the gradient in W or in b of J(W, b) = (1/m) sum(delta * (W a_prev + b)),
    whose exact gradients are (1/m) delta a_prev^T and (1/m) delta's columns summed."""

    def case(rng, n, n_prev, m):
        delta, a_prev = _normal(rng, n, m), _normal(rng, n_prev, m)
        W, b = _normal(rng, n, n_prev), _normal(rng, n, 1)

        def J(W, b):
            return np.sum(delta * (W @ a_prev + b)) / m

        if wrt == "W":
            dJ_dW = numerical_gradient(lambda W_: J(W_, b), W)
            return Case((delta, a_prev), (dJ_dW,), ("dJ/dW",), {"m": m})
        return Case((delta,), (numerical_gradient(lambda b_: J(W, b_), b),), ("dJ/db",), {"m": m})

    return _each(case, table)


MEAN_FACTORS = {
    "m": "wrong: your {label} is m = {m} times too large: divide the sum over examples by m.",
    "1/m": "wrong: your {label} is m = {m} times too small: the deltas are per example, so "
    "divide their sum by m once (the notes divide twice).",
}
"""The messages of dJ/dW or dJ/db summed over the examples, or divided by m twice."""


WEIGHT_GRADIENT = Step(
    "weight_gradient",
    "weight_gradient(delta, a_prev) -> dJ/dW = (1/m) delta a_prev^T, of shape (n_l, n_(l-1))",
    ("delta", "a_prev"),
    _cost_cases("W", LAYER_SHAPES),
    read_one(),
    (
        Mistake(
            lambda delta, a_prev: a_prev @ delta.T / delta.shape[1],
            "wrong: your dJ/dW is transposed: (1/m) delta a_prev^T has the shape of W, "
            "(n_l, n_(l-1)).",
        ),
        Mistake(
            lambda delta, a_prev: np.outer(delta.mean(axis=1), a_prev.mean(axis=1)),
            "wrong: you multiplied the averages of delta and a_prev; average the products "
            "instead: (1/m) delta a_prev^T adds one outer product per example.",
        ),
    ),
    MEAN_FACTORS,
    hint="delta is (n_l, m) and a_prev (n_(l-1), m); the answer has W's shape, (n_l, n_(l-1)).",
    against="central differences of J(W) = (1/m) sum(delta * (W a_prev + b))",
)


def _read_bias(value, case):
    n, m = case.args[0].shape
    shape = np.shape(value) if isinstance(value, np.ndarray | np.generic | float | int) else None
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
    _cost_cases("b", ((3, 2, 5), (2, 2, 1), (1, 2, 7), (4, 2, 400))),
    _read_bias,
    (),
    MEAN_FACTORS,
    against="central differences of J(b) = (1/m) sum(delta * (W a_prev + b))",
)


def _l2_case(rng, shape, l2_lambda, m):
    W = _normal(rng, *shape)
    dP_dW = numerical_gradient(lambda W_: l2_lambda / (2 * m) * np.sum(W_ * W_), W)
    return Case((W, l2_lambda, m), (dP_dW,), ("dP/dW",), {"m": m})


L2_GRADIENT = Step(
    "l2_gradient",
    "l2_gradient(W, l2_lambda, m) -> (lambda / m) W, the gradient of (lambda / 2m) sum W^2",
    ("W", "l2_lambda", "m"),
    _each(_l2_case, (((3, 4), 0.7, 5), ((1, 1), 2.5, 1), ((4, 4), 0.3, 40), ((2, 3), 1.5, 12))),
    read_one(),
    (
        Mistake(
            lambda W, l2_lambda, m: l2_lambda / m * W**2,
            "wrong: the derivative of W^2 is 2W, so the gradient is (lambda / m) W, not "
            "(lambda / m) W^2.",
        ),
        Mistake(
            lambda W, l2_lambda, m: np.full_like(W, l2_lambda / m),
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
