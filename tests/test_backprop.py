"""Tests for backprop_lib.backprop: each step function against an explicit per-example,
per-unit loop, over random shapes and values (hypothesis), and the L2 penalty."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from backprop_lib.backprop import (
    bias_gradient,
    hidden_delta,
    l1_gradient,
    l1_penalty,
    l2_gradient,
    l2_penalty,
    linear_forward,
    output_delta,
    weight_gradient,
)

# Fast and reproducible: 50 examples per property, no deadline, same examples every run.
FAST = settings(max_examples=50, deadline=None, derandomize=True)

SIZE = st.integers(min_value=1, max_value=6)
VALUE = st.floats(-10.0, 10.0, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def matrix(draw, rows, cols):
    return draw(arrays(np.float64, (rows, cols), elements=VALUE))


def assert_close(actual, expected):
    # The loops add in another order than BLAS does: equal up to round-off of sums of
    # at most 6 products of numbers up to 10 (and 1e-10 absolute for entries near 0).
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-10)


def assert_unchanged(arrays_after, arrays_before):
    for after, before in zip(arrays_after, arrays_before, strict=True):
        np.testing.assert_array_equal(after, before)


@FAST
@given(data=st.data(), n_l=SIZE, n_prev=SIZE, m=SIZE)
def test_linear_forward_matches_loop(data, n_l, n_prev, m):
    W, a_prev, b = (matrix(data.draw, *s) for s in [(n_l, n_prev), (n_prev, m), (n_l, 1)])
    before = [W.copy(), a_prev.copy(), b.copy()]
    z = linear_forward(W, a_prev, b)
    expected = np.empty((n_l, m))
    for j in range(n_l):
        for i in range(m):
            expected[j, i] = sum(W[j, k] * a_prev[k, i] for k in range(n_prev)) + b[j, 0]
    assert z.shape == (n_l, m)
    assert_close(z, expected)
    assert_unchanged([W, a_prev, b], before)


@FAST
@given(data=st.data(), n_l=SIZE, m=SIZE)
def test_output_delta_is_elementwise_product(data, n_l, m):
    dC_da, g_prime_z = matrix(data.draw, n_l, m), matrix(data.draw, n_l, m)
    delta = output_delta(dC_da, g_prime_z)
    expected = np.empty((n_l, m))
    for j in range(n_l):
        for i in range(m):
            expected[j, i] = dC_da[j, i] * g_prime_z[j, i]
    assert delta.shape == (n_l, m)
    assert_close(delta, expected)


@FAST
@given(data=st.data(), n_next=SIZE, n_l=SIZE, m=SIZE)
def test_hidden_delta_matches_per_unit_double_loop(data, n_next, n_l, m):
    W_next = matrix(data.draw, n_next, n_l)
    delta_next = matrix(data.draw, n_next, m)
    g_prime_z = matrix(data.draw, n_l, m)
    before = [W_next.copy(), delta_next.copy(), g_prime_z.copy()]
    delta = hidden_delta(W_next, delta_next, g_prime_z)
    # delta_j = g'(z_j) * sum_k W_kj delta_k, for each unit j and example i.
    expected = np.empty((n_l, m))
    for i in range(m):
        for j in range(n_l):
            back = 0.0
            for k in range(n_next):
                back += W_next[k, j] * delta_next[k, i]
            expected[j, i] = g_prime_z[j, i] * back
    assert delta.shape == (n_l, m)
    assert_close(delta, expected)
    assert_unchanged([W_next, delta_next, g_prime_z], before)


@FAST
@given(data=st.data(), n_l=SIZE, n_prev=SIZE, m=SIZE)
def test_weight_gradient_is_mean_of_outer_products(data, n_l, n_prev, m):
    delta, a_prev = matrix(data.draw, n_l, m), matrix(data.draw, n_prev, m)
    before = [delta.copy(), a_prev.copy()]
    dW = weight_gradient(delta, a_prev)
    expected = sum(np.outer(delta[:, i], a_prev[:, i]) for i in range(m)) / m
    assert dW.shape == (n_l, n_prev)
    assert_close(dW, expected)
    assert_unchanged([delta, a_prev], before)


@FAST
@given(data=st.data(), n_l=SIZE, m=SIZE)
def test_bias_gradient_is_mean_of_columns(data, n_l, m):
    delta = matrix(data.draw, n_l, m)
    db = bias_gradient(delta)
    expected = np.array([[sum(delta[j, i] for i in range(m)) / m] for j in range(n_l)])
    assert db.shape == (n_l, 1)
    assert_close(db, expected)


@FAST
@given(data=st.data(), n_l=SIZE, n_prev=SIZE)
def test_single_example_weight_gradient_is_the_outer_product(data, n_l, n_prev):
    # m = 1: dW = delta a^T, entry by entry delta_j * a_k.
    delta, a_prev = matrix(data.draw, n_l, 1), matrix(data.draw, n_prev, 1)
    expected = [[delta[j, 0] * a_prev[k, 0] for k in range(n_prev)] for j in range(n_l)]
    assert_close(weight_gradient(delta, a_prev), np.array(expected))


def test_integer_inputs_work_worked_by_hand():
    # A student may type whole numbers. W = [1 2], a = [3 4]^T, b = 1: z = 1*3 + 2*4 + 1 = 12.
    assert linear_forward(np.array([[1, 2]]), np.array([[3], [4]]), np.array([[1]])).tolist() == [
        [12.0]
    ]
    # delta = [1 2] (two examples), a = [[1 1], [2 3]]: dW = (1/2)[1*1 + 2*1, 1*2 + 2*3] = [1.5 4].
    dW = weight_gradient(np.array([[1, 2]]), np.array([[1, 1], [2, 3]]))
    assert dW.dtype == np.float64 and dW.tolist() == [[1.5, 4.0]]
    # db = (1 + 2) / 2 = 1.5.
    assert bias_gradient(np.array([[1, 2]])).tolist() == [[1.5]]
    # W^{l+1} = [1 2], delta^{l+1} = [3], g' = [1 0]^T: delta^l = [1*1*3, 0*2*3]^T = [3 0]^T.
    delta = hidden_delta(np.array([[1, 2]]), np.array([[3]]), np.array([[1], [0]]))
    assert delta.tolist() == [[3.0], [0.0]]


def weights_for_l2(seed):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for shape in [(4, 3), (5, 4), (2, 5)]]


def test_l2_penalty_is_lambda_over_2m_times_sum_of_squares():
    weights, l2_lambda, m = weights_for_l2(seed=1), 0.7, 5
    squares = 0.0
    for W in weights:
        for value in W.ravel():
            squares += value * value
    penalty = l2_penalty(weights, l2_lambda, m)
    assert isinstance(penalty, float)
    assert penalty == pytest.approx(l2_lambda / (2 * m) * squares, rel=1e-14)
    assert l2_penalty(weights, 0.0, m) == 0.0


def penalty_slopes(penalty, weights, l, epsilon):
    """Central differences of ``penalty(weights)`` in each entry of W^{l+1} = weights[l]."""
    W, numerical = weights[l], np.empty_like(weights[l])
    for index in np.ndindex(W.shape):
        plus, minus = W.copy(), W.copy()
        plus[index] += epsilon
        minus[index] -= epsilon
        J_plus = penalty([*weights[:l], plus, *weights[l + 1 :]])
        J_minus = penalty([*weights[:l], minus, *weights[l + 1 :]])
        numerical[index] = (J_plus - J_minus) / (2 * epsilon)
    return numerical


def test_l2_gradient_matches_central_differences():
    weights, l2_lambda, m, epsilon = weights_for_l2(seed=2), 0.7, 5, 1e-5
    for l, W in enumerate(weights):
        numerical = penalty_slopes(lambda Ws: l2_penalty(Ws, l2_lambda, m), weights, l, epsilon)
        analytic = l2_gradient(W, l2_lambda, m)
        assert analytic.shape == W.shape
        np.testing.assert_allclose(analytic, numerical, rtol=1e-7, atol=1e-10)


def test_l1_penalty_is_lambda_over_m_times_sum_of_absolute_values():
    weights, l1_lambda, m = weights_for_l2(seed=3), 0.7, 5
    total = 0.0
    for W in weights:
        for value in W.ravel():
            total += abs(value)
    penalty = l1_penalty(weights, l1_lambda, m)
    assert isinstance(penalty, float)
    assert penalty == pytest.approx(l1_lambda / m * total, rel=1e-14)
    assert l1_penalty(weights, 0.0, m) == 0.0


def test_l1_gradient_matches_central_differences_and_is_zero_at_zero():
    weights, l1_lambda, m, epsilon = weights_for_l2(seed=4), 0.7, 5, 1e-6
    assert min(np.abs(W).min() for W in weights) > 10 * epsilon  # no entry at |w|'s kink
    for l, W in enumerate(weights):
        numerical = penalty_slopes(lambda Ws: l1_penalty(Ws, l1_lambda, m), weights, l, epsilon)
        np.testing.assert_allclose(l1_gradient(W, l1_lambda, m), numerical, rtol=1e-7)
    at_zero = l1_gradient(np.array([[0.0, -2.0, 3.0]]), 0.5, 2)
    np.testing.assert_array_equal(at_zero, [[0.0, -0.25, 0.25]])
