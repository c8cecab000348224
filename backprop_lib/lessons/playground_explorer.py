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

from ..display.explorer import DescribedImage, message_html
from ..display.figures import FrameRenderer, describe
from . import playground_settings
from .playground import Playground
from .playground_controls import (
    CONTROL_GROUPS,
    CONTROL_NAMES,
    USED_BY,
    dom_hook,
    playground_controls,
    share_box,
)
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


PLAY_TICKS = 10**9
"""The play counter's end: never reached in practice (a tick every 80 ms for two years)."""


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
    share : ipywidgets.Text
        The current settings as a shared setting
        (:func:`~backprop_lib.lessons.playground_settings.to_query`); a shared setting typed
        or pasted in (then Enter) loads it.
    epoch : ipywidgets.HTML
        "epoch N", the accuracies, the costs and the training settings.
    message : ipywidgets.HTML
        Empty, or what went wrong and how to fix it.
    image : DescribedImage
        The figure, as PNG, described in its ``tooltip`` for screen readers.
    widget : ipywidgets.VBox
        What a notebook displays.
    """

    def __init__(self, settings, hide, note=""):
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
        self.play_button = dom_hook(
            widgets.ToggleButton(description="play", icon="play"), "bp-play"
        )
        widgets.link((self.play_button, "value"), (self.play, "playing"))
        self.step = dom_hook(widgets.Button(description="step one epoch"), "bp-step")
        self.reset = dom_hook(widgets.Button(description="reset"), "bp-reset")
        self.presets = widgets.Dropdown(
            description="preset", options=list(playground_settings.PRESETS), value=None
        )
        self.share = share_box()
        self._shown_query = None  # the share box's text for the run shown
        self.epoch = dom_hook(widgets.HTML(), "bp-epoch")
        self.message = dom_hook(widgets.HTML(), "bp-message")
        width = round(FIGURE_SIZE[0] * self.figure.dpi)  # never wider: a blurred figure
        image_layout = widgets.Layout(max_width=f"{width}px")
        self.image = dom_hook(DescribedImage(format="png", layout=image_layout), "bp-figure")
        self._frame_end = -np.inf  # when the last frame was finished (see _on_tick)
        self._loading = False  # True while load() sets the controls one by one
        self.widget = self._arranged(hide)
        for control in self.controls.values():
            control.observe(self._on_control, names="value")
        self.play.observe(self._on_tick, names="value")
        self.play.observe(self._on_playing, names="playing")
        self.step.on_click(self._on_step)
        self.reset.on_click(self._on_reset)
        self.presets.observe(self._on_preset, names="value")
        self.share.observe(self._on_share, names="value")
        self._enable_used_controls()
        self.draw()
        if note:
            self.message.value = message_html(note)

    def _arranged(self, hide):
        """Everything but what ``hide`` names, in a box: a row per group of controls (wrapped
        in narrow windows), the buttons, the share box, the lines of text and the figure."""
        wrap = widgets.Layout(flex_flow="row wrap")
        groups = [[name for name in group if name not in hide] for group in CONTROL_GROUPS.values()]
        rows = [
            widgets.HBox([self.controls[name] for name in group], layout=wrap)
            for group in groups
            if group
        ]
        buttons = [self.play_button, self.step, self.reset]
        if "presets" not in hide:
            buttons.append(self.presets)
        shared = [] if "share" in hide else [self.share]
        return widgets.VBox(
            [*rows, widgets.HBox(buttons), *shared, self.play, self.epoch, self.message, self.image]
        )

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
        self._shown_query = playground_settings.to_query(self.session.settings)
        self.share.value = self._shown_query
        self.image.value = self.renderer.png(self.view.moving, self.view.layout())
        thresholded = self.session.settings.thresholded
        what = PlaygroundView.WHAT_THRESHOLDED if thresholded else PlaygroundView.WHAT
        self.image.tooltip = describe(self.figure, what)
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

    def _on_share(self, change):
        if change["new"] == self._shown_query:  # the run's own setting, just shown
            return
        try:
            settings = playground_settings.from_query(change["new"])
        except ValueError as error:
            self.message.value = message_html(f"The shared setting could not be read: {error}.")
            return
        self.load(settings)

    def _on_preset(self, change):
        if change["new"] is not None:
            self.load(playground_settings.PRESETS[change["new"]])

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def playground_explorer(settings=None, hide=(), show=None, share=""):
    """The playground explorer of notebook 06, optionally with some controls hidden.

    Parameters
    ----------
    settings : Settings, optional
        Where the controls start (for example
        :func:`backprop_lib.lessons.playground_settings.load_preset` or an entry of
        :data:`backprop_lib.lessons.playground_settings.PRESETS`); default ``Settings()``.
    hide : sequence of str
        Names in :data:`CONTROL_NAMES` (and "presets", "share") not to show; hidden controls keep
        the value of ``settings``.
    show : sequence of str, optional
        The other way round: show only these names (``hide`` must then be empty).
    share : str
        A shared setting (:func:`~backprop_lib.lessons.playground_settings.to_query`), such as
        the query of the Voila page's address (``os.environ["QUERY_STRING"]`` in Voila's
        kernel; Voila's own ``template`` and ``theme`` are passed over): where it names a
        setting it replaces ``settings``; one that cannot be read leaves ``settings`` and says
        why in the message line.

    Returns
    -------
    PlaygroundExplorer

    Raises
    ------
    ValueError
        For an unknown control name, or both ``hide`` and ``show``.
    """
    names = (*CONTROL_NAMES, "presets", "share")
    if show is not None:
        if hide:
            raise ValueError("give either hide or show, not both")
        hide = [name for name in names if name not in show]
        unknown = sorted(set(show) - set(names))
    else:
        unknown = sorted(set(hide) - set(names))
    if unknown:
        raise ValueError(f"unknown control {unknown[0]!r}; valid names are {', '.join(names)}")
    settings, note = Settings() if settings is None else settings, ""
    voila = playground_settings.VOILA_ARGUMENTS
    try:  # a shared setting that names no setting (Voila's arguments alone) is none
        if any(name not in voila for name, _ in playground_settings.query_pairs(share)):
            settings = playground_settings.from_query(share, voila)
    except ValueError as error:
        note = f"The shared setting could not be read ({error}); these are the usual ones."
    return PlaygroundExplorer(settings, tuple(hide), note)
