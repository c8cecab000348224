"""Notebook 09's figures and explorers: the optimisers' paths over a surface of two
parameters, and the digit network's training cost per optimiser."""

from types import SimpleNamespace

import ipywidgets as widgets
import numpy as np

from ..display.charts import Curves
from ..display.explorer import Explorer, cost_rise_note, join_notes, slider
from ..display.figures import new_figure
from ..display.palette import BLACK, BLUE, ORANGE, SKY_BLUE, distinct
from .deep_mlp import DEFAULTS, same_answer_note, validation_split
from .optimizers_lesson import METHODS, SURFACES, descend, digit_runs, make_optimizer

METHOD_STYLES = dict(
    zip(
        METHODS,
        (
            {"color": colour, "linestyle": style, "marker": marker}
            for colour, style, marker in zip(
                distinct("optimisers", (BLACK, ORANGE, SKY_BLUE, BLUE)),
                ("-", "--", "-.", ":"),
                ("o", "s", "^", "D"),
                strict=True,
            )
        ),
        strict=True,
    )
)
"""Colour, line style and marker of each method: they differ in all three."""

CONTOUR_LEVELS = 12
"""Contour lines of a surface's cost, spaced evenly in log(cost) between its minimum and
its largest value in the window."""

GRID_POINTS = 200
"""Points per side of the grid a surface's contours are drawn from."""


class PathsView:
    """Contour lines of a surface's cost and the path of each method over it.

    Parameters
    ----------
    ax : matplotlib Axes
    surface : optimizers_lesson.Surface
    """

    WHAT = (
        "Contour lines of the cost of two parameters, closer where it is steeper, with the "
        "minimum marked by a star, and the path of each optimiser from the common start, "
        "one marker per step, each optimiser in its own colour, line style and marker."
    )
    """What the view shows, for readers who cannot see it (alt text)."""

    def __init__(self, ax, surface):
        low1, high1, low2, high2 = surface.window
        w1, w2 = np.meshgrid(
            np.linspace(low1, high1, GRID_POINTS), np.linspace(low2, high2, GRID_POINTS)
        )
        cost = surface.cost(w1, w2)
        floor = surface.cost(*surface.minimum)
        levels = floor + np.geomspace(1e-3, 1.0, CONTOUR_LEVELS) * (cost.max() - floor)
        ax.contour(w1, w2, cost, levels=levels, colors="0.6", linewidths=0.7)
        ax.plot(*surface.minimum, "*", color=BLACK, markersize=12, label="minimum")
        ax.set_xlim(low1, high1)
        ax.set_ylim(low2, high2)
        ax.set_xlabel("$w_1$")
        ax.set_ylabel("$w_2$")
        self.ax, self.surface, self.lines = ax, surface, []

    def update(self, paths, title):
        """Draw ``paths`` (method -> path of shape (n, 2)), replacing the paths drawn before."""
        for line in self.lines:
            line.remove()
        self.lines = [
            self.ax.plot(
                *path.T, markersize=3, linewidth=1.2, label=method, **METHOD_STYLES[method]
            )[0]
            for method, path in paths.items()
        ]
        self.ax.set_title(title)
        self.ax.legend(loc="upper right", fontsize=8)


def path_summary(surface, method, path, steps):
    """One line: where ``path`` ended and its cost there, or after how many steps it left."""
    if len(path) <= steps:
        return f"{method}: diverged after {len(path)} steps"
    return f"{method}: cost {surface.cost(*path[-1]):.2g} after {steps} steps"


def paths_figure(surface, paths, steps, width=6.0, height=4.0):
    """A :class:`PathsView` of ``paths`` over ``surface`` on a new figure; returns both."""
    figure, ax = new_figure(width=width, height=height)
    view = PathsView(ax, surface)
    view.update(paths, "\n".join(path_summary(surface, m, p, steps) for m, p in paths.items()))
    return figure, view


HYPERPARAMETERS = {
    "gradient descent": (),
    "momentum": ("momentum",),
    "RMSProp": ("beta2",),
    "Adam": ("beta1", "beta2"),
}
"""The sliders each method uses besides the learning rate; the others are disabled."""


def sliders_follow_the_method(controls):
    """Disable the sliders of ``controls`` that the chosen method does not use, now and
    whenever the method changes."""

    def enable(change=None):
        used = HYPERPARAMETERS[controls["method"].value]
        for name in ("momentum", "beta1", "beta2"):
            controls[name].disabled = name not in used

    enable()
    controls["method"].observe(enable, names="value")


