r"""Notebook 10's checks: the backward passes of batch normalisation (training mode) and of
inverted dropout, against the core's own (:mod:`backprop_lib.normalisation`).

``batchnorm_backward(d_out, z, gamma, epsilon) -> (dz, dgamma, dbeta)`` takes d_out and z of
shape (n, m), one column per example, and gamma (n, 1); ``dropout_backward(d_out, mask,
keep_prob) -> da`` takes the forward pass's boolean mask. Each catalogued mistake is written
once below, from the mathematics, with the exercise's own signature; an answer of the wrong
shape is named by the mistake that returns it, when one does.
"""

import numpy as np

from ..normalisation import batchnorm_backward, dropout_backward
from .checking import TOLERANCE, Case, Mistake, Step, sizes, wrong
from .diagnosis import gap
from .reading import described, read_array

BATCHNORM_CASES = (
    (3, 5, "random", 1e-5),
    (1, 2, "random", 1e-3),
    (4, 8, "ones", 1e-2),
    (2, 100, "random", 0.1),
)
"""(n, m, gamma, epsilon) of each case: one unit of two examples, where dz is small (with two
examples z_hat is nearly +-1 whatever z is), a gamma of ones (as an MLP starts), and a batch of
100; epsilon from PyTorch's default 1e-5 to 0.1, so that an epsilon left out shows."""

DROPOUT_CASES = ((3, 4, 0.8), (1, 2, 0.6), (6, 1, 0.7), (10, 50, 0.3))
"""(n, m, keep_prob) of each case; never 0.5, where 1/p = 1/(1 - p) hides a swapped
probability. Every mask of two entries or more keeps one unit and drops another."""

BATCHNORM_LABELS = ("dz", "dgamma", "dbeta")


# ----- batch normalisation -----------------------------------------------------------------


def _batchnorm_case(rng, n, m, kind, epsilon):
    offsets, scales = rng.uniform(-2, 2, (n, 1)), rng.uniform(0.5, 2, (n, 1))
    z = offsets + scales * rng.standard_normal((n, m))
    d_out = rng.standard_normal((n, m))
    gamma = np.ones((n, 1))
    if kind != "ones":
        gamma = rng.uniform(0.5, 2, (n, 1)) * rng.choice([-1.0, 1.0], (n, 1))
    expected = batchnorm_backward(d_out, z, gamma, epsilon)
    return Case((d_out, z, gamma, epsilon), expected, BATCHNORM_LABELS, {"n": n, "m": m})


def _batchnorm_cases(rng):
    return [_batchnorm_case(rng, *row) for row in sizes(rng, BATCHNORM_CASES)]


def _batchnorm(
    axis=1,
    ddof=0,
    paths=("mean", "variance"),
    scaled=True,
    with_epsilon=True,
    sums="",
    compact=False,
    order=(0, 1, 2),
    dz_times_m=False,
):
    """A batchnorm_backward written step by step through the graph (or in the ``compact``
    form), with one thing changed: statistics and sums along ``axis``, the variance divided by
    m - ``ddof``, only the ``paths`` through mu and sigma^2 kept, gamma left out of dz (not
    ``scaled``), epsilon left out, dgamma and dbeta "per example", "averaged", with "gamma" in
    both or in "dgamma" only, dz m times too large, or the three parts in another ``order``."""

    def batchnorm_backward(d_out, z, gamma, epsilon):
        m = z.shape[axis]
        centred = z - z.mean(axis=axis, keepdims=True)
        variance = (centred**2).sum(axis=axis, keepdims=True) / (m - ddof)
        inv_std = 1.0 / np.sqrt(variance + (epsilon if with_epsilon else 0.0))
        z_hat = centred * inv_std
        g = gamma * d_out if scaled else d_out  # dJ/dz_hat

        def total(x):
            return x.sum(axis=axis, keepdims=True)

        if compact:
            dz = inv_std / m * (m * g - total(g) - z_hat * total(g * z_hat))
        else:
            dz = g * inv_std
            if "variance" in paths:
                d_variance = -0.5 * inv_std**3 * total(g * centred)
                dz = dz + d_variance * 2 * centred / (m - ddof)
            if "mean" in paths:
                dz = dz - inv_std * total(g) / m
        if dz_times_m:
            dz = m * dz
        dgamma = (g if sums in ("gamma", "dgamma") else d_out) * z_hat
        dbeta = g if sums == "gamma" else d_out
        if sums != "per example":
            dgamma, dbeta = total(dgamma), total(dbeta)
        if sums == "averaged":
            dgamma, dbeta = dgamma / m, dbeta / m
        parts = (dz, dgamma, dbeta)
        return tuple(parts[i] for i in order)

    return batchnorm_backward


