r"""Notebook 07's first check: the local derivatives of each operation of the engine.

"local_derivatives": ``fn(op, a, b) -> (d/da, d/db)`` of one operation of
:class:`backprop_lib.Value` ("+", "-", "*", "/"; "exp", "log", "tanh", "sigmoid", "relu" of a
alone, so d/db = 0.0), checked against central differences of the operation on floats. The
sweep that uses them is checked in :mod:`~backprop_lib.exercises.sweep_checks`.
"""

import math

import numpy as np

from .checking import EPSILON, Case, Mistake, Step, wrong
from .reading import described, read_number


def sigmoid_of_float(u):
    return 1.0 / (1.0 + math.exp(-u))


# ----- local_derivatives -------------------------------------------------------------------

OPERATIONS = {
    "+": ("a + b", lambda a, b: a + b),
    "-": ("a - b", lambda a, b: a - b),
    "*": ("a * b", lambda a, b: a * b),
    "/": ("a / b", lambda a, b: a / b),
    "exp": ("exp(a)", lambda a, b: math.exp(a)),
    "log": ("log(a)", lambda a, b: math.log(a)),
    "tanh": ("tanh(a)", lambda a, b: math.tanh(a)),
    "sigmoid": ("sigmoid(a)", lambda a, b: sigmoid_of_float(a)),
    "relu": ("relu(a)", lambda a, b: max(a, 0.0)),
}
"""op -> (how it is written, its value on two floats a and b)."""

ONE_INPUT = ("exp", "log", "tanh", "sigmoid", "relu")

POINTS = 3
"""Points (a, b) per operation; a alternates in sign (positive only for log)."""

A_RANGE = (0.2, 2.5)
"""|a| is drawn from here: away from relu's kink and log's pole at 0; tanh and sigmoid curve."""

B_RANGE = (0.5, 2.0)
"""|b| is drawn from here: away from 0, where a / b and its derivatives blow up."""


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
            right_text = f"({expected[0]:.3g}, {expected[1]:.3g})"
            context = {"op": op, "a": a, "b": b, "expression": expression, "right_text": right_text}
            made.append(Case((op, a, b), expected, labels, context))
    return made


def _read_local(value, case):
    op, expression = case.context["op"], case.context["expression"]
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
    case.context["yours"] = parts  # for the last mistake of the catalogue, which shows it
    case.context["yours_text"] = f"({parts[0]:.3g}, {parts[1]:.3g})"
    return parts


def _slope_at(op, at):
    """(tanh'(at), 0.0) or (sigma'(at), 0.0): the derivative taken at ``at`` instead of at a."""
    t = math.tanh(at) if op == "tanh" else sigmoid_of_float(at)
    return (1 - t * t if op == "tanh" else t * (1 - t)), 0.0


def _only(ops, formula, message):
    """A mistake in the operations ``ops`` (space-separated): ``formula(a, b, op)`` -> answer."""

    def predict(c):
        if c["op"] not in ops.split():
            raise ValueError("the mistake concerns another operation")
        return tuple(np.array(float(part)) for part in formula(c["a"], c["b"], c["op"]))

    return Mistake(predict, message)


LOCAL_MISTAKES = (
    _only(
        "-",
        lambda a, b, _: (1.0, 1.0),
        "wrong: a - b hands b the gradient with a minus sign: its local derivatives are 1 and -1.",
    ),
    _only(
        "*",
        lambda a, b, _: (a, b),
        "wrong: you gave each input of a * b its own value; multiply swaps: d/da = b and d/db = a.",
    ),
    _only(
        "/",
        lambda a, b, _: (1 / b, a / b**2),
        "wrong: you lost the minus sign of d/db of a / b, which is -a/b^2 (the derivative of "
        "1/b is -1/b^2).",
    ),
    _only(
        "/",
        lambda a, b, _: (1 / b, -a / b),
        "wrong: you lost the square of d/db of a / b, which is -a/b^2 (a / b = a b^(-1)).",
    ),
    _only(
        "tanh sigmoid log relu",
        lambda a, b, op: (OPERATIONS[op][1](a, b), 0.0),
        "wrong: you returned {expression} itself, not its derivative.",
    ),
    _only(
        "tanh sigmoid",
        lambda a, b, op: _slope_at(op, OPERATIONS[op][1](a, b)),
        "wrong: you took the derivative at the output, {expression}, instead of at a: "
        "tanh'(a) = 1 - tanh(a)^2 and sigma'(a) = s (1 - s) with s = sigma(a).",
    ),
    _only(
        "tanh sigmoid",
        lambda a, b, op: (1 - a**2 if op == "tanh" else a * (1 - a), 0.0),
        "wrong: for {expression} you put a where the formula needs the output: tanh'(a) = "
        "1 - t^2 with t = tanh(a), not 1 - a^2; sigma'(a) = s (1 - s) with s = sigma(a).",
    ),
    _only(
        "tanh",
        lambda a, b, _: (1 - math.tanh(a), 0.0),
        "wrong: you forgot the square: tanh'(a) = 1 - tanh(a)^2.",
    ),
    _only(
        "relu",
        lambda a, b, _: (float(a < 0), 0.0),
        "wrong: your comparison is the wrong way round: relu'(a) is 1 where a > 0, else 0.",
    ),
    Mistake(  # last: any other wrong answer, shown beside the right one
        lambda c: c["yours"],
        "wrong: for {expression} at a = {a:.3g}, b = {b:.3g} you returned (d/da, d/db) = "
        "{yours_text}; central differences give {right_text}.",
    ),
)
"""The mistakes of local_derivatives, each in one operation or a few."""

LOCAL_DERIVATIVES = Step(
    "local_derivatives",
    "local_derivatives(op, a, b) -> (d/da, d/db), two numbers: the local derivatives of a + b, "
    'a - b, a * b, a / b (op "+", "-", "*", "/") or of exp, log, tanh, sigmoid, relu of a (b '
    "unused, so d/db = 0.0)",
    ("op", "a", "b"),
    _local_cases,
    _read_local,
    LOCAL_MISTAKES,
    against="central differences of each operation in a and in b",
)


STEPS = (LOCAL_DERIVATIVES,)
"""Notebook 07's first check."""
