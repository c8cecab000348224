r"""Notebook 01's exercise: the three derivatives of one sigmoid neuron,
``fn(w, b, a_prev, y) -> (dC_dw, dC_db, dC_da_prev)`` for :math:`C = (\sigma(z) - y)^2` with
:math:`z = w a_{prev} + b`, against central differences of C in each of w, b and a_prev."""

import itertools

import numpy as np

from ..activations import sigmoid
from .checking import EPSILON, Case, Mistake, Step, wrong
from .reading import described, read_number

NEURON_TARGETS = (0.0, 1.0, 0.3, 0.0, 0.8, 1.0)
"""The target y of each neuron case; the first is not 1, so 2(a - 1) for 2(a - y) shows."""

NEURON_LABELS = ("dC_dw", "dC_db", "dC_da_prev")


def _cost(w, b, a_prev, y):
    return (sigmoid(w * a_prev + b) - y) ** 2


def _neuron_cases(rng):
    made = []
    for y in NEURON_TARGETS:
        w, b = rng.uniform(-2, 2), rng.uniform(-1, 1)
        a_prev = rng.choice([-1.0, 1.0]) * rng.uniform(0.2, 1.5)
        point = np.array([w, b, a_prev])
        expected = tuple(  # dC/dw, dC/db, dC/da_prev: move one of the three at a time
            np.array(_cost(*(point + step), y) - _cost(*(point - step), y)) / (2 * EPSILON)
            for step in EPSILON * np.eye(3)
        )
        made.append(Case((w, b, a_prev, y), expected, NEURON_LABELS, {"m": 1}))
    return made


def _derivatives(w, b, a_prev, y, residual=None, slope=None):
    """(dC/dw, dC/db, dC/da_prev) by the chain rule, with 2(a - y) replaced by ``residual(a)``
    or sigma'(z) by ``slope(z, a)`` when given."""
    z = w * a_prev + b
    a = sigmoid(z)
    dC_da = 2 * (a - y) if residual is None else residual(a)
    dC_dz = dC_da * (a * (1 - a) if slope is None else slope(z, a))
    return dC_dz * a_prev, dC_dz, dC_dz * w


def _variant(order=(0, 1, 2), **replaced):
    """A wrong neuron_gradients: ``_derivatives`` with a factor replaced, or its parts in
    ``order``."""
    return lambda *args: tuple(_derivatives(*args, **replaced)[i] for i in order)


def _read_three(value, case):
    if not isinstance(value, tuple | list) or len(value) != 3:
        raise wrong(
            f"wrong: return the three derivatives as a tuple (dC_dw, dC_db, dC_da_prev); "
            f"got {described(value)}."
        )
    return tuple(read_number(part, label) for part, label in zip(value, NEURON_LABELS, strict=True))


NEURON_GRADIENTS = Step(
    "neuron_gradients",
    "neuron_gradients(w, b, a_prev, y) -> (dC_dw, dC_db, dC_da_prev), three numbers, for "
    "C = (sigma(w a_prev + b) - y)^2",
    ("w", "b", "a_prev", "y"),
    _neuron_cases,
    _read_three,
    (
        Mistake(
            _variant(residual=lambda a: 2 * (a - 1)),
            "wrong: you used 2(a - 1); the derivative of (a - y)^2 is 2(a - y), with the "
            "target y (the notes print 2(a - 1)).",
        ),
        Mistake(
            _variant(order=(0, 0, 2)),
            "wrong: your dC_db equals dC_dw; b enters z = w a_prev + b with factor 1, so "
            "dC/db = sigma'(z) 2(a - y), without a_prev (the notes repeat dC/dw here).",
        ),
        Mistake(
            _variant(order=(0, 1, 0)),
            "wrong: your dC_da_prev equals dC_dw; z changes with a_prev at the rate w, so "
            "dC/da_prev = w sigma'(z) 2(a - y).",
        ),
        Mistake(
            _variant(slope=lambda z, a: sigmoid(a) * (1 - sigmoid(a))),
            "wrong: you took sigma' at a = sigma(z); it is taken at z: sigma'(z) = a (1 - a).",
        ),
        Mistake(
            _variant(slope=lambda z, a: z * (1 - z)),
            "wrong: you used z (1 - z); sigma'(z) = a (1 - a) with a = sigma(z).",
        ),
        Mistake(
            _variant(slope=lambda z, a: 1.0),
            "wrong: you left out sigma'(z): every path from C to w, b and a_prev passes "
            "through a = sigma(z).",
        ),
        *(
            Mistake(
                _variant(order),
                "wrong: your three derivatives are right but in the wrong order: return "
                "(dC_dw, dC_db, dC_da_prev).",
            )
            for order in itertools.permutations(range(3))
            if order != (0, 1, 2)
        ),
    ),
    {
        0.5: "wrong: your answer is half the right value: the square brings down a factor 2, "
        "so dC/da = 2(a - y).",
        -1.0: "wrong: your answer has the wrong sign everywhere: dC/da = 2(a - y), prediction "
        "minus target.",
    },
    against="central differences of C in w, b and a_prev",
)

STEPS = (NEURON_GRADIENTS,)
"""Notebook 01's check."""
