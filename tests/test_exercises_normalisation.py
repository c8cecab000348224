"""Notebook 10's checks (backprop_lib.exercises.normalisation_checks): the backward passes of
batch normalisation and of inverted dropout. Right answers written in different ways pass on
the visible and hidden seeds; each catalogued mistake is told by its own message, here on more
hidden seeds than tests/test_exercises_catalogue.py runs; the library's answers are refused
however they are reached; broken answers get a message, and the check never raises.
"""

import json

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib import exercises, propagation
from backprop_lib.exercises import normalisation_checks
from backprop_lib.exercises.calling import observe_all
from backprop_lib.exercises.checking import CheckResult, draw_cases
from backprop_lib.exercises.diagnosis import matches
from backprop_lib.exercises.judging import judge
from backprop_lib.grading.runner import cases_for
from backprop_lib.grading.transport import decode, encode
from backprop_lib.lessons import batchnorm_graph
from tests.honest_answers import HONEST, batchnorm_compact
from tests.test_exercises_catalogue import assert_told

NAMES = ("batchnorm_backward", "dropout_backward")
HIDDEN_SEEDS = (3, 7, 11)
BATCHNORM = normalisation_checks.BATCHNORM_BACKWARD
DROPOUT = normalisation_checks.DROPOUT_BACKWARD


# ----- the cases and their reference ---------------------------------------------------------


def _central_differences(f, x, epsilon=1e-6):
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        step = np.zeros(x.shape)
        step[index] = epsilon
        grad[index] = (f(x + step) - f(x - step)) / (2 * epsilon)
    return grad


def _numerical_backward(d_out, z, gamma, epsilon):
    """Central differences of J = sum(d_out * out), whose dJ/dout is d_out, in z, gamma, beta."""
    beta = np.zeros_like(gamma)

    def J(z, gamma, beta):
        return float(np.sum(d_out * bp.batchnorm_forward(z, gamma, beta, epsilon)))

    return (
        _central_differences(lambda v: J(v, gamma, beta), z),
        _central_differences(lambda v: J(z, v, beta), gamma),
        _central_differences(lambda v: J(z, gamma, v), beta),
    )


def test_the_reference_is_the_gradient_of_batchnorm_forward():
    """The visible cases but the batch of 100."""
    for case in draw_cases(BATCHNORM, 0)[:3]:
        numeric = _numerical_backward(*case.args)
        for got, want in zip(case.expected, numeric, strict=True):
            assert np.max(np.abs(got - want)) <= 1e-6 * max(1.0, np.max(np.abs(want)))


def test_the_cases_hold_one_unit_of_two_examples_a_large_batch_and_gammas_not_one():
    for seed in (0, *HIDDEN_SEEDS):
        cases = draw_cases(BATCHNORM, seed)
        shapes = [case.args[1].shape for case in cases]
        assert shapes[1][0] == 1 and min(m for _, m in shapes) >= 2
        assert max(m for _, m in shapes) >= 50
        assert sum(not np.all(case.args[2] == 1) for case in cases) >= 3
        assert len({case.args[3] for case in cases}) == len(cases)
    assert draw_cases(BATCHNORM, 0)[1].args[1].shape == (1, 2)
    for case in draw_cases(DROPOUT, 0):
        mask = case.args[1]
        assert mask.dtype == bool and mask.any() and not mask.all()


def test_the_planted_answer_with_nothing_changed_is_the_reference():
    """The mistakes are written from the mathematics, beside the core's own formula: with no
    change, they give its answer (step by step and in the compact form)."""
    for seed in (0, *HIDDEN_SEEDS):
        for case in draw_cases(BATCHNORM, seed):
            for planted in (
                normalisation_checks._batchnorm(),
                normalisation_checks._batchnorm(compact=True),
            ):
                assert matches(planted(*case.args), case.expected)


# ----- right answers -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_right_answers_written_different_ways_pass_on_the_visible_and_hidden_seeds(name):
    for fn in HONEST[name]:
        for seed in (0, *HIDDEN_SEEDS):
            result = exercises.check(name, fn, seed=seed)
            assert result.passed, f"{getattr(fn, '__name__', fn)}, seed {seed}: {result.message}"


def test_the_right_answers_messages():
    assert exercises.check("batchnorm_backward", batchnorm_compact).message == (
        "right: batchnorm_backward passed 4 checks against the library's batchnorm_backward."
    )
    assert exercises.check("dropout_backward", HONEST["dropout_backward"][0]).message == (
        "right: dropout_backward passed 4 checks against the library's dropout_backward."
    )


# ----- the catalogue, on more hidden seeds -------------------------------------------------------


