"""Tests of the explorers of notebooks 01 and 02 and the views they draw with, used as a
student would: build the explorer, move each slider, check the retrained model and the
redrawn figure (and a clear message, never a traceback, for a bad setting)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib import data, plots
from backprop_lib import widgets as bp_widgets

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def teacher_examples():
    """Notebook 01's examples: inputs in (0, 1), targets from the neuron w = 4, b = -2."""
    rng = np.random.default_rng(1)
    A_prev = rng.uniform(0.0, 1.0, size=(1, 8))
    return A_prev, bp.sigmoid(4.0 * A_prev - 2.0)


@pytest.fixture(scope="module")
def blobs():
    """Notebook 02's two-feature data set."""
    return data.make_blobs(n_samples=200, noise=0.4, seed=0)


def move(explorer, name, value):
    """Set a slider as a student would; return the figure's PNG bytes before the change."""
    before = explorer.image.value
    explorer.controls[name].value = value
    assert explorer.controls[name].value == pytest.approx(value)
    return before


def assert_redrawn_without_message(explorer, before):
    assert explorer.message.value == ""
    assert explorer.image.value[:8] == PNG_SIGNATURE
    assert explorer.image.value != before


def assert_slider_range(control, low, high, log=False):
    if log:
        assert 10**control.min == pytest.approx(low)
        assert 10**control.max == pytest.approx(high)
    else:
        assert (control.min, control.max) == (low, high)
    assert control.continuous_update is False


# ----- compute functions ----------------------------------------------------------------


@pytest.mark.parametrize(("w", "b", "a_prev", "y"), [(1.2, -0.4, 0.7, 0.2), (-3.0, 1.5, 0.35, 0.9)])
def test_neuron_cost_and_slope_match_the_forward_pass_and_central_differences(w, b, a_prev, y):
    def cost(w_):
        z = bp.linear_forward(w_, np.array([[a_prev]]), np.array([[b]]))
        return bp.squared_error(bp.sigmoid(z), y).item()

    (cost0,), (slope,) = bp_widgets.neuron_cost_and_slope(w, b, a_prev, y)
    assert cost0 == pytest.approx(cost(np.array([[w]])))
    numeric = bp.numerical_gradient(cost, np.array([[w]]))
    assert bp.relative_error(np.array([[slope]]), numeric) < 1e-7


def test_neuron_cost_and_slope_take_many_weights_at_once():
    weights = np.linspace(-2.0, 2.0, 5)
    costs, slopes = bp_widgets.neuron_cost_and_slope(weights, 0.3, 0.6, 0.1)
    assert costs.shape == slopes.shape == (5,)
    for k, w in enumerate(weights):
        (cost0,), (slope,) = bp_widgets.neuron_cost_and_slope(w, 0.3, 0.6, 0.1)
        assert (costs[k], slopes[k]) == pytest.approx((cost0, slope))


def test_neuron_cost_surface_is_the_mean_cost_at_each_grid_point(teacher_examples):
    A_prev, Y = teacher_examples
    w_values, b_values = np.array([-1.0, 0.5, 4.0]), np.array([-2.0, 1.0])
    surface = bp_widgets.neuron_cost_surface(A_prev, Y, w_values, b_values)
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
    costs, ws, bs = bp_widgets.fit_single_neuron(A_prev, Y, -2.0, 2.0, 2.0, 5)
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


def test_fit_logistic_regression_is_a_seeded_mlp_without_hidden_layer(blobs):
    X, Y = blobs
    model, costs = bp_widgets.fit_logistic_regression(X, Y, 1.0, 50, seed=4)
    assert model.layer_sizes == (2, 1)
    assert (model.output_activation, model.loss_name) == ("sigmoid", "cross_entropy")
    assert costs.shape == (50,)
    assert costs[-1] < costs[0]
    again, costs_again = bp_widgets.fit_logistic_regression(X, Y, 1.0, 50, seed=4)
    np.testing.assert_array_equal(costs, costs_again)
    np.testing.assert_array_equal(model.weights[0], again.weights[0])


def test_compare_losses_records_the_gradient_each_step_used_and_the_accuracy(blobs):
    X, Y = blobs
    epochs, learning_rate = 20, 0.7
    results = bp_widgets.compare_losses(X, Y, -4.0, learning_rate, epochs)
    assert list(results) == list(bp_widgets.LOSS_LABELS)
    for loss, result in results.items():
        model = bp.MLP([2, 1], output_activation="sigmoid", loss=loss)
        model.weights, model.biases = [np.full((1, 2), -4.0)], [np.zeros((1, 1))]
        for t in range(epochs):
            (dW,), (db,) = model.gradients(X, Y)
            length = np.sqrt(np.sum(dW**2) + np.sum(db**2))
            assert result["gradient_norm"][t] == pytest.approx(length, rel=1e-6)
            assert model.step(X, Y, learning_rate) == pytest.approx(result["costs"][t])
            assert result["accuracy"][t] == pytest.approx(model.accuracy(X, Y))


