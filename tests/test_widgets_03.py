"""Tests of notebook 03's explorer and the views it draws with, used as a student would."""

import numpy as np
import pytest

from backprop_lib import MLP, TrainingDiverged, data, plots
from backprop_lib import widgets as bp_widgets

SLIDER_RANGES = {
    "hidden_units": (1, 16),
    "learning_rate": (0.1, 1000.0),
    "epochs": (50, 1000),
}


@pytest.fixture(scope="module")
def xor():
    return data.make_xor(n_samples=60, noise=0.1, seed=0)


@pytest.fixture
def explorer(xor):
    X, Y = xor
    return bp_widgets.hidden_layer_explorer(X, Y, hidden_units=3, learning_rate=10.0, epochs=300)


def test_train_hidden_layer_is_the_seeded_sigmoid_l2_network(xor):
    X, Y = xor
    model, costs = bp_widgets.train_hidden_layer(X, Y, 4, 10.0, 200, seed=3)
    assert model.layer_sizes == (2, 4, 1)
    assert (model.hidden_activation, model.output_activation, model.loss_name) == (
        "sigmoid",
        "sigmoid",
        "l2",
    )
    assert costs.shape == (200,)
    assert costs[-1] < costs[0]
    again, costs_again = bp_widgets.train_hidden_layer(X, Y, 4, 10.0, 200, seed=3)
    np.testing.assert_array_equal(costs, costs_again)
    np.testing.assert_array_equal(model.weights[0], again.weights[0])


def test_explorer_starts_trained_and_drawn(explorer, xor):
    result = explorer.result
    assert result.model.layer_sizes == (2, 3, 1)
    assert result.costs.shape == (300,)
    assert result.accuracy == pytest.approx(result.model.accuracy(*xor))
    assert result.note is None
    assert explorer.message.value == ""
    assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_sliders_cover_the_promised_ranges(explorer):
    for name, (low, high) in SLIDER_RANGES.items():
        control = explorer.controls[name]
        if name == "learning_rate":
            assert 10**control.min == pytest.approx(low)
            assert 10**control.max == pytest.approx(high)
        else:
            assert (control.min, control.max) == (low, high)
        assert control.continuous_update is False


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
    assert result.model.layer_sizes == (2, settings["hidden_units"], 1)
    assert result.costs.shape == (settings["epochs"],)
    assert np.all(np.isfinite(result.costs))
    assert 0.0 <= result.accuracy <= 1.0
    assert "Traceback" not in explorer.message.value
    units = "hidden unit" if settings["hidden_units"] == 1 else "hidden units"
    title = explorer.figure.axes[1].get_title()
    assert title == f"{settings['hidden_units']} {units}: training accuracy {result.accuracy:.1%}"


def test_more_hidden_units_beat_one_on_xor(explorer):
    explorer.controls["epochs"].value = 500
    explorer.controls["hidden_units"].value = 1
    one = explorer.result.accuracy
    explorer.controls["hidden_units"].value = 4
    assert explorer.result.accuracy > one + 0.15
    assert explorer.result.accuracy >= 0.9


def test_too_large_a_learning_rate_says_so_and_a_good_one_clears_it(explorer):
    explorer.controls["learning_rate"].value = 1000.0
    result = explorer.result
    assert result.costs[-1] > result.costs[0]
    message = explorer.message.value
    assert "The cost went up" in message
    assert "smaller learning rate" in message
    assert "Traceback" not in message
    assert result.note is not None

    explorer.controls["learning_rate"].value = 10.0
    assert explorer.message.value == ""
    assert explorer.result.note is None


def test_a_diverging_run_gives_a_message_and_keeps_the_last_figure(explorer, monkeypatch):
    # With sigmoid outputs the cost stays finite, so make training raise as a ReLU net would.
    def diverge(X, Y, hidden_units, learning_rate, epochs, seed=0):
        raise TrainingDiverged(7, learning_rate, [0.2, 0.3])

    monkeypatch.setattr(bp_widgets, "train_hidden_layer", diverge)
    good_model, good_image = explorer.result.model, explorer.image.value
    explorer.controls["learning_rate"].value = 1000.0
    message = explorer.message.value
    assert "training diverged at epoch 7" in message
    assert "smaller learning rate" in message
    assert "Traceback" not in message
    assert explorer.image.value == good_image
    assert explorer.result.model is good_model


def test_training_view_titles_the_accuracy(xor):
    X, Y = xor
    _, axes = bp_widgets.new_figure(ncols=2)
    view = plots.TrainingView(axes, X, Y)
    model, costs = bp_widgets.train_hidden_layer(X, Y, 3, 10.0, 100)
    view.update(costs, model.predict_proba, 0.875, "3 hidden units")
    assert axes[1].get_title() == "3 hidden units: training accuracy 87.5%"
    line_x, line_y = view.cost_curve.line.get_data()
    np.testing.assert_array_equal(line_y, costs)
    assert line_x[0] == 1
    assert line_x[-1] == 100


def test_hidden_unit_maps_draws_each_unit_then_the_output(xor):
    X, Y = xor
    model = MLP([2, 3, 1], hidden_activation="sigmoid", seed=0)
    _, axes = bp_widgets.new_figure(ncols=4)
    views = plots.hidden_unit_maps(axes, model, X, Y)
    assert len(views) == 4
    grid = views[0].grid
    hidden = model.forward(grid)[1][1]
    for j in range(3):
        shown = views[j].image.get_array()
        np.testing.assert_allclose(np.asarray(shown).ravel(), hidden[j])
    np.testing.assert_allclose(
        np.asarray(views[3].image.get_array()).ravel(), model.predict_proba(grid).ravel()
    )
    assert axes[0].get_title() == "hidden unit $h_{1}$"
    with pytest.raises(ValueError, match="need 4 axes"):
        plots.hidden_unit_maps(axes[:3], model, X, Y)


def test_text_table_aligns_columns_and_never_prints_negative_zero():
    table = plots.text_table(["unit", "z"], [("h1", 0.5), ("y10", -1e-9), ("y2", -12.25)], digits=3)
    lines = table.splitlines()
    assert lines == [
        "unit        z",
        "----  -------",
        "h1      0.500",
        "y10     0.000",
        "y2    -12.250",
    ]
    with pytest.raises(ValueError, match="2 cells"):
        plots.text_table(["a", "b"], [(1.0,)])
