"""Notebook 10's capstone (backprop_lib.lessons.capstone) and its check
(backprop_lib.exercises.capstone_checks): the forward pass is the written-out one and the core's;
the Value engine's gradients are central differences of J for every node and parameter; right
answers pass, each catalogued mistake is told by its own message, broken answers get messages,
the library's answers are refused; train() with the reference gradients learns the ten digits.
"""

from pathlib import Path

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib import exercises
from backprop_lib.data import load_image_dataset
from backprop_lib.exercises import capstone_checks, capstone_mistakes
from backprop_lib.exercises.checking import draw_cases
from backprop_lib.exercises.judging import judge
from backprop_lib.lessons import batchnorm_graph, capstone, deep_mlp
from tests.honest_answers import HONEST, capstone_step_by_step
from tests.test_exercises_catalogue import assert_told, outcomes

STEP = capstone_checks.CAPSTONE_BACKWARD
HIDDEN_SEEDS = (3, 7, 11)
SHAPES = ((4, 3, 3, 5), (3, 1, 2, 2))
DATA = Path(__file__).resolve().parent.parent / "data"


def _network(n_0, n_1, K, m, seed=1):
    rng = np.random.default_rng(seed)
    params = capstone.init_params(n_0, n_1, K, seed)
    params = {k: v + 0.3 * rng.standard_normal(v.shape) for k, v in params.items()}
    X = rng.standard_normal((n_0, m))
    return params, X, bp.one_hot(rng.integers(0, K, m), K)


def _close(a, b, scale, tolerance=1e-7):
    return a.shape == b.shape and np.max(np.abs(a - b)) <= tolerance * scale


# ----- the forward pass and the reference ------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
def test_forward_steps_is_the_written_out_forward_and_the_cores(shape):
    params, X, Y = _network(*shape)
    nodes = capstone.forward_steps(params, X, Y)
    assert list(nodes) == list(capstone.NODES)
    z1 = params["W1"] @ X + params["b1"]
    mu = z1.mean(axis=1, keepdims=True)
    variance = ((z1 - mu) ** 2).mean(axis=1, keepdims=True)
    z_hat = (z1 - mu) / np.sqrt(variance + 1e-5)
    h = np.tanh(params["gamma"] * z_hat + params["beta"])
    p = np.exp(params["W2"] @ h + params["b2"])
    p /= p.sum(axis=0)
    for name, want in (("z1", z1), ("mu", mu), ("variance", variance), ("z_hat", z_hat)):
        assert np.allclose(nodes[name], want, rtol=1e-12, atol=1e-12)
    u = bp.batchnorm_forward(z1, params["gamma"], params["beta"], capstone.EPSILON)
    assert np.allclose(nodes["u"], u) and np.allclose(nodes["h"], h) and np.allclose(nodes["p"], p)
    assert np.allclose(nodes["p"], bp.softmax(nodes["z2"]))
    assert np.isclose(nodes["J"], -np.sum(Y * np.log(p)) / X.shape[1])


@pytest.mark.parametrize("shape", SHAPES)
def test_the_engines_gradients_are_central_differences_for_every_node_and_parameter(shape):
    params, X, Y = _network(*shape)
    engine = capstone.engine_gradients(params, X, Y)
    numeric = capstone.numerical_gradients(params, X, Y)
    scale = max(np.max(np.abs(g)) for g in engine.values())
    assert list(engine) == list(capstone.ORDER)
    for name in capstone.ORDER:
        assert _close(engine[name], numeric[name], scale, 1e-7), name
    assert np.max(np.abs(engine["b1"])) < 1e-12  # batch normalisation subtracts b1 again
    assert np.allclose(engine["p"], -Y / (X.shape[1] * capstone.forward_steps(params, X, Y)["p"]))


@pytest.mark.parametrize("seed", (0, *HIDDEN_SEEDS))
def test_the_catalogues_right_answer_gives_the_checks_engine_gradients(seed):
    for case in draw_cases(STEP, seed):
        cache, params, Y = case.args
        reference = capstone_mistakes.planted()(cache, params, Y)
        scale = max(np.max(np.abs(e)) for e in case.expected)
        for name, expected in zip(capstone.ORDER, case.expected, strict=True):
            assert _close(reference[name], expected, scale, 1e-10), name
    small = draw_cases(STEP, 0)[1].args[0]
    assert small["z1"].shape == (1, 2)


# ----- right and wrong answers -----------------------------------------------------------------


@pytest.mark.parametrize("seed", (0, *HIDDEN_SEEDS))
def test_right_answers_written_step_by_step_pass(seed):
    for fn in HONEST["capstone_backward"]:
        result = exercises.check("capstone_backward", fn, seed=seed)
        assert result.passed, f"{fn.__name__}, seed {seed}: {result.message}"
    assert exercises.check("capstone_backward", capstone_step_by_step).message == (
        "right: capstone_backward passed 3 checks against the Value engine's gradients and "
        "central differences."
    )


