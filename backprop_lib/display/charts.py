"""The views several notebooks share, each drawn once and then updated in place.

Each view takes the axes to draw on, so a static figure (``plt.subplots``) and an
explorer's reused figure (:func:`backprop_lib.display.figures.new_figure`) use the same
code.
"""

import itertools

import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.ticker import MaxNLocator, NullFormatter

from .palette import CLASS_COLOURS, CLASS_MARKERS, CURVE_COLOURS

CURVE_STYLES = tuple(
    {"color": colour, "linestyle": style}
    for colour, style in zip(CURVE_COLOURS, ("-", "--", ":"), strict=True)
)
"""Colour and line style of the lines of :class:`Curves`, in turn: lines that mean different
things differ in style as well as colour."""

PROBABILITY_COLOURS = LinearSegmentedColormap.from_list(
    "class_probability", [CLASS_COLOURS[0], "white", CLASS_COLOURS[1]]
)
"""The probability of class 1 on a decision boundary's map: class 0's blue at 0 through white
at 0.5 to class 1's vermillion at 1, so the map's colours are the classes' own."""

POINT_EDGES = {"train": ("white", 0.6), "test": ("black", 1.2)}
"""Edge colour and width of training and test points: a test point is edged in black, and
more thickly, so the two stay apart in any colour vision."""

BOUNDARY_MARGIN = 0.3
"""How far a decision-boundary map extends past the data on each side (input units)."""

BOUNDARY_GRID_POINTS = 150
"""Points per side of the grid on which a static decision boundary is evaluated: a smooth
edge at the size the notebooks show, and 22,500 forward passes in one matrix product."""


def nice_limit(value):
    """The smallest of 10, 20, 50, 100, 200, 500, ... that is >= ``value``: an epoch axis
    that grows in these steps changes its tick labels rarely."""
    limit, factors = 10, itertools.cycle((2, 2.5, 2))  # 10 -> 20 -> 50 -> 100 -> ...
    while limit < value:
        limit = round(limit * next(factors))
    return limit


def decade_limits(values):
    """The powers of ten just below the smallest and just above the largest positive value.

    Parameters
    ----------
    values : ndarray of any shape

    Returns
    -------
    low, high : float
        At least a decade apart; (0.1, 1) when no value is positive.
    """
    values = np.asarray(values, dtype=float)
    positive = values[values > 0]
    if positive.size == 0:
        return 0.1, 1.0
    low = 10.0 ** np.floor(np.log10(positive.min()))
    high = 10.0 ** np.ceil(np.log10(positive.max()))
    return low, max(high, 10 * low)


