"""Tests of notebook 10's lesson and explorer (backprop_lib.lessons.normalisation_lesson,
normalisation_views and normalisation_explorer): what the runs record (gradient sizes of the
model at that point, costs in prediction mode), batch normalisation rescuing notebook 05's deep
sigmoid network, what dropout does to the costs, the figures, and the explorer at the ends of
its controls."""

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib import data
from backprop_lib.display.explorer import ERROR_COLOUR, NOTE_COLOUR, message_html
from backprop_lib.display.figures import new_figure
from backprop_lib.lessons import deep_mlp, gradient_checking
from backprop_lib.lessons import normalisation_explorer as app
from backprop_lib.lessons import normalisation_lesson as lesson
from backprop_lib.lessons import normalisation_views as views
from backprop_lib.lessons.deep_mlp import same_answer_note, validation_split
from tests.explorer_checks import PNG_SIGNATURE

DATA = Path(data.COURSE_DATA)

SMALL_TRAIN, SMALL_VAL, FEW_EPOCHS = 200, 100, 3
"""The explorer's tests train on 200 of the ten digits' training images for 3 epochs and
validate on 100: every control's ends in about a second."""


@pytest.fixture(scope="module")
def digits():
    """The ten digits' training file, one-hot, split as notebook 10 splits it (seed 0)."""
    X, labels, *_ = data.load_image_dataset(DATA / "digits10_train.h5", DATA / "digits10_test.h5")
    return validation_split(X, bp.one_hot(labels, 10), seed=0)


@pytest.fixture(scope="module")
def small(digits):
    X, Y, X_val, Y_val = digits
    return X[:, :SMALL_TRAIN], Y[:, :SMALL_TRAIN], X_val[:, :SMALL_VAL], Y_val[:, :SMALL_VAL]


@pytest.fixture(scope="module")
def moons():
    """Notebook 05's data for its deep sigmoid network."""
    return data.make_moons(n_samples=200, seed=0)


# ----- building and recording ------------------------------------------------------------------


def test_build_network_sizes_the_output_and_passes_the_options():
    binary = lesson.build_network(64, 1, 2, 5, "relu", batchnorm=True, keep_prob=0.5, seed=3)
    assert binary.layer_sizes == (64, 5, 5, 1)
    assert (binary.hidden_activation, binary.output_activation) == ("relu", "sigmoid")
    assert (binary.batchnorm, binary.keep_prob, binary.seed) == (True, 0.5, 3)
    ten = lesson.build_network(64, 10, 0, 8)
    assert ten.layer_sizes == (64, 10)
    assert (ten.output_activation, ten.loss_name) == ("softmax", "categorical_cross_entropy")
    with pytest.raises(ValueError, match="hidden_layers"):
        lesson.build_network(64, 10, -1, 8)


@pytest.fixture(scope="module")
def recorded(small):
    """A run with both options, so that training and prediction mode differ."""
    options = {"hidden_layers": 2, "units": 16, "activation": "relu", "seed": 1}
    training = {"learning_rate": 0.1, "epochs": 6, "batch_size": 64}
    model = lesson.build_network(64, 10, **options, batchnorm=True, keep_prob=0.7)
    run = lesson.record_training(model, *small, **training, curve_points=3)
    return SimpleNamespace(run=run, options=options, training=training)


def test_a_run_records_from_epoch_0_at_evenly_spread_epochs(recorded):
    run = recorded.run
    np.testing.assert_array_equal(run.epochs, [0, 2, 4, 6])
    assert run.costs.shape == (6,)
    assert run.train_costs.shape == run.val_costs.shape == (4,)
    assert run.norms.shape == (4, 3)  # three weight matrices
    assert np.all(np.isfinite(run.norms)) and np.all(run.norms > 0)


def test_the_gradient_sizes_are_mlp_gradient_norms_of_the_model_at_that_epoch(recorded, small):
    X, Y, *_ = small
    run, training = recorded.run, recorded.training
    for row, epoch in enumerate(run.epochs):
        model = lesson.build_network(64, 10, **recorded.options, batchnorm=True, keep_prob=0.7)
        if epoch:
            model.fit(X, Y, training["learning_rate"], int(epoch), training["batch_size"])
        np.testing.assert_array_equal(run.norms[row], model.gradient_norms(X, Y))
    np.testing.assert_array_equal(run.norms[-1], run.model.gradient_norms(X, Y))


