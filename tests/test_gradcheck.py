"""Tests for backprop_lib.gradcheck: finite differences on functions with known gradients,
the relative error on known pairs, the right / look closer / wrong rule, the cost as a
function of one parameter, and a network check that catches wrong gradients."""

import re

import numpy as np
import pytest

from backprop_lib.gradcheck import (
    RIGHT_BELOW,
    WRONG_ABOVE,
    check_network_gradients,
    cost_of_parameter,
    format_relative_error,
    numerical_gradient,
    relative_error,
    verdict,
)

EPSILON = 1e-5

# f(x) and its exact gradient, for x of any shape.
A = np.array([[2.0, -1.0, 0.5], [0.0, 3.0, 1.0], [1.5, -2.0, 4.0]])
FUNCTIONS = {
    "cube": (lambda x: float(np.sum(x**3)), lambda x: 3 * x**2),
    "sin": (lambda x: float(np.sum(np.sin(x))), np.cos),
    "quadratic form": (lambda x: float(x.ravel() @ A @ x.ravel()), lambda x: (A + A.T) @ x),
}


def point(shape, seed=0):
    return np.random.default_rng(seed).uniform(-2.0, 2.0, size=shape)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_central_difference_of_known_gradients(name):
    f, gradient = FUNCTIONS[name]
    x = point((3,) if name == "quadratic form" else (3, 4))
    numerical = numerical_gradient(f, x)
    assert numerical.shape == x.shape
    np.testing.assert_allclose(numerical, gradient(x), rtol=1e-8, atol=1e-9)


def test_central_error_is_far_smaller_than_forward_error():
    f, gradient = FUNCTIONS["cube"]
    x = point((3, 4), seed=1)
    central = numerical_gradient(f, x, epsilon=EPSILON)
    forward = numerical_gradient(f, x, epsilon=EPSILON, method="forward")
    # For x^3: ((x + e)^3 - x^3) / e = 3x^2 + 3xe + e^2, and
    #          ((x + e)^3 - (x - e)^3) / 2e = 3x^2 + e^2: errors O(e) and O(e^2).
    np.testing.assert_allclose(
        forward - 3 * x**2, 3 * x * EPSILON + EPSILON**2, rtol=1e-3, atol=1e-9
    )
    central_error = np.max(np.abs(central - gradient(x)))
    forward_error = np.max(np.abs(forward - gradient(x)))
    assert central_error < 1e-8
    assert forward_error > 1e-5
    assert central_error < forward_error / 1000


def test_numerical_gradient_does_not_modify_its_input():
    x = point((2, 3), seed=2)
    x_before = x.copy()
    seen = []

    def f(value):
        # f gets a perturbed copy: the caller's x stays as it was even during the call.
        assert value is not x
        np.testing.assert_array_equal(x, x_before)
        seen.append(value.copy())
        return float(np.sum(value**2))

    for method in ("central", "forward"):
        numerical_gradient(f, x, method=method)
        np.testing.assert_array_equal(x, x_before)
    # Every call saw x with exactly one entry moved by +-epsilon (or none, for f(x)).
    for value in seen:
        assert np.count_nonzero(value != x_before) <= 1


def test_numerical_gradient_rejects_an_unknown_method():
    with pytest.raises(
        ValueError, match=re.escape("method must be 'central' or 'forward'; got 'backward'")
    ):
        numerical_gradient(lambda x: float(np.sum(x)), np.zeros(2), method="backward")


@pytest.mark.parametrize(
    ("analytic", "numerical", "expected"),
    [
        (1.0, 1.0, 0.0),
        ([0.0, 0.0], [0.0, 0.0], 0.0),  # both zero: the floor 1e-8 avoids 0/0
        (1.0, 0.9, 0.1 / 1.9),
        ([1.0, 2.0], [1.0, 2.2], 0.2 / 4.2),  # the worst entry counts
        ([[3.0, -1.0]], [[3.0, 1.0]], 1.0),  # opposite signs: |a - n| = |a| + |n|
        (1e-9, 0.0, 0.1),  # below the floor: 1e-9 / 1e-8
    ],
)
def test_relative_error_on_known_pairs(analytic, numerical, expected):
    error = relative_error(np.array(analytic), np.array(numerical))
    assert isinstance(error, float)
    assert error == pytest.approx(expected, rel=1e-12, abs=0)


def test_relative_error_shape_mismatch_raises():
    with pytest.raises(ValueError, match=r"same shape; got \(2, 3\) and \(3, 2\)"):
        relative_error(np.zeros((2, 3)), np.zeros((3, 2)))


@pytest.fixture
def case(gradient_check_case):
    return gradient_check_case("tanh", "sigmoid", "cross_entropy", 0.0)


