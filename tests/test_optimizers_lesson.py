"""Tests of notebook 09's lesson and explorers (backprop_lib.lessons.optimizers_lesson and
optimizers_views): the surfaces' gradients, the 2 / lambda_max limit of plain descent, the
momentum forms, the paths, the digit runs and both explorers at the ends of their controls."""

from pathlib import Path

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib import data
from backprop_lib.display.explorer import ERROR_COLOUR
from backprop_lib.lessons import optimizers_lesson as lesson
from backprop_lib.lessons import optimizers_views as views
from tests.explorer_checks import PNG_SIGNATURE

DATA = Path(data.COURSE_DATA)


@pytest.mark.parametrize("name", list(lesson.SURFACES))
def test_each_surfaces_gradient_matches_central_differences(name):
    surface = lesson.SURFACES[name]
    rng = np.random.default_rng(0)
    for w in rng.uniform(-2, 2, size=(5, 2)):
        numerical = [
            (surface.cost(*(w + step)) - surface.cost(*(w - step))) / 2e-6
            for step in 1e-6 * np.eye(2)
        ]
        np.testing.assert_allclose(surface.gradient(w), numerical, rtol=1e-6, atol=1e-6)
    assert surface.cost(*surface.minimum) == 0.0
    np.testing.assert_array_equal(surface.gradient(np.array(surface.minimum)), [0.0, 0.0])


@pytest.mark.parametrize("curvatures", [(1.0, 20.0), (0.5, 3.0), (2.0, 2.0)])
def test_plain_descent_converges_just_below_2_over_lambda_max_and_not_above(
    curvatures, monkeypatch
):
    monkeypatch.setattr(lesson, "BOWL_CURVATURES", curvatures)
    bowl = lesson.SURFACES["narrow bowl"]
    limit = lesson.stable_rate_limit(curvatures)
    assert limit == 2 / max(curvatures)
    start = np.linalg.norm(bowl.start)
    below = lesson.descend(bowl, bp.SGD(0.99 * limit), 400)
    above = lesson.descend(bowl, bp.SGD(1.01 * limit), 400)
    assert np.linalg.norm(below[-1]) < 0.1 * start
    assert np.linalg.norm(above[-1]) > 10 * start


def test_a_diverging_path_stops_where_it_leaves_and_stays_finite():
    bowl = lesson.SURFACES["narrow bowl"]
    path = lesson.descend(bowl, bp.SGD(1.0), 500)
    assert 2 <= len(path) < 501
    assert np.all(np.abs(path) < lesson.ESCAPED)
    with pytest.raises(ValueError, match="steps"):
        lesson.descend(bowl, bp.SGD(0.01), 0)


def test_momentum_as_an_exponential_average_is_momentum_with_a_rescaled_rate():
    bowl, mu, eta = lesson.SURFACES["narrow bowl"], 0.8, 0.02
    heavy = lesson.descend(bowl, bp.SGD(eta, momentum=mu), 50)
    w, v, averaged = np.array(bowl.start), np.zeros(2), [np.array(bowl.start)]
    for _ in range(50):
        v = mu * v + (1 - mu) * bowl.gradient(w)
        w = w - eta / (1 - mu) * v
        averaged.append(w)
    np.testing.assert_allclose(heavy, averaged, rtol=0, atol=1e-12)


def test_momentum_and_adam_beat_plain_descent_in_the_curved_valley():
    valley = lesson.SURFACES["curved valley"]
    final = {
        method: valley.cost(*lesson.descend(valley, lesson.make_optimizer(method, rate), 300)[-1])
        for method, rate in [("gradient descent", 0.01), ("momentum", 0.01), ("Adam", 0.1)]
    }
    assert final["momentum"] < 1e-6 and final["Adam"] < 1e-6 < final["gradient descent"]


