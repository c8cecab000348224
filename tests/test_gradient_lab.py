"""Tests for backprop_lib.gradient_lab: finite-difference errors against epsilon, the backward
pass with swappable steps, every planted mistake caught on the right layers, gradient norms per
layer, and the vanishing-gradient explorer driven as a student would."""

from dataclasses import replace

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib import data, widgets
from backprop_lib import gradient_lab as lab

UNIT_ROUNDOFF = np.finfo(float).eps / 2

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
    errors = lab.error_versus_epsilon(cube, x, a, epsilons)
    for method, offset in (("forward", lambda e: 3 * x * e + e**2), ("central", lambda e: e**2)):
        expected = [np.max(np.abs(offset(e)) / (a + np.abs(a + offset(e)))) for e in epsilons]
        np.testing.assert_allclose(errors[method], expected, rtol=1e-5)


def test_error_versus_epsilon_has_a_v_shape_on_a_network():
    model, X, Y = lab.check_network("square")
    dWs, _ = model.gradients(X, Y)

    def cost(W):
        saved = model.weights[0]
        model.weights[0] = W
        try:
            return model.cost(X, Y)
        finally:
            model.weights[0] = saved

    errors = lab.error_versus_epsilon(cost, model.weights[0], dWs[0])
    eps = lab.EPSILONS
    # Bottoms where truncation meets round-off: forward near sqrt(u) ~ 1e-8, central near
    # u^(1/3) ~ 5e-6 (within a factor of about 100 either way).
    assert 1e-10 <= eps[np.argmin(errors["forward"])] <= 1e-6
    assert 1e-7 <= eps[np.argmin(errors["central"])] <= 1e-3
    assert errors["central"].min() < 1e-8
    assert errors["forward"].min() > errors["central"].min() * 10
    # Both arms rise: at 1e-13 round-off (u J / eps ~ 1e-3 relative) and at 1e-1 truncation.
    for method in lab.METHODS:
        assert errors[method][0] > 1e-5
        assert errors[method][-1] > 1e-4
    assert lab.log_log_slope(eps, errors["forward"], 1e-4, 1e-1) == pytest.approx(1.0, abs=0.15)
    assert lab.log_log_slope(eps, errors["central"], 1e-3, 1e-1) == pytest.approx(2.0, abs=0.15)


@pytest.mark.parametrize("epsilons", [[], [1e-5, -1e-5], [[1e-5]], [0.0]])
def test_error_versus_epsilon_rejects_bad_steps(epsilons):
    with pytest.raises(ValueError, match="1-D array of numbers > 0"):
        lab.error_versus_epsilon(cube, np.ones(2), 3 * np.ones(2), epsilons)


def test_log_log_slope_of_power_laws():
    eps = np.logspace(-6, -1, 11)
    for p in (1.0, 2.0, -1.0):
        assert lab.log_log_slope(eps, 3.0 * eps**p, 1e-6, 1e-1) == pytest.approx(p, abs=1e-12)
    # Only the range counts: a different power outside it changes nothing.
    errors = np.where(eps < 1e-3, eps**-1, eps**2)
    assert lab.log_log_slope(eps, errors, 1e-3, 1e-1) == pytest.approx(2.0, abs=1e-12)
    with pytest.raises(ValueError, match="at least two epsilons"):
        lab.log_log_slope(eps, eps, 2e-6, 3e-6)


def test_plot_error_versus_epsilon_draws_both_curves_and_guides():
    _, ax = widgets.new_figure()
    errors = {"forward": lab.EPSILONS, "central": lab.EPSILONS**2}
    lab.plot_error_versus_epsilon(ax, lab.EPSILONS, errors)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[:2] == ["forward (one-sided)", "central"]
    assert len(labels) == 6  # two curves, three guides, the 1e-7 line
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), lab.EPSILONS**2)
    assert ax.get_xscale() == ax.get_yscale() == "log"