@pytest.mark.parametrize("seed", HIDDEN_SEEDS)
@pytest.mark.parametrize("name", NAMES)
def test_each_mistake_is_told_by_its_own_message_on_other_seeds_too(name, seed):
    step = exercises.STEPS[name]
    cases = draw_cases(step, seed)
    for mistake in step.mistakes:
        assert_told(step, mistake, cases)


def test_the_catalogues_name_what_the_issue_lists():
    said = " ".join(m.message for m in BATCHNORM.mistakes)
    for words in (
        "path through the mean mu",
        "path through the variance",
        "m - 1",
        "over the units (axis=0)",
        "leaves out gamma",
        "one column per example",
    ):
        assert words in said, words
    said = " ".join(m.message for m in DROPOUT.mistakes)
    for words in ("did not apply the mask", "left out the scaling", "divided by keep_prob twice"):
        assert words in said, words
    assert "multiplied by keep_prob" in said and "the wrong way round" in said


def _axis_0_sums_only(d_out, z, gamma, epsilon):
    """The statistics over the batch, rightly, but dgamma and dbeta summed over the units."""
    dz, _, _ = batchnorm_compact(d_out, z, gamma, epsilon)
    z_hat = (z - z.mean(axis=1, keepdims=True)) / np.sqrt(z.var(axis=1, keepdims=True) + epsilon)
    return dz, (d_out * z_hat).sum(axis=0, keepdims=True), d_out.sum(axis=0, keepdims=True)


def _per_example_gamma_only(d_out, z, gamma, epsilon):
    dz, _, dbeta = batchnorm_compact(d_out, z, gamma, epsilon)
    return dz, d_out, dbeta


def test_a_sum_over_the_wrong_axis_or_none_is_told_by_its_shape_when_no_mistake_gives_it():
    message = exercises.check("batchnorm_backward", _axis_0_sums_only).message
    assert message == (
        "wrong: your dgamma has shape (1, 5): you summed over the units (axis=0); gamma and beta "
        "have one entry per unit, so sum over the batch, along each row (axis=1, keepdims=True), "
        "shape (3, 1)."
    )
    message = exercises.check("batchnorm_backward", _per_example_gamma_only).message
    assert message.startswith("wrong: your dgamma has shape (3, 5), one entry per example"), message


def test_a_mask_of_zeros_and_ones_works_like_the_boolean_one():
    def with_floats(d_out, mask, keep_prob):
        return d_out * mask.astype(float) / keep_prob

    assert exercises.check("dropout_backward", with_floats).passed


# ----- the library's answers are out of reach ------------------------------------------------


class MaskDrawer(np.random.Generator):
    """A Generator whose random() draws 0 where ``mask`` is True and 1 elsewhere: with it,
    dropout_forward(d_out, keep_prob, ...) drops exactly the mask's units."""

    def __init__(self, mask):
        super().__init__(np.random.PCG64(0))
        self.mask = mask

    def random(self, size=None):
        return np.where(self.mask, 0.0, 1.0)


def through_dropout_forward(d_out, mask, keep_prob):
    return bp.dropout_forward(d_out, keep_prob, MaskDrawer(mask))[0]


def _identity_network(d_out, z, gamma):
    """An MLP whose one hidden layer's z^1 is z (W^1 = z, X = I) and whose deltas there are
    d_out: its gradients hold batchnorm_backward's answer (with the default epsilon) over m."""
    n, m = z.shape
    model = bp.MLP([m, n, n], "identity", "identity", "half_squared_error", batchnorm=True)
    model.weights[0], model.weights[1], model.gammas[0] = z.copy(), np.eye(n), gamma.copy()
    X = np.eye(m)
    Y = bp.batchnorm_forward(z, gamma, np.zeros((n, 1))) - d_out  # a - y = d_out
    return model, X, Y


def through_the_networks_gradients(d_out, z, gamma, epsilon):
    model, X, Y = _identity_network(d_out, z, gamma)
    dWs, _, dgammas, dbetas = model.gradients(X, Y)
    m = z.shape[1]
    return m * dWs[0], m * dgammas[0], m * dbetas[0]


def through_back_propagate(d_out, z, gamma, epsilon):
    model, X, Y = _identity_network(d_out, z, gamma)
    passed = propagation.forward_pass(model, X, training=True)
    m = z.shape[1]
    dWs, _, dgammas, dbetas = propagation.back_propagate(
        model, passed.Zs, passed.As, Y, m, passed.normalised
    )
    return m * dWs[0], m * dgammas[0], m * dbetas[0]


def through_the_lessons_graph(d_out, z, gamma, epsilon):
    nodes = batchnorm_graph.forward_steps(z, gamma, np.zeros_like(gamma), epsilon)
    grads = batchnorm_graph.backward_steps(d_out, nodes)
    return grads["z"], grads["gamma"], grads["beta"]


