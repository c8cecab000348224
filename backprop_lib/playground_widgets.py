"""The playground of notebook 06, drawn: four views and the thin widget layer around them.

:class:`PlaygroundView` draws a :class:`backprop_lib.playground.Playground` on four axes
(decision boundary, cost curves, the network's weights, the weight-gradient norms) and
updates its artists in place, so a static figure and the explorer share the drawing code.
:func:`playground_explorer` joins controls, a play button and the view's reused figure,
shown as a PNG in an ``ipywidgets.Image`` like the other notebooks' explorers. To draw ten
frames a second on a small machine, :class:`FrameRenderer` keeps the still part of the
figure (axes, ticks, labels) as a bitmap and draws only the moving artists over it.

Playing uses an ``ipywidgets.Play``: a timer in the browser whose value ticks every
:data:`PLAY_INTERVAL_MS`. Each tick trains a bounded chunk of epochs and redraws once, and
the kernel handles any control change between two ticks, so training never blocks the
controls.
"""

import html
import io
import itertools
import time

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, NullFormatter
from PIL import Image

from . import playground
from .playground import Playground, Settings
from .plots import CLASS_COLOURS
from .widgets import FIGURE_DPI, message_html, slider

GRID_POINTS = 80
"""Points per side of the probability map: a smooth enough edge at the size shown, and
6,400 forward passes, a few milliseconds even for the deepest network."""

MARGIN = 0.3
"""How far the probability map extends past the data on each side (input units)."""

MAX_LINE_WIDTH = 5.0
"""Line width (points) of the largest |w| in the network diagram; the others scale with it."""

WEIGHT_COLOURS = ("#d62728", "#1f77b4")
"""Negative and positive weights (red, blue) in the network diagram."""

MAX_LAYERS = playground.RANGES["hidden_layers"][1] + 1
"""Most weight matrices a playground network has (hidden layers + the output layer)."""

PLAY_INTERVAL_MS = 80
"""Time between two ticks of the play button. The browser's timer waits this long after
handling a tick, so ticks come a little slower (measured in Voila: 9.4 a second at 100 ms);
80 ms gives at least ten frames a second."""

TICK_SECONDS = 0.03
"""Training time per tick, at most (after the first epoch). A frame's drawing and PNG
encoding took 25 to 30 ms here (65 ms when the axes' ticks change) and the slowest epoch
(six layers of eight, batch size 1) 8 ms, so a tick stays under the interval."""

MAX_EPOCHS_PER_TICK = 10
"""Epochs per tick at most: about 120 epochs a second, slow enough to watch a boundary form."""

STALE_TICK_SECONDS = 0.007
"""A tick that arrives sooner than this after the last frame was finished had been
waiting in the queue while that frame was computed: it is skipped, so ticks never pile up.
(Measured in Voila: queued ticks came 3 to 5 ms after the frame before them; at 15 ms,
ticks that came on time after a slow frame, 9 ms later, were skipped too.)"""

_now = time.perf_counter
"""The clock used to bound and space the ticks' work (replaced by a fake one in tests)."""


def nice_limit(value):
    """The smallest of 10, 20, 50, 100, 200, 500, ... that is >= ``value``: the epoch axis
    grows in these steps, so its tick labels change rarely."""
    limit, factors = 10, itertools.cycle((2, 2.5, 2))  # 10 -> 20 -> 50 -> 100 -> ...
    while limit < value:
        limit = round(limit * next(factors))
    return limit


def decade_limits(values):
    """The powers of ten just below the smallest and just above the largest positive value.

    Parameters
    ----------
    values : ndarray of any shape

    Returns
    -------
    low, high : float
        At least a decade apart; (0.1, 1) when no value is positive.
    """
    positive = values[values > 0]
    if positive.size == 0:
        return 0.1, 1.0
    low = 10.0 ** np.floor(np.log10(positive.min()))
    high = 10.0 ** np.ceil(np.log10(positive.max()))
    return low, max(high, 10 * low)