def paths_explorer(
    surface="narrow bowl",
    method="momentum",
    learning_rate=0.05,
    momentum=0.9,
    beta1=0.9,
    beta2=0.999,
    steps=100,
):
    """A surface and a method to choose, a slider per hyperparameter and for the steps: the
    chosen method's path beside plain gradient descent's at the same learning rate. The
    sliders the chosen method does not use (:data:`HYPERPARAMETERS`) are disabled.

    Returns
    -------
    Explorer
        Its ``result`` holds ``paths`` (method -> path) and ``note``.
    """
    controls = {
        "surface": widgets.Dropdown(options=list(SURFACES), value=surface, description="surface"),
        "method": widgets.Dropdown(options=list(METHODS), value=method, description="method"),
        "learning_rate": slider("learning rate", learning_rate, 1e-3, 1.0, 0.1, log=True),
        "momentum": slider("momentum μ", momentum, 0.0, 0.99, 0.01),
        "beta1": slider("Adam β1", beta1, 0.0, 0.99, 0.01),
        "beta2": slider("β2 (RMSProp, Adam)", beta2, 0.5, 0.999, 0.001),
        "steps": slider("steps", steps, 10, 500, 10),
    }
    figure, ax = new_figure(width=6.5, height=4.2)
    views = {}
    sliders_follow_the_method(controls)

    def update(surface, method, learning_rate, momentum, beta1, beta2, steps):
        if surface not in views:  # a surface's contours are drawn once
            ax.clear()
            views.clear()
            views[surface] = PathsView(ax, SURFACES[surface])
        chosen = SURFACES[surface]
        paths = {
            name: descend(
                chosen, make_optimizer(name, learning_rate, momentum, beta1, beta2), steps
            )
            for name in dict.fromkeys(("gradient descent", method))
        }
        summaries = [path_summary(chosen, name, path, steps) for name, path in paths.items()]
        views[surface].update(paths, "\n".join(summaries))
        diverged = [name for name, path in paths.items() if len(path) <= steps]
        note = join_notes(
            *(
                f"{name} diverged: lower the learning rate (on the bowl plain descent needs "
                f"less than 2 / 20 = 0.1)."
                for name in diverged
            )
        )
        return SimpleNamespace(paths=paths, note=note)

    return Explorer(controls, update, figure, PathsView.WHAT)


DIGIT_METHODS = {
    "gradient descent": {"method": "gradient descent"},
    "momentum": {"method": "momentum"},
    "Adam": {"method": "Adam"},
}
"""The methods of the digit explorer (their learning rates come from its sliders)."""


def digit_costs_explorer(X, Y, descent_rate=0.1, adam_rate=0.003, epochs=300, split_seed=0):
    """Sliders for plain descent's learning rate (which momentum shares), Adam's, and the
    epochs: the training cost of notebook 04's digit network per optimiser, all from the
    same initial weights.

    Returns
    -------
    Explorer
        Its ``result`` holds ``runs`` (method -> ``train_deep_mlp`` result) and ``note``.
    """
    figure, ax = new_figure(width=7.0, height=3.4)
    curves = Curves(
        ax,
        "training cost J",
        "",
        list(DIGIT_METHODS),
        log=True,
        styles=[
            {key: METHOD_STYLES[name][key] for key in ("color", "linestyle")}
            for name in DIGIT_METHODS
        ],
    )
    controls = {
        "descent_rate": slider("descent rate", descent_rate, 1e-3, 3.0, 0.1, log=True),
        "adam_rate": slider("Adam rate", adam_rate, 1e-4, 0.1, 0.1, log=True),
        "epochs": slider("epochs", epochs, 50, 1000, 50),
    }
    settings = {k: v for k, v in DEFAULTS.items() if k not in ("learning_rate", "epochs")}
    X_fit = validation_split(X, Y, seed=split_seed)[0]

    def update(descent_rate, adam_rate, epochs):
        rates = {"gradient descent": descent_rate, "momentum": descent_rate, "Adam": adam_rate}
        methods = {
            name: {**options, "learning_rate": rates[name]}
            for name, options in DIGIT_METHODS.items()
        }
        runs = digit_runs(X, Y, {**settings, "epochs": epochs}, methods, split_seed, curve_points=0)
        curves.update([run.costs for run in runs.values()])
        ax.set_title(
            "; ".join(f"{name}: {run.costs[-1]:.3g}" for name, run in runs.items()), fontsize=9
        )
        notes = [
            f"{name}: {note}"
            for name, run in runs.items()
            for note in (cost_rise_note(run.costs), same_answer_note(run.model.predict(X_fit)))
            if note
        ]
        return SimpleNamespace(runs=runs, note=join_notes(*notes))

    return Explorer(controls, update, figure, DIGIT_COSTS_WHAT)


DIGIT_COSTS_WHAT = (
    "The training cost J of notebook 04's digit network per epoch, on a log scale, one line "
    "per optimiser (plain gradient descent, momentum, Adam), each in its own colour and line "
    "style; the title gives each one's last cost."
)
"""What the digit explorer shows, for readers who cannot see it (alt text)."""
