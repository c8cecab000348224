"""Each step's check: differently written right answers pass, and each wrong answer that no
catalogued mistake explains (a factor, a transpose, a shape, an exception, a changed argument),
written as a student would write it, is rejected with its diagnosis. The catalogued mistakes
are run as answers by tests/test_exercises_catalogue.py.

Each MISTAKES row is (check, the wrong function, words its message must contain). The
words are the diagnosis: the one thing the message must tell the student.
"""

import math
import re

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib import exercises


def _loop(f):
    """f applied entry by entry in a Python loop: an answer written another way."""

    def looped(*arrays):
        out = np.empty(np.shape(arrays[0]))
        for index in np.ndindex(out.shape):
            out[index] = f(*(float(array[index]) for array in arrays))
        return out

    return looped


def _sig(z):
    return 1 / (1 + np.exp(-z))


def _m(array):
    return array.shape[1]


def _numerical_gradient_loop(f, x, epsilon=1e-5):
    grad = np.zeros_like(x, dtype=float)
    for index in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[index] += epsilon
        minus[index] -= epsilon
        grad[index] = (f(plus) - f(minus)) / (2 * epsilon)
    return grad


def _numerical_gradient_flat(f, x, epsilon=1e-5):
    grad = np.empty(x.size)
    for i in range(x.size):
        step = np.zeros(x.size)
        step[i] = epsilon
        grad[i] = (f(x + step.reshape(x.shape)) - f(x - step.reshape(x.shape))) / (2 * epsilon)
    return grad.reshape(x.shape)


def _worst_ratio(a, n):
    worst = 0.0
    for a_i, n_i in zip(np.ravel(a), np.ravel(n), strict=True):
        worst = max(worst, abs(a_i - n_i) / max(1e-8, abs(a_i) + abs(n_i)))
    return worst


RIGHT = {
    "sigmoid_prime": [
        lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2,
        _loop(lambda z: math.exp(-z) / (1 + math.exp(-z)) ** 2),
    ],
    "tanh_prime": [
        lambda z: 1 / np.cosh(z) ** 2,
        lambda z: 4 / (np.exp(z) + np.exp(-z)) ** 2,
    ],
    "relu_prime": [
        lambda z: np.where(z > 0, 1.0, 0.0),
        lambda z: np.heaviside(z, 0.0),
        _loop(lambda z: 1.0 if z > 0 else 0.0),
    ],
    "squared_error_prime": [
        lambda a, y: 2 * a - 2 * y,
        _loop(lambda a, y: 2 * (a - y)),
    ],
    "half_squared_error_prime": [
        lambda a, y: 2 * (a - y) / 2,
        lambda a, y: -(y - a),
    ],
    "cross_entropy_prime": [
        lambda a, y: (a - y) / (a * (1 - a)),
        _loop(lambda a, y: -y / a + (1 - y) / (1 - a)),
    ],
    "sigmoid_cross_entropy_delta": [
        lambda a, y: bp.cross_entropy_prime(a, y) * a * (1 - a),
        lambda a, y: -(y - a),
    ],
    "linear_forward": [
        lambda W, a, b: np.einsum("ik,kj->ij", W, a) + b,
        lambda W, a, b: (a.T @ W.T).T + b,
        lambda W, a, b: np.array(
            [[W[i] @ a[:, j] + b[i, 0] for j in range(a.shape[1])] for i in range(W.shape[0])]
        ),
    ],
    "output_delta": [
        lambda dC_da, g: np.multiply(g, dC_da),
        _loop(lambda d, g: d * g),
    ],
    "hidden_delta": [
        lambda W, d, g: np.einsum("ki,kj->ij", W, d) * g,
        lambda W, d, g: (d.T @ W).T * g,
        lambda W, d, g: np.stack([g[:, j] * (W.T @ d[:, j]) for j in range(d.shape[1])], axis=1),
    ],
    "weight_gradient": [
        lambda d, a: np.einsum("im,jm->ij", d, a) / _m(d),
        lambda d, a: sum(np.outer(d[:, j], a[:, j]) for j in range(_m(d))) / _m(d),
        lambda d, a: (d[:, None, :] * a[None, :, :]).mean(axis=2),
    ],
    "bias_gradient": [
        lambda d: d.mean(axis=1, keepdims=True),
        lambda d: d @ np.ones((_m(d), 1)) / _m(d),
        lambda d: np.array([[sum(row) / len(row)] for row in d]),
    ],
    "l2_gradient": [
        lambda W, lam, m: lam * W / m,
        lambda W, lam, m: np.multiply(W, lam / m),
        lambda W, lam, m: _loop(lambda w: lam / m * w)(W),
    ],
    "numerical_gradient": [
        _numerical_gradient_loop,
        _numerical_gradient_flat,
    ],
    "relative_error": [
        _worst_ratio,
        lambda a, n: np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))),
    ],
}


