"""Notebook 05, drawn: error against epsilon, the check of each planted mistake, the cost of a
gradient by each method (07's too), the signal and gradient sizes under each initialisation, and the
vanishing-gradient explorer."""

from types import SimpleNamespace

import ipywidgets as widgets
import numpy as np

from ..activations import ACTIVATIONS
from ..display.explorer import Explorer, slider
from ..display.figures import new_figure
from ..display.palette import BLACK, BLUE, ORANGE, SKY_BLUE, VERMILLION, distinct
from ..gradcheck import RIGHT_BELOW, verdict
from ..initialisation import BY_ACTIVATION, INITIALISATIONS
from .gradient_checking import (
    HIDDEN_LAYERS_MAX,
    UNITS_MAX,
    gradient_norms,
    shrink_title,
    zero_gradient_note,
)

ACTIVATION_COLOURS = distinct(
    "activations (notebook 05)",
    {"sigmoid": BLUE, "tanh": SKY_BLUE, "relu": VERMILLION, "leaky_relu": BLACK, "identity": "0.6"},
)
"""One colour per hidden activation, the same in every figure of notebook 05: five that stay
apart in every colour vision, identity's a neutral grey."""

METHOD_COLOURS = {
    "forward": SKY_BLUE,
    "central": ORANGE,
    "central differences": ORANGE,
    "backpropagation": BLUE,
    "forward mode": BLACK,
}
"""One colour per way of computing a derivative, the same in every figure of notebooks 05 and
07 (forward and central differences; a gradient by backpropagation, central differences or
forward mode). No figure shows a method beside an activation, so they share colours: the
palette has too few that stay apart in every colour vision for both."""

METHOD_LINES = {
    "backpropagation": ("o", "-"),
    "central differences": ("s", ":"),
    "forward mode": ("^", "--"),
}
"""Marker and line style of each way of computing a gradient, so that its line differs in
shape as well as colour."""

OTHER_METHOD_LINE = ("D", "-.")
"""Marker and line style of a method of one's own (its colour: matplotlib's next)."""

THRESHOLD_COLOUR = BLACK
"""The 1e-7 line below which a gradient is called right."""

GUIDE_COLOUR = "0.4"
"""The round-off guide line, which belongs to neither difference."""

distinct(
    "finite differences (notebook 05)",
    (METHOD_COLOURS["forward"], METHOD_COLOURS["central"], GUIDE_COLOUR, THRESHOLD_COLOUR),
)
distinct("gradient methods (notebooks 05 and 07)", [METHOD_COLOURS[name] for name in METHOD_LINES])


def plot_error_versus_epsilon(ax, epsilons, errors):
    """Draw :func:`error_versus_epsilon`'s result on log-log axes, with guide lines.

    The guides have slopes 1 and 2 (truncation error of forward and central differences,
    drawn through each curve's largest epsilon) and -1 (round-off, through the forward
    curve's smallest epsilon); a dotted line marks the 1e-7 below which a gradient is
    called right.

    Parameters
    ----------
    ax : matplotlib Axes
    epsilons : ndarray of shape (k,)
        Increasing steps.
    errors : dict of str to ndarray of shape (k,)
        As returned by :func:`error_versus_epsilon`.
    """
    epsilons = np.asarray(epsilons, dtype=float)
    forward, central = errors["forward"], errors["central"]
    forward_colour, central_colour = METHOD_COLOURS["forward"], METHOD_COLOURS["central"]
    ax.loglog(
        epsilons, forward, "o-", color=forward_colour, markersize=3, label="forward (one-sided)"
    )
    ax.loglog(epsilons, central, "s-", color=central_colour, markersize=3, label="central")
    guides = [
        (
            forward[-1] * epsilons / epsilons[-1],
            forward_colour,
            r"$\propto \varepsilon$ (truncation)",
        ),
        (central[-1] * (epsilons / epsilons[-1]) ** 2, central_colour, r"$\propto \varepsilon^2$"),
        (forward[0] * epsilons[0] / epsilons, GUIDE_COLOUR, r"$\propto 1/\varepsilon$ (round-off)"),
    ]
    for values, colour, label in guides:
        ax.loglog(epsilons, values, "--", color=colour, linewidth=1, label=label)
    ax.axhline(RIGHT_BELOW, color=THRESHOLD_COLOUR, linestyle=":", label="1e-7: right below")
    # From a decade below the lowest error (but not below float64's round-off) to above 1.
    low = min(forward.min(), central.min()) / 10
    ax.set_ylim(max(low, np.finfo(float).eps), 10.0)
    ax.set_xlabel(r"step $\varepsilon$")
    ax.set_ylabel("relative error")
    ax.set_title("Finite differences: truncation (right) against round-off (left)")
    ax.grid(alpha=0.3, which="major")
    ax.legend(fontsize=8, loc="upper center", ncols=2)


ERROR_COLOURS = "cividis"
"""The colour map of :func:`plot_check_results`: cividis, made to read the same in every
colour vision (dark blue for small errors to yellow for large ones); each cell also says its
verdict in words."""

