"""Tests of notebook 04: the deep MLP's training (backprop_lib.lessons.deep_mlp), its figure and
its explorer (deep_mlp_views) used as a student would, including every slider's extreme values
and images of the cat / non-cat size."""

from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.layout_engine import ConstrainedLayoutEngine

from backprop_lib import MLP, TrainingDiverged, data
from backprop_lib.display.explorer import (
    NOTE_COLOUR,
    cost_rise_note,
    join_notes,
    message_html,
)
from backprop_lib.display.figures import figure_png, new_figure
from backprop_lib.lessons import deep_mlp
from backprop_lib.lessons import deep_mlp_views as views
from tests.explorer_checks import (
    PNG_SIGNATURE,
    assert_divergence_shown,
    assert_slider_range,
)

DATA = Path(__file__).resolve().parents[1] / "data"
SLIDER_ENDS = {
    "learning_rate": (1e-3, 100.0),
    "hidden_layers": (0, 10),
    "units": (1, 32),
    "epochs": (50, 1000),
    "l2_lambda": (0.0, 20.0),
}
START = {name: value for name, value in deep_mlp.DEFAULTS.items() if name != "seed"} | {
    "epochs": 200
}
"""The shared explorer's settings when each test begins: the defaults, with fewer epochs."""


@pytest.fixture(scope="module")
def digits():
    return data.load_image_dataset(DATA / "digits_train.h5", DATA / "digits_test.h5")


@pytest.fixture(scope="module")
def shared_explorer(digits):
    X, Y, X_val, Y_val, classes = digits
    return views.deep_mlp_explorer(X, Y, X_val, Y_val, classes, epochs=200)


@pytest.fixture
def explorer(shared_explorer):
    """The module's one explorer (its figure of 33 axes is slow to build): at :data:`START`
    when a test begins, and put back there when it ends, so that no test depends on another
    or on their order. A test that patches the training asks for this fixture before
    ``monkeypatch``, so that the patch is undone before the sliders go back (each retrains)."""
    assert shared_explorer.values() == START, "an earlier test left the explorer moved"
    yield shared_explorer
    for name, value in START.items():
        shared_explorer.controls[name].value = value
    if shared_explorer.message.value != "":  # the last run failed: train the start again
        shared_explorer.refresh()
    assert shared_explorer.values() == START
    assert shared_explorer.message.value == ""
    assert shared_explorer.result.train_costs.shape == (START["epochs"],)


