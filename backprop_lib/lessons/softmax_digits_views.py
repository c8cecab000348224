"""Notebook 08, drawn: cost curves beside a confusion matrix, the most confident mistakes, and
the softmax explorer.

:class:`SoftmaxDigitsView` draws a :func:`~backprop_lib.lessons.deep_mlp.train_deep_mlp`
result of a softmax network; :func:`softmax_digits_explorer` joins it to sliders through
notebook 04's :func:`~backprop_lib.lessons.deep_mlp_views.training_explorer`;
:func:`show_mistakes` draws the images a network got wrong with the probability it gave them.
"""

import numpy as np
from matplotlib.figure import Figure

from ..display.explorer import slider
from .deep_mlp_views import (
    PredictionGrid,
    cost_curves,
    show_costs,
    starting_values,
    training_explorer,
)
from .softmax_digits import (
    BATCH_SIZE,
    CURVE_POINTS,
    DEFAULTS,
    EPOCHS_MAX,
    HIDDEN_LAYERS_MAX,
    UNITS_MAX,
    confusion_matrix,
)

FIGURE_SIZE = (10.0, 4.2)
"""Width and height (inches) of :func:`softmax_digits_figure`: the cost curves, and a
10 x 10 confusion matrix whose counts stay readable."""

CONFUSION_COLOURS = "Blues"
"""A single-hue sequential colour map: darker means more examples, in any colour vision."""

DARK_CELL = 0.5
"""Counts above this share of the largest count are written in white (on dark blue)."""


class ConfusionMatrix:
    """A k x k grid of counts: row i, column j is how many examples of class i were predicted
    as class j. Each cell holds its count as text (empty for 0), so it reads without colour.

    Parameters
    ----------
    ax : matplotlib Axes
    classes : sequence of k str
    """

    def __init__(self, ax, classes):
        k = len(classes)
        self.ax = ax
        self.image = ax.imshow(np.zeros((k, k)), cmap=CONFUSION_COLOURS, vmin=0.0, vmax=1.0)
        self.texts = [
            [ax.text(j, i, "", ha="center", va="center", fontsize=7) for j in range(k)]
            for i in range(k)
        ]
        ax.set_xticks(range(k), classes)
        ax.set_yticks(range(k), classes)
        ax.set_xlabel("predicted class")
        ax.set_ylabel("true class")

    def update(self, matrix):
        """Show a confusion matrix (ndarray of shape (k, k), counts)."""
        top = max(1, int(matrix.max()))
        self.image.set_data(matrix)
        self.image.set_clim(0, top)
        for i, row in enumerate(self.texts):
            for j, text in enumerate(row):
                count = int(matrix[i, j])
                text.set_text(str(count) if count else "")
                text.set_color("white" if count > DARK_CELL * top else "black")


class SoftmaxDigitsView:
    """Training and validation cost per epoch beside the validation set's confusion matrix.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        An empty figure (``plt.figure`` for a static figure, or the explorer's own).
    classes : sequence of k str
    """

    WHAT = (
        "Left: the cost per epoch on the training and the validation set, on a log scale. "
        "Right: the validation set's confusion matrix, true digit by row and predicted digit "
        "by column, each cell holding its count and shaded darker for more examples."
    )
    """What the view shows, for readers who cannot see it (alt text)."""

    def __init__(self, figure, classes):
        ax_costs, ax_matrix = figure.subplots(1, 2, width_ratios=[1.2, 1.0])
        self.curves = cost_curves(ax_costs)
        self.matrix = ConfusionMatrix(ax_matrix, classes)

    def update(self, result, X_val, Y_val):
        """Show a ``train_deep_mlp`` result: its costs, accuracies and validation mistakes.

        Returns
        -------
        ndarray of shape (k, k)
            The validation set's confusion matrix.
        """
        show_costs(self.curves, result)
        labels = np.argmax(Y_val, axis=0)
        matrix = confusion_matrix(labels, result.model.predict(X_val), Y_val.shape[0])
        self.matrix.update(matrix)
        wrong = Y_val.shape[1] - int(np.trace(matrix))
        self.matrix.ax.set_title(f"Validation set: {wrong} of {Y_val.shape[1]} wrong")
        return matrix


