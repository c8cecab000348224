r"""Checks of notebook 05's two tools: the central-difference gradient and the relative error.

The numerical gradient is tried on
:math:`f(x) = \sum_i c_i x_i^3 + \sum_i d_i \sin x_i + \tfrac12 (\sum_i x_i)^2`, whose central
differences have a closed form for every epsilon (see :func:`_central`): so a forward
difference (off by O(epsilon)), a step other than epsilon (the c_i epsilon^2 term changes)
and moving all entries at once (the last term couples them) each give another answer.
"""

import numpy as np

from .checking import Case, Mistake, Step, sizes, wrong
from .reading import read_array, read_number

NUMERICAL_CASES = (((3,), 1e-2), ((2, 3), 1e-3), ((1, 1), 1e-2), ((4, 2), 1e-4))
"""(shape of x, epsilon): a vector, a matrix, one entry, and a small step. A step of 1e-2
makes the truncation term c_i epsilon^2 about 1e-4, far above the checks' tolerance, so
an answer that ignores epsilon is caught."""

FLOOR = 1e-8
"""The floor of the relative error's denominator (as in :func:`backprop_lib.relative_error`)."""


def _cubic_sine(c, d):
    def f(x):
        x = np.asarray(x, dtype=float)
        return float(np.sum(c * x**3) + np.sum(d * np.sin(x)) + 0.5 * np.sum(x) ** 2)

    return f


def _central(c, d, x, epsilon):
    """The central differences of f at x with step epsilon, in closed form."""
    return 3 * c * x**2 + c * epsilon**2 + d * np.cos(x) * np.sin(epsilon) / epsilon + np.sum(x)


def _numerical_cases(rng):
    made = []
    for shape, epsilon in sizes(rng, NUMERICAL_CASES):
        c, d = rng.uniform(0.5, 2.0, size=shape), rng.uniform(0.5, 2.0, size=shape)
        x = rng.uniform(-1.5, 1.5, size=shape)
        expected = (_central(c, d, x, epsilon),)
        kwargs = {"epsilon": epsilon}  # the message of the mistake that ignores it shows it
        made.append(Case((_cubic_sine(c, d), x), expected, ("gradient",), dict(kwargs), kwargs))
    return made


def _read_gradient(value, case):
    x = case.args[1]
    if isinstance(value, np.ndarray) and value.shape != x.shape and value.size == x.size:
        raise wrong(
            f"wrong: your gradient has shape {value.shape}; return it shaped like x, "
            f"{x.shape} (for example with np.empty_like(x) and np.ndindex(x.shape))."
        )
    return (read_array(value, case.expected[0], "gradient"),)


def _differences(f, x, plus, minus):
    """(f(x + plus e_i) - f(x - minus e_i)) / (plus + minus) for every entry i of x."""
    grad = np.empty(x.shape)
    for i in np.ndindex(x.shape):
        e_i = np.zeros(x.shape)
        e_i[i] = 1.0
        grad[i] = (f(x + plus * e_i) - f(x - minus * e_i)) / (plus + minus)
    return grad


NUMERICAL_GRADIENT = Step(
    "numerical_gradient",
    "numerical_gradient(f, x, epsilon=1e-5) -> the central differences "
    "(f(x + eps e_i) - f(x - eps e_i)) / (2 eps), shaped like x",
    ("f", "x"),
    _numerical_cases,
    _read_gradient,
    (
        Mistake(
            lambda f, x, epsilon=1e-5: _differences(f, x, epsilon, 0.0),
            "wrong: you used forward differences (f(x + eps) - f(x)) / eps, accurate to "
            "O(eps) only; use central ones, (f(x + eps e_i) - f(x - eps e_i)) / (2 eps).",
        ),
        Mistake(
            lambda f, x, epsilon=1e-5: _differences(f, x, 0.0, epsilon),
            "wrong: you used backward differences (f(x) - f(x - eps)) / eps, accurate to "
            "O(eps) only; use central ones, (f(x + eps e_i) - f(x - eps e_i)) / (2 eps).",
        ),
        Mistake(
            lambda f, x, epsilon=1e-5: _differences(f, x, 1e-5, 1e-5),
            "wrong: you ignored the epsilon passed in ({epsilon:g}): use the argument, not a "
            "fixed step.",
        ),
        Mistake(
            lambda f, x, epsilon=1e-5: np.full(
                x.shape, (f(x + epsilon) - f(x - epsilon)) / (2 * epsilon)
            ),
            "wrong: you moved every entry of x at once; move one entry at a time, x + eps e_i "
            "with e_i the i-th unit array, and keep the others fixed.",
        ),
    ),
    {
        2.0: "wrong: your numerical_gradient is twice the right value: divide by 2 eps, the "
        "distance between x - eps e_i and x + eps e_i.",
        -1.0: "wrong: your numerical_gradient has the wrong sign: it is "
        "(f(x + eps e_i) - f(x - eps e_i)) / (2 eps), the plus side first.",
    },
    hint="x may have any shape: loop over np.ndindex(x.shape), and call f on a copy of x with "
    "one entry moved.",
    against="the exact central differences of a cubic-and-sine function",
)


