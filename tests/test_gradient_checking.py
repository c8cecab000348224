"""Tests of notebook 05's gradient checking (backprop_lib.lessons.gradient_checking): finite-
difference errors against epsilon, gradient norms per layer, and its figures and the
vanishing-gradient explorer (gradient_checking_views) driven as a student would. The planted
mistakes are tested in test_planted_mistakes.py."""

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib import data
from backprop_lib.display import explorer as explorer_module
from backprop_lib.display.explorer import ERROR_COLOUR, NOTE_COLOUR, message_html
from backprop_lib.display.figures import figure_png, new_figure
from backprop_lib.lessons import gradient_checking as gc
from backprop_lib.lessons import gradient_checking_views as views
from backprop_lib.lessons.planted_mistakes import check_network
from tests.explorer_checks import PNG_SIGNATURE

# ----- error against epsilon -----------------------------------------------------------------


def cube(x):
    return float(np.sum(x**3))


def test_error_versus_epsilon_matches_the_taylor_terms_of_a_cube():
    # For x^3: forward = 3x^2 + 3x e + e^2, central = 3x^2 + e^2 exactly, so the relative
    # error of each entry is |a - n| / (|a| + |n|) with a = 3x^2. At e >= 1e-3 round-off
    # (about 1e-16 / e) is negligible against these terms.
    x = np.array([0.7, -1.3, 2.0])
    a = 3 * x**2
    epsilons = np.array([1e-3, 1e-2, 1e-1])
    errors = gc.error_versus_epsilon(cube, x, a, epsilons)
    for method, offset in (("forward", lambda e: 3 * x * e + e**2), ("central", lambda e: e**2)):
        expected = [np.max(np.abs(offset(e)) / (a + np.abs(a + offset(e)))) for e in epsilons]
        np.testing.assert_allclose(errors[method], expected, rtol=1e-5)


def test_error_versus_epsilon_has_a_v_shape_on_a_network():
    model, X, Y = check_network("square")
    dWs, _ = model.gradients(X, Y)
    cost = bp.cost_of_parameter(model, X, Y, 1)  # J as a function of W^1
    errors = gc.error_versus_epsilon(cost, model.weights[0], dWs[0])
    eps = gc.EPSILONS
    # Bottoms where truncation meets round-off: forward near sqrt(u) ~ 1e-8, central near
    # u^(1/3) ~ 5e-6 (within a factor of about 100 either way).
    assert 1e-10 <= eps[np.argmin(errors["forward"])] <= 1e-6
    assert 1e-7 <= eps[np.argmin(errors["central"])] <= 1e-3
    assert errors["central"].min() < 1e-8
    assert errors["forward"].min() > errors["central"].min() * 10
    # Both arms rise: at 1e-13 round-off (u J / eps ~ 1e-3 relative) and at 1e-1 truncation.
    for method in gc.METHODS:
        assert errors[method][0] > 1e-5
        assert errors[method][-1] > 1e-4
    assert gc.log_log_slope(eps, errors["forward"], 1e-4, 1e-1) == pytest.approx(1.0, abs=0.15)
    assert gc.log_log_slope(eps, errors["central"], 1e-3, 1e-1) == pytest.approx(2.0, abs=0.15)


@pytest.mark.parametrize("epsilons", [[], [1e-5, -1e-5], [[1e-5]], [0.0]])
def test_error_versus_epsilon_rejects_bad_steps(epsilons):
    with pytest.raises(ValueError, match="1-D array of numbers > 0"):
        gc.error_versus_epsilon(cube, np.ones(2), 3 * np.ones(2), epsilons)


def test_log_log_slope_of_power_laws():
    eps = np.logspace(-6, -1, 11)
    for p in (1.0, 2.0, -1.0):
        assert gc.log_log_slope(eps, 3.0 * eps**p, 1e-6, 1e-1) == pytest.approx(p, abs=1e-12)
    # Only the range counts: a different power outside it changes nothing.
    errors = np.where(eps < 1e-3, eps**-1, eps**2)
    assert gc.log_log_slope(eps, errors, 1e-3, 1e-1) == pytest.approx(2.0, abs=1e-12)
    with pytest.raises(ValueError, match="at least two epsilons"):
        gc.log_log_slope(eps, eps, 2e-6, 3e-6)


