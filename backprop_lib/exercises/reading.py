"""Reading what a student's function returned: the arrays to compare, or why there are none.

Each raises a :class:`~backprop_lib.exercises.checking.Verdict` that says what is wrong with
a strange answer (None, the wrong type or shape, NaN), in the student's terms.
"""

import numpy as np

from .checking import wrong


def type_name(value):
    return "None" if value is None else type(value).__name__


def described(value):
    """What a returned value is, in a few words: "None", "a dict", "a list of 2"."""
    if isinstance(value, tuple | list):
        return f"a {type(value).__name__} of {len(value)}"
    return "None" if value is None else f"a {type(value).__name__}"


def read_array(value, expected, label, integers="", where=""):
    """The answer as a float array shaped like ``expected``, or a Verdict saying why not.

    Parameters
    ----------
    value : object
        What the student's function returned.
    expected : ndarray
        The right answer (for its shape).
    label : str
        What the answer is, e.g. "dJ/dW".
    integers : str, optional
        The message for an answer of integers or booleans (a default one otherwise).
    where : str, optional
        Where the value sits in what was returned, e.g. "dWs[1]" (for None inside a list).
    """
    if value is None:
        if where:
            raise wrong(
                f"wrong: {where} ({label}) is None: does your loop skip that entry, or leave "
                "a placeholder unfilled?"
            )
        raise wrong(f"wrong: you returned None for {label}: did you forget the return line?")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise wrong(f"wrong: your {label} could not be read as an array ({first}).") from None
    if array.dtype.kind in "biu":
        raise wrong(
            integers or f"wrong: your {label} holds {array.dtype} numbers: return floats (float64)."
        )
    if array.dtype.kind != "f":
        raise wrong(
            f"wrong: you returned a {type_name(value)} for {label}; expected an array of "
            f"numbers of shape {expected.shape}."
        )
    if array.shape != expected.shape:
        raise wrong(_shape_message(array.shape, expected.shape, label))
    if not np.all(np.isfinite(array)):
        raise wrong(
            f"wrong: your {label} contains NaN or inf (a division by zero, or the log of 0?)."
        )
    return array.astype(float)


def _shape_message(got, expected, label):
    said = f"wrong: your {label} has shape {got} but must have shape {expected}"
    if len(got) == 2 and got == expected[::-1]:
        return said + ": did you transpose?"
    if len(expected) == 2 and expected[1] == 1 and got == (expected[0],):
        return said + ", a column: keep the axis (keepdims=True) or reshape."
    return said + "."


def read_number(value, label):
    """The answer as a float (a number or an array of size 1), or a Verdict saying why not."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        raise wrong(f"wrong: you returned {type_name(value)} for {label}; expected a number.")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise wrong(
            f"wrong: you returned a {type_name(value)} for {label}; expected a number."
        ) from None
    if array.size != 1:
        raise wrong(
            f"wrong: you returned an array of shape {array.shape} for {label}; expected one number."
        )
    number = float(array.reshape(()))
    if not np.isfinite(number):
        raise wrong(f"wrong: your {label} is {number} (a division by zero, or the log of 0?).")
    return np.array(number)


def read_one(integers=""):
    """A :attr:`Step.read` for a function that returns one array."""

    def read(value, case):
        return (read_array(value, case.expected[0], case.labels[0], integers),)

    return read