def _relative_error(a, n):
    """The rule, written as a loop over the entries: max |a - n| / max(1e-8, |a| + |n|)."""
    worst = 0.0
    for a_i, n_i in zip(np.ravel(a), np.ravel(n), strict=True):
        worst = max(worst, abs(a_i - n_i) / max(FLOOR, abs(a_i) + abs(n_i)))
    return worst


def _relative_cases(rng):
    """Pairs of gradients: close ones, one entry, tiny ones (where the floor matters), 1-D,
    and ones with entries that are 0 in both (0/0 without the floor)."""
    noisy = rng.standard_normal((3, 4))
    close = noisy * (1 + rng.uniform(-1e-3, 1e-3, size=(3, 4)))
    one = np.abs(rng.standard_normal((1, 1)))  # with n = 1.5 a, a - n < 0: signs matter
    tiny, tiny_too = (1e-9 * rng.uniform(0.5, 2.0, size=(2, 3)) for _ in range(2))
    vector = rng.standard_normal(5)
    zeros = np.where(rng.random((2, 5)) < 0.5, 0.0, rng.standard_normal((2, 5)))
    pairs = (
        (noisy, close),
        (one, 1.5 * one),
        (tiny, tiny_too),
        (vector, vector + 0.1 * rng.standard_normal(5)),
        (zeros, 0.9 * zeros),
    )
    return [
        Case((a, n), (np.array(_relative_error(a, n)),), ("relative error",), {}) for a, n in pairs
    ]


def _floored(a, n):
    return np.maximum(FLOOR, np.abs(a) + np.abs(n))


RELATIVE_ERROR = Step(
    "relative_error",
    "relative_error(analytic, numerical) -> max over the entries of "
    "|a - n| / max(1e-8, |a| + |n|), one number",
    ("analytic", "numerical"),
    _relative_cases,
    lambda value, case: (read_number(value, "relative error"),),
    (
        Mistake(
            lambda a, n: np.mean(np.abs(a - n) / _floored(a, n)),
            "wrong: you averaged the entries' errors; the rule takes the worst one, the max.",
        ),
        Mistake(
            lambda a, n: np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n)),
            "wrong: you used norms of the whole arrays; the rule compares entry by entry and "
            "takes the worst: max |a - n| / max(1e-8, |a| + |n|).",
        ),
        Mistake(
            lambda a, n: np.max(np.abs(a - n)) / np.max(_floored(a, n)),
            "wrong: you divided the largest difference by the largest sum; divide entry by "
            "entry, then take the largest ratio.",
        ),
        Mistake(
            lambda a, n: np.max(np.abs(a - n) / (np.abs(a) + np.abs(n))),
            "wrong: you left out the floor of the denominator, max(1e-8, |a| + |n|), which "
            "keeps tiny gradients from looking wrong and 0/0 from giving NaN.",
        ),
        Mistake(
            lambda a, n: np.max(np.abs(a - n) / np.maximum(FLOOR, np.abs(a))),
            "wrong: you divided by |analytic| alone; the denominator is |a| + |n| (floored at "
            "1e-8).",
        ),
        Mistake(
            lambda a, n: np.max((a - n) / _floored(a, n)),
            "wrong: you forgot the absolute value of a - n.",
        ),
    ),
    against="the rule max |a - n| / max(1e-8, |a| + |n|)",
)

STEPS = (NUMERICAL_GRADIENT, RELATIVE_ERROR)
"""Notebook 05's checks."""
