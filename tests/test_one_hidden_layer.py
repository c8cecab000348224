"""Tests of notebook 03: the network with one hidden layer
(backprop_lib.lessons.one_hidden_layer), and its views and explorer (one_hidden_layer_views),
used as a student would."""

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib import MLP, TrainingDiverged, data
from backprop_lib.display.explorer import NOTE_COLOUR, cost_rise_note, message_html
from backprop_lib.display.figures import new_figure
from backprop_lib.lessons import one_hidden_layer_views as views
from backprop_lib.lessons.one_hidden_layer import (
    best_line_accuracy,
    loss_given_hidden,
    train_hidden_layer,
)
from tests.explorer_checks import (
    PNG_SIGNATURE,
    assert_divergence_shown,
    assert_slider_range,
)

SLIDER_RANGES = {
    "units": (1, 16),
    "learning_rate": (0.1, 1000.0),
    "epochs": (50, 1000),
}


@pytest.fixture(scope="module")
def xor():
    return data.make_xor(n_samples=60, noise=0.1, seed=0)


def new_explorer(xor, epochs=300):
    X, Y = xor
    return views.hidden_layer_explorer(X, Y, units=3, learning_rate=10.0, epochs=epochs)


@pytest.fixture
def explorer(xor):
    """A fresh explorer, for a test that moves its sliders."""
    return new_explorer(xor)


@pytest.fixture(scope="module")
def started_explorer(xor):
    """One explorer as it starts, for the tests that only read it."""
    return new_explorer(xor)


def expected_message(costs):
    """The message line for a run with these costs: empty, or the cost-rise note in amber."""
    if costs[-1] <= costs[0]:
        return ""
    note = (
        f"The cost went up, from {costs[0]:.4g} to {costs[-1]:.4g}: gradient descent is "
        "overshooting. Try a smaller learning rate."
    )
    return message_html(note, NOTE_COLOUR)


def test_train_hidden_layer_is_the_seeded_sigmoid_half_squared_error_network(xor):
    X, Y = xor
    model, costs = train_hidden_layer(X, Y, 4, 10.0, 200, seed=3)
    assert model.layer_sizes == (2, 4, 1)
    assert (model.hidden_activation, model.output_activation, model.loss_name) == (
        "sigmoid",
        "sigmoid",
        "half_squared_error",
    )
    assert costs.shape == (200,)
    assert costs[-1] < costs[0]
    again, costs_again = train_hidden_layer(X, Y, 4, 10.0, 200, seed=3)
    np.testing.assert_array_equal(costs, costs_again)
    np.testing.assert_array_equal(model.weights[0], again.weights[0])


def test_explorer_starts_trained_and_drawn(started_explorer, xor):
    explorer = started_explorer
    result = explorer.result
    assert result.model.layer_sizes == (2, 3, 1)
    assert result.costs.shape == (300,)
    assert result.accuracy == pytest.approx(result.model.accuracy(*xor))
    assert result.note is None
    assert explorer.message.value == ""
    assert explorer.image.value[:8] == PNG_SIGNATURE


def test_sliders_cover_the_promised_ranges(started_explorer):
    explorer = started_explorer
    for name, (low, high) in SLIDER_RANGES.items():
        assert_slider_range(explorer.controls[name], low, high, log=name == "learning_rate")


@pytest.mark.parametrize(
    ("name", "value"),
    [(name, value) for name, bounds in SLIDER_RANGES.items() for value in bounds],
)
def test_each_slider_end_retrains_and_redraws(explorer, name, value):
    before_model, before_image = explorer.result.model, explorer.image.value
    explorer.controls[name].value = value
    result = explorer.result
    assert result.model is not before_model
    assert explorer.image.value != before_image
    settings = explorer.values()
    assert result.model.layer_sizes == (2, settings["units"], 1)
    assert result.costs.shape == (settings["epochs"],)
    assert np.all(np.isfinite(result.costs))
    assert 0.0 <= result.accuracy <= 1.0
    # No error; at most the note that the cost went up (the largest learning rate).
    assert result.note == cost_rise_note(result.costs)
    assert explorer.message.value == expected_message(result.costs)
    units = "hidden unit" if settings["units"] == 1 else "hidden units"
    title = explorer.figure.axes[1].get_title()
    assert title == f"{settings['units']} {units}: training accuracy {result.accuracy:.1%}"


def test_more_hidden_units_beat_one_on_xor(xor):
    explorer = new_explorer(xor, epochs=500)
    explorer.controls["units"].value = 1
    one = explorer.result.accuracy
    explorer.controls["units"].value = 4
    assert explorer.result.accuracy > one + 0.15
    assert explorer.result.accuracy >= 0.9


def test_too_large_a_learning_rate_says_so_and_a_good_one_clears_it(explorer):
    explorer.controls["learning_rate"].value = 1000.0
    result = explorer.result
    assert result.costs[-1] > result.costs[0]
    message = explorer.message.value
    assert "The cost went up" in message
    assert "smaller learning rate" in message
    assert message == expected_message(result.costs)  # the whole note, in amber
    assert result.note is not None

    explorer.controls["learning_rate"].value = 10.0
    assert explorer.message.value == ""
    assert explorer.result.note is None


def test_a_diverging_run_gives_a_message_and_keeps_the_last_figure(explorer, monkeypatch):
    # With sigmoid outputs the cost stays finite, so make training raise as a ReLU net would.
    def diverge(X, Y, units, learning_rate, epochs, seed=0):
        raise TrainingDiverged(7, learning_rate, [0.2, 0.3])

    monkeypatch.setattr(views, "train_hidden_layer", diverge)
    assert_divergence_shown(explorer, 1000.0, epoch=7)


