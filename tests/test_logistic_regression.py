"""Tests of notebook 02: logistic regression and the two losses compared
(backprop_lib.lessons.logistic_regression), and its views and explorers
(logistic_regression_views), used as a student would: build the explorer, move each slider,
check the retrained model and the redrawn figure, and the message for a bad setting."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex

import backprop_lib as bp
from backprop_lib import data
from backprop_lib.display.explorer import NOTE_COLOUR, cost_rise_note, message_html
from backprop_lib.display.palette import CLASS_COLOURS
from backprop_lib.lessons import logistic_regression as lr
from backprop_lib.lessons import logistic_regression_views as views
from tests.explorer_checks import (
    assert_redrawn_without_message,
    assert_slider_range,
    cost_went_up,
    move,
)


@pytest.fixture(scope="module")
def blobs():
    """Notebook 02's two-feature data set."""
    return data.make_blobs(n_samples=200, noise=0.4, seed=0)


# ----- computations ---------------------------------------------------------------------


def test_fit_logistic_regression_is_a_seeded_mlp_without_hidden_layer(blobs):
    X, Y = blobs
    model, costs = lr.fit_logistic_regression(X, Y, 1.0, 50, seed=4)
    assert model.layer_sizes == (2, 1)
    assert (model.output_activation, model.loss_name) == ("sigmoid", "cross_entropy")
    assert costs.shape == (50,)
    assert costs[-1] < costs[0]
    again, costs_again = lr.fit_logistic_regression(X, Y, 1.0, 50, seed=4)
    np.testing.assert_array_equal(costs, costs_again)
    np.testing.assert_array_equal(model.weights[0], again.weights[0])


def test_compare_losses_records_the_gradient_each_step_used_and_the_accuracy(blobs):
    X, Y = blobs
    epochs, learning_rate = 20, 0.7
    results = lr.compare_losses(X, Y, -4.0, learning_rate, epochs)
    assert list(results) == list(lr.LOSS_LABELS)
    for loss, result in results.items():
        model = bp.MLP([2, 1], output_activation="sigmoid", loss=loss)
        model.weights, model.biases = [np.full((1, 2), -4.0)], [np.zeros((1, 1))]
        for t in range(epochs):
            (dW,), (db,) = model.gradients(X, Y)
            length = np.sqrt(np.sum(dW**2) + np.sum(db**2))
            assert result["gradient_norm"][t] == pytest.approx(length, rel=1e-6)
            assert model.step(X, Y, learning_rate) == pytest.approx(result["costs"][t])
            assert result["accuracy"][t] == pytest.approx(model.accuracy(X, Y))
            assert result["predicted_class_1"][t] == pytest.approx(np.mean(model.predict(X)))


def test_cross_entropy_learns_faster_than_squared_error_from_a_saturated_start(blobs):
    results = lr.compare_losses(*blobs, start=-4.0, learning_rate=1.0, epochs=200)
    squared, cross = results["squared_error"], results["cross_entropy"]
    assert cross["gradient_norm"][0] > 10 * squared["gradient_norm"][0]
    first_good = {k: int(np.argmax(r["accuracy"] >= 0.9)) for k, r in results.items()}
    assert first_good["cross_entropy"] * 5 < first_good["squared_error"]


def test_squared_error_stalls_on_one_class_from_a_start_further_out(blobs):
    # Notebook 02, section 8: from -5 the squared-error unit never passes 50 % in 500 epochs and
    # ends up predicting class 1 for every point; the cross-entropy unit passes 90 %.
    results = lr.compare_losses(*blobs, start=-5.0, learning_rate=1.0, epochs=500)
    squared, cross = results["squared_error"], results["cross_entropy"]
    assert squared["accuracy"].max() == 0.5
    assert squared["predicted_class_1"][-1] == 1.0
    assert cross["accuracy"].max() > 0.9


# ----- views ----------------------------------------------------------------------------


def test_loss_comparison_draws_one_line_per_loss():
    fig, axes = plt.subplots(1, 2)
    view = views.LossComparison(axes, ["a", "b"])
    expected = [to_hex(c) for c in views.LOSS_COLOURS.values()]
    for curves in (view.accuracy, view.gradient):
        assert [to_hex(line.get_color()) for line in curves.lines] == expected
    results = {
        "a": {"accuracy": np.array([0.1, 0.2]), "gradient_norm": np.array([1.0, 0.5])},
        "b": {"accuracy": np.array([0.3, 0.9]), "gradient_norm": np.array([2.0, 0.1])},
    }
    view.update(results)
    assert list(view.accuracy.lines[1].get_ydata()) == [0.3, 0.9]
    assert list(view.gradient.lines[0].get_xdata()) == [1, 2]
    assert [t.get_text() for t in axes[0].get_legend().get_texts()] == ["a", "b"]
    plt.close(fig)