UNBIASED = (
    "wrong: you divided the variance by m - 1, the unbiased estimate (np.var(..., ddof=1), "
    "torch.var); batch normalisation divides by m, sigma^2 = mean of (z - mu)^2 over the batch, "
    "in z_hat and in its derivative alike."
)

BATCHNORM_MISTAKES = (
    Mistake(
        _batchnorm(paths=()),
        "wrong: your dz = gamma d_out / sqrt(sigma^2 + epsilon) treats the batch's mean and "
        "variance as constants; each z_i moves mu and sigma^2, which every z_hat uses, so add "
        "the paths through mu and through sigma^2.",
    ),
    Mistake(
        _batchnorm(paths=("variance",)),
        "wrong: your dz leaves out the path through the mean mu: each z_i moves mu, which every "
        "z_hat subtracts, so dz also subtracts the batch's mean of gamma d_out, divided by "
        "sqrt(sigma^2 + epsilon).",
    ),
    Mistake(
        _batchnorm(paths=("mean",)),
        "wrong: your dz leaves out the path through the variance sigma^2: each z_i moves "
        "sigma^2, which scales every z_hat, so dz also subtracts z_hat times the batch's mean "
        "of gamma d_out z_hat, divided by sqrt(sigma^2 + epsilon).",
    ),
    Mistake(_batchnorm(ddof=1), UNBIASED),
    Mistake(_batchnorm(ddof=1, compact=True), UNBIASED),
    Mistake(
        _batchnorm(axis=0),
        "wrong: you took the mean, the variance and the sums over the units (axis=0); batch "
        "normalisation normalises each unit over the batch: take them along each row, axis=1, "
        "keepdims=True, so that dgamma and dbeta are ({n}, 1).",
    ),
    Mistake(
        _batchnorm(scaled=False),
        "wrong: your dz leaves out gamma: the output is gamma z_hat + beta, so the gradient "
        "that reaches z_hat is gamma d_out; use it in every term of dz.",
    ),
    Mistake(
        _batchnorm(sums="per example"),
        "wrong: your dgamma and dbeta have one column per example, shape ({n}, {m}): gamma and "
        "beta are shared by the whole batch, so sum d_out z_hat and d_out over it (axis=1, "
        "keepdims=True), shape ({n}, 1).",
    ),
    Mistake(
        _batchnorm(sums="averaged"),
        "wrong: your dgamma and dbeta are m = {m} times too small: you averaged over the batch; "
        "sum d_out z_hat and d_out over it (a 1/m of the cost is in d_out already).",
    ),
    Mistake(
        _batchnorm(sums="gamma"),
        "wrong: your dgamma and dbeta carry the factor gamma: gamma multiplies z_hat in "
        "gamma z_hat + beta, so dgamma sums d_out z_hat and dbeta sums d_out, without gamma.",
    ),
    Mistake(
        _batchnorm(sums="dgamma"),
        "wrong: your dgamma carries the factor gamma: gamma multiplies z_hat in gamma z_hat + "
        "beta, so dgamma sums d_out z_hat over the batch, without gamma.",
    ),
    Mistake(
        _batchnorm(with_epsilon=False),
        "wrong: you left out epsilon: z_hat = (z - mu) / sqrt(sigma^2 + epsilon), so use "
        "sqrt(sigma^2 + epsilon), with the epsilon given, everywhere.",
    ),
    Mistake(
        _batchnorm(compact=True, dz_times_m=True),
        "wrong: your dz is m = {m} times too large: you left out the 1/m of the compact form, "
        "dz = (m g - sum of g - z_hat sum of g z_hat) / (m sqrt(sigma^2 + epsilon)), "
        "g = gamma d_out.",
    ),
    Mistake(
        _batchnorm(order=(0, 2, 1)),
        "wrong: your dgamma and dbeta are swapped: return (dz, dgamma, dbeta), dgamma the sum "
        "of d_out z_hat and dbeta the sum of d_out.",
    ),
)


