r"""Notebook 04: a deep MLP (ReLU hidden layers, sigmoid output, cross-entropy) on images.

:func:`train_deep_mlp` is the pure computation behind the notebook's static figures and
its explorer: it trains :class:`backprop_lib.MLP` with ``depth`` hidden layers of
``width`` units and records the training and test cost after every epoch.
:class:`DeepMLPView` draws the two cost curves beside a grid of test images with their
predictions, and :func:`deep_mlp_explorer` joins it to sliders through
:class:`backprop_lib.widgets.Explorer`.

Images come as columns, ``X`` (n_0, m) with n_0 = h * w * c, as
:func:`backprop_lib.data.load_image_dataset` returns them; any square grey or RGB images
work, from the 8x8 digits of ``data/`` to the 64x64x3 cat / non-cat pictures.
"""

import math
from types import SimpleNamespace

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from .network import MLP, _is_count
from .plots import CostCurve
from .widgets import Explorer, cost_rise_note, slider

DEFAULTS = {"depth": 3, "width": 16, "learning_rate": 0.1, "epochs": 600, "l2": 0.0, "seed": 0}
"""The explorer's starting settings: on the digits of ``data/`` they train in well under a
second and reach the test accuracy reported in ``data/README.md``."""

FIGURE_SIZE = (10.5, 4.2)
"""Width and height (inches) of :func:`deep_mlp_figure`: room for the cost curves and a
readable 4 x 8 grid of images beside them."""

WIDTH_MAX, EPOCHS_MAX = 32, 1000
"""The ends of the width and epoch sliders: at 10 layers of 32 units, 1000 epochs on the
digits take about 2 s on a busy two-core machine (64 units and 2000 epochs took 48 s)."""

GRID_ROWS, GRID_COLUMNS = 4, 8
"""The prediction grid shows 32 test images: enough to show every mistake of a good model
on the digits, few enough to read each one."""

PROGRESS_UPDATES = 50
"""How often per training the explorer's progress bar moves: smooth to the eye, and few
enough messages to the browser not to slow training down."""

MISTAKE_COLOUR = "#d62728"
"""Frame and title colour of a misclassified image (red)."""


def train_deep_mlp(
    X, Y, X_test, Y_test, depth, width, learning_rate, epochs, l2=0.0, seed=0, progress=None
):
    r"""Train a network with ``depth`` ReLU hidden layers of ``width`` units on images.

    The layer sizes are :math:`[n_0, \text{width}, \dots, \text{width}, 1]`; depth 0 is
    logistic regression. The output is one sigmoid unit trained with cross-entropy and the
    L2 penalty ``l2`` (lambda), by full-batch gradient descent from a seeded start.

    Parameters
    ----------
    X : ndarray of shape (n_0, m)
        Training images, one per column.
    Y : ndarray of shape (1, m)
        Their 0/1 labels.
    X_test : ndarray of shape (n_0, m_test)
    Y_test : ndarray of shape (1, m_test)
    depth : int >= 0
        Number of hidden layers.
    width : int >= 1
        Units per hidden layer.
    learning_rate : float > 0
    epochs : int >= 1
    l2 : float >= 0
        Regularisation strength lambda (weights only).
    seed : int
        Seeds the initial weights, so the same settings give the same network.
    progress : callable, optional
        Called as ``progress(epoch)`` after each epoch, epoch counting from 1.

    Returns
    -------
    SimpleNamespace
        ``model`` (the trained :class:`MLP`); ``costs``, the cost J (with the L2 term) before
        each epoch's step, as :meth:`MLP.fit` returns it; ``train_costs`` and
        ``test_costs``, arrays of shape (epochs,) holding :meth:`MLP.data_cost` after each
        epoch's step; ``train_accuracy`` and ``test_accuracy``, floats in [0, 1].

    Raises
    ------
    ValueError
        For a depth below 0 or a width below 1, and as :meth:`MLP.fit` for the rest.
    TrainingDiverged
        If the cost stops being a finite number (the learning rate is too large).
    """
    if not _is_count(depth, 0):
        raise ValueError(f"depth must be a whole number >= 0 (hidden layers); got {depth!r}")
    if not _is_count(width, 1):
        raise ValueError(f"width must be a whole number >= 1 (units per layer); got {width!r}")
    X, X_test = np.asarray(X, dtype=float), np.asarray(X_test, dtype=float)
    model = MLP([X.shape[0], *[width] * depth, 1], l2=l2, seed=seed)
    train_costs, test_costs = np.empty(epochs), np.empty(epochs)

    def record(epoch, cost):
        train_costs[epoch - 1] = model.data_cost(X, Y)
        test_costs[epoch - 1] = model.data_cost(X_test, Y_test)
        if progress is not None:
            progress(epoch)

    costs = model.fit(X, Y, learning_rate, epochs, callback=record)
    return SimpleNamespace(
        model=model,
        costs=costs,
        train_costs=train_costs,
        test_costs=test_costs,
        train_accuracy=model.accuracy(X, Y),
        test_accuracy=model.accuracy(X_test, Y_test),
    )