class Curves:
    """Lines of quantities recorded once per epoch (costs, accuracies, gradient sizes).

    Parameters
    ----------
    ax : matplotlib Axes
    ylabel, title : str
    labels : sequence of str
        One per line, the most lines :meth:`update` may show; a legend names them when
        more than one is shown.
    log : bool
        Log-scaled y axis; values <= 0 (an exactly zero gradient) are then left out.
    ylim : (float, float), optional
        Fixed y range, for example (0, 1) for an accuracy; default: fit the data.
    steady : bool
        Move the axes' limits in steps (:func:`nice_limit` epochs, whole decades of y)
        rather than with every epoch, so the tick labels rarely need drawing again (for an
        animation).
    styles : sequence of dict, optional
        Line properties (``color``, ``linestyle``) of the lines in turn, repeated when there
        are more lines; by default :data:`CURVE_STYLES`.
    """

    def __init__(
        self,
        ax,
        ylabel,
        title,
        labels=("cost",),
        log=False,
        ylim=None,
        steady=False,
        styles=CURVE_STYLES,
    ):
        self.ax = ax
        self.log, self.ylim, self.steady = log, ylim, steady
        # a dot marks each line's latest value (and shows a first, lone value at all)
        self.lines = [
            ax.plot([], [], marker="o", markersize=3, markevery=[-1], **style)[0]
            for style, _ in zip(itertools.cycle(styles), labels)
        ]
        self.labels, self.legend = None, None
        self._label(list(labels))
        if log:
            ax.set_yscale("log")
        if log and steady:  # whole decades always hold major ticks: no minor labels needed
            ax.yaxis.set_minor_formatter(NullFormatter())
        if ylim is not None:
            ax.set_ylim(*ylim)
        ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.grid(alpha=0.3)

    def _label(self, labels):
        self.labels = labels
        for line, label in zip(self.lines, labels, strict=False):
            line.set_label(label)
        if self.legend is not None:
            self.legend.remove()
            self.legend = None
        if len(labels) > 1 or self.steady:
            shown = self.lines[: len(labels)]
            self.legend = self.ax.legend(shown, labels, fontsize=8, loc="upper right")

    def update(self, curves, epochs=None, labels=None):
        """Show ``curves[j]`` as line j; lines beyond ``len(curves)`` are hidden.

        Parameters
        ----------
        curves : sequence of n 1-D arrays of length k
            n no more than the number of lines.
        epochs : sequence of int of length k, optional
            Where the values were recorded; default 1, 2, ..., k.
        labels : list of n str, optional
            New names for the lines shown (for example when the number of layers changed).
        """
        curves = [np.asarray(values, dtype=float) for values in curves]
        for j, line in enumerate(self.lines):
            if j < len(curves):
                values = curves[j]
                x = np.arange(1, len(values) + 1) if epochs is None else epochs
                line.set_data(x, np.where(values > 0, values, np.nan) if self.log else values)
            else:
                line.set_data([], [])
            line.set_visible(j < len(curves))
        if labels is not None and labels != self.labels:
            self._label(labels)
        if self.steady:
            last = epochs[-1] if epochs is not None else max(len(values) for values in curves)
            self.ax.set_xlim(0, nice_limit(last))
            self.ax.set_ylim(*decade_limits(np.concatenate(curves)))
        else:
            self.ax.relim(visible_only=True)
            self.ax.autoscale_view(scaley=self.ylim is None)


def map_grid(points, grid_points):
    """The grid of a probability map over ``points`` (2, m) and :data:`BOUNDARY_MARGIN`
    around them.

    Returns
    -------
    u, v : ndarray of shape (grid_points,)
        The grid's x1 and x2 values.
    grid : ndarray of shape (2, grid_points**2)
        Its points as columns, row after row of the map (x1 varies fastest).
    extent : tuple of float
        (x1 low, x1 high, x2 low, x2 high).
    """
    low = points.min(axis=1) - BOUNDARY_MARGIN
    high = points.max(axis=1) + BOUNDARY_MARGIN
    u = np.linspace(low[0], high[0], grid_points)
    v = np.linspace(low[1], high[1], grid_points)
    uu, vv = np.meshgrid(u, v)
    return u, v, np.vstack([uu.ravel(), vv.ravel()]), (low[0], high[0], low[1], high[1])