def test_correct_gradients_pass_and_parameters_are_restored(case):
    model, X, Y = case.model, case.X, case.Y
    weights = [W.copy() for W in model.weights]
    biases = [b.copy() for b in model.biases]
    errors = check_network_gradients(model, X, Y)
    assert len(errors) == len(model.weights) == 3
    assert max(errors) < 1e-7
    assert_same_arrays(model.weights, weights)
    assert_same_arrays(model.biases, biases)


def assert_same_arrays(actual, expected):
    for a, e in zip(actual, expected, strict=True):
        np.testing.assert_array_equal(a, e)


def without_one_over_m(model):
    def gradients(X, Y):
        m = X.shape[1]
        dWs, dbs = model.gradients(X, Y)
        return [m * dW for dW in dWs], [m * db for db in dbs]

    return gradients


def wrong_sign_in_layer_2(model):
    def gradients(X, Y):
        dWs, dbs = model.gradients(X, Y)
        return [dWs[0], -dWs[1], dWs[2]], dbs

    return gradients


def bias_summed_in_layer_3(model):
    def gradients(X, Y):
        dWs, dbs = model.gradients(X, Y)
        return dWs, [dbs[0], dbs[1], X.shape[1] * dbs[2]]

    return gradients


@pytest.mark.parametrize(
    ("wrong", "affected_layers"),
    [(without_one_over_m, {1, 2, 3}), (wrong_sign_in_layer_2, {2}), (bias_summed_in_layer_3, {3})],
    ids=["without 1/m", "wrong sign in layer 2", "bias summed in layer 3"],
)
def test_wrong_gradients_are_caught_on_the_affected_layer(case, wrong, affected_layers):
    errors = check_network_gradients(case.model, case.X, case.Y, gradients=wrong(case.model))
    for l, error in enumerate(errors, start=1):
        if l in affected_layers:
            assert error > 1e-2, (l, errors)
        else:
            assert error < 1e-7, (l, errors)


def test_check_network_gradients_uses_its_epsilon(case):
    # Central differences err by O(epsilon^2): a step of 0.3 is far too coarse to pass.
    coarse = check_network_gradients(case.model, case.X, case.Y, epsilon=0.3)
    fine = check_network_gradients(case.model, case.X, case.Y)
    assert max(fine) < RIGHT_BELOW < max(coarse)


@pytest.mark.parametrize(
    ("error", "said", "text"),
    [
        (0.0, "right", "< 1e-07 (right)"),
        (9.9e-8, "right", "< 1e-07 (right)"),
        (1e-7, "look closer", "1.0e-07 (look closer)"),
        (3.2e-5, "look closer", "3.2e-05 (look closer)"),
        (1e-2, "look closer", "1.0e-02 (look closer)"),
        (0.5, "wrong", "0.500 (wrong)"),
    ],
)
def test_the_rule_and_its_text_agree_at_and_between_the_thresholds(error, said, text):
    assert (RIGHT_BELOW, WRONG_ABOVE) == (1e-7, 1e-2)
    assert verdict(error) == said
    assert format_relative_error(error) == text


@pytest.mark.parametrize("name", ["W", "b"])
def test_cost_of_parameter_is_the_cost_with_one_array_replaced(case, name):
    model, X, Y = case.model, case.X, case.Y
    parameters = model.weights if name == "W" else model.biases
    original = parameters[1].copy()
    other = original + 0.25
    cost = cost_of_parameter(model, X, Y, 2, name)
    assert cost(original) == model.cost(X, Y)
    changed = cost(other)
    np.testing.assert_array_equal(parameters[1], original)  # put back
    parameters[1] = other
    assert changed == model.cost(X, Y) != cost(original)
    parameters[1] = original


def test_cost_of_parameter_feeds_numerical_gradient(case):
    model, X, Y = case.model, case.X, case.Y
    dWs, dbs = model.gradients(X, Y)
    for l in range(1, len(model.weights) + 1):
        for name, analytic, value in (("W", dWs, model.weights), ("b", dbs, model.biases)):
            numerical = numerical_gradient(cost_of_parameter(model, X, Y, l, name), value[l - 1])
            assert relative_error(analytic[l - 1], numerical) < RIGHT_BELOW


@pytest.mark.parametrize(
    ("l", "name", "message"),
    [
        (0, "W", "l must be a whole number from 1 to 3 (a layer of the network); got 0"),
        (4, "W", "l must be a whole number from 1 to 3 (a layer of the network); got 4"),
        (1, "Z", "name must be 'W' or 'b'; got 'Z'"),
    ],
)
def test_cost_of_parameter_rejects_a_layer_or_name_that_is_not_there(case, l, name, message):
    with pytest.raises(ValueError) as caught:
        cost_of_parameter(case.model, case.X, case.Y, l, name)
    assert str(caught.value) == message