def test_plot_error_versus_epsilon_draws_both_curves_and_guides():
    _, ax = new_figure()
    errors = {"forward": gc.EPSILONS, "central": gc.EPSILONS**2}
    views.plot_error_versus_epsilon(ax, gc.EPSILONS, errors)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[:2] == ["forward (one-sided)", "central"]
    assert len(labels) == 6  # two curves, three guides, the 1e-7 line
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), gc.EPSILONS**2)
    assert ax.get_xscale() == ax.get_yscale() == "log"


# ----- the check of each layer ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "expected"),
    [(0.0, "right"), (9.9e-8, "right"), (1e-7, "look closer"), (1e-2, "look closer"),
     (0.0100001, "wrong"), (1.0, "wrong")],
)  # fmt: skip
def test_verdict_thresholds(error, expected):
    assert bp.verdict(error) == expected


def test_plot_check_results_marks_each_cell():
    _, ax = new_figure()
    views.plot_check_results(ax, ["a", "b"], [[1e-10, 0.5], [1e-4, 1e-9]])
    marks = sorted(text.get_text() for text in ax.texts)
    assert marks == ["?", "WRONG", "ok", "ok"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["layer 1", "layer 2"]


def test_check_results_use_cividis_with_text_that_stands_out_on_each_cell():
    _, ax = new_figure()
    views.plot_check_results(ax, ["a"], [[1e-11, 1.0]])
    assert ax.images[0].get_cmap().name == "cividis"  # the same in every colour vision
    right, wrong = ax.texts  # dark blue for a tiny error, yellow for the largest
    assert (right.get_text(), right.get_color()) == ("ok", "white")
    assert (wrong.get_text(), wrong.get_color()) == ("WRONG", "black")
    assert views.text_colour((0.0, 0.0, 0.0)) == "white"
    assert views.text_colour((1.0, 1.0, 1.0, 1.0)) == "black"
    # greys of relative luminance 0.17 and 0.19, either side of the point of equal contrast
    assert views.text_colour((0.45, 0.45, 0.45)) == "white"
    assert views.text_colour((0.47, 0.47, 0.47)) == "black"


# ----- vanishing gradients -------------------------------------------------------------------


@pytest.fixture(scope="module")
def moons():
    return data.make_moons(n_samples=60, seed=0)


def test_gradient_norms_match_central_differences(moons):
    X, Y = moons
    norms = gc.gradient_norms(X, Y, hidden_layers=2, activation="tanh", units=3, seed=5)
    model = bp.MLP([2, 3, 3, 1], hidden_activation="tanh", seed=5)
    assert norms.shape == (3,)
    for l, W in enumerate(model.weights, start=1):
        numerical = bp.numerical_gradient(bp.cost_of_parameter(model, X, Y, l), W)
        assert norms[l - 1] == pytest.approx(np.sqrt(np.sum(numerical**2)), rel=1e-6)


def test_sigmoid_gradients_vanish_with_depth_and_relu_ones_do_not(moons):
    X, Y = moons
    sigmoid = gc.gradient_norms(X, Y, gc.HIDDEN_LAYERS_MAX, "sigmoid", 8)
    relu = gc.gradient_norms(X, Y, gc.HIDDEN_LAYERS_MAX, "relu", 8)
    # sigma' <= 1/4 per layer: ten layers shrink by far more than 1e-3 (with W ~ N(0, 1/n));
    # ReLU, He-initialised by default, keeps the first layer within 1e-2 of the last.
    assert sigmoid[0] / sigmoid[-1] < 1e-3
    assert relu[0] / relu[-1] > 1e-2
    small = gc.gradient_norms(X, Y, gc.HIDDEN_LAYERS_MAX, "sigmoid", 8, init="small_normal")
    assert small[0] < sigmoid[0] * 1e-6


def test_signal_sizes_are_the_rms_of_each_hidden_layer_and_the_gradient_norms(moons):
    X, Y = moons
    rms, norms = gc.signal_sizes(X, Y, hidden_layers=3, activation="relu", units=5, seed=4)
    model = bp.MLP([2, 5, 5, 5, 1], hidden_activation="relu", seed=4)
    _, As = model.forward(X)
    assert rms.shape == (3,)
    for l in (1, 2, 3):  # sqrt of the mean of the 5 x 60 squared activations of layer l
        assert rms[l - 1] == pytest.approx(np.sqrt(np.sum(As[l] ** 2) / (5 * 60)), rel=1e-12)
    np.testing.assert_array_equal(norms, gc.gradient_norms(X, Y, 3, "relu", 5, seed=4))


def test_per_layer_factor_and_relu_rms_factor_by_hand():
    assert gc.per_layer_factor([1.0, 2.0, 4.0, 8.0]) == pytest.approx(2.0)
    assert gc.per_layer_factor([9.0, 1.0]) == pytest.approx(1 / 9)
    for bad in ([1.0], [1.0, 0.0], [[1.0, 2.0]]):
        with pytest.raises(ValueError, match="at least two numbers > 0"):
            gc.per_layer_factor(bad)
    assert gc.relu_rms_factor(2 / 32, 32) == pytest.approx(1.0)  # He
    assert gc.relu_rms_factor(1 / 32, 32) == pytest.approx(np.sqrt(0.5))
    assert gc.relu_rms_factor(0.01**2, 32) == pytest.approx(0.04)  # sqrt(32e-4 / 2)


WEIGHT_VARIANCES = {"he_normal": 2 / 32, "scaled_normal": 1 / 32, "small_normal": 0.01**2}
"""The variance of each initialisation's weights for 32 inputs per unit."""


@pytest.mark.parametrize("init", list(WEIGHT_VARIANCES))
def test_relu_activations_shrink_per_layer_as_predicted(moons, init):
    # Ten ReLU hidden layers of 32 units: the rms of a^l changes by sqrt(n s^2 / 2) per layer
    # (from layer 1 on, whose input is the data). One network is a random draw, so the
    # average over ten seeds is compared, within 10 %.
    X, Y = moons
    factors = [
        gc.per_layer_factor(gc.signal_sizes(X, Y, 10, "relu", 32, init, seed)[0])
        for seed in range(10)
    ]
    predicted = gc.relu_rms_factor(WEIGHT_VARIANCES[init], 32)
    assert np.mean(factors) == pytest.approx(predicted, rel=0.1)


def test_he_keeps_a_deep_relu_networks_gradients_and_the_notes_scaling_kills_them(moons):
    X, Y = moons
    he = gc.signal_sizes(X, Y, 10, "relu", 32, "he_normal")[1]
    scaled = gc.signal_sizes(X, Y, 10, "relu", 32, "scaled_normal")[1]
    small = gc.signal_sizes(X, Y, 10, "relu", 32, "small_normal")[1]
    # Each gradient is the product of a forward signal and a backward error that each lose
    # a factor sqrt(2) per layer under N(0, 1/n): 2^(10/2) = 32 in all, measured above 8.
    assert np.exp(np.mean(np.log(he / scaled))) > 8
    assert he.min() > 1e-2
    assert small.max() < 1e-12  # 0.04 per layer, ten layers


def test_plot_signal_sizes_draws_one_styled_line_per_init_on_each_panel():
    _, (ax_signal, ax_gradient) = new_figure(ncols=2)
    sizes = {
        "he_normal": (np.array([1.0, 0.9]), np.array([0.3, 0.2, 0.1])),
        "small_normal": (np.array([1e-2, 1e-4]), np.array([1e-9, 1e-9, 1e-9])),
    }
    views.plot_signal_sizes(ax_signal, ax_gradient, sizes)
    for ax, index in ((ax_signal, 0), (ax_gradient, 1)):
        assert ax.get_yscale() == "log"
        lines = ax.get_lines()
        assert [line.get_label() for line in lines] == list(sizes)
        for line, (init, values) in zip(lines, sizes.items(), strict=True):
            np.testing.assert_array_equal(line.get_ydata(), values[index])
            assert line.get_color() == views.ACTIVATION_COLOURS["relu"]
            assert line.get_linestyle() == views.INIT_STYLES[init][0]


@pytest.mark.parametrize("hidden_layers", [0, -1, 2.0, True, "3"])
def test_gradient_norms_rejects_a_bad_number_of_hidden_layers(moons, hidden_layers):
    with pytest.raises(ValueError, match="hidden_layers must be a whole number >= 1"):
        gc.gradient_norms(*moons, hidden_layers=hidden_layers, activation="relu", units=4)


def test_zero_gradient_note_and_title():
    assert gc.zero_gradient_note(np.array([0.1, 0.2])) is None
    note = gc.zero_gradient_note(np.array([0.0, 0.0, 0.3]))
    assert note.startswith("Layer(s) 1, 2 get exactly zero gradient")
    assert gc.shrink_title(np.array([0.0, 1.0])) == "layers with zero gradient are not drawn"
    assert (
        gc.shrink_title(np.array([1e-6, 1e-3, 2.0])) == "layer 1 gets 5e-07 of layer 3's gradient"
    )


def test_gradient_norm_view_replaces_its_lines_and_skips_zeros():
    _, ax = new_figure()
    view = views.GradientNormView(ax)
    view.update({"sigmoid": [1e-3, 1e-2], "relu": [0.1, 0.2]}, "first")
    assert len(ax.get_lines()) == 2
    view.update({"relu": [0.0, 0.5, 0.6]}, "second")
    (line,) = ax.get_lines()
    assert line.get_label() == "relu"
    x, y = line.get_data()
    np.testing.assert_array_equal(x, [1, 2, 3])
    assert np.isnan(y[0])
    np.testing.assert_array_equal(y[1:], [0.5, 0.6])
    assert ax.get_title() == "second"
    low, high = ax.get_ylim()
    assert np.log10(high / low) == pytest.approx(views.MIN_DECADES_SHOWN)
    assert low < 0.5 < 0.6 < high
    view.update({"sigmoid": [1e-12, 1e-11]}, "vanished")  # the range follows the new lines
    low, high = ax.get_ylim()
    assert low < 1e-12 < 1e-11 < high


# ----- the explorer --------------------------------------------------------------------------

CONTROL_EXTREMES = {
    "hidden_layers": (1, gc.HIDDEN_LAYERS_MAX),
    "units": (1, gc.UNITS_MAX),
    "activation": tuple(bp.ACTIVATIONS),
    "init": (bp.BY_ACTIVATION, *sorted(bp.INITIALISATIONS)),
}


def new_explorer(moons):
    return views.vanishing_gradient_explorer(*moons, hidden_layers=4, activation="sigmoid", units=6)


@pytest.fixture
def explorer(moons):
    """A fresh explorer, for a test that moves its controls."""
    return new_explorer(moons)


@pytest.fixture(scope="module")
def started_explorer(moons):
    """One explorer as it starts, for the tests that only read it."""
    return new_explorer(moons)


def drawn_norms(explorer):
    (line,) = explorer.figure.axes[0].get_lines()
    return line.get_data()[1]


def test_explorer_starts_drawn(started_explorer, moons):
    explorer = started_explorer
    expected = gc.gradient_norms(*moons, 4, "sigmoid", 6)
    np.testing.assert_array_equal(explorer.result.norms, expected)
    np.testing.assert_array_equal(drawn_norms(explorer), expected)
    assert explorer.message.value == ""
    assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    for name in ("hidden_layers", "units"):
        assert explorer.controls[name].continuous_update is False
    assert explorer.controls["hidden_layers"].max == 10


def test_controls_offer_the_promised_ranges(started_explorer):
    explorer = started_explorer
    for name, values in CONTROL_EXTREMES.items():
        control = explorer.controls[name]
        if name in ("hidden_layers", "units"):
            assert (control.min, control.max) == values
        else:
            assert tuple(control.options) == values


@pytest.mark.parametrize(
    ("name", "value"),
    [(name, value) for name, values in CONTROL_EXTREMES.items() for value in values],
)
def test_every_control_value_recomputes_and_redraws(explorer, moons, name, value):
    if explorer.controls[name].value == value:  # move away first, so that the change fires
        other = next(v for v in CONTROL_EXTREMES[name] if v != value)
        explorer.controls[name].value = other
    before = explorer.image.value
    explorer.controls[name].value = value
    settings = explorer.values()
    expected = gc.gradient_norms(
        *moons,
        settings["hidden_layers"],
        settings["activation"],
        settings["units"],
        settings["init"],
    )
    np.testing.assert_array_equal(explorer.result.norms, expected)
    assert explorer.result.norms.shape == (settings["hidden_layers"] + 1,)
    assert explorer.figure.axes[0].get_title().endswith(gc.shrink_title(expected))
    assert explorer.image.value != before
    # No error: the message is empty, or exactly the note about layers with zero gradient.
    note = gc.zero_gradient_note(expected)
    assert explorer.result.note == note
    assert explorer.message.value == ("" if note is None else message_html(note, NOTE_COLOUR))


def test_the_most_extreme_settings_never_raise(explorer, monkeypatch):
    # Ten hidden layers of one unit: for ReLU a dead unit stops the gradient, and the
    # explorer says which layers get none instead of failing on the log scale.
    # Every combination is set as a student would, so each recomputes and redraws the view's
    # artists (lines, limits, ticks, title). Rendering those to a PNG, nearly all of the time,
    # follows one path per drawing: which layers are drawn and which left out (a zero
    # gradient), and how many powers of ten the log axis spans. So each such drawing is
    # rendered once, with the real renderer, and its PNG stands for the same drawing later.
    rendered = {}

    def render_each_drawing_once(figure):
        ax = figure.axes[0]
        (line,) = ax.get_lines()
        low, high = ax.get_ylim()
        drawing = (tuple(np.isnan(line.get_ydata())), round(np.log10(high / low)))
        if drawing not in rendered:
            rendered[drawing] = figure_png(figure)
        return rendered[drawing]

    monkeypatch.setattr(explorer_module, "figure_png", render_each_drawing_once)
    deepest, widest = gc.HIDDEN_LAYERS_MAX, gc.UNITS_MAX
    for activation in bp.ACTIVATIONS:
        for init in (bp.BY_ACTIVATION, *sorted(bp.INITIALISATIONS)):
            for hidden_layers, units in ((deepest, 1), (deepest, widest), (1, 1)):
                explorer.controls["activation"].value = activation
                explorer.controls["init"].value = init
                explorer.controls["hidden_layers"].value = hidden_layers
                explorer.controls["units"].value = units
                norms = explorer.result.norms
                assert norms.shape == (hidden_layers + 1,)
                assert np.all(np.isfinite(norms))
                assert f"color:{ERROR_COLOUR}" not in explorer.message.value
                drawn = drawn_norms(explorer)  # this combination's norms are the ones drawn
                np.testing.assert_array_equal(drawn, np.where(norms > 0, norms, np.nan))
    # Both kinds of drawing were rendered: all points, and one leaving out zero gradients.
    assert {any(left_out) for left_out, _ in rendered} == {False, True}
    assert all(png[:8] == PNG_SIGNATURE for png in rendered.values())


def test_a_dead_relu_layer_gets_a_note_that_clears(explorer, moons):
    explorer.controls["activation"].value = "relu"
    explorer.controls["hidden_layers"].value = gc.HIDDEN_LAYERS_MAX
    explorer.controls["units"].value = 1
    norms = explorer.result.norms
    assert np.any(norms == 0)  # with these seeds a chain of one-unit ReLU layers dies
    assert "exactly zero gradient" in explorer.message.value
    assert explorer.result.note in explorer.message.value
    explorer.controls["units"].value = 8
    assert explorer.message.value == ""
    assert explorer.result.note is None


def test_a_failing_computation_shows_a_message_and_keeps_the_figure(explorer, monkeypatch):
    def fail(*args, **kwargs):
        raise ValueError("layer_sizes must list at least two whole numbers >= 1")

    monkeypatch.setattr(views, "gradient_norms", fail)
    image, norms = explorer.image.value, explorer.result.norms
    explorer.controls["units"].value = 3
    assert "layer_sizes must list" in explorer.message.value
    # The error's whole text, in red.
    assert explorer.message.value == message_html(
        "layer_sizes must list at least two whole numbers >= 1", ERROR_COLOUR
    )
    assert explorer.image.value == image
    assert explorer.result.norms is norms
