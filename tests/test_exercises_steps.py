"""The catalogue of each step's check: differently written right answers pass, and each
known mistake, written as a student would write it, is rejected with its diagnosis.

Each MISTAKES row is (check, the wrong function, words its message must contain). The
words are the diagnosis: the one thing the message must tell the student.
"""

import math

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


def _forward_differences(f, x, epsilon=1e-5):
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        plus = x.copy()
        plus[index] += epsilon
        grad[index] = (f(plus) - f(x)) / epsilon
    return grad


def _backward_differences(f, x, epsilon=1e-5):
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        minus = x.copy()
        minus[index] -= epsilon
        grad[index] = (f(x) - f(minus)) / epsilon
    return grad


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
    (
        "sigmoid_prime",
        lambda z: _sig(_sig(z)) * (1 - _sig(_sig(z))),
        "you took sigma' at a = sigma(z)",
    ),
    ("sigmoid_prime", lambda z: z * (1 - z), "you returned z (1 - z)"),
    ("sigmoid_prime", bp.sigmoid, "you returned sigma(z) itself"),
    ("sigmoid_prime", lambda z: np.exp(-z) / (1 + np.exp(-z)), "lost the square of the quotient"),
    ("sigmoid_prime", lambda z: _sig(z) * (_sig(z) - 1), "has the wrong sign"),
    # tanh_prime
    ("tanh_prime", lambda z: 1 - np.tanh(np.tanh(z)) ** 2, "you took tanh' at a = tanh(z)"),
    ("tanh_prime", lambda z: 1 - z**2, "you returned 1 - z^2"),
    ("tanh_prime", lambda z: 1 - np.tanh(z), "you forgot the square"),
    ("tanh_prime", np.tanh, "you returned tanh(z) itself"),
    ("tanh_prime", lambda z: 1 + np.tanh(z) ** 2, "the sign inside is wrong"),
    ("tanh_prime", lambda z: np.tanh(z) ** 2 - 1, "has the wrong sign"),
    # relu_prime
    ("relu_prime", lambda z: z > 0, "returned integers or booleans"),
    ("relu_prime", lambda z: (z > 0).astype(int), "the notes' code returns integers"),
    ("relu_prime", bp.relu, "you returned max(0, z), ReLU itself"),
    ("relu_prime", lambda z: (z < 0) * 1.0, "your comparison is the wrong way round"),
    ("relu_prime", lambda z: np.ones_like(z), "you returned 1 everywhere"),
    ("relu_prime", lambda z: np.where(z > 0, -1.0, 0.0), "has the wrong sign"),
    # squared_error_prime
    ("squared_error_prime", lambda a, y: 2 * (a - 1), "you wrote 2(a - 1)"),
    ("squared_error_prime", lambda a, y: a - y, "half the right value: the square brings down"),
    ("squared_error_prime", bp.squared_error, "returned the loss (a - y)^2 itself"),
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
    ("half_squared_error_prime", lambda a, y: a - 1, "you wrote a - 1"),
    ("half_squared_error_prime", bp.half_squared_error, "returned the loss (a - y)^2 / 2 itself"),
    ("half_squared_error_prime", lambda a, y: y - a, "wrong sign"),
    ("half_squared_error_prime", lambda a, y: (a - y) / a.shape[1], "per example"),
    # cross_entropy_prime
    ("cross_entropy_prime", lambda a, y: y / a + (1 - y) / (1 - a), "the first term's sign"),
    ("cross_entropy_prime", lambda a, y: -y / a - (1 - y) / (1 - a), "the second term's sign"),
    ("cross_entropy_prime", lambda a, y: a - y, "the output delta dC/dz of a sigmoid unit"),
    ("cross_entropy_prime", lambda a, y: -y / a, "you left out the second term"),
    ("cross_entropy_prime", bp.cross_entropy, "returned the loss itself"),
    ("cross_entropy_prime", lambda a, y: y / a - (1 - y) / (1 - a), "has the wrong sign"),
    ("cross_entropy_prime", lambda a, y: (a - y) / (a * (1 - a)) / _m(a), "per example"),
    # sigmoid_cross_entropy_delta
    ("sigmoid_cross_entropy_delta", bp.cross_entropy_prime, "that is dC/da"),
    (
        "sigmoid_cross_entropy_delta",
        lambda a, y: (a - y) * a * (1 - a),
        "by sigma'(z) = a (1 - a) again",
    ),
    (
        "sigmoid_cross_entropy_delta",
        lambda a, y: bp.cross_entropy_prime(a, y) * bp.sigmoid_prime(a),
        "you took sigma' at a",
    ),
    ("sigmoid_cross_entropy_delta", lambda a, y: y - a, "has the wrong sign"),
    ("sigmoid_cross_entropy_delta", lambda a, y: (a - y) / a.shape[1], "per example"),
    # linear_forward
    ("linear_forward", lambda W, a, b: W @ a, "you forgot the bias"),
    ("linear_forward", lambda W, a, b: W @ a - b, "you subtracted b"),
    ("linear_forward", lambda W, a, b: W.T @ a + b, "you used W^T"),
    ("linear_forward", lambda W, a, b: W * a + b, "you multiplied entry by entry"),
    ("linear_forward", lambda W, a, b: W @ a + b.T, "b must be added as a column"),
    ("linear_forward", lambda W, a, b: a.T @ W.T + b.T, "your z is the transpose of the right one"),
    ("linear_forward", lambda W, a, b: W @ a + b.ravel(), "b must be added as a column"),
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
    ("output_delta", lambda d, g: d, "you returned dC/da alone"),
    ("output_delta", lambda d, g: g, "you returned g'(z^L) alone"),
    ("output_delta", lambda d, g: d + g, "you added; the chain rule multiplies"),
    ("output_delta", lambda d, g: d * g / d.shape[1], "per example"),
    ("output_delta", lambda d, g: -d * g, "has the opposite sign"),
    ("output_delta", lambda d, g: d @ g.T, "has shape (3, 3) but must have shape (3, 5)."),
    ("output_delta", lambda d, g: d @ g, "dC_da and g_prime_z are both (n_L, m)"),
    # hidden_delta
    ("hidden_delta", lambda W, d, g: g * (W @ d), "you used W_next where its transpose belongs"),
    ("hidden_delta", lambda W, d, g: W.T @ d, "you left out g'(z^l)"),
    ("hidden_delta", lambda W, d, g: g + W.T @ d, "you added g'(z^l)"),
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
    ("weight_gradient", lambda d, a: a @ d.T / _m(d), "your dJ/dW is transposed"),
    (
        "weight_gradient",
        lambda d, a: np.outer(d.mean(axis=1), a.mean(axis=1)),
        "multiplied the averages",
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
    ("l2_gradient", lambda W, lam, m: lam / m * W**2, "the derivative of W^2 is 2W"),
    ("l2_gradient", lambda W, lam, m: np.full(W.shape, lam / m), "you left out W"),
    ("l2_gradient", lambda W, lam, m: -lam / m * W, "has the wrong sign"),
    ("l2_gradient", lambda W, lam, m: lam / m**2 * W, "m = 5 times too small"),
    # numerical_gradient
    ("numerical_gradient", _forward_differences, "you used forward differences"),
    ("numerical_gradient", _backward_differences, "you used backward differences"),
    (
        "numerical_gradient",
        lambda f, x, epsilon=1e-5: _numerical_gradient_loop(f, x),
        "you ignored the epsilon passed in (0.01)",
    ),
    (
        "numerical_gradient",
        lambda f, x, epsilon=1e-5: np.full(
            x.shape, (f(x + epsilon) - f(x - epsilon)) / (2 * epsilon)
        ),
        "you moved every entry of x at once",
    ),
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
        lambda a, n: np.mean(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))),
        "you averaged",
    ),
    (
        "relative_error",
        lambda a, n: np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n)),
        "you used norms",
    ),
    (
        "relative_error",
        lambda a, n: np.max(np.abs(a - n)) / max(1e-8, np.max(np.abs(a) + np.abs(n))),
        "the largest difference by the largest sum",
    ),
    (
        "relative_error",
        lambda a, n: np.max(np.abs(a - n) / (np.abs(a) + np.abs(n))),
        "you left out the floor",
    ),
    (
        "relative_error",
        lambda a, n: np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(a))),
        "you divided by |analytic| alone",
    ),
    (
        "relative_error",
        lambda a, n: np.max((a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))),
        "absolute value of a - n",
    ),
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


def _prefix(template):
    """The fixed start of a message template (before its first {field})."""
    return template.split("{")[0]


def test_every_diagnosis_in_the_catalogues_is_reached_by_a_test():
    """Each message a step's catalogue holds (its mistakes and its factor messages) is the
    answer of at least one row of MISTAKES."""
    from backprop_lib.exercises import gradient_checks, layers, steps

    messages = [exercises.check(name, fn).message for name, fn, _ in MISTAKES]
    for module in (steps, layers, gradient_checks):
        for step in module.STEPS:
            templates = [mistake.message for mistake in step.mistakes]
            templates += list(step.factors.values())
            for template in templates:
                assert any(m.startswith(_prefix(template)) for m in messages), template