def test_loss_colours_are_not_class_colours():
    # In notebook 02, blue and red mean class 0 and class 1; the losses take other colours.
    loss_colours = {to_hex(c) for c in views.LOSS_COLOURS.values()}
    assert set(views.LOSS_COLOURS) == set(lr.LOSS_LABELS)
    assert len(loss_colours) == len(views.LOSS_COLOURS)
    assert loss_colours.isdisjoint(to_hex(c) for c in CLASS_COLOURS)


# ----- logistic regression --------------------------------------------------------------


def test_logistic_regression_explorer_trains_and_draws(blobs):
    explorer = views.logistic_regression_explorer(*blobs, learning_rate=1.0, epochs=100)
    result = explorer.result
    assert result.model.layer_sizes == (2, 1)
    assert result.costs.shape == (100,)
    assert result.accuracy == pytest.approx(result.model.accuracy(*blobs))
    assert result.accuracy > 0.9
    assert result.note is None
    assert explorer.message.value == ""
    assert_slider_range(explorer.controls["learning_rate"], 1e-3, 1e3, log=True)
    assert_slider_range(explorer.controls["epochs"], 1, 500)


@pytest.mark.parametrize(
    ("name", "value"), [("learning_rate", 1e-3), ("epochs", 1), ("epochs", 500)]
)
def test_logistic_regression_explorer_retrains_at_the_slider_ends(blobs, name, value):
    explorer = views.logistic_regression_explorer(*blobs)
    old_model = explorer.result.model
    before = move(explorer, name, value)
    assert_redrawn_without_message(explorer, before)
    assert explorer.result.model is not old_model
    settings = explorer.values()
    model, costs = lr.fit_logistic_regression(*blobs, settings["learning_rate"], settings["epochs"])
    np.testing.assert_array_equal(explorer.result.costs, costs)
    np.testing.assert_array_equal(explorer.result.model.weights[0], model.weights[0])


def test_logistic_regression_explorer_says_when_the_cost_went_up(blobs):
    explorer = views.logistic_regression_explorer(*blobs)
    move(explorer, "learning_rate", 1e3)  # the largest learning rate
    costs = explorer.result.costs
    assert costs[-1] > costs[0]
    assert "The cost went up" in explorer.message.value
    # The whole note, from this run's costs, shown as a note (amber), not as an error.
    assert explorer.result.note == cost_went_up(costs) == cost_rise_note(costs)
    assert explorer.message.value == message_html(cost_went_up(costs), NOTE_COLOUR)


def test_logistic_regression_explorer_explains_bad_labels(blobs):
    X, Y = blobs
    explorer = views.logistic_regression_explorer(X, 2.0 * Y)
    assert "labels in [0, 1]" in explorer.message.value
    # What is wrong (the label range found), as an error; nothing was trained or drawn.
    expected = "cross_entropy needs labels in [0, 1]; got values from 0 to 2"
    assert explorer.message.value == message_html(expected)
    assert explorer.result is None
    assert bytes(explorer.image.value) == b""


# ----- squared error against cross-entropy ----------------------------------------------


def test_loss_comparison_explorer_trains_both_losses(blobs):
    explorer = views.loss_comparison_explorer(*blobs)
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
    explorer = views.loss_comparison_explorer(*blobs)
    old = explorer.result.results
    before = move(explorer, name, value)
    assert_redrawn_without_message(explorer, before)
    expected = lr.compare_losses(*blobs, **explorer.values())
    for loss in lr.LOSS_LABELS:
        np.testing.assert_array_equal(
            explorer.result.results[loss]["costs"], expected[loss]["costs"]
        )
    assert explorer.result.results is not old


def test_loss_comparison_explorer_says_when_a_cost_went_up(blobs):
    explorer = views.loss_comparison_explorer(*blobs)
    move(explorer, "start", 2.0)  # a good start, so too large a step can only make it worse
    move(explorer, "learning_rate", 1e3)  # the largest learning rate
    results = explorer.result.results
    costs = results["cross_entropy"]["costs"]
    assert costs[-1] > costs[0]
    assert "With cross-entropy: The cost went up" in explorer.message.value
    # One sentence per loss whose cost went up, each naming its loss, as a note.
    notes = [
        f"With {lr.LOSS_LABELS[loss]}: {cost_went_up(r['costs'])}"
        for loss, r in results.items()
        if r["costs"][-1] > r["costs"][0]
    ]
    assert explorer.message.value == message_html(" ".join(notes), NOTE_COLOUR)
