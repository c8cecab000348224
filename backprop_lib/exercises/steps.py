r"""Checks of the element-wise derivatives (notebooks 01 to 04): the activations' g'(z) and
the losses' dC/da. Each entry depends on the same entry of the input only, so the central
differences of the forward function on the whole array give the derivative at every entry."""

import numpy as np

from ..activations import relu, sigmoid, tanh
from ..losses import cross_entropy, cross_entropy_prime, half_squared_error, squared_error
from .checking import EPSILON, Case, Mistake, Step, sizes
from .reading import read_one

SHAPES = ((3, 5), (1, 1), (4, 1), (2, 400))
"""Input shapes (n, m): non-square, one example of one unit, one example of several units,
and many examples."""

Z_RANGE = 4.0
"""Pre-activations are drawn from [-4, 4], where sigmoid and tanh are curved but not flat."""

RELU_MARGIN = 0.1
"""ReLU's inputs keep |z| >= 0.1, away from the kink at 0 where its derivative jumps."""

A_RANGE = (0.05, 0.95)
"""Predictions a are drawn from here: inside (0, 1), as a sigmoid gives them, and away from
0 and 1, where the cross-entropy and its derivative blow up."""

PER_EXAMPLE = (
    "wrong: your {label} is m = {m} times too small: this derivative is per example; the 1/m "
    "of the cost J enters later, in dW and db."
)
"""The message for a per-example derivative divided by m."""


def slope(f, x):
    """Central differences of an element-wise function ``f`` at every entry of ``x`` at once."""
    return (f(x + EPSILON) - f(x - EPSILON)) / (2 * EPSILON)


def draw_targets(rng, shape):
    """Targets y: about half labels 0 or 1, half in between (soft targets)."""
    labels = rng.integers(0, 2, size=shape).astype(float)
    return np.where(rng.random(shape) < 0.5, labels, rng.uniform(0.0, 1.0, size=shape))


def _draw_z(rng, shape):
    return rng.uniform(-Z_RANGE, Z_RANGE, size=shape)


def _cases(draw, right, label):
    """``cases(rng)``: for each shape, the arguments ``draw(rng, shape)`` and ``right(*args)``."""

    def cases(rng):
        made = []
        for shape in sizes(rng, SHAPES):
            args = draw(rng, shape)
            made.append(Case(args, (right(*args),), (label,), {"m": shape[1]}))
        return made

    return cases


def _activation(g, label, mistakes, factors, draw=_draw_z, integers=""):
    name = f"{g.__name__}_prime"
    return Step(
        name,
        f"{name}(z) -> {label}, an array shaped like z",
        ("z",),
        _cases(lambda rng, shape: (draw(rng, shape),), lambda z: slope(g, z), label),
        read_one(integers),
        mistakes,
        factors,
        against=f"central differences of {g.__name__}(z)",
    )


SIGMOID_PRIME = _activation(
    sigmoid,
    "sigma'(z)",
    (
        Mistake(
            lambda z: sigmoid(sigmoid(z)) * (1 - sigmoid(sigmoid(z))),
            "wrong: you took sigma' at a = sigma(z): sigmoid_prime takes z, so compute "
            "s = sigma(z) and return s (1 - s).",
        ),
        Mistake(
            lambda z: z * (1 - z),
            "wrong: you returned z (1 - z); the formula a (1 - a) needs a = sigma(z) first.",
        ),
        Mistake(
            sigmoid,
            "wrong: you returned sigma(z) itself; its derivative is sigma(z) (1 - sigma(z)).",
        ),
        Mistake(
            lambda z: np.exp(-z) / (1 + np.exp(-z)),
            "wrong: you lost the square of the quotient rule: sigma'(z) = e^(-z) / (1 + e^(-z))^2.",
        ),
    ),
    {-1.0: "wrong: your sigmoid_prime has the wrong sign: sigma(z) (1 - sigma(z)) is positive."},
)

TANH_PRIME = _activation(
    tanh,
    "tanh'(z)",
    (
        Mistake(
            lambda z: 1 - np.tanh(np.tanh(z)) ** 2,
            "wrong: you took tanh' at a = tanh(z): tanh_prime takes z, so return 1 - tanh(z)^2.",
        ),
        Mistake(
            lambda z: 1 - z**2,
            "wrong: you returned 1 - z^2; the formula 1 - a^2 needs a = tanh(z) first.",
        ),
        Mistake(
            lambda z: 1 - np.tanh(z), "wrong: you forgot the square: tanh'(z) = 1 - tanh(z)^2."
        ),
        Mistake(np.tanh, "wrong: you returned tanh(z) itself; its derivative is 1 - tanh(z)^2."),
        Mistake(
            lambda z: 1 + np.tanh(z) ** 2,
            "wrong: the sign inside is wrong: tanh'(z) = 1 - tanh(z)^2, not 1 + tanh(z)^2.",
        ),
    ),
    {-1.0: "wrong: your tanh_prime has the wrong sign: 1 - tanh(z)^2 is positive."},
)

RELU_PRIME = _activation(
    relu,
    "relu'(z)",
    (
        Mistake(
            relu,
            "wrong: you returned max(0, z), ReLU itself; its derivative is 1 where z > 0 and 0 "
            "elsewhere.",
        ),
        Mistake(
            lambda z: (z < 0).astype(float),
            "wrong: your comparison is the wrong way round: the derivative is 1 where z > 0.",
        ),
        Mistake(
            np.ones_like, "wrong: you returned 1 everywhere; ReLU's derivative is 0 where z < 0."
        ),
    ),
    {-1.0: "wrong: your relu_prime has the wrong sign: it is 1 (not -1) where z > 0."},
    lambda rng, shape: (
        rng.choice([-1.0, 1.0], size=shape) * rng.uniform(RELU_MARGIN, Z_RANGE, size=shape)
    ),
    integers="wrong: relu_prime returned integers or booleans: return floats, for example "
    "(z > 0).astype(float), so it multiplies like the other derivatives (the notes' code "
    "returns integers).",
)