def test_recording_changes_nothing_in_the_training(recorded, small):
    X, Y, *_ = small
    model = lesson.build_network(64, 10, **recorded.options, batchnorm=True, keep_prob=0.7)
    training = recorded.training
    costs = model.fit(X, Y, training["learning_rate"], training["epochs"], training["batch_size"])
    np.testing.assert_array_equal(recorded.run.costs, costs)
    for mine, theirs in zip(recorded.run.model.weights, model.weights, strict=True):
        np.testing.assert_array_equal(mine, theirs)


def test_the_recorded_costs_are_in_prediction_mode(recorded, small):
    X, Y, X_val, Y_val = small
    model = recorded.run.model
    assert recorded.run.val_costs[-1] == model.data_cost(X_val, Y_val)
    assert recorded.run.train_costs[-1] == model.data_cost(X, Y)
    assert recorded.run.val_accuracy == model.accuracy(X_val, Y_val)
    # training mode (dropout masks, the batch's own statistics) gives another number
    assert abs(model.cost(X_val, Y_val) - recorded.run.val_costs[-1]) > 1e-3


def test_without_validation_images_the_validation_costs_are_nan(small):
    X, Y, *_ = small
    run = lesson.train_network(
        X, Y, training={"epochs": 2, "learning_rate": 0.1}, hidden_layers=1, units=4
    )
    assert np.all(np.isnan(run.val_costs)) and np.isnan(run.val_accuracy)
    assert np.all(np.isfinite(run.train_costs))


def test_a_run_that_blows_up_raises_training_diverged(small):
    settings = {"batch_size": 32, "keep_prob": 0.2, "hidden_layers": 10, "batchnorm": False}
    with pytest.raises(bp.TrainingDiverged, match="training diverged at epoch 1"):
        app.explorer_run(*small, **settings, activation="relu", epochs=FEW_EPOCHS)
    # batch normalisation keeps the same network finite
    normalised = {**settings, "batchnorm": True}
    run = app.explorer_run(*small, **normalised, activation="relu", epochs=FEW_EPOCHS)
    assert np.all(np.isfinite(run.costs)) and np.all(np.isfinite(run.norms))


# ----- batch normalisation rescues notebook 05's deep sigmoid network --------------------------


@pytest.fixture(scope="module")
def rescue(moons):
    return lesson.rescue_runs(*moons, epochs=60)


def test_the_rescued_network_is_notebook_05s(rescue, moons):
    plain = rescue[False]
    assert plain.model.layer_sizes == (2, *[8] * 10, 1)
    assert plain.model.hidden_activation == "sigmoid" and rescue[True].model.batchnorm
    np.testing.assert_array_equal(
        plain.norms[0], gradient_checking.gradient_norms(*moons, 10, "sigmoid", 8, seed=0)
    )


def test_with_batchnorm_the_first_layer_gets_a_gradient_as_large_as_the_last(rescue):
    plain, normalised = rescue[False].norms[0], rescue[True].norms[0]
    # measured: layer 1 8.8e-8 and layer 11 0.29 without; 0.23 and 0.34 with
    assert plain[0] < 1e-6 and plain[0] / plain[-1] < 1e-5
    assert normalised[0] > 0.1 and normalised[0] / normalised[-1] > 0.1
    assert normalised[0] > 1e5 * plain[0]


def test_with_batchnorm_the_deep_sigmoid_network_trains_and_without_it_stalls(rescue, moons):
    plain, normalised = rescue[False], rescue[True]
    assert abs(plain.costs[-1] - np.log(2)) < 1e-3  # a = 0.5 for every point
    assert normalised.costs[-1] < 0.3  # measured 0.265 after 60 epochs
    assert normalised.model.accuracy(*moons) > 0.85 > plain.model.accuracy(*moons)


# ----- the digits: settings on validation splits, the test set once ----------------------------