def test_hidden_unit_maps_draws_each_unit_then_the_output(xor):
    X, Y = xor
    model = MLP([2, 3, 1], hidden_activation="sigmoid", seed=0)
    _, axes = new_figure(ncols=4)
    unit_views = views.hidden_unit_maps(axes, model, X, Y)
    assert len(unit_views) == 4
    grid = unit_views[0].grid
    hidden = model.forward(grid)[1][1]
    for j in range(3):
        shown = unit_views[j].image.get_array()
        np.testing.assert_allclose(np.asarray(shown).ravel(), hidden[j])
    np.testing.assert_allclose(
        np.asarray(unit_views[3].image.get_array()).ravel(), model.predict_proba(grid).ravel()
    )
    assert axes[0].get_title() == "hidden unit $h_{1}$"
    assert axes[3].get_title() == r"output $\hat{y}$"
    with pytest.raises(ValueError, match="need 4 axes"):
        views.hidden_unit_maps(axes[:3], model, X, Y)


def test_loss_given_hidden_by_hand():
    # W^2 = 0 and b^2 = 0 give z^2 = 0, so y_hat = (0.5, 0.5); with y = (1, 0):
    # C = 1/2 [(0.5 - 1)^2 + (0.5 - 0)^2] = 1/2 (0.25 + 0.25) = 0.25.
    h = np.array([[0.3], [0.7], [0.1]])
    loss = loss_given_hidden(h, np.zeros((2, 3)), np.zeros((2, 1)), np.array([[1.0], [0.0]]))
    assert loss == pytest.approx(0.25, abs=1e-15)


def test_loss_given_hidden_is_the_networks_loss_and_its_gradient_the_sum_over_paths():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(2, 1)), np.array([[1.0], [0.0]])
    model = MLP([2, 3, 2], hidden_activation="sigmoid", loss="half_squared_error", seed=4)
    (W1, W2), (b1, b2) = model.weights, model.biases
    z1 = bp.linear_forward(W1, x, b1)
    h = bp.sigmoid(z1)
    assert loss_given_hidden(h, W2, b2, y) == pytest.approx(model.cost(x, y), rel=1e-14)
    # The multivariable chain rule: h_j reaches C through both outputs, and the sum of the
    # two path products, entry j of (W^2)^T delta^2, is dC/dh_j.
    z2 = bp.linear_forward(W2, h, b2)
    delta2 = bp.output_delta(bp.half_squared_error_prime(bp.sigmoid(z2), y), bp.sigmoid_prime(z2))
    paths = W2 * delta2  # entry (k, j): the path from h_j through output k
    numerical = bp.numerical_gradient(lambda v: loss_given_hidden(v, W2, b2, y), h)
    assert bp.relative_error(paths.sum(axis=0).reshape(3, 1), numerical) < bp.RIGHT_BELOW
    # One path alone is not the derivative.
    assert bp.relative_error(paths[0].reshape(3, 1), numerical) > bp.WRONG_ABOVE


def test_best_line_accuracy_by_hand():
    # Points 0, 1, 2, 3 on a line, labels 0, 1, 0, 1: the threshold between 2 and 3
    # predicts 0, 0, 0, 1 and gets 3 of 4 right; no threshold gets all four.
    X = np.array([[0.0, 1.0, 2.0, 3.0], [0.0, 0.0, 0.0, 0.0]])
    assert best_line_accuracy(X, np.array([[0.0, 1.0, 0.0, 1.0]])) == 0.75
    # XOR on the four corners: any line gets at most three right.
    corners = np.array([[1.0, 1.0, -1.0, -1.0], [1.0, -1.0, 1.0, -1.0]])
    assert best_line_accuracy(corners, np.array([[0.0, 1.0, 1.0, 0.0]])) == 0.75
    # Class 1 on either side of the line: labels and their flip are both separable.
    assert best_line_accuracy(X, np.array([[0.0, 0.0, 1.0, 1.0]])) == 1.0
    assert best_line_accuracy(X, np.array([[1.0, 1.0, 0.0, 0.0]])) == 1.0


def test_best_line_accuracy_beats_every_single_unit(xor):
    X, Y = xor
    best = best_line_accuracy(X, Y)
    assert best < 0.8  # XOR: no line gets much past three quadrants of four
    for seed in range(3):
        single = MLP([2, 1], output_activation="sigmoid", loss="half_squared_error", seed=seed)
        single.fit(X, Y, learning_rate=1.0, epochs=100)
        assert single.accuracy(X, Y) <= best


@pytest.mark.parametrize(
    ("X", "Y", "match"),
    [
        (np.zeros((3, 4)), np.zeros((1, 4)), r"shape \(2, m\).*got \(3, 4\) and \(1, 4\)"),
        (np.zeros((2, 4)), np.zeros((1, 5)), r"got \(2, 4\) and \(1, 5\)"),
    ],
)
def test_best_line_accuracy_says_what_shapes_it_expected(X, Y, match):
    with pytest.raises(ValueError, match=match):
        best_line_accuracy(X, Y)


def test_best_line_accuracy_needs_a_direction():
    with pytest.raises(ValueError, match="directions must be a whole number >= 1; got 0"):
        best_line_accuracy(np.zeros((2, 4)), np.zeros((1, 4)), directions=0)
