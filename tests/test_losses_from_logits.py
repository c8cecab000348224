"""Tests for the cross-entropies computed from the logits (backprop_lib.losses
``*_from_logits``) and for MLP's cost, which uses them for a sigmoid or softmax output: exact
against a 340-digit reference for logit gaps up to 1e3, equal to the probability form where
that form is exact, and with gradients that central differences of the cost confirm."""

import decimal
import math
import warnings
from decimal import Decimal

import numpy as np
import pytest

from backprop_lib.activations import sigmoid, softmax
from backprop_lib.gradcheck import check_network_gradients
from backprop_lib.losses import (
    LOGIT_LOSSES,
    PROBABILITY_FLOOR,
    categorical_cross_entropy,
    categorical_cross_entropy_from_logits,
    cross_entropy,
    cross_entropy_from_logits,
    mean_cost,
)
from backprop_lib.network import MLP

GAPS = [1.0, 30.0, 300.0, 1e3]
"""Logits are drawn from an interval of this width, so two logits differ by up to a gap."""
RTOL = 1e-12
ATOL = np.finfo(float).tiny  # a loss below float64's normal range keeps fewer digits
DIGITS = 340  # resolves 1 + e^{-700}: enough for any loss float64 holds as a normal number


def exact_log_sum_exp_minus_target(z, y):
    """log sum_j e^{z_j} - sum_j y_j z_j for one column, in decimal arithmetic."""
    with decimal.localcontext() as context:
        context.prec = DIGITS
        zs = [Decimal(float(v)) for v in z]
        log_sum = sum(v.exp() for v in zs).ln()
        return float(log_sum - sum(Decimal(float(t)) * v for t, v in zip(y, zs, strict=True)))


def exact_binary(z, y):
    """log(1 + e^z) - y z for one number: the two-class case of the function above."""
    return exact_log_sum_exp_minus_target([z, 0.0], [y, 1.0 - y])


def exact_columns(z, Y):
    return np.array([[exact_log_sum_exp_minus_target(z[:, i], Y[:, i]) for i in range(z.shape[1])]])


def random_logits(seed, gap, shape):
    return np.random.default_rng(seed).uniform(-gap / 2, gap / 2, size=shape)


def soft_columns(seed, k, m):
    """Targets whose columns sum to exactly 1 (sixty-fourths)."""
    rng = np.random.default_rng(seed)
    counts = np.array([rng.multinomial(64, np.full(k, 1 / k)) for _ in range(m)]).T
    return counts / 64.0


def identity_network(n, output_activation, loss):
    """A one-layer MLP with W = I and b = 0, so that its logits Z^L are its inputs X."""
    model = MLP([n, n], output_activation=output_activation, loss=loss)
    model.weights, model.biases = [np.eye(n)], [np.zeros((n, 1))]
    return model


@pytest.fixture
def no_warnings():
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        yield


# ----- exact values for any logits ---------------------------------------------------------