# ----- the backward pass with swappable steps --------------------------------------------------

CONFIGURATIONS = [
    ("sigmoid", "sigmoid", "cross_entropy", 0.0),
    ("relu", "sigmoid", "cross_entropy", 0.7),
    ("tanh", "identity", "l2", 0.0),
    ("leaky_relu", "tanh", "squared_error", 0.3),
]


@pytest.mark.parametrize(("hidden", "output", "loss", "l2"), CONFIGURATIONS)
def test_right_steps_give_the_models_gradients(hidden, output, loss, l2):
    model = bp.MLP([3, 4, 5, 2], hidden, output, loss, l2=l2, seed=1)
    rng = np.random.default_rng(1)
    X = rng.standard_normal((3, 7))
    Y = rng.integers(0, 2, size=(2, 7)).astype(float)
    ours = lab.backward_pass(model, X, Y, lab.RIGHT_STEPS)
    theirs = model.gradients(X, Y)
    for a, b in zip(ours[0] + ours[1], theirs[0] + theirs[1], strict=True):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14)


def test_each_planted_bug_replaces_exactly_one_step():
    assert lab.replaced_steps(lab.RIGHT_STEPS) == {}
    replaced = [lab.replaced_steps(bug.steps) for bug in lab.PLANTED_BUGS]
    assert all(len(steps) == 1 for steps in replaced)
    assert {bug.note for bug in lab.PLANTED_BUGS} == {"001", "002", "003", "004"}
    assert all(bug.network in lab.CHECK_NETWORKS for bug in lab.PLANTED_BUGS)


def test_planted_steps_compute_the_wrong_formulas():
    a, y = np.array([[0.2, 0.9]]), np.array([[0.0, 1.0]])
    np.testing.assert_allclose(lab.squared_error_prime_against_one(a, y), 2 * (a - 1))
    np.testing.assert_allclose(lab.cross_entropy_prime_wrong_sign(a, y), [[1 / 0.8, 1 / 0.9]])
    W = np.array([[1.0, -2.0]])
    np.testing.assert_allclose(lab.l2_gradient_without_m(W, 0.5, 4), 0.5 * W)
    delta, a_prev = np.array([[1.0, 3.0]]), np.array([[2.0, 4.0]])  # one unit, two examples
    # (1*2 + 3*4) / 2 = 7, where the right bias gradient is (1 + 3) / 2 = 2.
    np.testing.assert_allclose(lab.bias_gradient_like_weight_gradient(delta, a_prev), [[7.0]])
    delta, a_prev = np.array([[1.0], [2.0]]), np.array([[3.0], [5.0], [7.0]])
    np.testing.assert_allclose(lab.weight_gradient_from_to(delta, a_prev), a_prev @ delta.T)
    W_next = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(
        lab.hidden_delta_untransposed(W_next, delta, np.ones((2, 1))), W_next @ delta
    )
    z = np.array([[-1.0, 0.5, 2.0]])
    np.testing.assert_allclose(lab.activation_prime_at_a(bp.sigmoid_prime, z, bp.sigmoid(z)),
                               bp.sigmoid_prime(bp.sigmoid(z)))  # fmt: skip
    integers = lab.activation_prime_as_integers(bp.relu_prime, z, bp.relu(z))
    assert integers.dtype.kind == "i"
    np.testing.assert_array_equal(integers, [[0, 1, 1]])


# ----- the check networks ------------------------------------------------------------------


