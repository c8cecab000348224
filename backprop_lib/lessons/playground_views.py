"""Notebook 06, drawn: the playground's four views of a training run.

:class:`PlaygroundView` draws a :class:`~backprop_lib.lessons.playground.Playground` on four
axes (decision boundary, the network's weights, cost curves, the weight-gradient norms) and
updates its artists in place: the figure notebook 06 stores. The explorer's live view
(:mod:`backprop_lib.lessons.playground_canvas_views`, drawn by the browser) shows the same
panels with the same titles, colours and network layout, which this module defines.
"""

import numpy as np
from matplotlib import colormaps
from matplotlib.collections import LineCollection

from ..display.charts import Curves, DecisionBoundary
from ..display.palette import ORANGE, distinct
from .playground_settings import RANGES

GRID_POINTS = 80
"""Points per side of the probability map: a smooth enough edge at the size shown, and
6,400 forward passes, a few milliseconds even for the deepest network."""

MAX_LINE_WIDTH = 5.0
"""Line width (points) of the largest |w| in the network diagram; the others scale with it."""

WEIGHT_COLOURS = distinct("weight signs (notebook 06)", (ORANGE, "#5E3C99"))
"""Negative and positive weights in the network diagram: orange (Okabe-Ito) and dark purple
(ColorBrewer's PuOr, made for colour-vision deficiencies). Not the class colours (blue and
vermillion mean the classes in the same figure), and far apart in lightness, so that they
stay apart for every colour vision."""

WEIGHT_COLOUR_NAMES = ("orange", "purple")
"""The names of :data:`WEIGHT_COLOURS`, for the diagram's title."""

MAX_LAYERS = RANGES["hidden_layers"][1] + 1
"""Most weight matrices a playground network has (hidden layers + the output layer)."""

COST_LINES = ({"color": "black", "linestyle": "-"}, {"color": "black", "linestyle": "--"})
"""The train and the test cost: black, solid and dashed (no colour of the figure that
means something else: the classes, the signs of the weights, the layers)."""

LAYER_SHADES = (0.95, 0.4)
"""Where W^1 and W^L fall on matplotlib's "Greens" map in the gradient panel: dark next to the
input, light at the output, still visible on white (green: a colour no other panel uses)."""


def layer_colours(n_layers):
    """The colours of the gradient norms of W^1 ... W^L, L = ``n_layers``, dark to light.

    Returns
    -------
    ndarray of shape (n_layers, 4)
        RGBA rows.
    """
    return colormaps["Greens"](np.linspace(*LAYER_SHADES, n_layers))


COST_TITLE = "Cross-entropy"
"""The cost panel's title, before the training settings: what is plotted is the data term of
J alone (the L2 term depends on m, so it does not compare between the train and test sets)."""


INPUT_NAME_GAP, INPUT_NAMES_WIDTH = 0.12, 1.0
"""Where the input units' names end, left of them, and how far left of the input column the
diagram's axes begin (in columns: room for the longest name, "sin(x1)")."""

DIAGRAM_HALF_HEIGHT = max(2, RANGES["units"][1]) / 2
"""Half the diagram's height, in units: the tallest column fits."""


def diagram_layout(layer_sizes):
    """Where the network diagram puts the units of a network with ``layer_sizes``
    [n_0, ..., n_L]: layer l in column l, its units one apart and centred on 0.

    Returns
    -------
    units : list of (x, y)
        Every unit, layer by layer (the input units first).
    segments : list of ((x, y), (x, y))
        One per weight W^l[j, k], in the order of [W^1.ravel(), ..., W^L.ravel()]: from unit
        k of layer l - 1 to unit j of layer l.
    """
    heights = [np.arange(n) - (n - 1) / 2 for n in layer_sizes]
    segments = [
        ((l - 1, heights[l - 1][k]), (l, heights[l][j]))
        for l in range(1, len(layer_sizes))
        for j in range(layer_sizes[l])
        for k in range(layer_sizes[l - 1])
    ]
    return [(l, y) for l, column in enumerate(heights) for y in column], segments


def diagram_extent(last):
    """The diagram's region for layers 0 to ``last``, (x0, x1, y0, y1): room for the input
    units' names on the left, for the tallest column, and 0.4 of a column right of the
    output."""
    return (-INPUT_NAMES_WIDTH, last + 0.4, -DIAGRAM_HALF_HEIGHT, DIAGRAM_HALF_HEIGHT)


