"""Notebook 09's checks (backprop_lib.exercises.optimizer_checks): one step of SGD with momentum
and one step of Adam, each updating lists of arrays in place. Right answers written two ways
pass; an answer that hands the step to the library's optimizers is refused; answers that put
new arrays in the lists, change the gradients or break get a message, never an error. Each
catalogued mistake is run as an answer by tests/test_exercises_catalogue.py, and here on more
hidden seeds.
"""

import json

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib import exercises
from backprop_lib.exercises.calling import observe_all
from backprop_lib.exercises.checking import draw_cases
from backprop_lib.exercises.diagnosis import matches
from backprop_lib.exercises.judging import judge
from backprop_lib.grading.runner import cases_for
from backprop_lib.grading.transport import decode, encode
from tests.honest_answers import HONEST
from tests.test_exercises_catalogue import outcomes

NAMES = ("momentum_step", "adam_step")
HIDDEN_SEEDS = (3, 7, 11, 20)


# ----- the library's optimizers, driven through their documented state -------------------------


def _step_from(optimizer, params, grads, state, t=None):
    """One step of ``optimizer`` from the given state (lists of arrays, one list per kind):
    a first step on copies with zero gradients makes its ``state``, which is then set."""
    optimizer.step([p.copy() for p in params], [np.zeros_like(g) for g in grads])
    if t is not None:
        optimizer.t = t - 1
    for kept, given in zip(optimizer.state, zip(*state, strict=True), strict=True):
        for k, s in zip(kept, given, strict=False):  # Adam's third array is its scratch space
            k[...] = s
    optimizer.step(params, grads)
    for kept, given in zip(optimizer.state, zip(*state, strict=True), strict=True):
        for k, s in zip(kept, given, strict=False):
            s[...] = k


def momentum_through(sgd, params, grads, velocities, learning_rate, momentum):
    _step_from(sgd(learning_rate, momentum), params, grads, [velocities])


def adam_through(adam, params, grads, ms, vs, t, learning_rate, beta1, beta2, epsilon, decay):
    _step_from(adam(learning_rate, beta1, beta2, epsilon, decay), params, grads, [ms, vs], t)


THROUGH = {"momentum_step": (bp.SGD, momentum_through), "adam_step": (bp.Adam, adam_through)}


@pytest.mark.parametrize("name", NAMES)
def test_the_library_takes_the_right_step_when_nothing_watches(name):
    """So that the refusal below is the watch's doing, not a wrong answer's."""
    step = exercises.STEPS[name]
    optimizer, through = THROUGH[name]
    for case in draw_cases(step, 0):
        value = step.observe(through(optimizer, *case.args), case)
        assert matches(step.read(value, case), case.expected)


@pytest.mark.parametrize("name", NAMES)
def test_handing_the_step_to_the_librarys_optimizer_is_refused(name):
    optimizer, through = THROUGH[name]

    def delegating(*args):
        return through(optimizer, *args)

    message = exercises.check(name, delegating).message
    assert message.startswith(
        f"wrong: {name} used backprop_lib.optimizers, the library's own answer to this exercise"
    ), message


# ----- right answers ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_right_answers_written_two_ways_pass_on_the_visible_and_hidden_seeds(name):
    for fn in HONEST[name]:
        for seed in (0, *HIDDEN_SEEDS):
            result = exercises.check(name, fn, seed=seed)
            assert result.passed, f"{fn.__name__}, seed {seed}: {result.message}"


def test_the_right_answers_messages():
    assert exercises.check("momentum_step", HONEST["momentum_step"][0]).message == (
        "right: momentum_step passed 4 checks against the library's SGD with momentum."
    )
    assert exercises.check("adam_step", HONEST["adam_step"][0]).message == (
        "right: adam_step passed 4 checks against the library's Adam."
    )


def test_the_first_steps_are_the_hand_worked_ones():
    """Step 1 of momentum, from v = 0: v = g and theta - eta g. Step 1 of Adam without weight
    decay: m_hat = g and v_hat = g^2, so theta moves by eta g / (|g| + epsilon), about eta."""
    cases = draw_cases(exercises.STEPS["momentum_step"], 0)
    first = next(case for case in cases if case.context["expression"].startswith("step 1 "))
    params, grads, velocities, rate, _ = first.args
    n = len(params)
    assert not any(np.any(v) for v in velocities)
    for p, g, p_after, v_after in zip(
        params, grads, first.expected[:n], first.expected[n:], strict=True
    ):
        assert np.allclose(v_after, g, rtol=1e-12) and np.allclose(p_after, p - rate * g)
    first = draw_cases(exercises.STEPS["adam_step"], 0)[0]
    params, grads, ms, vs, t, rate, _, _, epsilon, decay = first.args
    assert t == 1 and decay == 0 and not any(np.any(a) for a in (*ms, *vs))
    for p, g, p_after in zip(params, grads, first.expected[: len(params)], strict=True):
        assert np.allclose(p_after, p - rate * g / (np.abs(g) + epsilon), rtol=1e-12)


def test_the_cases_cover_the_first_and_later_steps_and_share_a_shape_first():
    momentum = draw_cases(exercises.STEPS["momentum_step"], 7)
    adam = draw_cases(exercises.STEPS["adam_step"], 7)
    for cases in (momentum, adam):
        first = cases[0].args[0]
        assert len(first) == 2 and first[0].shape == first[1].shape  # one shared velocity fits
    assert {c.context["expression"].split(" with")[0] for c in momentum} >= {"step 1", "step 5"}
    assert {case.args[4] for case in adam} >= {1, 10}
    assert {case.args[-1] == 0 for case in adam} == {True, False}