class BoundaryView:
    """The network's probability map with the train points (circles) and test points
    (triangles), coloured by class.

    Parameters
    ----------
    ax : matplotlib Axes
    """

    def __init__(self, ax):
        self.ax = ax
        self.image = ax.imshow(
            np.full((GRID_POINTS, GRID_POINTS), 0.5),
            origin="lower",
            aspect="auto",
            cmap="RdBu_r",
            vmin=0.0,
            vmax=1.0,
            alpha=0.6,
            interpolation="bilinear",
        )
        style = {"s": 16, "linewidths": 0.6}
        self.train = ax.scatter([], [], marker="o", edgecolors="white", **style)
        self.test = ax.scatter([], [], marker="^", edgecolors="black", **style)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.set_title("Probability of red: train ●, test ▲")
        self.grid = None
        self.moving = [self.image, self.train, self.test]

    def set_data(self, X_train, Y_train, X_test, Y_test):
        """Show a new data split and fit the map's region to it.

        Parameters
        ----------
        X_train, X_test : ndarray of shape (2, m_train), (2, m_test)
        Y_train, Y_test : ndarray of shape (1, m_train), (1, m_test)
            0/1 labels, which colour the points.
        """
        X = np.hstack([X_train, X_test])
        low, high = X.min(axis=1) - MARGIN, X.max(axis=1) + MARGIN
        u = np.linspace(low[0], high[0], GRID_POINTS)
        v = np.linspace(low[1], high[1], GRID_POINTS)
        uu, vv = np.meshgrid(u, v)
        self.grid = np.vstack([uu.ravel(), vv.ravel()])  # (2, points): columns are examples
        self.image.set_extent((low[0], high[0], low[1], high[1]))
        for points, X_part, Y_part in (
            (self.train, X_train, Y_train),
            (self.test, X_test, Y_test),
        ):
            points.set_offsets(X_part.T)
            colours = np.where(Y_part.ravel() > 0.5, CLASS_COLOURS[1], CLASS_COLOURS[0])
            points.set_facecolors(colours)
        self.ax.set_xlim(low[0], high[0])
        self.ax.set_ylim(low[1], high[1])

    def update(self, model):
        """Show ``model``'s probability a^L over the region (``model``: an MLP with two
        inputs and one sigmoid output)."""
        proba = model.predict_proba(self.grid)
        self.image.set_data(proba.reshape(GRID_POINTS, GRID_POINTS))


class NetworkDiagram:
    """The network as units in columns joined by one line per weight: the colour is the
    weight's sign (blue positive, red negative), the width its size |w|.

    Parameters
    ----------
    ax : matplotlib Axes
    """

    def __init__(self, ax):
        self.ax = ax
        self.edges = LineCollection([], capstyle="round")
        ax.add_collection(self.edges)
        self.units = ax.scatter([], [], s=40, color="0.3", zorder=3)
        half_height = max(2, playground.RANGES["neurons"][1]) / 2  # the tallest column fits
        ax.set_ylim(-half_height, half_height)
        ax.set_yticks([])
        for side in ("left", "right", "top"):
            ax.spines[side].set_visible(False)
        ax.set_title("Weights: blue > 0, red < 0, width ∝ |w|")
        self.moving = [self.edges, self.units]

    def set_architecture(self, layer_sizes):
        """Lay out the units of a network with ``layer_sizes`` [n_0, ..., n_L]."""
        heights = [np.arange(n) - (n - 1) / 2 for n in layer_sizes]  # units centred on 0
        self.units.set_offsets([(l, y) for l, column in enumerate(heights) for y in column])
        # One segment per entry W^l[j, k], in the order of W^l.ravel(): from unit k of
        # layer l - 1 to unit j of layer l.
        self.edges.set_segments(
            [
                [(l - 1, heights[l - 1][k]), (l, heights[l][j])]
                for l in range(1, len(layer_sizes))
                for j in range(layer_sizes[l])
                for k in range(layer_sizes[l - 1])
            ]
        )
        last = len(layer_sizes) - 1
        labels = ["input", *[str(l) for l in range(1, last)], "output"]
        self.ax.set_xticks(range(last + 1), labels)
        self.ax.set_xlim(-0.4, last + 0.4)

    def update(self, weights):
        """Show the weights [W^1, ..., W^L] (shapes as laid out by :meth:`set_architecture`)."""
        w = np.concatenate([W.ravel() for W in weights])
        largest = np.abs(w).max()
        scale = MAX_LINE_WIDTH / largest if largest > 0 else 0.0
        self.edges.set_linewidths(np.abs(w) * scale)
        self.edges.set_colors(np.where(w >= 0, WEIGHT_COLOURS[1], WEIGHT_COLOURS[0]))


