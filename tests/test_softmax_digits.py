"""Tests of notebook 08's lesson: the softmax network's training and scores
(backprop_lib.lessons.softmax_digits), its figures and its explorer (softmax_digits_views),
used as a student would, including what the notebook tells a student to try."""

import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from matplotlib.colors import to_rgba

import backprop_lib as bp
from backprop_lib import MLP, TrainingDiverged, data
from backprop_lib.display.explorer import NOTE_COLOUR, cost_rise_note, join_notes, message_html
from backprop_lib.display.figures import figure_png, new_figure
from backprop_lib.lessons import deep_mlp, deep_mlp_views, softmax_digits
from backprop_lib.lessons import softmax_digits_views as views
from backprop_lib.lessons.deep_mlp_views import MISTAKE_COLOUR
from tests.explorer_checks import PNG_SIGNATURE, assert_divergence_shown, assert_slider_range

DATA = Path(__file__).resolve().parents[1] / "data"
SLIDER_ENDS = {
    "learning_rate": (1e-2, 10.0),
    "hidden_layers": (0, 2),
    "units": (1, 64),
    "epochs": (10, 500),
    "l2_lambda": (0.0, 20.0),
}
START = {name: value for name, value in softmax_digits.DEFAULTS.items() if name != "seed"} | {
    "epochs": 30
}
"""The shared explorer's settings when each test begins: the defaults, with fewer epochs."""


@pytest.fixture(scope="module")
def digits():
    """The ten-class files, with one-hot targets, and split 0 of the training file."""
    X, labels, X_test, labels_test, classes = data.load_image_dataset(
        DATA / "digits10_train.h5", DATA / "digits10_test.h5"
    )
    Y, Y_test = bp.one_hot(labels, 10), bp.one_hot(labels_test, 10)
    X_fit, Y_fit, X_val, Y_val = deep_mlp.validation_split(X, Y, seed=0)
    return SimpleNamespace(
        X=X, Y=Y, X_test=X_test, Y_test=Y_test, classes=classes, split=(X_fit, Y_fit, X_val, Y_val)
    )


@pytest.fixture(scope="module")
def shared_explorer(digits):
    return views.softmax_digits_explorer(*digits.split, digits.classes, epochs=START["epochs"])


def set_unheard(explorer, values):
    """Set controls to ``values`` while the explorer does not listen: nothing retrains. Returns
    whether any control changed."""
    controls = explorer.controls
    moved = {name: value for name, value in values.items() if controls[name].value != value}
    for name, value in moved.items():
        control = controls[name]
        control.unobserve(explorer.refresh, names="value")
        control.value = value
        control.observe(explorer.refresh, names="value")
    return bool(moved)


@pytest.fixture
def explorer(shared_explorer):
    """The module's one explorer, at :data:`START` when a test begins and put back there when
    it ends (every slider back, then one retraining), so that no test depends on another or on
    their order."""
    assert shared_explorer.values() == START, "an earlier test left the explorer moved"
    yield shared_explorer
    if set_unheard(shared_explorer, START) or shared_explorer.message.value != "":
        shared_explorer.refresh()
    assert shared_explorer.values() == START
    assert shared_explorer.message.value == ""
    assert shared_explorer.result.epochs[-1] == START["epochs"]


