r"""What every exercise check is made of, and how an answer is judged.

A check is a :class:`Step`: a few :class:`Case` s (random inputs of several shapes, each with
the right answer found by central differences of the forward computation) and a catalogue of
:class:`Mistake` s. :func:`matches` compares an answer with a case's right one and, when they
differ, names the likely mistake: the first one of the catalogue that explains every wrong
answer (:func:`diagnose`). :func:`backprop_lib.exercises.calling.run` calls the student's
function on every case and turns what it finds into a :class:`CheckResult` of one or two
plain sentences.
"""

import dataclasses
import html
from collections.abc import Callable

import numpy as np

TOLERANCE = 1e-6
"""An answer is right when no entry differs from the reference by more than this fraction of
the reference's largest entry. Central differences with epsilon = 1e-5 agree with the exact
derivative to about 1e-9 of it (truncation O(epsilon^2), round-off about 1e-16 / epsilon);
every catalogued mistake is off by far more (a factor, a sign, a transpose)."""

EPSILON = 1e-5
"""Step of the checks' own central differences (the value the course uses)."""

SCALE_FLOOR = 1e-12
"""Smallest scale a comparison divides by, so that an all-zero reference compares by the
absolute difference."""

STATUS_COLOURS = {"right": "#009E73", "wrong": "#D55E00", "not done": "#0072B2"}
"""Colours of the HTML message: bluish green, vermillion and blue from the Okabe-Ito palette,
which stay apart under colour-vision deficiencies (the words say the status too)."""

FACTORS = {
    -1.0: "wrong: your {label} has the opposite sign of the right answer everywhere.",
    2.0: "wrong: your {label} is twice the right value.",
    0.5: "wrong: your {label} is half the right value.",
}
"""Default messages for an answer that is a known multiple of the right one."""


@dataclasses.dataclass(frozen=True, repr=False)
class CheckResult:
    """The outcome of one check, shown as its message when it is a cell's last expression.

    Attributes
    ----------
    name : str
        The check's name, e.g. "sigmoid_prime".
    status : {"right", "wrong", "not done"}
    message : str
        One or two sentences that start with the status ("right:", "wrong:", "not done yet:").
    """

    name: str
    status: str
    message: str

    @property
    def passed(self):
        """True when the answer is right."""
        return self.status == "right"

    def __repr__(self):
        return self.message

    __str__ = __repr__

    def _repr_html_(self):
        colour = STATUS_COLOURS[self.status]
        return f'<span style="color: {colour}">{html.escape(self.message)}</span>'


class Verdict(Exception):
    """Raised inside a check to stop at the first problem found, with what to say."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status, self.message = status, message


def wrong(message):
    """A :class:`Verdict` that the answer is wrong, to raise."""
    return Verdict("wrong", message)


@dataclasses.dataclass(frozen=True)
class Mistake:
    """A known mistake: the wrong answer it gives, and what to say when an answer matches it.

    ``predict(context)`` returns the wrong answer in the form :meth:`Step.read` gives (a
    tuple of arrays); ``message`` is formatted with the case's context.
    """

    predict: Callable
    message: str


@dataclasses.dataclass(frozen=True)
class Case:
    """One call of the student's function and the right answer to it.

    Attributes
    ----------
    args : tuple
        The arguments, in the order of :attr:`Step.parameters`.
    expected : tuple of ndarray
        The right answer, one array per part (a single array is a 1-tuple).
    labels : tuple of str
        What each part is called in messages, e.g. ("dJ/dW",).
    context : dict
        The values the mistakes and messages use (m, the inputs, ...).
    kwargs : dict
    """

    args: tuple
    expected: tuple
    labels: tuple
    context: dict
    kwargs: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Step:
    """A checkable step: its cases, how to read an answer, and its catalogue of mistakes.

    Attributes
    ----------
    name : str
    signature : str
        The function's signature and what it returns, for :data:`CHECKS`.
    parameters : tuple of str
        The argument names, for messages.
    cases : callable
        ``cases(rng) -> list of Case``.
    read : callable
        ``read(answer, case) -> tuple of ndarray``, raising a :class:`Verdict` for an
        answer of the wrong type or shape.
    mistakes : tuple of Mistake
    factors : dict
        Messages for an answer m times ("m") or 1/m times ("1/m") the right one, and
        overrides of :data:`FACTORS` (keys -1.0, 2.0, 0.5).
    hint : str
        Added when the function raises, e.g. how the shapes fit together.
    against : str
        What the answers were compared with, for the message of a right answer.
    """

    name: str
    signature: str
    parameters: tuple
    cases: Callable
    read: Callable
    mistakes: tuple = ()
    factors: dict = dataclasses.field(default_factory=dict)
    hint: str = ""
    against: str = "central differences"


# ----- judging it ----------------------------------------------------------------------------


def gap(answer, expected):
    """Largest difference of two arrays, as a fraction of the expected one's largest entry."""
    scale = max(float(np.max(np.abs(expected), initial=0.0)), SCALE_FLOOR)
    return float(np.max(np.abs(answer - expected), initial=0.0)) / scale