# ----- losses: dC/da for one prediction a and target y ----------------------------------------


def _draw_a_y(rng, shape):
    return rng.uniform(*A_RANGE, size=shape), draw_targets(rng, shape)


def _loss(loss, formula, mistakes, factors):
    name = f"{loss.__name__}_prime"
    return Step(
        name,
        f"{name}(a, y) -> dC/da for C = {formula}, shaped like a",
        ("a", "y"),
        _cases(_draw_a_y, lambda a, y: slope(lambda a_: loss(a_, y), a), "dC/da"),
        read_one(),
        mistakes,
        {"1/m": PER_EXAMPLE, **factors},
        against=f"central differences of C = {formula} in a",
    )


SQUARED_ERROR_PRIME = _loss(
    squared_error,
    "(a - y)^2",
    (
        Mistake(
            lambda a, y: 2 * (a - 1),
            "wrong: you wrote 2(a - 1): the derivative of (a - y)^2 is 2(a - y), with the "
            "target y (the notes print 2(a - 1)).",
        ),
        Mistake(
            squared_error,
            "wrong: you returned the loss (a - y)^2 itself, not its derivative 2(a - y).",
        ),
    ),
    {
        0.5: "wrong: your squared_error_prime is half the right value: the square brings down "
        "a factor 2, so dC/da = 2(a - y).",
        -1.0: "wrong: your squared_error_prime has the wrong sign: dC/da = 2(a - y), "
        "prediction minus target.",
    },
)

HALF_SQUARED_ERROR_PRIME = _loss(
    half_squared_error,
    "(a - y)^2 / 2",
    (
        Mistake(
            lambda a, y: a - 1,
            "wrong: you wrote a - 1: the derivative of (a - y)^2 / 2 is a - y, with the target y.",
        ),
        Mistake(
            half_squared_error,
            "wrong: you returned the loss (a - y)^2 / 2 itself, not its derivative a - y.",
        ),
    ),
    {
        2.0: "wrong: your half_squared_error_prime is twice the right value: the 1/2 cancels "
        "the 2 of the square, so dC/da = a - y.",
        -1.0: "wrong: your half_squared_error_prime has the wrong sign: dC/da = a - y, "
        "prediction minus target.",
    },
)

CROSS_ENTROPY_PRIME = _loss(
    cross_entropy,
    "-[y log a + (1 - y) log(1 - a)]",
    (
        Mistake(
            lambda a, y: y / a + (1 - y) / (1 - a),
            "wrong: the first term's sign: dC/da = -y/a + (1 - y)/(1 - a) (the notes print +y/a).",
        ),
        Mistake(
            lambda a, y: -y / a - (1 - y) / (1 - a),
            "wrong: the second term's sign: dC/da = -y/a + (1 - y)/(1 - a); the log(1 - a) "
            "term's chain rule brings a second minus.",
        ),
        Mistake(
            lambda a, y: a - y,
            "wrong: you returned a - y, the output delta dC/dz of a sigmoid unit; dC/da is "
            "-y/a + (1 - y)/(1 - a).",
        ),
        Mistake(
            lambda a, y: -y / a,
            "wrong: you left out the second term: dC/da = -y/a + (1 - y)/(1 - a).",
        ),
        Mistake(
            cross_entropy,
            "wrong: you returned the loss itself, not its derivative -y/a + (1 - y)/(1 - a).",
        ),
    ),
    {-1.0: "wrong: your cross_entropy_prime has the wrong sign: dC/da = -y/a + (1 - y)/(1 - a)."},
)


def _delta(a, y):
    """Central differences in z of the cross-entropy of sigma(z), at z = sigma^-1(a)."""
    return slope(lambda z: cross_entropy(sigmoid(z), y), np.log(a / (1 - a)))


SIGMOID_CROSS_ENTROPY_DELTA = Step(
    "sigmoid_cross_entropy_delta",
    "sigmoid_cross_entropy_delta(a, y) -> dC/dz for a = sigma(z) and the cross-entropy, "
    "shaped like a",
    ("a", "y"),
    _cases(_draw_a_y, _delta, "delta"),
    read_one(),
    (
        Mistake(
            cross_entropy_prime,
            "wrong: that is dC/da; the delta is dC/dz = dC/da sigma'(z), which simplifies to "
            "a - y.",
        ),
        Mistake(
            lambda a, y: (a - y) * a * (1 - a),
            "wrong: you multiplied a - y by sigma'(z) = a (1 - a) again; a - y already "
            "includes it.",
        ),
        Mistake(
            lambda a, y: cross_entropy_prime(a, y) * sigmoid(a) * (1 - sigmoid(a)),
            "wrong: you took sigma' at a; at z it is sigma'(z) = a (1 - a), and dC/da "
            "sigma'(z) simplifies to a - y.",
        ),
    ),
    {
        "1/m": PER_EXAMPLE,
        -1.0: "wrong: your sigmoid_cross_entropy_delta has the wrong sign: delta = a - y, "
        "prediction minus target.",
    },
    against="central differences of the cross-entropy of sigma(z) in z",
)

STEPS = (
    SIGMOID_PRIME,
    TANH_PRIME,
    RELU_PRIME,
    SQUARED_ERROR_PRIME,
    HALF_SQUARED_ERROR_PRIME,
    CROSS_ENTROPY_PRIME,
    SIGMOID_CROSS_ENTROPY_DELTA,
)
"""The element-wise checks, in the course's order."""
