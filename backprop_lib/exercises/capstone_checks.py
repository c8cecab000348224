r"""Notebook 10's capstone check: every gradient of a two-layer network with batch normalisation
and a softmax output, by hand, judged against the Value engine's backward sweep and central
differences.

``capstone_backward(cache, params, Y) -> grads`` takes the forward pass's nodes ``cache`` (X,
z1, mu, centred, variance, inv_std, z_hat, u, h, z2, p, J), the parameters (W1, b1, gamma,
beta, W2, b2) and one-hot Y (K, m), and returns a dict with dJ/d(name) for each name of
:data:`ORDER`. The answer is compared name by name in that order and the first wrong one is
told, by the catalogued mistake behind it when one gives it. Each gradient must equal the
Value engine's entry by entry, and give the slope of J that central differences measure along a
random direction at that node (two forward passes a node, where entry-by-entry differences
would take two an entry). The network, its reference gradients and its central differences are
notebook 10's, ``lessons.capstone`` (the one lesson this check uses, as the tuning check uses
the playground's); tests/test_capstone.py shows the engine's gradients are central differences
of J entry by entry.
"""

import numpy as np

from ..lessons.capstone import ORDER, engine_gradients, forward_steps, slope_along, value_of
from .capstone_mistakes import MISTAKES, so_far
from .checking import TOLERANCE, Case, Step, sizes, wrong
from .diagnosis import gap
from .reading import described, read_array

CASES = ((4, 3, 3, 5), (3, 1, 2, 2), (6, 5, 4, 12))
"""(n_0, n_1, K, m) of each case: n_1 = K in the first, so that W2 is square and a missing
transpose gives an answer of the right shape; one hidden unit and two examples (with two, z_hat
is nearly +-1 whatever z1 is); a larger batch."""

SCALE = 1e-8
"""An answer's entries are compared on the scale of the largest reference gradient times this
at least: dJ/db1 is 0 (batch normalisation subtracts b1 again) and holds only round-off."""


DIRECTIONS_SEED = 0
"""Seed of the random directions along which central differences measure J's slope (any
direction works: a wrong gradient gives another slope along almost every one). Each entry's
step is in proportion to its size: a probability near 0 is not stepped over, where log p bends
too fast for the difference quotient."""

SLOPE_EPSILON = 1e-6
"""Step of the central differences along a direction: small enough for batch normalisation's
bend where a batch's values lie close together (m = 2), large enough for round-off."""

SLOPE_NOISE = 1e-8
"""Absolute error allowed on a slope beyond TOLERANCE of its size: central differences' error.
On 80 seeds' cases the worst slope of the Value engine's gradients used 6 % of the allowance."""


def _case(rng, n_0, n_1, K, m):
    params = {
        "W1": rng.standard_normal((n_1, n_0)) / np.sqrt(n_0),
        "b1": 0.5 * rng.standard_normal((n_1, 1)),
        "gamma": rng.uniform(0.5, 2, (n_1, 1)) * rng.choice([-1.0, 1.0], (n_1, 1)),
        "beta": 0.5 * rng.standard_normal((n_1, 1)),
        "W2": rng.standard_normal((K, n_1)),
        "b2": 0.5 * rng.standard_normal((K, 1)),
    }
    X = rng.standard_normal((n_0, m))
    Y = np.eye(K)[:, rng.integers(0, K, m)]
    cache, grads = forward_steps(params, X, Y), engine_gradients(params, X, Y)
    context = {
        "m": m,
        "n_1": n_1,
        "K": K,
        "shapes": f"n_0 = {n_0}, n_1 = {n_1}, K = {K}, m = {m}",
        "drawn": (*({k: np.copy(v) for k, v in d.items()} for d in (cache, params)), Y.copy()),
    }
    expected = tuple(grads[name] for name in ORDER)
    towards = np.random.default_rng(DIRECTIONS_SEED)
    at = [value_of(name, cache, params) for name in ORDER]
    directions = [towards.standard_normal(x.shape) * np.abs(x) for x in at]
    context["slopes"] = tuple(
        (d, slope_along(name, d, cache, params, Y, SLOPE_EPSILON))
        for name, d in zip(ORDER, directions, strict=True)
    )
    return Case((cache, params, Y), expected, ORDER, context)


def _cases(rng):
    return [_case(rng, *row) for row in sizes(rng, CASES)]


# ----- reading and judging an answer, gradient by gradient ---------------------------------------


def _close(answer, expected, scale):
    """True when ``answer`` equals ``expected`` within TOLERANCE of max(its largest entry,
    ``scale``)."""
    if np.shape(answer) != expected.shape:
        return False
    largest = max(float(np.max(np.abs(expected), initial=0.0)), scale)
    return float(np.max(np.abs(answer - expected), initial=0.0)) <= TOLERANCE * largest


def _gap_along(answer, direction, slope, expected):
    """How far ``answer``'s slope along ``direction`` is from the measured ``slope``, as a
    multiple of what is allowed (at most 1: they agree)."""
    allowed = TOLERANCE * float(np.abs(expected * direction).sum()) + SLOPE_NOISE
    return abs(float((answer * direction).sum()) - slope) / allowed


def _scale(expected):
    return SCALE * max(float(np.max(np.abs(e))) for e in expected)


