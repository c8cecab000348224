r"""How a wrong answer is told: the mistake of the catalogue that explains it, a factor, a
transpose, or which cases are right and which wrong, with the smallest failing case shown.

:func:`matches` compares an answer with a case's right one; :func:`diagnose` turns the wrong
answers of a check into its message.
"""

import numpy as np

from .checking import TOLERANCE, Verdict

SCALE_FLOOR = 1e-12
"""Smallest scale a comparison divides by, so that an all-zero reference compares by the
absolute difference."""

FACTORS = {
    -1.0: "wrong: your {label} has the opposite sign of the right answer everywhere.",
    2.0: "wrong: your {label} is twice the right value.",
    0.5: "wrong: your {label} is half the right value.",
}
"""Default messages for an answer that is a known multiple of the right one."""


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


def predicted(step, mistake, case):
    """What ``mistake`` answers on ``case``, read as a student's answer is read; None where it
    gives no answer (its shapes do not fit this case, or it concerns other cases)."""
    try:
        with np.errstate(all="ignore"):
            step.reset(case)
            value = step.observe(mistake.fn(*case.args, **case.kwargs), case)
            return step.read(value, case)
    except (Verdict, ArithmeticError, LookupError, TypeError, ValueError):
        return None


def _explains(step, mistake, failures):
    """True when ``mistake`` gives the student's answer in every failing case."""
    return all(matches(answer, predicted(step, mistake, case)) for answer, case in failures)


def _names(cases):
    """How a message names some cases: by their m ("m = 1, 4"), their expression, or else by
    their inputs' shapes."""
    cases = list(cases)
    for key, said in (("m", "m = "), ("expression", "")):
        if all(key in case.context for case in cases):
            return said + ", ".join(dict.fromkeys(str(case.context[key]) for case in cases))
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
    return " ".join(text.split()).rstrip(".")  # a whole number prints as "1.": drop the dot


def _shown_input(value):
    """True for an input a failing case shows: an array or a number."""
    return isinstance(value, np.ndarray | float | int) and not isinstance(value, bool)


def smallest_case(step, failures):
    """A sentence showing the smallest failing case: inputs, expected and got."""
    sizes = [sum(np.size(a) for a in case.args if _shown_input(a)) for _, case in failures]
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
        if _shown_input(value)
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
        if _explains(step, mistake, failures):
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
