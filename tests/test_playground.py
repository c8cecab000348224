"""Tests of the playground (notebook 06): the settings and presets (playground_settings), the
training run (playground), the views (playground_views), then the explorer
(playground_explorer) used as a student and a teacher would use it (setting ``.value``,
clicking the buttons, ticking play)."""

import asyncio
import copy
import json
import re
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import ipywidgets as widgets
import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

import backprop_lib as bp
from backprop_lib import MLP, SGD, Adam, TrainingDiverged, gradcheck
from backprop_lib.display import canvas
from backprop_lib.display.charts import BOUNDARY_MARGIN
from backprop_lib.display.palette import CLASS_COLOURS, THREE_CLASS_COLOURS
from backprop_lib.lessons import playground, playground_settings, playground_sharing
from backprop_lib.lessons import playground_canvas_views as cv
from backprop_lib.lessons import playground_explorer as pe
from backprop_lib.lessons import playground_views as pv
from backprop_lib.lessons.playground import Playground
from backprop_lib.lessons.playground_settings import FEATURES, PRESETS, Settings

# ----- settings and presets ------------------------------------------------------------------

BAD_SETTINGS = [
    ("dataset", "swiss roll"),
    ("activation", "softmax"),
    ("l2_lambda", 0.05),  # not one of the offered strengths
    ("l2_lambda", True),
    ("l1_lambda", 0.2),
    ("thresholded", 1),
    ("l1_lambda", -0.1),
    ("noise", -0.01),
    ("noise", 0.51),
    ("noise", float("nan")),
    ("train_fraction", 0.05),
    ("train_fraction", 0.95),
    ("hidden_layers", -1),
    ("hidden_layers", 7),
    ("hidden_layers", 2.0),  # a float where a whole number is needed
    ("units", 0),
    ("units", 9),
    ("learning_rate", 0.0),
    ("learning_rate", 11.0),
    ("learning_rate", "0.1"),
    ("optimizer", "rmsprop"),  # not on the menu
    ("optimizer", "Adam"),
    ("momentum", 1.0),
    ("momentum", -0.1),
    ("beta1", 0.995),
    ("beta2", 0.95),  # not one of the offered values
    ("beta2", True),
    ("batch_size", 0),
    ("batch_size", playground_settings.N_SAMPLES + 1),
    ("seed", -1),
    ("seed", True),
]


@pytest.mark.parametrize(("name", "value"), BAD_SETTINGS)
def test_settings_reject_a_bad_value_naming_it(name, value):
    with pytest.raises(ValueError, match=name):
        Settings(**{name: value})


@pytest.mark.parametrize("name", sorted(playground_settings.RANGES))
def test_settings_accept_both_ends_of_every_range(name):
    for value in playground_settings.RANGES[name]:
        assert getattr(Settings(**{name: value}), name) == value


def test_from_dict_names_an_unknown_setting_and_keeps_defaults():
    with pytest.raises(ValueError, match="'hidden_units'"):
        Settings.from_dict({"hidden_units": 3})
    with pytest.raises(ValueError, match="JSON object"):
        Settings.from_dict([1, 2])
    assert Settings.from_dict({"units": 7}) == Settings(units=7)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_named_preset_round_trips_through_a_file(tmp_path, name):
    path = tmp_path / f"{name}.json"
    playground_settings.save_preset(path, PRESETS[name])
    assert playground_settings.load_preset(path) == PRESETS[name]
    assert json.loads(path.read_text())["dataset"] == PRESETS[name].dataset


def test_a_hand_written_preset_may_list_only_some_settings(tmp_path):
    path = tmp_path / "lecture.json"
    path.write_text('{"dataset": "xor", "hidden_layers": 0}')
    assert playground_settings.load_preset(path) == Settings(dataset="xor", hidden_layers=0)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{not json", "Expecting property name"),
        ('{"layers": 3}', "unknown setting 'layers'"),
        ('{"units": 80}', "units must be a whole number from 1 to 8"),
        ('["xor"]', "JSON object"),
    ],
)
def test_a_bad_preset_file_is_named_in_the_error(tmp_path, text, reason):
    path = tmp_path / "broken.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=r"broken\.json") as error:
        playground_settings.load_preset(path)
    assert reason in str(error.value)


def test_a_shared_setting_names_what_differs_from_the_defaults_and_reads_back_exactly():
    assert playground_sharing.to_query(Settings()) == ""
    assert playground_sharing.to_query(PRESETS["circle-from-squares"]) == (
        "hidden_layers=0&learning_rate=0.3&features=x1^2,x2^2"
    )
    rng = np.random.default_rng(0)
    drawn = [
        Settings(
            dataset=str(rng.choice(playground_settings.DATASETS)),
            noise=float(rng.uniform(*playground_settings.RANGES["noise"])),
            learning_rate=float(10 ** rng.uniform(-4, 1)),  # a log slider's value
            l1_lambda=float(rng.choice(playground_settings.L1_CHOICES)),
            features=tuple(rng.choice(list(FEATURES), size=3, replace=False)),
            seed=int(rng.integers(10_000)),
            thresholded=bool(rng.integers(2)),
        )
        for _ in range(20)
    ]
    for settings in [*PRESETS.values(), *drawn]:
        query = playground_sharing.to_query(settings)
        assert playground_sharing.from_query(query) == settings
        assert playground_sharing.from_query(f"?{query}") == settings  # as after an address


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("units", "name=value pairs joined by &"),
        ("hidden=2", "unknown setting 'hidden'; valid names are dataset, "),
        ("units=3&units=4", "units is given twice"),
        ("units=2.5", "units must be a whole number; got '2.5'"),
        ("learning_rate=fast", "learning_rate must be a number; got 'fast'"),
        ("units=9", "units must be a whole number from 1 to 8"),
        ("features=", "choose at least one input feature"),
        ("thresholded=yes", "thresholded must be True or False; got 'yes'"),
    ],
)
def test_a_bad_shared_setting_says_what_is_wrong(query, reason):
    with pytest.raises(ValueError, match=re.escape(reason)):
        playground_sharing.from_query(query)


def test_the_xor_preset_fails_without_a_hidden_layer_and_learns_with_one():
    preset = PRESETS["xor-needs-hidden-layer"]
    linear, hidden = Playground(preset), Playground(preset.replace(hidden_layers=1))
    linear.run(300)
    hidden.run(300)
    assert linear.accuracies()[1] < 0.75  # one straight line: at best three quadrants of four
    assert hidden.accuracies()[1] > 0.9


def test_the_overfitting_preset_fits_the_training_set_but_not_the_test_set():
    run = Playground(PRESETS["overfitting"])
    run.run(600)
    assert run.X_train.shape[1] == 20
    assert run.train_costs[-1] < 0.1 * run.train_costs[0]
    assert run.accuracies()[0] == 1.0  # every training point fitted
    assert run.test_costs[-1] > 2 * min(run.test_costs)  # the test cost turned up
    for l2_lambda in (0.1, 1.0):  # the strengths notebook 06 suggests: L2 helps
        regularised = Playground(PRESETS["overfitting"].replace(l2_lambda=l2_lambda))
        regularised.run(600)
        assert regularised.test_costs[-1] < 0.6 * run.test_costs[-1]


def test_the_spiral_preset_learns_the_spirals():
    run = Playground(PRESETS["spiral-deep"])
    run.run(1000)
    assert min(run.accuracies()) > 0.85


def test_the_divergent_preset_diverges_within_a_few_epochs():
    with pytest.raises(TrainingDiverged):
        Playground(PRESETS["divergent-learning-rate"]).run(10)


