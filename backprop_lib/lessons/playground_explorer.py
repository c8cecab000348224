"""Notebook 06's explorer: controls, play / step / reset, and the playground's views live.

:func:`playground_explorer` joins controls, a play button and the figure of
:class:`~backprop_lib.lessons.playground_views.PlaygroundView`, shown as a PNG in an
``ipywidgets.Image`` like the other notebooks' explorers. To draw ten frames a second on a
small machine, a :class:`~backprop_lib.display.figures.FrameRenderer` keeps the still part
of the figure as a bitmap and draws only the moving artists over it.

Playing uses an ``ipywidgets.Play``: a timer in the browser whose value ticks every
:data:`PLAY_INTERVAL_MS`. Each tick trains a bounded chunk of epochs and redraws once, and
the kernel handles any control change between two ticks, so training never blocks the
controls.
"""

import html
import time

import ipywidgets as widgets
import numpy as np

from ..activations import ACTIVATIONS
from ..display.explorer import Checkboxes, DescribedImage, message_html, slider
from ..display.figures import FrameRenderer, describe
from . import playground_settings
from .playground import Playground
from .playground_settings import Settings
from .playground_views import FIGURE_SIZE, PlaygroundView, playground_figure, status

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


LEARNING_RATE_STEP = 0.1
"""Step of the learning-rate slider, in decades (about 26 % a step)."""

CONTROL_GROUPS = {
    "data": ("dataset", "noise", "train_fraction", "seed"),
    "features": ("features",),
    "network": ("hidden_layers", "units", "activation"),
    "training": ("learning_rate", "l2_lambda", "l1_lambda", "batch_size"),
    "optimizer": ("optimizer", "momentum", "beta1", "beta2"),
}
"""How the controls are arranged: one row per group."""

CONTROL_NAMES = tuple(name for group in CONTROL_GROUPS.values() for name in group)
"""Every control's name: the fields of
:class:`~backprop_lib.lessons.playground_settings.Settings`."""


OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "momentum", "adam": "Adam"}
"""The optimizer menu's entries, for
:data:`backprop_lib.lessons.playground_settings.OPTIMIZERS`."""

