"""Calling a student's function safely, reading what it returns, and running a check.

A call has a time limit, hides the function's prints and warnings, and notices when the
function changes its arguments; a strange answer (None, the wrong type or shape, NaN) is read
into a :class:`~backprop_lib.exercises.checking.Verdict` that says what went wrong.
"""

import contextlib
import io
import signal
import threading
import time
import warnings

import numpy as np

from .checking import CheckResult, Verdict, diagnose, matches, wrong

CALL_SECONDS = 2.0
"""Time limit of one call of a student's function. A right answer takes about a millisecond
on the checks' inputs, even written as a Python loop over the 400 examples of the largest
case (measured: 0.6 ms for hidden_delta, 0.7 ms for weight_gradient), so the limit only
stops an endless loop, and keeps a check well within a grader's time limit."""

MESSAGE_CHARACTERS = 160
"""An exception's text is cut to this length in a message, to keep it one or two lines."""


# ----- calling the student's function ------------------------------------------------------


class _OutOfTime(BaseException):
    """Raised by the alarm; a BaseException, so a student's ``except Exception`` lets it by."""


@contextlib.contextmanager
def time_limit(seconds):
    """Interrupt the block after ``seconds`` with :class:`_OutOfTime`.

    Uses a SIGALRM timer, so it works on Unix in the main thread only (elsewhere, or with
    ``seconds`` None, there is no limit). The previous handler, and a timer already
    running, are put back afterwards. The alarm interrupts Python code, not one long NumPy
    operation, and a function with a bare ``except:`` around its loop can swallow it; a
    grader's time limit per notebook covers those.
    """
    if not seconds or not hasattr(signal, "setitimer"):
        yield
        return
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def alarm(signum, frame):
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, alarm)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    start = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - start), 1e-3))


def _snapshot(value):
    """A copy to compare with after the call: arrays, and a model's parameters."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if hasattr(value, "weights") and hasattr(value, "biases"):
        return [W.copy() for W in value.weights], [b.copy() for b in value.biases]
    return None


def _changed(before, value):
    """Where ``value`` differs from its snapshot: "" if nowhere."""
    if isinstance(before, np.ndarray):
        unchanged = value.shape == before.shape and np.array_equal(value, before, equal_nan=True)
        return "" if unchanged else " (in place)"
    weights, biases = before
    for kind, saved, now in (("weights", weights, value.weights), ("biases", biases, value.biases)):
        if len(now) != len(saved):
            return f".{kind} (its length)"
        for l, (old, new) in enumerate(zip(saved, now, strict=True)):
            if not (np.shape(new) == old.shape and np.array_equal(new, old, equal_nan=True)):
                return f".{kind}[{l}]"
    return ""


def _first_line(error):
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return text if len(text) <= MESSAGE_CHARACTERS else text[: MESSAGE_CHARACTERS - 3] + "..."


def _raised(step, error):
    """The Verdict for an exception raised inside the student's function."""
    name, text = step.name, _first_line(error)
    if isinstance(error, NotImplementedError):
        said = f": {text.rstrip('.')}" if text else ""
        return Verdict(
            "not done",
            f"not done yet: {name} raised NotImplementedError{said}. "
            "Replace the raise line with your code and run the cell again.",
        )
    if isinstance(error, RecursionError):
        return wrong(f"wrong: {name} raised RecursionError: does it call itself without end?")
    said = f": {text}" if text else ""
    hint = f" {step.hint}" if step.hint else ""
    return wrong(f"wrong: {name} raised {type(error).__name__}{said}.{hint}")


def call(step, fn, case, seconds=CALL_SECONDS):
    """Call ``fn`` on a case quietly (no prints, no warnings) within a time limit.

    Returns
    -------
    The function's return value.

    Raises
    ------
    Verdict
        If it raised, ran too long or changed one of its arguments.
    """
    before = [_snapshot(value) for value in case.args]
    sink = io.StringIO()
    try:
        with (
            time_limit(seconds),
            contextlib.redirect_stdout(sink),
            contextlib.redirect_stderr(sink),
            warnings.catch_warnings(),
            np.errstate(all="ignore"),
        ):
            warnings.simplefilter("ignore")
            answer = fn(*case.args, **case.kwargs)
    except _OutOfTime:
        raise wrong(
            f"wrong: {step.name} did not finish within {seconds:g} s: is there an endless loop?"
        ) from None
    except (Exception, SystemExit) as error:
        raise _raised(step, error) from None
    for name, saved, value in zip(step.parameters, before, case.args, strict=False):
        where = "" if saved is None else _changed(saved, value)
        if where:
            raise wrong(
                f"wrong: {step.name} changed its argument {name}{where}: leave the inputs as "
                "they are and compute new arrays (for example work on a copy)."
            )
    return answer