EQUAL_CONTRAST_LUMINANCE = 0.179
"""The relative luminance L (WCAG 2) on which black and white text have the same contrast,
(L + 0.05) / 0.05 = 1.05 / (L + 0.05): a darker cell takes white text."""


def text_colour(cell):
    """Black or white, whichever stands out more on the colour ``cell`` (RGB or RGBA, 0-1)."""
    rgb = np.asarray(cell, dtype=float)[:3]
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    luminance = linear @ np.array([0.2126, 0.7152, 0.0722])
    return "white" if luminance < EQUAL_CONTRAST_LUMINANCE else "black"


LOG_ERROR_RANGE = (-12, 0)
"""Colour range of :func:`plot_check_results` in log10 of the relative error: from below a
right gradient's round-off (about 1e-10) to the largest possible error, 1."""


def plot_check_results(ax, labels, errors):
    """A map of relative errors, one row per backward pass and one column per layer.

    Each cell is coloured by log10 of its error and says "ok" (below 1e-7), "WRONG"
    (above 1e-2) or "?" (in between).

    Parameters
    ----------
    ax : matplotlib Axes
    labels : sequence of str
        One per row.
    errors : array-like of shape (rows, layers)
    """
    errors = np.asarray(errors, dtype=float)
    low, high = LOG_ERROR_RANGE
    shown = np.log10(np.maximum(errors, 10.0**low))  # an exact 0 gets the lowest colour
    image = ax.imshow(shown, cmap=ERROR_COLOURS, vmin=low, vmax=high, aspect="auto")
    marks = {"right": "ok", "wrong": "WRONG", "look closer": "?"}
    for (row, column), error in np.ndenumerate(errors):
        colour = text_colour(image.to_rgba(shown[row, column]))
        mark = marks[verdict(error)]
        ax.text(column, row, mark, ha="center", va="center", fontsize=8, color=colour)
    ax.set_xticks(range(errors.shape[1]), [f"layer {l}" for l in range(1, errors.shape[1] + 1)])
    ax.set_yticks(range(len(labels)), labels)
    ax.set_title("Gradient check per layer (colour: log10 of the relative error)")
    ax.figure.colorbar(image, ax=ax, label="log10 relative error")


def plot_gradient_costs(ax_count, ax_time, costs, multiply_adds=None):
    """What one gradient costs by each method against the number of parameters P, on log-log
    axes: left, what is counted (the passes through the network, forward plus backward, or
    the multiply-adds if given); right, the seconds measured on this computer.

    Parameters
    ----------
    ax_count, ax_time : matplotlib Axes
    costs : sequence of SimpleNamespace
        :func:`~backprop_lib.lessons.gradient_cost.gradient_costs` of networks of growing P.
    multiply_adds : sequence of dict, optional
        For each cost, :func:`~backprop_lib.lessons.gradient_cost.multiply_adds` of its
        network (notebook 05).
    """

    def per_method(value):
        return [{name: value(run) for name, run in cost.runs.items()} for cost in costs]

    if multiply_adds is None:
        counted = per_method(lambda run: run.forward_passes + run.backward_passes)
        count_label = "forward + backward passes"
        count_title = "Counted: passes through the network for one gradient"
    else:
        counted, count_label = multiply_adds, "multiply-adds"
        count_title = "Counted: multiply-adds of one gradient"
    panels = (
        (ax_count, counted, count_label, count_title),
        (
            ax_time,
            per_method(lambda run: run.seconds),
            "seconds",
            "Measured on this computer: time of one gradient",
        ),
    )
    parameters = [cost.parameters for cost in costs]
    for ax, values, ylabel, title in panels:
        for method in costs[0].runs:
            marker, line = METHOD_LINES.get(method, OTHER_METHOD_LINE)
            ax.loglog(
                parameters,
                [value[method] for value in values],
                marker=marker,
                linestyle=line,
                color=METHOD_COLOURS.get(method),
                label=method,
            )
        ax.set_xlabel("parameters P")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.grid(alpha=0.3, which="major")
        ax.legend()


INIT_STYLES = {
    "he_normal": ("-", "o"),
    "scaled_normal": ("--", "s"),
    "small_normal": (":", "^"),
}
"""Line style and marker of each initialisation, so that lines of one activation (one
colour) stay apart."""


