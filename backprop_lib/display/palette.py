"""The course's colours: Okabe and Ito's palette, the class colours and markers, and the sets
of colours that must stay apart.

About one man in twelve and one woman in two hundred see colours differently, most often
red and green alike (protanopia, deuteranopia), more rarely blue and yellow (tritanopia).
Okabe and Ito chose eight colours that stay apart for them too: M. Okabe and K. Ito, "Color
Universal Design (CUD): How to make figures and presentations that are friendly to
colorblind people" (2008), https://jfly.uni-koeln.de/color/. Every figure of the course
takes its colours from here, or is a neutral grey, black or white.

Not every pair of the eight stays apart in every colour vision (orange and vermillion come
close for a deuteranope, sky blue and bluish green for a tritanope), so each set of colours
that mean different things in one figure is registered with :func:`distinct`, and
``tests/test_colours.py`` checks every registered set under simulated colour-vision
deficiencies. Colour is never the only cue for the classes: they differ in marker shape
too (:data:`CLASS_MARKERS`).
"""

BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"

DISTINCT = {}
"""Every set of colours that mean different things in one figure, by name (a tuple of
colours each): filled by :func:`distinct` where the set is defined, and checked by
``tests/test_colours.py``, which imports every module of the package to find them all."""


def distinct(name, colours):
    """Register ``colours`` as a set that must stay apart, and return them unchanged.

    Parameters
    ----------
    name : str
        Which figure and which meanings, for example "classes".
    colours : sequence or dict
        Matplotlib colours; of a dict, its values.

    Returns
    -------
    sequence or dict
        ``colours``.

    Raises
    ------
    ValueError
        If ``name`` is already registered with other colours.
    """
    shown = tuple(colours.values()) if isinstance(colours, dict) else tuple(colours)
    if DISTINCT.get(name, shown) != shown:
        raise ValueError(f"colour set {name!r} is registered as {DISTINCT[name]}; got {shown}")
    DISTINCT[name] = shown
    return colours


CLASS_COLOURS = distinct("classes", (BLUE, VERMILLION))
"""Class 0 and class 1 (blue, vermillion), in points and in probability maps: the pair of
the palette farthest apart in every colour vision, and both dark enough to see on white."""

THREE_CLASS_COLOURS = distinct("three classes", (*CLASS_COLOURS, BLACK))
"""Classes 0, 1 and 2 of a three-class data set (notebook 06's three spirals): the two class
colours and black (grey on the map). The palette's other colours come too close to blue or
vermillion for some colour vision (bluish green, reddish purple, orange) or are too light to
see on white (sky blue, yellow)."""

CLASS_MARKERS = ("o", "^")
"""Class 0 circles, class 1 triangles: the classes differ in shape as well as colour."""

CURVE_COLOURS = distinct("curves", (BLACK, ORANGE, SKY_BLUE))
"""The lines of a chart of per-epoch values, in turn (training, then validation, ...): none
of them a class colour, which a chart may stand beside."""
