"""Tests of notebook 01: one sigmoid neuron's cost, slope and descent
(backprop_lib.lessons.single_neuron), and its views and explorers (single_neuron_views), used
as a student would: build the explorer, move each slider, check the numbers and the figure."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib.display.explorer import NOTE_COLOUR, cost_rise_note, message_html
from backprop_lib.lessons import single_neuron as sn
from backprop_lib.lessons import single_neuron_views as views
from tests.explorer_checks import (
    PNG_SIGNATURE,
    assert_redrawn_without_message,
    assert_slider_range,
    move,
)


@pytest.fixture(scope="module")
def teacher_examples():
    """Notebook 01's examples: inputs in (0, 1), targets from the neuron w = 4, b = -2."""
    rng = np.random.default_rng(1)
    A_prev = rng.uniform(0.0, 1.0, size=(1, 8))
    return A_prev, bp.sigmoid(4.0 * A_prev - 2.0)


# ----- computations ---------------------------------------------------------------------


@pytest.mark.parametrize(("w", "b", "a_prev", "y"), [(1.2, -0.4, 0.7, 0.2), (-3.0, 1.5, 0.35, 0.9)])
def test_neuron_cost_and_slope_match_the_forward_pass_and_central_differences(w, b, a_prev, y):
    def cost(w_):
        z = bp.linear_forward(w_, np.array([[a_prev]]), np.array([[b]]))
        return bp.squared_error(bp.sigmoid(z), y).item()

    (cost0,), (slope,) = sn.neuron_cost_and_slope(w, b, a_prev, y)
    assert cost0 == pytest.approx(cost(np.array([[w]])))
    numeric = bp.numerical_gradient(cost, np.array([[w]]))
    assert bp.relative_error(np.array([[slope]]), numeric) < 1e-7


def test_neuron_cost_and_slope_by_hand_at_the_steepest_point():
    # y = 1, b = 0, a^(L-1) = 1: C = (s - 1)^2 with s = sigma(w), slope = -2 s (1 - s)^2.
    # The slope is steepest where d/ds [s (1 - s)^2] = (1 - s)(1 - 3 s) = 0: s = 1/3,
    # w = ln(s / (1 - s)) = -ln 2. There C = (2/3)^2 = 4/9 and the slope is
    # 1 * (1/3)(2/3) * 2 (1/3 - 1) = -8/27 (notebook 01, exercise 3).
    (cost0,), (slope,) = sn.neuron_cost_and_slope(-np.log(2.0), 0.0, 1.0, 1.0)
    assert cost0 == pytest.approx(4.0 / 9.0, rel=1e-12)
    assert slope == pytest.approx(-8.0 / 27.0, rel=1e-12)
    _, slopes = sn.neuron_cost_and_slope(sn.NEURON_WEIGHTS, 0.0, 1.0, 1.0)
    step = sn.NEURON_WEIGHTS[1] - sn.NEURON_WEIGHTS[0]
    assert abs(sn.NEURON_WEIGHTS[np.argmin(slopes)] + np.log(2.0)) < step
    assert slopes.min() >= -8.0 / 27.0


def test_neuron_cost_and_slope_take_many_weights_at_once():
    weights = np.linspace(-2.0, 2.0, 5)
    costs, slopes = sn.neuron_cost_and_slope(weights, 0.3, 0.6, 0.1)
    assert costs.shape == slopes.shape == (5,)
    for k, w in enumerate(weights):
        (cost0,), (slope,) = sn.neuron_cost_and_slope(w, 0.3, 0.6, 0.1)
        assert (costs[k], slopes[k]) == pytest.approx((cost0, slope))


def test_neuron_cost_surface_is_the_mean_cost_at_each_grid_point(teacher_examples):
    A_prev, Y = teacher_examples
    w_values, b_values = np.array([-1.0, 0.5, 4.0]), np.array([-2.0, 1.0])
    surface = sn.neuron_cost_surface(A_prev, Y, w_values, b_values)
    assert surface.shape == (2, 3)
    neuron = bp.MLP([1, 1], output_activation="sigmoid", loss="squared_error")
    for i, b in enumerate(b_values):
        for j, w in enumerate(w_values):
            neuron.weights, neuron.biases = [np.array([[w]])], [np.array([[b]])]
            assert surface[i, j] == pytest.approx(neuron.cost(A_prev, Y))
    assert surface[1, 2] > surface[0, 2]  # the teacher (4, -2) is the exact minimum: cost 0
    assert surface[0, 2] == pytest.approx(0.0, abs=1e-20)


def test_fit_single_neuron_is_gradient_descent_from_the_given_start(teacher_examples):
    A_prev, Y = teacher_examples
    costs, ws, bs = sn.fit_single_neuron(A_prev, Y, -2.0, 2.0, 2.0, 5)
    assert costs.shape == (5,)
    assert ws.shape == bs.shape == (6,)
    assert (ws[0], bs[0]) == (-2.0, 2.0)
    neuron = bp.MLP([1, 1], output_activation="sigmoid", loss="squared_error")
    neuron.weights, neuron.biases = [np.array([[-2.0]])], [np.array([[2.0]])]
    for t in range(5):
        assert neuron.step(A_prev, Y, 2.0) == pytest.approx(costs[t])
        assert (neuron.weights[0].item(), neuron.biases[0].item()) == pytest.approx(
            (ws[t + 1], bs[t + 1])
        )


# ----- views ----------------------------------------------------------------------------