def column_names(last):
    """The diagram's names of layers 0 to ``last``: "input", 1, 2, ..., "output"."""
    return ["input", *[str(l) for l in range(1, last)], "output"]


DIAGRAM_TITLE = "Weights: {1} > 0, {0} < 0, width ∝ |w|".format(*WEIGHT_COLOUR_NAMES)
"""The network diagram's title: what its colours and widths mean."""

GRADIENT_TITLE = "Backward pass: size of each layer's gradient"
"""The gradient panel's title."""


class NetworkDiagram:
    """The network as units in columns joined by one line per weight: the colour is the
    weight's sign (:data:`WEIGHT_COLOURS`, purple positive, orange negative), the width
    its size |w|.

    Parameters
    ----------
    ax : matplotlib Axes
    """

    def __init__(self, ax):
        self.ax = ax
        self.edges = LineCollection([], capstyle="round")
        ax.add_collection(self.edges)
        self.units = ax.scatter([], [], s=40, color="0.3", zorder=3)
        self.input_names = []  # a text beside each input unit
        ax.set_yticks([])
        for side in ("left", "right", "top"):
            ax.spines[side].set_visible(False)
        ax.set_title(DIAGRAM_TITLE)

    def set_architecture(self, layer_sizes, inputs):
        """Lay out the units of a network with ``layer_sizes`` [n_0, ..., n_L], the input
        units named by ``inputs`` (n_0 names, as in
        :data:`~backprop_lib.lessons.playground_settings.FEATURES`)."""
        units, segments = diagram_layout(layer_sizes)
        for text in self.input_names:
            text.remove()
        self.input_names = [
            self.ax.text(-INPUT_NAME_GAP, y, name, ha="right", va="center", fontsize="small")
            for name, (_, y) in zip(inputs, units[: layer_sizes[0]], strict=True)
        ]
        self.units.set_offsets(units)
        self.edges.set_segments(segments)
        last = len(layer_sizes) - 1
        self.ax.set_xticks(range(last + 1), column_names(last))
        x0, x1, y0, y1 = diagram_extent(last)
        self.ax.set_xlim(x0, x1)
        self.ax.set_ylim(y0, y1)

    def update(self, weights):
        """Show the weights [W^1, ..., W^L] (shapes as laid out by :meth:`set_architecture`)."""
        w = np.concatenate([W.ravel() for W in weights])
        largest = np.abs(w).max()
        scale = MAX_LINE_WIDTH / largest if largest > 0 else 0.0
        self.edges.set_linewidths(np.abs(w) * scale)
        self.edges.set_colors(np.where(w >= 0, WEIGHT_COLOURS[1], WEIGHT_COLOURS[0]))


BOUNDARY_TITLES = {
    False: "Probability of class 1 (▲); test edged black",
    True: "Predicted class, a ≥ 0.5: ▲; test edged black",
}
"""The map's title, when it shows the probability and when the predicted class."""


