"""Figures the notebooks share, drawn once and then updated in place.

Each view takes the axes to draw on, so a static figure (``plt.subplots``) and a widget's
reused figure (:func:`backprop_lib.widgets.new_figure`) use the same code.
"""

import numpy as np

from .gradcheck import relative_error

BOUNDARY_GRID_POINTS = 150
"""Points per side of the grid on which a decision boundary is evaluated: a smooth edge
at the size the notebooks show, and 22,500 forward passes in one matrix product."""

BOUNDARY_MARGIN = 0.5
"""How far the decision-boundary map extends past the data on each side (input units)."""

CLASS_COLOURS = ("#1f77b4", "#d62728")
"""Class 0 and class 1 (blue, red), in points and in the probability map."""


class CostCurve:
    """A cost-per-epoch curve on log-scaled y axes, updated with :meth:`update`."""

    def __init__(self, ax, label="training cost", title="Cost J per epoch"):
        self.ax = ax
        (self.line,) = ax.plot([], [], label=label)
        ax.set_xlabel("epoch")
        ax.set_ylabel("cost J")
        ax.set_yscale("log")
        ax.set_title(title)

    def update(self, costs):
        """Show ``costs`` (one per epoch, epoch 1 first)."""
        costs = np.asarray(costs, dtype=float)
        self.line.set_data(np.arange(1, len(costs) + 1), costs)
        self.ax.relim()
        self.ax.autoscale_view()


class DecisionBoundary:
    """Data points over the model's predicted probability, with the a = 0.5 boundary.

    Parameters
    ----------
    ax : matplotlib Axes
    X : ndarray of shape (2, m)
        Two input features; they fix the plotted region.
    Y : ndarray of shape (1, m)
        0/1 labels, which colour the points.
    """

    def __init__(self, ax, X, Y, title="Decision boundary"):
        self.ax = ax
        low = X.min(axis=1) - BOUNDARY_MARGIN
        high = X.max(axis=1) + BOUNDARY_MARGIN
        self.u = np.linspace(low[0], high[0], BOUNDARY_GRID_POINTS)
        self.v = np.linspace(low[1], high[1], BOUNDARY_GRID_POINTS)
        uu, vv = np.meshgrid(self.u, self.v)
        self.grid = np.vstack([uu.ravel(), vv.ravel()])  # (2, points): columns are examples
        self.image = ax.imshow(
            np.full(uu.shape, 0.5),
            origin="lower",
            extent=(low[0], high[0], low[1], high[1]),
            aspect="auto",
            cmap="RdBu_r",
            vmin=0.0,
            vmax=1.0,
            alpha=0.45,
        )
        self.contour = None
        colours = np.where(Y.ravel() > 0.5, CLASS_COLOURS[1], CLASS_COLOURS[0])
        self.points = ax.scatter(X[0], X[1], c=colours, s=18, edgecolors="white", linewidths=0.5)
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.set_title(title)

    def update(self, predict_proba):
        """Redraw for a model, given as its ``predict_proba`` (X (2, k) -> (1, k))."""
        proba = predict_proba(self.grid).reshape(len(self.v), len(self.u))
        self.image.set_data(proba)
        if self.contour is not None:
            self.contour.remove()
        self.contour = None
        if proba.min() < 0.5 < proba.max():
            self.contour = self.ax.contour(
                self.u, self.v, proba, levels=[0.5], colors="black", linewidths=1.2
            )


class TrainingView:
    """A classifier's cost curve and decision boundary side by side, updated together.

    Used by the static figure of notebook 03 and by
    :func:`backprop_lib.widgets.hidden_layer_explorer`, so both draw the same thing.

    Parameters
    ----------
    axes : pair of matplotlib Axes
        The cost curve goes on the first, the decision boundary on the second.
    X : ndarray of shape (2, m)
        Two input features.
    Y : ndarray of shape (1, m)
        0/1 labels.
    """

    def __init__(self, axes, X, Y):
        ax_cost, ax_boundary = axes
        self.cost_curve = CostCurve(ax_cost)
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
        self.cost_curve.update(costs)
        self.boundary.update(predict_proba)
        self.boundary.ax.set_title(f"{label}: training accuracy {accuracy:.1%}")


