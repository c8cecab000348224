r"""Notebook 07's first check: ``local_derivatives(op, a, b) -> (d/da, d/db)`` of one operation
of :class:`backprop_lib.Value` ("+", "-", "*", "/"; "exp", "log", "tanh", "sigmoid", "relu" of
a alone, so d/db = 0.0), against central differences of the operation on floats.
"""

import math

import numpy as np

from ..autodiff import Value
from .checking import EPSILON, Case, Mistake, Step, wrong
from .reading import described, read_number

OPERATIONS = {
    "+": ("a + b", lambda a, b: a + b),
    "-": ("a - b", lambda a, b: a - b),
    "*": ("a * b", lambda a, b: a * b),
    "/": ("a / b", lambda a, b: a / b),
    "exp": ("exp(a)", lambda a, b=None: math.exp(a)),
    "log": ("log(a)", lambda a, b=None: math.log(a)),
    "tanh": ("tanh(a)", lambda a, b=None: math.tanh(a)),
    "sigmoid": ("sigmoid(a)", lambda a, b=None: 1.0 / (1.0 + math.exp(-a))),
    "relu": ("relu(a)", lambda a, b=None: max(a, 0.0)),
}
"""op -> (how it is written, its value on floats a and b; b is unused by the last five)."""

ONE_INPUT = ("exp", "log", "tanh", "sigmoid", "relu")

POINTS = 3
"""Points (a, b) per operation; a alternates in sign (positive only for log)."""

A_RANGE = (0.2, 2.5)
"""|a| is drawn from here: away from relu's kink and log's pole at 0; tanh and sigmoid curve."""

B_RANGE = (0.5, 2.0)
"""|b| is drawn from here: away from 0, where a / b and its derivatives blow up."""


def on_values(op, a, b=None):
    """The node ``op`` makes of the Values a (and b)."""
    return getattr(a, op)() if op in ONE_INPUT else OPERATIONS[op][1](a, b)


def _local_cases(rng):
    made = []
    for op, (expression, f) in OPERATIONS.items():
        for k in range(POINTS):
            sign = 1.0 if op == "log" or k % 2 == 0 else -1.0
            a = sign * float(rng.uniform(*A_RANGE))
            b = float(rng.choice([-1.0, 1.0]) * rng.uniform(*B_RANGE))
            point = np.array([a, b])
            expected = tuple(  # d/da, d/db: move one input at a time
                np.array((f(*(point + step)) - f(*(point - step))) / (2 * EPSILON))
                for step in EPSILON * np.eye(2)
            )
            labels = (f"d/da of {expression}", f"d/db of {expression}")
            made.append(Case((op, a, b), expected, labels, {"expression": expression}))
    return made


def _read_local(value, case):
    op, expression = case.args[0], case.context["expression"]
    if not isinstance(value, tuple | list) or len(value) != 2:
        unused = ", with d/db = 0.0 because b is not used" if op in ONE_INPUT else ""
        raise wrong(
            f"wrong: return two numbers (d/da, d/db) for {expression}{unused}; got "
            f"{described(value)}."
        )
    parts = tuple(read_number(part, label) for part, label in zip(value, case.labels, strict=True))
    if op in ONE_INPUT and parts[1] != 0.0:
        raise wrong(
            f"wrong: {expression} does not depend on b, so its d/db is 0.0; you returned "
            f"{float(parts[1]):.3g}."
        )
    return parts


def _right(op, a, b):
    """(d/da, d/db) by the Value engine's own local_grads."""
    return (*on_values(op, Value(a), Value(b)).local_grads, 0.0)[:2]


def _slip(ops, formula):
    """A local_derivatives that returns ``formula(op, a, b)`` for the operations ``ops``
    (space-separated) and the right answer for the others."""
    return lambda op, a, b: (formula if op in ops.split() else _right)(op, a, b)


LOCAL_DERIVATIVES = Step(
    "local_derivatives",
    "local_derivatives(op, a, b) -> (d/da, d/db), two numbers: the local derivatives of a + b, "
    'a - b, a * b, a / b (op "+", "-", "*", "/") or of exp, log, tanh, sigmoid, relu of a (b '
    "unused, so d/db = 0.0)",
    ("op", "a", "b"),
    _local_cases,
    _read_local,
    (
        Mistake(
            _slip("-", lambda op, a, b: (1.0, 1.0)),
            "wrong: a - b hands b the gradient with a minus sign: its local derivatives are 1 "
            "and -1.",
        ),
        Mistake(
            _slip("*", lambda op, a, b: (a, b)),
            "wrong: you gave each input of a * b its own value; multiply swaps: d/da = b and "
            "d/db = a.",
        ),
        Mistake(
            _slip("/", lambda op, a, b: (1 / b, a / b**2)),
            "wrong: you lost the minus sign of d/db of a / b, which is -a/b^2 (the derivative of "
            "1/b is -1/b^2).",
        ),
        Mistake(
            _slip("/", lambda op, a, b: (1 / b, -a / b)),
            "wrong: you lost the square of d/db of a / b, which is -a/b^2 (a / b = a b^(-1)).",
        ),
        Mistake(
            _slip("tanh sigmoid log relu", lambda op, a, b: (OPERATIONS[op][1](a), 0.0)),
            "wrong: you returned {expression} itself, not its derivative.",
        ),
        Mistake(
            _slip("tanh sigmoid", lambda op, a, b: _right(op, OPERATIONS[op][1](a), b)),
            "wrong: you took the derivative at the output, {expression}, instead of at a: "
            "tanh'(a) = 1 - tanh(a)^2 and sigma'(a) = s (1 - s) with s = sigma(a).",
        ),
        Mistake(
            _slip(
                "tanh sigmoid", lambda op, a, b: (1 - a**2 if op == "tanh" else a * (1 - a), 0.0)
            ),
            "wrong: for {expression} you put a where the formula needs the output: tanh'(a) = "
            "1 - t^2 with t = tanh(a), not 1 - a^2; sigma'(a) = s (1 - s) with s = sigma(a).",
        ),
        Mistake(
            _slip("tanh", lambda op, a, b: (1 - math.tanh(a), 0.0)),
            "wrong: you forgot the square: tanh'(a) = 1 - tanh(a)^2.",
        ),
        Mistake(
            _slip("relu", lambda op, a, b: (float(a < 0), 0.0)),
            "wrong: your comparison is the wrong way round: relu'(a) is 1 where a > 0, else 0.",
        ),
    ),
    against="central differences of each operation in a and in b",
)

STEPS = (LOCAL_DERIVATIVES,)
"""Notebook 07's first check."""
