"""Notebook 06's live view, drawn by the browser: the playground's four panels as arrays.

:class:`CanvasView` sends a :class:`~backprop_lib.lessons.playground.Playground` to a
:class:`~backprop_lib.display.canvas.FrameCanvas`: the same four panels, titles and colours
as :class:`~backprop_lib.lessons.playground_views.PlaygroundView` (the matplotlib figure a
notebook stores), as a few kilobytes a frame instead of a PNG. :func:`frame_arrays` computes
a frame's arrays; the tests compare them with the model.
"""

import numpy as np
from matplotlib.colors import LinearSegmentedColormap, to_hex, to_rgb

from ..display.canvas import float32
from ..display.charts import PROBABILITY_COLOURS, map_grid
from ..display.palette import CLASS_COLOURS, THREE_CLASS_COLOURS
from .playground_views import (
    BOUNDARY_TITLES,
    COST_LINES,
    GRADIENT_TITLE,
    GRID_POINTS,
    INPUT_NAME_GAP,
    MAX_LINE_WIDTH,
    WEIGHT_COLOURS,
    PlaygroundView,
    column_names,
    cost_title,
    diagram_extent,
    diagram_layout,
    layer_colours,
)

CANVAS_SIZE = (900, 664)
"""Width and height of the canvas in CSS pixels: the matplotlib figure's size at 100 dpi and
a line for the caption above it."""

MAP_OPACITY = 0.5
"""The map's colours over white, as the figure shows them (its ``alpha``)."""

LUT = np.round(
    255 * (MAP_OPACITY * PROBABILITY_COLOURS(np.linspace(0, 1, 256)) + (1 - MAP_OPACITY))
).astype(np.uint8)
"""The map's colour for each byte value 0..255 (probability byte / 255), RGBA."""

UNIT_COLOURS = LinearSegmentedColormap.from_list(
    "unit_output", [WEIGHT_COLOURS[0], "white", WEIGHT_COLOURS[1]]
)
"""A hidden unit's output on its small map: orange at -1 through white at 0 to purple at 1,
the colours of the signs of the weights beside it."""

UNIT_LUT = np.round(255 * UNIT_COLOURS(np.linspace(0, 1, 256))).astype(np.uint8)
"""The unit maps' colour for each byte value (see :func:`unit_bytes`), RGBA."""

UNIT_GRID = 20
"""Points per side of a hidden unit's map: drawn about 26 pixels wide, and 48 units (the
most) are then 19 kB a frame."""

UNITS_TITLE = "Weights, width ∝ |w|, and each unit's output: purple > 0, orange < 0"
"""The network panel's title on the canvas, where each hidden unit is a small map."""

NAMED_INPUTS = "the input units named by their features."
"""Where :class:`PlaygroundView`'s description of the network panel ends."""

WHAT, WHAT_THRESHOLDED = (
    what.replace(
        NAMED_INPUTS,
        NAMED_INPUTS.removesuffix(".") + ", each hidden unit a small map of its output over "
        "the plane of x1 and x2, purple where it is positive and orange where negative.",
    )
    for what in (PlaygroundView.WHAT, PlaygroundView.WHAT_THRESHOLDED)
)
"""What the canvas shows, for readers who cannot see it (its text alternative): the map as a
probability, and as the predicted class."""

WHAT_THREE = (
    "Four panels. Top left: a map of the plane of the two inputs x1 and x2: class 0 as blue "
    "circles, class 1 as vermillion triangles, class 2 as black squares (test points outlined "
    "in black), over the class the model predicts in that class's colour (grey for class 2), "
    "paler where the model is less sure." + WHAT[WHAT.index(" Top right:") :]
)
"""What the canvas shows for three classes (the map's shades are the predicted class)."""

THREE_CLASS_TITLES = {
    False: "Predicted class (● 0, ▲ 1, ■ 2), paler where less sure; test edged black",
    True: "Predicted class (● 0, ▲ 1, ■ 2); test edged black",
}
"""The map's title for three classes, shaded by how sure the model is, or not."""


def what_is_drawn(session):
    """The canvas's text alternative for ``session``, before its status line."""
    if session.classes > 2:
        return WHAT_THREE
    return WHAT_THRESHOLDED if session.settings.thresholded else WHAT


