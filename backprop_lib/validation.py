"""Argument checks shared by the whole package, each with an error that says what it expected.

Every function either returns the value (a plain Python number, or a float array) or raises
a ValueError naming the argument, what it should be and what came. ``True`` and ``False`` are never
numbers here, although Python counts them as integers.
"""

import math
import numbers

import numpy as np


def is_whole(value):
    """True for an integer (Python or NumPy), False for anything else, bools included."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_real(value):
    """True for a finite real number (Python or NumPy), False for bools, nan and inf."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _range_text(low, high):
    if high is None:
        return f">= {low:g}"
    return f"from {low:g} to {high:g}"


def check_whole(name, value, low, high=None, meaning=""):
    """Return ``int(value)`` if it is a whole number in [low, high], else raise ValueError.

    Parameters
    ----------
    name : str
        The argument's name, as the caller wrote it.
    value : object
    low : int
    high : int, optional
        No upper end when None.
    meaning : str, optional
        What the number counts, added to the message, for example "hidden layers".
    """
    if is_whole(value) and value >= low and (high is None or value <= high):
        return int(value)
    said = f" ({meaning})" if meaning else ""
    raise ValueError(f"{name} must be a whole number {_range_text(low, high)}{said}; got {value!r}")


def check_real(name, value, low=None, high=None, positive=False):
    """Return ``float(value)`` if it is a finite number in [low, high], else raise ValueError.

    Parameters
    ----------
    name : str
    value : object
    low, high : float, optional
        Bounds, both allowed; None for no bound.
    positive : bool
        Ask for a number > 0 (and say so in the message).
    """
    fits = is_real(value) and (low is None or value >= low) and (high is None or value <= high)
    if fits and (not positive or value > 0):
        return float(value)
    if positive:
        expected = "a positive finite number"
    elif low is None:
        expected = "a finite number"
    else:
        expected = f"a finite number {_range_text(low, high)}"
    raise ValueError(f"{name} must be {expected}; got {value!r}")


def check_fraction(name, value):
    """Return ``float(value)`` if it is a finite number in [0, 1), else raise ValueError."""
    if is_real(value) and 0 <= value < 1:
        return float(value)
    raise ValueError(f"{name} must be a finite number from 0 to below 1; got {value!r}")


class NonFiniteError(ValueError):
    """The ValueError of :func:`check_matrix` for NaN or inf, which training tells apart: inside
    a training step it means that the values have blown up."""


def check_matrix(name, value):
    """Return ``value`` as a 2-D float64 array of finite numbers, else raise ValueError
    (:class:`NonFiniteError` for NaN or inf)."""
    array = np.asarray(value, dtype=float)
    if array.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array with one column per example; got shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise NonFiniteError(f"{name} contains NaN or inf; every entry must be a finite number")
    return array
