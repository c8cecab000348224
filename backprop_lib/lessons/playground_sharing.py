"""Notebook 06's settings as a short text, for a message to a class or a link.

:func:`to_query` writes the settings that differ from the defaults as a URL query
("dataset=xor&hidden_layers=0"), which :func:`from_query` reads back exactly: pasted into the
playground's share box, or after the "?" of its Voila page's address.
"""

from urllib.parse import parse_qsl, urlencode

from .playground_settings import Settings

VOILA_ARGUMENTS = ("template", "theme")
"""The arguments Voila itself reads from a page's address (``?theme=dark``): not settings."""

SHARE_SAFE = ",^*();"
"""Characters a shared setting keeps as they are (the features' names, the drawn points), for a
readable text."""


def to_query(settings):
    """The settings that differ from the defaults, as a URL query ("" for the defaults):
    floats written so that they read back to the same number, features joined by commas, the
    drawn points as x1,x2,class joined by semicolons.

    >>> to_query(Settings(dataset="xor", hidden_layers=0))
    'dataset=xor&hidden_layers=0'
    """
    default = Settings()
    pairs = []
    for name, value in settings.as_dict().items():
        if value != getattr(default, name):
            if name == "points":
                text = ";".join(",".join(repr(v) for v in point) for point in value)
            elif isinstance(value, tuple):
                text = ",".join(value)
            else:
                text = repr(value) if isinstance(value, float) else str(value)
            pairs.append((name, text))
    return urlencode(pairs, safe=SHARE_SAFE)


def _read(name, text, default):
    """The value of setting ``name`` written as ``text``, of the kind of its ``default``."""
    if name == "points":
        return tuple(_read_point(point) for point in text.split(";")) if text else ()
    if isinstance(default, tuple):
        return tuple(text.split(",")) if text else ()
    if isinstance(default, bool):
        if text not in ("True", "False"):
            raise ValueError(f"{name} must be True or False; got {text!r}")
        return text == "True"
    if isinstance(default, str):
        return text
    kind = "a whole number" if isinstance(default, int) else "a number"
    try:
        return type(default)(text)
    except ValueError:
        raise ValueError(f"{name} must be {kind}; got {text!r}") from None


def _read_point(text):
    """A drawn point written as "x1,x2,class" (checked further by :class:`Settings`)."""
    try:
        x1, x2, label = text.split(",")
        return float(x1), float(x2), int(label)
    except ValueError:
        expected = "a drawn point is x1,x2,class, such as 0.5,-1.2,1"
        raise ValueError(f"{expected}; got {text!r}") from None


def query_pairs(query):
    """The (name, value) texts of a query, a leading "?" allowed; a ValueError if it is not
    name=value pairs joined by &."""
    query = query.strip().removeprefix("?")
    try:
        return parse_qsl(query, keep_blank_values=True, strict_parsing=True) if query else []
    except ValueError:
        raise ValueError(
            f"a shared setting is name=value pairs joined by &, such as "
            f"dataset=xor&hidden_layers=0; got {query!r}"
        ) from None


def from_query(query, ignore=()):
    """The :class:`Settings` of a query written by :func:`to_query` (or by hand, a leading "?"
    allowed); settings it leaves out keep their defaults, and names in ``ignore`` (another
    program's, such as :data:`VOILA_ARGUMENTS` in a page's address) are passed over.

    Raises
    ------
    ValueError
        Saying what is wrong: no name=value pairs, an unknown or repeated name, a value of the
        wrong kind or out of range.
    """
    default, values = Settings().as_dict(), {}
    for name, text in query_pairs(query):
        if name in ignore:
            continue
        if name in values:
            raise ValueError(f"{name} is given twice in the shared setting")
        # an unknown name's text is kept as it is, for from_dict to name it
        values[name] = _read(name, text, default.get(name, ""))
    return Settings.from_dict(values)
