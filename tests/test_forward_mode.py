"""Tests of notebook 07's forward mode (backprop_lib.lessons.forward_mode): dual numbers on
every expression of the explorer and on matrices, a network's cost and its gradient by one pass
per parameter, forward mode beside backpropagation and central differences in notebook 05's
comparison, and that a check's student cannot reach it."""

import math

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib import data, exercises
from backprop_lib.lessons import autodiff_graph_views as views
from backprop_lib.lessons import forward_mode as fm
from backprop_lib.lessons import gradient_cost
from tests.test_autodiff_graph import H, central, value_of
from tests.test_autodiff_network import SETTINGS, assert_same_gradients, random_case


@pytest.mark.parametrize("expression", list(views.EXPRESSIONS))
def test_dual_numbers_give_every_expressions_derivatives(expression):
    point = views.DEFAULT_INPUTS
    reverse = views.evaluate(expression, *point)
    for k, name in enumerate(views.INPUT_NAMES):
        seeded = [fm.Dual(v, 1.0 if j == k else 0.0) for j, v in enumerate(point)]
        out = views.EXPRESSIONS[expression](*seeded)
        assert out.value == pytest.approx(reverse.output.data, rel=1e-14)
        assert out.tangent == pytest.approx(reverse.inputs[name].grad, rel=1e-12, abs=1e-15)
        numerical = central(lambda *xs: value_of(expression, *xs), point, k)
        assert out.tangent == pytest.approx(numerical, rel=1e-6, abs=1e-9)


def test_dual_matrix_product_is_the_product_rule():
    rng = np.random.default_rng(0)
    A, B, dA, dB = (rng.standard_normal((3, 3)) for _ in range(4))
    out = fm.Dual(A, dA) @ fm.Dual(B, dB)
    np.testing.assert_allclose(out.value, A @ B)
    numerical = ((A + H * dA) @ (B + H * dB) - (A - H * dA) @ (B - H * dB)) / (2 * H)
    np.testing.assert_allclose(out.tangent, numerical, rtol=1e-6)
    np.testing.assert_allclose(out.tangent, dA @ B + A @ dB)


def test_linear_forward_runs_on_duals_unchanged():
    W, a, b = np.array([[2.0, -1.0]]), np.array([[1.0], [3.0]]), np.array([[0.5]])
    W_tangent = np.array([[1.0, 0.0]])  # the direction of W_11
    z = bp.linear_forward(fm.Dual(W, W_tangent), a, fm.Dual(b))
    assert z.value[0, 0] == 2.0 * 1.0 - 1.0 * 3.0 + 0.5
    assert z.tangent[0, 0] == 1.0  # dz/dW_11 = a_1


def test_dual_operations_with_numbers_on_either_side():
    x = fm.Dual(2.0, 1.0)
    for out, value, tangent in [
        (3.0 - x, 1.0, -1.0),
        (3.0 * x, 6.0, 3.0),
        (x / 4.0, 0.5, 0.25),
        (1.0 + x, 3.0, 1.0),
        (-x, -2.0, -1.0),
        (x**3, 8.0, 12.0),
        (x.log(), math.log(2.0), 0.5),
        (x.relu(), 2.0, 1.0),
        ((-x).relu(), 0.0, 0.0),
    ]:
        assert (out.value, out.tangent) == pytest.approx((value, tangent))
    assert fm.Dual(np.array([1, 2])).tangent.tolist() == [0.0, 0.0]  # a constant


@pytest.mark.parametrize("bad", ["2.0", None, [1.0, 2.0], True, np.array(["a"])])
def test_a_dual_of_something_else_is_a_type_error(bad):
    with pytest.raises(TypeError, match="a Dual holds a number or an array of numbers; got"):
        fm.Dual(bad)
    with pytest.raises(TypeError, match="a Dual holds a number or an array of numbers"):
        fm.Dual(1.0) + bad


def test_dual_log_of_a_non_positive_value_is_a_value_error():
    with pytest.raises(ValueError, match=r"log needs values > 0; got"):
        fm.Dual(np.array([1.0, -1.0])).log()


