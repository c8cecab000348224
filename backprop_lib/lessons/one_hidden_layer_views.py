"""Notebook 03, drawn: what each hidden unit sees, and an explorer of the hidden layer."""

from types import SimpleNamespace

from ..display.charts import DecisionBoundary, TrainingView
from ..display.explorer import Explorer, cost_rise_note, slider
from ..display.figures import new_figure
from .one_hidden_layer import train_hidden_layer


def hidden_unit_maps(axes, model, X, Y):
    r"""Each unit of the first hidden layer as a map over the plane, then the output.

    Panel j shows :math:`a^1_j = g(W^1_{j,:} x + b^1_j)`, whose 0.5 line is the
    straight line :math:`W^1_{j,:} x + b^1_j = 0` (for a sigmoid unit); the last panel shows
    the network's prediction :math:`\hat y = a^L`, which combines those lines into a curved
    boundary.

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
    output = DecisionBoundary(axes[-1], X, Y, title=r"output $\hat{y}$")
    output.update(model.predict_proba)
    return [*views, output]


def hidden_layer_explorer(X, Y, units=3, learning_rate=10.0, epochs=500, seed=0):
    """Sliders for the hidden units, learning rate and epochs of
    :func:`~backprop_lib.lessons.one_hidden_layer.train_hidden_layer`.

    Each change retrains from the same seeded start and redraws the cost curve and the
    decision boundary side by side (:class:`~backprop_lib.display.charts.TrainingView`),
    with the training accuracy in the title. A cost that ended higher than it started gets
    a note.

    Parameters
    ----------
    X : ndarray of shape (2, m)
    Y : ndarray of shape (1, m)
        0/1 labels.
    units : int, 1 to 16
    learning_rate : float, 0.1 to 1000 (log scale)
    epochs : int, 50 to 1000 in steps of 50
    seed : int

    Returns
    -------
    Explorer
        Its ``result`` holds the last successful training: ``model``, ``costs``,
        ``accuracy`` and ``note`` (None, or the note shown).
    """
    figure, axes = new_figure(width=9.0, height=3.6, ncols=2)
    view = TrainingView(axes, X, Y)
    controls = {
        "units": slider("hidden units", units, 1, 16, 1),
        "learning_rate": slider("learning rate", learning_rate, 0.1, 1000.0, 0.1, log=True),
        "epochs": slider("epochs", epochs, 50, 1000, 50),
    }

    def update(units, learning_rate, epochs):
        model, costs = train_hidden_layer(X, Y, units, learning_rate, epochs, seed)
        accuracy = model.accuracy(X, Y)
        label = f"{units} hidden unit" + ("" if units == 1 else "s")
        view.update(costs, model.predict_proba, accuracy, label)
        return SimpleNamespace(
            model=model, costs=costs, accuracy=accuracy, note=cost_rise_note(costs)
        )

    return Explorer(controls, update, figure, TrainingView.WHAT)