class HistoryView:
    """Lines of a quantity recorded after each epoch, on a log-scaled y axis.

    The axes' limits move in steps (:func:`nice_limit`, :func:`decade_limits`) rather than
    with every epoch, so the tick labels rarely need drawing again.

    Parameters
    ----------
    ax : matplotlib Axes
    n_lines : int
        How many lines there can be; :meth:`update` shows the first few.
    ylabel, title : str
    """

    def __init__(self, ax, n_lines, ylabel, title):
        self.ax = ax
        # a dot marks each line's latest value (and shows the first, lone value at all)
        self.lines = [
            ax.plot([], [], marker="o", markersize=3, markevery=[-1])[0] for _ in range(n_lines)
        ]
        ax.set_yscale("log")
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.grid(alpha=0.3)
        self.legend = None
        self.labels = None

    @property
    def moving(self):
        """The artists that change from epoch to epoch."""
        return [*self.lines, self.legend]

    def update(self, epochs, curves, labels):
        """Show ``curves[j]`` as line j, named ``labels[j]``.

        Values <= 0 (a gradient that is exactly zero) are left out: a log axis cannot show them.

        Parameters
        ----------
        epochs : sequence of int, length k
        curves : array-like of shape (n, k), n <= the number of lines
        labels : list of n str
        """
        curves = np.asarray(curves, dtype=float)  # (lines, epochs)
        for j, line in enumerate(self.lines):
            shown = j < len(curves)
            if shown:
                line.set_data(epochs, np.where(curves[j] > 0, curves[j], np.nan))
            else:
                line.set_data([], [])
            line.set_visible(shown)
        if labels != self.labels:
            self.labels = labels
            shown = self.lines[: len(labels)]
            self.legend = self.ax.legend(shown, labels, fontsize=8, loc="upper right")
        self.ax.set_xlim(0, nice_limit(epochs[-1]))
        self.ax.set_ylim(*decade_limits(curves))


class PlaygroundView:
    """The four views of a playground run, updated in place by :meth:`show`.

    Parameters
    ----------
    axes : array of 2 x 2 matplotlib Axes
        Decision boundary, network (top row); costs, gradient norms (bottom row).
    """

    def __init__(self, axes):
        (ax_boundary, ax_network), (ax_costs, ax_gradients) = axes
        self.boundary = BoundaryView(ax_boundary)
        self.network = NetworkDiagram(ax_network)
        self.costs = HistoryView(ax_costs, 2, "cross-entropy (no λ term)", "Cost J")
        self.gradients = HistoryView(
            ax_gradients,
            MAX_LAYERS,
            r"$\Vert\partial J/\partial W^l\Vert$",
            "Backward pass: size of each layer's gradient",
        )
        self._shown = None

    def show(self, session):
        """Draw ``session`` (a :class:`backprop_lib.playground.Playground`)."""
        if self._shown is not session:  # a new run: new data and maybe a new network
            self._shown = session
            self.boundary.set_data(session.X_train, session.Y_train, session.X_test, session.Y_test)
            self.network.set_architecture(session.model.layer_sizes)
        self.boundary.update(session.model)
        self.network.update(session.model.weights)
        self.costs.update(
            session.epochs, [session.train_costs, session.test_costs], ["train", "test"]
        )
        s = session.settings
        batch = min(s.batch_size, session.X_train.shape[1])
        self.costs.ax.set_title(
            f"Cost J: learning rate {s.learning_rate:.2g}, λ {s.l2:g}, batch {batch}"
        )
        norms = np.array(session.gradient_norms).T  # (L, epochs): row l - 1 is layer l
        self.gradients.update(session.epochs, norms, [f"$W^{l}$" for l in range(1, len(norms) + 1)])

    @property
    def moving(self):
        """The artists that change from epoch to epoch, and the cost panel's title, which
        shows the training settings (all others change only with the axes' limits, the data
        or the network's shape)."""
        return [
            *self.boundary.moving,
            *self.network.moving,
            *self.costs.moving,
            self.costs.ax.title,
            *self.gradients.moving,
        ]

    def layout(self):
        """Everything the still part of the figure depends on: the limits of the axes that
        have tick labels, and the number of layers. A new value means that the whole figure
        must be drawn again. (The boundary's axes have no ticks: their limits change nothing
        but the moving artists.)"""
        axes = (self.network.ax, self.costs.ax, self.gradients.ax)
        return (self.gradients.labels, *[(ax.get_xlim(), ax.get_ylim()) for ax in axes])