class DecisionBoundary:
    """A classifier's probability map over the plane, with the data coloured by class.

    Class 0 points are blue circles, class 1 points vermillion triangles
    (:data:`~backprop_lib.display.palette.CLASS_COLOURS`, ``CLASS_MARKERS``); training points
    are edged in white, test points in black (:data:`POINT_EDGES`). The map
    (:data:`PROBABILITY_COLOURS`) covers the data and :data:`BOUNDARY_MARGIN` around it; a
    black line marks a = 0.5 when ``contour``.

    Parameters
    ----------
    ax : matplotlib Axes
    X, Y : ndarray of shape (2, m) and (1, m), optional
        Training points and their 0/1 labels; or call :meth:`set_data` later.
    title : str
    grid_points : int
        Points per side of the map's grid (fewer draw faster, for an animation).
    contour : bool
        Draw the a = 0.5 line (a new artist at each update: leave it out of animations).
    """

    WHAT = (
        "A map of the plane of the two inputs x1 and x2: class 0 as blue circles, class 1 as "
        "vermillion triangles (test points outlined in black), over the model's probability "
        "of class 1, shaded from blue at 0 through white to vermillion at 1, with a black "
        "line where it is 0.5."
    )
    """What the view shows, for readers who cannot see it (alt text)."""

    def __init__(
        self,
        ax,
        X=None,
        Y=None,
        title="Decision boundary",
        grid_points=BOUNDARY_GRID_POINTS,
        contour=True,
    ):
        self.ax, self.grid_points, self.draw_contour = ax, grid_points, contour
        self.image = ax.imshow(
            np.full((grid_points, grid_points), 0.5),
            origin="lower",
            aspect="auto",
            cmap=PROBABILITY_COLOURS,
            vmin=0.0,
            vmax=1.0,
            alpha=0.5,
            interpolation="bilinear",
        )
        # one scatter per class, holding its training points and then its test points
        self.classes = [
            ax.scatter([], [], s=18, color=colour, marker=marker)
            for colour, marker in zip(CLASS_COLOURS, CLASS_MARKERS, strict=True)
        ]
        self.contour, self.grid = None, None
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.set_title(title)
        if X is not None:
            self.set_data(X, Y)

    def set_data(self, X, Y, X_test=None, Y_test=None):
        """Show new points (test points optional) and fit the map's region to all of them.

        Parameters
        ----------
        X, X_test : ndarray of shape (2, m), (2, m_test)
        Y, Y_test : ndarray of shape (1, m), (1, m_test)
            0/1 labels, which give the points their colour and shape.
        """
        if X_test is None:
            X_test, Y_test = np.empty((2, 0)), np.empty((1, 0))
        everything = np.hstack([X, X_test])
        self.u, self.v, self.grid, extent = map_grid(everything, self.grid_points)
        self.image.set_extent(extent)
        labels = np.concatenate([np.ravel(Y), np.ravel(Y_test)]) > 0.5
        split = np.repeat(["train", "test"], [X.shape[1], X_test.shape[1]])
        for label, points in enumerate(self.classes):
            mine = labels == label
            points.set_offsets(everything[:, mine].T)
            edges = [POINT_EDGES[part] for part in split[mine]]
            points.set_edgecolors([colour for colour, _ in edges])
            points.set_linewidths([width for _, width in edges])
        self.ax.set_xlim(extent[:2])
        self.ax.set_ylim(extent[2:])

    def update(self, predict_proba):
        """Redraw for a model, given as its ``predict_proba`` (X (2, k) -> (1, k))."""
        proba = predict_proba(self.grid).reshape(len(self.v), len(self.u))
        self.image.set_data(proba)
        if self.contour is not None:
            self.contour.remove()
            self.contour = None
        if self.draw_contour and proba.min() < 0.5 < proba.max():
            self.contour = self.ax.contour(
                self.u, self.v, proba, levels=[0.5], colors="black", linewidths=1.2
            )


class TrainingView:
    """A classifier's cost curve and decision boundary side by side, updated together.

    Parameters
    ----------
    axes : pair of matplotlib Axes
        The cost curve goes on the first, the decision boundary on the second.
    X : ndarray of shape (2, m)
        Two input features.
    Y : ndarray of shape (1, m)
        0/1 labels.
    """

    WHAT = "Left: the cost J per epoch, on a log scale. Right: " + DecisionBoundary.WHAT
    """What the view shows, for readers who cannot see it (alt text)."""

    def __init__(self, axes, X, Y):
        ax_cost, ax_boundary = axes
        self.cost_curve = Curves(ax_cost, "cost J", "Cost J per epoch", log=True)
        self.boundary = DecisionBoundary(ax_boundary, X, Y)

    def update(self, costs, predict_proba, accuracy, label):
        """Show a trained model: its costs per epoch, its boundary, and its accuracy.

        Parameters
        ----------
        costs : ndarray of shape (epochs,)
        predict_proba : callable
            The model's ``predict_proba`` (X (2, k) -> (1, k)).
        accuracy : float
            Fraction of training examples classified correctly, shown in the title.
        label : str
            What was trained, for example "3 hidden units".
        """
        self.cost_curve.update([costs])
        self.boundary.update(predict_proba)
        self.boundary.ax.set_title(f"{label}: training accuracy {accuracy:.1%}")
