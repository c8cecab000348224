"""What a student's function returned, as JSON, and back: the only thing that travels from
the student's process to the grader's.

JSON and not pickle: reading a pickle runs code that its writer chose. Arrays keep their
dtype and shape, tuples stay tuples, NumPy scalars stay NumPy scalars, the playground's
Settings are rebuilt from their fields; any other object becomes a stand-in that keeps only
its type's name (which is all a check's message says of it).
"""

import dataclasses

import numpy as np

from ..lessons.playground_settings import Settings

NUMERIC_KINDS = "biuf"
"""Array dtypes sent with their numbers (booleans, integers, floats); others by name."""


def encode(value):
    """``value`` as data that ``json.dumps`` writes and :func:`decode` reads back."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in NUMERIC_KINDS:
            return {"object": f"ndarray of {value.dtype}"}
        return {"array": value.tolist(), "dtype": value.dtype.str, "shape": list(value.shape)}
    if isinstance(value, np.generic) and value.dtype.kind in NUMERIC_KINDS:
        return {"scalar": value.item(), "dtype": value.dtype.str}
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, tuple):
        return {"tuple": [encode(item) for item in value]}
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {"dict": {key: encode(item) for key, item in value.items()}}
    if isinstance(value, Settings):
        return {"settings": dataclasses.asdict(value)}
    return {"object": type(value).__name__}


def _stand_in(name):
    """An object whose type is called ``name``: what a check's message needs of it."""
    return type(str(name), (), {})()


def decode(data):
    """The value :func:`encode` described. Raises ValueError for data it did not write."""
    if data is None or isinstance(data, bool | int | float | str):
        return data
    if isinstance(data, list):
        return [decode(item) for item in data]
    if not isinstance(data, dict) or len(data) > 3:
        raise ValueError(f"not an encoded value: {type(data).__name__}")
    if "array" in data:
        array = np.array(data["array"], dtype=np.dtype(data["dtype"]))
        return array.reshape([int(n) for n in data["shape"]])
    if "scalar" in data:
        return np.dtype(data["dtype"]).type(data["scalar"])
    if "tuple" in data:
        return tuple(decode(item) for item in data["tuple"])
    if "dict" in data:
        return {str(key): decode(item) for key, item in data["dict"].items()}
    if "settings" in data:
        return Settings(**data["settings"])
    if "object" in data:
        return _stand_in(data["object"])
    raise ValueError(f"not an encoded value: keys {sorted(data)}")