def _catalogued(name, got, case):
    """The message of the first mistake whose first wrong gradient is dJ/d``name`` and equals
    ``got`` there, on the case as drawn; or ""."""
    scale, at = _scale(case.expected), ORDER.index(name)
    for mistake in MISTAKES:
        cache, params, Y = case.context["drawn"]
        with np.errstate(all="ignore"):
            try:
                given = mistake.fn({k: np.copy(v) for k, v in cache.items()}, params, Y)
                given = [np.asarray(given[key], dtype=float) for key in ORDER[: at + 1]]
            except (ArithmeticError, LookupError, TypeError, ValueError):
                continue
        before = zip(given[:at], case.expected[:at], strict=True)
        if (
            all(_close(a, e, scale) for a, e in before)
            and _close(got, given[at], scale)
            and not _close(given[at], case.expected[at], scale)
        ):
            return mistake.message.format(**case.context)
    return ""


def _otherwise(name, got, expected, case):
    """What to say of a wrong dJ/d``name`` that no catalogued mistake gives."""
    said = f"wrong: dJ/d{name}{so_far(name)}: yours "
    if got.shape == expected.shape[::-1] and got.ndim == 2:
        return said + f"is transposed, shape {got.shape}; it must have shape {expected.shape}."
    if got.shape != expected.shape:
        return said + f"has shape {got.shape} but must have shape {expected.shape}."
    if got.ndim == 2 and got.shape[0] == got.shape[1] > 1 and gap(got, expected.T) < TOLERANCE:
        return said + "is the transpose of the right one."
    e = expected.ravel()
    k = float(got.ravel() @ e / (e @ e)) if np.any(e) else 0.0
    if np.any(e) and gap(got, k * expected) < TOLERANCE:
        times = {-1.0: "has the opposite sign", float(case.context["m"]): "is m times too large"}
        times[1 / case.context["m"]] = "is m times too small"
        named = next((t for value, t in times.items() if np.isclose(k, value)), "")
        return said + (named or f"is {k:.3g} times the right one") + f" ({case.context['shapes']})."
    return said + (
        f"differs from the Value engine's gradient by {gap(got, expected):.2g} of its largest "
        f"entry, and {_slopes(name, got, case)}"
    )


def _slopes(name, got, case):
    """The slopes of J that ``got`` and central differences give along the direction of
    dJ/d``name``, for a message."""
    direction, slope = case.context["slopes"][ORDER.index(name)]
    return (
        f"gives J a slope of {float((got * direction).sum()):.6g} along a random direction "
        f"where central differences measure {slope:.6g} ({case.context['shapes']})."
    )


def _unchanged(case):
    """Raise a Verdict when the student's function changed the cache, params or Y."""
    for label, now, drawn in zip(
        ("cache", "params", "Y"), case.args, case.context["drawn"], strict=True
    ):
        pairs = (
            [(label, now, drawn)]
            if label == "Y"
            else [(f"{label}[{key!r}]", now.get(key), value) for key, value in drawn.items()]
        )
        for where, a, b in pairs:
            if not (np.shape(a) == np.shape(b) and np.array_equal(a, b, equal_nan=True)):
                raise wrong(
                    f"wrong: capstone_backward changed {where} in place: leave the inputs as "
                    "they are and compute new arrays."
                )


def _read(value, case):
    """The answer, read and judged name by name in :data:`ORDER`: a Verdict at the first one
    missing, unreadable or wrong; the right answers when all are right."""
    if not isinstance(value, dict):
        raise wrong(
            "wrong: return a dict with one gradient per name, {'p': dJ/dp, 'z2': dJ/dz2, ...}; "
            f"got {described(value)}."
        )
    _unchanged(case)
    missing = [name for name in ORDER if name not in value]
    if missing:
        raise wrong(
            f"wrong: your dict has no {', '.join(map(repr, missing))}: return dJ/d(name) "
            f"for each of {', '.join(ORDER)}."
        )
    scale = _scale(case.expected)
    for name, expected, (direction, slope) in zip(
        ORDER, case.expected, case.context["slopes"], strict=True
    ):
        got = value[name]
        shaped = np.asarray(got, dtype=float) if isinstance(got, np.ndarray) else None
        if shaped is None or shaped.shape == expected.shape:
            shaped = read_array(got, expected, f"dJ/d{name}", where=f"grads[{name!r}]")
        elif not np.all(np.isfinite(shaped)):
            shaped = read_array(got, expected, f"dJ/d{name}")
        if not _close(shaped, expected, scale):
            said = _catalogued(name, shaped, case) or _otherwise(name, shaped, expected, case)
            raise wrong(said)
        if _gap_along(shaped, direction, slope, expected) > 1:  # the engine is wrong here
            raise wrong(f"wrong: dJ/d{name}{so_far(name)}: yours {_slopes(name, shaped, case)}")
    return case.expected


CAPSTONE_BACKWARD = Step(
    "capstone_backward",
    "capstone_backward(cache, params, Y) -> grads: a dict with dJ/d(name) for each name of "
    f"{', '.join(ORDER)}, each shaped like that node or parameter, from the forward pass's "
    "nodes cache, the parameters params and one-hot Y (K, m)",
    ("cache", "params", "Y"),
    _cases,
    _read,
    MISTAKES,
    hint="cache and params are dicts of arrays, one column per example; return a dict of "
    "arrays, grads['z1'] shaped like cache['z1'] and grads['W1'] like params['W1'].",
    against="the Value engine's gradients and central differences",
)

STEPS = (CAPSTONE_BACKWARD,)
"""Notebook 10's capstone check."""