@pytest.mark.parametrize("gap", GAPS)
@pytest.mark.parametrize("soft", [False, True])
def test_categorical_from_logits_is_log_sum_exp_minus_the_target_logits(gap, soft, no_warnings):
    k, m = 4, 12
    z = random_logits(int(gap), gap, (k, m))
    rng = np.random.default_rng(7)
    Y = soft_columns(8, k, m) if soft else np.eye(k)[:, rng.integers(0, k, size=m)]
    C = categorical_cross_entropy_from_logits(z, Y)
    assert C.shape == (1, m)
    np.testing.assert_allclose(C, exact_columns(z, Y), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("gap", GAPS)
@pytest.mark.parametrize("soft", [False, True])
def test_binary_from_logits_is_log_one_plus_e_to_the_z_minus_y_z(gap, soft, no_warnings):
    z = random_logits(int(gap) + 1, gap, (3, 8))
    rng = np.random.default_rng(9)
    y = rng.uniform(0.0, 1.0, size=z.shape) if soft else rng.integers(0, 2, size=z.shape) * 1.0
    C = cross_entropy_from_logits(z, y)
    expected = np.vectorize(exact_binary)(z, y)
    assert C.shape == z.shape
    np.testing.assert_allclose(C, expected, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("gap", GAPS)
def test_mlp_cost_of_each_example_is_its_exact_softmax_loss(gap, no_warnings):
    k, m = 3, 10
    z = random_logits(20 + int(gap), gap, (k, m))
    Y = np.eye(k)[:, np.random.default_rng(21).integers(0, k, size=m)]
    model = identity_network(k, "softmax", "categorical_cross_entropy")
    expected = exact_columns(z, Y)[0]
    for i in range(m):  # one example at a time, so that a tiny loss is not lost in a mean
        assert model.cost(z[:, [i]], Y[:, [i]]) == pytest.approx(expected[i], rel=RTOL, abs=ATOL)
    assert model.cost(z, Y) == pytest.approx(expected.mean(), rel=RTOL)
    assert model.data_cost(z, Y) == model.cost(z, Y)


@pytest.mark.parametrize("gap", GAPS)
def test_mlp_cost_of_each_example_is_its_exact_sigmoid_loss(gap, no_warnings):
    z = random_logits(30 + int(gap), gap, (1, 10))
    y = np.random.default_rng(31).integers(0, 2, size=z.shape) * 1.0
    model = identity_network(1, "sigmoid", "cross_entropy")
    expected = np.vectorize(exact_binary)(z, y)[0]
    for i in range(z.shape[1]):
        assert model.cost(z[:, [i]], y[:, [i]]) == pytest.approx(expected[i], rel=RTOL, abs=ATOL)
    assert model.cost(z, y) == pytest.approx(expected.mean(), rel=RTOL)


def test_a_hopeless_example_costs_its_logit_gap_not_minus_log_eps(no_warnings):
    # A unit sure of the wrong class: z = -1000 for label 1 (sigmoid), and for a softmax the
    # true class's logit 1000 below the largest. C = log(1 + e^1000) - 1000 * 0 ... = 1000 +
    # log(1 + e^-1000), which is 1000 in float64; the floored probability forms give -log eps.
    floor = -math.log(PROBABILITY_FLOOR)
    assert floor == pytest.approx(36.04365338911715, rel=1e-15)
    z, y = np.array([[-1000.0]]), np.array([[1.0]])
    assert cross_entropy_from_logits(z, y)[0, 0] == 1000.0
    assert cross_entropy(sigmoid(z), y)[0, 0] == pytest.approx(floor, rel=1e-15)
    z, Y = np.array([[1000.0], [0.0], [-5.0]]), np.array([[0.0], [1.0], [0.0]])
    assert categorical_cross_entropy_from_logits(z, Y)[0, 0] == 1000.0
    assert categorical_cross_entropy(softmax(z), Y).sum() == pytest.approx(floor, rel=1e-15)
    assert identity_network(3, "softmax", "categorical_cross_entropy").cost(z, Y) == 1000.0


# ----- the same loss as the probability form where that form is exact ----------------------


def test_binary_from_logits_equals_the_probability_form_on_moderate_logits():
    rng = np.random.default_rng(40)
    z = rng.uniform(-6.0, 6.0, size=(2, 50))
    for y in (rng.uniform(0.0, 1.0, size=z.shape), rng.integers(0, 2, size=z.shape) * 1.0):
        np.testing.assert_allclose(
            cross_entropy_from_logits(z, y), cross_entropy(sigmoid(z), y), rtol=1e-12
        )


def test_categorical_from_logits_equals_the_probability_form_on_moderate_logits():
    z = np.random.default_rng(41).uniform(-6.0, 6.0, size=(5, 50))
    for Y in (soft_columns(42, 5, 50), np.eye(5)[:, np.arange(50) % 5]):
        by_example = categorical_cross_entropy(softmax(z), Y).sum(axis=0, keepdims=True)
        np.testing.assert_allclose(
            categorical_cross_entropy_from_logits(z, Y), by_example, rtol=1e-12
        )


@pytest.mark.parametrize(
    ("output", "loss"),
    [("sigmoid", "squared_error"), ("identity", "half_squared_error"), ("tanh", "squared_error")],
)
def test_other_outputs_and_losses_keep_the_probability_form(output, loss):
    assert (output, loss) not in LOGIT_LOSSES
    model = MLP([3, 4, 2], hidden_activation="tanh", output_activation=output, loss=loss, seed=3)
    rng = np.random.default_rng(43)
    X, Y = rng.standard_normal((3, 6)), rng.uniform(0.0, 1.0, size=(2, 6))
    assert model.data_cost(X, Y) == mean_cost(model.loss(model.forward(X)[1][-1], Y))


def test_the_logit_losses_are_keyed_by_output_and_loss():
    expected = {
        ("sigmoid", "cross_entropy"): cross_entropy_from_logits,
        ("softmax", "categorical_cross_entropy"): categorical_cross_entropy_from_logits,
    }
    assert expected == LOGIT_LOSSES


# ----- gradients: finite, and the slope of the exact cost -----------------------------------


def test_beyond_the_floor_backprop_is_the_slope_of_the_cost_from_logits(no_warnings):
    # z = -40 for label 1: a = sigmoid(-40) is about 4e-18, below the floor eps. The floored
    # cost is flat there (central differences give 0), while the cost from the logit has slope
    # a - y = -1 in z, which is what backpropagation's fused delta gives.
    model = identity_network(1, "sigmoid", "cross_entropy")
    X, Y = np.array([[-40.0, -45.0, 3.0]]), np.array([[1.0, 1.0, 0.0]])
    dWs, dbs = model.gradients(X, Y)
    assert np.all(np.isfinite(dWs[0])) and np.all(np.isfinite(dbs[0]))
    assert max(check_network_gradients(model, X, Y)) < 1e-7
    step = 1e-5
    floored = [mean_cost(cross_entropy(sigmoid(X[:, :1] + s), Y[:, :1])) for s in (step, -step)]
    assert floored[0] == floored[1]  # the floored cost has no slope here


@pytest.mark.parametrize("gap", [50.0, 1e3])
def test_softmax_gradients_are_finite_and_match_central_differences(gap, no_warnings):
    # The first class's logit is about gap ahead, so its softmax output rounds to 1 and the
    # others fall below the floor eps. Central differences of a cost of order gap carry a
    # round-off of about 1e-16 gap / 1e-5: small against the gradient for gap = 50 only.
    rng = np.random.default_rng(50)
    settings = {"output_activation": "softmax", "loss": "categorical_cross_entropy"}
    model = MLP([3, 4, 3], hidden_activation="tanh", seed=5, **settings)
    model.biases[-1] = np.array([[gap], [0.0], [-gap / 2]])
    X, Y = rng.standard_normal((3, 5)), np.eye(3)[:, [1, 2, 0, 1, 2]]
    dWs, dbs = model.gradients(X, Y)
    assert all(np.all(np.isfinite(g)) for g in dWs + dbs)
    # Two examples of class 1 cost about gap, two of class 2 about 1.5 gap, one of class 0
    # about 0: the mean is about gap, where the floored form would stop at 4/5 of 36.04.
    np.testing.assert_allclose(model.cost(X, Y), gap, rtol=0.05)
    if gap <= 50:
        assert max(check_network_gradients(model, X, Y)) < 1e-7
