r"""Notebook 10, drawn: batch normalisation rescuing notebook 05's deep sigmoid network, what
dropout does to the cost curves, and the panels of one explorer run.

Every figure has two panels: each layer's weight-gradient size
:math:`\lVert \partial J/\partial W^l \rVert` against the layer (log scale), and costs per
epoch (log scale). :func:`plot_rescue` and :func:`plot_dropout` draw the results of
:func:`~backprop_lib.lessons.normalisation_lesson.rescue_runs` and
:func:`~backprop_lib.lessons.normalisation_lesson.dropout_runs` on a notebook's axes;
:class:`TrainingPanels` draws one run for
:func:`~backprop_lib.lessons.normalisation_explorer.normalisation_explorer`.
"""

import numpy as np

from ..display.charts import decade_limits
from ..display.palette import BLACK, BLUE, ORANGE, VERMILLION, distinct
from .gradient_checking import shrink_title
from .normalisation_lesson import generalisation_gap


def _styles(name, colours, linestyles, markers):
    return [
        {"color": colour, "linestyle": style, "marker": marker}
        for colour, style, marker in zip(distinct(name, colours), linestyles, markers, strict=True)
    ]


STAGE_STYLES = dict(
    zip(
        ("at the start", "after training"),
        _styles("gradient stages (notebook 10)", (ORANGE, BLUE), ("--", "-"), ("s", "o")),
        strict=True,
    )
)
"""The explorer's gradient sizes at the start and after training: orange dashed squares and
blue solid circles, apart in colour, line style and marker."""

COST_STYLES = dict(
    zip(
        ("training (training mode)", "training images", "validation images"),
        _styles("costs (notebook 10)", (BLACK, ORANGE, BLUE), ("-", "--", ":"), ("", "^", "o")),
        strict=True,
    )
)
"""The explorer's costs: the cost training sees (training mode: dropout on, each batch's
statistics) as a black line, and in prediction mode the training images' (orange, dashed,
triangles) and the validation images' (blue, dotted, circles)."""

RUN_STYLES = _styles(
    "runs (notebook 10)", (VERMILLION, BLUE, BLACK), ("--", "-", ":"), ("s", "o", "^")
)
"""The runs of a static figure in turn (without and with batch normalisation; keep
probabilities): vermillion dashed squares, blue solid circles, black dotted triangles."""

SET_LINESTYLES = {"training images": "-", "validation images": "--"}
"""In :func:`plot_dropout`'s prediction-mode panel each run keeps its colour and marker, and
the line style tells the training images from the validation images."""

MARKERS_PER_LINE = 10
"""A line of many epochs carries about this many markers: its shape without the clutter."""


