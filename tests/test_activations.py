"""Tests for backprop_lib.activations: each g(z) against a scalar formula, each g'(z) against
central differences, the sigmoid far out, and the name registry."""

import math
import re
import warnings

import numpy as np
import pytest

from backprop_lib.activations import (
    ACTIVATIONS,
    LEAKY_RELU_SLOPE,
    get_activation,
    identity,
    identity_prime,
    leaky_relu,
    leaky_relu_prime,
    relu,
    relu_prime,
    sigmoid,
    sigmoid_prime,
    tanh,
    tanh_prime,
)
from backprop_lib.gradcheck import relative_error

NAMES = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]
EPSILON = 1e-5

# g(z) for one Python float, written from the definitions with the math module.
SCALAR_FORMULAS = {
    "sigmoid": lambda z: 1.0 / (1.0 + math.exp(-z)),
    "tanh": math.tanh,
    "relu": lambda z: max(z, 0.0),
    "leaky_relu": lambda z: z if z > 0 else 0.01 * z,
    "identity": lambda z: z,
}


def away_from_kink(seed, shape=(4, 6)):
    """z with 0.1 <= |z| <= 3 and both signs: central differences never straddle z = 0."""
    rng = np.random.default_rng(seed)
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.1, 3.0, size=shape)


def elementwise(formula, z):
    return np.array([formula(float(v)) for v in z.ravel()]).reshape(z.shape)


@pytest.mark.parametrize("name", NAMES)
def test_g_matches_its_formula(name):
    z = away_from_kink(seed=1)
    g, _ = ACTIVATIONS[name]
    np.testing.assert_allclose(g(z), elementwise(SCALAR_FORMULAS[name], z), rtol=1e-14)


@pytest.mark.parametrize("name", NAMES)
def test_derivative_matches_central_differences(name):
    z = away_from_kink(seed=2)
    g, g_prime = ACTIVATIONS[name]
    numerical = (g(z + EPSILON) - g(z - EPSILON)) / (2 * EPSILON)
    assert g_prime(z).shape == z.shape
    assert relative_error(g_prime(z), numerical) < 1e-7


def test_sigmoid_prime_is_sigma_times_one_minus_sigma():
    z = np.random.default_rng(3).uniform(-8.0, 8.0, size=(3, 5))
    s = elementwise(SCALAR_FORMULAS["sigmoid"], z)
    np.testing.assert_allclose(sigmoid_prime(z), s * (1.0 - s), rtol=1e-12)


def test_sigmoid_far_out_no_overflow_no_warning():
    z = np.linspace(-1e3, 1e3, 2001)
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        s = sigmoid(z)
        s_prime = sigmoid_prime(z)
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(s_prime))
    assert np.all((s >= 0.0) & (s <= 1.0))
    assert np.all(np.diff(s) >= 0.0)  # monotone
    # exp(-800) underflows to 0 and 1 + exp(-40) rounds to 1: exact saturation.
    assert sigmoid(np.array([-1e3, -800.0])).tolist() == [0.0, 0.0]
    assert sigmoid(np.array([40.0, 1e3])).tolist() == [1.0, 1.0]
    assert sigmoid_prime(np.array([-1e3, 1e3])).tolist() == [0.0, 0.0]


def test_registry_maps_every_name_to_g_and_g_prime():
    expected = {
        "sigmoid": (sigmoid, sigmoid_prime),
        "tanh": (tanh, tanh_prime),
        "relu": (relu, relu_prime),
        "leaky_relu": (leaky_relu, leaky_relu_prime),
        "identity": (identity, identity_prime),
    }
    assert expected == ACTIVATIONS


@pytest.mark.parametrize("name", NAMES)
def test_get_activation_returns_the_pair(name):
    assert get_activation(name) == ACTIVATIONS[name]


@pytest.mark.parametrize("name", ["softmax", "Sigmoid", ""])
def test_get_activation_unknown_name_lists_the_valid_ones(name):
    expected = (
        f"unknown activation {name!r}; expected one of identity, leaky_relu, relu, sigmoid, tanh"
    )
    with pytest.raises(ValueError, match=re.escape(expected)):
        get_activation(name)


@pytest.mark.parametrize("z", [np.array([-2, 0, 3]), np.array([[-2.5, 0.0], [1e-300, 7.0]])])
def test_relu_prime_returns_floats(z):
    d = relu_prime(z)
    assert d.dtype == np.float64
    # 1 where z > 0, else 0 (also at the kink z = 0, as documented).
    np.testing.assert_array_equal(
        d, np.array([1.0 if v > 0 else 0.0 for v in z.ravel()]).reshape(z.shape)
    )


def test_leaky_relu_slope_is_one_hundredth():
    assert LEAKY_RELU_SLOPE == 0.01
    z = np.array([-2.0, -0.5, 0.0, 3.0])
    np.testing.assert_allclose(leaky_relu(z), [-0.02, -0.005, 0.0, 3.0], rtol=1e-15)
    d = leaky_relu_prime(z)
    assert d.dtype == np.float64
    np.testing.assert_array_equal(d, [0.01, 0.01, 0.01, 1.0])


@pytest.mark.parametrize("name", NAMES)
def test_returns_new_arrays_and_leaves_z_alone(name):
    z = away_from_kink(seed=4)
    z_before = z.copy()
    for f in ACTIVATIONS[name]:
        out = f(z)
        assert not np.shares_memory(out, z)
        assert out.dtype == np.float64
    np.testing.assert_array_equal(z, z_before)


@pytest.mark.parametrize("derivative", [identity_prime, relu_prime])
def test_derivatives_of_integer_inputs_are_floats(derivative):
    result = derivative(np.array([[-2, 0, 3]]))
    assert result.dtype == np.float64
