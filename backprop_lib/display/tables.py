"""Plain-text tables of numbers, printed the same on every machine (no pandas needed)."""

import numpy as np

from ..gradcheck import format_relative_error, relative_error


def _is_float(value):
    return isinstance(value, float | np.floating)


def text_table(headers, rows, digits=6):
    """Rows of labels and numbers as an aligned plain-text table.

    Floats are printed with ``digits`` decimals (a value that rounds to zero prints as
    zero, never "-0.000000") and right-aligned; any other cell is printed with ``str``
    and left-aligned.

    Parameters
    ----------
    headers : sequence of str
        One per column.
    rows : sequence of sequences
        Each as long as ``headers``.
    digits : int

    Returns
    -------
    str
        The table, one line per row, under a header line and a rule.
    """

    def cell(value):
        if not _is_float(value):
            return str(value)
        text = f"{float(value):.{digits}f}"
        return f"{0.0:.{digits}f}" if float(text) == 0.0 else text

    if any(len(row) != len(headers) for row in rows):
        raise ValueError(f"every row must have {len(headers)} cells, one per header")
    cells = [[cell(value) for value in row] for row in rows]
    widths = [len(header) for header in headers]
    for row in cells:
        widths = [max(width, len(text)) for width, text in zip(widths, row, strict=True)]
    numeric = [all(_is_float(row[c]) for row in rows) for c in range(len(headers))]

    def line(texts):
        padded = [
            text.rjust(width) if right else text.ljust(width)
            for text, width, right in zip(texts, widths, numeric, strict=True)
        ]
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in cells)])


def gradient_check_table(checks):
    """Gradient checks as a text table: name, shape, and relative error with its verdict.

    Parameters
    ----------
    checks : sequence of (str, ndarray, ndarray)
        (name, analytic gradient, numerical gradient of the same shape).

    Returns
    -------
    str
        See :func:`text_table` and :func:`backprop_lib.format_relative_error`.
    """
    rows = [
        (name, str(np.shape(analytic)), format_relative_error(relative_error(analytic, numerical)))
        for name, analytic, numerical in checks
    ]
    return text_table(["gradient", "shape", "relative error"], rows)