@pytest.mark.parametrize("name", list(lab.CHECK_NETWORKS))
def test_check_networks_are_seeded_and_shaped(name):
    model, X, Y = lab.check_network(name, seed=3)
    again, X2, Y2 = lab.check_network(name, seed=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(Y, Y2)
    for b, b2 in zip(model.biases, again.biases, strict=True):
        np.testing.assert_array_equal(b, b2)
        assert np.all(b != 0)  # a zero bias would hide the regularised-bias mistake
    assert X.shape == (model.layer_sizes[0], lab.CHECK_EXAMPLES)
    assert Y.shape == (model.layer_sizes[-1], lab.CHECK_EXAMPLES)
    if model.loss_name == "cross_entropy":
        assert set(np.unique(Y)) <= {0.0, 1.0}
    else:
        assert np.all((Y > 0) & (Y < 1))  # never 1, or 2(a - 1) would be right
    if name != "chain":
        assert all(W.shape[0] == W.shape[1] for W in model.weights)


def test_check_network_rejects_an_unknown_name():
    with pytest.raises(ValueError, match="unknown check network 'wide'; expected one of chain"):
        lab.check_network("wide")


@pytest.mark.parametrize("name", list(lab.CHECK_NETWORKS))
def test_right_backward_pass_passes_on_each_check_network(name):
    model, X, Y = lab.check_network(name, seed=0)
    # Why central differences can confirm 1e-7 here (see tests/conftest.py): no hidden z
    # within 1e-3 of ReLU's kink, and the round-off of a central difference, about
    # 2 u J / (2 eps), is small against 2 |g| (the denominator of the relative error) for
    # every non-zero gradient entry g: at most half the 1e-7 threshold.
    Zs, _ = model.forward(X)
    assert min(np.abs(z).min() for z in Zs[:-1]) > 1e-3
    dWs, dbs = model.gradients(X, Y)
    entries = np.concatenate([g.ravel() for g in dWs + dbs])
    smallest = np.abs(entries[entries != 0]).min()
    assert UNIT_ROUNDOFF * model.cost(X, Y) / 1e-5 / (2 * smallest) < 5e-8
    errors = lab.check_steps(lab.RIGHT_STEPS, name, seed=0)
    assert len(errors) == 3
    assert max(errors) < 1e-7


# Which layers each mistake spoils, in networks of L = 3 layers (derived, not measured):
# a wrong dC/da spoils delta^3 and, through the recursion, every delta below; a wrong
# per-layer formula (bias gradient, L2 terms, dW) is repeated in every layer; a wrong step
# of the recursion first acts on delta^2, so layer 3's gradients, which use only delta^3,
# stay right.
WRONG_LAYERS = {
    "2(a - 1) for dC/da": {1, 2, 3},
    "bias gradient copied from w": {1, 2, 3},
    "wrong sign in dC/da": {1, 2, 3},
    "lambda W without /m": {1, 2, 3},
    "biases regularised": {1, 2, 3},
    "g'(a) instead of g'(z)": {1, 2},
    "dW transposed (w_ij order)": {1, 2, 3},
    "W not transposed in delta": {1, 2},
}


def test_every_planted_bug_has_its_expected_layers():
    assert set(WRONG_LAYERS) == {bug.name for bug in lab.PLANTED_BUGS}


@pytest.mark.parametrize("bug", lab.PLANTED_BUGS, ids=[bug.name for bug in lab.PLANTED_BUGS])
def test_the_check_catches_each_planted_bug_on_the_right_layers(bug):
    errors = lab.check_steps(bug.steps, bug.network, seed=0)
    for l, error in enumerate(errors, start=1):
        if l in WRONG_LAYERS[bug.name]:
            assert error > 1e-2, (l, errors)
        else:
            assert error < 1e-7, (l, errors)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("bug", lab.PLANTED_BUGS, ids=[bug.name for bug in lab.PLANTED_BUGS])
def test_planted_bugs_are_caught_with_other_seeds_too(bug, seed):
    errors = lab.check_steps(bug.steps, bug.network, seed=seed)
    assert all(errors[l - 1] > 1e-2 for l in WRONG_LAYERS[bug.name]), errors


def test_odd_but_right_steps_pass_on_relu_and_integer_sigmoid_fails():
    for step in (lab.activation_prime_as_integers, lab.activation_prime_at_a):
        steps = replace(lab.RIGHT_STEPS, activation_prime=step)
        assert max(lab.check_steps(steps, "relu", seed=0)) < 1e-7
    # sigma'(z) lies in (0, 1/4], so as integers it is 0: the hidden deltas vanish.
    steps = replace(lab.RIGHT_STEPS, activation_prime=lab.activation_prime_as_integers)
    errors = lab.check_steps(steps, "square", seed=0)
    assert errors[0] > 1e-2
    assert errors[1] > 1e-2
    assert errors[2] < 1e-7


@pytest.mark.parametrize(
    ("error", "expected"),
    [(0.0, "right"), (9.9e-8, "right"), (1e-7, "look closer"), (1e-2, "look closer"),
     (0.0100001, "wrong"), (1.0, "wrong")],
)  # fmt: skip
def test_verdict_thresholds(error, expected):
    assert lab.verdict(error) == expected


def test_plot_check_results_marks_each_cell():
    _, ax = widgets.new_figure()
    lab.plot_check_results(ax, ["a", "b"], [[1e-10, 0.5], [1e-4, 1e-9]])
    marks = sorted(text.get_text() for text in ax.texts)
    assert marks == ["?", "WRONG", "ok", "ok"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["layer 1", "layer 2"]


# ----- vanishing gradients -------------------------------------------------------------------


@pytest.fixture(scope="module")
def moons():
    return data.make_moons(n_samples=60, seed=0)


def test_gradient_norms_match_central_differences(moons):
    X, Y = moons
    norms = lab.gradient_norms(X, Y, depth=2, activation="tanh", width=3, seed=5)
    model = bp.MLP([2, 3, 3, 1], hidden_activation="tanh", seed=5)
    assert norms.shape == (3,)
    for l, W in enumerate(model.weights):

        def cost(value, l=l):
            saved = model.weights[l]
            model.weights[l] = value
            try:
                return model.cost(X, Y)
            finally:
                model.weights[l] = saved

        numerical = bp.numerical_gradient(cost, W)
        assert norms[l] == pytest.approx(np.sqrt(np.sum(numerical**2)), rel=1e-6)


def test_sigmoid_gradients_vanish_with_depth_and_relu_ones_do_not(moons):
    X, Y = moons
    sigmoid = lab.gradient_norms(X, Y, lab.MAX_DEPTH, "sigmoid", 8)
    relu = lab.gradient_norms(X, Y, lab.MAX_DEPTH, "relu", 8)
    # sigma' <= 1/4 per layer: ten layers shrink by far more than 1e-3 (with W ~ N(0, 1/n)).
    assert sigmoid[0] / sigmoid[-1] < 1e-3
    assert relu[0] / relu[-1] > 1e-2
    small = lab.gradient_norms(X, Y, lab.MAX_DEPTH, "sigmoid", 8, init="small_normal")
    assert small[0] < sigmoid[0] * 1e-6


@pytest.mark.parametrize("depth", [0, -1, 2.0, True, "3"])
def test_gradient_norms_rejects_a_bad_depth(moons, depth):
    with pytest.raises(ValueError, match="depth must be a whole number >= 1"):
        lab.gradient_norms(*moons, depth=depth, activation="relu", width=4)


def test_zero_gradient_note_and_title():
    assert lab.zero_gradient_note(np.array([0.1, 0.2])) is None
    note = lab.zero_gradient_note(np.array([0.0, 0.0, 0.3]))
    assert note.startswith("Layer(s) 1, 2 get exactly zero gradient")
    assert lab.shrink_title(np.array([0.0, 1.0])) == "layers with zero gradient are not drawn"
    assert (
        lab.shrink_title(np.array([1e-6, 1e-3, 2.0])) == "layer 1 gets 5e-07 of layer 3's gradient"
    )


def test_gradient_norm_view_replaces_its_lines_and_skips_zeros():
    _, ax = widgets.new_figure()
    view = lab.GradientNormView(ax)
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
    assert np.log10(high / low) == pytest.approx(lab.MIN_DECADES_SHOWN)
    assert low < 0.5 < 0.6 < high


# ----- the explorer --------------------------------------------------------------------------

CONTROL_EXTREMES = {
    "depth": (1, lab.MAX_DEPTH),
    "width": (1, lab.MAX_WIDTH),
    "activation": lab.HIDDEN_ACTIVATIONS,
    "init": tuple(sorted(bp.INITIALISATIONS)),
}


@pytest.fixture
def explorer(moons):
    return lab.vanishing_gradient_explorer(*moons, depth=4, activation="sigmoid", width=6)


def drawn_norms(explorer):
    (line,) = explorer.figure.axes[0].get_lines()
    return line.get_data()[1]


def test_explorer_starts_drawn(explorer, moons):
    expected = lab.gradient_norms(*moons, 4, "sigmoid", 6)
    np.testing.assert_array_equal(explorer.result.norms, expected)
    np.testing.assert_array_equal(drawn_norms(explorer), expected)
    assert explorer.message.value == ""
    assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    for name in ("depth", "width"):
        assert explorer.controls[name].continuous_update is False
    assert explorer.controls["depth"].max == 10


def test_controls_offer_the_promised_ranges(explorer):
    for name, values in CONTROL_EXTREMES.items():
        control = explorer.controls[name]
        if name in ("depth", "width"):
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
    expected = lab.gradient_norms(
        *moons, settings["depth"], settings["activation"], settings["width"], settings["init"]
    )
    np.testing.assert_array_equal(explorer.result.norms, expected)
    assert explorer.result.norms.shape == (settings["depth"] + 1,)
    assert explorer.figure.axes[0].get_title().endswith(lab.shrink_title(expected))
    assert explorer.image.value != before
    assert "Traceback" not in explorer.message.value
    assert "color:#b00020" not in explorer.message.value  # no error


def test_the_most_extreme_settings_never_raise(explorer):
    # Depth 10 with one unit per layer: for ReLU a dead unit stops the gradient, and the
    # explorer says which layers get none instead of failing on the log scale.
    for activation in lab.HIDDEN_ACTIVATIONS:
        for init in sorted(bp.INITIALISATIONS):
            for depth, width in ((lab.MAX_DEPTH, 1), (lab.MAX_DEPTH, lab.MAX_WIDTH), (1, 1)):
                explorer.controls["activation"].value = activation
                explorer.controls["init"].value = init
                explorer.controls["depth"].value = depth
                explorer.controls["width"].value = width
                norms = explorer.result.norms
                assert norms.shape == (depth + 1,)
                assert np.all(np.isfinite(norms))
                assert "color:#b00020" not in explorer.message.value


def test_a_dead_relu_layer_gets_a_note_that_clears(explorer, moons):
    explorer.controls["activation"].value = "relu"
    explorer.controls["depth"].value = lab.MAX_DEPTH
    explorer.controls["width"].value = 1
    norms = explorer.result.norms
    assert np.any(norms == 0)  # with these seeds a width-1 ReLU chain dies
    assert "exactly zero gradient" in explorer.message.value
    assert explorer.result.note in explorer.message.value
    explorer.controls["width"].value = 8
    assert explorer.message.value == ""
    assert explorer.result.note is None


def test_a_failing_computation_shows_a_message_and_keeps_the_figure(explorer, monkeypatch):
    def fail(*args, **kwargs):
        raise ValueError("layer_sizes must list at least two whole numbers >= 1")

    monkeypatch.setattr(lab, "gradient_norms", fail)
    image, norms = explorer.image.value, explorer.result.norms
    explorer.controls["width"].value = 3
    assert "layer_sizes must list" in explorer.message.value
    assert "Traceback" not in explorer.message.value
    assert explorer.image.value == image
    assert explorer.result.norms is norms
