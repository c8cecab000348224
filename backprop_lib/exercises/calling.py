"""Calling a student's function: what happened, as plain data that a judge reads elsewhere.

:func:`observe` calls the function on one case within a time limit, under the
:class:`~backprop_lib.exercises.guard.Watch`, keeping what it prints, and noticing when it
changes its arguments. It returns an *outcome*, a dict that holds no verdict: in the
notebook the judge (:mod:`~backprop_lib.exercises.judging`) reads it in the same kernel; in
the grader it travels as data from the student's process to the grader's.
"""

import contextlib
import gc
import io
import signal
import sys
import threading
import time
import warnings

import numpy as np

from .guard import Watch

CALL_SECONDS = 2.0
"""Time limit of one call of a student's function. A right answer takes about a millisecond
on the checks' inputs, even written as a Python loop over the 400 examples of the largest
case (measured: 0.6 ms for hidden_delta, 0.7 ms for weight_gradient), so the limit only
stops an endless loop, and keeps a check well within a grader's time limit."""

DEEP_RECURSION = 50_000
"""Recursion limit of a second try when a function hits Python's (1000): a recursive sweep
of the deepest checked graph (a chain of 10,000 nodes) fits, an endless recursion does not."""

PRINTED_CHARACTERS = 2_000
"""What a call printed is kept up to this length (an endless print loop cannot flood)."""


class _OutOfTime(BaseException):
    """Raised by the alarm; a BaseException, so a student's ``except Exception`` lets it by."""


@contextlib.contextmanager
def time_limit(seconds):
    """Interrupt the block after ``seconds`` with :class:`_OutOfTime`.

    Uses a SIGALRM timer, so it works on Unix in the main thread only (elsewhere, or with
    ``seconds`` None, there is no limit). The previous handler, and a timer already
    running, are put back afterwards. The alarm interrupts Python code, not one long NumPy
    operation; a grader's time limit per submission covers those.
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


@contextlib.contextmanager
def no_garbage_collection():
    """Pause the cyclic garbage collector inside the block: a collection of what other code
    left (a notebook's figures) would bill its time to the student's call, and its callbacks
    would swallow the time limit's alarm."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def recursion_limit(limit):
    """Let Python recurse ``limit`` deep inside the block."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, previous))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


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


def _error(error):
    """An exception as data: its type's name, its text (whole: a stub's sentence too) and,
    for a NameError, the name that was missing."""
    outcome = {"kind": "raised", "type": type(error).__name__, "text": str(error).strip()}
    if isinstance(error, NameError):
        outcome["missing"] = error.name
    return outcome


def _call_once(step, fn, case, seconds, depth):
    """One watched call; returns (outcome without prints, the watch)."""
    with (
        time_limit(seconds),
        recursion_limit(depth),
        warnings.catch_warnings(),
        np.errstate(all="ignore"),
        no_garbage_collection(),
    ):
        warnings.simplefilter("ignore")
        watch = Watch(step.name, case.args)
        try:
            with watch:
                answer = fn(*case.args, **case.kwargs)
        except _OutOfTime:
            return {"kind": "timeout", "seconds": seconds}, watch
        except (Exception, SystemExit) as error:
            return _error(error), watch
        except BaseException as error:  # the watch's Delegated, or a student's own
            if not watch.called:
                raise
            return _error(error), watch
    return {"kind": "answer", "value": step.observe(answer, case)}, watch


def observe(step, fn, case, seconds=CALL_SECONDS):
    """Call ``fn`` on ``case`` and say what happened, as a dict with a ``kind``.

    Kinds: "answer" (``value``: what :attr:`Step.observe` keeps of the return value),
    "raised" (``type``, ``text``), "timeout" (``seconds``), "endless" (RecursionError even
    with :data:`DEEP_RECURSION` levels), "changed" (``argument``, ``where``), "delegated"
    (``called``: the library's answer it called), "forward" (``passes`` of the forward pass
    ``what``: a backward pass by central differences), "tampered" (it removed the watch).
    Every outcome has ``printed``.
    """
    before = [_snapshot(value) for value in case.args]
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        outcome, watch = _call_once(step, fn, case, seconds, sys.getrecursionlimit())
        if outcome["kind"] == "raised" and outcome["type"] == "RecursionError":
            outcome, watch = _call_once(step, fn, case, seconds, DEEP_RECURSION)
            if outcome["kind"] == "raised" and outcome["type"] == "RecursionError":
                outcome = {"kind": "endless", "depth": DEEP_RECURSION}
    # running out of stack or time (its alarm may strike inside the watch's hook) unsets it too
    if watch.called:
        outcome = {"kind": "delegated", "called": watch.called}
    elif watch.tampered and outcome["kind"] not in ("endless", "timeout"):
        outcome = {"kind": "tampered"}
    elif watch.forward_passes > watch.forward_limit:
        outcome = {"kind": "forward", "passes": watch.forward_passes, "what": watch.forward_what}
    elif outcome["kind"] == "answer":
        for name, saved, value in zip(step.parameters, before, case.args, strict=False):
            where = "" if saved is None else _changed(saved, value)
            if where:
                outcome = {"kind": "changed", "argument": name, "where": where}
                break
    outcome["printed"] = sink.getvalue()[:PRINTED_CHARACTERS]
    return outcome


def observe_all(step, fn, cases, seconds=CALL_SECONDS):
    """The outcomes of ``fn`` on ``cases`` in order, stopping after the first that is no
    answer (it raised, ran too long, called the library's answer, ...)."""
    outcomes = []
    for case in cases:
        outcomes.append(observe(step, fn, case, seconds))
        if outcomes[-1]["kind"] != "answer":
            break
    return outcomes