def test_the_search_scores_every_rate_with_and_without_batchnorm_on_validation_splits(digits):
    X, Y, _, _ = digits  # the fit part of one split stands in for a training file
    search = lesson.digits_search(X, Y, rates=(1.0,), seeds=(0,))
    assert list(search) == [(False, 1.0), (True, 1.0)]
    split = validation_split(X, Y, seed=0)
    again = deep_mlp.train_deep_mlp(
        *split,
        **lesson.DIGITS_DEEP,
        **lesson.DIGITS_TRAINING,
        learning_rate=1.0,
        seed=0,
        batchnorm=True,
        curve_points=0,
    )
    assert again.model.batchnorm and again.model.hidden_activation == "sigmoid"
    assert (
        search[True, 1.0].accuracy[0] == again.val_accuracy
    )  # scored on the split's held-out part
    # measured on this split of 881 images: 8.0 % without, 93.6 % with
    assert search[True, 1.0].accuracy[0] > 0.8 > 0.2 > search[False, 1.0].accuracy[0]


def test_the_chosen_rate_has_the_best_mean_accuracy_then_the_lowest_cost():
    def scores(accuracy, cost):
        return SimpleNamespace(accuracy=np.array(accuracy), cost=np.array(cost))

    search = {
        (False, 0.1): scores([0.5, 0.7], [1.0, 1.0]),
        (False, 1.0): scores([0.6, 0.6], [0.9, 0.9]),  # the same mean, a lower cost
        (False, 9.0): scores([0.2, 0.2], [0.1, 0.1]),
        (True, 0.1): scores([0.9, 0.9], [2.0, 2.0]),  # the best accuracy, whatever its cost
        (True, 1.0): scores([0.8, 0.9], [0.1, 0.1]),
    }
    assert lesson.chosen_rate(search, False) == 1.0
    assert lesson.chosen_rate(search, True) == 0.1


def test_the_final_network_trains_on_everything_given_and_reports_its_starting_gradients(digits):
    X, Y, _, _ = digits
    plain, plain_start = lesson.digits_final(X, Y, batchnorm=False, learning_rate=1.0)
    normalised, normalised_start = lesson.digits_final(X, Y, batchnorm=True, learning_rate=1.0)
    assert plain_start.shape == normalised_start.shape == (lesson.DIGITS_DEEP["hidden_layers"] + 1,)
    fresh = deep_mlp.build_mlp(64, 10, seed=0, batchnorm=True, **lesson.DIGITS_DEEP)
    np.testing.assert_array_equal(normalised_start, fresh.gradient_norms(X, Y))
    # measured: layer 1 / layer 7 is 5e-4 without and 1.4 with; training accuracy 10 % and 98 %
    assert (
        plain_start[0] / plain_start[-1] < 1e-2 < 0.1 < normalised_start[0] / normalised_start[-1]
    )
    assert normalised.accuracy(X, Y) > 0.8 > 0.2 > plain.accuracy(X, Y)


# ----- dropout ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dropout(digits):
    return lesson.dropout_runs(*digits, epochs=20, units=64, curve_points=5)


def test_dropout_starts_from_the_same_weights_and_trains_with_a_higher_noisier_cost(dropout):
    kept, dropped = dropout[1.0], dropout[0.5]
    assert kept.train_costs[0] == dropped.train_costs[0]  # the same initial weights
    assert dropped.model.keep_prob == 0.5 and kept.model.keep_prob == 1.0
    # measured: 0.048 and 0.225 at the end; epoch-to-epoch noise 0.0029 and 0.028
    assert dropped.costs[-1] > 2 * kept.costs[-1]
    assert lesson.cost_noise(dropped.costs) > 2 * lesson.cost_noise(kept.costs)


def test_dropout_narrows_the_gap_between_training_and_validation(dropout):
    # measured: 0.075 without dropout, 0.053 with (128 units, 100 epochs: 0.078 and 0.047)
    assert 0 < lesson.generalisation_gap(dropout[0.5]) < lesson.generalisation_gap(dropout[1.0])