# ----- reading an answer, and naming a wrong shape by the mistake that gives it -----------------


def _shape(value):
    try:
        return np.shape(value)
    except ValueError:  # a ragged list
        return None


def _floats(parts):
    """``parts`` as finite float arrays, or None."""
    try:
        arrays = [np.asarray(part, dtype=float) for part in parts]
    except (TypeError, ValueError):
        return None
    return arrays if all(np.all(np.isfinite(a)) for a in arrays) else None


def planted(mistakes, parts, case):
    """The message of the first of ``mistakes`` that returns ``parts`` (arrays of any shape)
    on ``case``, or "": how an answer of the wrong shape is told by the mistake behind it."""
    answer = _floats(parts)
    if answer is None:
        return ""
    for mistake in mistakes:
        with np.errstate(all="ignore"):
            try:
                given = mistake.fn(*case.args, **case.kwargs)
            except (ArithmeticError, LookupError, TypeError, ValueError):
                continue
        given = _floats(given if isinstance(given, tuple) else (given,))
        if (
            given is not None
            and len(given) == len(answer)
            and all(
                a.shape == b.shape and gap(a, b) < TOLERANCE
                for a, b in zip(answer, given, strict=True)
            )
        ):
            return mistake.message.format(**case.context)
    return ""


def _parameter_shape(part, label, case):
    """What a dgamma or dbeta of the wrong shape says: summed over the units, or not summed."""
    n, m, shape = case.context["n"], case.context["m"], _shape(part)
    if shape in ((n, m), (m, n)):
        return (
            f"wrong: your {label} has shape {shape}, one entry per example: gamma and beta are "
            f"shared by the whole batch, so sum over it (axis=1, keepdims=True), shape ({n}, 1)."
        )
    if shape in ((1, m), (m,)) and m != n:
        return (
            f"wrong: your {label} has shape {shape}: you summed over the units (axis=0); gamma "
            f"and beta have one entry per unit, so sum over the batch, along each row (axis=1, "
            f"keepdims=True), shape ({n}, 1)."
        )
    return ""


def _read_batchnorm(value, case):
    if not isinstance(value, tuple | list) or len(value) != 3:
        raise wrong(
            "wrong: return the three gradients as a tuple (dz, dgamma, dbeta); got "
            f"{described(value)}."
        )
    if any(_shape(part) != e.shape for part, e in zip(value, case.expected, strict=True)):
        said = [planted(BATCHNORM_MISTAKES, value, case)]
        said += [
            _parameter_shape(part, label, case)
            for part, label in zip(value[1:], BATCHNORM_LABELS[1:], strict=True)
        ]
        if any(said):
            raise wrong(next(filter(None, said)))
    return tuple(
        read_array(part, e, label)
        for part, e, label in zip(value, case.expected, BATCHNORM_LABELS, strict=True)
    )


BATCHNORM_BACKWARD = Step(
    "batchnorm_backward",
    "batchnorm_backward(d_out, z, gamma, epsilon) -> (dz, dgamma, dbeta): the gradients "
    "through batch normalisation in training mode, from d_out = dJ/d(gamma z_hat + beta); "
    "d_out, z and dz are (n, m), gamma, dgamma and dbeta (n, 1)",
    ("d_out", "z", "gamma", "epsilon"),
    _batchnorm_cases,
    _read_batchnorm,
    BATCHNORM_MISTAKES,
    hint="d_out and z are (n, m), one column per example, and gamma is (n, 1): return (dz, "
    "dgamma, dbeta), of shapes (n, m), (n, 1) and (n, 1).",
    against="the library's batchnorm_backward",
)


# ----- dropout -------------------------------------------------------------------------------


