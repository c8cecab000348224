"""The thin widget layer: controls that redraw one reused matplotlib figure.

An :class:`Explorer` joins ipywidgets controls to an ``update`` function. ``update`` takes
the controls' values as keyword arguments, recomputes (with the pure functions of this
package) and changes the figure's artists in place. The explorer then shows the figure as
a PNG in an ``ipywidgets.Image``, which works the same in JupyterLab, Voila and pytest.

Anything ``update`` raises (a setting that makes training diverge, an invalid value) is
shown as a short message above the figure, never as a traceback; the figure keeps the
last good drawing.
"""

import html
import io
import math
from types import SimpleNamespace

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from . import plots
from .activations import sigmoid, sigmoid_prime
from .backprop import linear_forward, output_delta, weight_gradient
from .losses import squared_error, squared_error_prime
from .network import MLP
from .plots import TrainingView

FIGURE_DPI = 100
"""Resolution of the figures the explorers send to the browser: sharp enough on a
projector, small enough (tens of kB) to redraw at once."""


ERROR_COLOUR, NOTE_COLOUR = "#b00020", "#8a5a00"
"""Message-line colours: dark red for what went wrong, amber for a note about a run."""


def message_html(text, colour=ERROR_COLOUR):
    """``text`` escaped and coloured, for a message line (an ``ipywidgets.HTML``)."""
    return f'<span style="color:{colour}">{html.escape(text)}</span>'


def figure_png(figure):
    """Render a matplotlib figure to PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=FIGURE_DPI)
    return buffer.getvalue()


def new_figure(width=8.0, height=3.2, ncols=1):
    """A figure drawn off screen (not shown by the inline backend), with ``ncols`` axes.

    Returns
    -------
    figure : matplotlib.figure.Figure
    axes : Axes or array of Axes
    """
    figure = Figure(figsize=(width, height), layout="constrained")
    return figure, figure.subplots(1, ncols)


def slider(description, value, low, high, step, log=False):
    """A slider that reports its value once, when released (retraining is not free).

    Whole-number arguments give an ``IntSlider``; ``log=True`` a ``FloatLogSlider`` whose
    ``low`` and ``high`` are given as values (not exponents) and ``step`` in decades.
    """
    options = {
        "value": value,
        "min": low,
        "max": high,
        "step": step,
        "description": description,
        "continuous_update": False,
        "style": {"description_width": "initial"},
    }
    if log:
        return widgets.FloatLogSlider(
            **{**options, "min": math.log10(low), "max": math.log10(high)}
        )
    if all(isinstance(x, int) for x in (value, low, high, step)):
        return widgets.IntSlider(**options)
    return widgets.FloatSlider(**options)


def cost_rise_note(costs):
    """A note when training ended with a higher cost than it started with, else None.

    With a sigmoid output and cross-entropy the cost stays finite even when the learning
    rate is far too large (the outputs saturate), so :class:`backprop_lib.TrainingDiverged`
    never fires; a cost that went up is the visible sign.
    """
    if len(costs) > 1 and costs[-1] > costs[0]:
        return (
            f"The cost went up, from {costs[0]:.4g} to {costs[-1]:.4g}: gradient descent is "
            "overshooting. Try a smaller learning rate."
        )
    return None


class Explorer:
    """Controls, a message line and one figure, redrawn whenever a control changes.

    Parameters
    ----------
    controls : dict of str to ipywidgets.ValueWidget
        Passed to ``update`` as keyword arguments, by name.
    update : callable
        ``update(**values)`` recomputes and updates the figure's artists in place. It may
        return a short note for the reader (for example from :func:`cost_rise_note`), which
        is shown above the figure; None shows nothing.
    figure : matplotlib.figure.Figure
        The figure ``update`` draws on; rendered after every update.
    extras : sequence of ipywidgets.Widget, optional
        Shown between the controls and the message line, for example a progress bar that
        ``update`` moves; they are not passed to ``update``.

    Attributes
    ----------
    widget : ipywidgets.VBox
        What a notebook displays.
    image : ipywidgets.Image
        The rendered figure.
    message : ipywidgets.HTML
        Empty, or what went wrong and how to fix it.
    """

    def __init__(self, controls, update, figure, extras=()):
        self.controls = controls
        self.figure = figure
        self._update = update
        self.image = widgets.Image(format="png")
        self.message = widgets.HTML()
        self.widget = widgets.VBox(
            [widgets.HBox(list(controls.values())), *extras, self.message, self.image]
        )
        for control in controls.values():
            control.observe(self.refresh, names="value")
        self.refresh()

    def values(self):
        """The controls' current values, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self, change=None):
        """Recompute and redraw; show the note ``update`` returns, or on failure say why in
        ``message`` and keep the figure."""
        try:
            note = self._update(**self.values())
        except Exception as error:  # a widget shows what went wrong, never a traceback
            self.message.value = message_html(str(error))
            return
        self.message.value = "" if note is None else message_html(note, NOTE_COLOUR)
        self.image.value = figure_png(self.figure)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


