"""Notebook 08's checks (backprop_lib.exercises.softmax_checks): right answers written in
different ways pass, wrong answers that no catalogued mistake gives (a factor, a wrong shape,
an overflow) get their diagnosis, and bad answers get a message instead of an error. Each
catalogued mistake is run as an answer by tests/test_exercises_catalogue.py.

Each MISTAKES row is (check, the wrong function, words its message must contain).
"""

import time
import warnings

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib import exercises
from backprop_lib.exercises import softmax_checks

NAMES = ("softmax_jacobian", "softmax_cross_entropy_delta", "softmax")


def _column(v):
    return np.asarray(v, dtype=float).reshape(-1, 1)


def _jacobian_loops(z):
    s = np.exp(z - z.max()) / np.sum(np.exp(z - z.max()))
    k = len(s)
    return np.array([[s[i, 0] * ((i == j) - s[j, 0]) for j in range(k)] for i in range(k)])


def _jacobian_einsum(z):
    s = bp.softmax(z).ravel()
    return np.einsum("i,ij->ij", s, np.eye(len(s))) - np.einsum("i,j->ij", s, s)


def _delta_through_the_jacobian(a, y):
    """delta = J^T dC/da, one example at a time: the chain rule written out."""
    columns = []
    for j in range(a.shape[1]):
        s = a[:, [j]]
        jacobian = np.diagflat(s) - s @ s.T
        columns.append(jacobian.T @ (-y[:, [j]] / s))
    return np.hstack(columns)


def _softmax_log_sum_exp(z):
    top = z.max(axis=0, keepdims=True)
    log_sum = top + np.log(np.sum(np.exp(z - top), axis=0, keepdims=True))
    return np.exp(z - log_sum)


def _softmax_loop(z):
    out = np.empty_like(z)
    for j in range(z.shape[1]):
        column = z[:, j] - max(z[:, j])
        out[:, j] = np.exp(column) / sum(np.exp(column))
    return out


def _softmax_by_differences(z):
    """s_j = 1 / sum_i e^(z_i - z_j): no division by a large sum, and never NaN."""
    with np.errstate(over="ignore"):
        return 1.0 / np.exp(z[None, :, :] - z[:, None, :]).sum(axis=1)


RIGHT = {
    "softmax_jacobian": [_jacobian_loops, _jacobian_einsum],
    "softmax_cross_entropy_delta": [
        lambda a, y: a * y.sum(axis=0, keepdims=True) - y,  # the columns of y add up to 1
        _delta_through_the_jacobian,
    ],
    "softmax": [_softmax_log_sum_exp, _softmax_loop, _softmax_by_differences],
}