def test_dual_cost_is_the_cost_and_its_directional_derivative():
    model = bp.MLP([2, 3, 1], hidden_activation="tanh", l2_lambda=0.5, seed=1)
    X, Y = data.make_moons(n_samples=8, seed=0)
    tangents_W = [np.zeros_like(W) for W in model.weights]
    tangents_b = [np.zeros_like(b) for b in model.biases]
    tangents_W[1][0, 2] = 1.0
    out = fm.dual_cost(model, X, Y, tangents_W, tangents_b)
    assert out.value == pytest.approx(model.cost(X, Y), rel=1e-13)
    assert out.tangent == pytest.approx(model.gradients(X, Y)[0][1][0, 2], rel=1e-12)


@pytest.mark.parametrize(("hidden", "output", "loss", "l2_lambda"), SETTINGS)
def test_forward_mode_equals_mlp_gradients_with_one_pass_per_parameter(
    hidden, output, loss, l2_lambda
):
    model, X, Y = random_case(5, hidden, output, loss, l2_lambda)
    dWs, dbs, forward, backward = fm.forward_mode_gradients(model, X, Y)
    assert_same_gradients((dWs, dbs), model.gradients(X, Y), relative=1e-11)
    assert (forward, backward) == (sum(p.size for p in model.weights + model.biases), 0)


# ----- beside the other methods (notebook 07's comparison) ---------------------------------

METHODS = {
    "backpropagation": gradient_cost.backpropagation,
    "forward mode": fm.forward_mode_gradients,
    "central differences": gradient_cost.central_difference_gradients,
}
"""The methods notebook 07 compares."""


@pytest.mark.parametrize("units", [2, 4])
def test_forward_mode_in_the_comparison_runs_p_passes_and_agrees(units):
    X, Y = data.make_moons(n_samples=10, seed=0)
    model = bp.MLP([2, units, units, 1], hidden_activation="tanh", seed=0)
    costs = gradient_cost.gradient_costs(model, X, Y, METHODS, repeats=2)
    P = costs.parameters
    assert {2: 2 * 2 + 2 + 2 * 2 + 2 + 2 + 1, 4: 37}[units] == P
    assert list(costs.runs) == list(METHODS)
    passes = {name: (run.forward_passes, run.backward_passes) for name, run in costs.runs.items()}
    assert passes == {
        "backpropagation": (1, 1),
        "forward mode": (P, 0),
        "central differences": (2 * P, 0),
    }
    assert costs.runs["backpropagation"].error == 0.0
    assert costs.runs["forward mode"].error < 1e-12
    assert costs.runs["central differences"].error < bp.RIGHT_BELOW
    assert all(run.seconds > 0 for run in costs.runs.values())


# ----- out of a check's reach -----------------------------------------------------------------


def test_forward_mode_is_refused_as_an_answer_to_the_backward_pass():
    def by_forward_mode(model, X, Y):
        dWs, dbs, _, _ = fm.forward_mode_gradients(model, X, Y)
        return dWs, dbs

    result = exercises.check("backward_pass", by_forward_mode)
    assert result.status == "wrong", result.message
    assert "the library's own answer to this" in result.message


def test_dual_numbers_are_refused_as_an_answer_to_local_derivatives():
    one_input = {
        "exp": lambda x: math.e**x.value * x,  # no Dual.exp: e^a times the seed
        "log": lambda x: x.log(),
        "tanh": lambda x: x.tanh(),
        "sigmoid": lambda x: x.sigmoid(),
        "relu": lambda x: x.relu(),
    }
    two_inputs = {
        "+": lambda x, y: x + y,
        "-": lambda x, y: x - y,
        "*": lambda x, y: x * y,
        "/": lambda x, y: x / y,
    }

    def by_dual_numbers(op, a, b):
        if op in one_input:
            return one_input[op](fm.Dual(a, 1.0)).tangent, 0.0
        f = two_inputs[op]
        return f(fm.Dual(a, 1.0), fm.Dual(b, 0.0)).tangent, f(fm.Dual(a), fm.Dual(b, 1.0)).tangent

    result = exercises.check("local_derivatives", by_dual_numbers)
    assert result.status == "wrong", result.message
    assert "the library's own answer to this" in result.message
