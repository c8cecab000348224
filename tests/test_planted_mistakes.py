"""Tests of notebook 05's planted mistakes (backprop_lib.lessons.planted_mistakes): the backward
pass with swappable steps, each planted mistake computing its wrong formula, the check networks,
and every mistake caught by the gradient check on the right layers."""

from dataclasses import replace

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib import slips as bw
from backprop_lib.lessons import planted_mistakes as pm

UNIT_ROUNDOFF = np.finfo(float).eps / 2

# ----- the backward pass with swappable steps --------------------------------------------------

CONFIGURATIONS = [
    ("sigmoid", "sigmoid", "cross_entropy", 0.0),
    ("relu", "sigmoid", "cross_entropy", 0.7),
    ("tanh", "identity", "half_squared_error", 0.0),
    ("leaky_relu", "tanh", "squared_error", 0.3),
]


@pytest.mark.parametrize(("hidden", "output", "loss", "l2_lambda"), CONFIGURATIONS)
def test_right_steps_give_the_models_gradients(hidden, output, loss, l2_lambda):
    model = bp.MLP([3, 4, 5, 2], hidden, output, loss, l2_lambda=l2_lambda, seed=1)
    rng = np.random.default_rng(1)
    X = rng.standard_normal((3, 7))
    Y = rng.integers(0, 2, size=(2, 7)).astype(float)
    ours = pm.backward_pass(model, X, Y, pm.RIGHT_STEPS)
    theirs = model.gradients(X, Y)
    for a, b in zip(ours[0] + ours[1], theirs[0] + theirs[1], strict=True):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14)


def test_each_planted_bug_replaces_exactly_one_step():
    assert pm.replaced_steps(pm.RIGHT_STEPS) == {}
    replaced = [pm.replaced_steps(bug.steps) for bug in pm.PLANTED_BUGS]
    assert all(len(steps) == 1 for steps in replaced)
    assert all(bug.network in pm.CHECK_NETWORKS for bug in pm.PLANTED_BUGS)


# Who makes each mistake, read off the notes (../shared/seeds): 001 writes 2(a - 1) and gives
# the bias the weight's formula; 003 drops the minus sign of -y/a, writes lambda Theta without
# 1/m and regularises every Theta, bias column included; 004 takes Delta^L from the mean cost J
# and divides by m again. Note 004's code takes the derivative at z, and note 002 is right in
# its own notation, so the other three are classic mistakes that no note makes.
SOURCES = {
    "2(a - 1) for dC/da": "001",
    "bias gradient copied from w": "001",
    "wrong sign in dC/da": "003",
    "lambda W without /m": "003",
    "biases regularised": "003",
    "1/m twice (Delta^L from J)": "004",
    "g'(a) instead of g'(z)": pm.CLASSIC,
    "dW transposed (w_ij order)": pm.CLASSIC,
    "W not transposed in delta": pm.CLASSIC,
}


def test_each_planted_bug_names_its_true_source():
    assert {bug.name: bug.source for bug in pm.PLANTED_BUGS} == SOURCES
    labels = [bug.label for bug in pm.PLANTED_BUGS]
    assert labels[0] == "note 001: 2(a - 1) for dC/da"
    assert labels[-1] == "classic: W not transposed in delta"
    assert pm.CLASSIC == "a classic mistake, not in the notes"


def test_planted_steps_compute_the_wrong_formulas():
    a, y = np.array([[0.2, 0.9]]), np.array([[0.0, 1.0]])
    squared = bp.MLP([1, 1], loss="squared_error")
    np.testing.assert_allclose(bw.loss_prime_against_one(squared, a, y), 2 * (a - 1))
    np.testing.assert_allclose(bw.cross_entropy_prime_wrong_sign(None, a, y), [[1 / 0.8, 1 / 0.9]])
    W = np.array([[1.0, -2.0]])
    np.testing.assert_allclose(bw.l2_gradient_without_m(W, 0.5, 4), 0.5 * W)
    delta, a_prev = np.array([[1.0, 3.0]]), np.array([[2.0, 4.0]])  # one unit, two examples
    # (1*2 + 3*4) / 2 = 7, where the right bias gradient is (1 + 3) / 2 = 2.
    np.testing.assert_allclose(bw.bias_gradient_like_weight_gradient(delta, a_prev), [[7.0]])
    delta, a_prev = np.array([[1.0], [2.0]]), np.array([[3.0], [5.0], [7.0]])
    np.testing.assert_allclose(bw.weight_gradient_from_to(delta, a_prev), a_prev @ delta.T)
    W_next = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(
        bw.hidden_delta_untransposed(W_next, delta, np.ones((2, 1))), W_next @ delta
    )
    # 004's dJ/da^L of the mean cost: the per-example -y/a + (1 - y)/(1 - a), over m = 2.
    entropy = bp.MLP([1, 1], loss="cross_entropy")
    np.testing.assert_allclose(
        bw.loss_prime_of_mean_cost(entropy, a, y), [[1 / 0.8 / 2, -1 / 0.9 / 2]]
    )
    z = np.array([[-1.0, 0.5, 2.0]])
    np.testing.assert_allclose(pm.activation_prime_at_a(bp.sigmoid_prime, z, bp.sigmoid(z)),
                               bp.sigmoid_prime(bp.sigmoid(z)))  # fmt: skip
    integers = pm.activation_prime_as_integers(bp.relu_prime, z, bp.relu(z))
    assert integers.dtype.kind == "i"
    np.testing.assert_array_equal(integers, [[0, 1, 1]])