def by_central_differences(d_out, z, gamma, epsilon):
    beta = np.zeros_like(gamma)

    def J(z, gamma):
        return float(np.sum(d_out * bp.batchnorm_forward(z, gamma, beta, epsilon)))

    dz = bp.numerical_gradient(lambda v: J(v, gamma), z)
    return dz, bp.numerical_gradient(lambda v: J(z, v), gamma), d_out.sum(axis=1, keepdims=True)


ROUTES = [
    (
        "dropout_backward",
        through_dropout_forward,
        "called backprop_lib.normalisation.dropout_forward",
    ),
    (
        "batchnorm_backward",
        through_the_networks_gradients,
        "called backprop_lib.network.MLP.gradients",
    ),
    (
        "batchnorm_backward",
        through_back_propagate,
        "called backprop_lib.propagation.back_propagate",
    ),
    (
        "batchnorm_backward",
        by_central_differences,
        "called backprop_lib.gradcheck.numerical_gradient",
    ),
    ("batchnorm_backward", through_the_lessons_graph, "used backprop_lib.lessons.batchnorm_graph"),
]
"""(check, an answer that reaches the library's, what the refusal says it did)."""


def test_the_routes_give_the_right_answer_when_nothing_watches():
    """So that their refusal below is the watch's doing, not a wrong answer's."""
    for case in draw_cases(DROPOUT, 0):
        assert matches((through_dropout_forward(*case.args),), case.expected)
    case = draw_cases(BATCHNORM, 0)[0]
    assert case.args[3] == 1e-5  # the MLP's own epsilon
    routes = [r[1] for r in ROUTES if r[0] == "batchnorm_backward"]
    for route in routes:
        assert matches(route(*case.args), case.expected), route.__name__


@pytest.mark.parametrize(("name", "fn", "called"), ROUTES, ids=[r[1].__name__ for r in ROUTES])
def test_the_librarys_answer_is_refused_however_it_is_reached(name, fn, called):
    message = exercises.check(name, fn).message
    assert message.startswith(f"wrong: {name} {called}, the library's own answer to this"), message


def compact_with_the_library(d_out, z, gamma, epsilon):
    """z_hat and the variance from the library's forward functions, the rest by hand."""
    _, variance = bp.batch_statistics(z)
    z_hat = bp.batchnorm_forward(z, np.ones_like(gamma), np.zeros_like(gamma), epsilon)
    g = gamma * d_out
    dz = g - g.mean(axis=1, keepdims=True) - z_hat * (g * z_hat).mean(axis=1, keepdims=True)
    dgamma, dbeta = (d_out * z_hat).sum(axis=1, keepdims=True), d_out.sum(axis=1, keepdims=True)
    return dz / np.sqrt(variance + epsilon), dgamma, dbeta


def test_the_forward_functions_stay_in_reach():
    """A student may use the library's forward pass, as the network checks let them run the
    model's: it is not the answer."""
    result = exercises.check("batchnorm_backward", compact_with_the_library, seed=3)
    assert result.passed, result.message


# ----- broken answers: a message, never an error ---------------------------------------------


def _right_then(change):
    def batchnorm_backward(d_out, z, gamma, epsilon):
        return change(batchnorm_compact(d_out, z, gamma, epsilon))

    return batchnorm_backward


def _in_place(d_out, z, gamma, epsilon):
    d_out *= gamma
    return batchnorm_compact(d_out, z, np.ones_like(gamma), epsilon)


def _raise(*args):
    raise ZeroDivisionError("division by zero")


BATCHNORM_BROKEN = [
    (_raise, "wrong: batchnorm_backward raised ZeroDivisionError: division by zero. d_out and z"),
    (_right_then(lambda parts: parts[0]), "as a tuple (dz, dgamma, dbeta); got a ndarray."),
    (_right_then(lambda parts: parts[:2]), "as a tuple (dz, dgamma, dbeta); got a tuple of 2."),
    (_right_then(lambda parts: (*parts, 0.0)), "(dz, dgamma, dbeta); got a tuple of 4."),
    (_right_then(lambda parts: (parts[0] * np.nan, *parts[1:])), "your dz contains NaN or inf"),
    (_right_then(lambda parts: (parts[0].T, *parts[1:])), "your dz has shape (5, 3) but must"),
    (_right_then(lambda parts: (parts[0], parts[1].ravel(), parts[2])), "keepdims=True"),
    (_right_then(lambda parts: (parts[0], "dgamma", parts[2])), "you returned a str for dgamma"),
    (_right_then(lambda parts: (parts[0], None, parts[2])), "you returned None for dgamma"),
    (_right_then(lambda parts: (parts[0], [[1.0], [2.0, 3.0]], parts[2])), "dgamma could not"),
    (_right_then(lambda parts: (parts[0].astype(int), *parts[1:])), "holds int64 numbers"),
    (_right_then(lambda parts: dict(enumerate(parts))), "got a dict."),
    (_in_place, "wrong: batchnorm_backward changed its argument d_out (in place): leave the"),
]