# ----- notebook 03: one hidden layer ---------------------------------------------------------


def train_hidden_layer(X, Y, hidden_units, learning_rate, epochs, seed=0):
    r"""Train notebook 03's network: one layer of sigmoid hidden units, sigmoid outputs, L2 loss.

    The 2-3-2 network of the course notes, with ``hidden_units`` hidden units and as many
    inputs and outputs as X and Y have rows, trained by full-batch gradient descent on the
    cost :math:`J = \frac1m \sum_i \tfrac12 \sum_k (a^{2,(i)}_k - y^{(i)}_k)^2`.

    Parameters
    ----------
    X : ndarray of shape (n_0, m)
    Y : ndarray of shape (n_2, m)
    hidden_units : int >= 1
    learning_rate : float > 0
    epochs : int >= 1
    seed : int
        Seeds the initial weights, so the same arguments give the same model.

    Returns
    -------
    model : MLP
        The trained network, layer sizes [n_0, hidden_units, n_2].
    costs : ndarray of shape (epochs,)
        The cost before each epoch's step.
    """
    model = MLP(
        [X.shape[0], hidden_units, Y.shape[0]],
        hidden_activation="sigmoid",
        output_activation="sigmoid",
        loss="l2",
        seed=seed,
    )
    return model, model.fit(X, Y, learning_rate, epochs)


def hidden_layer_explorer(X, Y, hidden_units=3, learning_rate=10.0, epochs=500, seed=0):
    """Sliders for the hidden units, learning rate and epochs of :func:`train_hidden_layer`.

    Each change retrains from the same seeded start and redraws the cost curve and the
    decision boundary side by side (:class:`backprop_lib.plots.TrainingView`), with the
    training accuracy in the title. A cost that ended higher than it started gets a note
    (:func:`cost_rise_note`).

    Parameters
    ----------
    X : ndarray of shape (2, m)
    Y : ndarray of shape (1, m)
        0/1 labels.
    hidden_units : int, 1 to 16
    learning_rate : float, 0.1 to 1000 (log scale)
    epochs : int, 50 to 1000 in steps of 50
    seed : int

    Returns
    -------
    Explorer
        With an extra attribute ``result`` holding the last successful training:
        ``model``, ``costs``, ``accuracy`` and ``note`` (None, or the note shown).
    """
    figure, axes = new_figure(width=9.0, height=3.6, ncols=2)
    view = TrainingView(axes, X, Y)
    result = SimpleNamespace(model=None, costs=None, accuracy=None, note=None)
    controls = {
        "hidden_units": slider("hidden units", hidden_units, 1, 16, 1),
        "learning_rate": slider("learning rate", learning_rate, 0.1, 1000.0, 0.1, log=True),
        "epochs": slider("epochs", epochs, 50, 1000, 50),
    }

    def update(hidden_units, learning_rate, epochs):
        model, costs = train_hidden_layer(X, Y, hidden_units, learning_rate, epochs, seed)
        accuracy = model.accuracy(X, Y)
        units = "hidden unit" if hidden_units == 1 else "hidden units"
        view.update(costs, model.predict_proba, accuracy, f"{hidden_units} {units}")
        result.model, result.costs, result.accuracy = model, costs, accuracy
        result.note = cost_rise_note(costs)
        return result.note

    explorer = Explorer(controls, update, figure)
    explorer.result = result
    return explorer


# ----- notebooks 01 and 02: one neuron, logistic regression ----------------------------------

NEURON_WEIGHTS = np.linspace(-6.0, 6.0, 241)
"""The weights w over which :func:`neuron_cost_explorer` draws the cost C0(w)."""

DESCENT_WEIGHTS = np.linspace(-4.0, 8.0, 121)
DESCENT_BIASES = np.linspace(-5.0, 4.0, 91)
"""The (w, b) grid over which :func:`neuron_descent_explorer` draws the cost's contours."""