def hidden_unit_maps(axes, model, X, Y):
    r"""Each unit of the first hidden layer as a map over the plane, then the output.

    Panel j shows :math:`a^1_j = g(W^1_{j,:} x + b^1_j)`, whose 0.5 line is the
    straight line :math:`W^1_{j,:} x + b^1_j = 0` (for a sigmoid unit); the last panel shows
    the network's output :math:`a^L`, which combines those lines into a curved boundary.

    Parameters
    ----------
    axes : sequence of n_1 + 1 matplotlib Axes
    model : MLP
        A network with two inputs, at least one hidden layer and one output unit.
    X : ndarray of shape (2, m)
    Y : ndarray of shape (1, m)

    Returns
    -------
    list of DecisionBoundary
        One view per panel.
    """
    n_hidden = model.layer_sizes[1]
    if len(axes) != n_hidden + 1:
        raise ValueError(f"need {n_hidden + 1} axes (one per hidden unit, then the output)")
    views = []
    for j, ax in enumerate(axes[:-1]):
        view = DecisionBoundary(ax, X, Y, title=f"hidden unit $h_{{{j + 1}}}$")
        view.update(lambda grid, j=j: model.forward(grid)[1][1][j : j + 1])
        views.append(view)
    output = DecisionBoundary(axes[-1], X, Y, title="output $y$")
    output.update(model.predict_proba)
    return [*views, output]