@pytest.mark.parametrize(("fn", "words"), BATCHNORM_BROKEN)
def test_a_broken_batchnorm_backward_is_described_not_raised(fn, words):
    result = exercises.check("batchnorm_backward", fn)
    assert result.status == "wrong" and words in result.message, result.message


def _masks_in_place(d_out, mask, keep_prob):
    mask[...] = True
    return d_out / keep_prob


DROPOUT_BROKEN = [
    (_raise, "wrong: dropout_backward raised ZeroDivisionError: division by zero. d_out and"),
    (lambda d_out, mask, keep_prob: mask, "your da holds integers or booleans: return floats"),
    (lambda d_out, mask, keep_prob: (d_out * mask / keep_prob,), "has shape (1, 3, 4) but must"),
    (lambda d_out, mask, keep_prob: d_out * mask / 0.0, "your da contains NaN or inf"),
    (lambda d_out, mask, keep_prob: "da", "you returned a str for da"),
    (lambda d_out, mask, keep_prob: object(), "you returned a object for da"),
    (lambda d_out, mask, keep_prob: (d_out * mask / keep_prob).T, "did you transpose?"),
    (_masks_in_place, "wrong: dropout_backward changed its argument mask (in place)"),
]


@pytest.mark.parametrize(("fn", "words"), DROPOUT_BROKEN)
def test_a_broken_dropout_backward_is_described_not_raised(fn, words):
    result = exercises.check("dropout_backward", fn)
    assert result.status == "wrong" and words in result.message, result.message


def _strange_values():
    """Things a function might return, however odd."""
    return [
        None,
        1.0,
        np.float64("nan"),
        (),
        [None] * 3,
        (1, 2, 3),
        ("a", "b", "c"),
        (np.zeros((1, 1)),) * 3,
        [[1.0], [2.0, 3.0]],
        np.array([1 + 2j]),
        np.array(["a"]),
        {"dz": 1},
        (x for x in range(3)),
        np.zeros((0,)),
        np.full((3, 5), np.inf),
    ]


@pytest.mark.parametrize("name", NAMES)
def test_the_check_never_raises_whatever_is_returned(name):
    for value in _strange_values():
        result = exercises.check(name, lambda *args, value=value: value)
        assert isinstance(result, CheckResult) and result.status == "wrong", value
        assert result.message.startswith("wrong: "), result.message


# ----- the grader's way of judging --------------------------------------------------------------


def _over_the_units(d_out, z, gamma, epsilon):
    """The compact form with every mean and sum over axis 0, as with examples in rows."""
    std = np.sqrt(z.var(axis=0, keepdims=True) + epsilon)
    z_hat = (z - z.mean(axis=0, keepdims=True)) / std
    g = gamma * d_out
    dz = (g - g.mean(axis=0, keepdims=True) - z_hat * (g * z_hat).mean(axis=0, keepdims=True)) / std
    return dz, np.sum(d_out * z_hat, axis=0, keepdims=True), np.sum(d_out, axis=0, keepdims=True)


SHAPED = {
    "batchnorm_backward": [_over_the_units, _axis_0_sums_only, _per_example_gamma_only],
    "dropout_backward": [lambda d_out, mask, keep_prob: d_out[mask] / keep_prob],
}
"""Students' answers of the wrong shape, named by the mistake that gives them or by the shape."""


def test_wrong_shapes_are_named_by_the_mistake_that_gives_them():
    assert exercises.check("batchnorm_backward", _over_the_units).message == (
        "wrong: you took the mean, the variance and the sums over the units (axis=0); batch "
        "normalisation normalises each unit over the batch: take them along each row, axis=1, "
        "keepdims=True, so that dgamma and dbeta are (3, 1)."
    )
    message = exercises.check("dropout_backward", SHAPED["dropout_backward"][0]).message
    assert message.startswith("wrong: d_out[mask] keeps the kept units' entries only"), message


@pytest.mark.parametrize("name", NAMES)
def test_outcomes_made_without_the_right_answers_and_sent_as_json_are_judged_alike(name):
    """The grader draws the inputs without their context in the student's process and judges
    there what came back as JSON: naming a wrong shape by its mistake must not rely on it."""
    step = exercises.STEPS[name]
    for fn in (*HONEST[name], *SHAPED[name]):
        made = observe_all(step, fn, cases_for(name, 7))
        sent = json.loads(json.dumps([{**o, "value": encode(o.get("value"))} for o in made]))
        back = [{**o, "value": decode(o["value"])} for o in sent]
        verdict = judge(step, draw_cases(step, 7), back)
        assert verdict.message == exercises.check(name, fn, seed=7).message