def matches(answer, expected):
    """True when every part of ``answer`` equals ``expected`` within :data:`TOLERANCE`."""
    if expected is None or len(answer) != len(expected):
        return False
    return all(
        np.shape(a) == np.shape(e) and gap(a, np.asarray(e, dtype=float)) < TOLERANCE
        for a, e in zip(answer, expected, strict=True)
    )


def _factor(answer, expected):
    """The number k with answer = k expected, or None if there is none."""
    a = np.concatenate([np.ravel(part) for part in answer])
    e = np.concatenate([np.ravel(part) for part in expected])
    if not np.any(e):
        return None
    if not np.any(a):
        return 0.0
    k = float(a @ e / (e @ e))
    return k if gap(a, k * e) < TOLERANCE else None


def _factor_message(step, k, context, label):
    m = context.get("m", 1)
    fields = {"label": label, **context}
    if k == 0:
        return f"wrong: your {label} is zero everywhere."
    if m > 1 and np.isclose(k, m):
        return step.factors.get("m", "wrong: your {label} is m = {m} times too large.").format(
            **fields
        )
    if m > 1 and np.isclose(k, 1 / m):
        return step.factors.get("1/m", "wrong: your {label} is m = {m} times too small.").format(
            **fields
        )
    for factor, default in FACTORS.items():
        if np.isclose(k, factor):
            return step.factors.get(factor, default).format(**fields)
    return f"wrong: your {label} is {k:.3g} times the right value."


def _explains(mistake, failures):
    """True when ``mistake`` gives the student's answer in every failing case."""
    for answer, case in failures:
        try:
            with np.errstate(all="ignore"):
                predicted = mistake.predict(case.context)
        except (ValueError, IndexError, ZeroDivisionError):
            return False  # the mistake is not possible with this case's shapes
        if not matches(answer, predicted):
            return False
    return True


def diagnose(step, failures):
    """The message for answers that differ from the right ones.

    Parameters
    ----------
    step : Step
    failures : list of (answer, Case)
        Every case whose answer was read but is wrong, in order (at least one).

    Returns
    -------
    str
        The first mistake of the catalogue that gives every one of these answers; else what
        the first wrong answer shows: a factor, a transpose, or which part is off and how far.
    """
    answer, case = failures[0]
    for mistake in step.mistakes:
        if _explains(mistake, failures):
            return mistake.message.format(**case.context)
    bad = next(
        i
        for i, (a, e) in enumerate(zip(answer, case.expected, strict=True))
        if gap(a, e) >= TOLERANCE
    )
    label, part, right = case.labels[bad], answer[bad], case.expected[bad]
    k = _factor(answer, case.expected)
    if k is not None:
        label = step.name if len(answer) == 1 else "answer"
        return _factor_message(step, k, case.context, label)
    if part.ndim == 2 and part.shape[0] == part.shape[1] > 1 and gap(part, right.T) < TOLERANCE:
        return f"wrong: your {label} is the transpose of the right one."
    fine = [
        name for i, name in enumerate(case.labels) if gap(answer[i], case.expected[i]) < TOLERANCE
    ]
    said = f" ({', '.join(fine)} {'is' if len(fine) == 1 else 'are'} right)" if fine else ""
    shapes = ", ".join(str(np.shape(arg)) for arg in case.args if isinstance(arg, np.ndarray))
    where = f" for inputs of shapes {shapes}" if shapes else ""
    return (
        f"wrong: your {label} differs from {step.against}{where}: its largest error is "
        f"{gap(part, right):.2g} of the largest entry{said}."
    )