def _line(ax, x, values, style, label):
    values = np.asarray(values, dtype=float)
    shown = np.where(values > 0, values, np.nan)  # a log scale cannot show 0
    every = max(1, len(values) // MARKERS_PER_LINE)
    return ax.plot(x, shown, markersize=4, markevery=every, label=label, **style)[0]


def _gradient_axes(ax, layers, norms):
    """Label a panel of gradient size per layer for ``layers`` layers; fit the y range to
    whole decades around ``norms``."""
    ax.set_yscale("log")
    ax.set_xlim(0.5, layers + 0.5)
    ax.set_xticks(range(1, layers + 1))
    ax.set_ylim(*decade_limits(norms))
    ax.set_xlabel("layer l (1 = next to the input)")
    ax.set_ylabel(r"$\Vert \partial J / \partial W^l \Vert$")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")


def _cost_axes(ax, ylabel="cost (without the L2 term)"):
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")


RESCUE_WHAT = (
    "Left: each layer's weight-gradient size at the start, on a log scale, against the layer "
    "from the input, for notebook 05's deep sigmoid network without batch normalisation "
    "(vermillion, dashed, squares) and with it (blue, solid, circles). Right: the training "
    "cost per epoch of both, on a log scale, in the same colours, line styles and markers."
)
"""What :func:`plot_rescue` draws, for readers who cannot see it (alt text)."""


def plot_rescue(axes, runs):
    """Draw :func:`~backprop_lib.lessons.normalisation_lesson.rescue_runs`'s result: each
    layer's gradient size at the start, and the training cost per epoch, per run.

    Parameters
    ----------
    axes : pair of matplotlib Axes
    runs : dict of bool to SimpleNamespace
        ``batchnorm`` -> ``record_training`` result.
    """
    ax_norms, ax_costs = axes
    names = {False: "without batch normalisation", True: "with batch normalisation"}
    for (batchnorm, run), style in zip(runs.items(), RUN_STYLES, strict=False):
        layers = np.arange(1, run.norms.shape[1] + 1)
        _line(ax_norms, layers, run.norms[0], style, names[batchnorm])
        _line(ax_costs, np.arange(1, run.costs.size + 1), run.costs, style, names[batchnorm])
    layers = max(run.norms.shape[1] for run in runs.values())
    _gradient_axes(ax_norms, layers, np.concatenate([run.norms[0] for run in runs.values()]))
    ax_norms.set_title(
        "\n".join(
            ["Gradient size per layer at the start"]
            + [f"{names[bn]}: {shrink_title(run.norms[0])}" for bn, run in runs.items()]
        )
    )
    _cost_axes(ax_costs, "training cost J")
    ax_costs.set_title(
        "Training cost per epoch\n"
        + "; ".join(
            f"{names[bn].split()[0]}: {run.costs[-1]:.3g} at the end" for bn, run in runs.items()
        )
    )


DROPOUT_WHAT = (
    "Left: the training cost per epoch as training sees it (dropout on), on a log scale, one "
    "line per keep probability p: vermillion dashed squares for the first, blue solid "
    "circles for the second, black dotted triangles for a third. Right: in prediction mode "
    "(no dropout), the cost of the training images (solid lines) and of the validation "
    "images (dashed lines) against the epoch, each run in its colour and marker."
)
"""What :func:`plot_dropout` draws, for readers who cannot see it (alt text)."""


def plot_dropout(axes, runs):
    """Draw :func:`~backprop_lib.lessons.normalisation_lesson.dropout_runs`'s result: the
    training cost per epoch as training sees it, and the training and validation costs in
    prediction mode, per keep probability.

    Parameters
    ----------
    axes : pair of matplotlib Axes
    runs : dict of float to SimpleNamespace
        ``keep_prob`` -> ``record_training`` result (at most three).
    """
    if len(runs) > len(RUN_STYLES):
        raise ValueError(f"at most {len(RUN_STYLES)} runs can be drawn; got {len(runs)}")
    ax_training, ax_sets = axes
    for (keep_prob, run), style in zip(runs.items(), RUN_STYLES, strict=False):
        _line(ax_training, np.arange(1, run.costs.size + 1), run.costs, style, f"p = {keep_prob:g}")
        for name, values in (
            ("training images", run.train_costs),
            ("validation images", run.val_costs),
        ):
            shape = {**style, "linestyle": SET_LINESTYLES[name]}
            _line(ax_sets, run.epochs, values, shape, f"p = {keep_prob:g}, {name}")
    _cost_axes(ax_training, "training cost J (training mode)")
    ax_training.set_title(
        "Training cost as training sees it\n"
        + "; ".join(f"p = {p:g}: {run.costs[-1]:.3g} at the end" for p, run in runs.items())
    )
    _cost_axes(ax_sets, "cost (prediction mode)")
    ax_sets.set_title(
        "Validation cost less training cost, prediction mode\n"
        + "; ".join(f"p = {p:g}: {generalisation_gap(run):.3g}" for p, run in runs.items())
    )


class TrainingPanels:
    """One run of the explorer: each layer's gradient size at the start and after training,
    and the costs per epoch, updated in place.

    Parameters
    ----------
    axes : pair of matplotlib Axes
    """

    WHAT = (
        "Left: each layer's weight-gradient size on a log scale against the layer from the "
        "input, at the start (orange, dashed, squares) and after training (blue, solid, "
        "circles). Right: the cost per epoch on a log scale: as training sees it (training "
        "mode: dropout on, each batch's statistics; a black line), and in prediction mode "
        "the training images' (orange, dashed, triangles) and the validation images' (blue, "
        "dotted, circles). The titles give the settings and the numbers."
    )
    """What the view shows, for readers who cannot see it (alt text)."""

    def __init__(self, axes):
        self.ax_norms, self.ax_costs = axes
        self.norm_lines = [
            self.ax_norms.plot([], [], markersize=5, label=name, **style)[0]
            for name, style in STAGE_STYLES.items()
        ]
        self.cost_lines = [
            self.ax_costs.plot([], [], markersize=4, label=name, **style)[0]
            for name, style in COST_STYLES.items()
        ]
        _gradient_axes(self.ax_norms, 1, [])
        _cost_axes(self.ax_costs)

    def update(self, run, settings):
        """Show a ``record_training`` result; ``settings`` (a line of text) heads the figure."""
        layers = np.arange(1, run.norms.shape[1] + 1)
        for line, norms in zip(self.norm_lines, (run.norms[0], run.norms[-1]), strict=True):
            line.set_data(layers, np.where(norms > 0, norms, np.nan))
        _gradient_axes(self.ax_norms, layers.size, run.norms)
        epochs = run.costs.size
        curves = (
            (np.arange(1, epochs + 1), run.costs),
            (run.epochs, run.train_costs),
            (run.epochs, run.val_costs),
        )
        for line, (x, values) in zip(self.cost_lines, curves, strict=True):
            line.set_data(x, np.where(values > 0, values, np.nan))
            line.set_markevery(max(1, x.size // MARKERS_PER_LINE))
        self.ax_costs.set_xlim(0, epochs)
        self.ax_costs.set_ylim(*decade_limits(np.concatenate([values for _, values in curves])))
        self.ax_norms.set_title(
            f"Gradient size per layer\nstart: {shrink_title(run.norms[0])}\n"
            f"after {epochs} epochs: {shrink_title(run.norms[-1])}",
            fontsize=9,
        )
        self.ax_costs.set_title(
            f"Cost after {epochs} epochs\ntraining: {run.costs[-1]:.3g} (training mode), "
            f"{run.train_costs[-1]:.3g} (prediction mode)\nvalidation: "
            f"{run.val_costs[-1]:.3g}, {run.val_accuracy:.1%} of the images right",
            fontsize=9,
        )
        self.ax_costs.figure.suptitle(settings, fontsize=10)