def plot_signal_sizes(ax_signal, ax_gradient, sizes, activation="relu"):
    """The activations' root mean square and the weight-gradient size per layer, log scale,
    one line per initialisation.

    Parameters
    ----------
    ax_signal, ax_gradient : matplotlib Axes
    sizes : dict of str to (ndarray, ndarray)
        Initialisation name -> :func:`~backprop_lib.lessons.gradient_checking.signal_sizes`'s
        ``(rms, norms)``: rms of shape (H,), norms of shape (H + 1,).
    activation : str
        The hidden activation, which sets the colour.
    """
    for init, (rms, norms) in sizes.items():
        style, marker = INIT_STYLES.get(init, ("-", "o"))
        colour = ACTIVATION_COLOURS.get(activation)
        for ax, values in ((ax_signal, rms), (ax_gradient, norms)):
            layers = np.arange(1, len(values) + 1)
            ax.semilogy(layers, values, style, marker=marker, color=colour, label=init)
    ax_signal.set_ylabel(r"root mean square of $a^l$")
    ax_signal.set_title(f"Forward: the signal ({activation} hidden layers)")
    ax_gradient.set_ylabel(r"$\Vert \partial J / \partial W^l \Vert$")
    ax_gradient.set_title("Backward: each layer's gradient")
    for ax in (ax_signal, ax_gradient):
        ax.set_xlabel("layer l (1 = next to the input)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)


MIN_DECADES_SHOWN = 4
"""The gradient-norm plots span at least this many powers of ten, so that a factor of two
between layers does not look like a cliff next to sigmoid's factor of a million."""


class GradientNormView:
    """Weight-gradient size per layer on a log scale, one line per network.

    Parameters
    ----------
    ax : matplotlib Axes
    """

    WHAT = (
        "The size of each layer's weight gradient, on a log scale, against the layer number "
        "from the input (1) to the output: one line of points per network."
    )
    """What the view shows, for readers who cannot see it (alt text)."""

    def __init__(self, ax):
        self.ax = ax
        self.lines = []
        ax.set_yscale("log")
        ax.set_xlabel("layer l (1 = next to the input)")
        ax.set_ylabel(r"$\Vert \partial J / \partial W^l \Vert$")
        ax.grid(alpha=0.3)

    def update(self, norms_by_activation, title):
        """Draw ``norms_by_activation[name]`` (entry l - 1 for layer l), replacing the lines
        drawn before. Zeros are left out, since a log scale cannot show them."""
        for line in self.lines:
            line.remove()
        self.lines = []
        for name, norms in norms_by_activation.items():
            norms = np.asarray(norms, dtype=float)
            layers = np.arange(1, len(norms) + 1)
            shown = np.where(norms > 0, norms, np.nan)
            colour = ACTIVATION_COLOURS.get(name)
            self.lines += self.ax.plot(layers, shown, "o-", color=colour, label=name)
        longest = max(len(norms) for norms in norms_by_activation.values())
        self.ax.set_xlim(0.5, longest + 0.5)
        self.ax.set_xticks(range(1, longest + 1))
        self.ax.set_title(title)
        self.ax.relim()
        self.ax.autoscale_view(scalex=False)
        low, high = self.ax.get_ylim()
        missing = MIN_DECADES_SHOWN - np.log10(high / low)
        if missing > 0:  # widen the range evenly on both sides
            # auto=None: the next update scales to its own lines again
            self.ax.set_ylim(low / 10 ** (missing / 2), high * 10 ** (missing / 2), auto=None)
        self.ax.legend(loc="lower right")


def show_gradient_norms(view, X, Y, hidden_layers, activation, units, init=BY_ACTIVATION, seed=0):
    """Compute :func:`gradient_norms` and draw them on a :class:`GradientNormView`.

    The explorer's drawing, so that a static figure at its default settings is the same.

    Returns
    -------
    SimpleNamespace
        ``norms`` (ndarray of shape (hidden_layers + 1,), the norms drawn) and ``note``
        (None, or a note about layers with zero gradient).
    """
    norms = gradient_norms(X, Y, hidden_layers, activation, units, init, seed)
    layers = f"{hidden_layers} hidden layer" + ("s" if hidden_layers > 1 else "")
    title = f"{layers} of {units} unit{'s' if units > 1 else ''}, {init}\n{shrink_title(norms)}"
    view.update({activation: norms}, title)
    return SimpleNamespace(norms=norms, note=zero_gradient_note(norms))


def vanishing_gradient_explorer(
    X,
    Y,
    hidden_layers=HIDDEN_LAYERS_MAX,
    activation="sigmoid",
    units=8,
    init=BY_ACTIVATION,
    seed=0,
):
    """Hidden layers (1 to 10), units (1 to 32), activation and initialisation controls for
    :func:`~backprop_lib.lessons.gradient_checking.gradient_norms`: the weight-gradient size
    per layer on a log scale.

    Parameters
    ----------
    X : ndarray of shape (n_0, m)
    Y : ndarray of shape (n_L, m)
        0/1 labels.
    hidden_layers, activation, units, init, seed
        The starting settings; see ``gradient_norms``.

    Returns
    -------
    Explorer
        Its ``result`` is the last :func:`show_gradient_norms` result.
    """
    figure, ax = new_figure(width=7.5, height=3.6)
    view = GradientNormView(ax)
    controls = {
        "hidden_layers": slider("hidden layers", hidden_layers, 1, HIDDEN_LAYERS_MAX, 1),
        "units": slider("units per layer", units, 1, UNITS_MAX, 1),
        "activation": widgets.Dropdown(
            options=list(ACTIVATIONS), value=activation, description="activation"
        ),
        "init": widgets.Dropdown(
            options=[BY_ACTIVATION, *sorted(INITIALISATIONS)], value=init, description="init"
        ),
    }

    def update(hidden_layers, units, activation, init):
        return show_gradient_norms(view, X, Y, hidden_layers, activation, units, init, seed)

    return Explorer(controls, update, figure, GradientNormView.WHAT)
