"""Tests of notebook 05's cost of a gradient (backprop_lib.lessons.gradient_cost): the counted
forward passes and multiply-adds of backpropagation and of central differences, the central-
difference gradients themselves, the timing, and its figure."""

from itertools import pairwise
from types import SimpleNamespace

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib import data
from backprop_lib.display.figures import new_figure
from backprop_lib.lessons import gradient_checking_views as views
from backprop_lib.lessons import gradient_cost as gcost
from backprop_lib.lessons.planted_mistakes import check_network


def test_parameter_count_by_hand_and_against_a_network():
    # [2, 3, 1]: W^1 is 3x2 and b^1 3x1 (9), W^2 is 1x3 and b^2 1x1 (4): 13.
    assert gcost.parameter_count([2, 3, 1]) == 13
    model = bp.MLP([4, 7, 5, 2], seed=0)
    expected = sum(W.size + b.size for W, b in zip(model.weights, model.biases, strict=True))
    assert gcost.parameter_count(model.layer_sizes) == expected


def test_multiply_adds_by_hand():
    # [2, 3, 1] with m = 4 examples. Forward: W^1 a^0 is 3*2*4 = 24, W^2 a^1 is 1*3*4 = 12,
    # F = 36. Backward: dW^1 = delta^1 a^0T 24, dW^2 = delta^2 a^1T 12, (W^2)^T delta^2 12
    # (no delta for the input layer): 48. Backpropagation 36 + 48 = 84; central differences
    # 2P forward passes, 2 * 13 * 36 = 936.
    assert gcost.multiply_adds([2, 3, 1], 4) == {
        "backpropagation": 84,
        "central differences": 936,
    }


def test_pass_multiply_adds_by_hand():
    # The [2, 3, 1] network of the test above, m = 4: F = 24 + 12 = 36, B = 24 + 12 + 12 = 48.
    assert gcost.pass_multiply_adds([2, 3, 1], 4) == {"forward": 36, "backward": 48}


@pytest.mark.parametrize("units", [2, 96])
def test_a_backward_pass_tends_to_two_forward_passes_as_the_hidden_layers_widen(units):
    # [2, u, u, 1]: F = m (2u + u^2 + u), B = 2F - 2um; B / F = 1.6 for u = 2, 1.98 for u = 96.
    passes = gcost.pass_multiply_adds([2, units, units, 1], 20)
    expected = {2: 1.6, 96: 18816 / 9504}[units]
    assert passes["backward"] / passes["forward"] == pytest.approx(expected)


@pytest.mark.parametrize("sizes", [[20, 50, 50, 1], [2, 96, 96, 1], [784, 30, 10]])
def test_backpropagation_costs_two_to_three_forward_passes_and_central_differences_2p(sizes):
    m = 10
    forward = m * sum(n_in * n_out for n_in, n_out in pairwise(sizes))
    counts = gcost.multiply_adds(sizes, m)
    assert 2 * forward < counts["backpropagation"] < 3 * forward
    assert counts["central differences"] == 2 * gcost.parameter_count(sizes) * forward


def test_central_difference_gradients_equal_backpropagation():
    model, X, Y = check_network("square")  # sigmoid layers, L2: no kink, gradients of order 1
    dWs, dbs = model.gradients(X, Y)
    nWs, nbs = gcost.central_difference_gradients(model, X, Y)
    for analytic, numerical in zip(dWs + dbs, nWs + nbs, strict=True):
        assert numerical.shape == analytic.shape
        assert bp.relative_error(analytic, numerical) < 1e-7


def test_central_difference_gradients_use_their_epsilon():
    # With a step of 0.1 the truncation error, about eps^2/6 f''', is far above 1e-7.
    model, X, Y = check_network("square")
    dWs, _ = model.gradients(X, Y)
    coarse, _ = gcost.central_difference_gradients(model, X, Y, epsilon=0.1)
    assert bp.relative_error(dWs[0], coarse[0]) > 1e-5


def test_counting_mlp_counts_one_forward_pass_per_cost_or_gradient():
    model = gcost.CountingMLP([2, 3, 1], seed=0)
    X, Y = data.make_moons(n_samples=5, seed=0)
    model.gradients(X, Y)
    assert model.forward_passes == 1
    model.cost(X, Y)
    assert model.forward_passes == 2
    model.forward_passes = 0
    gcost.central_difference_gradients(model, X, Y)
    assert model.forward_passes == 2 * gcost.parameter_count(model.layer_sizes)


def test_gradient_costs_counts_and_times_both_methods():
    X, Y = data.make_moons(n_samples=20, seed=0)
    sizes = [2, 32, 32, 1]
    costs = gcost.gradient_costs(sizes, X, Y, repeats=2)
    P = gcost.parameter_count(sizes)
    assert costs.parameters == P == 1185
    assert costs.forward_passes == {"backpropagation": 1, "central differences": 2 * P}
    assert costs.multiply_adds == gcost.multiply_adds(sizes, 20)
    assert set(costs.seconds) == set(gcost.METHODS)
    assert all(seconds > 0 for seconds in costs.seconds.values())
    # 2370 forward passes against one forward and one backward: by far slower on any computer.
    assert costs.seconds["central differences"] > 10 * costs.seconds["backpropagation"]


def test_growing_networks_span_ten_to_ten_thousand_parameters():
    counts = [gcost.parameter_count([2, u, u, 1]) for u in gcost.GROWING_UNITS]
    assert counts == sorted(counts)
    assert 10 <= counts[0] <= 20
    assert 5_000 <= counts[-1] <= 10_000


def test_plot_gradient_costs_draws_both_methods_on_log_axes():
    costs = [
        SimpleNamespace(
            parameters=P,
            multiply_adds={"backpropagation": 3 * P, "central differences": 2 * P * P},
            seconds={"backpropagation": 1e-4, "central differences": 1e-5 * P},
        )
        for P in (10, 100, 1000)
    ]
    _, (ax_count, ax_time) = new_figure(ncols=2)
    views.plot_gradient_costs(ax_count, ax_time, costs)
    for ax, field in ((ax_count, "multiply_adds"), (ax_time, "seconds")):
        assert ax.get_xscale() == ax.get_yscale() == "log"
        lines = ax.get_lines()
        assert [line.get_label() for line in lines] == list(gcost.METHODS)
        for line, method in zip(lines, gcost.METHODS, strict=True):
            np.testing.assert_array_equal(line.get_xdata(), [10, 100, 1000])
            expected = [getattr(cost, field)[method] for cost in costs]
            np.testing.assert_array_equal(line.get_ydata(), expected)
            assert line.get_color() == views.METHOD_COLOURS[method]
