"""Figures the notebooks share, drawn once and then updated in place.

Each view takes the axes to draw on, so a static figure (``plt.subplots``) and a widget's
reused figure (:func:`backprop_lib.widgets.new_figure`) use the same code.
"""

import numpy as np

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
