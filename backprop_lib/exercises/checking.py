r"""What every exercise check is made of, and how an answer is judged.

A check is a :class:`Step`: a few :class:`Case` s (random inputs of several shapes, each with
the right answer found by central differences of the forward computation) and a catalogue of
:class:`Mistake` s. :func:`matches` compares an answer with a case's right one and, when they
differ, names the likely mistake: the first one of the catalogue that explains every wrong
answer (:func:`diagnose`). :func:`backprop_lib.exercises.calling.run` calls the student's
function on every case and turns what it finds into a :class:`CheckResult` of one or two
plain sentences.
"""

import contextvars
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

STATUS_COLOURS = {"right": "#007A5A", "wrong": "#B34F00", "not done": "#0072B2"}
"""Colours of the HTML message: the Okabe-Ito palette's bluish green and vermillion darkened
until text in them has a contrast of at least 4.5 with white (5.3 and 5.2; WCAG AA, which
axe checks in the apps), and its blue (5.2). The words say the status too."""

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
    printed : str
        What the student's function printed in the call the message is about ("" if nothing).
    """

    name: str
    status: str
    message: str
    printed: str = ""

    @property
    def passed(self):
        """True when the answer is right."""
        return self.status == "right"

    def __repr__(self):
        if not self.printed:
            return self.message
        return f"{self.message}\nYour function printed:\n{self.printed.rstrip()}"

    __str__ = __repr__

    def _repr_html_(self):
        colour = STATUS_COLOURS[self.status]
        said = f'<span style="color: {colour}">{html.escape(self.message)}</span>'
        if not self.printed:
            return said
        return f"{said}<br>Your function printed:<pre>{html.escape(self.printed.rstrip())}</pre>"


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
    observe : callable
        ``observe(value, case) -> what to judge``, taken right after the call: the return
        value (the default), or what the function left in its arguments.
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
    observe: Callable = lambda value, case: value


# ----- drawing the cases ---------------------------------------------------------------------

VISIBLE_SEED = 0
"""The visible check's seed; any other seed (the hidden tests') also draws other shapes."""

SMALL = 10
"""Sizes below this are small (units, a few examples): a hidden check draws another small one
(from 2 to 9); 1 stays 1, and larger sizes are drawn between half and one and a half times."""

_HIDDEN = contextvars.ContextVar("hidden", default=False)


def draw_cases(step, seed):
    """The cases of ``step`` drawn with ``seed``: for :data:`VISIBLE_SEED` the shapes the
    student sees in the notebook, for any other seed other shapes of the same kinds."""
    token = _HIDDEN.set(seed != VISIBLE_SEED)
    try:
        return step.cases(np.random.default_rng(seed))
    finally:
        _HIDDEN.reset(token)


def sizes(rng, table):
    """``table`` (nested tuples holding sizes) as it is, or, while hidden cases are drawn, with
    every whole number replaced: equal ones by equal ones (a square network stays square), 1 by
    1, a small one by another small one, a large one by another large one."""
    if not _HIDDEN.get():
        return table
    new = {1: 1}

    def replace(value):
        if isinstance(value, tuple):
            return tuple(replace(item) for item in value)
        if not isinstance(value, int) or isinstance(value, bool):
            return value
        if value not in new:
            if value < SMALL:
                low, high = 2, SMALL - 1
            else:
                low, high = max(SMALL, value // 2), value * 3 // 2
            choices = [v for v in range(low, high + 1) if v != value]
            new[value] = int(rng.choice(choices))
        return new[value]

    return replace(table)


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


def _common_factor(failures, passed):
    """The factor every wrong answer is off by: "m" or "1/m" (each case's own m; a case with
    m = 1 may pass), a number k (and no case passed), or None when there is none."""
    ks = [_factor(answer, case.expected) for answer, case in failures]
    if None in ks:
        return None
    ms = [case.context.get("m", 1) for _, case in failures]
    single = all(case.context.get("m", 1) == 1 for case in passed)
    for kind, of_m in (("m", lambda m: m), ("1/m", lambda m: 1 / m)):
        if single and all(m > 1 and np.isclose(k, of_m(m)) for k, m in zip(ks, ms, strict=True)):
            return kind
    if not passed and np.allclose(ks, ks[0]):
        return ks[0]
    return None


def _factor_message(step, factor, context, label):
    fields = {"label": label, **context}
    if factor == "m":
        return step.factors.get("m", "wrong: your {label} is m = {m} times too large.").format(
            **fields
        )
    if factor == "1/m":
        return step.factors.get("1/m", "wrong: your {label} is m = {m} times too small.").format(
            **fields
        )
    if factor == 0:
        return f"wrong: your {label} is zero everywhere."
    for known, default in FACTORS.items():
        if np.isclose(factor, known):
            return step.factors.get(known, default).format(**fields)
    return f"wrong: your {label} is {factor:.3g} times the right value in every case."


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


def _names(cases):
    """How a message names some cases: by their m ("m = 1, 4"), else by their inputs' shapes."""
    cases = list(cases)
    if all("m" in case.context for case in cases):
        return "m = " + ", ".join(dict.fromkeys(str(case.context["m"]) for case in cases))
    shapes = [
        " and ".join(str(np.shape(a)) for a in case.args if isinstance(a, np.ndarray))
        for case in cases
    ]
    return (
        "inputs of shape " + ", ".join(dict.fromkeys(s for s in shapes if s))
        if any(shapes)
        else "some cases"
    )