def test_central_differences_refuse_what_a_wrong_reference_would_pass(monkeypatch):
    """The check compares each gradient with central differences too: with the engine's dJ/dW2
    doubled, an answer equal to it fails all the same, told by the slopes."""

    def doubled(params, X, Y):
        grads = capstone.engine_gradients(params, X, Y)
        return grads | {"W2": 2 * grads["W2"]}

    monkeypatch.setattr(capstone_checks, "engine_gradients", doubled)
    cases = draw_cases(STEP, 0)

    def answer(cache, params, Y):  # what the wrong reference says
        return doubled(params, cache["X"], Y)

    message = judge(STEP, cases, outcomes(STEP, answer, cases)).message
    assert message.startswith("wrong: dJ/dW2 (p, z2 right): yours gives J a slope of"), message
    assert "where central differences measure" in message


@pytest.mark.parametrize("seed", (0, *HIDDEN_SEEDS))
def test_each_mistake_is_told_by_its_own_message(seed):
    cases = draw_cases(STEP, seed)
    for mistake in STEP.mistakes:
        assert_told(STEP, mistake, cases)


def test_the_catalogue_names_what_the_issue_lists():
    said = " ".join(m.message for m in STEP.mistakes)
    for words in (
        "dJ/db2 (p, z2, W2 right): yours has one column per example",
        "dJ/dbeta",
        "dJ/dgamma",
        "dJ/dmu",
        "dJ/dvariance",
        "m - 1",
        "the path through the variance",
        "the path through the mean",
        "left out the 1/m of the mean cost",
        "dJ/dh = W2^T dJ/dz2",
        "dJ/dW1 = dJ/dz1 X^T",
        "tanh'(u) as 1 - h;",
    ):
        assert words in said, words


def _with(**changes):
    def answer(cache, params, Y):
        grads = capstone_step_by_step(cache, params, Y)
        return {k: v for k, v in (grads | changes).items() if v is not ...}

    return answer


def test_broken_answers_get_messages():
    def check(fn):
        return exercises.check("capstone_backward", fn).message

    assert check(lambda cache, params, Y: None).startswith("wrong: return a dict with one")
    assert "your dict has no 'mu', 'b1'" in check(_with(mu=..., b1=...))
    assert check(_with(W1=np.zeros((2, 2)))) == (
        "wrong: dJ/dW1 (p, z2, W2, b2, h, u, gamma, beta, z_hat, variance, mu, z1 right): "
        "yours has shape (2, 2) but must have shape (3, 4)."
    )
    assert "dJ/dh contains NaN" in check(_with(h=np.full((3, 5), np.nan)))
    assert "grads['u'] (dJ/du) is None" in check(_with(u=None))
    half = check(lambda c, q, Y: capstone_step_by_step(c, q, Y) | {"p": -Y / c["p"] / 10})
    assert half.startswith("wrong: dJ/dp: yours is 0.5 times the right one")

    def raises(cache, params, Y):
        return cache["nothing"]

    assert check(raises).startswith("wrong: capstone_backward raised KeyError: 'nothing'.")

    def in_place(cache, params, Y):
        cache["p"] -= Y
        return capstone_step_by_step(cache, params, Y)

    assert check(in_place).startswith("wrong: capstone_backward changed cache['p'] in place")


@pytest.mark.parametrize(
    "delegates",
    [
        lambda c, q, Y: capstone.engine_gradients(q, c["X"], Y),
        lambda c, q, Y: capstone.numerical_gradients(q, c["X"], Y),
        lambda c, q, Y: batchnorm_graph.backward_steps(c["u"], c),
        lambda c, q, Y: bp.batchnorm_backward(c["u"], c["z1"], q["gamma"], 1e-5),
        lambda c, q, Y: bp.weight_gradient(c["p"] - Y, c["h"]),
        lambda c, q, Y: bp.softmax_cross_entropy_delta(c["p"], Y),
    ],
)
def test_the_librarys_answers_are_refused(delegates):
    result = exercises.check("capstone_backward", delegates)
    assert result.status == "wrong" and "the library's own answer" in result.message


def test_the_forward_pass_stays_allowed():
    def forward_then_by_hand(cache, params, Y):
        again = capstone.forward_steps(params, cache["X"], Y)
        return capstone_step_by_step(again, params, Y)

    assert exercises.check("capstone_backward", forward_then_by_hand).passed


# ----- training ----------------------------------------------------------------------------------


def test_train_with_right_gradients_learns_the_ten_digits():
    X, labels, _, _, _ = load_image_dataset(DATA / "digits10_train.h5", DATA / "digits10_test.h5")
    X_fit, Y_fit, X_val, Y_val = deep_mlp.validation_split(X, bp.one_hot(labels, 10), seed=0)
    accuracy = capstone.train(
        capstone_mistakes.planted(), X_fit, Y_fit, X_val, Y_val, epochs=capstone.TEST_EPOCHS
    )
    assert accuracy > 0.95  # 362 of 377 when measured
