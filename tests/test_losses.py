"""Tests for backprop_lib.losses: each loss and dC/da against scalar formulas and central
differences, the cost J, the fused sigmoid/cross-entropy delta, and saturation."""

import math
import re
import warnings

import numpy as np
import pytest

from backprop_lib.activations import sigmoid, sigmoid_prime
from backprop_lib.backprop import output_delta
from backprop_lib.gradcheck import relative_error
from backprop_lib.losses import (
    LOSSES,
    cross_entropy,
    cross_entropy_prime,
    get_loss,
    half_squared_error,
    half_squared_error_prime,
    mean_cost,
    sigmoid_cross_entropy_delta,
    squared_error,
    squared_error_prime,
)

NAMES = ["squared_error", "half_squared_error", "cross_entropy"]
EPSILON = 1e-5

# C(a, y) and dC/da for Python floats, written from the definitions.
SCALAR_LOSSES = {
    "squared_error": lambda a, y: (a - y) ** 2,
    "half_squared_error": lambda a, y: 0.5 * (a - y) ** 2,
    "cross_entropy": lambda a, y: -(y * math.log(a) + (1 - y) * math.log(1 - a)),
}
SCALAR_DERIVATIVES = {
    "squared_error": lambda a, y: 2 * (a - y),
    "half_squared_error": lambda a, y: a - y,
    "cross_entropy": lambda a, y: -y / a + (1 - y) / (1 - a),
}


def predictions_and_targets(seed, shape=(2, 7)):
    """a in [0.05, 0.95] (inside cross-entropy's domain) and y in [0, 1]."""
    rng = np.random.default_rng(seed)
    return rng.uniform(0.05, 0.95, size=shape), rng.uniform(0.0, 1.0, size=shape)


def elementwise(formula, a, y):
    values = [formula(float(ai), float(yi)) for ai, yi in zip(a.ravel(), y.ravel(), strict=True)]
    return np.array(values).reshape(a.shape)


@pytest.mark.parametrize("name", NAMES)
def test_loss_and_derivative_match_their_formulas(name):
    a, y = predictions_and_targets(seed=1)
    loss, loss_prime = LOSSES[name]
    np.testing.assert_allclose(loss(a, y), elementwise(SCALAR_LOSSES[name], a, y), rtol=1e-13)
    np.testing.assert_allclose(
        loss_prime(a, y), elementwise(SCALAR_DERIVATIVES[name], a, y), rtol=1e-13
    )


@pytest.mark.parametrize("name", NAMES)
def test_derivative_matches_central_differences(name):
    a, y = predictions_and_targets(seed=2)
    loss, loss_prime = LOSSES[name]
    numerical = (loss(a + EPSILON, y) - loss(a - EPSILON, y)) / (2 * EPSILON)
    assert loss_prime(a, y).shape == a.shape
    assert relative_error(loss_prime(a, y), numerical) < 1e-7


def test_mean_cost_is_mean_over_examples_of_sum_over_units():
    losses = np.random.default_rng(3).uniform(0.0, 2.0, size=(3, 5))
    n_units, m = losses.shape
    total = 0.0
    for i in range(m):
        total += sum(losses[j, i] for j in range(n_units))
    cost = mean_cost(losses)
    assert isinstance(cost, float)
    assert cost == pytest.approx(total / m, rel=1e-14)


def test_sigmoid_cross_entropy_delta_equals_the_general_product():
    rng = np.random.default_rng(4)
    z = rng.uniform(-6.0, 6.0, size=(2, 8))
    a = sigmoid(z)
    for y in (rng.uniform(0.0, 1.0, size=z.shape), rng.integers(0, 2, size=z.shape) * 1.0):
        general = output_delta(cross_entropy_prime(a, y), sigmoid_prime(z))
        fused = sigmoid_cross_entropy_delta(a, y)
        np.testing.assert_allclose(fused, general, rtol=1e-9, atol=1e-12)
        np.testing.assert_array_equal(fused, a - y)


@pytest.mark.parametrize("z", [-1e3, 1e3])
@pytest.mark.parametrize("y", [0.0, 1.0])
def test_cross_entropy_stays_finite_when_the_sigmoid_saturates(z, y):
    a = sigmoid(np.array([[z]]))
    assert a[0, 0] == (1.0 if z > 0 else 0.0)  # exactly saturated
    target = np.array([[y]])
    with warnings.catch_warnings(), np.errstate(divide="raise", invalid="raise", over="raise"):
        warnings.simplefilter("error")
        C = cross_entropy(a, target)[0, 0]
        dC = cross_entropy_prime(a, target)[0, 0]
    assert math.isfinite(C) and math.isfinite(dC)
    if a[0, 0] == y:  # right answer: no loss, and the true slope -y/a + (1-y)/(1-a) = -+1
        assert 0.0 <= C < 1e-12
        assert dC == pytest.approx(1.0 if y == 0.0 else -1.0, rel=1e-12)
    else:  # wrong answer: a large loss, and a slope that pushes a towards y
        assert C > 30.0
        assert math.copysign(1.0, dC) == math.copysign(1.0, a[0, 0] - y)
        assert abs(dC) > 1e12


def test_registry_maps_every_name_to_loss_and_derivative():
    expected = {
        "squared_error": (squared_error, squared_error_prime),
        "half_squared_error": (half_squared_error, half_squared_error_prime),
        "cross_entropy": (cross_entropy, cross_entropy_prime),
    }
    assert expected == LOSSES
    for name in NAMES:
        assert get_loss(name) == LOSSES[name]


@pytest.mark.parametrize("name", ["hinge", "mse", "L2"])
def test_get_loss_unknown_name_lists_the_valid_ones(name):
    expected = (
        f"unknown loss {name!r}; expected one of cross_entropy, half_squared_error, squared_error"
    )
    with pytest.raises(ValueError, match=re.escape(expected)):
        get_loss(name)