# ----- answers that do not change the arrays they were given ---------------------------------


def momentum_new_arrays(params, grads, velocities, learning_rate, momentum):
    for i in range(len(params)):
        velocities[i] = momentum * velocities[i] + grads[i]
        params[i] = params[i] - learning_rate * velocities[i]


def momentum_returned(params, grads, velocities, learning_rate, momentum):
    new = [momentum * v + g for v, g in zip(velocities, grads, strict=True)]
    return [p - learning_rate * v for p, v in zip(params, new, strict=True)], new


def adam_new_moments(params, grads, ms, vs, t, learning_rate, beta1, beta2, epsilon, decay):
    for i, (p, g) in enumerate(zip(params, grads, strict=True)):
        ms[i] = beta1 * ms[i] + (1 - beta1) * g
        vs[i] = beta2 * vs[i] + (1 - beta2) * g * g
        p *= 1 - learning_rate * decay
        p -= learning_rate * ms[i] / (1 - beta1**t) / (np.sqrt(vs[i] / (1 - beta2**t)) + epsilon)


def test_new_arrays_in_the_lists_are_named():
    assert exercises.check("momentum_step", momentum_new_arrays).message == (
        "wrong: momentum_step put new arrays in params and velocities instead of changing the "
        "arrays it was given: the caller keeps those arrays, so update each in place "
        "(with -=, *=, += or [...] =)."
    )
    message = exercises.check("adam_step", adam_new_moments).message
    assert message.startswith("wrong: adam_step put new arrays in ms and vs instead of"), message


def test_returned_arrays_are_not_read():
    assert exercises.check("momentum_step", momentum_returned).message == (
        "wrong: momentum_step left params and velocities as they were (it returned a tuple of "
        "2; what it returns is not read): update their arrays in place."
    )


def test_a_learning_rate_inside_the_velocity_is_told_apart_from_these_velocities():
    """b = mu b + eta g, theta -= b is the same method for a fixed eta, but its velocities are
    eta times the ones asked for: wrong, and by none of the catalogued mistakes."""

    def rate_inside(params, grads, velocities, learning_rate, momentum):
        for p, g, v in zip(params, grads, velocities, strict=True):
            v *= momentum
            v += learning_rate * g
            p -= v

    message = exercises.check("momentum_step", rate_inside).message
    assert message.startswith("wrong: your params[0] differs from the library's SGD"), message


# ----- broken answers: a message, never an error ---------------------------------------------


def _momentum_then(change):
    """The right momentum step, then ``change(params, grads, velocities)``."""

    def momentum_step(params, grads, velocities, learning_rate, momentum):
        for p, g, v in zip(params, grads, velocities, strict=True):
            v *= momentum
            v += g
            p -= learning_rate * v
        change(params, grads, velocities)

    return momentum_step


def _set_nan(params, grads, velocities):
    params[0][...] = np.nan


def _scale_grads(params, grads, velocities):
    grads[0] *= 2


def _append(params, grads, velocities):
    velocities.append(np.zeros(1))


def _flatten(params, grads, velocities):
    params[0].shape = (-1,)


def _raise(*args):
    raise KeyError("velocity")


@pytest.mark.parametrize(
    ("fn", "words"),
    [
        (_raise, "wrong: momentum_step raised KeyError: 'velocity'. params, grads and velocities"),
        (_momentum_then(_set_nan), "wrong: your params[0] contains NaN or inf"),
        (_momentum_then(_scale_grads), "wrong: momentum_step changed grads[0]: leave the "),
        (_momentum_then(_append), "velocities holds 3 arrays instead of 2: add or remove none"),
        (_momentum_then(_flatten), "your params[0] has shape (6,) but must have shape (2, 3)."),
    ],
)
def test_a_broken_answer_is_described_not_raised(fn, words):
    result = exercises.check("momentum_step", fn)
    assert result.status == "wrong" and words in result.message, result.message


def test_a_broken_adam_step_is_described_too():
    def none_for_a_moment(params, grads, ms, vs, *numbers):
        ms[0] = None

    message = exercises.check("adam_step", none_for_a_moment).message
    assert message.startswith("wrong: adam_step put new arrays in ms instead of"), message


# ----- the catalogue on more hidden seeds, and the grader's way of judging ------------------


@pytest.mark.parametrize("seed", HIDDEN_SEEDS)
@pytest.mark.parametrize("name", NAMES)
def test_each_mistake_is_told_by_its_own_message_on_other_seeds_too(name, seed):
    step = exercises.STEPS[name]
    for mistake in step.mistakes:
        cases = draw_cases(step, seed)
        assert judge(step, cases, outcomes(step, mistake.fn, cases)).message == mistake.message


@pytest.mark.parametrize("name", NAMES)
def test_outcomes_made_without_the_right_answers_and_sent_as_json_are_judged_alike(name):
    """The grader draws the inputs without their context in the student's process and judges
    there what came back as JSON: the in-place rules must not rely on the context."""
    step = exercises.STEPS[name]
    answers = {"momentum_step": momentum_new_arrays, "adam_step": adam_new_moments}
    for fn in (*HONEST[name], answers[name], momentum_returned):
        made = observe_all(step, fn, cases_for(name, 7))
        sent = json.loads(json.dumps([{**o, "value": encode(o.get("value"))} for o in made]))
        back = [{**o, "value": decode(o["value"])} for o in sent]
        verdict = judge(step, draw_cases(step, 7), back)
        assert verdict.message == exercises.check(name, fn, seed=7).message