def status(session):
    """One line about a run: epoch, accuracies, costs and the training settings.

    Parameters
    ----------
    session : backprop_lib.playground.Playground

    Returns
    -------
    str
        Starting "epoch N ·".
    """
    s = session.settings
    train_accuracy, test_accuracy = session.accuracies()
    return (
        f"epoch {session.epoch} · accuracy: train {train_accuracy:.0%}, test {test_accuracy:.0%}"
        f" · cost: train {session.train_costs[-1]:.3f}, test {session.test_costs[-1]:.3f}"
        f" · learning rate {s.learning_rate:.3g}, λ {s.l2:g},"
        f" batch {min(s.batch_size, session.X_train.shape[1])}"
    )


FIGURE_SIZE = (9.0, 6.4)
"""Width and height (inches) of the playground's figure."""

FRAME_DPI = FIGURE_DPI
"""Resolution of the explorer's frames (900 x 640 pixels), that of the other explorers.
Frames at 72 dpi were no faster here (measured: the ticks' text, not the pixels, costs the
time), and blurred when the browser widened them."""

PNG_COMPRESS_LEVEL = 1
"""zlib level of the frames: level 1 encodes several times faster than the default 6, for
a file about a fifth larger."""


def playground_figure(dpi=FRAME_DPI):
    """A figure with 2 x 2 axes laid out for :class:`PlaygroundView`, and the axes.

    The figure is drawn off screen (not shown by the inline backend); its layout is fixed
    once here (a constrained layout would be worked out again for every frame).
    """
    figure = Figure(figsize=FIGURE_SIZE, dpi=dpi)
    FigureCanvasAgg(figure)
    axes = figure.subplots(2, 2)
    figure.subplots_adjust(left=0.08, right=0.98, bottom=0.08, top=0.95, wspace=0.25, hspace=0.3)
    return figure, axes


class FrameRenderer:
    """PNG frames of one reused figure, drawing again only the artists that move.

    The still part (axes, ticks, labels, titles) is drawn once and kept as a bitmap; each
    frame pastes it back and draws the moving artists over it (matplotlib's blitting). The
    still part is drawn again when ``layout`` changes.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        With an Agg canvas (see :func:`playground_figure`).
    """

    def __init__(self, figure):
        self.figure = figure
        self._background = None
        self._layout = None

    def png(self, moving, layout):
        """Render to PNG bytes.

        Parameters
        ----------
        moving : list of Artist
            Drawn in this order over the still part, every frame.
        layout : hashable
            What the still part depends on (for example the axes' limits).

        Returns
        -------
        bytes
        """
        canvas = self.figure.canvas
        for artist in moving:
            artist.set_animated(True)  # left out of the still part
        if layout != self._layout or self._background is None:
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.figure.bbox)
            self._layout = layout
        else:
            canvas.restore_region(self._background)
        for artist in moving:
            self.figure.draw_artist(artist)
        rgba = np.asarray(canvas.buffer_rgba())
        buffer = io.BytesIO()
        Image.fromarray(rgba).save(buffer, format="png", compress_level=PNG_COMPRESS_LEVEL)
        return buffer.getvalue()


LEARNING_RATE_STEP = 0.1
"""Step of the learning-rate slider, in decades (about 26 % a step)."""

CONTROL_GROUPS = {
    "data": ("dataset", "noise", "train_fraction", "seed"),
    "network": ("hidden_layers", "neurons", "activation"),
    "training": ("learning_rate", "l2", "batch_size"),
}
"""How the controls are arranged: one row per group."""

CONTROL_NAMES = tuple(name for group in CONTROL_GROUPS.values() for name in group)
"""Every control's name: the fields of :class:`backprop_lib.playground.Settings`."""


PLAY_TICKS = 10**9
"""The play counter's end: never reached in practice (a tick every 80 ms for two years)."""