# ----- reading an answer --------------------------------------------------------------------


def _type_name(value):
    return "None" if value is None else type(value).__name__


def described(value):
    """What a returned value is, in a few words: "None", "a dict", "a list of 2"."""
    if isinstance(value, tuple | list):
        return f"a {type(value).__name__} of {len(value)}"
    return "None" if value is None else f"a {type(value).__name__}"


def read_array(value, expected, label, integers=""):
    """The answer as a float array shaped like ``expected``, or a Verdict saying why not.

    Parameters
    ----------
    value : object
        What the student's function returned.
    expected : ndarray
        The right answer (for its shape).
    label : str
        What the answer is, e.g. "dJ/dW".
    integers : str, optional
        The message for an answer of integers or booleans (a default one otherwise).
    """
    if value is None:
        raise wrong(f"wrong: you returned None for {label}: did you forget the return line?")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise wrong(
            f"wrong: your {label} could not be read as an array ({_first_line(error)})."
        ) from None
    if array.dtype.kind in "biu":
        raise wrong(
            integers or f"wrong: your {label} holds {array.dtype} numbers: return floats (float64)."
        )
    if array.dtype.kind != "f":
        raise wrong(
            f"wrong: you returned a {_type_name(value)} for {label}; expected an array of "
            f"numbers of shape {expected.shape}."
        )
    if array.shape != expected.shape:
        raise wrong(_shape_message(array.shape, expected.shape, label))
    if not np.all(np.isfinite(array)):
        raise wrong(
            f"wrong: your {label} contains NaN or inf (a division by zero, or the log of 0?)."
        )
    return array.astype(float)


def _shape_message(got, expected, label):
    said = f"wrong: your {label} has shape {got} but must have shape {expected}"
    if len(got) == 2 and got == expected[::-1]:
        return said + ": did you transpose?"
    if len(expected) == 2 and expected[1] == 1 and got == (expected[0],):
        return said + ", a column: keep the axis (keepdims=True) or reshape."
    return said + "."


def read_number(value, label):
    """The answer as a float (a number or an array of size 1), or a Verdict saying why not."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        raise wrong(f"wrong: you returned {_type_name(value)} for {label}; expected a number.")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise wrong(
            f"wrong: you returned a {_type_name(value)} for {label}; expected a number."
        ) from None
    if array.size != 1:
        raise wrong(
            f"wrong: you returned an array of shape {array.shape} for {label}; expected one number."
        )
    number = float(array.reshape(()))
    if not np.isfinite(number):
        raise wrong(f"wrong: your {label} is {number} (a division by zero, or the log of 0?).")
    return np.array(number)


def read_one(integers=""):
    """A :attr:`Step.read` for a function that returns one array."""

    def read(value, case):
        return (read_array(value, case.expected[0], case.labels[0], integers),)

    return read


def _answers(step, fn, cases, seconds):
    """The wrong answers, as (answer, case), in the order of the cases.

    A call that raises, or an answer that cannot be read, stops the check with its own
    message, unless an earlier case already gave a wrong answer: then the wrong answers
    found so far are the ones to explain.
    """
    failures = []
    for case in cases:
        try:
            answer = step.read(call(step, fn, case, seconds), case)
        except Verdict:
            if failures:
                break
            raise
        if not matches(answer, case.expected):
            failures.append((answer, case))
    return failures


def run(step, fn, seed=0, seconds=CALL_SECONDS):
    """Check ``fn`` against ``step`` on the cases drawn with ``seed``; never raises.

    Returns
    -------
    CheckResult
    """
    name = step.name
    try:
        if not callable(fn):
            raise wrong(
                f"wrong: pass your function itself to check, without calling it; got a "
                f"{_type_name(fn)}."
            )
        cases = step.cases(np.random.default_rng(seed))
        failures = _answers(step, fn, cases, seconds)
        if failures:
            raise wrong(diagnose(step, failures))
    except Verdict as verdict:
        return CheckResult(name, verdict.status, verdict.message)
    except Exception as error:  # a check never crashes, whatever the answer looks like
        return CheckResult(
            name,
            "wrong",
            f"wrong: your answer to {name} could not be checked ({_first_line(error)}).",
        )
    return CheckResult(
        name, "right", f"right: {name} passed {len(cases)} checks against {step.against}."
    )