def test_cross_entropy_learns_faster_than_squared_error_from_a_saturated_start(blobs):
    results = bp_widgets.compare_losses(*blobs, start=-4.0, learning_rate=1.0, epochs=200)
    squared, cross = results["squared_error"], results["cross_entropy"]
    assert cross["gradient_norm"][0] > 10 * squared["gradient_norm"][0]
    first_good = {k: int(np.argmax(r["accuracy"] >= 0.9)) for k, r in results.items()}
    assert first_good["cross_entropy"] * 5 < first_good["squared_error"]


# ----- views and text helpers -----------------------------------------------------------


def test_tangent_line_draws_the_curve_the_point_and_the_slope():
    fig, ax = plt.subplots()
    x = np.linspace(-1.0, 1.0, 21)
    view = plots.TangentLine(ax, x, "x", "f", "title", slope_label="df/dx")
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
    view = plots.DescentView(axes, u, v, np.add.outer(v**2, u**2), "u", "v")
    view.update(np.array([3.0, 2.0, 1.0]), np.array([1.0, 0.5, 0.0]), np.array([2.0, 1.0, 0.0]))
    assert list(view.cost_curve.line.get_ydata()) == [3.0, 2.0, 1.0]
    assert list(view.path.path.get_xdata()) == [1.0, 0.5, 0.0]
    assert list(view.path.start.get_ydata()) == [2.0]
    assert list(view.path.end.get_ydata()) == [0.0]
    plt.close(fig)


def test_loss_comparison_draws_one_line_per_loss():
    fig, axes = plt.subplots(1, 2)
    view = plots.LossComparison(axes, ["a", "b"])
    results = {
        "a": {"accuracy": np.array([0.1, 0.2]), "gradient_norm": np.array([1.0, 0.5])},
        "b": {"accuracy": np.array([0.3, 0.9]), "gradient_norm": np.array([2.0, 0.1])},
    }
    view.update(results)
    assert list(view.accuracy.lines[1].get_ydata()) == [0.3, 0.9]
    assert list(view.gradient.lines[0].get_xdata()) == [1, 2]
    assert [t.get_text() for t in axes[0].get_legend().get_texts()] == ["a", "b"]
    plt.close(fig)


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (3e-12, "< 1e-07 (right)"),
        (4.2e-5, "4.2e-05 (look closer)"),
        (0.6154, "0.615 (wrong)"),
        (1.0, "1.000 (wrong)"),
    ],
)
def test_format_relative_error_prints_a_stable_verdict(error, text):
    assert plots.format_relative_error(error) == text


def test_gradient_check_table_names_shapes_and_verdicts():
    right = np.array([[1.0, 2.0]])
    table = plots.gradient_check_table([("dJ/dW", right, right + 1e-13), ("dJ/db", right, -right)])
    lines = table.splitlines()
    assert lines[0].split() == ["gradient", "shape", "relative", "error"]
    assert "dJ/dW" in lines[2] and "(1, 2)" in lines[2] and "< 1e-07 (right)" in lines[2]
    assert lines[3].endswith("1.000 (wrong)")


# ----- notebook 01: the slope explorer --------------------------------------------------


def test_neuron_cost_explorer_starts_at_the_notebook_values():
    explorer = bp_widgets.neuron_cost_explorer(w=1.2, b=-0.4, a_prev=0.7, y=0.2)
    (cost0,), (slope,) = bp_widgets.neuron_cost_and_slope(1.2, -0.4, 0.7, 0.2)
    assert (explorer.result.cost, explorer.result.slope) == pytest.approx((cost0, slope))
    assert explorer.message.value == ""
    assert explorer.image.value[:8] == PNG_SIGNATURE
    ranges = {"w": (-5.0, 5.0), "b": (-3.0, 3.0), "a_prev": (0.0, 1.0), "y": (0.0, 1.0)}
    for name, (low, high) in ranges.items():
        assert_slider_range(explorer.controls[name], low, high)


@pytest.mark.parametrize("name", ["w", "b", "a_prev", "y"])
def test_neuron_cost_explorer_redraws_at_both_ends_of_each_slider(name):
    explorer = bp_widgets.neuron_cost_explorer()
    control = explorer.controls[name]
    for value in (control.min, control.max):
        before = move(explorer, name, value)
        assert_redrawn_without_message(explorer, before)
        settings = explorer.values()
        expected = bp_widgets.neuron_cost_and_slope(**settings)
        assert (explorer.result.cost, explorer.result.slope) == pytest.approx(
            (expected[0][0], expected[1][0])
        )


def test_a_zero_input_gives_every_weight_a_zero_slope():
    explorer = bp_widgets.neuron_cost_explorer()
    move(explorer, "a_prev", 0.0)
    assert explorer.result.slope == 0.0


# ----- notebook 01: gradient descent on one neuron --------------------------------------


