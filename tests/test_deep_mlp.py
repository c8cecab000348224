"""Tests of backprop_lib.deep_mlp (notebook 04): training, the figure, and the explorer used as a
student would, including every slider's extreme values and images of the cat / non-cat size."""

from pathlib import Path

import numpy as np
import pytest

from backprop_lib import MLP, TrainingDiverged, data, deep_mlp
from backprop_lib import widgets as bp_widgets

DATA = Path(__file__).resolve().parents[1] / "data"
SLIDER_ENDS = {
    "learning_rate": (1e-3, 100.0),
    "depth": (0, 10),
    "width": (1, 32),
    "epochs": (50, 1000),
    "l2": (0.0, 20.0),
}


@pytest.fixture(scope="module")
def digits():
    return data.load_image_dataset(DATA / "digits_train.h5", DATA / "digits_test.h5")


@pytest.fixture
def explorer(digits):
    X, Y, X_test, Y_test, classes = digits
    return deep_mlp.deep_mlp_explorer(X, Y, X_test, Y_test, classes, epochs=200)


def small_problem(seed=0, n_features=16, m=30, m_test=10):
    """Random images with labels that depend on the pixels (brighter left half: class 1)."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(size=(n_features, m + m_test))
    Y = (X[: n_features // 2].mean(axis=0) > X[n_features // 2 :].mean(axis=0)).astype(float)
    return X[:, :m], Y[None, :m], X[:, m:], Y[None, m:]


# ----- training ------------------------------------------------------------------------------


@pytest.mark.parametrize(("depth", "width"), [(0, 5), (1, 3), (3, 4)])
def test_network_has_depth_hidden_layers_of_width_units(depth, width):
    X, Y, X_test, Y_test = small_problem()
    result = deep_mlp.train_deep_mlp(X, Y, X_test, Y_test, depth, width, 0.5, 5)
    model = result.model
    assert model.layer_sizes == (16, *[width] * depth, 1)
    assert (model.hidden_activation, model.output_activation, model.loss_name) == (
        "relu",
        "sigmoid",
        "cross_entropy",
    )


def test_numpy_whole_numbers_are_accepted_as_depth_and_width():
    X, Y, X_test, Y_test = small_problem()
    result = deep_mlp.train_deep_mlp(X, Y, X_test, Y_test, np.int64(2), np.int32(3), 0.5, 2)
    assert result.model.layer_sizes == (16, 3, 3, 1)


def test_costs_are_the_model_costs_after_each_step():
    X, Y, X_test, Y_test = small_problem()
    result = deep_mlp.train_deep_mlp(X, Y, X_test, Y_test, 2, 6, 0.5, 30, seed=3)
    assert result.train_costs.shape == result.test_costs.shape == (30,)
    # After the last step the recorded costs are those of the final model.
    assert result.train_costs[-1] == result.model.cost(X, Y)
    assert result.test_costs[-1] == result.model.cost(X_test, Y_test)
    # The cost before each step is what MLP.fit returns for the same seeded network.
    same = MLP([16, 6, 6, 1], seed=3)
    np.testing.assert_array_equal(result.costs, same.fit(X, Y, 0.5, 30))
    # So the cost after step t is the cost before step t + 1.
    np.testing.assert_allclose(result.train_costs[:-1], result.costs[1:], rtol=1e-12)
    assert result.train_accuracy == result.model.accuracy(X, Y)
    assert result.test_accuracy == result.model.accuracy(X_test, Y_test)


def test_same_settings_give_the_same_network_and_progress_counts_every_epoch():
    X, Y, X_test, Y_test = small_problem()
    seen = []
    a = deep_mlp.train_deep_mlp(X, Y, X_test, Y_test, 2, 4, 0.3, 12, seed=7, progress=seen.append)
    b = deep_mlp.train_deep_mlp(X, Y, X_test, Y_test, 2, 4, 0.3, 12, seed=7)
    assert seen == list(range(1, 13))
    np.testing.assert_array_equal(a.test_costs, b.test_costs)


@pytest.mark.parametrize(
    ("depth", "width", "named"),
    [(-1, 4, "depth"), (2, 0, "width"), (1.5, 4, "depth"), (2, 3.0, "width")],
)
def test_bad_depth_or_width_is_a_value_error(depth, width, named):
    X, Y, X_test, Y_test = small_problem()
    with pytest.raises(ValueError, match=named):
        deep_mlp.train_deep_mlp(X, Y, X_test, Y_test, depth, width, 0.1, 5)


def test_deep_network_learns_the_digits(digits):
    X, Y, X_test, Y_test, _ = digits
    result = deep_mlp.train_deep_mlp(X, Y, X_test, Y_test, **deep_mlp.DEFAULTS)
    assert result.train_accuracy == 1.0
    assert result.test_accuracy >= 0.95
    assert result.train_costs[-1] < 0.01 < result.train_costs[0]


def test_lambda_keeps_the_weights_smaller(digits):
    X, Y, X_test, Y_test, _ = digits
    settings = {**deep_mlp.DEFAULTS, "epochs": 300}
    plain = deep_mlp.train_deep_mlp(X, Y, X_test, Y_test, **settings)
    regularised = deep_mlp.train_deep_mlp(X, Y, X_test, Y_test, **{**settings, "l2": 5.0})

    def size(model):
        return sum(np.sum(W * W) for W in model.weights)

    assert size(regularised.model) < 0.8 * size(plain.model)


# ----- notes, image shapes, the grid ---------------------------------------------------------


def test_same_answer_note_only_for_a_constant_answer():
    assert "same class" in deep_mlp.same_answer_note(np.zeros((1, 5)))
    assert "same class" in deep_mlp.same_answer_note(np.ones((1, 5)))
    assert deep_mlp.same_answer_note(np.array([[0.0, 1.0, 1.0]])) is None


@pytest.mark.parametrize(
    ("n", "shape"), [(64, (8, 8)), (12288, (64, 64, 3)), (1, (1, 1)), (12, (2, 2, 3))]
)
def test_square_image_shape(n, shape):
    assert deep_mlp.square_image_shape(n) == shape


@pytest.mark.parametrize("n", [10, 24, 63])
def test_square_image_shape_rejects_other_sizes(n):
    with pytest.raises(ValueError, match="square"):
        deep_mlp.square_image_shape(n)


def test_grid_order_puts_mistakes_first():
    labels = np.array([0, 1, 1, 0, 1])
    predictions = np.array([0, 0, 1, 1, 1])
    np.testing.assert_array_equal(deep_mlp.grid_order(labels, predictions, 10), [1, 3, 0, 2, 4])
    np.testing.assert_array_equal(deep_mlp.grid_order(labels, predictions, 3), [1, 3, 0])


def test_prediction_grid_frames_the_mistakes():
    X = np.linspace(0.0, 1.0, 4 * 3).reshape(4, 3)  # three 2x2 grey images
    Y = np.array([[0.0, 1.0, 1.0]])
    _, axes = bp_widgets.new_figure(ncols=4)
    grid = deep_mlp.PredictionGrid(np.array([axes]), X, Y, ["one", "eight"])
    assert grid.update(np.array([[0.0, 0.0, 1.0]])) == 1
    first, second, third, unused = axes
    # The mistake (image 1: an "eight" taken for a "one") comes first, in red.
    assert first.get_title() == "one (true eight)"
    assert first.spines["left"].get_edgecolor()[:3] == pytest.approx(
        (214 / 255, 39 / 255, 40 / 255)
    )
    np.testing.assert_array_equal(grid.images[0].get_array(), X[:, 1].reshape(2, 2))
    assert second.get_title() == "one"
    np.testing.assert_array_equal(grid.images[1].get_array(), X[:, 0].reshape(2, 2))
    assert third.get_title() == "eight"
    assert not unused.get_visible()


# ----- the explorer --------------------------------------------------------------------------


def test_explorer_starts_trained_with_the_progress_bar_full(explorer, digits):
    result = explorer.result
    assert result.model.layer_sizes == (64, 16, 16, 16, 1)
    assert result.train_costs.shape == (200,)
    assert explorer.message.value == ""
    assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert explorer.progress.max == explorer.progress.value == 200
    # The progress bar sits between the sliders and the message line.
    assert explorer.widget.children[1] is explorer.progress
    assert explorer.widget.children[2] is explorer.message
    title = explorer.figure.axes[0].get_title()
    assert title == (
        f"training accuracy {result.train_accuracy:.1%}, test {result.test_accuracy:.1%}"
    )


def test_progress_bar_moves_while_training(explorer):
    seen = []
    explorer.progress.observe(lambda change: seen.append(change["new"]), names="value")
    explorer.controls["epochs"].value = 1000
    moves = [value for value in seen if value > 0]
    assert seen[0] == 0  # reset before training
    assert moves == sorted(moves)
    assert moves[-1] == 1000
    assert 10 <= len(moves) <= deep_mlp.PROGRESS_UPDATES + 1


def test_sliders_cover_the_promised_ranges(explorer):
    for name, (low, high) in SLIDER_ENDS.items():
        control = explorer.controls[name]
        if name == "learning_rate":
            assert 10**control.min == pytest.approx(low)
            assert 10**control.max == pytest.approx(high)
        else:
            assert (control.min, control.max) == (low, high)
        assert control.continuous_update is False


@pytest.mark.parametrize(
    ("name", "value"), [(name, value) for name, ends in SLIDER_ENDS.items() for value in ends]
)
def test_each_slider_end_retrains_and_redraws_without_a_traceback(explorer, name, value):
    if explorer.controls[name].value == value:  # at its start already: move it away first
        explorer.controls[name].value = SLIDER_ENDS[name][1]
    before_model, before_image = explorer.result.model, explorer.image.value
    explorer.controls[name].value = value
    result, settings = explorer.result, explorer.values()
    assert result.model is not before_model
    assert explorer.image.value != before_image
    assert result.model.layer_sizes == (64, *[settings["width"]] * settings["depth"], 1)
    assert result.model.l2 == settings["l2"]
    assert result.train_costs.shape == (settings["epochs"],)
    assert explorer.progress.value == settings["epochs"]
    assert "Traceback" not in explorer.message.value


def test_a_learning_rate_far_too_large_says_so(explorer):
    explorer.controls["learning_rate"].value = 100.0
    message = explorer.message.value
    assert "The cost went up" in message
    assert "smaller learning rate" in message
    assert explorer.result.costs[-1] > explorer.result.costs[0]
    explorer.controls["learning_rate"].value = deep_mlp.DEFAULTS["learning_rate"]
    assert explorer.message.value == ""


@pytest.mark.parametrize(("name", "value"), [("width", 1), ("depth", 10)])
def test_narrow_or_very_deep_networks_that_give_up_are_explained(explorer, digits, name, value):
    X = digits[0]
    explorer.controls[name].value = value
    model = explorer.result.model
    assert model.layer_sizes[1:-1] == (explorer.values()["width"],) * explorer.values()["depth"]
    predictions = model.predict(X)
    one_answer = bool(np.all(predictions == predictions[0, 0]))
    assert ("same class" in explorer.message.value) == one_answer
    assert "Traceback" not in explorer.message.value


def test_a_diverging_run_gives_a_message_and_keeps_the_last_figure(explorer, monkeypatch):
    def diverge(*args, **kwargs):
        raise TrainingDiverged(3, 100.0, [0.7, 0.9])

    monkeypatch.setattr(deep_mlp, "train_deep_mlp", diverge)
    good_model, good_image = explorer.result.model, explorer.image.value
    explorer.controls["learning_rate"].value = 100.0
    message = explorer.message.value
    assert "training diverged at epoch 3" in message
    assert "smaller learning rate" in message
    assert explorer.image.value == good_image
    assert explorer.result.model is good_model


def test_unknown_setting_is_a_value_error(digits):
    X, Y, X_test, Y_test, classes = digits
    with pytest.raises(ValueError, match="unknown settings"):
        deep_mlp.deep_mlp_explorer(X, Y, X_test, Y_test, classes, hidden=3)


# ----- the same code on 64x64 RGB images (the cat / non-cat layout) --------------------------


def test_works_unchanged_on_64x64_rgb_files(tmp_path):
    rng = np.random.default_rng(0)
    train_x = rng.integers(0, 256, size=(6, 64, 64, 3), dtype=np.uint8)
    test_x = rng.integers(0, 256, size=(4, 64, 64, 3), dtype=np.uint8)
    train_y, test_y = np.array([0, 1, 0, 1, 1, 0]), np.array([1, 0, 0, 1])
    paths = tmp_path / "train_catvnoncat.h5", tmp_path / "test_catvnoncat.h5"
    data.save_image_dataset(*paths, train_x, train_y, test_x, test_y, ["non-cat", "cat"])
    X, Y, X_test, Y_test, classes = data.load_image_dataset(*paths)
    assert X.shape == (12288, 6)

    result = deep_mlp.train_deep_mlp(X, Y, X_test, Y_test, 2, 7, 0.01, 2)
    assert result.model.layer_sizes == (12288, 7, 7, 1)
    assert np.all(np.isfinite(result.test_costs))

    figure, view = deep_mlp.deep_mlp_figure(X_test, Y_test, classes)
    view.update(result, X_test)
    assert view.grid.images[0].get_array().shape == (64, 64, 3)
    assert sum(ax.get_visible() for ax in view.grid.axes) == 4
    assert bp_widgets.figure_png(figure)[:8] == b"\x89PNG\r\n\x1a\n"

    explorer = deep_mlp.deep_mlp_explorer(X, Y, X_test, Y_test, classes, epochs=50, width=4)
    assert explorer.result.model.layer_sizes[0] == 12288
    assert "Traceback" not in explorer.message.value