def test_the_circle_preset_learns_a_circle_without_a_hidden_layer_from_squares():
    preset = PRESETS["circle-from-squares"]
    squares, plain = Playground(preset), Playground(preset.replace(features=("x1", "x2")))
    squares.run(100)
    plain.run(100)
    assert squares.model.layer_sizes == (2, 1)  # logistic regression on x1^2 and x2^2
    # measured: 99 % and 100 %; one straight line in x1, x2: 54 % and 41 %
    assert min(squares.accuracies()) > 0.95
    assert max(plain.accuracies()) < 0.7


# ----- input features ------------------------------------------------------------------------


def test_each_feature_is_its_formula_of_the_points():
    X = np.array([[0.5, -2.0, 3.0], [1.5, 0.25, -1.0]])
    x1, x2 = X
    expected = {
        "x1": x1,
        "x2": x2,
        "x1^2": x1 * x1,
        "x2^2": x2 * x2,
        "x1*x2": x1 * x2,
        "sin(x1)": np.sin(x1),
        "sin(x2)": np.sin(x2),
    }
    assert tuple(expected) == tuple(playground_settings.FEATURES)
    for name, row in expected.items():
        np.testing.assert_array_equal(playground_settings.input_features(X, [name]), [row])
    both = playground_settings.input_features(X, ["sin(x2)", "x1"])
    np.testing.assert_array_equal(both, [np.sin(x2), x1])


def test_settings_keep_the_features_in_the_offered_order_and_refuse_bad_ones():
    assert Settings().features == ("x1", "x2")
    assert Settings(features=["sin(x1)", "x1^2", "x1"]).features == ("x1", "x1^2", "sin(x1)")
    with pytest.raises(ValueError, match="choose at least one input feature among x1, x2"):
        Settings(features=())
    with pytest.raises(ValueError, match="unknown feature 'x3'; the features are x1, x2, "):
        Settings(features=("x1", "x3"))
    with pytest.raises(ValueError, match="features must be a list of names among"):
        Settings(features="x1")


def test_the_network_sees_the_features_and_the_map_goes_through_them():
    run = Playground(Settings(features=("x1^2", "x1*x2", "sin(x2)"), hidden_layers=1))
    assert run.model.layer_sizes == (3, 4, 1)
    for F, X in ((run.F_train, run.X_train), (run.F_test, run.X_test)):
        np.testing.assert_array_equal(F, [X[0] ** 2, X[0] * X[1], np.sin(X[1])])
    run.run(2)
    points = np.array([[0.0, 1.0, -1.5], [2.0, -0.5, 0.5]])
    features = playground_settings.input_features(points, run.settings.features)
    np.testing.assert_array_equal(run.predict_proba(points), run.model.predict_proba(features))
    assert run.accuracies()[0] == run.model.accuracy(run.F_train, run.Y_train)
    assert run.update(run.settings.replace(features=("x1",))).model.layer_sizes == (1, 4, 1)


# ----- the data split and the run ------------------------------------------------------------


def test_split_data_keeps_every_point_once_and_both_parts_non_empty():
    X = np.arange(20.0).reshape(2, 10)
    Y = (np.arange(10.0) % 2).reshape(1, 10)
    for fraction, n_train in [(0.1, 1), (0.5, 5), (0.9, 9), (0.01, 1), (0.99, 9)]:
        X_train, Y_train, X_test, Y_test = playground.split_data(X, Y, fraction)
        assert X_train.shape == (2, n_train)
        assert Y_test.shape == (1, 10 - n_train)
        np.testing.assert_array_equal(np.hstack([X_train, X_test]), X)
        np.testing.assert_array_equal(np.hstack([Y_train, Y_test]), Y)


@pytest.mark.parametrize(
    ("hidden_layers", "units", "sizes"),
    [(0, 5, (2, 1)), (1, 1, (2, 1, 1)), (6, 8, (2, 8, 8, 8, 8, 8, 8, 1))],
)
def test_the_network_has_the_chosen_layers(hidden_layers, units, sizes):
    run = Playground(Settings(hidden_layers=hidden_layers, units=units))
    assert run.model.layer_sizes == sizes
    assert (run.model.output_activation, run.model.loss_name) == ("sigmoid", "cross_entropy")
    assert run.gradient_norms[0].shape == (len(sizes) - 1,)


def test_a_run_needs_settings_not_a_dict():
    with pytest.raises(ValueError, match=r"playground_settings\.Settings"):
        Playground({"dataset": "xor"})


def test_the_split_follows_the_train_fraction():
    run = Playground(Settings(train_fraction=0.9))
    assert run.X_train.shape == (2, 180)  # 0.9 of N_SAMPLES = 200
    assert run.X_test.shape == (2, 20)


def test_history_starts_untrained_and_grows_by_one_per_epoch():
    run = Playground()
    assert run.epochs == [0]
    run.run(3)
    assert run.epoch == 3
    assert run.epochs == [0, 1, 2, 3]
    for history in (run.train_costs, run.test_costs, run.gradient_norms):
        assert len(history) == 4


def test_a_full_history_keeps_every_other_record_and_the_untrained_one(monkeypatch):
    full = Playground()
    full.run(30)  # the same run, recorded in full (MAX_RECORDS is far above 30)
    monkeypatch.setattr(playground, "MAX_RECORDS", 4)
    thinned = Playground()
    for epoch in range(1, 31):
        thinned.run(1)
        assert len(thinned.epochs) <= 4
        assert (thinned.epochs[0], thinned.epochs[-1]) == (0, epoch)
    assert thinned.epochs == sorted(set(thinned.epochs))
    assert len(thinned.epochs) > 2  # thinned, not emptied
    for k, epoch in enumerate(thinned.epochs):  # each kept record is that epoch's own
        assert thinned.train_costs[k] == pytest.approx(full.train_costs[epoch], abs=0)
        assert thinned.test_costs[k] == pytest.approx(full.test_costs[epoch], abs=0)
        np.testing.assert_array_equal(thinned.gradient_norms[k], full.gradient_norms[epoch])


def test_recorded_costs_are_the_cross_entropy_of_each_set():
    run = Playground(Settings(l2_lambda=0.1))  # the L2 term is left out of the recorded costs
    run.run(2)
    for X, Y, recorded in [
        (run.X_train, run.Y_train, run.train_costs[-1]),
        (run.X_test, run.Y_test, run.test_costs[-1]),
    ]:
        a = run.model.predict_proba(X)
        by_hand = -np.mean(Y * np.log(a) + (1 - Y) * np.log(1 - a))
        assert recorded == pytest.approx(by_hand, rel=1e-12)


def test_gradient_norms_match_central_differences():
    run = Playground(Settings(hidden_layers=2, units=3, l2_lambda=0.01))
    run.run(2)
    model = run.model
    for l, recorded in enumerate(run.gradient_norms[-1], start=1):

        def cost_of(W, l=l):
            original = model.weights[l - 1]
            model.weights[l - 1] = W
            try:
                return model.cost(run.X_train, run.Y_train)
            finally:
                model.weights[l - 1] = original

        numerical = gradcheck.numerical_gradient(cost_of, model.weights[l - 1].copy())
        assert recorded == pytest.approx(np.linalg.norm(numerical), rel=1e-6)


def test_training_in_chunks_equals_training_in_one_go():
    settings = Settings(batch_size=7)
    chunked, whole = Playground(settings), Playground(settings)
    chunked.run(2)
    chunked.run(3)
    whole.run(5)
    for W_chunked, W_whole in zip(chunked.model.weights, whole.model.weights, strict=True):
        np.testing.assert_array_equal(W_chunked, W_whole)
    assert chunked.train_costs == whole.train_costs


def test_a_run_is_mlp_fit_with_the_chosen_settings():
    settings = Settings(dataset="moons", hidden_layers=1, units=5, batch_size=30, l2_lambda=0.01)
    run = Playground(settings)
    run.run(4)
    model = MLP([2, 5, 1], hidden_activation="tanh", l2_lambda=0.01, seed=settings.seed)
    model.fit(run.X_train, run.Y_train, settings.learning_rate, 4, batch_size=30)
    np.testing.assert_array_equal(model.weights[0], run.model.weights[0])


