"""Notebook 04, drawn: cost curves beside a grid of held-out images, and the deep-MLP explorer.

:class:`DeepMLPView` draws a :func:`~backprop_lib.lessons.deep_mlp.train_deep_mlp` result;
:func:`deep_mlp_explorer` joins it to sliders through :func:`training_explorer`, which
notebook 08's explorer uses too, as it uses :func:`cost_curves`, :func:`show_costs` and
:class:`PredictionGrid`.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ..display.charts import Curves
from ..display.explorer import Explorer, cost_rise_note, join_notes, slider
from ..display.palette import VERMILLION, distinct
from .deep_mlp import (
    DEFAULTS,
    EPOCHS_MAX,
    UNITS_MAX,
    grid_order,
    same_answer_note,
    square_image_shape,
    train_deep_mlp,
)

FIGURE_SIZE = (10.5, 4.2)
"""Width and height (inches) of :func:`deep_mlp_figure`: room for the cost curves and a
readable 4 x 8 grid of images beside them."""

GRID_ROWS, GRID_COLUMNS = 4, 8
"""The prediction grid shows 32 images: enough to show every mistake of a good model
on the digits, few enough to read each one."""

PROGRESS_UPDATES = 50
"""How often per training the explorer's progress bar moves: smooth to the eye, and few
enough messages to the browser not to slow training down."""

MISTAKE_COLOUR, RIGHT_FRAME_COLOUR = distinct(
    "prediction frames (notebooks 04, 08)", (VERMILLION, "0.7")
)
"""Frame colour of a misclassified image (vermillion, also its title's) and of a correctly
classified one (light grey); a mistake's frame is thicker too."""


class PredictionGrid:
    """Images with the network's predictions; misclassified ones framed in vermillion.

    Parameters
    ----------
    axes : 2-D array of matplotlib Axes
        One image each.
    X : ndarray of shape (n_0, m)
        Images as columns, pixels in [0, 1].
    Y : ndarray of shape (1, m)
        0/1 labels.
    classes : sequence of two str
        The names of labels 0 and 1.
    """

    def __init__(self, axes, X, Y, classes):
        self.axes = np.ravel(axes)
        self.X, self.labels = X, np.ravel(Y)
        self.classes = list(classes)
        self.shape = square_image_shape(X.shape[0])
        blank = np.zeros(self.shape)
        self.images = [
            ax.imshow(blank, cmap="gray_r", vmin=0.0, vmax=1.0, interpolation="nearest")
            for ax in self.axes
        ]
        for ax in self.axes:
            ax.set_xticks([])
            ax.set_yticks([])

    def update(self, predictions):
        """Show the mistakes first, then correct predictions, each titled with its prediction.

        Returns
        -------
        int
            The number of misclassified images among all m.
        """
        predictions = np.ravel(predictions)
        shown = grid_order(self.labels, predictions, len(self.axes))
        for ax, image, index in zip(self.axes, self.images, shown, strict=False):
            image.set_data(self.X[:, index].reshape(self.shape))
            said = self.classes[int(predictions[index])]
            wrong = predictions[index] != self.labels[index]
            colour = MISTAKE_COLOUR if wrong else RIGHT_FRAME_COLOUR
            title = f"{said} (true {self.classes[int(self.labels[index])]})" if wrong else said
            ax.set_title(title, color=MISTAKE_COLOUR if wrong else "black", fontsize=7, pad=2)
            for spine in ax.spines.values():
                spine.set_color(colour)
                spine.set_linewidth(2.5 if wrong else 0.8)
            ax.set_visible(True)
        for ax in self.axes[len(shown) :]:
            ax.set_visible(False)
        return int(np.sum(predictions != self.labels))


def cost_curves(ax):
    """:class:`~backprop_lib.display.charts.Curves` for a ``train_deep_mlp`` result's training
    and validation costs, on a log scale."""
    return Curves(
        ax,
        "cost (without the L2 term)",
        "Cost per epoch",
        ["training set", "validation set"],
        log=True,
    )


def show_costs(curves, result):
    """Show a ``train_deep_mlp`` result's costs at its recorded epochs on :func:`cost_curves`,
    titled with its training and validation accuracy."""
    curves.update([result.train_costs, result.val_costs], epochs=result.epochs)
    curves.ax.set_title(
        f"training accuracy {result.train_accuracy:.1%}, validation {result.val_accuracy:.1%}"
    )


class DeepMLPView:
    """Training and validation cost per epoch beside a :class:`PredictionGrid` of validation
    images.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        An empty figure (``plt.figure`` for a static figure, or the explorer's own).
    X_val : ndarray of shape (n_0, m_val)
    Y_val : ndarray of shape (1, m_val)
    classes : sequence of two str
    """

    WHAT = (
        "Left: the cost per epoch on the training and the validation set, on a log scale. "
        "Right: a grid of validation images, each titled with the network's prediction; "
        "wrong ones come first, framed and titled in vermillion with the true class."
    )
    """What the view shows, for readers who cannot see it (alt text)."""

    def __init__(self, figure, X_val, Y_val, classes):
        left, right = figure.subfigures(1, 2, width_ratios=[1.0, 1.15])
        self.curves = cost_curves(left.subplots())
        self.grid = PredictionGrid(right.subplots(GRID_ROWS, GRID_COLUMNS), X_val, Y_val, classes)
        self.grid_figure = right

    def update(self, result, X_val):
        """Show a ``train_deep_mlp`` result: its costs, accuracies and validation predictions."""
        show_costs(self.curves, result)
        mistakes = self.grid.update(result.model.predict(X_val))
        where = " (framed in vermillion, shown first)" if mistakes else ""
        self.grid_figure.suptitle(
            f"Validation images: {mistakes} of {X_val.shape[1]} wrong{where}",
            fontsize=9,
        )


def deep_mlp_figure(X_val, Y_val, classes, figure=None):
    """A :class:`DeepMLPView` on ``figure``, or on a new off-screen figure of the right size.

    Returns
    -------
    figure : matplotlib.figure.Figure
    view : DeepMLPView
    """
    if figure is None:
        figure = Figure(figsize=FIGURE_SIZE, layout="constrained")
    return figure, DeepMLPView(figure, X_val, Y_val, classes)


def starting_values(defaults, settings):
    """``defaults`` with ``settings`` in place of some: an explorer's starting values.

    Raises
    ------
    ValueError
        If a setting is not one of ``defaults``.
    """
    unknown = set(settings) - set(defaults)
    if unknown:
        raise ValueError(f"unknown settings {sorted(unknown)}; expected some of {list(defaults)}")
    return {**defaults, **settings}


def training_explorer(X, Y, X_val, Y_val, controls, figure, what, show, seed, **training):
    """Controls that retrain ``train_deep_mlp`` from one seeded start, a progress bar, a figure.

    Each released control retrains on X, Y and draws the result with ``show``, in the
    layout of the first drawing. The message line explains a run that diverges, whose cost
    ends higher than it started, or that gives every training image the same class.

    Parameters
    ----------
    X, Y, X_val, Y_val
        As for ``train_deep_mlp``: the validation set, never the test set.
    controls : dict of str to ipywidgets.ValueWidget
        One per keyword argument of ``train_deep_mlp`` they set; "epochs" among them.
    figure : matplotlib.figure.Figure
    what : str
        What the figure shows, for readers who cannot see it (alt text).
    show : callable
        ``show(result)`` draws a result on ``figure``.
    seed : int
    **training
        More keyword arguments of ``train_deep_mlp``, for example ``batch_size``.

    Returns
    -------
    Explorer
        Its ``extras["progress"]`` is the ``ipywidgets.IntProgress``; its ``result`` the last
        successful ``train_deep_mlp`` result, plus ``note``.
    """
    epochs = controls["epochs"].value
    progress = widgets.IntProgress(value=0, min=0, max=epochs, description="training")

    def show_progress(epoch):
        if epoch % max(1, progress.max // PROGRESS_UPDATES) == 0 or epoch == progress.max:
            progress.value = epoch

    def update(**values):
        progress.max, progress.value = values["epochs"], 0
        trained = train_deep_mlp(
            X, Y, X_val, Y_val, **values, seed=seed, progress=show_progress, **training
        )
        show(trained)
        notes = (cost_rise_note(trained.costs), same_answer_note(trained.model.predict(X)))
        trained.note = join_notes(*notes)
        return trained

    explorer = Explorer(controls, update, figure, what, extras={"progress": progress})
    # Keep the layout of the first drawing: working out the constrained layout of the many
    # panels again took about half of every redraw.
    figure.set_layout_engine("none")
    return explorer


def deep_mlp_explorer(X, Y, X_val, Y_val, classes, **settings):
    """Sliders for ``train_deep_mlp``, a progress bar, and the :class:`DeepMLPView`.

    Each released slider retrains from the same seeded start (:func:`training_explorer`).
    Ranges: learning rate 1e-3 to 100 (log scale; at the top end the cost goes up), 0 to 10
    hidden layers, 1 to ``UNITS_MAX`` units, epochs 50 to ``EPOCHS_MAX``, lambda 0 to 20.

    Parameters
    ----------
    X, Y, X_val, Y_val
        As for ``train_deep_mlp``: the explorer shows the validation set, never the test set.
    classes : sequence of two str
    **settings
        Starting values overriding :data:`~backprop_lib.lessons.deep_mlp.DEFAULTS`.

    Returns
    -------
    Explorer
        As :func:`training_explorer` returns it.
    """
    start = starting_values(DEFAULTS, settings)
    figure, view = deep_mlp_figure(X_val, Y_val, classes)
    controls = {
        "learning_rate": slider(
            "learning rate", start["learning_rate"], 1e-3, 100.0, 0.1, log=True
        ),
        "hidden_layers": slider("hidden layers", start["hidden_layers"], 0, 10, 1),
        "units": slider("units per layer", start["units"], 1, UNITS_MAX, 1),
        "epochs": slider("epochs", start["epochs"], 50, EPOCHS_MAX, 50),
        "l2_lambda": slider("L2 λ", start["l2_lambda"], 0.0, 20.0, 0.5),
    }

    def show(run):
        view.update(run, X_val)

    return training_explorer(X, Y, X_val, Y_val, controls, figure, view.WHAT, show, start["seed"])