SHOWN_ENTRIES = 12
"""A failing case is shown entry by entry when its inputs hold at most this many numbers."""


def _shown(array):
    text = np.array2string(np.asarray(array, dtype=float), precision=4, separator=", ")
    return " ".join(text.split())


def smallest_case(step, failures):
    """A sentence showing the smallest failing case: inputs, expected and got."""
    sizes = [
        sum(np.size(a) for a in case.args if isinstance(a, np.ndarray)) for _, case in failures
    ]
    answer, case = failures[int(np.argmin(sizes))]
    if min(sizes) > SHOWN_ENTRIES or not min(sizes):
        return ""
    bad = next(
        i
        for i, (a, e) in enumerate(zip(answer, case.expected, strict=True))
        if gap(a, e) >= TOLERANCE
    )
    inputs = ", ".join(
        f"{name} = {_shown(value)}"
        for name, value in zip(step.parameters, case.args, strict=False)
        if isinstance(value, np.ndarray | float)
    )
    return (
        f" The smallest failing case: {inputs}; expected {case.labels[bad]} = "
        f"{_shown(case.expected[bad])}, got {_shown(answer[bad])}."
    )


def diagnose(step, failures, passed=()):
    """The message for answers that differ from the right ones.

    Parameters
    ----------
    step : Step
    failures : list of (answer, Case)
        Every case whose answer was read but is wrong, in order (at least one).
    passed : sequence of Case
        The cases whose answers were right.

    Returns
    -------
    str
        The first mistake of the catalogue that gives every one of these answers; else a
        factor, when one and the same explains every case; else a transpose; else which
        cases are right and which wrong, with the smallest failing case shown.
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
    factor = _common_factor(failures, passed)
    if factor is not None:
        label = step.name if len(answer) == 1 else "answer"
        return _factor_message(step, factor, case.context, label)
    if part.ndim == 2 and part.shape[0] == part.shape[1] > 1 and gap(part, right.T) < TOLERANCE:
        return f"wrong: your {label} is the transpose of the right one."
    fine = [
        name for i, name in enumerate(case.labels) if gap(answer[i], case.expected[i]) < TOLERANCE
    ]
    said = f" ({', '.join(fine)} {'is' if len(fine) == 1 else 'are'} right)" if fine else ""
    wrong_for = _names(c for _, c in failures)
    where = (
        f"right for {_names(passed)}, wrong for {wrong_for}"
        if passed
        else f"wrong in every case ({wrong_for})"
    )
    return (
        f"wrong: your {label} differs from {step.against}{said}: {where}; its largest error "
        f"is {gap(part, right):.2g} of the largest entry.{smallest_case(step, failures)}"
    )