@pytest.mark.parametrize(
    ("name", "fn"),
    [(name, fn) for name, fns in RIGHT.items() for fn in fns],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_right_answers_written_in_different_ways_pass(name, fn):
    for seed in (0, 1):
        result = exercises.check(name, fn, seed=seed)
        assert result.passed, result.message


@pytest.mark.parametrize(
    "name",
    list(RIGHT),
)
def test_the_librarys_own_function_is_rejected_as_a_delegation(name):
    """bp.sigmoid_prime and the like were right answers: now they are the library's answer."""
    library = getattr(bp, name)
    result = exercises.check(name, library)
    assert result.status == "wrong", result.message
    assert f"called {library.__module__}.{name}, the library's own answer" in result.message


def _in_place_differences(f, x, epsilon=1e-5):
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        x[index] += epsilon
        f_plus = f(x)
        x[index] -= 2 * epsilon
        grad[index] = (f_plus - f(x)) / (2 * epsilon)  # x is left epsilon below where it was
    return grad


def _scaled(fn, factor):
    return lambda *args, **kwargs: factor * fn(*args, **kwargs)


MISTAKES = [
    # sigmoid_prime
    ("sigmoid_prime", lambda z: _sig(z) * (_sig(z) - 1), "has the wrong sign"),
    # tanh_prime
    ("tanh_prime", lambda z: np.tanh(z) ** 2 - 1, "has the wrong sign"),
    # relu_prime
    ("relu_prime", lambda z: z > 0, "returned integers or booleans"),
    ("relu_prime", lambda z: (z > 0).astype(int), "the notes' code returns integers"),
    ("relu_prime", lambda z: np.where(z > 0, -1.0, 0.0), "has the wrong sign"),
    # squared_error_prime
    ("squared_error_prime", lambda a, y: a - y, "half the right value: the square brings down"),
    ("squared_error_prime", lambda a, y: 2 * (y - a), "wrong sign: dC/da = 2(a - y)"),
    (
        "squared_error_prime",
        lambda a, y: 2 * (a - y) / a.shape[1],
        "m = 5 times too small: this derivative is per example",
    ),
    # half_squared_error_prime
    (
        "half_squared_error_prime",
        lambda a, y: 2 * (a - y),
        "twice the right value: the 1/2 cancels",
    ),
    ("half_squared_error_prime", lambda a, y: y - a, "wrong sign"),
    ("half_squared_error_prime", lambda a, y: (a - y) / a.shape[1], "per example"),
    # cross_entropy_prime
    ("cross_entropy_prime", lambda a, y: y / a - (1 - y) / (1 - a), "has the wrong sign"),
    ("cross_entropy_prime", lambda a, y: (a - y) / (a * (1 - a)) / _m(a), "per example"),
    # sigmoid_cross_entropy_delta
    ("sigmoid_cross_entropy_delta", lambda a, y: y - a, "has the wrong sign"),
    ("sigmoid_cross_entropy_delta", lambda a, y: (a - y) / a.shape[1], "per example"),
    # linear_forward
    ("linear_forward", lambda W, a, b: a.T @ W.T + b.T, "your z is the transpose of the right one"),
    (
        "linear_forward",
        lambda W, a, b: W @ a + b @ b,
        "raised ValueError: matmul: Input operand 1 has a mismatch in its core dimension 0",
    ),
    (
        "linear_forward",
        lambda W, a, b: W @ a + b @ b,
        "W is (n_l, n_(l-1)) and a_prev (n_(l-1), m)",
    ),
    # output_delta
    ("output_delta", lambda d, g: d * g / d.shape[1], "per example"),
    ("output_delta", lambda d, g: -d * g, "has the opposite sign"),
    ("output_delta", lambda d, g: d @ g.T, "has shape (3, 3) but must have shape (3, 5)."),
    ("output_delta", lambda d, g: d @ g, "dC_da and g_prime_z are both (n_L, m)"),
    # hidden_delta
    ("hidden_delta", lambda W, d, g: g * (W.T @ d) / d.shape[1], "per example"),
    ("hidden_delta", lambda W, d, g: -g * (W.T @ d), "has the opposite sign"),
    (
        "hidden_delta",
        lambda W, d, g: d.T @ W * g.T,
        "your delta^l is the transpose of the right one",
    ),
    ("hidden_delta", lambda W, d, g: (W.T @ d) * g.ravel(), "g_prime_z (n_l, m), the shape"),
    # weight_gradient
    (
        "weight_gradient",
        lambda d, a: d @ a.T,
        "m = 3 times too large: divide the sum over examples by m",
    ),
    (
        "weight_gradient",
        lambda d, a: d @ a.T / _m(d) ** 2,
        "divide their sum by m once (the notes divide twice)",
    ),
    ("weight_gradient", lambda d, a: -d @ a.T / _m(d), "has the opposite sign"),
    (
        "weight_gradient",
        lambda d, a: (d @ a.T / _m(d)).ravel(),
        "has shape (9,) but must have shape (3, 3).",
    ),
    # bias_gradient
    (
        "bias_gradient",
        lambda d: d.sum(axis=1, keepdims=True),
        "m = 5 times too large: divide the sum",
    ),
    (
        "bias_gradient",
        lambda d: d.sum(axis=1, keepdims=True) / _m(d) ** 2,
        "divide their sum by m once",
    ),
    (
        "bias_gradient",
        lambda d: d.sum(axis=0, keepdims=True) / _m(d),
        "you summed over the units (axis 0)",
    ),
    ("bias_gradient", lambda d: d.mean(axis=0), "you summed over the units (axis 0)"),
    (
        "bias_gradient",
        lambda d: d.mean(axis=1),
        "has shape (3,) but must have shape (3, 1), a column: keep the axis",
    ),
    ("bias_gradient", lambda d: d, "one column per example: average the columns"),
    ("bias_gradient", lambda d: d.mean(), "you summed over everything"),
    ("bias_gradient", lambda d: -d.mean(axis=1, keepdims=True), "has the opposite sign"),
    # l2_gradient
    ("l2_gradient", lambda W, lam, m: lam * W, "you used lambda instead of lambda / m"),
    (
        "l2_gradient",
        lambda W, lam, m: lam / (2 * m) * W,
        "half the right value: the 2 of W^2 cancels",
    ),
    ("l2_gradient", lambda W, lam, m: 2 * lam / m * W, "twice the right value"),
    ("l2_gradient", lambda W, lam, m: -lam / m * W, "has the wrong sign"),
    ("l2_gradient", lambda W, lam, m: lam / m**2 * W, "m = 5 times too small"),
    # numerical_gradient
    ("numerical_gradient", _scaled(_numerical_gradient_loop, 2), "divide by 2 eps"),
    ("numerical_gradient", _scaled(_numerical_gradient_loop, -1), "has the wrong sign"),
    ("numerical_gradient", _in_place_differences, "changed its argument x (in place)"),
    (
        "numerical_gradient",
        lambda f, x, epsilon=1e-5: _numerical_gradient_loop(f, x, epsilon).ravel(),
        "return it shaped like x",
    ),
    (
        "numerical_gradient",
        lambda f, x, epsilon: _numerical_gradient_loop(f, x, epsilon)[0],
        "has shape () but must have shape (3,)",
    ),
    # relative_error
    (
        "relative_error",
        lambda a, n: np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n)),
        "expected one number",
    ),
]