def neuron_cost_and_slope(w, b, a_prev, y):
    r"""Cost :math:`C_0 = (\sigma(w a^{(L-1)} + b) - y)^2` of one neuron and its slope in w.

    The slope is :math:`\partial C_0 / \partial w = a^{(L-1)}\, \sigma'(z)\, 2(a - y)`
    (notebook 01), computed with the package's step functions. Each weight in ``w`` is its
    own neuron (one row of a (k, 1) weight matrix), so a whole curve costs one call.

    Parameters
    ----------
    w : float or ndarray of shape (k,)
        One or more weights.
    b, a_prev, y : float
        The bias, the input a^(L-1) and the target.

    Returns
    -------
    cost : ndarray of shape (k,)
    slope : ndarray of shape (k,)
    """
    W = np.reshape(np.asarray(w, dtype=float), (-1, 1))  # (k, 1): k neurons, one input each
    a_prev = np.array([[a_prev]], dtype=float)  # (1, 1): one example
    z = linear_forward(W, a_prev, np.array([[b]], dtype=float))  # (k, 1)
    a = sigmoid(z)
    delta = output_delta(squared_error_prime(a, y), sigmoid_prime(z))  # dC0/dz, (k, 1)
    return squared_error(a, y).ravel(), weight_gradient(delta, a_prev).ravel()


def neuron_cost_view(ax):
    """The figure of :func:`neuron_cost_explorer` on ``ax``: C0 against w, with a tangent."""
    return plots.TangentLine(
        ax,
        NEURON_WEIGHTS,
        xlabel="weight $w^{(L)}$",
        ylabel="cost $C_0$",
        title="The derivative is the slope of the tangent",
        slope_label=r"$\partial C_0 / \partial w^{(L)}$",
        ylim=(-0.05, 1.05),
    )


def show_neuron_cost(view, w, b, a_prev, y):
    """Draw C0(w) and its tangent at ``w`` on a :func:`neuron_cost_view`.

    Returns
    -------
    cost, slope : float
        C0 and dC0/dw at ``w``.
    """
    curve, _ = neuron_cost_and_slope(NEURON_WEIGHTS, b, a_prev, y)
    (cost,), (slope,) = neuron_cost_and_slope(w, b, a_prev, y)
    view.update(curve, w, cost, slope)
    return float(cost), float(slope)


def neuron_cost_explorer(w=1.2, b=-0.4, a_prev=0.7, y=0.2):
    """Sliders for w, b, a^(L-1) and y; the cost C0 as a function of w, with its tangent at w.

    Returns
    -------
    Explorer
        With an extra attribute ``result`` holding ``cost`` and ``slope``: C0 and dC0/dw at
        the current settings.
    """
    figure, ax = new_figure(width=7.0, height=3.4)
    view = neuron_cost_view(ax)
    result = SimpleNamespace(cost=None, slope=None)
    controls = {
        "w": slider("weight w", w, -5.0, 5.0, 0.1),
        "b": slider("bias b", b, -3.0, 3.0, 0.1),
        "a_prev": slider("input a^(L-1)", a_prev, 0.0, 1.0, 0.05),
        "y": slider("target y", y, 0.0, 1.0, 0.05),
    }

    def update(w, b, a_prev, y):
        result.cost, result.slope = show_neuron_cost(view, w, b, a_prev, y)

    explorer = Explorer(controls, update, figure)
    explorer.result = result
    return explorer


def neuron_cost_surface(a_prev, y, w_values, b_values):
    r"""The cost :math:`C = \frac1n \sum_k (\sigma(w a_k + b) - y_k)^2` at every (w, b) of a grid.

    Parameters
    ----------
    a_prev : ndarray of shape (1, n)
        Inputs a^(L-1) of the n examples.
    y : ndarray of shape (1, n)
        Targets.
    w_values : ndarray of shape (k_w,)
    b_values : ndarray of shape (k_b,)

    Returns
    -------
    ndarray of shape (k_b, k_w)
        Row i holds the costs for ``b_values[i]``.
    """
    ww, bb = np.meshgrid(w_values, b_values)
    # One neuron per grid point: W and b are (k, 1), z is (k, n) with one row per neuron.
    z = linear_forward(ww.reshape(-1, 1), a_prev, bb.reshape(-1, 1))
    cost = np.mean(squared_error(sigmoid(z), y), axis=1)  # each row's mean over the examples
    return cost.reshape(ww.shape)