def small_problem(seed=0, k=3, n_features=9, m=40, m_val=15):
    """Random 3x3 'images' whose class is the brightest of their first k pixels."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(size=(n_features, m + m_val))
    Y = bp.one_hot(np.argmax(X[:k], axis=0), k)
    return X[:, :m], Y[:, :m], X[:, m:], Y[:, m:]


def expected_message(result, X):
    note = join_notes(
        cost_rise_note(result.costs), deep_mlp.same_answer_note(result.model.predict(X))
    )
    assert result.note == note
    return "" if note is None else message_html(note, NOTE_COLOUR)


# ----- the network and its training -----------------------------------------------------------
# Notebook 08 trains with notebook 04's train_deep_mlp and validation_scores (their own tests
# are in test_deep_mlp.py); here, what notebook 08 asks of them: a softmax for one-hot targets,
# mini-batches of BATCH_SIZE, costs recorded CURVE_POINTS times or never.


def train(X, Y, X_val, Y_val, *settings, **options):
    """train_deep_mlp as notebook 08 calls it: mini-batches, costs recorded CURVE_POINTS times."""
    options = {
        "batch_size": softmax_digits.BATCH_SIZE,
        "curve_points": softmax_digits.CURVE_POINTS,
        **options,
    }
    return deep_mlp.train_deep_mlp(X, Y, X_val, Y_val, *settings, **options)


@pytest.mark.parametrize(("hidden_layers", "units"), [(0, 5), (1, 3), (2, 4)])
def test_one_hot_targets_give_a_softmax_output_with_the_layers_asked_for(hidden_layers, units):
    X, Y, X_val, Y_val = small_problem(k=4)
    model = train(X, Y, X_val, Y_val, hidden_layers, units, 0.5, 2, l2_lambda=0.5, seed=2).model
    assert model.layer_sizes == (9, *[units] * hidden_layers, 4)
    assert (model.hidden_activation, model.output_activation, model.loss_name) == (
        "relu",
        "softmax",
        "categorical_cross_entropy",
    )
    assert model.l2_lambda == 0.5
    start = deep_mlp.build_mlp(9, 4, hidden_layers, units, seed=2)
    for W, same in zip(start.weights, MLP(list(model.layer_sizes), seed=2).weights, strict=True):
        np.testing.assert_array_equal(W, same)  # seeded as any MLP


@pytest.mark.parametrize(
    ("hidden_layers", "units", "named"),
    [(-1, 4, "hidden_layers"), (1, 0, "units"), (1.5, 4, "hidden_layers"), (2, 3.0, "units")],
)
def test_bad_hidden_layers_or_units_is_a_value_error(hidden_layers, units, named):
    X, Y, X_val, Y_val = small_problem()
    with pytest.raises(ValueError, match=named):
        train(X, Y, X_val, Y_val, hidden_layers, units, 0.1, 2)


def test_training_records_the_costs_of_the_model_and_follows_mlp_fit():
    X, Y, X_val, Y_val = small_problem()
    seen = []
    result = train(X, Y, X_val, Y_val, 1, 6, 0.5, 12, seed=3, progress=seen.append, curve_points=5)
    assert seen == list(range(1, 13))
    np.testing.assert_array_equal(result.epochs, [2, 4, 6, 8, 10, 12])
    assert result.train_costs.shape == result.val_costs.shape == (6,)
    # After the last epoch the recorded costs are those of the final model.
    assert result.train_costs[-1] == result.model.data_cost(X, Y)
    assert result.val_costs[-1] == result.val_cost == result.model.data_cost(X_val, Y_val)
    assert result.train_accuracy == result.model.accuracy(X, Y)
    assert result.val_accuracy == result.model.accuracy(X_val, Y_val)
    # The same seeded network trained by MLP.fit with the same mini-batches.
    same = MLP([9, 6, 3], output_activation="softmax", loss="categorical_cross_entropy", seed=3)
    costs = same.fit(X, Y, 0.5, 12, batch_size=softmax_digits.BATCH_SIZE)
    np.testing.assert_array_equal(result.costs, costs)
    for W, W_same in zip(result.model.weights, same.weights, strict=True):
        np.testing.assert_array_equal(W, W_same)


def test_training_without_curves_records_nothing_and_still_scores():
    X, Y, X_val, Y_val = small_problem()
    result = train(X, Y, X_val, Y_val, 1, 4, 0.5, 5, curve_points=0)
    assert result.epochs.size == result.train_costs.size == result.val_costs.size == 0
    assert result.val_cost == result.model.data_cost(X_val, Y_val)


def test_validation_scores_train_each_seed_on_its_own_split_as_the_notebook_asks():
    X, Y, _, _ = small_problem(m=60, m_val=0)
    settings = {"hidden_layers": 1, "units": 5, "learning_rate": 0.5, "epochs": 4}
    scores = deep_mlp.validation_scores(
        X, Y, settings, seeds=[3, 8], batch_size=softmax_digits.BATCH_SIZE, curve_points=0
    )
    assert scores.best_cost is None and scores.best_epoch is None  # no costs recorded
    for k, seed in enumerate([3, 8]):
        split = deep_mlp.validation_split(X, Y, seed=seed)
        run = train(*split, **settings, seed=seed)
        assert run.model.output_activation == "softmax"
        assert scores.accuracy[k] == run.val_accuracy
        assert scores.cost[k] == run.val_cost


def test_the_defaults_learn_the_digits(digits):
    result = train(*digits.split, **softmax_digits.DEFAULTS)
    assert result.train_accuracy == 1.0
    assert result.val_accuracy >= 0.95
    assert result.val_costs[-1] < 0.5 * result.val_costs[0]
    assert result.epochs.size == softmax_digits.CURVE_POINTS


def test_the_notebooks_final_settings_reach_96_percent_on_the_test_set(digits):
    # Notebook 08 chooses one hidden layer of 64 units with learning rate 1 on validation
    # splits; trained on the whole training file, seed 0 must reach the 0.96.
    final = {**softmax_digits.DEFAULTS, "learning_rate": 1.0}
    model = deep_mlp.build_mlp(64, 10, final["hidden_layers"], final["units"], seed=0)
    model.fit(digits.X, digits.Y, final["learning_rate"], final["epochs"], batch_size=32)
    assert model.accuracy(digits.X_test, digits.Y_test) >= 0.96


# ----- confusion matrix, mistakes, comparisons ----------------------------------------------


def test_confusion_matrix_counts_true_rows_against_predicted_columns():
    labels = np.array([0, 0, 1, 2, 2, 2])
    predictions = np.array([[0, 1, 1, 2, 0, 2]])  # a (1, m) row, as MLP.predict gives it
    expected = np.array([[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    np.testing.assert_array_equal(softmax_digits.confusion_matrix(labels, predictions, 3), expected)


@pytest.mark.parametrize(
    ("labels", "predictions", "message"),
    [
        ([0, 3], [0, 1], "labels must be class indices from 0 to 2; got 3 at position 1"),
        ([0, 1], [0.5, 1], "predictions must be class indices from 0 to 2; got 0.5 at position 0"),
        ([0, 1, 2], [0, 1], "one entry per example each; got 3 and 2"),
    ],
)
def test_confusion_matrix_says_what_does_not_fit(labels, predictions, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        softmax_digits.confusion_matrix(labels, predictions, 3)


def test_most_confident_mistakes_are_the_wrong_answers_surest_first():
    probabilities = np.array(
        [
            [0.7, 0.1, 0.2, 0.9, 0.6],
            [0.2, 0.8, 0.2, 0.05, 0.4],
            [0.1, 0.1, 0.6, 0.05, 0.0],
        ]
    )
    labels = np.array([[1, 1, 0, 2, 1]])
    # predicted 0, 1, 2, 0, 0: examples 0, 2, 3 and 4 are wrong, sure of their answer with
    # 0.7, 0.6, 0.9 and 0.6 (a tie, kept in the examples' order).
    mistakes = softmax_digits.most_confident_mistakes(probabilities, labels, 10)
    np.testing.assert_array_equal(mistakes.index, [3, 0, 2, 4])
    np.testing.assert_array_equal(mistakes.predicted, [0, 0, 2, 0])
    np.testing.assert_allclose(mistakes.confidence, [0.9, 0.7, 0.6, 0.6])
    two = softmax_digits.most_confident_mistakes(probabilities, labels, 2)
    np.testing.assert_array_equal(two.index, [3, 0])
    none = softmax_digits.most_confident_mistakes(probabilities, [0, 1, 2, 0, 0], 5)
    assert none.index.size == 0


def test_top_confusions_are_the_largest_counts_off_the_diagonal():
    matrix = np.array([[9, 2, 0], [4, 7, 2], [0, 1, 8]])
    assert softmax_digits.top_confusions(matrix, 3) == [(1, 0, 4), (0, 1, 2), (1, 2, 2)]
    assert softmax_digits.top_confusions(np.diag([3, 4]), 2) == []


def test_paired_difference_compares_split_by_split():
    d = softmax_digits.paired_difference([0.10, 0.20, 0.30, 0.40], [0.12, 0.20, 0.25, 0.41])
    # differences -0.02, 0, 0.05, -0.01: mean 0.005, sample standard deviation 0.0311...
    assert d.mean == pytest.approx(0.005)
    assert d.std == pytest.approx(np.std([-0.02, 0.0, 0.05, -0.01], ddof=1))
    assert (d.higher, d.lower, d.equal) == (1, 2, 1)


@pytest.mark.parametrize(("first", "second"), [([1.0, 2.0], [1.0]), ([1.0], [2.0])])
def test_paired_difference_needs_two_rows_of_the_same_length(first, second):
    with pytest.raises(ValueError, match="same length >= 2"):
        softmax_digits.paired_difference(first, second)


# ----- the views -------------------------------------------------------------------------------


def test_confusion_matrix_view_writes_every_count_readable_without_colour():
    _, ax = new_figure()
    view = views.ConfusionMatrix(ax, ["a", "b"])
    view.update(np.array([[10, 0], [3, 7]]))
    texts = [[text.get_text() for text in row] for row in view.texts]
    assert texts == [["10", ""], ["3", "7"]]
    assert view.texts[0][0].get_color() == "white"  # dark cell
    assert view.texts[1][0].get_color() == "black"
    assert view.image.get_clim() == (0, 10)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b"]
    assert ax.get_xlabel() == "predicted class"
    assert ax.get_ylabel() == "true class"


def test_the_view_shows_costs_at_the_recorded_epochs_and_the_validation_matrix():
    X, Y, X_val, Y_val = small_problem()
    result = train(X, Y, X_val, Y_val, 1, 6, 0.5, 20, curve_points=4)
    figure, view = views.softmax_digits_figure(["0", "1", "2"])
    matrix = view.update(result, X_val, Y_val)
    line = view.curves.lines[1]
    np.testing.assert_array_equal(line.get_xdata(), result.epochs)
    np.testing.assert_array_equal(line.get_ydata(), result.val_costs)
    expected = softmax_digits.confusion_matrix(
        np.argmax(Y_val, axis=0), result.model.predict(X_val), 3
    )
    np.testing.assert_array_equal(matrix, expected)
    wrong = Y_val.shape[1] - np.trace(expected)
    assert view.matrix.ax.get_title() == f"Validation set: {wrong} of {Y_val.shape[1]} wrong"
    assert figure_png(figure)[:8] == PNG_SIGNATURE


def test_show_mistakes_titles_each_image_with_answer_probability_and_truth():
    X = np.linspace(0.0, 1.0, 4 * 3).reshape(4, 3)  # three 2x2 images
    labels = np.array([[2, 0, 1]])
    mistakes = SimpleNamespace(
        index=np.array([2, 0]), predicted=np.array([0, 1]), confidence=np.array([0.91, 0.5])
    )
    _, axes = new_figure(ncols=3)
    views.show_mistakes(np.array(axes), X, labels, mistakes, ["zero", "one", "two"])
    first, second, unused = axes
    assert first.get_title() == "zero (0.91)\ntrue one"
    assert second.get_title() == "one (0.50)\ntrue two"
    assert to_rgba(first.title.get_color()) == to_rgba(MISTAKE_COLOUR)
    np.testing.assert_array_equal(first.images[0].get_array(), X[:, 2].reshape(2, 2))
    assert not unused.get_visible()


# ----- the explorer ----------------------------------------------------------------------------


def test_explorer_starts_trained_with_the_progress_bar_full(explorer, digits):
    result = explorer.result
    progress = explorer.extras["progress"]
    assert result.model.layer_sizes == (64, 64, 10)
    assert result.model.output_activation == "softmax"
    assert explorer.message.value == ""
    assert explorer.image.value[:8] == PNG_SIGNATURE
    assert progress.max == progress.value == START["epochs"]
    assert result.confusion.sum() == digits.split[2].shape[1]  # every validation image


def test_sliders_cover_the_promised_ranges(explorer):
    for name, (low, high) in SLIDER_ENDS.items():
        assert_slider_range(explorer.controls[name], low, high, log=name == "learning_rate")


# Every slider end but 500 epochs, which the overfitting test below moves to (and checks).
ENDS = [(name, value) for name, ends in SLIDER_ENDS.items() for value in ends]
ENDS.remove(("epochs", 500))


@pytest.mark.parametrize(("name", "value"), ENDS)
def test_each_slider_end_retrains_and_redraws_with_no_error(explorer, digits, name, value):
    if explorer.controls[name].value == value:  # at its start already: move it away first
        low, high = SLIDER_ENDS[name]
        explorer.controls[name].value = low if value == high else high
    before_model, before_image = explorer.result.model, explorer.image.value
    explorer.controls[name].value = value
    result, settings = explorer.result, explorer.values()
    assert result.model is not before_model
    assert explorer.image.value != before_image
    assert result.model.layer_sizes == (64, *[settings["units"]] * settings["hidden_layers"], 10)
    assert result.model.l2_lambda == settings["l2_lambda"]
    assert result.epochs[-1] == settings["epochs"]
    assert explorer.extras["progress"].value == settings["epochs"]
    assert explorer.message.value == expected_message(result, digits.split[0])


def test_learning_rate_2_gives_every_image_the_same_digit_and_says_so(explorer, digits):
    # The notebook's "things to try": at 2 the network collapses, and the explorer says so.
    # The notebook's explorer starts at the defaults' epochs (no need to train there first).
    set_unheard(explorer, {"epochs": softmax_digits.DEFAULTS["epochs"]})
    explorer.controls["learning_rate"].value = 2.0
    assert explorer.result.epochs[-1] == softmax_digits.DEFAULTS["epochs"]
    predictions = explorer.result.model.predict(digits.split[0])
    assert np.all(predictions == predictions[0, 0])
    assert "same class" in explorer.message.value
    explorer.controls["learning_rate"].value = 1.0  # the notebook's choice still trains
    assert explorer.message.value == ""
    assert explorer.result.val_accuracy > 0.9


def test_long_training_without_lambda_turns_the_validation_cost_up(explorer):
    # The notebook's "things to try": epochs 500 with lambda 0, then lambda 1.
    explorer.controls["epochs"].value = 500
    plain = explorer.result
    assert explorer.message.value == ""
    assert plain.epochs[-1] == explorer.extras["progress"].value == 500
    assert plain.val_costs[-1] > plain.val_costs.min()  # it turned up after its lowest point
    assert plain.train_costs[-1] < plain.train_costs.min() * 1.0001  # training kept falling
    explorer.controls["l2_lambda"].value = 1.0
    assert explorer.result.val_costs[-1] < plain.val_costs[-1]


def test_one_unit_per_layer_costs_most_of_the_training_accuracy(explorer):
    explorer.controls["epochs"].value = softmax_digits.DEFAULTS["epochs"]
    default = explorer.result.train_accuracy
    explorer.controls["units"].value = 1
    assert explorer.result.train_accuracy < 0.5 < default


def test_a_diverging_run_gives_a_message_and_keeps_the_last_figure(explorer, monkeypatch):
    def diverge(*args, **kwargs):
        raise TrainingDiverged(3, 10.0, [2.3, 2.9])

    monkeypatch.setattr(deep_mlp_views, "train_deep_mlp", diverge)
    assert_divergence_shown(explorer, 10.0, epoch=3)


def test_unknown_setting_is_a_value_error(digits):
    with pytest.raises(ValueError, match="unknown settings"):
        views.softmax_digits_explorer(*digits.split, digits.classes, batch_size=8)
