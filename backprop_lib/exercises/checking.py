r"""What every exercise check is made of: its cases, its catalogue of mistakes, its result.

A check is a :class:`Step`: a few :class:`Case` s (random inputs of several shapes, each with
the right answer found by central differences of the forward computation, drawn by
:func:`draw_cases`) and a catalogue of :class:`Mistake` s. How an answer is compared and a
wrong one explained is :mod:`~backprop_lib.exercises.diagnosis`; calling the student's
function is :mod:`~backprop_lib.exercises.calling`, judging its outcomes
:mod:`~backprop_lib.exercises.judging`, which says the verdict as a :class:`CheckResult`.
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

STATUS_COLOURS = {"right": "#007A5A", "wrong": "#B34F00", "not done": "#0072B2"}
"""Colours of the HTML message: the Okabe-Ito palette's bluish green and vermillion darkened
until text in them has a contrast of at least 4.5 with white (5.3 and 5.2; WCAG AA, which
axe checks in the apps), and its blue (5.2). The words say the status too."""


@dataclasses.dataclass(frozen=True, repr=False)
class CheckResult:
    """The outcome of one check, shown as its message when it is a cell's last expression.

    ``status`` is "right", "wrong" or "not done"; ``message`` one or two sentences that start
    with it; ``printed`` what the student's function printed in the call the message is about.
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
    """A known mistake: ``fn``, a wrong implementation with the exercise's own signature, and
    ``message``, what to say when an answer equals what ``fn`` returns (formatted with the
    case's context). The tests run each ``fn`` as a student's answer and expect its message."""

    fn: Callable
    message: str


@dataclasses.dataclass(frozen=True)
class Case:
    """One call of the student's function (``args``, ``kwargs``) and the right answer to it:
    ``expected``, one array per part, each called ``labels[i]`` in messages; ``context`` holds
    what messages and the factor rules use (m, the model's lambda, ...)."""

    args: tuple
    expected: tuple
    labels: tuple
    context: dict
    kwargs: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Step:
    """A checkable step.

    ``signature`` says what the function takes and returns (for :data:`CHECKS`),
    ``parameters`` names its arguments; ``cases(rng)`` draws the cases; ``read(answer, case)``
    gives the answer as a tuple of arrays or raises a :class:`Verdict` saying why it cannot;
    ``mistakes`` is the catalogue; ``factors`` holds the messages for an answer m times ("m"),
    1/m times ("1/m"), -1, 2 or 0.5 times the right one; ``hint`` is added when the function
    raises; ``against`` names the reference in a right answer's message. ``observe(value,
    case)`` is what is judged of a call (its return value, or what it left in its arguments),
    and ``reset(case)`` puts the arguments back as drawn before a mistake runs on them.
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
    reset: Callable = lambda case: None


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