@pytest.mark.parametrize("batch_size", [1, 10, 25, 100, playground_settings.N_SAMPLES])
def test_the_batch_size_does_not_change_the_l2_pull(batch_size):
    # Zero inputs: the data term gives dJ/dW^1 = delta^1 (a^0)^T = 0, so only the L2 term moves
    # W^1. Each step multiplies it by (1 - eta lambda / m), m = 100 the training set's size
    # (not the batch's), and an epoch takes m / b steps (b = m for a batch of the whole set).
    settings = Settings(l2_lambda=0.3, learning_rate=0.5, batch_size=batch_size)
    run = Playground(settings)
    run.F_train = np.zeros_like(run.F_train)  # the network's inputs
    W1 = run.model.weights[0].copy()
    run.run(1)
    m = run.F_train.shape[1]
    steps = m // min(batch_size, m)
    shrink = (1 - settings.learning_rate * settings.l2_lambda / m) ** steps
    np.testing.assert_allclose(run.model.weights[0], shrink * W1, rtol=1e-12)


def test_batch_gradients_of_one_epoch_average_to_the_gradient_of_j():
    # Notebook 06's check: the data term from a copy without L2, plus (lambda / m) W^l with m
    # the training set's size, on each batch of one shuffled epoch (7 batches of 14, one of 2).
    run = Playground(Settings(l2_lambda=0.3))
    run.run(2)
    data_model = copy.deepcopy(run.model)
    data_model.l2_lambda = 0.0
    m, b = run.X_train.shape[1], 14

    def estimate(columns, m_l2):
        dWs, _ = data_model.gradients(run.X_train[:, columns], run.Y_train[:, columns])
        weights = run.model.weights
        return [
            dW + bp.l2_gradient(W, run.settings.l2_lambda, m_l2)
            for dW, W in zip(dWs, weights, strict=True)
        ]

    order = np.random.default_rng(3).permutation(m)
    batches = [order[start : start + b] for start in range(0, m, b)]
    full, _ = run.model.gradients(run.X_train, run.Y_train)
    for l, dW in enumerate(full, start=1):
        right = sum(len(i) / m * estimate(i, m)[l - 1] for i in batches)  # size-weighted mean
        np.testing.assert_allclose(right, dW, rtol=1e-10, atol=1e-15)
        one_batch = estimate(batches[0], m)[l - 1]
        assert np.linalg.norm(one_batch - dW) > 0.01 * np.linalg.norm(dW)  # noisy alone
        wrong = sum(len(i) / m * estimate(i, len(i))[l - 1] for i in batches)  # lambda / b
        assert not np.allclose(wrong, dW, rtol=1e-3)


def test_a_batch_larger_than_the_training_set_is_the_whole_set():
    big = Playground(Settings(train_fraction=0.1, batch_size=playground_settings.N_SAMPLES))
    full = Playground(Settings(train_fraction=0.1, batch_size=20))  # 20 training points
    big.run(2)
    full.run(2)
    np.testing.assert_array_equal(big.model.weights[0], full.model.weights[0])


def test_update_goes_on_for_training_settings_and_restarts_for_the_others():
    run = Playground()
    run.run(2)
    same = run.update(run.settings.replace(learning_rate=0.5, l2_lambda=0.3, batch_size=4))
    assert same is run
    assert (run.epoch, run.model.l2_lambda, run.settings.learning_rate) == (2, 0.3, 0.5)
    for name, value in [("noise", 0.2), ("seed", 1), ("units", 2), ("activation", "relu")]:
        new = run.update(run.settings.replace(**{name: value}))
        assert new is not run
        assert new.epoch == 0
        assert getattr(new.settings, name) == value


def test_reset_starts_again_from_the_same_weights():
    run = Playground()
    start = [W.copy() for W in run.model.weights]
    run.run(3)
    again = run.reset()
    assert again.epoch == 0
    for W, W0 in zip(again.model.weights, start, strict=True):
        np.testing.assert_array_equal(W, W0)


def test_divergence_stops_at_the_last_good_epoch_and_can_go_on_slower():
    run = Playground(PRESETS["divergent-learning-rate"])
    with pytest.raises(TrainingDiverged, match="learning rate 10") as diverged:
        run.run(100)
    assert 0 < run.epoch < 100
    # The error says where it blew up and how to go on from the last good epoch.
    assert str(diverged.value) == (
        f"training diverged at epoch {run.epoch + 1}: the cost blew up with learning rate 10. "
        f"Each step overshoots. Lower the learning rate (try 1) to go on from epoch "
        f"{run.epoch}, or reset."
    )
    assert run.epochs[-1] == run.epoch
    assert all(np.all(np.isfinite(W)) for W in run.model.weights)
    replay = Playground(PRESETS["divergent-learning-rate"])
    replay.run(run.epoch)  # the same epochs again: the weights the run was put back to
    np.testing.assert_array_equal(replay.model.weights[0], run.model.weights[0])
    slower = run.update(run.settings.replace(learning_rate=0.1))
    slower.run(5)
    assert slower.epoch == replay.epoch + 5


# ----- the optimizer, and the one road of the training settings ------------------------------


@pytest.mark.parametrize(
    ("changes", "optimizer"),
    [
        ({}, SGD(0.1)),
        ({"optimizer": "momentum", "momentum": 0.5}, SGD(0.1, momentum=0.5)),
        ({"optimizer": "adam", "beta1": 0.8, "beta2": 0.99}, Adam(0.1, beta1=0.8, beta2=0.99)),
    ],
    ids=["sgd", "momentum", "adam"],
)
def test_a_run_is_mlp_fit_with_the_chosen_optimizer(changes, optimizer):
    settings = Settings(dataset="moons", batch_size=16, l2_lambda=0.01, **changes)
    run = Playground(settings)
    run.run(3)
    assert repr(run.optimizer) == repr(optimizer)
    model = MLP([2, 4, 4, 1], hidden_activation="tanh", l2_lambda=0.01, seed=settings.seed)
    model.fit(run.X_train, run.Y_train, epochs=3, batch_size=16, optimizer=optimizer)
    for W, W_run in zip(model.weights, run.model.weights, strict=True):
        np.testing.assert_array_equal(W, W_run)


def test_the_default_optimizer_is_plain_gradient_descent_as_before():
    settings = Settings()
    run = Playground(settings)
    run.run(5)
    model = MLP([2, 4, 4, 1], hidden_activation="tanh", seed=settings.seed)
    model.fit(run.X_train, run.Y_train, settings.learning_rate, 5, settings.batch_size)
    np.testing.assert_array_equal(model.weights[0], run.model.weights[0])


def test_lambda_and_the_learning_rate_take_the_same_road_into_the_next_step():
    # Both go through update() into what the next step uses: lambda into the model's J, the
    # learning rate into the optimizer (which keeps its state): the same as fit calls that
    # change them between epochs.
    settings = Settings(optimizer="adam", learning_rate=0.01, batch_size=25)
    run = Playground(settings)
    run.run(2)
    adam = run.optimizer
    changed = settings.replace(learning_rate=0.003, l2_lambda=0.3)
    assert run.update(changed) is run
    assert run.optimizer is adam and adam.t == 2 * 4  # the state goes on
    assert (run.model.l2_lambda, adam.learning_rate) == (0.3, 0.003)
    run.run(2)
    model = MLP([2, 4, 4, 1], hidden_activation="tanh", seed=settings.seed)
    by_hand = Adam(0.01)
    model.fit(run.X_train, run.Y_train, epochs=2, batch_size=25, optimizer=by_hand)
    model.l2_lambda, by_hand.learning_rate = 0.3, 0.003
    model.fit(run.X_train, run.Y_train, epochs=2, batch_size=25, optimizer=by_hand)
    np.testing.assert_array_equal(model.weights[0], run.model.weights[0])