def text_table(headers, rows, digits=6):
    """Rows of labels and numbers as an aligned plain-text table (no pandas needed).

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

    def is_float(value):
        return isinstance(value, float | np.floating)

    def cell(value):
        if not is_float(value):
            return str(value)
        text = f"{float(value):.{digits}f}"
        return f"{0.0:.{digits}f}" if float(text) == 0.0 else text

    if any(len(row) != len(headers) for row in rows):
        raise ValueError(f"every row must have {len(headers)} cells, one per header")
    cells = [[cell(value) for value in row] for row in rows]
    widths = [len(header) for header in headers]
    for row in cells:
        widths = [max(width, len(text)) for width, text in zip(widths, row, strict=True)]
    numeric = [all(is_float(row[c]) for row in rows) for c in range(len(headers))]

    def line(texts):
        padded = [
            text.rjust(width) if right else text.ljust(width)
            for text, width, right in zip(texts, widths, numeric, strict=True)
        ]
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in cells)])


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

    def __init__(self, ax, x, xlabel, ylabel, title, slope_label="slope", ylim=None):
        self.ax = ax
        self.x = np.asarray(x, dtype=float)
        self.slope_label = slope_label
        self.half_width = 0.12 * (self.x[-1] - self.x[0])
        (self.curve,) = ax.plot(self.x, np.zeros_like(self.x), color="C0", label=ylabel)
        (self.tangent,) = ax.plot([], [], "--", color="C3", linewidth=1.6, label="tangent")
        (self.point,) = ax.plot([], [], "o", color="C3", markersize=7)
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


class DescentPath:
    """A cost over two parameters (darker is lower), and a gradient-descent path across it.

    The cost is drawn as an image with a few contour lines (cheaper to redraw than
    labelled contours); only the path changes in :meth:`update`.

    Parameters
    ----------
    ax : matplotlib Axes
    u : ndarray of shape (k_u,)
        Values of the first parameter (x axis), evenly spaced.
    v : ndarray of shape (k_v,)
        Values of the second parameter (y axis), evenly spaced.
    cost : ndarray of shape (k_v, k_u)
        The cost at every (u, v), row i for ``v[i]``.
    xlabel, ylabel, title : str
    """

    def __init__(self, ax, u, v, cost, xlabel, ylabel, title="Descent path (darker: lower cost)"):
        self.ax = ax
        extent = (u[0], u[-1], v[0], v[-1])
        ax.imshow(cost, origin="lower", extent=extent, aspect="auto", cmap="Blues_r")
        levels = np.unique(np.quantile(cost, np.linspace(0.0, 1.0, 9)[1:-1]))
        ax.contour(u, v, cost, levels=levels, colors="white", linewidths=0.7)
        (self.path,) = ax.plot([], [], "-", color="C3", linewidth=1.5, label="path")
        (self.start,) = ax.plot([], [], "o", color="white", markeredgecolor="black", label="start")
        (self.end,) = ax.plot([], [], "*", color="C3", markersize=13, label="end")
        ax.set_xlim(u[0], u[-1])
        ax.set_ylim(v[0], v[-1])
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.legend(loc="lower left", fontsize=8)

    def update(self, us, vs):
        """Show the path through the points (us[t], vs[t]), t = 0 (start) .. T (end)."""
        self.path.set_data(us, vs)
        self.start.set_data(us[:1], vs[:1])
        self.end.set_data(us[-1:], vs[-1:])


class DescentView:
    """A cost curve beside the path of two parameters over the cost, updated together.

    Parameters
    ----------
    axes : pair of matplotlib Axes
        The :class:`CostCurve` goes on the first, the :class:`DescentPath` on the second.
    u, v, cost, xlabel, ylabel
        As for :class:`DescentPath`.
    """

    def __init__(self, axes, u, v, cost, xlabel, ylabel):
        ax_cost, ax_path = axes
        self.cost_curve = CostCurve(ax_cost, title="Cost C per epoch")
        ax_cost.set_ylabel("cost C")
        self.path = DescentPath(ax_path, u, v, cost, xlabel, ylabel)

    def update(self, costs, us, vs):
        """Show the costs per epoch and the path through (us[t], vs[t])."""
        self.cost_curve.update(costs)
        self.path.update(us, vs)


class EpochCurves:
    """One line per model of a quantity recorded after each epoch, updated in place.

    Parameters
    ----------
    ax : matplotlib Axes
    labels : sequence of str
        One legend entry per line.
    ylabel, title : str
    log : bool
        Log-scaled y axis (for costs and gradient sizes).
    ylim : (float, float), optional
        Fixed y range, e.g. (0, 1) for an accuracy; default autoscale.
    """

    def __init__(self, ax, labels, ylabel, title, log=False, ylim=None):
        self.ax = ax
        self.ylim = ylim
        self.lines = [ax.plot([], [], label=label)[0] for label in labels]
        if log:
            ax.set_yscale("log")
        if ylim is not None:
            ax.set_ylim(*ylim)
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.grid(alpha=0.3)
        ax.legend()

    def update(self, curves):
        """Show ``curves[j]`` (one value per epoch, epoch 1 first) on line j."""
        for line, values in zip(self.lines, curves, strict=True):
            values = np.asarray(values, dtype=float)
            line.set_data(np.arange(1, len(values) + 1), values)
        self.ax.relim()
        self.ax.autoscale_view(scaley=self.ylim is None)


class LossComparison:
    """Training accuracy and gradient length per epoch, one line per loss (notebook 02).

    Parameters
    ----------
    axes : pair of matplotlib Axes
        Accuracy on the first, gradient length (log scale) on the second.
    labels : sequence of str
        One per loss, in the order of the results passed to :meth:`update`.
    """

    def __init__(self, axes, labels):
        ax_accuracy, ax_gradient = axes
        self.accuracy = EpochCurves(
            ax_accuracy, labels, "training accuracy", "Accuracy", ylim=(-0.02, 1.02)
        )
        self.gradient = EpochCurves(
            ax_gradient, labels, "length of the gradient", "How hard descent pushes", log=True
        )

    def update(self, results):
        """Show ``results``: per loss, a dict with ``accuracy`` and ``gradient_norm`` arrays.

        As returned by :func:`backprop_lib.widgets.compare_losses`.
        """
        self.accuracy.update([r["accuracy"] for r in results.values()])
        self.gradient.update([r["gradient_norm"] for r in results.values()])


RIGHT_GRADIENT_BELOW = 1e-7
"""A relative error below this means the analytic gradient is right (float64, central
differences); above ``WRONG_GRADIENT_ABOVE`` it is wrong; in between, look closer."""

WRONG_GRADIENT_ABOVE = 1e-2


def format_relative_error(error):
    """A gradient check's relative error as text that prints the same on every machine.

    Below ``RIGHT_GRADIENT_BELOW`` the value is round-off, whose digits change with the CPU
    and the NumPy build, so only "< 1e-07" is printed; larger errors are printed with three
    decimals (from 0.01) or two significant digits. Each comes with its verdict ("right",
    "look closer", "wrong").

    Parameters
    ----------
    error : float
        As returned by :func:`backprop_lib.relative_error`.

    Returns
    -------
    str
    """
    if error < RIGHT_GRADIENT_BELOW:
        return f"< {RIGHT_GRADIENT_BELOW:.0e} (right)"
    if error > WRONG_GRADIENT_ABOVE:
        return f"{error:.3f} (wrong)"
    return f"{error:.1e} (look closer)"


def gradient_check_table(checks):
    """Gradient checks as a text table: name, shape, and relative error with its verdict.

    Parameters
    ----------
    checks : sequence of (str, ndarray, ndarray)
        (name, analytic gradient, numerical gradient of the same shape).

    Returns
    -------
    str
        See :func:`text_table` and :func:`format_relative_error`.
    """
    rows = [
        (name, str(np.shape(analytic)), format_relative_error(relative_error(analytic, numerical)))
        for name, analytic, numerical in checks
    ]
    return text_table(["gradient", "shape", "relative error"], rows)