def test_cost_noise_is_the_spread_of_the_epoch_to_epoch_changes():
    steady = np.linspace(2.0, 1.0, 10)
    assert lesson.cost_noise(steady) == pytest.approx(0.0, abs=1e-15)
    zigzag = np.array([9.0, 9.0, 9.0, 9.0, 1.0, 2.0, 1.0, 2.0])  # last half: 1 2 1 2
    assert lesson.cost_noise(zigzag) == pytest.approx(np.std([1.0, -1.0, 1.0]))
    with pytest.raises(ValueError, match="at least 3 epochs"):
        lesson.cost_noise([1.0, 2.0])
    with pytest.raises(ValueError, match="share"):
        lesson.cost_noise(steady, share=0.0)


def test_the_gap_is_the_last_validation_cost_less_the_last_training_cost():
    run = SimpleNamespace(train_costs=np.array([2.0, 0.25]), val_costs=np.array([2.0, 0.75]))
    assert lesson.generalisation_gap(run) == 0.5


# ----- the figures -----------------------------------------------------------------------------


def drawn_lines(ax):
    return [line for line in ax.get_lines() if len(line.get_xdata())]


def test_the_rescue_figure_draws_both_runs_with_their_numbers(rescue):
    _, axes = new_figure(ncols=2)
    views.plot_rescue(axes, rescue)
    assert [len(drawn_lines(ax)) for ax in axes] == [2, 2]
    assert "3e-07" in axes[0].get_title()  # layer 1 / layer 11 without batch normalisation
    assert f"{rescue[True].costs[-1]:.3g}" in axes[1].get_title()
    styles = {(line.get_color(), line.get_linestyle(), line.get_marker()) for line in axes[0].lines}
    assert len(styles) == 2


def test_the_dropout_figure_draws_the_training_cost_and_both_sets_per_run(dropout):
    _, axes = new_figure(ncols=2)
    views.plot_dropout(axes, dropout)
    assert [len(drawn_lines(ax)) for ax in axes] == [2, 4]
    gap = lesson.generalisation_gap(dropout[0.5])
    assert f"p = 0.5: {gap:.3g}" in axes[1].get_title()
    assert len({line.get_linestyle() for line in axes[1].lines}) == 2


# ----- the explorer ----------------------------------------------------------------------------


START = {**app.EXPLORER_DEFAULTS, "batchnorm": True}
"""Where the explorer of the tests starts: in 3 epochs of 200 images the default sigmoid
network, without batch normalisation, still gives every image one class."""


@pytest.fixture(scope="module")
def explorer(small):
    return app.normalisation_explorer(*small, epochs=FEW_EPOCHS, batchnorm=True)


ENDS = {
    "batch_size": (SMALL_TRAIN, 32),
    "keep_prob": (app.KEEP_PROB_MIN, 1.0),
    "hidden_layers": (gradient_checking.HIDDEN_LAYERS_MAX, 0, 3),
    "batchnorm": (False, True),
    "activation": ("relu", "sigmoid"),
}
"""Each control's ends, then back to its start: every move changes the value."""

HIDDEN_LAYER_OPTIONS = ("keep_prob", "batchnorm", "activation")
"""The controls that act on hidden layers only: disabled while there is none."""


def test_the_explorer_starts_at_the_settings_given_with_labelled_controls(explorer):
    assert explorer.values() == START
    assert all(control.description for control in explorer.controls.values())
    assert explorer.controls["batch_size"].options[-1] == (f"all {SMALL_TRAIN}", SMALL_TRAIN)
    assert explorer.message.value == ""
    run = explorer.result.run
    assert run.costs.size == FEW_EPOCHS and run.model.layer_sizes == (64, 32, 32, 32, 10)


@pytest.mark.parametrize("name", list(ENDS))
def test_the_explorer_redraws_at_each_end_of_each_control(explorer, name):
    for value in ENDS[name]:
        before = explorer.image.value
        explorer.controls[name].value = value
        assert f"color:{ERROR_COLOUR}" not in explorer.message.value, explorer.message.value
        assert explorer.image.value[:8] == PNG_SIGNATURE and explorer.image.value != before
        model = explorer.result.run.model
        hidden_layers = explorer.values()["hidden_layers"]
        assert len(model.weights) == hidden_layers + 1
        if name in HIDDEN_LAYER_OPTIONS:
            seen = (model.keep_prob, model.batchnorm, model.hidden_activation)
            assert seen[HIDDEN_LAYER_OPTIONS.index(name)] == value
        disabled = {key for key, control in explorer.controls.items() if control.disabled}
        assert disabled == (set(HIDDEN_LAYER_OPTIONS) if hidden_layers == 0 else set())
        if hidden_layers == 0:
            assert explorer.message.value == message_html(app.NO_HIDDEN_LAYER_NOTE, NOTE_COLOUR)
            assert "No hidden layer" in explorer.figure.get_suptitle()
    assert explorer.values() == START