def _dropout_cases(rng):
    made = []
    for n, m, keep_prob in sizes(rng, DROPOUT_CASES):
        mask = rng.random((n, m)) < keep_prob
        if mask.size > 1:  # one unit kept and one dropped, so that every mistake shows
            mask.flat[:2] = True, False
            mask = mask.reshape(-1)[rng.permutation(mask.size)].reshape(n, m)
        d_out = rng.standard_normal((n, m))
        expected = dropout_backward(d_out, mask, keep_prob)
        context = {"expression": f"({n}, {m}) with keep_prob {keep_prob:g}"}
        made.append(Case((d_out, mask, keep_prob), (expected,), ("da",), context))
    return made


DROPOUT_MISTAKES = (
    Mistake(
        lambda d_out, mask, keep_prob: d_out / keep_prob,
        "wrong: you did not apply the mask: a dropped unit gave nothing to the output, so its "
        "gradient is 0; multiply d_out by the mask, then divide by keep_prob.",
    ),
    Mistake(
        lambda d_out, mask, keep_prob: d_out * mask,
        "wrong: you left out the scaling 1/keep_prob: the forward pass divided the kept units "
        "by keep_prob, so the backward pass divides their gradient by it too.",
    ),
    Mistake(
        lambda d_out, mask, keep_prob: d_out * mask / keep_prob**2,
        "wrong: you divided by keep_prob twice: the forward pass scaled the kept units by "
        "1/keep_prob once, so their gradient is d_out / keep_prob, once.",
    ),
    Mistake(
        lambda d_out, mask, keep_prob: d_out * mask * keep_prob,
        "wrong: you multiplied by keep_prob; inverted dropout divides the kept units by it in "
        "the forward pass, so the backward pass divides their gradient by keep_prob too.",
    ),
    Mistake(
        lambda d_out, mask, keep_prob: d_out * ~mask / keep_prob,
        "wrong: your mask is the wrong way round: the gradient flows through the kept units "
        "(mask True), and a dropped unit (mask False) gets 0.",
    ),
    Mistake(
        lambda d_out, mask, keep_prob: d_out * mask / (1 - keep_prob),
        "wrong: you divided by 1 - keep_prob, the probability of dropping a unit; the kept "
        "units were scaled by 1/keep_prob, so divide by keep_prob.",
    ),
    Mistake(
        lambda d_out, mask, keep_prob: mask / keep_prob,
        "wrong: you returned mask / keep_prob, the derivative of dropout's output in a, alone; "
        "the chain rule multiplies it by d_out.",
    ),
    Mistake(
        lambda d_out, mask, keep_prob: d_out,
        "wrong: you returned d_out unchanged: dropout multiplied a by mask / keep_prob, so the "
        "gradient is multiplied by the same: 0 where a unit was dropped, d_out / keep_prob "
        "where it was kept.",
    ),
    Mistake(
        lambda d_out, mask, keep_prob: d_out[mask] / keep_prob,
        "wrong: d_out[mask] keeps the kept units' entries only, as a flat array; da is shaped "
        "like d_out, with 0 where a unit was dropped: multiply by the mask instead.",
    ),
)


def _read_dropout(value, case):
    expected = case.expected[0]
    if _shape(value) != expected.shape:
        said = planted(DROPOUT_MISTAKES, (value,), case)
        if said:
            raise wrong(said)
    integers = (
        "wrong: your da holds integers or booleans: return floats, d_out times the mask "
        "divided by keep_prob."
    )
    return (read_array(value, expected, "da", integers),)


DROPOUT_BACKWARD = Step(
    "dropout_backward",
    "dropout_backward(d_out, mask, keep_prob) -> da = dJ/da through inverted dropout, from "
    "d_out = dJ/d(out) and the forward pass's boolean mask, both (n, m); da is (n, m)",
    ("d_out", "mask", "keep_prob"),
    _dropout_cases,
    _read_dropout,
    DROPOUT_MISTAKES,
    hint="d_out and mask are (n, m), the mask boolean (True where a unit was kept), keep_prob a "
    "number in (0, 1]; da is shaped like d_out.",
    against="the library's dropout_backward",
)

STEPS = (BATCHNORM_BACKWARD, DROPOUT_BACKWARD)
"""Notebook 10's checks, in the notebook's order."""