def fit_single_neuron(a_prev, y, w, b, learning_rate, epochs):
    """Gradient descent on one sigmoid neuron with the squared error, from (w, b).

    The neuron is ``MLP([1, 1], output_activation="sigmoid", loss="squared_error")``.

    Parameters
    ----------
    a_prev : ndarray of shape (1, n)
    y : ndarray of shape (1, n)
    w, b : float
        Starting weight and bias.
    learning_rate : float > 0
    epochs : int >= 1

    Returns
    -------
    costs : ndarray of shape (epochs,)
        The cost before each step.
    ws, bs : ndarray of shape (epochs + 1,)
        The weight and the bias at the start and after each step.

    Raises
    ------
    TrainingDiverged
        If the cost stops being a finite number.
    """
    model = MLP([1, 1], output_activation="sigmoid", loss="squared_error")
    model.weights = [np.array([[w]], dtype=float)]
    model.biases = [np.array([[b]], dtype=float)]
    ws, bs = [float(w)], [float(b)]

    def record(epoch, cost):
        ws.append(model.weights[0].item())
        bs.append(model.biases[0].item())

    costs = model.fit(a_prev, y, learning_rate, epochs, callback=record)
    return costs, np.array(ws), np.array(bs)


def neuron_descent_view(axes, a_prev, y):
    """The figure of :func:`neuron_descent_explorer` on two axes: a
    :class:`backprop_lib.plots.DescentView` over the cost of the examples (a_prev, y)."""
    cost = neuron_cost_surface(a_prev, y, DESCENT_WEIGHTS, DESCENT_BIASES)
    return plots.DescentView(axes, DESCENT_WEIGHTS, DESCENT_BIASES, cost, "weight w", "bias b")


def neuron_descent_explorer(a_prev, y, w=-2.0, b=2.0, learning_rate=2.0, epochs=200):
    """Learning-rate (1e-2 to 1e3, log scale) and epoch (1 to 1000) sliders for
    :func:`fit_single_neuron`: the cost per epoch, and the path of (w, b) over the cost.

    Returns
    -------
    Explorer
        With an extra attribute ``result`` holding ``costs``, ``ws`` and ``bs`` of the last
        successful training, and ``note`` (None, or the note shown).
    """
    figure, axes = new_figure(width=9.5, height=3.6, ncols=2)
    view = neuron_descent_view(axes, a_prev, y)
    result = SimpleNamespace(costs=None, ws=None, bs=None, note=None)
    controls = {
        "learning_rate": slider("learning rate", learning_rate, 1e-2, 1e3, 0.1, log=True),
        "epochs": slider("epochs", epochs, 1, 1000, 1),
    }

    def update(learning_rate, epochs):
        costs, ws, bs = fit_single_neuron(a_prev, y, w, b, learning_rate, epochs)
        view.update(costs, ws, bs)
        result.costs, result.ws, result.bs = costs, ws, bs
        result.note = cost_rise_note(costs)
        return result.note

    explorer = Explorer(controls, update, figure)
    explorer.result = result
    return explorer


def fit_logistic_regression(X, Y, learning_rate, iterations, seed=0):
    """Logistic regression by gradient descent: ``MLP([n, 1])`` with a sigmoid output.

    Parameters
    ----------
    X : ndarray of shape (n, m)
    Y : ndarray of shape (1, m)
        0/1 labels.
    learning_rate : float > 0
    iterations : int >= 1
        Gradient-descent steps, each on all m examples (so one per epoch).
    seed : int
        Seeds the initial weights.

    Returns
    -------
    model : MLP
    costs : ndarray of shape (iterations,)
        The cross-entropy cost J before each step.
    """
    model = MLP([X.shape[0], 1], output_activation="sigmoid", loss="cross_entropy", seed=seed)
    return model, model.fit(X, Y, learning_rate, iterations)


def logistic_regression_explorer(X, Y, learning_rate=1.0, iterations=100, seed=0):
    """Learning-rate (1e-3 to 1e3, log scale) and iteration (1 to 500) sliders for
    :func:`fit_logistic_regression`: the cost curve and the decision boundary
    (:class:`backprop_lib.plots.TrainingView`).

    Returns
    -------
    Explorer
        With an extra attribute ``result`` holding ``model``, ``costs`` and ``accuracy`` of
        the last successful training, and ``note`` (None, or the note shown).
    """
    figure, axes = new_figure(width=9.0, height=3.6, ncols=2)
    view = TrainingView(axes, X, Y)
    result = SimpleNamespace(model=None, costs=None, accuracy=None, note=None)
    controls = {
        "learning_rate": slider("learning rate", learning_rate, 1e-3, 1e3, 0.1, log=True),
        "iterations": slider("iterations", iterations, 1, 500, 1),
    }

    def update(learning_rate, iterations):
        model, costs = fit_logistic_regression(X, Y, learning_rate, iterations, seed)
        accuracy = model.accuracy(X, Y)
        view.update(costs, model.predict_proba, accuracy, "logistic regression")
        result.model, result.costs, result.accuracy = model, costs, accuracy
        result.note = cost_rise_note(costs)
        return result.note

    explorer = Explorer(controls, update, figure)
    explorer.result = result
    return explorer