def softmax_digits_figure(classes, figure=None):
    """A :class:`SoftmaxDigitsView` on ``figure``, or on a new off-screen figure of the right
    size.

    Returns
    -------
    figure : matplotlib.figure.Figure
    view : SoftmaxDigitsView
    """
    if figure is None:
        figure = Figure(figsize=FIGURE_SIZE, layout="constrained")
    return figure, SoftmaxDigitsView(figure, classes)


def show_mistakes(axes, X, labels, mistakes, classes):
    """Draw mistakes as framed images titled "said (probability), true class".

    Parameters
    ----------
    axes : array of matplotlib Axes
        One per image; those left over are hidden.
    X : ndarray of shape (n_0, m)
        Images as columns, pixels in [0, 1].
    labels : array-like of shape (m,) or (1, m)
        True class indices.
    mistakes : SimpleNamespace
        As :func:`~backprop_lib.lessons.softmax_digits.most_confident_mistakes` returns it.
    classes : sequence of k str
    """
    index = mistakes.index
    grid = PredictionGrid(axes, X[:, index], np.ravel(labels)[index], classes)
    grid.update(mistakes.predicted)
    for ax, predicted, confidence, true in zip(
        grid.axes, mistakes.predicted, mistakes.confidence, np.ravel(labels)[index], strict=False
    ):
        # The grid titled it "said (true ...)" in the mistake colour; keep the colour, add p.
        ax.title.set_text(f"{classes[predicted]} ({confidence:.2f})\ntrue {classes[int(true)]}")


def softmax_digits_explorer(X, Y, X_val, Y_val, classes, **settings):
    """Sliders for ``train_deep_mlp`` on one-hot targets, a progress bar, and the
    :class:`SoftmaxDigitsView`.

    Each released slider retrains from the same seeded start, with mini-batches of
    ``BATCH_SIZE`` and the costs recorded ``CURVE_POINTS`` times
    (:func:`~backprop_lib.lessons.deep_mlp_views.training_explorer`). Ranges: learning rate
    1e-2 to 10 (log scale; at the top end training breaks down), 0 to ``HIDDEN_LAYERS_MAX``
    hidden layers, 1 to ``UNITS_MAX`` units, epochs 10 to ``EPOCHS_MAX``, lambda 0 to 20.

    Parameters
    ----------
    X, Y, X_val, Y_val
        As for ``train_deep_mlp``, Y one-hot: the explorer shows the validation set, never
        the test set.
    classes : sequence of k str
    **settings
        Starting values overriding :data:`~backprop_lib.lessons.softmax_digits.DEFAULTS`.

    Returns
    -------
    Explorer
        As ``training_explorer`` returns it; its ``result`` also holds ``confusion``, the
        validation set's confusion matrix.
    """
    start = starting_values(DEFAULTS, settings)
    figure, view = softmax_digits_figure(classes)
    controls = {
        "learning_rate": slider("learning rate", start["learning_rate"], 1e-2, 10.0, 0.1, log=True),
        "hidden_layers": slider("hidden layers", start["hidden_layers"], 0, HIDDEN_LAYERS_MAX, 1),
        "units": slider("units per layer", start["units"], 1, UNITS_MAX, 1),
        "epochs": slider("epochs", start["epochs"], 10, EPOCHS_MAX, 10),
        "l2_lambda": slider("L2 λ", start["l2_lambda"], 0.0, 20.0, 0.5),
    }

    def show(result):
        result.confusion = view.update(result, X_val, Y_val)

    return training_explorer(
        X,
        Y,
        X_val,
        Y_val,
        controls,
        figure,
        view.WHAT,
        show,
        start["seed"],
        batch_size=BATCH_SIZE,
        curve_points=CURVE_POINTS,
    )
