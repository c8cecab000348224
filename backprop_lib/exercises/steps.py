r"""Checks of the element-wise derivatives: the activations' g'(z) and the losses' dC/da.

Each entry of these functions depends on the same entry of its input only, so the central
differences of the forward function, :math:`(f(x + \epsilon) - f(x - \epsilon)) / 2\epsilon`
evaluated on the whole array at once, give the derivative at every entry. Notebooks 01
(sigmoid, squared error), 02 (cross-entropy), 03 (half the squared error) and 04 (tanh,
ReLU) derive them.
"""

import numpy as np

from ..activations import relu, sigmoid, tanh
from ..losses import cross_entropy, half_squared_error, squared_error
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


def _draw_z(rng, shape):
    return rng.uniform(-Z_RANGE, Z_RANGE, size=shape)


def _draw_relu_z(rng, shape):
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(RELU_MARGIN, Z_RANGE, size=shape)


def draw_targets(rng, shape):
    """Targets y: about half labels 0 or 1, half in between (soft targets)."""
    labels = rng.integers(0, 2, size=shape).astype(float)
    return np.where(rng.random(shape) < 0.5, labels, rng.uniform(0.0, 1.0, size=shape))


def _activation(name, g, label, draw, mistakes, factors, integers=""):
    def cases(rng):
        made = []
        for shape in sizes(rng, SHAPES):
            z = draw(rng, shape)
            made.append(Case((z,), (slope(g, z),), (label,), {"z": z, "m": shape[1]}))
        return made

    return Step(
        name,
        f"{name}(z) -> {label}, an array shaped like z",
        ("z",),
        cases,
        read_one(integers),
        tuple(Mistake(predict, message) for predict, message in mistakes),
        factors,
        against=f"central differences of {g.__name__}(z)",
    )


def _z(context):
    return context["z"]


SIGMOID_PRIME = _activation(
    "sigmoid_prime",
    sigmoid,
    "sigma'(z)",
    _draw_z,
    (
        (
            lambda c: (sigmoid(sigmoid(_z(c))) * (1 - sigmoid(sigmoid(_z(c)))),),
            "wrong: you took sigma' at a = sigma(z): sigmoid_prime takes z, so compute "
            "s = sigma(z) and return s (1 - s).",
        ),
        (
            lambda c: (_z(c) * (1 - _z(c)),),
            "wrong: you returned z (1 - z); the formula a (1 - a) needs a = sigma(z) first.",
        ),
        (
            lambda c: (sigmoid(_z(c)),),
            "wrong: you returned sigma(z) itself; its derivative is sigma(z) (1 - sigma(z)).",
        ),
        (
            lambda c: (np.exp(-_z(c)) / (1 + np.exp(-_z(c))),),
            "wrong: you lost the square of the quotient rule: sigma'(z) = e^(-z) / (1 + e^(-z))^2.",
        ),
    ),
    {-1.0: "wrong: your sigmoid_prime has the wrong sign: sigma(z) (1 - sigma(z)) is positive."},
)

TANH_PRIME = _activation(
    "tanh_prime",
    tanh,
    "tanh'(z)",
    _draw_z,
    (
        (
            lambda c: (1 - np.tanh(np.tanh(_z(c))) ** 2,),
            "wrong: you took tanh' at a = tanh(z): tanh_prime takes z, so return 1 - tanh(z)^2.",
        ),
        (
            lambda c: (1 - _z(c) ** 2,),
            "wrong: you returned 1 - z^2; the formula 1 - a^2 needs a = tanh(z) first.",
        ),
        (
            lambda c: (1 - np.tanh(_z(c)),),
            "wrong: you forgot the square: tanh'(z) = 1 - tanh(z)^2.",
        ),
        (
            lambda c: (np.tanh(_z(c)),),
            "wrong: you returned tanh(z) itself; its derivative is 1 - tanh(z)^2.",
        ),
        (
            lambda c: (1 + np.tanh(_z(c)) ** 2,),
            "wrong: the sign inside is wrong: tanh'(z) = 1 - tanh(z)^2, not 1 + tanh(z)^2.",
        ),
    ),
    {-1.0: "wrong: your tanh_prime has the wrong sign: 1 - tanh(z)^2 is positive."},
)

RELU_PRIME = _activation(
    "relu_prime",
    relu,
    "relu'(z)",
    _draw_relu_z,
    (
        (
            lambda c: (relu(_z(c)),),
            "wrong: you returned max(0, z), ReLU itself; its derivative is 1 where z > 0 and 0 "
            "elsewhere.",
        ),
        (
            lambda c: ((_z(c) < 0).astype(float),),
            "wrong: your comparison is the wrong way round: the derivative is 1 where z > 0.",
        ),
        (
            lambda c: (np.ones_like(_z(c)),),
            "wrong: you returned 1 everywhere; ReLU's derivative is 0 where z < 0.",
        ),
    ),
    {-1.0: "wrong: your relu_prime has the wrong sign: it is 1 (not -1) where z > 0."},
    integers="wrong: relu_prime returned integers or booleans: return floats, for example "
    "(z > 0).astype(float), so it multiplies like the other derivatives (the notes' code "
    "returns integers).",
)