LOSS_LABELS = {"squared_error": "squared error", "cross_entropy": "cross-entropy"}
"""The two losses :func:`compare_losses` trains with, and how the figures name them."""


def compare_losses(X, Y, start, learning_rate, epochs):
    """Train one sigmoid unit under each loss from the same start, recording every epoch.

    The unit is ``MLP([n, 1], output_activation="sigmoid", loss=...)``, started with every
    weight equal to ``start`` and a zero bias: a negative ``start`` makes it confidently
    wrong on data whose class 1 lies where x1 + x2 > 0 (as with ``make_blobs``).

    Parameters
    ----------
    X : ndarray of shape (n, m)
    Y : ndarray of shape (1, m)
    start : float
    learning_rate : float > 0
    epochs : int >= 1

    Returns
    -------
    dict
        For each name in :data:`LOSS_LABELS`, a dict of three ndarrays of shape (epochs,):
        ``costs`` (its own cost before each step), ``gradient_norm`` (the length of the
        gradient (dJ/dW, dJ/db) that each step used, recovered from the step as
        (old - new) / learning_rate) and ``accuracy`` (after each step).
    """
    n = X.shape[0]
    results = {}
    for loss in LOSS_LABELS:
        model = MLP([n, 1], output_activation="sigmoid", loss=loss)
        model.weights = [np.full((1, n), float(start))]
        model.biases = [np.zeros((1, 1))]
        # Row t: (W, b) after t steps, flattened; row 0 is the start.
        params = [np.append(model.weights[0], model.biases[0])]

        def record(epoch, cost, model=model, params=params):
            params.append(np.append(model.weights[0], model.biases[0]))

        costs = model.fit(X, Y, learning_rate, epochs, callback=record)
        params = np.array(params)  # (epochs + 1, n + 1)
        steps = (params[:-1] - params[1:]) / learning_rate  # the gradient of each step
        # Every trained unit at once: W is (epochs, 1, n), b (epochs, 1, 1), z (epochs, 1, m).
        z = linear_forward(params[1:, None, :n], X, params[1:, None, n:])
        correct = (sigmoid(z) >= 0.5) == (Y >= 0.5)
        results[loss] = {
            "costs": costs,
            "gradient_norm": np.sqrt(np.sum(steps**2, axis=1)),
            "accuracy": np.mean(correct, axis=(1, 2)),
        }
    return results


def loss_comparison_explorer(X, Y, start=-4.0, learning_rate=1.0, epochs=200):
    """Sliders for the starting weights (-8 to 2), the learning rate (1e-2 to 1e3, log scale)
    and the epochs (1 to 500) of :func:`compare_losses`: accuracy and gradient length per
    epoch under squared error and under cross-entropy (:class:`plots.LossComparison`).

    Returns
    -------
    Explorer
        With an extra attribute ``result`` holding ``results`` (from
        :func:`compare_losses`) of the last successful training, and ``note``.
    """
    figure, axes = new_figure(width=9.5, height=3.4, ncols=2)
    view = plots.LossComparison(axes, list(LOSS_LABELS.values()))
    result = SimpleNamespace(results=None, note=None)
    controls = {
        "start": slider("starting weights", start, -8.0, 2.0, 0.5),
        "learning_rate": slider("learning rate", learning_rate, 1e-2, 1e3, 0.1, log=True),
        "epochs": slider("epochs", epochs, 1, 500, 1),
    }

    def update(start, learning_rate, epochs):
        results = compare_losses(X, Y, start, learning_rate, epochs)
        view.update(results)
        result.results = results
        notes = [
            f"With {LOSS_LABELS[loss]}: {note}"
            for loss, r in results.items()
            if (note := cost_rise_note(r["costs"])) is not None
        ]
        result.note = " ".join(notes) or None
        return result.note

    explorer = Explorer(controls, update, figure)
    explorer.result = result
    return explorer