@pytest.mark.parametrize(
    ("name", "fn"),
    [(name, fn) for name, fns in RIGHT.items() for fn in fns],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_right_answers_written_in_different_ways_pass(name, fn):
    for seed in (0, 1, 20):  # 20: the notebook's hidden tests
        result = exercises.check(name, fn, seed=seed)
        assert result.passed, result.message


@pytest.mark.parametrize("name", NAMES)
def test_the_librarys_own_function_is_rejected_as_a_delegation(name):
    """bp.softmax and the like were right answers: now they are the library's answer."""
    library = getattr(bp, name)
    result = exercises.check(name, library)
    assert result.status == "wrong", result.message
    assert f"called {library.__module__}.{name}, the library's own answer" in result.message


def _s(z):
    return bp.softmax(z)


def _plain_softmax(z):
    e = np.exp(z)
    return e / e.sum(axis=0, keepdims=True)


def _global_max_softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum(axis=0, keepdims=True)


MISTAKES = [
    # softmax_jacobian
    ("softmax_jacobian", lambda z: -_jacobian_loops(z), "has the wrong sign"),
    ("softmax_jacobian", lambda z: _s(z) * (1 - _s(z)), "one number per class"),
    ("softmax_jacobian", lambda z: np.diagflat(_s(z))[:, :2], "must have shape (3, 3)"),
    # softmax_cross_entropy_delta
    ("softmax_cross_entropy_delta", lambda a, y: y - a, "has the wrong sign"),
    (
        "softmax_cross_entropy_delta",
        lambda a, y: (a - y) / a.shape[1],
        "m = 4 times too small: this derivative is per example",
    ),
    (
        "softmax_cross_entropy_delta",
        lambda a, y: (a - y).sum(axis=0, keepdims=True),
        "you summed over the classes",
    ),
    ("softmax_cross_entropy_delta", lambda a, y: (a - y).mean(axis=1), "you combined the examples"),
    ("softmax_cross_entropy_delta", lambda a, y: (a - y).T, "did you transpose?"),
    # softmax
    ("softmax", _plain_softmax, "the plain formula e^z / sum e^z, gives NaN or inf"),
    ("softmax", _global_max_softmax, "subtracts the largest logit of the whole array"),
    (
        "softmax",
        lambda z: np.exp(z - z.mean(axis=0)) / np.exp(z - z.mean(axis=0)).sum(axis=0),
        "Subtract each column's largest logit first",
    ),
    (
        "softmax",
        lambda z: np.exp(z) / np.exp(z).sum(axis=1, keepdims=True),
        "you normalised over the examples (axis=1)",
    ),
    ("softmax", lambda z: np.exp(z) / np.exp(z).sum(), "you divided by the sum of every entry"),
]


@pytest.mark.parametrize(
    ("name", "fn", "words"), MISTAKES, ids=[f"{n}-{w}" for n, _, w in MISTAKES]
)
def test_each_mistake_is_rejected_with_its_diagnosis(name, fn, words):
    result = exercises.check(name, fn)
    assert result.status == "wrong", result.message
    assert words in result.message, result.message
    assert exercises.check(name, fn, seed=20).status == "wrong"  # and for the hidden tests


def _prefix(template):
    """The fixed start of a message template (before its first {field})."""
    return template.split("{")[0]


def test_every_diagnosis_in_the_catalogues_is_reached_by_a_test():
    """The catalogued mistakes are reached by tests/test_exercises_catalogue.py; each factor
    message needs a row of MISTAKES."""
    messages = [exercises.check(name, fn).message for name, fn, _ in MISTAKES]
    for step in softmax_checks.STEPS:
        for template in step.factors.values():
            assert any(m.startswith(_prefix(template)) for m in messages), template


def test_the_checks_are_registered_with_their_signatures():
    for name in NAMES:
        assert name in exercises.CHECKS
        assert name in exercises.CHECKS[name]


def test_the_delta_cases_hold_soft_targets_one_example_and_fifty():
    cases = softmax_checks.SOFTMAX_CROSS_ENTROPY_DELTA.cases(np.random.default_rng(0))
    ks = {case.context["y"].shape[0] for case in cases}
    ms = {case.context["m"] for case in cases}
    assert min(ks) == 2 and max(ks) == 10 and {1, 50} <= ms
    for case in cases:
        y = case.context["y"]
        np.testing.assert_allclose(y.sum(axis=0), 1.0, rtol=0, atol=1e-12)  # distributions
    soft = [case for case in cases if not np.all(np.isin(case.context["y"], (0.0, 1.0)))]
    assert soft  # at least one case whose targets are not all one-hot
    # The right answer is a - y: the cases' central differences agree with it.
    for case in cases:
        a, y = case.args
        np.testing.assert_allclose(case.expected[0], a - y, rtol=0, atol=1e-8)


def test_the_softmax_cases_include_logits_that_overflow_the_plain_formula():
    cases = softmax_checks.SOFTMAX.cases(np.random.default_rng(0))
    large = [case for case in cases if case.context["large"]]
    assert len(large) == 1
    z = large[0].args[0]
    assert np.abs(z).max() >= 1e4 and np.any(np.abs(z) >= 1000)
    with np.errstate(all="ignore"):
        assert not np.all(np.isfinite(_plain_softmax(z)))
    expected = large[0].expected[0]
    assert np.all(np.isfinite(expected))
    np.testing.assert_allclose(expected.sum(axis=0), 1.0, rtol=0, atol=1e-15)
    np.testing.assert_allclose(expected, bp.softmax(z - 5.0), rtol=0, atol=1e-15)


def test_the_jacobian_cases_are_central_differences_of_the_softmax():
    for case in softmax_checks.SOFTMAX_JACOBIAN.cases(np.random.default_rng(0)):
        (z,) = case.args
        assert z.shape[1] == 1
        np.testing.assert_allclose(case.expected[0], bp.softmax_jacobian(z), rtol=0, atol=1e-9)


def test_a_softmax_that_overflows_is_reported_and_no_warning_escapes():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning leaking out of the check would raise here
        with np.errstate(all="warn"):
            result = exercises.check("softmax", _plain_softmax)
    assert result.status == "wrong"
    assert "709.78" in result.message


@pytest.mark.parametrize("name", NAMES)
def test_bad_answers_get_a_message(name):
    arity = 1 if name != "softmax_cross_entropy_delta" else 2

    def returns(value):
        return (lambda z: value) if arity == 1 else (lambda a, y: value)

    def raises(error):
        def fn(*args):
            raise error

        return fn

    def nan_like(*args):
        size = args[0].shape[0]
        shape = (size, size) if name == "softmax_jacobian" else args[0].shape
        return np.full(shape, np.nan)

    def in_place(*args):
        args[0][...] = 0.0
        return _jacobian_loops(args[0]) if name == "softmax_jacobian" else args[0]

    expected = {
        returns(None): "you returned None",
        returns("text"): "expected an array of numbers",
        nan_like: "contains NaN or inf",
        raises(ZeroDivisionError("oops")): "raised ZeroDivisionError: oops. ",  # and a hint
        raises(NotImplementedError("Write it.")): "not done yet",
        in_place: f"changed its argument {'z' if arity == 1 else 'a'} (in place)",
    }
    for fn, words in expected.items():
        result = exercises.check(name, fn)
        assert not result.passed
        assert words in result.message, result.message
    assert exercises.check(name, raises(NotImplementedError("Write it."))).status == "not done"


@pytest.mark.parametrize("name", NAMES)
def test_each_check_is_quick(name):
    start = time.perf_counter()
    exercises.check(name, RIGHT[name][0])
    assert time.perf_counter() - start < 1.0
