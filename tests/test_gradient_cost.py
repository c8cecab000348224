"""Tests of the cost of a gradient that notebooks 05 and 07 compare (backprop_lib.lessons.
gradient_cost): the passes that backpropagation and central differences count, checked against
the passes the network runs, their multiply-adds, the central-difference gradients themselves,
the comparison of any set of methods, and its figure (gradient_checking_views). Forward mode's
place in the comparison is tested in test_forward_mode.py."""

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
    nWs, nbs, _, _ = gcost.central_difference_gradients(model, X, Y)
    for analytic, numerical in zip(dWs + dbs, nWs + nbs, strict=True):
        assert numerical.shape == analytic.shape
        assert bp.relative_error(analytic, numerical) < 1e-7


def test_central_difference_gradients_use_their_epsilon():
    # With a step of 0.1 the truncation error, about eps^2/6 f''', is far above 1e-7.
    model, X, Y = check_network("square")
    dWs, _ = model.gradients(X, Y)
    coarse, *_ = gcost.central_difference_gradients(model, X, Y, epsilon=0.1)
    assert bp.relative_error(dWs[0], coarse[0]) > 1e-5


class CountingMLP(bp.MLP):
    """An MLP that counts the forward and backward passes it runs: every cost and gradient
    goes through ``_forward``, every gradient through ``_backward``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passes = [0, 0]

    def _forward(self, X):
        self.passes[0] += 1
        return super()._forward(X)

    def _backward(self, *args):
        self.passes[1] += 1
        return super()._backward(*args)


@pytest.mark.parametrize("method", list(gcost.METHODS))
def test_each_method_counts_the_passes_the_network_runs(method):
    model = CountingMLP([2, 3, 1], seed=0)
    X, Y = data.make_moons(n_samples=5, seed=0)
    *_, forward, backward = gcost.METHODS[method](model, X, Y)
    assert model.passes == [forward, backward]
    P = gcost.parameter_count(model.layer_sizes)
    assert (forward, backward) == {"backpropagation": (1, 1), "central differences": (2 * P, 0)}[
        method
    ]


def test_gradient_costs_counts_and_times_both_methods():
    X, Y = data.make_moons(n_samples=20, seed=0)
    sizes = [2, 32, 32, 1]
    costs = gcost.gradient_costs(bp.MLP(sizes, seed=0), X, Y, repeats=2)
    P = gcost.parameter_count(sizes)
    assert costs.parameters == P == 1185
    assert list(costs.runs) == list(gcost.METHODS)
    passes = {name: (run.forward_passes, run.backward_passes) for name, run in costs.runs.items()}
    assert passes == {"backpropagation": (1, 1), "central differences": (2 * P, 0)}
    assert costs.runs["backpropagation"].error == 0.0
    assert costs.runs["central differences"].error < bp.RIGHT_BELOW
    seconds = {name: run.seconds for name, run in costs.runs.items()}
    assert all(s > 0 for s in seconds.values())
    # 2370 forward passes against one forward and one backward: by far slower on any computer.
    assert seconds["central differences"] > 10 * seconds["backpropagation"]


def test_gradient_costs_repeat_the_first_method_only_and_measure_errors_from_it():
    calls = {"exact": 0, "off": 0}
    model = bp.MLP([2, 1], seed=0)
    X, Y = data.make_moons(n_samples=4, seed=0)

    def exact(model, X, Y):
        calls["exact"] += 1
        return [np.array([[4.0, -2.0]])], [np.array([[1.0]])], 1, 1

    def off(model, X, Y):
        calls["off"] += 1
        return [np.array([[4.0, -1.0]])], [np.array([[0.0]])], 3, 0

    costs = gcost.gradient_costs(model, X, Y, {"exact": exact, "off": off}, repeats=3)
    assert calls == {"exact": 3, "off": 1}
    assert costs.parameters == 3
    assert costs.runs["exact"].error == 0.0
    assert costs.runs["off"].error == 0.25  # largest difference 1, largest entry 4
    assert (costs.runs["off"].forward_passes, costs.runs["off"].backward_passes) == (3, 0)


def test_growing_networks_span_ten_to_ten_thousand_parameters():
    counts = [gcost.parameter_count([2, u, u, 1]) for u in gcost.GROWING_UNITS]
    assert counts == sorted(counts)
    assert 10 <= counts[0] <= 20
    assert 5_000 <= counts[-1] <= 10_000


def made_up_costs(methods, parameters=(10, 100, 1000)):
    """gradient_costs-like results: method k runs k + 1 forward passes per parameter and one
    backward pass, in 1e-5 (k + 1) P seconds."""
    return [
        SimpleNamespace(
            parameters=P,
            runs={
                name: SimpleNamespace(
                    forward_passes=(k + 1) * P, backward_passes=1, seconds=1e-5 * (k + 1) * P
                )
                for k, name in enumerate(methods)
            },
        )
        for P in parameters
    ]


def test_plot_gradient_costs_draws_multiply_adds_and_seconds_on_log_axes():
    costs = made_up_costs(gcost.METHODS)
    adds = [
        {"backpropagation": 3 * c.parameters, "central differences": 2 * c.parameters**2}
        for c in costs
    ]
    _, (ax_count, ax_time) = new_figure(ncols=2)
    views.plot_gradient_costs(ax_count, ax_time, costs, multiply_adds=adds)
    assert ax_count.get_title() == "Counted: multiply-adds of one gradient"
    assert ax_time.get_title() == "Measured on this computer: time of one gradient"
    expected = {
        ax_count: [[a[method] for a in adds] for method in gcost.METHODS],
        ax_time: [[c.runs[method].seconds for c in costs] for method in gcost.METHODS],
    }
    for ax, values in expected.items():
        assert ax.get_xscale() == ax.get_yscale() == "log"
        lines = ax.get_lines()
        assert [line.get_label() for line in lines] == list(gcost.METHODS)
        for line, method, ys in zip(lines, gcost.METHODS, values, strict=True):
            np.testing.assert_array_equal(line.get_xdata(), [10, 100, 1000])
            np.testing.assert_array_equal(line.get_ydata(), ys)
            assert line.get_color() == views.METHOD_COLOURS[method]
            assert (line.get_marker(), line.get_linestyle()) == views.METHOD_LINES[method]


def test_plot_gradient_costs_counts_passes_without_multiply_adds():
    methods = ["backpropagation", "forward mode", "central differences"]
    costs = made_up_costs(methods)
    _, (ax_count, ax_time) = new_figure(ncols=2)
    views.plot_gradient_costs(ax_count, ax_time, costs)
    assert ax_count.get_title() == "Counted: passes through the network for one gradient"
    for ax in (ax_count, ax_time):
        assert [line.get_label() for line in ax.lines] == methods
    assert list(ax_count.lines[2].get_ydata()) == [3 * P + 1 for P in (10, 100, 1000)]
    markers = {line.get_marker() for line in ax_count.lines}
    assert len(markers) == 3  # each method its own shape, not only its own colour


def test_plot_gradient_costs_draws_a_method_of_ones_own_too():
    costs = made_up_costs(["backpropagation", "mine"])
    _, (ax_count, ax_time) = new_figure(ncols=2)
    views.plot_gradient_costs(ax_count, ax_time, costs)
    mine = ax_count.lines[1]
    assert mine.get_label() == "mine"
    assert (mine.get_marker(), mine.get_linestyle()) == views.OTHER_METHOD_LINE
    assert mine.get_color() != views.METHOD_COLOURS["backpropagation"]