LEVELS = 85
"""Shades per class on a map of three classes: three times 85 bytes fit in one."""


def map_bytes(probability, thresholded):
    """The map's grid as one byte a point, from the network's output ``probability``.

    With one output (1, n), the probability of class 1: 0 for 0, 255 for 1 (:data:`LUT`); the
    predicted class (0 or 255) when ``thresholded``. With k > 2 classes (k, n): the predicted
    class c and how sure, :data:`LEVELS` c + round((LEVELS - 1) (p_c - 1/k) / (1 - 1/k))
    (:func:`class_lut`); the sure end when ``thresholded``.
    """
    if len(probability) == 1:
        p = probability[0]
        if thresholded:
            return np.where(p >= 0.5, 255, 0).astype(np.uint8)
        return np.round(255 * p).astype(np.uint8)
    k = len(probability)
    predicted, sure = probability.argmax(axis=0), probability.max(axis=0)
    level = np.round((LEVELS - 1) * (sure - 1 / k) / (1 - 1 / k))
    level = np.full_like(level, LEVELS - 1) if thresholded else level
    return (LEVELS * predicted + level).astype(np.uint8)


def class_lut(colours):
    """The map's colours for :func:`map_bytes` of ``len(colours)`` > 2 classes, RGBA rows: for
    class c, from white (as unsure as can be) to its colour at :data:`MAP_OPACITY` (sure)."""
    lut = np.full((256, 4), 255.0)
    for c, colour in enumerate(colours):
        shade = np.linspace(0, MAP_OPACITY, LEVELS)[:, None]
        lut[LEVELS * c : LEVELS * (c + 1), :3] = 255 * (1 - shade + shade * to_rgb(colour))
    return np.round(lut).astype(np.uint8)


def unit_bytes(outputs):
    """Hidden units' outputs as one byte each: -1 (or less) is 0, 0 is 128, 1 (or more) 255."""
    return np.round(127.5 * (np.clip(outputs, -1.0, 1.0) + 1.0)).astype(np.uint8)


def frame_arrays(session, grid):
    """The arrays of one frame of ``session`` on the map's ``grid`` (2, n*n).

    Returns
    -------
    dict
        ``map``: uint8 (n*n,), :func:`map_bytes` of the model's output on the grid, row after
        row; ``units``: uint8 (hidden units, UNIT_GRID, UNIT_GRID), :func:`unit_bytes` of
        each hidden unit's output on every few points of the grid (rows and columns
        :func:`unit_rows`); ``weights``: float32, [W^1.ravel(), ..., W^L.ravel()];
        ``epochs``: float32 (points,), the epochs of at most :data:`CURVE_POINTS` records
        (:func:`curve_records`); ``costs``: float32 (2, points), train and test; ``norms``:
        float32 (L, points), the gradient norms of W^1 ... W^L.
    """
    outputs = session.activations(grid)
    shown = curve_records(len(session.epochs))
    n = round(np.sqrt(grid.shape[1]))
    rows = unit_rows(n)
    hidden = [a.reshape(-1, n, n)[:, rows][:, :, rows] for a in outputs[1:-1]]
    empty = np.empty((0, len(rows), len(rows)))
    return {
        "map": map_bytes(outputs[-1], session.settings.thresholded),
        "units": unit_bytes(np.concatenate(hidden) if hidden else empty),
        "weights": np.concatenate([W.ravel() for W in session.model.weights]).astype(np.float32),
        "epochs": np.asarray(session.epochs, dtype=np.float32)[shown],
        "costs": np.asarray([session.train_costs, session.test_costs], dtype=np.float32)[:, shown],
        "norms": np.asarray(session.gradient_norms, dtype=np.float32).T[:, shown],
    }


CURVE_POINTS = 400
"""Records a frame's curves show at most: about one a pixel of a curve panel. A long run keeps
up to 2,000 (the playground's ``MAX_RECORDS``): with seven layers, 88 kB of curves a frame."""


def curve_records(records):
    """The indices of the records a frame's curves show: all of them, or :data:`CURVE_POINTS`
    evenly spread from the first to the last."""
    if records <= CURVE_POINTS:
        return np.arange(records)
    return np.round(np.linspace(0, records - 1, CURVE_POINTS)).astype(int)