# ----- losses: dC/da for one prediction a and target y ----------------------------------------


def _loss(name, loss, formula, mistakes, factors):
    def cases(rng):
        made = []
        for shape in sizes(rng, SHAPES):
            a, y = rng.uniform(*A_RANGE, size=shape), draw_targets(rng, shape)
            expected = slope(lambda a_, y=y: loss(a_, y), a)
            made.append(Case((a, y), (expected,), ("dC/da",), {"a": a, "y": y, "m": shape[1]}))
        return made

    return Step(
        name,
        f"{name}(a, y) -> dC/da for C = {formula}, shaped like a",
        ("a", "y"),
        cases,
        read_one(),
        tuple(Mistake(predict, message) for predict, message in mistakes),
        {"1/m": PER_EXAMPLE, **factors},
        against=f"central differences of C = {formula} in a",
    )


def _a(context):
    return context["a"]


def _y(context):
    return context["y"]


SQUARED_ERROR_PRIME = _loss(
    "squared_error_prime",
    squared_error,
    "(a - y)^2",
    (
        (
            lambda c: (2 * (_a(c) - 1),),
            "wrong: you wrote 2(a - 1): the derivative of (a - y)^2 is 2(a - y), with the "
            "target y (the notes print 2(a - 1)).",
        ),
        (
            lambda c: ((_a(c) - _y(c)) ** 2,),
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
    "half_squared_error_prime",
    half_squared_error,
    "(a - y)^2 / 2",
    (
        (
            lambda c: (_a(c) - 1,),
            "wrong: you wrote a - 1: the derivative of (a - y)^2 / 2 is a - y, with the target y.",
        ),
        (
            lambda c: (0.5 * (_a(c) - _y(c)) ** 2,),
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
    "cross_entropy_prime",
    cross_entropy,
    "-[y log a + (1 - y) log(1 - a)]",
    (
        (
            lambda c: (_y(c) / _a(c) + (1 - _y(c)) / (1 - _a(c)),),
            "wrong: the first term's sign: dC/da = -y/a + (1 - y)/(1 - a) (the notes print +y/a).",
        ),
        (
            lambda c: (-_y(c) / _a(c) - (1 - _y(c)) / (1 - _a(c)),),
            "wrong: the second term's sign: dC/da = -y/a + (1 - y)/(1 - a); the log(1 - a) "
            "term's chain rule brings a second minus.",
        ),
        (
            lambda c: (_a(c) - _y(c),),
            "wrong: you returned a - y, the output delta dC/dz of a sigmoid unit; dC/da is "
            "-y/a + (1 - y)/(1 - a).",
        ),
        (
            lambda c: (-_y(c) / _a(c),),
            "wrong: you left out the second term: dC/da = -y/a + (1 - y)/(1 - a).",
        ),
        (
            lambda c: (cross_entropy(_a(c), _y(c)),),
            "wrong: you returned the loss itself, not its derivative -y/a + (1 - y)/(1 - a).",
        ),
    ),
    {-1.0: "wrong: your cross_entropy_prime has the wrong sign: dC/da = -y/a + (1 - y)/(1 - a)."},
)


def _logit(a):
    return np.log(a / (1 - a))


def _delta_cases(rng):
    made = []
    for shape in sizes(rng, SHAPES):
        a, y = rng.uniform(*A_RANGE, size=shape), draw_targets(rng, shape)
        expected = slope(lambda z, y=y: cross_entropy(sigmoid(z), y), _logit(a))
        made.append(Case((a, y), (expected,), ("delta",), {"a": a, "y": y, "m": shape[1]}))
    return made


def _ce_prime(context):
    return -_y(context) / _a(context) + (1 - _y(context)) / (1 - _a(context))


SIGMOID_CROSS_ENTROPY_DELTA = Step(
    "sigmoid_cross_entropy_delta",
    "sigmoid_cross_entropy_delta(a, y) -> dC/dz for a = sigma(z) and the cross-entropy, "
    "shaped like a",
    ("a", "y"),
    _delta_cases,
    read_one(),
    (
        Mistake(
            lambda c: (_ce_prime(c),),
            "wrong: that is dC/da; the delta is dC/dz = dC/da sigma'(z), which simplifies to "
            "a - y.",
        ),
        Mistake(
            lambda c: ((_a(c) - _y(c)) * _a(c) * (1 - _a(c)),),
            "wrong: you multiplied a - y by sigma'(z) = a (1 - a) again; a - y already "
            "includes it.",
        ),
        Mistake(
            lambda c: (_ce_prime(c) * sigmoid(_a(c)) * (1 - sigmoid(_a(c))),),
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
