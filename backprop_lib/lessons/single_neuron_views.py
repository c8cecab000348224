"""Notebook 01, drawn: the derivative as a tangent's slope, and a descent over the cost.

The explorers call :mod:`backprop_lib.lessons.single_neuron` for every number they show.
"""

from types import SimpleNamespace

import numpy as np

from ..display.charts import Curves
from ..display.explorer import Explorer, cost_rise_note, slider
from ..display.figures import new_figure
from ..display.palette import BLUE, VERMILLION, distinct
from .single_neuron import (
    DESCENT_BIASES,
    DESCENT_WEIGHTS,
    NEURON_WEIGHTS,
    fit_single_neuron,
    neuron_cost_and_slope,
    neuron_cost_surface,
)

CURVE_COLOUR, TANGENT_COLOUR = distinct("curve and tangent (notebook 01)", (BLUE, VERMILLION))
"""A function's curve in blue, its tangent (dashed) and the point it touches in vermillion."""

PATH_COLOUR = VERMILLION
"""Gradient descent's path across the blue cost map, and its end."""


class TangentLine:
    """A curve, one point on it and the tangent line there: the derivative as a slope.

    Parameters
    ----------
    ax : matplotlib Axes
    x : ndarray of shape (k,)
        Where the curve is drawn; fixes the x range.
    xlabel, ylabel, title : str
    slope_label : str
        How the printed slope value is named (matplotlib mathtext is fine).
    ylim : (float, float), optional
        Fixed y range (so the curve can be compared between updates); default autoscale.
    """

    WHAT = (
        "A curve with a dashed tangent line touching it at one marked point; a box in the "
        "corner gives the slope there."
    )
    """What the view shows, for readers who cannot see it (alt text)."""

    def __init__(self, ax, x, xlabel, ylabel, title, slope_label="slope", ylim=None):
        self.ax = ax
        self.x = np.asarray(x, dtype=float)
        self.slope_label = slope_label
        self.half_width = 0.12 * (self.x[-1] - self.x[0])
        (self.curve,) = ax.plot(self.x, np.zeros_like(self.x), color=CURVE_COLOUR, label=ylabel)
        (self.tangent,) = ax.plot(
            [], [], "--", color=TANGENT_COLOUR, linewidth=1.6, label="tangent"
        )
        (self.point,) = ax.plot([], [], "o", color=TANGENT_COLOUR, markersize=7)
        box = {"facecolor": "white", "edgecolor": "0.8", "boxstyle": "round"}
        self.text = ax.text(0.03, 0.95, "", transform=ax.transAxes, va="top", bbox=box)
        self.ylim = ylim
        ax.set_xlim(self.x[0], self.x[-1])
        if ylim is not None:
            ax.set_ylim(*ylim)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.grid(alpha=0.3)
        ax.legend(loc="upper right")

    def update(self, curve, x0, y0, slope):
        """Show ``curve`` (values at ``x``) and the tangent of slope ``slope`` at (x0, y0)."""
        self.curve.set_ydata(curve)
        xs = np.array([x0 - self.half_width, x0 + self.half_width])
        self.tangent.set_data(xs, y0 + slope * (xs - x0))
        self.point.set_data([x0], [y0])
        self.text.set_text(f"at {x0:.2f}: {self.slope_label} = {slope:.4f}")
        if self.ylim is None:
            self.ax.relim()
            self.ax.autoscale_view(scalex=False)


class DescentView:
    """A cost curve beside a gradient-descent path over a cost of two parameters.

    The cost is drawn as an image (darker is lower) with a few contour lines; only the
    path and the curve change in :meth:`update`.

    Parameters
    ----------
    axes : pair of matplotlib Axes
        The cost per epoch goes on the first, the path on the second.
    u : ndarray of shape (k_u,)
        Values of the first parameter (x axis), evenly spaced.
    v : ndarray of shape (k_v,)
        Values of the second parameter (y axis), evenly spaced.
    cost : ndarray of shape (k_v, k_u)
        The cost at every (u, v), row i for ``v[i]``.
    xlabel, ylabel : str
    """

    WHAT = (
        "Left: the cost per epoch, on a log scale. Right: the cost over the two parameters "
        "as a shaded map, darker where it is lower, with white contour lines, and the path "
        "gradient descent took across it from a white circle (start) to a star (end)."
    )
    """What the view shows, for readers who cannot see it (alt text)."""

    def __init__(self, axes, u, v, cost, xlabel, ylabel):
        ax_cost, ax = axes
        self.cost_curve = Curves(ax_cost, "cost J", "Cost J per epoch", log=True)
        extent = (u[0], u[-1], v[0], v[-1])
        ax.imshow(cost, origin="lower", extent=extent, aspect="auto", cmap="Blues_r")
        levels = np.unique(np.quantile(cost, np.linspace(0.0, 1.0, 9)[1:-1]))
        ax.contour(u, v, cost, levels=levels, colors="white", linewidths=0.7)
        (self.path,) = ax.plot([], [], "-", color=PATH_COLOUR, linewidth=1.5, label="path")
        (self.start,) = ax.plot([], [], "o", color="white", markeredgecolor="black", label="start")
        (self.end,) = ax.plot([], [], "*", color=PATH_COLOUR, markersize=13, label="end")
        ax.set_xlim(u[0], u[-1])
        ax.set_ylim(v[0], v[-1])
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title("Descent path (darker: lower cost)")
        ax.legend(loc="lower left", fontsize=8)

    def update(self, costs, us, vs):
        """Show the costs per epoch and the path through (us[t], vs[t]), t = 0 (start) .. T."""
        self.cost_curve.update([costs])
        self.path.set_data(us, vs)
        self.start.set_data(us[:1], vs[:1])
        self.end.set_data(us[-1:], vs[-1:])