class PlaygroundView:
    """The four views of a playground run, updated in place by :meth:`show`.

    Parameters
    ----------
    axes : array of 2 x 2 matplotlib Axes
        Decision boundary, network (top row); costs, gradient norms (bottom row).
    """

    WHAT = (
        "Four panels. Top left: "
        + DecisionBoundary.WHAT.removesuffix(", with a black line where it is 0.5.")
        + ". Top right: the network, units in columns joined by one line "
        "per weight, purple for a positive weight and orange for a negative one, thicker for "
        "a larger one, the input units named by their features. Bottom left: the training "
        "and test cost per epoch, solid and dashed, on "
        "a log scale. Bottom right: the size of each layer's weight gradient per epoch, one "
        "line per layer, from dark green next to the input to light green at the output."
    )
    """What the view shows, for readers who cannot see it (alt text)."""

    WHAT_THRESHOLDED = WHAT.replace(
        "over the model's probability of class 1, shaded from blue at 0 through white to "
        "vermillion at 1",
        "over the class the model predicts, blue where its probability of class 1 is below "
        "0.5 and vermillion where it is 0.5 or more",
    )
    """The same when the map shows the predicted class (``Settings.thresholded``)."""

    def __init__(self, axes):
        (ax_boundary, ax_network), (ax_costs, ax_gradients) = axes
        self.boundary = DecisionBoundary(
            ax_boundary,
            title=BOUNDARY_TITLES[False],
            grid_points=GRID_POINTS,
            contour=False,
        )
        ax_boundary.set_xticks([])  # its limits then change nothing but the moving artists
        ax_boundary.set_yticks([])
        self.network = NetworkDiagram(ax_network)
        self.costs = Curves(
            ax_costs,
            "cross-entropy, without the λ term",
            COST_TITLE,
            ["train", "test"],
            log=True,
            steady=True,
            styles=COST_LINES,
        )
        self.gradients = Curves(
            ax_gradients,
            r"$\Vert\partial J/\partial W^l\Vert$ (J with its λ term)",
            GRADIENT_TITLE,
            [f"$W^{l}$" for l in range(1, MAX_LAYERS + 1)],
            log=True,
            steady=True,
            styles=[{"color": colour} for colour in layer_colours(MAX_LAYERS)],
        )
        self._shown = None

    def show(self, session):
        """Draw ``session`` (a :class:`~backprop_lib.lessons.playground.Playground` of two
        classes: the explorer's canvas draws three)."""
        if session.classes != 2:
            raise ValueError(
                f"this figure draws data sets of two classes; {session.settings.dataset} has "
                f"{session.classes} (the explorer draws them)"
            )
        if self._shown is not session:  # a new run: new data and maybe a new network
            self._shown = session
            self.boundary.set_data(session.X_train, session.Y_train, session.X_test, session.Y_test)
            self.network.set_architecture(session.model.layer_sizes, session.settings.features)
            colours = layer_colours(len(session.model.weights))
            for line, colour in zip(self.gradients.lines, colours, strict=False):
                line.set_color(colour)  # before update() draws the legend from the lines
        if session.settings.thresholded:  # 0 or 1: the map's two ends
            self.boundary.update(lambda points: 1.0 * (session.predict_proba(points) >= 0.5))
        else:
            self.boundary.update(session.predict_proba)
        self.boundary.ax.set_title(BOUNDARY_TITLES[session.settings.thresholded])
        self.network.update(session.model.weights)
        self.costs.update([session.train_costs, session.test_costs], session.epochs)
        self.costs.ax.set_title(cost_title(session))
        norms = np.array(session.gradient_norms).T  # (L, epochs): row l - 1 is layer l
        labels = [f"$W^{l}$" for l in range(1, len(norms) + 1)]
        self.gradients.update(norms, session.epochs, labels)


def cost_title(session):
    """The cost panel's title: :data:`COST_TITLE` and the training settings of ``session``."""
    s = session.settings
    batch = min(s.batch_size, session.X_train.shape[1])
    method = {"sgd": "SGD", "momentum": f"momentum {s.momentum:g}", "adam": "Adam"}
    return (
        f"{COST_TITLE}: {method[s.optimizer]}, lr {s.learning_rate:.2g}, "
        f"{penalty_text(s)}, batch {batch}"
    )


def optimizer_text(settings):
    """The optimizer and its settings, as the status line shows them before the learning rate:
    "" for plain gradient descent, "momentum 0.9, " or "Adam β1 0.9, β2 0.999, "."""
    if settings.optimizer == "momentum":
        return f"momentum {settings.momentum:g}, "
    if settings.optimizer == "adam":
        return f"Adam β1 {settings.beta1:g}, β2 {settings.beta2:g}, "
    return ""


def penalty_text(settings):
    """The regularisation, as the title and the status line show it: "λ 0.1" (L2), and
    ", λ₁ 0.01" (L1) after it when there is an L1 term."""
    l1 = f", λ₁ {settings.l1_lambda:g}" if settings.l1_lambda > 0 else ""
    return f"λ {settings.l2_lambda:g}{l1}"


def status(session):
    """One line about a run: epoch, accuracies, cross-entropies (without the λ term), the
    training settings and the input features.

    Parameters
    ----------
    session : backprop_lib.lessons.playground.Playground

    Returns
    -------
    str
        Starting "epoch N ·".
    """
    s = session.settings
    train_accuracy, test_accuracy = session.accuracies()
    return (
        f"epoch {session.epoch} · accuracy: train {train_accuracy:.0%}, test {test_accuracy:.0%}"
        f" · cross-entropy: train {session.train_costs[-1]:.3f},"
        f" test {session.test_costs[-1]:.3f}"
        f" · {optimizer_text(s)}learning rate {s.learning_rate:.3g}, {penalty_text(s)},"
        f" batch {min(s.batch_size, session.X_train.shape[1])} · features {', '.join(s.features)}"
    )


FIGURE_SIZE = (9.0, 6.4)
"""Width and height (inches) of the playground's figure: 900 x 640 pixels at 100 dpi."""