def same_answer_note(predictions):
    """A note when the network gives every image the same class, else None.

    That is what a network of dead ReLU units does (every hidden unit outputs 0 for every
    image, so the output is a constant): a layer of width 1, a very deep narrow network
    or too large a learning rate can switch them all off.

    Parameters
    ----------
    predictions : ndarray of shape (1, m)
        0/1 predictions on the training images.
    """
    if np.all(predictions == predictions.flat[0]):
        return (
            "The network gives every training image the same class: its ReLU units have "
            "probably all switched off. Try more units per layer, fewer layers or a smaller "
            "learning rate."
        )
    return None


def square_image_shape(n_features):
    """The shape of a square image with ``n_features`` values: (s, s) grey or (s, s, 3) RGB.

    A whole square s * s is read as grey; otherwise 3 * s * s as RGB (no number is both,
    since the square root of 3 is irrational). 64 -> (8, 8); 12288 -> (64, 64, 3).

    Raises
    ------
    ValueError
        If ``n_features`` is neither s * s nor 3 * s * s.
    """
    side = math.isqrt(n_features)
    if side * side == n_features:
        return (side, side)
    side = math.isqrt(n_features // 3)
    if 3 * side * side == n_features:
        return (side, side, 3)
    raise ValueError(
        f"cannot draw images of {n_features} values: expected a square grey image (s * s "
        "values) or a square RGB image (3 * s * s values)"
    )


def grid_order(labels, predictions, n):
    """The indices of up to ``n`` images to show: the misclassified ones first, then the others.

    Parameters
    ----------
    labels, predictions : ndarray of shape (m,)

    Returns
    -------
    ndarray of int, shape (min(n, m),)
        Each group in its original order.
    """
    wrong = labels != predictions
    return np.concatenate([np.flatnonzero(wrong), np.flatnonzero(~wrong)])[:n]


class PredictionGrid:
    """Test images with the network's predictions; misclassified ones framed in red.

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
            colour = MISTAKE_COLOUR if wrong else "0.7"
            title = f"{said} (true {self.classes[int(self.labels[index])]})" if wrong else said
            ax.set_title(title, color=MISTAKE_COLOUR if wrong else "black", fontsize=7, pad=2)
            for spine in ax.spines.values():
                spine.set_color(colour)
                spine.set_linewidth(2.5 if wrong else 0.8)
            ax.set_visible(True)
        for ax in self.axes[len(shown) :]:
            ax.set_visible(False)
        return int(np.sum(predictions != self.labels))


class DeepMLPView:
    """Training and test cost per epoch beside a :class:`PredictionGrid` of test images.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        An empty figure (``plt.figure`` for a static figure, or the explorer's own).
    X_test : ndarray of shape (n_0, m_test)
    Y_test : ndarray of shape (1, m_test)
    classes : sequence of two str
    """

    def __init__(self, figure, X_test, Y_test, classes):
        left, right = figure.subfigures(1, 2, width_ratios=[1.0, 1.15])
        self.ax_cost = left.subplots()
        self.train_curve = CostCurve(self.ax_cost, label="training set")
        self.test_curve = CostCurve(self.ax_cost, label="test set")
        self.ax_cost.set_ylabel("cost (without the L2 term)")
        self.ax_cost.legend()
        self.grid = PredictionGrid(right.subplots(GRID_ROWS, GRID_COLUMNS), X_test, Y_test, classes)
        self.grid_figure = right

    def update(self, result, X_test):
        """Show a :func:`train_deep_mlp` result: its costs, accuracies and test predictions."""
        self.train_curve.update(result.train_costs)
        self.test_curve.update(result.test_costs)
        self.ax_cost.set_title(
            f"training accuracy {result.train_accuracy:.1%}, test {result.test_accuracy:.1%}"
        )
        mistakes = self.grid.update(result.model.predict(X_test))
        where = ", framed in red and shown first" if mistakes else ""
        self.grid_figure.suptitle(
            f"Test images with their predictions: {mistakes} of {X_test.shape[1]} wrong{where}",
            fontsize=9,
        )


def deep_mlp_figure(X_test, Y_test, classes, figure=None):
    """A :class:`DeepMLPView` on ``figure``, or on a new off-screen figure of the right size.

    Returns
    -------
    figure : matplotlib.figure.Figure
    view : DeepMLPView
    """
    if figure is None:
        figure = Figure(figsize=FIGURE_SIZE, layout="constrained")
    return figure, DeepMLPView(figure, X_test, Y_test, classes)


def deep_mlp_explorer(X, Y, X_test, Y_test, classes, **settings):
    """Sliders for :func:`train_deep_mlp`, a progress bar, and the :class:`DeepMLPView`.

    Each released slider retrains from the same seeded start. Ranges: learning rate 1e-3 to
    100 (log scale; at the top end the cost goes up), depth 0 to 10 hidden layers, width 1
    to ``WIDTH_MAX`` units, epochs 50 to ``EPOCHS_MAX``, lambda 0 to 20. The message line
    explains a run that diverges, whose cost ends higher than it started, or that gives
    every image the same class.

    Parameters
    ----------
    X, Y, X_test, Y_test
        As for :func:`train_deep_mlp`.
    classes : sequence of two str
    **settings
        Starting values overriding :data:`DEFAULTS` (depth, width, learning_rate, epochs,
        l2, seed).

    Returns
    -------
    Explorer
        With two extra attributes: ``progress`` (the ``ipywidgets.IntProgress``) and
        ``result`` (the last successful :func:`train_deep_mlp` result, plus ``note``).
    """
    unknown = set(settings) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"unknown settings {sorted(unknown)}; expected some of {list(DEFAULTS)}")
    start = {**DEFAULTS, **settings}
    figure, view = deep_mlp_figure(X_test, Y_test, classes)
    progress = widgets.IntProgress(value=0, min=0, max=start["epochs"], description="training")
    result = SimpleNamespace(note=None)
    controls = {
        "learning_rate": slider(
            "learning rate", start["learning_rate"], 1e-3, 100.0, 0.1, log=True
        ),
        "depth": slider("hidden layers", start["depth"], 0, 10, 1),
        "width": slider("units per layer", start["width"], 1, WIDTH_MAX, 1),
        "epochs": slider("epochs", start["epochs"], 50, EPOCHS_MAX, 50),
        "l2": slider("lambda", start["l2"], 0.0, 20.0, 0.5),
    }

    def show_progress(epoch):
        if epoch % max(1, progress.max // PROGRESS_UPDATES) == 0 or epoch == progress.max:
            progress.value = epoch

    def update(learning_rate, depth, width, epochs, l2):
        progress.max, progress.value = epochs, 0
        trained = train_deep_mlp(
            X,
            Y,
            X_test,
            Y_test,
            depth,
            width,
            learning_rate,
            epochs,
            l2,
            start["seed"],
            progress=show_progress,
        )
        view.update(trained, X_test)
        vars(result).update(vars(trained))
        notes = [cost_rise_note(trained.costs), same_answer_note(trained.model.predict(X))]
        result.note = " ".join(note for note in notes if note) or None
        return result.note

    explorer = Explorer(controls, update, figure, extras=[progress])
    explorer.widget.children[0].layout.flex_flow = "row wrap"  # five sliders need two rows
    explorer.progress, explorer.result = progress, result
    return explorer