def test_tangent_line_draws_the_curve_the_point_and_the_slope():
    fig, ax = plt.subplots()
    x = np.linspace(-1.0, 1.0, 21)
    view = views.TangentLine(ax, x, "x", "f", "title", slope_label="df/dx")
    view.update(x**2, 0.5, 0.25, 1.0)
    np.testing.assert_array_equal(view.curve.get_ydata(), x**2)
    tx, ty = view.tangent.get_data()
    assert np.allclose(np.diff(ty) / np.diff(tx), 1.0)
    assert view.point.get_data()[0][0] == 0.5
    assert view.text.get_text() == "at 0.50: df/dx = 1.0000"
    plt.close(fig)


def test_descent_view_updates_the_cost_curve_and_the_path():
    fig, axes = plt.subplots(1, 2)
    u, v = np.linspace(-1, 1, 5), np.linspace(-2, 2, 4)
    view = views.DescentView(axes, u, v, np.add.outer(v**2, u**2), "u", "v")
    view.update(np.array([3.0, 2.0, 1.0]), np.array([1.0, 0.5, 0.0]), np.array([2.0, 1.0, 0.0]))
    assert list(view.cost_curve.lines[0].get_ydata()) == [3.0, 2.0, 1.0]
    assert list(view.path.get_xdata()) == [1.0, 0.5, 0.0]
    assert list(view.start.get_ydata()) == [2.0]
    assert list(view.end.get_ydata()) == [0.0]
    plt.close(fig)


# ----- the slope explorer ---------------------------------------------------------------


def test_neuron_cost_explorer_starts_at_the_notebook_values():
    explorer = views.neuron_cost_explorer(w=1.2, b=-0.4, a_prev=0.7, y=0.2)
    (cost0,), (slope,) = sn.neuron_cost_and_slope(1.2, -0.4, 0.7, 0.2)
    assert (explorer.result.cost, explorer.result.slope) == pytest.approx((cost0, slope))
    assert explorer.message.value == ""
    assert explorer.image.value[:8] == PNG_SIGNATURE
    ranges = {"w": (-5.0, 5.0), "b": (-3.0, 3.0), "a_prev": (0.0, 1.0), "y": (0.0, 1.0)}
    for name, (low, high) in ranges.items():
        assert_slider_range(explorer.controls[name], low, high)


@pytest.mark.parametrize("name", ["w", "b", "a_prev", "y"])
def test_neuron_cost_explorer_redraws_at_both_ends_of_each_slider(name):
    explorer = views.neuron_cost_explorer()
    control = explorer.controls[name]
    for value in (control.min, control.max):
        before = move(explorer, name, value)
        assert_redrawn_without_message(explorer, before)
        settings = explorer.values()
        expected = sn.neuron_cost_and_slope(**settings)
        assert (explorer.result.cost, explorer.result.slope) == pytest.approx(
            (expected[0][0], expected[1][0])
        )


def test_a_zero_input_gives_every_weight_a_zero_slope():
    explorer = views.neuron_cost_explorer()
    move(explorer, "a_prev", 0.0)
    assert explorer.result.slope == 0.0
    # Every weight, not only the current one: with a^(L-1) = 0 the cost does not depend on w,
    # so every slope is 0, and the curve and the tangent drawn are flat.
    settings = explorer.values()
    _, slopes = sn.neuron_cost_and_slope(
        sn.NEURON_WEIGHTS, settings["b"], settings["a_prev"], settings["y"]
    )
    assert np.all(slopes == 0.0)
    curve, tangent, _ = explorer.figure.axes[0].get_lines()
    assert np.all(curve.get_ydata() == curve.get_ydata()[0])
    assert tangent.get_ydata()[0] == tangent.get_ydata()[1]


# ----- gradient descent on one neuron ---------------------------------------------------


def test_neuron_descent_explorer_trains_and_draws(teacher_examples):
    explorer = views.neuron_descent_explorer(*teacher_examples)
    result = explorer.result
    assert result.costs.shape == (200,)
    assert result.costs[-1] < result.costs[0]
    assert (result.ws[0], result.bs[0]) == (-2.0, 2.0)
    assert result.note is None
    assert explorer.message.value == ""
    assert_slider_range(explorer.controls["learning_rate"], 1e-2, 1e3, log=True)
    assert_slider_range(explorer.controls["epochs"], 1, 1000)


@pytest.mark.parametrize(
    ("name", "value"), [("learning_rate", 1e-2), ("epochs", 1), ("epochs", 1000)]
)
def test_neuron_descent_explorer_retrains_at_the_slider_ends(teacher_examples, name, value):
    explorer = views.neuron_descent_explorer(*teacher_examples)
    old_costs = explorer.result.costs
    before = move(explorer, name, value)
    assert_redrawn_without_message(explorer, before)
    expected, _, _ = sn.fit_single_neuron(*teacher_examples, -2.0, 2.0, **explorer.values())
    np.testing.assert_array_equal(explorer.result.costs, expected)
    assert not np.array_equal(explorer.result.costs, old_costs)


def test_neuron_descent_explorer_says_when_the_cost_went_up(teacher_examples):
    explorer = views.neuron_descent_explorer(*teacher_examples)
    before = move(explorer, "learning_rate", 1e3)  # the largest learning rate
    costs = explorer.result.costs
    assert costs[-1] > costs[0]
    assert "The cost went up" in explorer.message.value
    assert "smaller learning rate" in explorer.message.value
    # The whole note, from this run's costs, as a note (amber), not as an error.
    expected = (
        f"The cost went up, from {costs[0]:.4g} to {costs[-1]:.4g}: gradient descent is "
        "overshooting. Try a smaller learning rate."
    )
    assert explorer.result.note == expected == cost_rise_note(costs)
    assert explorer.message.value == message_html(expected, NOTE_COLOUR)
    assert explorer.image.value != before  # the overshooting path is still drawn
    move(explorer, "learning_rate", 2.0)
    assert explorer.message.value == ""