def _dom(widget, name):
    """Give ``widget`` a DOM class (a stable hook for browser tests) and return it."""
    widget.add_class(name)
    return widget


def playground_controls(settings):
    """One control per field of :class:`Settings`, set to ``settings``, by field name.

    Sliders report on release (``continuous_update=False``): each change retrains.
    """
    ranges = playground.RANGES

    def ranged(name, description, step, log=False):
        low, high = ranges[name]
        return slider(description, getattr(settings, name), low, high, step, log=log)

    def dropdown(description, options, value):
        return widgets.Dropdown(description=description, options=options, value=value)

    learning_rate = ranged("learning_rate", "learning rate", LEARNING_RATE_STEP, log=True)
    learning_rate.readout_format = ".2g"
    return {
        "dataset": dropdown("data set", playground.DATASETS, settings.dataset),
        "noise": ranged("noise", "noise", 0.01),
        "train_fraction": ranged("train_fraction", "train share", 0.05),
        "hidden_layers": ranged("hidden_layers", "hidden layers", 1),
        "neurons": ranged("neurons", "neurons per layer", 1),
        "activation": dropdown("activation", playground.HIDDEN_ACTIVATIONS, settings.activation),
        "learning_rate": _dom(learning_rate, "bp-learning-rate"),
        "l2": widgets.SelectionSlider(
            description="l2 λ",
            options=[(f"{choice:g}", choice) for choice in playground.L2_CHOICES],
            value=settings.l2,
            continuous_update=False,
        ),
        "batch_size": ranged("batch_size", "batch size", 1),
        "seed": widgets.BoundedIntText(
            description="seed",
            value=settings.seed,
            min=ranges["seed"][0],
            max=ranges["seed"][1],
        ),
    }


