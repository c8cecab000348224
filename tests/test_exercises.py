"""backprop_lib.exercises: the check API, and what a check does with a bad answer.

A check must never raise or hang for a student's function, whatever it does: return None,
the wrong type or shape, NaN, raise, change its inputs, loop, print, warn or recurse. It
says what went wrong in one or two sentences. (The catalogue of mistakes of each check is
in test_exercises_steps.py and test_exercises_networks.py.)
"""

import dataclasses
import gc
import signal
import sys
import threading
import time

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib import exercises
from backprop_lib.exercises import checking
from tests.honest_answers import HONEST

SHORT = 0.05
"""A time limit short enough to keep the tests of endless functions fast."""


def sigmoid_prime(z):
    s = bp.sigmoid(z)
    return s * (1 - s)


def test_checks_lists_every_step_the_issue_names():
    assert set(exercises.CHECKS) == {
        "sigmoid_prime",
        "tanh_prime",
        "relu_prime",
        "squared_error_prime",
        "half_squared_error_prime",
        "cross_entropy_prime",
        "sigmoid_cross_entropy_delta",
        "linear_forward",
        "output_delta",
        "hidden_delta",
        "weight_gradient",
        "bias_gradient",
        "l2_gradient",
        "numerical_gradient",
        "relative_error",
        "neuron_gradients",
        "two_layer_backward_pass",
        "backward_pass",
        "spiral_settings",
        "local_derivatives",
        "backward_sweep",
        "softmax",
        "softmax_jacobian",
        "softmax_cross_entropy_delta",
        "minibatch_gradients",
        "momentum_step",
        "adam_step",
        "batchnorm_backward",
        "dropout_backward",
        "capstone_backward",
    }
    assert all(isinstance(text, str) and name in text for name, text in exercises.CHECKS.items())


def test_a_right_answer_gives_a_stable_one_line_message():
    result = exercises.check("sigmoid_prime", sigmoid_prime)
    assert result.passed and result.status == "right" and result.name == "sigmoid_prime"
    expected = "right: sigmoid_prime passed 4 checks against central differences of sigmoid(z)."
    assert repr(result) == str(result) == result.message == expected
    html = result._repr_html_()
    assert html == f'<span style="color: #007A5A">{expected}</span>'


def test_the_html_message_is_escaped_and_coloured_by_status():
    def tag(analytic, numerical):
        return "<b>"

    result = exercises.check("relative_error", tag)
    assert result.status == "wrong" and "you returned str" in result.message, result.message
    assert "&lt;b&gt;" not in result._repr_html_()  # the str is described, not echoed
    assert result._repr_html_().startswith('<span style="color: #B34F00">wrong: ')
    message = exercises.CheckResult("x", "wrong", "wrong: a < b & c")
    assert message._repr_html_() == '<span style="color: #B34F00">wrong: a &lt; b &amp; c</span>'


def test_not_done_yet_repeats_the_students_sentence():
    def stub(z):
        raise NotImplementedError("Return sigma'(z) = sigma(z)(1 - sigma(z)).")

    result = exercises.check("sigmoid_prime", stub)
    assert not result.passed and result.status == "not done"
    assert result.message == (
        "not done yet: sigmoid_prime raised NotImplementedError: Return sigma'(z) = "
        "sigma(z)(1 - sigma(z)). Replace the raise line with your code and run the cell again."
    )
    assert result._repr_html_().startswith('<span style="color: #0072B2">not done yet: ')


def test_not_done_yet_without_a_sentence():
    def stub(z):
        raise NotImplementedError

    assert exercises.check("sigmoid_prime", stub).message == (
        "not done yet: sigmoid_prime raised NotImplementedError. Replace the raise line with "
        "your code and run the cell again."
    )


def test_hidden_and_visible_seeds_draw_different_inputs():
    seen = []

    def recording(z):
        seen.append(z.copy())
        return sigmoid_prime(z)

    exercises.check("sigmoid_prime", recording, seed=0)
    exercises.check("sigmoid_prime", recording, seed=7)
    assert len(seen) == 8 and not np.array_equal(seen[0], seen[4])
    assert [z.shape for z in seen[:4]] == [(3, 5), (1, 1), (4, 1), (2, 400)]  # m = 1, large m


def test_the_instructors_mistakes_raise():
    with pytest.raises(ValueError, match="unknown check 'sigmoid'; expected one of"):
        exercises.check("sigmoid", sigmoid_prime)
    with pytest.raises(ValueError, match="seed must be a whole number"):
        exercises.check("sigmoid_prime", sigmoid_prime, seed=-1)