def test_delta_from_the_mean_cost_divides_every_gradient_by_m_once_more():
    # Note 004 without L2: its Delta^l = dJ/dZ^l already hold 1/m, and its gradient formulas
    # divide by m again, so every dJ/dW^l and dJ/db^l is the right one over m.
    model = bp.MLP([3, 4, 5, 2], "relu", "sigmoid", "cross_entropy", seed=2)
    rng = np.random.default_rng(2)
    X = rng.standard_normal((3, 7))
    Y = rng.integers(0, 2, size=(2, 7)).astype(float)
    steps = replace(pm.RIGHT_STEPS, loss_prime=bw.loss_prime_of_mean_cost)
    ours = pm.backward_pass(model, X, Y, steps)
    right = model.gradients(X, Y)
    for a, b in zip(ours[0] + ours[1], right[0] + right[1], strict=True):
        np.testing.assert_allclose(a, b / 7, rtol=1e-10, atol=1e-15)


def test_the_1_over_m_squared_slip_fails_every_layer_by_the_factor_m():
    # A gradient m times too small has relative error (m - 1) / (m + 1) on each non-zero
    # entry without an L2 term (every bias entry); the L2 term of W can only add to it.
    m = pm.CHECK_EXAMPLES
    (bug,) = [bug for bug in pm.PLANTED_BUGS if bug.source == "004"]
    for seed in range(5):
        errors = pm.check_steps(bug.steps, bug.network, seed=seed)
        assert min(errors) >= (m - 1) / (m + 1) - 1e-6, (seed, errors)


# ----- the check networks ------------------------------------------------------------------


@pytest.mark.parametrize("name", list(pm.CHECK_NETWORKS))
def test_check_networks_are_seeded_and_shaped(name):
    model, X, Y = pm.check_network(name, seed=3)
    again, X2, Y2 = pm.check_network(name, seed=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(Y, Y2)
    for b, b2 in zip(model.biases, again.biases, strict=True):
        np.testing.assert_array_equal(b, b2)
        assert np.all(b != 0)  # a zero bias would hide the regularised-bias mistake
    assert X.shape == (model.layer_sizes[0], pm.CHECK_EXAMPLES)
    assert Y.shape == (model.layer_sizes[-1], pm.CHECK_EXAMPLES)
    if model.loss_name == "cross_entropy":
        assert set(np.unique(Y)) <= {0.0, 1.0}
    else:
        assert np.all((Y > 0) & (Y < 1))  # never 1, or 2(a - 1) would be right
    if name != "chain":
        assert all(W.shape[0] == W.shape[1] for W in model.weights)


def test_check_network_rejects_an_unknown_name():
    with pytest.raises(ValueError, match="unknown check network 'wide'; expected one of chain"):
        pm.check_network("wide")


@pytest.mark.parametrize("name", list(pm.CHECK_NETWORKS))
def test_right_backward_pass_passes_on_each_check_network(name):
    model, X, Y = pm.check_network(name, seed=0)
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
    errors = pm.check_steps(pm.RIGHT_STEPS, name, seed=0)
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
    "1/m twice (Delta^L from J)": {1, 2, 3},
    "g'(a) instead of g'(z)": {1, 2},
    "dW transposed (w_ij order)": {1, 2, 3},
    "W not transposed in delta": {1, 2},
}


def test_every_planted_bug_has_its_expected_layers():
    assert set(WRONG_LAYERS) == {bug.name for bug in pm.PLANTED_BUGS}


@pytest.mark.parametrize("bug", pm.PLANTED_BUGS, ids=[bug.name for bug in pm.PLANTED_BUGS])
def test_the_check_catches_each_planted_bug_on_the_right_layers(bug):
    errors = pm.check_steps(bug.steps, bug.network, seed=0)
    for l, error in enumerate(errors, start=1):
        if l in WRONG_LAYERS[bug.name]:
            assert error > 1e-2, (l, errors)
        else:
            assert error < 1e-7, (l, errors)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("bug", pm.PLANTED_BUGS, ids=[bug.name for bug in pm.PLANTED_BUGS])
def test_planted_bugs_are_caught_with_other_seeds_too(bug, seed):
    errors = pm.check_steps(bug.steps, bug.network, seed=seed)
    assert all(errors[l - 1] > 1e-2 for l in WRONG_LAYERS[bug.name]), errors


def test_odd_but_right_steps_pass_on_relu_and_integer_sigmoid_fails():
    for step in (pm.activation_prime_as_integers, pm.activation_prime_at_a):
        steps = replace(pm.RIGHT_STEPS, activation_prime=step)
        assert max(pm.check_steps(steps, "relu", seed=0)) < 1e-7
    # sigma'(z) lies in (0, 1/4], so as integers it is 0: the hidden deltas vanish.
    steps = replace(pm.RIGHT_STEPS, activation_prime=pm.activation_prime_as_integers)
    errors = pm.check_steps(steps, "square", seed=0)
    assert errors[0] > 1e-2
    assert errors[1] > 1e-2
    assert errors[2] < 1e-7