class PlaygroundExplorer:
    """The playground: controls, play / step / reset, and the four views while training.

    Use :func:`playground_explorer` to build one.

    Attributes
    ----------
    session : backprop_lib.playground.Playground
        The current run.
    controls : dict of str to ipywidgets.ValueWidget
        One per field of :class:`Settings`, shown or not.
    play : ipywidgets.Play
        Each tick trains a few epochs (at most :data:`MAX_EPOCHS_PER_TICK`, and after the
        first epoch at most :data:`TICK_SECONDS`) and redraws.
    step, reset : ipywidgets.Button
        One epoch; a new run from the same settings.
    presets : ipywidgets.Dropdown
        Loads a named preset of :data:`backprop_lib.playground.PRESETS` into the controls.
    epoch : ipywidgets.HTML
        "epoch N", the accuracies, the costs and the training settings.
    message : ipywidgets.HTML
        Empty, or what went wrong and how to fix it.
    image : ipywidgets.Image
        The figure, as PNG.
    widget : ipywidgets.VBox
        What a notebook displays.
    """

    def __init__(self, settings, hide):
        self.session = Playground(settings)
        self.figure, axes = playground_figure()
        self.view = PlaygroundView(axes)
        self.renderer = FrameRenderer(self.figure)
        self.controls = playground_controls(settings)
        self.play = _dom(
            widgets.Play(value=0, min=0, max=PLAY_TICKS, interval=PLAY_INTERVAL_MS),
            "bp-play",
        )
        self.step = _dom(widgets.Button(description="step one epoch"), "bp-step")
        self.reset = _dom(widgets.Button(description="reset"), "bp-reset")
        self.presets = widgets.Dropdown(
            description="preset", options=list(playground.PRESETS), value=None
        )
        self.epoch = _dom(widgets.HTML(), "bp-epoch")
        self.message = _dom(widgets.HTML(), "bp-message")
        width = round(FIGURE_SIZE[0] * self.figure.dpi)  # never wider: a blurred figure
        image_layout = widgets.Layout(max_width=f"{width}px")
        self.image = _dom(widgets.Image(format="png", layout=image_layout), "bp-figure")
        self._frame_end = -np.inf  # when the last frame was finished (see _on_tick)
        self._loading = False  # True while load() sets the controls one by one
        wrap = widgets.Layout(flex_flow="row wrap")  # narrow windows: controls go on a new line
        groups = [[name for name in group if name not in hide] for group in CONTROL_GROUPS.values()]
        rows = [
            widgets.HBox([self.controls[name] for name in group], layout=wrap)
            for group in groups
            if group
        ]
        buttons = [self.play, self.step, self.reset]
        if "presets" not in hide:
            buttons.append(self.presets)
        self.widget = widgets.VBox(
            [*rows, widgets.HBox(buttons), self.epoch, self.message, self.image]
        )
        for control in self.controls.values():
            control.observe(self._on_control, names="value")
        self.play.observe(self._on_tick, names="value")
        self.step.on_click(self._on_step)
        self.reset.on_click(self._on_reset)
        self.presets.observe(self._on_preset, names="value")
        self.draw()

    def settings(self):
        """The controls' values as :class:`Settings` (for example to save as a preset)."""
        return Settings(**{name: control.value for name, control in self.controls.items()})

    def load(self, settings):
        """Set every control to ``settings`` and start a new run from them (drawn once)."""
        self._loading = True
        try:
            for name, value in settings.as_dict().items():
                self.controls[name].value = value
        finally:
            self._loading = False
        self._act(self._new_run)

    def draw(self):
        """Show the current run: figure and epoch line."""
        self.view.show(self.session)
        self.epoch.value = html.escape(status(self.session))
        self.image.value = self.renderer.png(self.view.moving, self.view.layout())
        self._frame_end = _now()

    def _act(self, action):
        """Do ``action``, then draw; if either fails, pause and say why in ``message``.

        A divergence (:class:`backprop_lib.playground.Diverged`) leaves the run at its last
        good epoch, which is drawn. Anything else becomes a message too: a widget shows what
        went wrong, never a traceback.
        """
        note = ""
        try:
            action()
        except Exception as error:
            self.play.playing = False
            note = message_html(str(error))
        try:
            self.draw()
        except Exception as error:
            self.play.playing = False
            note = message_html(f"The figure could not be drawn: {error}. Try reset.")
        self.message.value = note

    def _train(self, max_epochs, seconds=np.inf):
        """Train up to ``max_epochs`` epochs, stopping early once ``seconds`` have passed."""
        start = _now()
        for _ in range(max_epochs):
            self.session.run(1)
            if _now() - start > seconds:
                break

    def _new_run(self):
        self.session = Playground(self.settings())

    def _apply_controls(self):
        self.session = self.session.update(self.settings())

    def _on_control(self, change=None):
        if not self._loading:
            self._act(self._apply_controls)

    def _on_tick(self, change):
        # The stop button rewinds the counter: not a tick. A tick that comes right after the
        # last frame was waiting while that frame was computed: skip it.
        if not self.play.playing or change["new"] <= change["old"]:
            return
        if _now() - self._frame_end < STALE_TICK_SECONDS:
            return
        self._act(lambda: self._train(MAX_EPOCHS_PER_TICK, TICK_SECONDS))

    def _on_step(self, button=None):
        self._act(lambda: self._train(1))

    def _on_reset(self, button=None):
        self._act(self._new_run)

    def _on_preset(self, change):
        if change["new"] is not None:
            self.load(playground.PRESETS[change["new"]])

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def playground_explorer(settings=None, hide=(), show=None):
    """The playground explorer of notebook 06, optionally with some controls hidden.

    Parameters
    ----------
    settings : Settings, optional
        Where the controls start (for example :func:`backprop_lib.playground.load_preset`
        or an entry of :data:`backprop_lib.playground.PRESETS`); default ``Settings()``.
    hide : sequence of str
        Names in :data:`CONTROL_NAMES` (and "presets") not to show; hidden controls keep
        the value of ``settings``.
    show : sequence of str, optional
        The other way round: show only these names (``hide`` must then be empty).

    Returns
    -------
    PlaygroundExplorer

    Raises
    ------
    ValueError
        For an unknown control name, or both ``hide`` and ``show``.
    """
    names = (*CONTROL_NAMES, "presets")
    if show is not None:
        if hide:
            raise ValueError("give either hide or show, not both")
        hide = [name for name in names if name not in show]
        unknown = sorted(set(show) - set(names))
    else:
        unknown = sorted(set(hide) - set(names))
    if unknown:
        raise ValueError(f"unknown control {unknown[0]!r}; valid names are {', '.join(names)}")
    return PlaygroundExplorer(Settings() if settings is None else settings, tuple(hide))