@pytest.mark.parametrize(
    "changes", [{"optimizer": "adam"}, {"momentum": 0.5}, {"beta1": 0.5}, {"beta2": 0.99}]
)
def test_a_new_optimizer_setting_starts_the_optimizer_afresh(changes):
    run = Playground(Settings(optimizer="momentum"))
    run.run(2)
    before = run.optimizer
    run = run.update(run.settings.replace(**changes))
    assert run.epoch == 2  # the same run goes on...
    assert run.optimizer is not before and run.optimizer.t == 0  # ...with a fresh optimizer


def test_training_with_momentum_in_chunks_equals_training_in_one_go():
    settings = Settings(optimizer="momentum", batch_size=9)
    chunked, whole = Playground(settings), Playground(settings)
    chunked.run(2)
    chunked.run(3)
    whole.run(5)
    np.testing.assert_array_equal(chunked.model.weights[0], whole.model.weights[0])
    assert chunked.train_costs == whole.train_costs


def test_after_divergence_the_optimizer_goes_back_to_the_epoch_before_too():
    settings = Settings(dataset="moons", optimizer="adam", learning_rate=7.0)  # at epoch 22
    run = Playground(settings)
    with pytest.raises(TrainingDiverged, match="learning rate 7") as diverged:
        run.run(300)
    assert diverged.value.epoch == run.epoch + 1
    replay = Playground(settings)
    replay.run(run.epoch)
    assert run.optimizer.t == replay.optimizer.t
    for (m, v, _), (m_replay, v_replay, _) in zip(
        run.optimizer.state, replay.optimizer.state, strict=True
    ):
        np.testing.assert_array_equal(m, m_replay)
        np.testing.assert_array_equal(v, v_replay)
    slower = run.update(run.settings.replace(learning_rate=0.01))
    slower.run(3)
    assert slower.epoch == replay.epoch + 3


def test_the_status_names_the_optimizer_unless_plain():
    plain = Playground()
    assert "· learning rate 0.1, λ 0, batch 10" in pv.status(plain)
    adam = Playground(Settings(optimizer="adam", beta2=0.99))
    assert "· Adam β1 0.9, β2 0.99, learning rate 0.1, λ 0" in pv.status(adam)
    momentum = Playground(Settings(optimizer="momentum", momentum=0.8))
    assert "· momentum 0.8, learning rate 0.1" in pv.status(momentum)
    view = pv.PlaygroundView(four_axes()[1])
    view.show(adam)  # the cost panel's title names the method (the menu changes the figure)
    assert view.costs.ax.get_title() == "Cross-entropy: Adam, lr 0.1, λ 0, batch 10"
    view.show(momentum)
    assert view.costs.ax.get_title() == "Cross-entropy: momentum 0.8, lr 0.1, λ 0, batch 10"


def test_l1_takes_the_same_road_as_l2_and_leaves_most_weights_near_zero():
    run = Playground(PRESETS["overfitting"])
    run.run(2)
    same = run.update(run.settings.replace(l1_lambda=0.1))
    assert same is run and run.epoch == 2  # a training setting: the run goes on
    assert (run.model.l1_lambda, run.model.l2_lambda) == (0.1, 0.0)
    assert "λ 0, λ₁ 0.1, batch 5" in pv.status(run)
    view = pv.PlaygroundView(four_axes()[1])
    view.show(run)
    assert view.costs.ax.get_title() == "Cross-entropy: SGD, lr 0.1, λ 0, λ₁ 0.1, batch 5"
    plain, sparse = Playground(PRESETS["overfitting"]), run.reset()
    for trained in (plain, sparse):
        trained.run(200)
    small = [
        np.mean(np.abs(np.concatenate([W.ravel() for W in trained.model.weights])) < 0.01)
        for trained in (plain, sparse)
    ]
    assert small[0] < 0.05 < 0.3 < small[1]  # measured: 1 % and 44 % of the 152 weights


# ----- the views -----------------------------------------------------------------------------


def test_network_diagram_draws_one_line_per_weight_with_sign_and_size():
    _, axes = four_axes()
    view = pv.PlaygroundView(axes)
    run = Playground(Settings(hidden_layers=1, units=2))
    run.model.weights = [np.array([[1.0, -2.0], [0.0, 4.0]]), np.array([[-4.0, 0.5]])]
    view.show(run)
    edges = view.network.edges
    widths = edges.get_linewidths()
    assert len(edges.get_segments()) == 6  # 2 x 2 + 1 x 2 weights
    np.testing.assert_allclose(widths, pv.MAX_LINE_WIDTH * np.array([1, 2, 0, 4, 4, 0.5]) / 4)
    # By sign: negative weights get WEIGHT_COLOURS[0], the others (zero too) WEIGHT_COLOURS[1],
    # and the two colours differ.
    negative, positive = (to_rgba(c) for c in pv.WEIGHT_COLOURS)
    assert negative != positive
    weights = np.concatenate([W.ravel() for W in run.model.weights])  # in the segments' order
    colours = [tuple(c) for c in edges.get_colors()]
    assert colours == [negative if w < 0 else positive for w in weights]
    assert colours == [positive, negative, positive, positive, negative, positive]
    # W^2[0, 1] joins hidden unit 2 (layer 1, height 0.5) to the output (layer 2, height 0)
    np.testing.assert_allclose(edges.get_segments()[5], [[1, 0.5], [2, 0]])
    negative_name, positive_name = pv.WEIGHT_COLOUR_NAMES
    assert view.network.ax.get_title() == (
        f"Weights: {positive_name} > 0, {negative_name} < 0, width ∝ |w|"
    )


def relative_luminance(colour):
    """WCAG 2's relative luminance of a colour (0 black, 1 white)."""
    channels = np.array(to_rgba(colour)[:3])
    linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def test_weight_colours_mean_only_the_sign_and_differ_in_lightness():
    # Not a class colour (the same figure colours the classes), and a contrast of at least
    # 3 : 1 (WCAG's minimum for parts of a graphic): lightness survives every colour-vision
    # deficiency, where hue may not.
    classes = {to_rgba(c) for c in CLASS_COLOURS}
    negative, positive = (relative_luminance(c) for c in pv.WEIGHT_COLOURS)
    assert not classes & {to_rgba(c) for c in pv.WEIGHT_COLOURS}
    assert (max(negative, positive) + 0.05) / (min(negative, positive) + 0.05) >= 3


def test_the_curves_use_no_colour_that_means_something_else_and_say_what_j_holds():
    _, axes = four_axes()
    view = pv.PlaygroundView(axes)
    run = Playground(Settings(hidden_layers=6, l2_lambda=0.1))
    run.run(1)
    view.show(run)
    taken = {to_rgba(c) for c in (*CLASS_COLOURS, *pv.WEIGHT_COLOURS)}
    lines = [*view.costs.lines, *view.gradients.lines]
    assert not taken & {to_rgba(line.get_color()) for line in lines}
    train, test = view.costs.lines
    assert train.get_linestyle() != test.get_linestyle()  # told apart without colour
    assert len({to_rgba(line.get_color()) for line in view.gradients.lines}) == pv.MAX_LAYERS
    smaller = Playground(Settings(hidden_layers=2))  # 3 layers: the same greens, spread anew
    view.show(smaller)
    shown = [to_rgba(line.get_color()) for line in view.gradients.lines[:3]]
    in_legend = [to_rgba(handle.get_color()) for handle in view.gradients.legend.legend_handles]
    assert shown == in_legend == [tuple(c) for c in pv.layer_colours(3)]
    assert "without the λ term" in view.costs.ax.get_ylabel()  # cross-entropy alone...
    assert "with its λ term" in view.gradients.ax.get_ylabel()  # ...and the gradient of J
    assert view.costs.ax.get_title().startswith(pv.COST_TITLE)


# ----- the explorer, used as a student would -------------------------------------------------