def test_neuron_descent_explorer_trains_and_draws(teacher_examples):
    explorer = bp_widgets.neuron_descent_explorer(*teacher_examples)
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
    explorer = bp_widgets.neuron_descent_explorer(*teacher_examples)
    old_costs = explorer.result.costs
    before = move(explorer, name, value)
    assert_redrawn_without_message(explorer, before)
    expected, _, _ = bp_widgets.fit_single_neuron(*teacher_examples, -2.0, 2.0, **explorer.values())
    np.testing.assert_array_equal(explorer.result.costs, expected)
    assert not np.array_equal(explorer.result.costs, old_costs)


def test_neuron_descent_explorer_says_when_the_cost_went_up(teacher_examples):
    explorer = bp_widgets.neuron_descent_explorer(*teacher_examples)
    before = move(explorer, "learning_rate", 1e3)  # the largest learning rate
    costs = explorer.result.costs
    assert costs[-1] > costs[0]
    assert "The cost went up" in explorer.message.value
    assert "smaller learning rate" in explorer.message.value
    assert "Traceback" not in explorer.message.value
    assert explorer.image.value != before  # the overshooting path is still drawn
    move(explorer, "learning_rate", 2.0)
    assert explorer.message.value == ""


# ----- notebook 02: logistic regression -------------------------------------------------


def test_logistic_regression_explorer_trains_and_draws(blobs):
    explorer = bp_widgets.logistic_regression_explorer(*blobs, learning_rate=1.0, iterations=100)
    result = explorer.result
    assert result.model.layer_sizes == (2, 1)
    assert result.costs.shape == (100,)
    assert result.accuracy == pytest.approx(result.model.accuracy(*blobs))
    assert result.accuracy > 0.9
    assert result.note is None
    assert explorer.message.value == ""
    assert_slider_range(explorer.controls["learning_rate"], 1e-3, 1e3, log=True)
    assert_slider_range(explorer.controls["iterations"], 1, 500)


@pytest.mark.parametrize(
    ("name", "value"), [("learning_rate", 1e-3), ("iterations", 1), ("iterations", 500)]
)
def test_logistic_regression_explorer_retrains_at_the_slider_ends(blobs, name, value):
    explorer = bp_widgets.logistic_regression_explorer(*blobs)
    old_model = explorer.result.model
    before = move(explorer, name, value)
    assert_redrawn_without_message(explorer, before)
    assert explorer.result.model is not old_model
    settings = explorer.values()
    model, costs = bp_widgets.fit_logistic_regression(
        *blobs, settings["learning_rate"], settings["iterations"]
    )
    np.testing.assert_array_equal(explorer.result.costs, costs)
    np.testing.assert_array_equal(explorer.result.model.weights[0], model.weights[0])


def test_logistic_regression_explorer_says_when_the_cost_went_up(blobs):
    explorer = bp_widgets.logistic_regression_explorer(*blobs)
    move(explorer, "learning_rate", 1e3)  # the largest learning rate
    assert explorer.result.costs[-1] > explorer.result.costs[0]
    assert "The cost went up" in explorer.message.value
    assert "Traceback" not in explorer.message.value


def test_logistic_regression_explorer_explains_bad_labels(blobs):
    X, Y = blobs
    explorer = bp_widgets.logistic_regression_explorer(X, 2.0 * Y)
    assert "labels in [0, 1]" in explorer.message.value
    assert "Traceback" not in explorer.message.value


# ----- notebook 02: squared error against cross-entropy ----------------------------------


def test_loss_comparison_explorer_trains_both_losses(blobs):
    explorer = bp_widgets.loss_comparison_explorer(*blobs)
    results = explorer.result.results
    assert list(results) == ["squared_error", "cross_entropy"]
    assert all(r["accuracy"].shape == (200,) for r in results.values())
    assert explorer.message.value == ""
    assert_slider_range(explorer.controls["start"], -8.0, 2.0)
    assert_slider_range(explorer.controls["learning_rate"], 1e-2, 1e3, log=True)
    assert_slider_range(explorer.controls["epochs"], 1, 500)


@pytest.mark.parametrize(
    ("name", "value"),
    [("start", -8.0), ("start", 2.0), ("learning_rate", 1e-2), ("epochs", 1), ("epochs", 500)],
)
def test_loss_comparison_explorer_retrains_at_the_slider_ends(blobs, name, value):
    explorer = bp_widgets.loss_comparison_explorer(*blobs)
    old = explorer.result.results
    before = move(explorer, name, value)
    assert_redrawn_without_message(explorer, before)
    expected = bp_widgets.compare_losses(*blobs, **explorer.values())
    for loss in bp_widgets.LOSS_LABELS:
        np.testing.assert_array_equal(
            explorer.result.results[loss]["costs"], expected[loss]["costs"]
        )
    assert explorer.result.results is not old


def test_loss_comparison_explorer_says_when_a_cost_went_up(blobs):
    explorer = bp_widgets.loss_comparison_explorer(*blobs)
    move(explorer, "start", 2.0)  # a good start, so too large a step can only make it worse
    move(explorer, "learning_rate", 1e3)  # the largest learning rate
    costs = explorer.result.results["cross_entropy"]["costs"]
    assert costs[-1] > costs[0]
    assert "With cross-entropy: The cost went up" in explorer.message.value
    assert "Traceback" not in explorer.message.value