def small_problem(seed=0, n_features=16, m=30, m_test=10):
    """Random images with labels that depend on the pixels (brighter left half: class 1)."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(size=(n_features, m + m_test))
    Y = (X[: n_features // 2].mean(axis=0) > X[n_features // 2 :].mean(axis=0)).astype(float)
    return X[:, :m], Y[None, :m], X[:, m:], Y[None, m:]


def expected_message(result, X):
    """The message line after a successful run: empty, or the notes that apply to it (a cost
    that went up, one class for every training image), in amber; never an error."""
    note = join_notes(
        cost_rise_note(result.costs),
        deep_mlp.same_answer_note(result.model.predict(X)),
    )
    assert result.note == note
    return "" if note is None else message_html(note, NOTE_COLOUR)


# ----- training ------------------------------------------------------------------------------


@pytest.mark.parametrize(("hidden_layers", "units"), [(0, 5), (1, 3), (3, 4)])
def test_network_has_the_hidden_layers_of_units_asked_for(hidden_layers, units):
    X, Y, X_val, Y_val = small_problem()
    result = deep_mlp.train_deep_mlp(X, Y, X_val, Y_val, hidden_layers, units, 0.5, 5)
    model = result.model
    assert model.layer_sizes == (16, *[units] * hidden_layers, 1)
    assert (model.hidden_activation, model.output_activation, model.loss_name) == (
        "relu",
        "sigmoid",
        "cross_entropy",
    )


def test_numpy_whole_numbers_are_accepted_as_hidden_layers_and_units():
    X, Y, X_val, Y_val = small_problem()
    result = deep_mlp.train_deep_mlp(X, Y, X_val, Y_val, np.int64(2), np.int32(3), 0.5, 2)
    assert result.model.layer_sizes == (16, 3, 3, 1)


def test_costs_are_the_model_costs_after_each_step():
    X, Y, X_val, Y_val = small_problem()
    result = deep_mlp.train_deep_mlp(X, Y, X_val, Y_val, 2, 6, 0.5, 30, seed=3)
    assert result.train_costs.shape == result.val_costs.shape == (30,)
    np.testing.assert_array_equal(result.epochs, np.arange(1, 31))  # every epoch, by default
    # After the last step the recorded costs are those of the final model.
    assert result.train_costs[-1] == result.model.cost(X, Y)
    assert result.val_costs[-1] == result.model.cost(X_val, Y_val)
    # The cost before each step is what MLP.fit returns for the same seeded network.
    same = MLP([16, 6, 6, 1], seed=3)
    np.testing.assert_array_equal(result.costs, same.fit(X, Y, 0.5, 30))
    # So the cost after step t is the cost before step t + 1.
    np.testing.assert_allclose(result.train_costs[:-1], result.costs[1:], rtol=1e-12)
    assert result.train_accuracy == result.model.accuracy(X, Y)
    assert result.val_accuracy == result.model.accuracy(X_val, Y_val)


def test_same_settings_give_the_same_network_and_progress_counts_every_epoch():
    X, Y, X_val, Y_val = small_problem()
    seen = []
    a = deep_mlp.train_deep_mlp(X, Y, X_val, Y_val, 2, 4, 0.3, 12, seed=7, progress=seen.append)
    b = deep_mlp.train_deep_mlp(X, Y, X_val, Y_val, 2, 4, 0.3, 12, seed=7)
    assert seen == list(range(1, 13))
    np.testing.assert_array_equal(a.val_costs, b.val_costs)


@pytest.mark.parametrize(
    ("n_outputs", "output", "loss"),
    [(1, "sigmoid", "cross_entropy"), (3, "softmax", "categorical_cross_entropy")],
)
def test_build_mlp_gives_one_sigmoid_for_one_output_and_a_softmax_for_more(n_outputs, output, loss):
    model = deep_mlp.build_mlp(16, n_outputs, 2, 5, l2_lambda=0.5, seed=4)
    assert model.layer_sizes == (16, 5, 5, n_outputs)
    assert (model.hidden_activation, model.output_activation, model.loss_name) == (
        "relu",
        output,
        loss,
    )
    assert model.l2_lambda == 0.5
    same = MLP([16, 5, 5, n_outputs], seed=4)  # the same seeded start as any MLP of these sizes
    for W, W_same in zip(model.weights, same.weights, strict=True):
        np.testing.assert_array_equal(W, W_same)


def test_targets_with_several_rows_train_a_softmax_network():
    X, Y, X_val, Y_val = small_problem()
    two_rows, two_rows_val = np.vstack([1 - Y, Y]), np.vstack([1 - Y_val, Y_val])  # one-hot
    result = deep_mlp.train_deep_mlp(X, two_rows, X_val, two_rows_val, 1, 4, 0.5, 20, seed=1)
    assert result.model.layer_sizes == (16, 4, 2)
    assert result.model.output_activation == "softmax"
    assert result.val_accuracy == result.model.accuracy(X_val, two_rows_val)
    assert result.train_costs.shape == (20,)


@pytest.mark.parametrize(
    ("epochs", "points", "expected"),
    [
        (100, 25, list(range(4, 101, 4))),  # every 4th: 25 records
        (10, 25, list(range(1, 11))),  # fewer epochs than points: every epoch
        (103, 25, [*range(4, 101, 4), 103]),  # the last epoch is always recorded
        (7, 1, [7]),
        (5, None, [1, 2, 3, 4, 5]),  # the default: every epoch
        (5, 0, []),  # never
    ],
)
def test_recorded_epochs_are_evenly_spread_and_end_with_the_last(epochs, points, expected):
    np.testing.assert_array_equal(deep_mlp.recorded_epochs(epochs, points), expected)


@pytest.mark.parametrize(("epochs", "points", "named"), [(0, None, "epochs"), (5, -1, "curve")])
def test_recorded_epochs_refuse_bad_numbers(epochs, points, named):
    with pytest.raises(ValueError, match=named):
        deep_mlp.recorded_epochs(epochs, points)


def test_mini_batches_and_fewer_records_follow_mlp_fit():
    X, Y, X_val, Y_val = small_problem()
    result = deep_mlp.train_deep_mlp(
        X, Y, X_val, Y_val, 1, 6, 0.5, 12, seed=3, batch_size=8, curve_points=4
    )
    np.testing.assert_array_equal(result.epochs, [3, 6, 9, 12])
    assert result.train_costs.shape == result.val_costs.shape == (4,)
    assert result.val_costs[-1] == result.val_cost == result.model.data_cost(X_val, Y_val)
    same = MLP([16, 6, 1], seed=3)
    np.testing.assert_array_equal(result.costs, same.fit(X, Y, 0.5, 12, batch_size=8))
    for W, W_same in zip(result.model.weights, same.weights, strict=True):
        np.testing.assert_array_equal(W, W_same)


@pytest.mark.parametrize(
    ("hidden_layers", "units", "named"),
    [(-1, 4, "hidden_layers"), (2, 0, "units"), (1.5, 4, "hidden_layers"), (2, 3.0, "units")],
)
def test_bad_hidden_layers_or_units_is_a_value_error(hidden_layers, units, named):
    X, Y, X_val, Y_val = small_problem()
    with pytest.raises(ValueError, match=named):
        deep_mlp.train_deep_mlp(X, Y, X_val, Y_val, hidden_layers, units, 0.1, 5)


def test_deep_network_learns_the_digits(digits):
    X, Y, X_val, Y_val, _ = digits
    result = deep_mlp.train_deep_mlp(X, Y, X_val, Y_val, **deep_mlp.DEFAULTS)
    assert result.train_accuracy == 1.0
    assert result.val_accuracy >= 0.95
    assert result.train_costs[-1] < 0.01 < result.train_costs[0]


def test_lambda_keeps_the_weights_smaller(digits):
    X, Y, X_val, Y_val, _ = digits
    settings = {**deep_mlp.DEFAULTS, "epochs": 300}
    plain = deep_mlp.train_deep_mlp(X, Y, X_val, Y_val, **settings)
    regularised = deep_mlp.train_deep_mlp(X, Y, X_val, Y_val, **{**settings, "l2_lambda": 5.0})

    def size(model):
        return sum(np.sum(W * W) for W in model.weights)

    assert size(regularised.model) < 0.8 * size(plain.model)


# ----- notes, image shapes, the grid ---------------------------------------------------------


def test_dead_unit_fraction_counts_hidden_units_that_are_zero_on_every_image():
    model = MLP([2, 3, 2, 1], hidden_activation="relu", seed=0)
    X = np.array([[1.0, 2.0, -1.0], [0.5, -1.0, 2.0]])
    # Layer 1: z_1 = x_1 + 10 > 0 always; z_2 = -x_1 - x_2 - 5 < 0 always (dead);
    # z_3 = x_1 - 1.5 is > 0 only for the second column (alive).
    model.weights[0] = np.array([[1.0, 0.0], [-1.0, -1.0], [1.0, 0.0]])
    model.biases[0] = np.array([[10.0], [-5.0], [-1.5]])
    # Layer 2: unit 1 sums layer 1 (> 0, alive); unit 2 has z = -1 on every column (dead).
    model.weights[1] = np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]])
    model.biases[1] = np.array([[0.0], [-1.0]])
    assert deep_mlp.dead_unit_fraction(model, X) == 2 / 5  # 2 dead of 3 + 2 hidden units
    assert deep_mlp.dead_unit_fraction(model, X[:, :1]) == 3 / 5  # z_3 < 0 on column 1 too


def test_dead_unit_fraction_is_zero_for_leaky_relu_and_nan_without_hidden_layers():
    X = np.array([[1.0, -2.0], [0.5, 1.0]])
    leaky = MLP([2, 4, 1], hidden_activation="leaky_relu", seed=0)
    leaky.biases[0][:] = -100.0  # every z far below 0, but leaky ReLU is never exactly 0
    assert deep_mlp.dead_unit_fraction(leaky, X) == 0.0
    assert np.isnan(deep_mlp.dead_unit_fraction(MLP([2, 1], seed=0), X))


def test_too_large_a_learning_rate_kills_every_relu_unit(digits):
    X, Y, X_val, Y_val, _ = digits
    settings = {**deep_mlp.DEFAULTS, "epochs": 50}
    calm = deep_mlp.train_deep_mlp(X, Y, X_val, Y_val, **settings)
    wild = deep_mlp.train_deep_mlp(X, Y, X_val, Y_val, **{**settings, "learning_rate": 2.0})
    assert deep_mlp.dead_unit_fraction(calm.model, X) < 0.5
    assert deep_mlp.dead_unit_fraction(wild.model, X) == 1.0
    assert deep_mlp.same_answer_note(wild.model.predict(X)) is not None


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
    _, axes = new_figure(ncols=4)
    grid = views.PredictionGrid(np.array([axes]), X, Y, ["one", "eight"])
    assert grid.update(np.array([[0.0, 0.0, 1.0]])) == 1
    first, second, third, unused = axes
    # The mistake (image 1: an "eight" taken for a "one") comes first, framed and titled in
    # the mistake colour; the right answers are in neither.
    assert first.get_title() == "one (true eight)"
    mistake = to_rgba(views.MISTAKE_COLOUR)
    assert first.spines["left"].get_edgecolor() == mistake
    assert to_rgba(first.title.get_color()) == mistake
    for right in (second, third):
        assert right.spines["left"].get_edgecolor() != mistake
        assert to_rgba(right.title.get_color()) != mistake
    np.testing.assert_array_equal(grid.images[0].get_array(), X[:, 1].reshape(2, 2))
    assert second.get_title() == "one"
    np.testing.assert_array_equal(grid.images[1].get_array(), X[:, 0].reshape(2, 2))
    assert third.get_title() == "eight"
    assert not unused.get_visible()


# ----- the explorer --------------------------------------------------------------------------


def test_a_redraw_keeps_the_first_drawings_layout(explorer):
    figure = explorer.figure
    first = [ax.get_position().bounds for ax in figure.axes]
    # no constrained layout worked out again at every redraw
    assert not isinstance(figure.get_layout_engine(), ConstrainedLayoutEngine)
    explorer.controls["l2_lambda"].value = 20.0  # other titles and cost range
    assert [ax.get_position().bounds for ax in figure.axes] == first


def test_explorer_starts_trained_with_the_progress_bar_full(explorer, digits):
    result = explorer.result
    progress = explorer.extras["progress"]
    assert result.model.layer_sizes == (64, 16, 16, 16, 1)
    assert result.train_costs.shape == (200,)
    assert explorer.message.value == ""
    assert explorer.image.value[:8] == PNG_SIGNATURE
    assert progress.max == progress.value == 200
    # The progress bar sits between the sliders and the message line.
    assert explorer.widget.children[1] is progress
    assert explorer.widget.children[2] is explorer.message
    title = explorer.figure.axes[0].get_title()
    assert title == (
        f"training accuracy {result.train_accuracy:.1%}, validation {result.val_accuracy:.1%}"
    )


def test_progress_bar_moves_while_training(explorer):
    seen = []
    progress = explorer.extras["progress"]

    def record(change):
        seen.append(change["new"])

    progress.observe(record, names="value")
    try:
        explorer.controls["epochs"].value = 1000
    finally:
        progress.unobserve(record, names="value")  # the explorer is shared
    moves = [value for value in seen if value > 0]
    assert seen[0] == 0  # reset before training
    assert moves == sorted(moves)
    assert moves[-1] == 1000
    assert 10 <= len(moves) <= views.PROGRESS_UPDATES + 1


def test_sliders_cover_the_promised_ranges(explorer):
    for name, (low, high) in SLIDER_ENDS.items():
        assert_slider_range(explorer.controls[name], low, high, log=name == "learning_rate")


@pytest.mark.parametrize(
    ("name", "value"), [(name, value) for name, ends in SLIDER_ENDS.items() for value in ends]
)
def test_each_slider_end_retrains_and_redraws_with_no_error(explorer, digits, name, value):
    if explorer.controls[name].value == value:  # at its start already: move it away first
        explorer.controls[name].value = SLIDER_ENDS[name][1]
    before_model, before_image = explorer.result.model, explorer.image.value
    explorer.controls[name].value = value
    result, settings = explorer.result, explorer.values()
    assert result.model is not before_model
    assert explorer.image.value != before_image
    expected = (64, *[settings["units"]] * settings["hidden_layers"], 1)
    assert result.model.layer_sizes == expected
    assert result.model.l2_lambda == settings["l2_lambda"]
    assert result.train_costs.shape == (settings["epochs"],)
    assert explorer.extras["progress"].value == settings["epochs"]
    # No error: the message is empty or exactly the notes that apply to this run.
    assert explorer.message.value == expected_message(result, digits[0])


def test_a_learning_rate_far_too_large_says_so(explorer, digits):
    explorer.controls["learning_rate"].value = 100.0
    message = explorer.message.value
    assert "The cost went up" in message
    assert "smaller learning rate" in message
    assert explorer.result.costs[-1] > explorer.result.costs[0]
    assert message == expected_message(explorer.result, digits[0])
    explorer.controls["learning_rate"].value = deep_mlp.DEFAULTS["learning_rate"]
    assert explorer.message.value == ""


@pytest.mark.parametrize(("name", "value"), [("units", 1), ("hidden_layers", 10)])
def test_narrow_or_very_deep_networks_that_give_up_are_explained(explorer, digits, name, value):
    X = digits[0]
    explorer.controls[name].value = value
    model = explorer.result.model
    settings = explorer.values()
    assert model.layer_sizes[1:-1] == (settings["units"],) * settings["hidden_layers"]
    predictions = model.predict(X)
    one_answer = bool(np.all(predictions == predictions[0, 0]))
    assert ("same class" in explorer.message.value) == one_answer
    assert explorer.message.value == expected_message(explorer.result, X)


def test_a_diverging_run_gives_a_message_and_keeps_the_last_figure(explorer, monkeypatch):
    def diverge(*args, **kwargs):
        raise TrainingDiverged(3, 100.0, [0.7, 0.9])

    monkeypatch.setattr(views, "train_deep_mlp", diverge)
    assert_divergence_shown(explorer, 100.0, epoch=3)


def test_unknown_setting_is_a_value_error(digits):
    X, Y, X_val, Y_val, classes = digits
    with pytest.raises(ValueError, match="unknown settings"):
        views.deep_mlp_explorer(X, Y, X_val, Y_val, classes, hidden=3)


# ----- the same code on 64x64 RGB images (the cat / non-cat layout) --------------------------


def test_works_unchanged_on_64x64_rgb_files(tmp_path):
    rng = np.random.default_rng(0)
    train_x = rng.integers(0, 256, size=(6, 64, 64, 3), dtype=np.uint8)
    test_x = rng.integers(0, 256, size=(4, 64, 64, 3), dtype=np.uint8)
    train_y, test_y = np.array([0, 1, 0, 1, 1, 0]), np.array([1, 0, 0, 1])
    paths = tmp_path / "train_catvnoncat.h5", tmp_path / "test_catvnoncat.h5"
    data.save_image_dataset(*paths, train_x, train_y, test_x, test_y, ["non-cat", "cat"])
    X, Y, X_val, Y_val, classes = data.load_image_dataset(*paths)
    assert X.shape == (12288, 6)

    result = deep_mlp.train_deep_mlp(X, Y, X_val, Y_val, 2, 7, 0.01, 2)
    assert result.model.layer_sizes == (12288, 7, 7, 1)
    assert np.all(np.isfinite(result.val_costs))

    figure, view = views.deep_mlp_figure(X_val, Y_val, classes)
    view.update(result, X_val)
    assert view.grid.images[0].get_array().shape == (64, 64, 3)
    assert sum(ax.get_visible() for ax in view.grid.axes) == 4
    assert figure_png(figure)[:8] == b"\x89PNG\r\n\x1a\n"

    explorer = views.deep_mlp_explorer(X, Y, X_val, Y_val, classes, epochs=50, units=4)
    assert explorer.result.model.layer_sizes[0] == 12288
    assert explorer.message.value == expected_message(explorer.result, X)


# ----- choosing on validation sets ---------------------------------------------------------


def test_validation_split_holds_out_a_seeded_fraction_and_keeps_every_example_once():
    X = np.arange(20, dtype=float).reshape(1, 20)  # each example's input is its index
    Y = (X % 2).astype(float)
    X_fit, Y_fit, X_val, Y_val = deep_mlp.validation_split(X, Y, 0.3, seed=4)
    assert X_fit.shape == (1, 14) and X_val.shape == (1, 6)
    assert sorted(np.concatenate([X_fit, X_val], axis=1).ravel()) == list(range(20))
    np.testing.assert_array_equal(Y_val, X_val % 2)  # labels travel with their images
    np.testing.assert_array_equal(Y_fit, X_fit % 2)
    again = deep_mlp.validation_split(X, Y, 0.3, seed=4)
    other = deep_mlp.validation_split(X, Y, 0.3, seed=5)
    np.testing.assert_array_equal(again[2], X_val)
    assert not np.array_equal(np.sort(other[2]), np.sort(X_val))


@pytest.mark.parametrize("fraction", [0.0, 0.01, 0.99, 1.0])
def test_validation_split_refuses_an_empty_set(fraction):
    X, Y = np.zeros((2, 10)), np.zeros((1, 10))
    with pytest.raises(ValueError, match=f"fraction {fraction:g} of 10 examples leaves an empty"):
        deep_mlp.validation_split(X, Y, fraction)


def test_validation_scores_train_each_seed_on_its_own_split(digits):
    X, Y, _, _, _ = digits
    settings = {**deep_mlp.DEFAULTS, "epochs": 60}
    del settings["seed"]
    scores = deep_mlp.validation_scores(X, Y, settings, seeds=[3, 8])
    for k, seed in enumerate([3, 8]):
        split = deep_mlp.validation_split(X, Y, seed=seed)
        run = deep_mlp.train_deep_mlp(*split, **settings, seed=seed)
        assert scores.accuracy[k] == run.val_accuracy
        assert scores.cost[k] == run.val_costs[-1]
        assert scores.best_cost[k] == run.val_costs.min()
        assert run.val_costs[scores.best_epoch[k] - 1] == run.val_costs.min()


def test_without_the_training_curve_only_the_validation_costs_are_recorded():
    X, Y, _, _ = small_problem(m=40, m_test=0)
    settings = {"hidden_layers": 1, "units": 4, "learning_rate": 0.5, "epochs": 10, "seed": 1}
    split = deep_mlp.validation_split(X, Y, seed=1)
    both = deep_mlp.train_deep_mlp(*split, **settings, curve_points=5)
    val_only = deep_mlp.train_deep_mlp(*split, **settings, curve_points=5, train_curve=False)
    assert val_only.train_costs.size == 0 and both.train_costs.size == 5
    np.testing.assert_array_equal(val_only.val_costs, both.val_costs)
    np.testing.assert_array_equal(val_only.epochs, both.epochs)


def test_validation_scores_pass_the_training_options_through():
    X, Y, _, _ = small_problem(m=40, m_test=0)
    settings = {"hidden_layers": 1, "units": 4, "learning_rate": 0.5, "epochs": 10}
    scores = deep_mlp.validation_scores(X, Y, settings, [2, 5], batch_size=8, curve_points=3)
    for k, seed in enumerate([2, 5]):
        split = deep_mlp.validation_split(X, Y, seed=seed)
        run = deep_mlp.train_deep_mlp(*split, **settings, seed=seed, batch_size=8, curve_points=3)
        assert scores.cost[k] == run.val_cost
        assert scores.accuracy[k] == run.val_accuracy
        # the best of the recorded epochs (3, 6, 9, 10), named by its epoch
        best = int(np.argmin(run.val_costs))
        assert scores.best_cost[k] == run.val_costs[best]
        assert scores.best_epoch[k] == run.epochs[best]
    none = deep_mlp.validation_scores(X, Y, settings, [2], curve_points=0)
    assert none.best_cost is None and none.best_epoch is None  # nothing recorded
    full_batch = deep_mlp.train_deep_mlp(
        *deep_mlp.validation_split(X, Y, seed=2), **settings, seed=2
    )
    assert none.cost[0] == full_batch.val_cost