class Clock:
    """A fake clock for the explorer: each reading is ``step`` seconds after the last."""

    def __init__(self, step):
        self.time, self.step = 0.0, step

    def __call__(self):
        self.time += self.step
        return self.time


@pytest.fixture
def slow_clock(monkeypatch):
    """Every reading one second later: each tick trains one epoch (its time is up after it)
    and no tick is stale."""
    monkeypatch.setattr(pe, "_now", Clock(1.0))


def start_again(explorer):
    """Put ``explorer`` back as :func:`pe.playground_explorer` builds it: paused, no preset
    chosen, every control at its default, a new run drawn."""
    explorer.play_button.value = False
    explorer._task = None  # no play task: pressing play starts one (where a loop runs)
    explorer.presets.value = None
    explorer.load(Settings())
    return explorer


@pytest.fixture(scope="module")
def shared_explorer():
    """One explorer for the module's tests, each given it started again (:func:`start_again`,
    checked by test_a_used_explorer_started_again_is_a_new_one): building one draws the whole
    figure, starting it again only what moves."""
    return pe.playground_explorer()


@pytest.fixture
def explorer(slow_clock, shared_explorer):
    return start_again(shared_explorer)


def four_axes():
    """A figure of the playground's size with 2 x 2 axes, for a PlaygroundView."""
    figure = Figure(figsize=pv.FIGURE_SIZE)
    return figure, figure.subplots(2, 2)


PLAYING = SimpleNamespace(done=lambda: False)
"""Stands for a running play task, so that pressing play starts none: :func:`tick` plays the
frames itself. (A test's thread may run an event loop, Playwright's in a worker that also
ran the browser tests, on which pressing play would start one.)"""


def tick(explorer, times=1):
    """Press play and play ``times`` frames, as the play task does (the task itself:
    test_playing_is_a_task_that_the_controls_and_pause_reach_while_it_runs)."""
    explorer._task = PLAYING
    explorer.play_button.value = True
    for _ in range(times):
        if explorer.play_button.value:
            explorer.frame()