@pytest.mark.parametrize(
    ("fn", "words"),
    [
        (None, "pass your function itself to check, without calling it; got None."),
        (np.zeros(3), "pass your function itself to check, without calling it; got a ndarray"),
        (lambda z: None, "you returned None for sigma'(z): did you forget the return line?"),
        (lambda z: "0.25", "you returned a str for sigma'(z); expected an array of numbers"),
        (lambda z: {"a": 1}, "you returned a dict for sigma'(z)"),
        (lambda z: [[1.0, 2.0], [3.0]], "sigma'(z) could not be read as an array"),
        (lambda z: sigmoid_prime(z)[:, :1], "has shape (3, 1) but must have shape (3, 5)."),
        (lambda z: sigmoid_prime(z).T, "has shape (5, 3) but must have shape (3, 5): did you"),
        (lambda z: sigmoid_prime(z).ravel(), "has shape (15,) but must have shape (3, 5)."),
        (lambda z: float(sigmoid_prime(z).mean()), "has shape () but must have shape (3, 5)."),
        (lambda z: sigmoid_prime(z) * np.nan, "contains NaN or inf"),
        (lambda z: np.log(z - z), "contains NaN or inf (a division by zero, or the log of 0?)"),
        (lambda z: 1 / 0, "raised ZeroDivisionError: division by zero."),
        (lambda z: z @ z, "raised ValueError: matmul: Input operand 1 has a mismatch"),
        (lambda z: sys.exit(3), "raised SystemExit: 3."),
    ],
)
def test_a_bad_answer_is_described_not_raised(fn, words):
    result = exercises.check("sigmoid_prime", fn)
    assert result.status == "wrong" and words in result.message, result.message
    assert result.message.startswith("wrong: ")


def test_an_exception_message_is_cut_to_one_short_line():
    def long_error(z):
        raise ValueError("x" * 500 + "\nsecond line")

    message = exercises.check("sigmoid_prime", long_error).message
    assert "second line" not in message and len(message) < 250 and "xxx..." in message


def test_a_function_that_changes_its_input_is_named():
    def in_place(z):
        s = bp.sigmoid(z)
        z *= 0
        return s * (1 - s)

    message = exercises.check("sigmoid_prime", in_place).message
    assert message == (
        "wrong: sigmoid_prime changed its argument z (in place): leave the inputs as they are "
        "and compute new arrays (for example work on a copy)."
    )


def test_a_function_that_sleeps_past_the_limit_is_stopped():
    def sleeps(z):
        time.sleep(10)

    start = time.monotonic()
    result = exercises.check("sigmoid_prime", sleeps, seconds=SHORT)
    assert time.monotonic() - start < 2
    assert result.message == (
        "wrong: sigmoid_prime did not finish within 0.05 s: is there an endless loop?"
    )


def test_an_endless_loop_that_catches_exceptions_is_stopped_too():
    def stubborn(z):
        while True:
            try:
                time.sleep(1)
            except Exception:  # the student's broad except must not swallow the time limit
                continue

    result = exercises.check("sigmoid_prime", stubborn, seconds=SHORT)
    assert "did not finish within 0.05 s" in result.message


def test_an_endless_loop_of_python_calls_is_told_as_such_not_as_tampering():
    """The alarm may strike inside the watch's hook, which then goes: still a time limit."""

    def calls_without_end(z):
        def step(v):
            return v

        while True:  # the hook runs at every call: the alarm mostly strikes inside it
            z = step(z)

    result = exercises.check("sigmoid_prime", calls_without_end, seconds=SHORT)
    assert "did not finish within 0.05 s" in result.message, result.message


def test_the_collector_is_paused_while_the_function_runs_and_restored_after():
    """A collection of other code's garbage would bill its time to the student's call, and
    its callbacks would swallow the time limit's alarm."""
    seen = []

    def records(z):
        seen.append(gc.isenabled())
        return bp.sigmoid(z) * (1 - bp.sigmoid(z))

    assert gc.isenabled()
    exercises.judging.run(exercises.STEPS["sigmoid_prime"], records)
    assert seen and not any(seen)
    assert gc.isenabled()


def test_the_time_limit_puts_back_the_previous_alarm_handler():
    def mine(signum, frame):
        pass

    def sleeps(z):
        time.sleep(10)

    previous = signal.signal(signal.SIGALRM, mine)
    try:
        stopped = exercises.check("sigmoid_prime", sleeps, seconds=SHORT)
        assert "did not finish within 0.05 s" in stopped.message
        exercises.check("sigmoid_prime", sigmoid_prime)
        assert signal.getsignal(signal.SIGALRM) is mine
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_a_running_timer_is_put_back():
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: None)
    try:
        signal.setitimer(signal.ITIMER_REAL, 30.0)
        exercises.check("sigmoid_prime", sigmoid_prime)
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 25.0 < remaining <= 30.0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_outside_the_main_thread_a_check_runs_without_a_limit():
    results = []
    worker = threading.Thread(
        target=lambda: results.append(exercises.check("sigmoid_prime", sigmoid_prime))
    )
    worker.start()
    worker.join()
    assert results[0].passed


def test_endless_recursion_is_named():
    def recurse(z):
        return recurse(z)

    assert exercises.check("sigmoid_prime", recurse).message == (
        "wrong: sigmoid_prime raised RecursionError even with 50000 levels of recursion "
        "allowed: does it call itself without end?"
    )