@pytest.mark.parametrize(
    ("name", "fn", "words"), MISTAKES, ids=[f"{n}-{w}" for n, _, w in MISTAKES]
)
def test_each_mistake_is_rejected_with_its_diagnosis(name, fn, words):
    result = exercises.check(name, fn)
    assert result.status == "wrong", result.message
    assert words in result.message, result.message
    assert exercises.check(name, fn, seed=3).status == "wrong"  # and for the hidden tests


def _pattern(template):
    """A regular expression for the messages a template gives, whatever its {fields} hold."""
    return ".+".join(re.escape(part) for part in re.split(r"\{[^}]*\}", template))


def test_every_diagnosis_in_the_catalogues_is_reached_by_a_test():
    """Each factor message of a step is the answer of at least one of its rows of MISTAKES (the
    mistakes of its catalogue are reached by tests/test_exercises_catalogue.py)."""
    from backprop_lib.exercises import gradient_checks, layers, steps

    messages = {}
    for name, fn, _ in MISTAKES:
        messages.setdefault(name, []).append(exercises.check(name, fn).message)
    for module in (steps, layers, gradient_checks):
        for step in module.STEPS:
            for template in step.factors.values():
                said = messages.get(step.name, [])
                assert any(re.fullmatch(_pattern(template), m) for m in said), template