def test_make_optimizer_builds_each_method_and_names_the_choices():
    assert isinstance(lesson.make_optimizer("gradient descent", 0.1), bp.SGD)
    momentum = lesson.make_optimizer("momentum", 0.1, momentum=0.5)
    assert momentum.momentum == 0.5
    assert lesson.make_optimizer("RMSProp", 0.1, beta2=0.9).decay == 0.9
    adam = lesson.make_optimizer("Adam", 0.1, beta1=0.8, beta2=0.99)
    assert (adam.beta1, adam.beta2) == (0.8, 0.99)
    with pytest.raises(ValueError, match="method must be one of"):
        lesson.make_optimizer("adagrad", 0.1)


@pytest.fixture(scope="module")
def digits():
    return data.load_image_dataset(DATA / "digits_train.h5", DATA / "digits_test.h5")


def test_digit_runs_start_every_method_from_the_same_weights(digits):
    X, Y, *_ = digits
    settings = {"hidden_layers": 1, "units": 4, "epochs": 5, "seed": 3}
    methods = {
        "gradient descent": {"method": "gradient descent", "learning_rate": 0.1},
        "Adam": {"method": "Adam", "learning_rate": 0.001},
    }
    runs = lesson.digit_runs(X, Y, settings, methods, split_seed=1, curve_points=0)
    assert runs["gradient descent"].costs[0] == runs["Adam"].costs[0]  # before any step
    assert runs["gradient descent"].costs[-1] != runs["Adam"].costs[-1]


PATH_EXTREMES = {
    "surface": list(lesson.SURFACES),
    "method": list(lesson.METHODS),
    "learning_rate": (1e-3, 1.0),
    "momentum": (0.0, 0.99),
    "beta1": (0.0, 0.99),
    "beta2": (0.5, 0.999),
    "steps": (10, 500),
}


@pytest.fixture(scope="module")
def paths_explorer():
    return views.paths_explorer()


@pytest.mark.parametrize(
    ("name", "value"), [(name, value) for name, values in PATH_EXTREMES.items() for value in values]
)
def test_the_paths_explorer_redraws_at_each_end_of_each_control(paths_explorer, name, value):
    control = paths_explorer.controls[name]
    start = control.value
    try:
        control.value = value
        assert f"color:{ERROR_COLOUR}" not in paths_explorer.message.value
        paths = paths_explorer.result.paths
        assert "gradient descent" in paths and paths_explorer.values()["method"] in paths
        assert paths_explorer.image.value[:8] == PNG_SIGNATURE
        drawn = {line.get_label() for line in paths_explorer.figure.axes[0].get_lines()}
        assert set(paths) <= drawn
    finally:
        control.value = start


def test_the_paths_explorer_enables_only_the_chosen_methods_sliders(paths_explorer):
    menu = paths_explorer.controls["method"]
    try:
        for method, used in views.HYPERPARAMETERS.items():
            menu.value = method
            enabled = {
                name
                for name in ("momentum", "beta1", "beta2")
                if not paths_explorer.controls[name].disabled
            }
            assert enabled == set(used), method
    finally:
        menu.value = "momentum"


def test_the_paths_explorer_says_when_a_path_diverged(paths_explorer):
    paths_explorer.controls["learning_rate"].value = 0.5
    try:
        assert "gradient descent diverged" in paths_explorer.message.value
        assert "diverged after" in paths_explorer.figure.axes[0].get_title()
    finally:
        paths_explorer.controls["learning_rate"].value = 0.05
    assert paths_explorer.message.value == ""


def test_the_digit_explorer_draws_a_cost_per_method_and_reports_divergence(digits):
    X, Y, *_ = digits
    explorer = views.digit_costs_explorer(X, Y, epochs=50)
    assert list(explorer.result.runs) == list(views.DIGIT_METHODS)
    lines = [line for line in explorer.figure.axes[0].get_lines() if len(line.get_xdata())]
    assert len(lines) == 3
    assert explorer.message.value == ""
    explorer.controls["descent_rate"].value = 3.0  # momentum at 3: ten times larger steps
    note = explorer.message.value
    assert "momentum: The network gives every training image the same class" in note
    assert "Adam" not in note
    assert explorer.image.value[:8] == PNG_SIGNATURE