NEURON_COST_WHAT = "The loss C of one neuron against its weight w. " + TangentLine.WHAT
"""What :func:`neuron_cost_view` shows, for readers who cannot see it (alt text)."""


def neuron_cost_view(ax):
    """The figure of :func:`neuron_cost_explorer` on ``ax``: C against w, with a tangent."""
    return TangentLine(
        ax,
        NEURON_WEIGHTS,
        xlabel="weight $w^{(L)}$",
        ylabel="loss $C$",
        title="The derivative is the slope of the tangent",
        slope_label=r"$\partial C / \partial w^{(L)}$",
        ylim=(-0.05, 1.05),
    )


def show_neuron_cost(view, w, b, a_prev, y):
    """Draw C(w) and its tangent at ``w`` on a :func:`neuron_cost_view`.

    Returns
    -------
    SimpleNamespace
        ``cost`` and ``slope``: C and dC/dw at ``w``, as floats.
    """
    curve, _ = neuron_cost_and_slope(NEURON_WEIGHTS, b, a_prev, y)
    (cost,), (slope,) = neuron_cost_and_slope(w, b, a_prev, y)
    view.update(curve, w, cost, slope)
    return SimpleNamespace(cost=float(cost), slope=float(slope))


def neuron_cost_explorer(w=1.2, b=-0.4, a_prev=0.7, y=0.2):
    """Sliders for w, b, a^(L-1) and y; the loss C as a function of w, with its tangent at w.

    Returns
    -------
    Explorer
        Its ``result`` holds ``cost`` and ``slope`` at the current settings.
    """
    figure, ax = new_figure(width=7.0, height=3.4)
    view = neuron_cost_view(ax)
    controls = {
        "w": slider("weight w", w, -5.0, 5.0, 0.1),
        "b": slider("bias b", b, -3.0, 3.0, 0.1),
        "a_prev": slider("input a^(L-1)", a_prev, 0.0, 1.0, 0.05),
        "y": slider("target y", y, 0.0, 1.0, 0.05),
    }

    def update(w, b, a_prev, y):
        return show_neuron_cost(view, w, b, a_prev, y)

    return Explorer(controls, update, figure, NEURON_COST_WHAT)


def neuron_descent_view(axes, a_prev, y):
    """The figure of :func:`neuron_descent_explorer` on two axes: a :class:`DescentView`
    over the cost of the examples (a_prev, y)."""
    cost = neuron_cost_surface(a_prev, y, DESCENT_WEIGHTS, DESCENT_BIASES)
    return DescentView(axes, DESCENT_WEIGHTS, DESCENT_BIASES, cost, "weight w", "bias b")


def neuron_descent_explorer(a_prev, y, w=-2.0, b=2.0, learning_rate=2.0, epochs=200):
    """Learning-rate (1e-2 to 1e3, log scale) and epoch (1 to 1000) sliders for
    :func:`~backprop_lib.lessons.single_neuron.fit_single_neuron`: the cost per epoch, and
    the path of (w, b) over the cost.

    Returns
    -------
    Explorer
        Its ``result`` holds ``costs``, ``ws`` and ``bs`` of the last successful training,
        and ``note`` (None, or the note shown).
    """
    figure, axes = new_figure(width=9.5, height=3.6, ncols=2)
    view = neuron_descent_view(axes, a_prev, y)
    controls = {
        "learning_rate": slider("learning rate", learning_rate, 1e-2, 1e3, 0.1, log=True),
        "epochs": slider("epochs", epochs, 1, 1000, 1),
    }

    def update(learning_rate, epochs):
        costs, ws, bs = fit_single_neuron(a_prev, y, w, b, learning_rate, epochs)
        view.update(costs, ws, bs)
        return SimpleNamespace(costs=costs, ws=ws, bs=bs, note=cost_rise_note(costs))

    return Explorer(controls, update, figure, DescentView.WHAT)