def run_alone(coroutine):
    """Run ``coroutine`` on an event loop of its own, in a thread of its own (see
    :data:`PLAYING`); return its result."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def shown(explorer):
    """The last frame sent to the canvas, without its number."""
    return {key: value for key, value in explorer.canvas.frame.items() if key != "id"}


DOM_HOOKS = {
    "bp-learning-rate": lambda e: e.controls["learning_rate"],
    "bp-play": lambda e: e.play_button,
    "bp-step": lambda e: e.step,
    "bp-reset": lambda e: e.reset,
    "bp-figure": lambda e: e.canvas,
    "bp-epoch": lambda e: e.epoch,
    "bp-message": lambda e: e.message,
}


def test_a_used_explorer_started_again_is_a_new_one(slow_clock, shared_explorer):
    used = shared_explorer
    used.presets.value = "spiral-deep"  # another network, drawn
    tick(used, 2)
    used.presets.value = "divergent-learning-rate"
    used.controls["optimizer"].value = "adam"  # enables beta1 and beta2, disables momentum
    tick(used, 3)  # diverges: a message, paused
    assert "diverged" in used.message.value
    used.play_button.value = True
    start_again(used)
    new = pe.playground_explorer()
    assert used.settings() == new.settings() == Settings()
    assert used.presets.value is new.presets.value is None
    assert (used.play_button.value, used.play_button.description) == (False, "play")
    assert [c.disabled for c in used.controls.values()] == [
        c.disabled for c in new.controls.values()
    ]
    assert used.session.epoch == 0
    for W, W_new in zip(used.session.model.weights, new.session.model.weights, strict=True):
        np.testing.assert_array_equal(W, W_new)
    assert (used.epoch.value, used.message.value) == (new.epoch.value, new.message.value)
    assert shown(used) == shown(new)
    assert used.canvas.label == new.canvas.label


def test_there_is_one_control_per_setting_but_the_drawn_points(explorer):
    fields = set(Settings().as_dict()) - {"points"}  # clicks on the map set those
    assert set(pe.CONTROL_NAMES) == fields
    assert set(explorer.controls) == fields


def click(explorer, x1, x2):
    """As when the reader clicks on the map at (x1, x2) (canvas.js sends that)."""
    explorer.canvas._on_message(explorer.canvas, {"click": [x1, x2]}, [])


def test_a_click_on_the_map_adds_a_point_of_the_chosen_class_and_clear_removes_them(explorer):
    explorer.brush.value = 0
    click(explorer, 0.123456, -1.5)
    explorer.brush.value = 1
    click(explorer, 1.2, 1.3)
    settings = explorer.session.settings
    assert settings.dataset == explorer.controls["dataset"].value == "drawn"
    assert settings.points == ((0.12, -1.5, 0), (1.2, 1.3, 1))  # a hundredth is kept
    assert explorer.session.epoch == 0  # a new run on the new data
    X = np.hstack([explorer.session.X_train, explorer.session.X_test])
    Y = np.hstack([explorer.session.Y_train, explorer.session.Y_test])
    drawn = [*playground_settings.DRAWN_START, *settings.points]
    assert sorted(zip(X[0], X[1], Y[0], strict=True)) == sorted(drawn)
    assert explorer.share.value == "dataset=drawn&points=0.12,-1.5,0;1.2,1.3,1"
    shared = pe.playground_explorer(share=explorer.share.value)
    assert shared.session.settings == settings  # the shared setting restores the points
    points = np.frombuffer(explorer.canvas.still["panels"][0]["points"], np.float32)
    assert points.size == 4 * len(drawn)  # the map shows them
    tick(explorer, 2)
    explorer.clear.click()
    assert explorer.session.settings.points == () and explorer.session.epoch == 0
    assert explorer.session.settings.dataset == "drawn"  # its two starting points


def test_a_click_too_far_out_says_why_and_changes_nothing(explorer):
    before = explorer.session
    click(explorer, 50.0, 0.0)
    assert explorer.session is before
    assert "The point could not be added: points must be" in explorer.message.value
    assert "between -3 and 3" in explorer.message.value


def test_ticking_a_feature_starts_a_run_with_that_input(explorer):
    features = explorer.controls["features"]
    assert features.value == ("x1", "x2")
    assert [box.description for box in features.boxes.values()] == list(FEATURES)
    explorer.step.click()
    features.boxes["x1^2"].value = True
    assert explorer.session.settings.features == ("x1", "x2", "x1^2")
    assert (explorer.session.model.layer_sizes[0], explorer.session.epoch) == (3, 0)
    assert explorer.epoch.value.endswith("features x1, x2, x1^2")
    assert explorer.canvas.still["panels"][1]["inputs"] == ["x1", "x2", "x1^2"]


def test_unticking_the_last_feature_says_to_tick_one_and_keeps_the_run(explorer):
    boxes = explorer.controls["features"].boxes
    boxes["x1"].value = False  # a run on x2 alone
    explorer.step.click()
    kept = explorer.session
    boxes["x2"].value = False
    assert explorer.session is kept and kept.epoch == 1
    assert "choose at least one input feature among x1, x2" in explorer.message.value
    boxes["sin(x1)"].value = True
    assert explorer.message.value == ""
    assert explorer.session.settings.features == ("sin(x1)",)


def test_a_preset_ticks_its_features(explorer):
    explorer.presets.value = "circle-from-squares"
    boxes = explorer.controls["features"].boxes
    assert [name for name, box in boxes.items() if box.value] == ["x1^2", "x2^2"]
    assert explorer.settings() == explorer.session.settings == PRESETS["circle-from-squares"]


def test_the_share_box_shows_the_run_and_loads_what_is_typed_in(explorer):
    assert explorer.share.value == ""  # the defaults
    explorer.controls["units"].value = 6
    assert explorer.share.value == "units=6"
    explorer.share.value = "dataset=xor&hidden_layers=0"
    assert (
        explorer.settings() == explorer.session.settings == Settings(dataset="xor", hidden_layers=0)
    )
    assert explorer.share.value == "dataset=xor&hidden_layers=0" and explorer.message.value == ""
    kept = explorer.session
    explorer.share.value = "hidden_layers=9"
    assert explorer.session is kept
    assert "The shared setting could not be read: hidden_layers must be" in explorer.message.value


def test_an_explorer_starts_from_a_shared_setting_or_says_why_not(slow_clock):
    shared = pe.playground_explorer(share="?dataset=moons&features=x1,x1*x2")
    assert shared.session.settings == Settings(dataset="moons", features=("x1", "x1*x2"))
    assert shared.share.value == "dataset=moons&features=x1,x1*x2"
    themed = pe.playground_explorer(share="theme=dark&units=5")  # Voila's own argument
    assert themed.session.settings == Settings(units=5) and themed.message.value == ""
    only_voila = pe.playground_explorer(Settings(units=3), share="?theme=dark")
    assert only_voila.session.settings == Settings(units=3)  # no setting named: none shared
    with pytest.raises(ValueError, match="unknown setting 'theme'"):
        playground_sharing.from_query("theme=dark")  # the share box takes settings only
    broken = pe.playground_explorer(Settings(units=3), share="dataset=swiss")
    assert broken.session.settings == Settings(units=3)
    assert "The shared setting could not be read (dataset must be one of" in broken.message.value
    assert broken.share not in shown_widgets(pe.playground_explorer(hide=("share",)).widget)


def test_the_map_shows_the_predicted_class_on_request_and_says_so(explorer):
    explorer.step.click()
    run = explorer.session
    probabilities = np.frombuffer(explorer.canvas.frame["map"], np.uint8) / 255
    explorer.controls["thresholded"].value = True
    assert explorer.session is run and run.epoch == 1  # a display choice: the run goes on
    classes = np.frombuffer(explorer.canvas.frame["map"], np.uint8)
    np.testing.assert_array_equal(classes, 255 * (probabilities >= 0.5))
    assert explorer.canvas.frame["titles"][0].startswith("Predicted class")
    assert "over the class the model predicts" in explorer.canvas.label
    assert explorer.share.value == "thresholded=True"
    explorer.controls["thresholded"].value = False
    again = np.frombuffer(explorer.canvas.frame["map"], np.uint8) / 255
    np.testing.assert_array_equal(again, probabilities)
    assert "probability of class 1, shaded" in explorer.canvas.label


def test_the_browser_tests_hooks_are_on_the_right_widgets(explorer):
    for name, widget_of in DOM_HOOKS.items():
        assert name in widget_of(explorer)._dom_classes


def test_the_explorer_starts_untrained_and_drawn(slow_clock):
    explorer = pe.playground_explorer()
    assert explorer.session.epoch == 0
    assert explorer.canvas.frame["id"] == explorer.canvas.sent == 1
    assert explorer.canvas.still["panels"][0]["kind"] == "map"
    assert "epoch 0 " in explorer.epoch.value
    assert explorer.message.value == ""
    assert explorer.settings() == Settings()


def test_step_trains_one_epoch_and_redraws(explorer):
    before = shown(explorer)
    weights = [W.copy() for W in explorer.session.model.weights]
    explorer.step.click()
    assert explorer.session.epoch == 1
    assert "epoch 1 " in explorer.epoch.value
    assert not np.array_equal(explorer.session.model.weights[0], weights[0])
    assert shown(explorer) != before


def test_play_ticks_train_and_redraw(explorer):
    tick(explorer, 3)
    assert explorer.session.epoch == 3  # the slow clock: one epoch a tick
    first = shown(explorer)
    tick(explorer, 2)
    assert explorer.session.epoch == 5
    assert shown(explorer) != first


def test_a_fast_frame_trains_at_most_the_epochs_of_a_frame(monkeypatch, explorer):
    monkeypatch.setattr(pe, "_now", Clock(0.0))  # no time passes: only the epoch cap stops
    tick(explorer)
    assert explorer.session.epoch == pe.EPOCHS_PER_FRAME


def test_a_frame_holds_the_models_map_weights_costs_and_gradient_norms(explorer):
    for change in [
        lambda: tick(explorer, 3),
        lambda: setattr(explorer.controls["dataset"], "value", "moons"),
        lambda: setattr(explorer.controls["hidden_layers"], "value", 3),
        lambda: setattr(explorer.controls["features"], "value", ("x1", "x2", "sin(x1)")),
    ]:
        change()
        session, frame, still = explorer.session, explorer.canvas.frame, explorer.canvas.still
        X = np.hstack([session.X_train, session.X_test])
        low, high = X.min(axis=1) - BOUNDARY_MARGIN, X.max(axis=1) + BOUNDARY_MARGIN
        assert still["panels"][0]["extent"] == pytest.approx([low[0], high[0], low[1], high[1]])
        n = still["panels"][0]["grid"]
        u, v = np.linspace(low[0], high[0], n), np.linspace(low[1], high[1], n)
        k = 7  # a grid point: row 7 (x2 = v[7]), column 7 + n // 2
        point = np.array([[u[k + n // 2]], [v[k]]])
        probability = session.predict_proba(point).item()
        assert np.frombuffer(frame["map"], np.uint8)[k * n + k + n // 2] == round(255 * probability)
        weights = np.frombuffer(frame["weights"], np.float32)
        np.testing.assert_allclose(weights[:2], session.model.weights[0][0, :2], rtol=1e-6)
        assert weights.size == sum(W.size for W in session.model.weights)
        costs = np.frombuffer(frame["costs"]["values"], np.float32).reshape(2, -1)
        np.testing.assert_allclose(
            costs[:, -1], [session.train_costs[-1], session.test_costs[-1]], rtol=1e-6
        )
        norms = np.frombuffer(frame["norms"]["values"], np.float32).reshape(
            len(session.model.weights), -1
        )
        np.testing.assert_allclose(norms[:, -1], session.gradient_norms[-1], rtol=1e-6)
        assert frame["caption"] == pv.status(session)


def test_a_long_runs_curves_show_evenly_spread_records_from_the_first_to_the_last(explorer):
    tick(explorer)
    explorer.session.run(cv.CURVE_POINTS + 99)
    explorer.step.click()
    session, frame = explorer.session, explorer.canvas.frame
    epochs = np.frombuffer(frame["costs"]["epochs"], np.float32)
    assert len(epochs) == cv.CURVE_POINTS < len(session.epochs)
    assert (epochs[0], epochs[-1]) == (0, session.epoch)
    assert np.all(np.diff(epochs) > 0) and np.diff(epochs).max() <= 2  # no gap of 3 records
    costs = np.frombuffer(frame["costs"]["values"], np.float32).reshape(2, -1)
    record = {epoch: cost for epoch, cost in zip(session.epochs, session.train_costs, strict=True)}
    np.testing.assert_allclose(costs[0], [record[e] for e in epochs], rtol=1e-6)


def test_each_hidden_units_map_is_its_output_over_the_plane(explorer):
    explorer.controls["activation"].value = "tanh"
    explorer.controls["features"].value = FEATURES_SHOWN
    explorer.controls["hidden_layers"].value = 3
    tick(explorer, 3)
    session, frame, still = explorer.session, explorer.canvas.frame, explorer.canvas.still
    n, g = still["panels"][0]["grid"], still["panels"][1]["unit_grid"]
    maps = np.frombuffer(frame["units"], np.uint8).reshape(-1, g, g)
    assert maps.shape[0] == 3 * session.settings.units
    x0, x1, y0, y1 = still["panels"][0]["extent"]
    shown = np.round(np.linspace(0, n - 1, g)).astype(int)  # every few rows of the big map
    u, v = np.linspace(x0, x1, n)[shown], np.linspace(y0, y1, n)[shown]
    row, column = 3, 15
    a = playground_settings.input_features(np.array([[u[column]], [v[row]]]), FEATURES_SHOWN)
    outputs = []
    for W, b in zip(session.model.weights[:-1], session.model.biases[:-1], strict=True):
        a = np.tanh(W @ a + b)  # each hidden layer in turn
        outputs.extend(a[:, 0])
    expected = np.round(127.5 * (np.clip(outputs, -1, 1) + 1))
    np.testing.assert_array_equal(maps[:, row, column], expected)
    assert maps.min() < 100 and maps.max() > 156  # outputs of both signs


FEATURES_SHOWN = ("x1", "x2", "x1*x2")


def test_three_spirals_are_three_classes_of_a_softmax_whose_gradients_check():
    run = Playground(Settings(dataset="spirals-3", noise=0.05))  # 2 layers of 4 tanh units
    labels = np.hstack([run.labels_train, run.labels_test]).ravel()
    assert np.bincount(labels.astype(int)).tolist() == [67, 67, 66]  # N = 200 over 3 arms
    assert run.model.layer_sizes[-1] == 3 and run.Y_train.shape == (3, run.X_train.shape[1])
    np.testing.assert_array_equal(run.Y_train.argmax(axis=0), run.labels_train[0])
    assert run.predict_proba(run.X_test).sum(axis=0) == pytest.approx(1.0)  # a softmax
    # Central differences confirm 1e-7 only where no gradient entry is so small that round-off
    # dominates it (tests/conftest.py): here the smallest is above 1e-4.
    dWs, dbs = run.model.gradients(run.F_train, run.Y_train)
    assert min(np.abs(g).min() for g in dWs + dbs) > 1e-4
    errors = gradcheck.check_network_gradients(run.model, run.F_train, run.Y_train)
    assert max(errors) < 1e-7, errors
    run.run(30)
    assert run.train_costs[-1] < run.train_costs[0]


def test_a_three_class_map_shows_the_predicted_class_and_how_sure(explorer):
    explorer.controls["dataset"].value = "spirals-3"
    tick(explorer, 3)
    session, frame, still = explorer.session, explorer.canvas.frame, explorer.canvas.still
    n = still["panels"][0]["grid"]
    x0, x1, y0, y1 = still["panels"][0]["extent"]
    row, column = 11, 60
    point = np.array([[np.linspace(x0, x1, n)[column]], [np.linspace(y0, y1, n)[row]]])
    p = session.predict_proba(point)[:, 0]
    byte = np.frombuffer(frame["map"], np.uint8)[row * n + column]
    sure = round((cv.LEVELS - 1) * (p.max() - 1 / 3) / (2 / 3))
    assert byte == cv.LEVELS * p.argmax() + sure
    lut = np.frombuffer(still["panels"][0]["lut"], np.uint8).reshape(256, 4)
    assert lut[0].tolist() == [255, 255, 255, 255]  # class 0, as unsure as can be: white
    assert still["panels"][0]["colours"] == list(THREE_CLASS_COLOURS)
    classes = np.frombuffer(still["panels"][0]["points"], np.float32).reshape(4, -1)[2]
    assert set(classes.tolist()) == {0.0, 1.0, 2.0}
    assert frame["titles"][0].startswith("Predicted class (● 0, ▲ 1, ■ 2)")
    assert "class 2 as black squares" in explorer.canvas.label
    explorer.controls["thresholded"].value = True  # the sure end of each class
    shown = np.frombuffer(explorer.canvas.frame["map"], np.uint8)
    assert set((shown % cv.LEVELS).tolist()) == {cv.LEVELS - 1}


def test_playing_is_a_task_that_the_controls_and_pause_reach_while_it_runs(explorer):
    async def play_a_while():
        explorer.play_button.value = True  # starts the task on this event loop
        await asyncio.sleep(0.2)
        explorer.controls["learning_rate"].value = 0.5  # handled between two frames
        await asyncio.sleep(0.2)
        epoch = explorer.session.epoch
        explorer.play_button.value = False
        await asyncio.wait_for(explorer._task, 1.0)  # pausing ends it
        return epoch

    epoch = run_alone(play_a_while())
    assert epoch > 2 and explorer.canvas.sent > 2
    assert explorer.session.settings.learning_rate == 0.5
    assert explorer.play_button.description == "play"


def test_while_playing_the_text_alternative_changes_at_a_calm_rate(monkeypatch, explorer):
    now = [0.0]
    monkeypatch.setattr(pe, "_now", lambda: now[0])  # no time passes until the test says so
    explorer.step.click()  # paused: the epoch line and the text alternative follow at once
    assert "Now: epoch 1 " in explorer.canvas.label and "epoch 1 " in explorer.epoch.value
    tick(explorer, 3)
    assert explorer.session.epoch == 1 + 3 * pe.EPOCHS_PER_FRAME
    assert explorer.canvas.frame["caption"].startswith(f"epoch {explorer.session.epoch} ")
    assert "Now: epoch 1 " in explorer.canvas.label and "epoch 1 " in explorer.epoch.value
    now[0] = pe.LABEL_SECONDS
    tick(explorer)
    said = f"epoch {explorer.session.epoch} "
    assert f"Now: {said}" in explorer.canvas.label and said in explorer.epoch.value
    tick(explorer)
    explorer.play_button.value = False  # pausing brings the text up to the last frame
    said = f"epoch {explorer.session.epoch} "
    assert f"Now: {said}" in explorer.canvas.label and said in explorer.epoch.value


def drawn_by_a_browser(explorer):
    """As when a browser has drawn every frame ``explorer`` sent so far (and answered)."""
    explorer.canvas._on_message(explorer.canvas, {"drawn": explorer.canvas.sent}, [])


def test_while_the_browser_has_frames_to_draw_playing_waits(slow_clock):
    explorer = pe.playground_explorer()  # its own: its canvas is told of a browser
    drawn_by_a_browser(explorer)
    explorer.canvas.sent += canvas.MAX_IN_FLIGHT  # as if this many were on their way
    epoch = explorer.session.epoch

    async def play_a_while():
        explorer.play_button.value = True
        await asyncio.sleep(0.1)
        explorer.play_button.value = False
        await explorer._task

    run_alone(play_a_while())
    assert explorer.session.epoch == epoch  # no training, no frame
    drawn_by_a_browser(explorer)
    assert explorer.canvas.ready()


def test_the_text_around_the_canvas_changes_once_the_browser_drew_the_frame(slow_clock):
    explorer = pe.playground_explorer()  # its own: its canvas is told of a browser
    drawn_by_a_browser(explorer)
    explorer.controls["learning_rate"].value = 0.5
    assert "learning rate 0.5" in explorer.canvas.frame["caption"]  # the frame is on its way
    assert "learning rate 0.5" not in explorer.epoch.value  # the text waits for it
    assert "learning_rate" not in explorer.share.value
    drawn_by_a_browser(explorer)
    assert "learning rate 0.5" in explorer.epoch.value
    assert "learning rate 0.5" in explorer.canvas.label
    assert explorer.share.value == "learning_rate=0.5"


def test_reset_goes_back_to_the_seeded_start(explorer):
    start = shown(explorer)
    weights = explorer.session.model.weights[0].copy()
    tick(explorer, 4)
    explorer.reset.click()
    assert explorer.session.epoch == 0
    np.testing.assert_array_equal(explorer.session.model.weights[0], weights)
    assert shown(explorer) == start


EXTREMES = [
    *[(name, value) for name, bounds in playground_settings.RANGES.items() for value in bounds],
    ("l2_lambda", playground_settings.L2_CHOICES[0]),
    ("l2_lambda", playground_settings.L2_CHOICES[-1]),
    *[("dataset", name) for name in playground_settings.DATASETS],
    *[("activation", name) for name in bp.ACTIVATIONS],
    *[("optimizer", name) for name in playground_settings.OPTIMIZERS],
    *[("beta2", value) for value in playground_settings.BETA2_CHOICES],
]


@pytest.mark.parametrize(("name", "value"), EXTREMES)
def test_every_control_works_at_its_extremes(explorer, name, value):
    control = explorer.controls[name]
    if hasattr(control, "min") and name != "learning_rate":  # log slider: min is an exponent
        assert (control.min, control.max) == playground_settings.RANGES[name]
    control.value = value
    assert getattr(explorer.session.settings, name) == pytest.approx(value)
    assert explorer.message.value == ""
    before = shown(explorer)
    weights = [W.copy() for W in explorer.session.model.weights]
    epoch = explorer.session.epoch
    explorer.step.click()
    tick(explorer, 2)
    assert explorer.session.epoch == epoch + 3 or "diverged" in explorer.message.value
    changed = [
        not np.array_equal(W, W0)
        for W, W0 in zip(explorer.session.model.weights, weights, strict=True)
    ]
    assert any(changed) or "diverged" in explorer.message.value
    assert shown(explorer) != before


def test_every_control_has_a_label_a_screen_reader_reads(explorer):
    for name, control in explorer.controls.items():
        assert control.description.strip(), name


def test_the_optimizer_menu_trains_with_the_chosen_optimizer_and_enables_its_settings(explorer):
    menu = explorer.controls["optimizer"]
    assert [label for label, _ in menu.options] == ["SGD", "momentum", "Adam"]
    assert menu.value == "sgd"
    disabled = {name for name in ("momentum", "beta1", "beta2") if explorer.controls[name].disabled}
    assert disabled == {"momentum", "beta1", "beta2"}  # plain gradient descent uses none
    explorer.step.click()
    menu.value = "adam"
    assert explorer.session.epoch == 1  # the run goes on, with Adam from the next step
    assert isinstance(explorer.session.optimizer, Adam)
    assert not explorer.controls["beta1"].disabled and explorer.controls["momentum"].disabled
    assert "Adam β1 0.9, β2 0.999" in explorer.epoch.value
    explorer.controls["beta2"].value = 0.99
    assert explorer.session.optimizer.beta2 == 0.99
    explorer.step.click()
    assert (explorer.session.epoch, explorer.session.optimizer.t) == (2, 10)
    menu.value = "momentum"
    assert explorer.session.optimizer.momentum == explorer.controls["momentum"].value == 0.9
    assert not explorer.controls["momentum"].disabled and explorer.controls["beta2"].disabled
    explorer.reset.click()  # a new run keeps the menu's choice
    assert explorer.session.settings.optimizer == "momentum"


def test_the_learning_rate_slider_spans_its_range_on_a_log_scale(explorer):
    control = explorer.controls["learning_rate"]
    low, high = playground_settings.RANGES["learning_rate"]
    assert (10**control.min, 10**control.max) == pytest.approx((low, high))
    assert control.continuous_update is False


def test_a_new_network_starts_again_and_a_new_learning_rate_goes_on(explorer):
    tick(explorer, 3)
    before = shown(explorer)
    explorer.controls["learning_rate"].value = 0.5
    assert explorer.session.epoch == 3
    assert "learning rate 0.5" in explorer.epoch.value
    assert "lr 0.5" in explorer.canvas.frame["titles"][2]
    assert shown(explorer) != before  # the figure shows the training settings
    before = shown(explorer)
    explorer.controls["hidden_layers"].value = 4
    assert explorer.session.epoch == 0
    assert explorer.session.model.layer_sizes == (2, 4, 4, 4, 4, 1)
    assert shown(explorer) != before


def test_the_play_button_says_what_it_will_do(explorer):
    assert (explorer.play_button.description, explorer.play_button.icon) == ("play", "play")
    explorer._task = PLAYING
    explorer.play_button.value = True
    assert (explorer.play_button.description, explorer.play_button.icon) == ("pause", "pause")
    explorer.play_button.value = False
    assert explorer.play_button.description == "play"


def test_a_divergent_learning_rate_pauses_and_says_what_to_do(explorer):
    explorer.controls["dataset"].value = "xor"
    explorer.controls["learning_rate"].value = 10.0
    tick(explorer, 20)
    assert explorer.play_button.value is False
    assert explorer.play_button.description == "play"
    assert "diverged" in explorer.message.value
    assert "Lower the learning rate" in explorer.message.value
    stopped_at = explorer.session.epoch
    assert f"training diverged at epoch {stopped_at + 1}" in explorer.message.value
    assert f"(try 1) to go on from epoch {stopped_at}, or reset." in explorer.message.value
    assert all(np.all(np.isfinite(W)) for W in explorer.session.model.weights)
    explorer.controls["learning_rate"].value = 0.1
    explorer.step.click()
    assert explorer.session.epoch == stopped_at + 1
    assert explorer.message.value == ""


def test_an_unexpected_error_becomes_a_message_and_pauses(monkeypatch, explorer):
    def broken(epochs=1):
        raise RuntimeError("something broke")

    monkeypatch.setattr(explorer.session, "run", broken)
    tick(explorer)
    assert "something broke" in explorer.message.value
    assert explorer.play_button.value is False
    explorer.reset.click()  # a new run: works again
    explorer.step.click()
    assert (explorer.session.epoch, explorer.message.value) == (1, "")


def test_choosing_a_named_preset_sets_the_controls_and_starts_again(explorer):
    tick(explorer, 2)
    explorer.presets.value = "xor-needs-hidden-layer"
    assert explorer.settings() == PRESETS["xor-needs-hidden-layer"]
    assert explorer.controls["hidden_layers"].value == 0
    assert explorer.session.epoch == 0
    assert explorer.session.model.layer_sizes == (2, 1)


def test_a_teacher_saves_and_loads_the_controls(tmp_path, explorer):
    explorer.controls["dataset"].value = "spirals"
    explorer.controls["l2_lambda"].value = 0.03
    path = tmp_path / "lecture.json"
    playground_settings.save_preset(path, explorer.settings())
    other = pe.playground_explorer(playground_settings.load_preset(path))
    assert other.settings() == explorer.settings()
    assert other.session.X_train.shape == explorer.session.X_train.shape


def shown_widgets(widget):
    children = getattr(widget, "children", ())
    return [widget, *(w for child in children for w in shown_widgets(child))]


def test_hidden_controls_are_not_shown_but_keep_their_setting(slow_clock):
    settings = Settings(batch_size=25, l2_lambda=0.1)
    explorer = pe.playground_explorer(settings, hide=("l2_lambda", "batch_size", "presets"))
    shown = shown_widgets(explorer.widget)
    assert explorer.controls["l2_lambda"] not in shown
    assert explorer.controls["batch_size"] not in shown
    assert explorer.presets not in shown
    assert explorer.controls["learning_rate"] in shown
    assert explorer.session.settings == settings


def test_show_lists_the_only_controls_shown(slow_clock):
    explorer = pe.playground_explorer(show=("learning_rate", "hidden_layers"))
    shown = shown_widgets(explorer.widget)
    visible = [name for name, control in explorer.controls.items() if control in shown]
    assert sorted(visible) == ["hidden_layers", "learning_rate"]
    assert explorer.presets not in shown
    assert {explorer.play_button, explorer.step, explorer.reset, explorer.canvas} <= set(shown)
    boxes = [w for w in shown if isinstance(w, widgets.HBox)]
    assert all(box.children for box in boxes)  # no empty rows for the hidden groups


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"hide": ("lr",)}, "unknown control 'lr'"),
        ({"show": ("depth",)}, "unknown control 'depth'"),
        ({"hide": ("l2_lambda",), "show": ("seed",)}, "either hide or show"),
    ],
)
def test_bad_control_names_are_refused(kwargs, reason):
    with pytest.raises(ValueError, match=reason):
        pe.playground_explorer(**kwargs)