def test_the_explorers_alt_text_says_what_is_drawn_and_the_numbers(explorer):
    run = explorer.result.run
    text = explorer.image.tooltip
    assert text.startswith(views.TrainingPanels.WHAT)
    assert "3 hidden sigmoid layers of 32 units, with batch normalisation" in text
    assert f"validation: {run.val_costs[-1]:.3g}" in text
    assert gradient_checking.shrink_title(run.norms[0]) in text


def test_the_hidden_layer_options_follow_the_depth():
    controls = app.explorer_controls(START, SMALL_TRAIN)
    app.options_follow_the_depth(controls)
    for hidden_layers, disabled in ((0, True), (1, False), (0, True), (10, False)):
        controls["hidden_layers"].value = hidden_layers
        assert [controls[name].disabled for name in HIDDEN_LAYER_OPTIONS] == [disabled] * 3
        assert not controls["batch_size"].disabled and not controls["hidden_layers"].disabled


def test_the_same_class_note_is_04s_for_relu_and_names_the_vanishing_gradient_for_sigmoid():
    same, mixed = np.zeros((1, 5)), np.array([[0, 1, 0, 2, 1]])
    assert app.same_class_note(same, "relu") == same_answer_note(same)
    assert "too small to train them" in app.same_class_note(same, "sigmoid")
    assert app.same_class_note(mixed, "relu") is None
    assert app.same_class_note(mixed, "sigmoid") is None


def test_the_explorer_notes_one_class_and_shows_a_divergence_keeping_the_last_run(small):
    deep = app.normalisation_explorer(*small, epochs=FEW_EPOCHS, hidden_layers=10)
    assert np.all(deep.result.run.model.predict(small[0]) == 0)  # sigmoid, vanishing
    note = app.same_class_note(np.zeros((1, 3)), "sigmoid")
    assert deep.message.value == message_html(note, NOTE_COLOUR)
    deep.controls["activation"].value = "relu"
    good_result, good_image = deep.result, deep.image.value
    deep.controls["keep_prob"].value = app.KEEP_PROB_MIN
    assert deep.message.value == message_html(
        "training diverged at epoch 1: the cost blew up with learning rate 0.3. "
        + app.DIVERGED_ADVICE["dropout"],
        ERROR_COLOUR,
    )
    assert deep.result is good_result and deep.image.value == good_image


def test_without_dropout_a_divergence_is_told_to_use_fewer_layers(explorer, monkeypatch):
    def diverge(*args, **kwargs):
        raise bp.TrainingDiverged(2, 0.3, [2.3])

    good_result, good_image = explorer.result, explorer.image.value
    with monkeypatch.context() as patched:
        patched.setattr(app, "explorer_run", diverge)
        explorer.controls["batch_size"].value = 64
        assert explorer.message.value == message_html(
            "training diverged at epoch 2: the cost blew up with learning rate 0.3. "
            + app.DIVERGED_ADVICE["no dropout"],
            ERROR_COLOUR,
        )
        assert explorer.result is good_result and explorer.image.value == good_image
    explorer.controls["batch_size"].value = 32
    assert explorer.message.value == "" and explorer.values() == START


def test_the_settings_read_as_words():
    text = app.settings_text(881, 0.5, 1, True, "relu", 881)
    assert text == (
        "1 hidden relu layer of 32 units, with batch normalisation, keep probability 0.5, "
        "all 881 images in one batch"
    )
    assert app.settings_text(32, 1.0, 0, False, "sigmoid", 881) == (
        "No hidden layer, mini-batches of 32"
    )