def test_prints_and_warnings_inside_the_students_function_stay_hidden(capsys):
    def chatty(z):
        print("debugging", z.shape)
        np.log(-1.0 * np.ones(1))  # a RuntimeWarning (the tests turn warnings into errors)
        return sigmoid_prime(z)

    assert exercises.check("sigmoid_prime", chatty).passed
    assert capsys.readouterr() == ("", "")


def test_the_checks_do_not_trust_the_library(monkeypatch):
    """A library function replaced in the kernel is not believed: while it is replaced every
    check says so, whatever the answer, and once it is back a student's formula passes.
    (The right answers come from central differences, never from the library.)"""

    def weight_gradient(d, a):
        return d @ a.T / d.shape[1]

    monkeypatch.setattr(bp, "sigmoid_prime", lambda z: bp.sigmoid(z))
    monkeypatch.setattr(bp, "weight_gradient", lambda delta, a_prev: delta @ a_prev.T)
    for name, fn in [("sigmoid_prime", sigmoid_prime), ("weight_gradient", weight_gradient)]:
        result = exercises.check(name, fn)
        assert not result.passed
        assert "code the checks rely on was changed in this kernel" in result.message
        assert "backprop_lib.sigmoid_prime, backprop_lib.weight_gradient" in result.message
    monkeypatch.undo()
    assert exercises.check("sigmoid_prime", sigmoid_prime).passed
    assert exercises.check("weight_gradient", weight_gradient).passed


def test_a_check_that_cannot_read_an_answer_still_returns_a_result(monkeypatch):
    def broken_read(value, case):
        raise RuntimeError("unexpected")

    step = exercises.STEPS["sigmoid_prime"]
    monkeypatch.setitem(
        exercises.STEPS, "sigmoid_prime", dataclasses.replace(step, read=broken_read)
    )
    result = exercises.check("sigmoid_prime", sigmoid_prime)
    assert result.status == "wrong"
    assert result.message == (
        "wrong: your answer to sigmoid_prime could not be checked (RuntimeError: unexpected)."
    )


RETURNS_NOTHING = {"backward_sweep"}
"""Checks whose function returns nothing: it fills in the .grad of a graph's nodes."""


@pytest.mark.parametrize("name", [name for name in exercises.CHECKS if name != "spiral_settings"])
def test_every_check_says_not_done_for_a_stub_and_survives_none(name):
    def stub(*args, **kwargs):
        raise NotImplementedError("Write it.")

    def returns_none(*args, **kwargs):
        return None

    assert exercises.check(name, stub).status == "not done"
    result = exercises.check(name, returns_none)
    assert result.status == "wrong"
    if name in RETURNS_NOTHING:  # it sets the nodes' grads: None is its answer, and nothing set
        assert "every grad is 0.0" in result.message
    else:
        assert "None" in result.message


REFERENCE = {name: answers[0] for name, answers in HONEST.items()}
"""A student's right answer to each check, in plain NumPy (tests/honest_answers.py)."""
# Their right answers are checked in test_exercises_autodiff.py: the graphs are slow to build.
del REFERENCE["local_derivatives"], REFERENCE["backward_sweep"]


@pytest.mark.parametrize("name", REFERENCE)
def test_right_answers_pass_whatever_the_seed(name):
    """Any hidden seed works: the cases it draws keep central differences trustworthy."""
    for seed in range(20):
        result = exercises.check(name, REFERENCE[name], seed=seed)
        assert result.passed, f"seed {seed}: {result.message}"
        assert result.message.startswith(f"right: {name} passed ")


def _shapes(cases):
    """The shapes of each case's arrays, those in a list (an optimiser's params) included."""
    return [
        tuple(
            np.shape(a)
            for arg in case.args
            for a in (arg if isinstance(arg, list) else [arg])
            if isinstance(a, np.ndarray)
        )
        for case in cases
    ]


@pytest.mark.parametrize("name", [n for n in exercises.STEPS if n not in ("local_derivatives",)])
def test_a_hidden_seed_draws_other_shapes_of_the_same_kinds(name):
    """The hidden tests' inputs are not the visible check's with other numbers: their shapes
    differ too, while one example stays one example and a square matrix stays square."""
    step = exercises.STEPS[name]
    visible = _shapes(checking.draw_cases(step, checking.VISIBLE_SEED))
    hidden = _shapes(checking.draw_cases(step, 20))
    assert len(hidden) == len(visible)
    if name not in ("relative_error", "neuron_gradients", "backward_sweep"):  # no size table
        assert hidden != visible
    for seen, drawn in zip(visible, hidden, strict=True):
        for a, b in zip(seen, drawn, strict=True):
            assert len(a) == len(b)
            assert [n == 1 for n in a] == [n == 1 for n in b]
            assert (len(a) == 2 and a[0] == a[1]) <= (b[0] == b[1] if len(b) == 2 else True)
