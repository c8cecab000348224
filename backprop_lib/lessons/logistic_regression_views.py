"""Notebook 02, drawn: logistic regression's boundary, and how two losses learn."""

from types import SimpleNamespace

from ..display.charts import Curves, TrainingView
from ..display.explorer import Explorer, cost_rise_note, join_notes, slider
from ..display.figures import new_figure
from ..display.palette import BLUISH_GREEN, ORANGE, distinct
from .logistic_regression import LOSS_LABELS, compare_losses, fit_logistic_regression

LOSS_COLOURS = distinct(
    "losses (notebook 02)", {"squared_error": ORANGE, "cross_entropy": BLUISH_GREEN}
)
"""The colour of each loss in every figure of notebook 02 that compares them: Okabe-Ito orange
and bluish green, neither of them a class colour (blue and vermillion), so that in the
notebook a colour means one thing."""


def logistic_regression_explorer(X, Y, learning_rate=1.0, epochs=100, seed=0):
    """Learning-rate (1e-3 to 1e3, log scale) and epoch (1 to 500) sliders for
    :func:`~backprop_lib.lessons.logistic_regression.fit_logistic_regression`: the cost
    curve and the decision boundary (:class:`~backprop_lib.display.charts.TrainingView`).

    Returns
    -------
    Explorer
        Its ``result`` holds ``model``, ``costs`` and ``accuracy`` of the last successful
        training, and ``note`` (None, or the note shown).
    """
    figure, axes = new_figure(width=9.0, height=3.6, ncols=2)
    view = TrainingView(axes, X, Y)
    controls = {
        "learning_rate": slider("learning rate", learning_rate, 1e-3, 1e3, 0.1, log=True),
        "epochs": slider("epochs", epochs, 1, 500, 1),
    }

    def update(learning_rate, epochs):
        model, costs = fit_logistic_regression(X, Y, learning_rate, epochs, seed)
        accuracy = model.accuracy(X, Y)
        view.update(costs, model.predict_proba, accuracy, "logistic regression")
        return SimpleNamespace(
            model=model, costs=costs, accuracy=accuracy, note=cost_rise_note(costs)
        )

    return Explorer(controls, update, figure, TrainingView.WHAT)


class LossComparison:
    """Training accuracy and gradient length per epoch, one line per loss.

    Parameters
    ----------
    axes : pair of matplotlib Axes
        Accuracy on the first, gradient length (log scale) on the second.
    labels : sequence of str
        One per loss, in the order of the results passed to :meth:`update`.
    colours : sequence of matplotlib colours, optional
        One per loss, in the same order; by default those of :data:`LOSS_COLOURS`.
    """

    WHAT = (
        "Two line charts against the epoch, one line per loss (squared error orange, "
        "cross-entropy bluish green): left the training accuracy, right the length of the "
        "gradient on a log scale."
    )
    """What the view shows, for readers who cannot see it (alt text)."""

    def __init__(self, axes, labels, colours=None):
        ax_accuracy, ax_gradient = axes
        colours = LOSS_COLOURS.values() if colours is None else colours
        styles = [{"color": colour} for colour in colours]
        self.accuracy = Curves(
            ax_accuracy, "training accuracy", "Accuracy", labels, ylim=(-0.02, 1.02), styles=styles
        )
        self.gradient = Curves(
            ax_gradient,
            "length of the gradient",
            "How hard descent pushes",
            labels,
            log=True,
            styles=styles,
        )

    def update(self, results):
        """Show ``results``: per loss, a dict with ``accuracy`` and ``gradient_norm`` arrays,
        as :func:`~backprop_lib.lessons.logistic_regression.compare_losses` returns them."""
        self.accuracy.update([r["accuracy"] for r in results.values()])
        self.gradient.update([r["gradient_norm"] for r in results.values()])


def loss_comparison_explorer(X, Y, start=-4.0, learning_rate=1.0, epochs=200):
    """Sliders for the starting weights (-8 to 2), the learning rate (1e-2 to 1e3, log scale)
    and the epochs (1 to 500) of
    :func:`~backprop_lib.lessons.logistic_regression.compare_losses`: accuracy and gradient
    length per epoch under squared error and under cross-entropy (:class:`LossComparison`).

    Returns
    -------
    Explorer
        Its ``result`` holds ``results`` (from ``compare_losses``) of the last successful
        training, and ``note``.
    """
    figure, axes = new_figure(width=9.5, height=3.4, ncols=2)
    view = LossComparison(axes, list(LOSS_LABELS.values()))
    controls = {
        "start": slider("starting weights", start, -8.0, 2.0, 0.5),
        "learning_rate": slider("learning rate", learning_rate, 1e-2, 1e3, 0.1, log=True),
        "epochs": slider("epochs", epochs, 1, 500, 1),
    }

    def update(start, learning_rate, epochs):
        results = compare_losses(X, Y, start, learning_rate, epochs)
        view.update(results)
        notes = [
            f"With {LOSS_LABELS[loss]}: {note}"
            for loss, r in results.items()
            if (note := cost_rise_note(r["costs"])) is not None
        ]
        return SimpleNamespace(results=results, note=join_notes(*notes))

    return Explorer(controls, update, figure, LossComparison.WHAT)