USED_BY = {"momentum": ("momentum",), "beta1": ("adam",), "beta2": ("adam",)}
"""The optimizers each hyperparameter's control belongs to: it is disabled for the others."""

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
    ranges = playground_settings.RANGES

    def ranged(name, description, step, log=False):
        low, high = ranges[name]
        return slider(description, getattr(settings, name), low, high, step, log=log)

    def dropdown(description, options, value):
        return widgets.Dropdown(description=description, options=options, value=value)

    def choices(description, options, value):
        labelled = [(f"{choice:g}", choice) for choice in options]
        return widgets.SelectionSlider(
            description=description, options=labelled, value=value, continuous_update=False
        )

    learning_rate = ranged("learning_rate", "learning rate", LEARNING_RATE_STEP, log=True)
    learning_rate.readout_format = ".2g"
    return {
        "dataset": dropdown("data set", playground_settings.DATASETS, settings.dataset),
        "noise": ranged("noise", "noise", 0.01),
        "train_fraction": ranged("train_fraction", "train share", 0.05),
        "features": Checkboxes(
            "input features", tuple(playground_settings.FEATURES), settings.features
        ),
        "hidden_layers": ranged("hidden_layers", "hidden layers", 1),
        "units": ranged("units", "units per layer", 1),
        "activation": dropdown("activation", list(ACTIVATIONS), settings.activation),
        "learning_rate": _dom(learning_rate, "bp-learning-rate"),
        "l2_lambda": choices("L2 λ", playground_settings.L2_CHOICES, settings.l2_lambda),
        "l1_lambda": choices("L1 λ₁", playground_settings.L1_CHOICES, settings.l1_lambda),
        "optimizer": dropdown(
            "optimizer",
            [(OPTIMIZER_LABELS[name], name) for name in playground_settings.OPTIMIZERS],
            settings.optimizer,
        ),
        "momentum": ranged("momentum", "momentum μ", 0.01),
        "beta1": ranged("beta1", "Adam β1", 0.01),
        "beta2": choices("Adam β2", playground_settings.BETA2_CHOICES, settings.beta2),
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
    session : backprop_lib.lessons.playground.Playground
        The current run.
    controls : dict of str to ipywidgets.ValueWidget
        One per field of :class:`Settings`, shown or not.
    play_button : ipywidgets.ToggleButton
        "play" / "pause": starts and pauses ``play`` (its ``value`` is linked to ``playing``).
    play : ipywidgets.Play
        Hidden; the clock. Each tick trains a few epochs (at most
        :data:`MAX_EPOCHS_PER_TICK`, and after the first epoch at most :data:`TICK_SECONDS`)
        and redraws.
    step, reset : ipywidgets.Button
        One epoch; a new run from the same settings.
    presets : ipywidgets.Dropdown
        Loads a named preset of :data:`backprop_lib.lessons.playground_settings.PRESETS` into
        the controls.
    epoch : ipywidgets.HTML
        "epoch N", the accuracies, the costs and the training settings.
    message : ipywidgets.HTML
        Empty, or what went wrong and how to fix it.
    image : DescribedImage
        The figure, as PNG, described in its ``tooltip`` for screen readers.
    widget : ipywidgets.VBox
        What a notebook displays.
    """

    def __init__(self, settings, hide):
        self.session = Playground(settings)
        self.figure, axes = playground_figure()
        self.view = PlaygroundView(axes)
        self.renderer = FrameRenderer(self.figure)
        self.controls = playground_controls(settings)
        # The Play widget is the clock (its ticks come from the browser) but its buttons are
        # icons without names, which a screen reader cannot announce: it is hidden, and a
        # named toggle button starts and pauses it.
        hidden = widgets.Layout(display="none")
        self.play = widgets.Play(
            value=0, min=0, max=PLAY_TICKS, interval=PLAY_INTERVAL_MS, layout=hidden
        )
        self.play_button = _dom(widgets.ToggleButton(description="play", icon="play"), "bp-play")
        widgets.link((self.play_button, "value"), (self.play, "playing"))
        self.step = _dom(widgets.Button(description="step one epoch"), "bp-step")
        self.reset = _dom(widgets.Button(description="reset"), "bp-reset")
        self.presets = widgets.Dropdown(
            description="preset", options=list(playground_settings.PRESETS), value=None
        )
        self.epoch = _dom(widgets.HTML(), "bp-epoch")
        self.message = _dom(widgets.HTML(), "bp-message")
        width = round(FIGURE_SIZE[0] * self.figure.dpi)  # never wider: a blurred figure
        image_layout = widgets.Layout(max_width=f"{width}px")
        self.image = _dom(DescribedImage(format="png", layout=image_layout), "bp-figure")
        self._frame_end = -np.inf  # when the last frame was finished (see _on_tick)
        self._loading = False  # True while load() sets the controls one by one
        wrap = widgets.Layout(flex_flow="row wrap")  # narrow windows: controls go on a new line
        groups = [[name for name in group if name not in hide] for group in CONTROL_GROUPS.values()]
        rows = [
            widgets.HBox([self.controls[name] for name in group], layout=wrap)
            for group in groups
            if group
        ]
        buttons = [self.play_button, self.step, self.reset]
        if "presets" not in hide:
            buttons.append(self.presets)
        self.widget = widgets.VBox(
            [*rows, widgets.HBox(buttons), self.play, self.epoch, self.message, self.image]
        )
        for control in self.controls.values():
            control.observe(self._on_control, names="value")
        self.play.observe(self._on_tick, names="value")
        self.play.observe(self._on_playing, names="playing")
        self.step.on_click(self._on_step)
        self.reset.on_click(self._on_reset)
        self.presets.observe(self._on_preset, names="value")
        self._enable_used_controls()
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
        self.image.tooltip = describe(self.figure, PlaygroundView.WHAT)
        self._frame_end = _now()

    def _act(self, action):
        """Do ``action``, then draw; if either fails, pause and say why in ``message``.

        A divergence (:class:`backprop_lib.TrainingDiverged`) leaves the run at its last
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
        self._enable_used_controls()

    def _apply_controls(self):
        self.session = self.session.update(self.settings())
        self._enable_used_controls()

    def _enable_used_controls(self):
        """Disable the hyperparameters the chosen optimizer does not use (:data:`USED_BY`)."""
        optimizer = self.controls["optimizer"].value
        for name, users in USED_BY.items():
            self.controls[name].disabled = optimizer not in users

    def _on_control(self, change=None):
        if not self._loading:
            self._act(self._apply_controls)

    def _on_playing(self, change):
        word = "pause" if change["new"] else "play"
        self.play_button.description, self.play_button.icon = word, word

    def _on_tick(self, change):
        # A counter that goes back is not a tick. A tick that comes right after the last
        # frame was waiting while that frame was computed: skip it.
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
            self.load(playground_settings.PRESETS[change["new"]])

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def playground_explorer(settings=None, hide=(), show=None):
    """The playground explorer of notebook 06, optionally with some controls hidden.

    Parameters
    ----------
    settings : Settings, optional
        Where the controls start (for example
        :func:`backprop_lib.lessons.playground_settings.load_preset` or an entry of
        :data:`backprop_lib.lessons.playground_settings.PRESETS`); default ``Settings()``.
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