def unit_rows(n):
    """The rows (and columns) of an n x n grid that a unit's map shows: :data:`UNIT_GRID`,
    evenly spread from the first to the last."""
    return np.round(np.linspace(0, n - 1, UNIT_GRID)).astype(int)


COSTS = [
    {"name": name, "colour": line["color"], "dashed": line["linestyle"] == "--"}
    for name, line in zip(("train", "test"), COST_LINES, strict=True)
]
"""The cost curves' names and styles on the canvas, as :data:`COST_LINES` in the figure."""


class CanvasView:
    """The four panels of a playground run on a :class:`FrameCanvas`, sent by :meth:`show`.

    Parameters
    ----------
    canvas : backprop_lib.display.canvas.FrameCanvas
    """

    def __init__(self, canvas):
        self.canvas = canvas
        self._shown, self._grid, self._layers = None, None, None  # set by _send_still

    def show(self, session, caption, answer=False):
        """Send ``session``'s frame with ``caption`` (a line of text above the panels), and
        its still part first for a new run; ``answer`` as for
        :meth:`~backprop_lib.display.canvas.FrameCanvas.show`."""
        if self._shown is not session:
            self._shown = session
            self._send_still(session)
        arrays = frame_arrays(session, self._grid)
        titles = [
            (BOUNDARY_TITLES if session.classes == 2 else THREE_CLASS_TITLES)[
                session.settings.thresholded
            ],
            UNITS_TITLE,
            cost_title(session),
            GRADIENT_TITLE,
        ]
        epochs, costs, norms = (arrays[name].tobytes() for name in ("epochs", "costs", "norms"))
        self.canvas.show(
            caption,
            titles,
            {
                "map": arrays["map"].tobytes(),
                "units": arrays["units"].tobytes(),
                "weights": arrays["weights"].tobytes(),
                "costs": {"epochs": epochs, "values": costs, "styles": COSTS},
                "norms": {"epochs": epochs, "values": norms, "styles": self._layers},
            },
            answer,
        )

    def _send_still(self, session):
        X = np.hstack([session.X_train, session.X_test])
        Y = np.concatenate([np.ravel(session.labels_train), np.ravel(session.labels_test)])
        test = np.repeat([0.0, 1.0], [session.X_train.shape[1], session.X_test.shape[1]])
        _, _, self._grid, extent = map_grid(X, GRID_POINTS)
        sizes = session.model.layer_sizes
        colours = CLASS_COLOURS if session.classes == 2 else THREE_CLASS_COLOURS
        units, segments = diagram_layout(sizes)
        last = len(sizes) - 1
        ends = np.array(segments).reshape(-1, 4).T  # rows x0, y0, x1, y1
        self._layers = [
            {"name": f"W{l}", "colour": to_hex(colour), "dashed": False}
            for l, colour in enumerate(layer_colours(len(sizes) - 1), start=1)
        ]
        self.canvas.still = {
            "size": list(CANVAS_SIZE),
            "columns": 2,
            "panels": [
                {
                    "kind": "map",
                    "name": "map",
                    "grid": GRID_POINTS,
                    "extent": [float(e) for e in extent],
                    "lut": (LUT if session.classes == 2 else class_lut(colours)).tobytes(),
                    "points": float32(X[0], X[1], Y, test),
                    "colours": list(colours),
                    "xlabel": "x1",
                    "ylabel": "x2",
                },
                {
                    "kind": "network",
                    "name": "weights",
                    "extent": list(diagram_extent(last)),
                    "edges": float32(*ends),
                    "units": float32(*np.array(units).T),
                    "inputs": list(session.settings.features),
                    "input_gap": INPUT_NAME_GAP,
                    "columns": column_names(last),
                    "colours": list(WEIGHT_COLOURS),
                    "max_width": MAX_LINE_WIDTH,
                    "maps": "units",
                    "hidden": [sizes[0], sum(sizes[1:-1])],
                    "unit_grid": UNIT_GRID,
                    "unit_lut": UNIT_LUT.tobytes(),
                },
                {"kind": "curves", "name": "costs", "xlabel": "epoch", "ylabel": "cross-entropy"},
                {"kind": "curves", "name": "norms", "xlabel": "epoch", "ylabel": "‖∂J/∂W‖"},
            ],
        }
