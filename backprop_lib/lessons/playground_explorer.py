"""Notebook 06's explorer: controls, play / step / reset, and the playground's views live.

:func:`playground_explorer` joins controls, a play button and a
:class:`~backprop_lib.display.canvas.FrameCanvas`, on which the browser draws the four
panels of :class:`~backprop_lib.lessons.playground_canvas_views.CanvasView` from a few
kilobytes of arrays a frame (the kernel draws no figure while playing).

Playing is an asyncio task on the kernel's event loop: it trains a frame's worth of epochs,
sends the frame, and awaits the next frame's time, so the kernel handles every control, the
pause and the step between two frames. It sends a frame only while few enough are on their
way to the browser (:meth:`FrameCanvas.ready`), so frames do not queue up behind a slow
browser.
"""

import asyncio
import html
import math
import time

import ipywidgets as widgets

from ..display.canvas import FrameCanvas
from ..display.explorer import message_html
from . import playground_settings, playground_sharing
from .playground import Playground
from .playground_canvas_views import CANVAS_SIZE, CanvasView, what_is_drawn
from .playground_controls import (
    CONTROL_GROUPS,
    CONTROL_NAMES,
    USED_BY,
    dom_hook,
    drawing_controls,
    playground_controls,
    share_box,
)
from .playground_settings import Settings
from .playground_views import status

FRAME_SECONDS = 1 / 60
"""Time between two frames while playing: the display rate of most screens."""

EPOCHS_PER_FRAME = 2
"""Epochs trained per frame at most: 120 epochs a second at 60 frames a second, slow enough
to watch a boundary form."""

TRAIN_SECONDS = 0.008
"""Training time per frame at most, after the first epoch: the slowest network (six layers
of eight, batch size 1) takes about 8 ms an epoch here."""

WAIT_SECONDS = 0.002
"""While the browser has frames to draw, how often the task looks whether it drew one."""

POINT_DECIMALS = 2
"""Decimals a clicked point keeps: a hundredth of the plane's unit is finer than a pixel of
the map, and the shared setting stays short."""

LABEL_SECONDS = 2.0
"""While playing, the canvas's text alternative (what a screen reader reads) changes at most
this often: a calm rate, not every frame."""

_now = time.perf_counter
"""The clock used to bound the training per frame and pace the frames (replaced by a fake
one in tests)."""


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
        "play" / "pause": starts and pauses the training task (:meth:`play`). Each frame
        trains at most :data:`EPOCHS_PER_FRAME` epochs (after the first, at most
        :data:`TRAIN_SECONDS`).
    step, reset : ipywidgets.Button
        One epoch; a new run from the same settings.
    presets : ipywidgets.Dropdown
        Loads a named preset of :data:`backprop_lib.lessons.playground_settings.PRESETS` into
        the controls.
    share : ipywidgets.Text
        The current settings as a shared setting
        (:func:`~backprop_lib.lessons.playground_sharing.to_query`); a shared setting typed
        or pasted in (then Enter) loads it.
    epoch : ipywidgets.HTML
        "epoch N", the accuracies, the costs and the training settings (while playing, every
        :data:`LABEL_SECONDS`; the canvas shows the same line every frame).
    message : ipywidgets.HTML
        Empty, or what went wrong and how to fix it.
    canvas : backprop_lib.display.canvas.FrameCanvas
        The four panels, drawn by the browser; its ``label`` describes them for screen
        readers.
    widget : ipywidgets.VBox
        What a notebook displays.
    """

    def __init__(self, settings, hide, note=""):
        self.session = Playground(settings)
        self.controls = playground_controls(settings)
        self.points = settings.points
        self.brush, self.clear = drawing_controls()
        self.play_button = dom_hook(
            widgets.ToggleButton(description="play", icon="play"), "bp-play"
        )
        self._task = None  # the training task while playing
        self.step = dom_hook(widgets.Button(description="step one epoch"), "bp-step")
        self.reset = dom_hook(widgets.Button(description="reset"), "bp-reset")
        self.presets = widgets.Dropdown(
            description="preset", options=list(playground_settings.PRESETS), value=None
        )
        self.share = share_box()
        self._shown_query = None  # the share box's text for the run shown
        self.epoch = dom_hook(widgets.HTML(), "bp-epoch")
        self.message = dom_hook(widgets.HTML(), "bp-message")
        canvas_layout = widgets.Layout(max_width=f"{CANVAS_SIZE[0]}px")
        self.canvas = dom_hook(FrameCanvas(layout=canvas_layout), "bp-figure")
        self.view = CanvasView(self.canvas)
        self.canvas.on_click(self._on_click)
        self._labelled = -LABEL_SECONDS  # when the canvas's label last changed
        self._loading = False  # True while load() sets the controls one by one
        self.widget = self._arranged(hide)
        for control in self.controls.values():
            control.observe(self._on_control, names="value")
        self.play_button.observe(self._on_playing, names="value")
        self.step.on_click(self._on_step)
        self.reset.on_click(self._on_reset)
        self.clear.on_click(self._on_clear)
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
        drawing = [] if "draw" in hide else [widgets.HBox([self.brush, self.clear], layout=wrap)]
        return widgets.VBox(
            [
                *rows,
                widgets.HBox(buttons),
                *drawing,
                *shared,
                self.epoch,
                self.message,
                self.canvas,
            ]
        )

    def settings(self):
        """The controls' values and the drawn points as :class:`Settings` (for example to
        save as a preset)."""
        values = {name: control.value for name, control in self.controls.items()}
        return Settings(**values, points=self.points)

    def load(self, settings):
        """Set every control to ``settings`` and start a new run from them (drawn once)."""
        self._loading = True
        try:
            for name, control in self.controls.items():
                control.value = getattr(settings, name)
        finally:
            self._loading = False
        self.points = settings.points
        self._act(self._new_run)

    def draw(self, playing=False):
        """Show the current run: a frame (with the status line on the canvas), then, once the
        browser has drawn it, the epoch line, the canvas's text alternative and the share box
        (:meth:`_describe`); for a frame while ``playing``, those only :data:`LABEL_SECONDS`
        after the last time (a page's text changing every frame costs the browser a layout of
        the page, and a screen reader would read it all the time)."""
        line = status(self.session)
        self.view.show(self.session, line, answer=not playing)
        if not playing or _now() - self._labelled >= LABEL_SECONDS:
            self._labelled = _now()
            self.canvas.after_drawn(lambda: self._describe(line))

    def _describe(self, line):
        """Put the status ``line`` of the frame drawn in the epoch line and the canvas's text
        alternative, and the run's settings in the share box."""
        self._shown_query = playground_sharing.to_query(self.session.settings)
        self.share.value = self._shown_query
        self.canvas.label = f"{what_is_drawn(self.session)} Now: {line}."
        self.epoch.value = html.escape(line)

    def _act(self, action, playing=False):
        """Do ``action``, then draw; if either fails, pause and say why in ``message``.

        A divergence (:class:`backprop_lib.TrainingDiverged`) leaves the run at its last
        good epoch, which is drawn. Anything else becomes a message too: a widget shows what
        went wrong, never a traceback.
        """
        note = ""
        try:
            action()
        except Exception as error:
            self.play_button.value = False
            note = message_html(str(error))
        try:
            self.draw(playing)
        except Exception as error:
            self.play_button.value = False
            note = message_html(f"The figure could not be drawn: {error}. Try reset.")
        self.message.value = note

    def _train(self, max_epochs, seconds=math.inf):
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

    async def play(self):
        """Train and draw a frame every :data:`FRAME_SECONDS` while the play button is down;
        a frame the browser could not yet take waits, and so does the training."""
        while self.play_button.value:
            if not self.canvas.ready():
                await asyncio.sleep(WAIT_SECONDS)
                continue
            start = _now()
            self.frame()
            await asyncio.sleep(max(0.0, FRAME_SECONDS - (_now() - start)))

    def frame(self):
        """One frame of :meth:`play`: train at most :data:`EPOCHS_PER_FRAME` epochs (after
        the first, at most :data:`TRAIN_SECONDS`) and draw."""
        self._act(lambda: self._train(EPOCHS_PER_FRAME, TRAIN_SECONDS), playing=True)

    def _on_playing(self, change):
        word = "pause" if change["new"] else "play"
        self.play_button.description, self.play_button.icon = word, word
        if not change["new"]:
            self._describe(status(self.session))  # the text catches up with the last frame
            return
        if self._task is None or self._task.done():
            try:
                loop = asyncio.get_running_loop()  # the kernel's
            except RuntimeError:  # none (a script): await play() to play
                return
            self._task = loop.create_task(self.play())

    def _on_step(self, button=None):
        self._act(lambda: self._train(1))

    def _on_reset(self, button=None):
        self._act(self._new_run)

    def _on_click(self, x1, x2):
        """A click on the map at (x1, x2): the point, of the class :attr:`brush` shows, joins
        the drawn points, and a run on them starts."""
        settings = self.settings()
        point = (round(x1, POINT_DECIMALS), round(x2, POINT_DECIMALS), self.brush.value)
        try:
            settings = settings.replace(dataset="drawn", points=(*settings.points, point))
        except ValueError as error:
            self.message.value = message_html(f"The point could not be added: {error}.")
            return
        self.load(settings)

    def _on_clear(self, button=None):
        self.load(self.settings().replace(points=()))

    def _on_share(self, change):
        if change["new"] == self._shown_query:  # the run's own setting, just shown
            return
        try:
            settings = playground_sharing.from_query(change["new"])
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
        Names in :data:`CONTROL_NAMES` (and "presets", "share", "draw": the class a click on
        the map adds and the button that clears the drawn points) not to show; hidden
        controls keep the value of ``settings``.
    show : sequence of str, optional
        The other way round: show only these names (``hide`` must then be empty).
    share : str
        A shared setting (:func:`~backprop_lib.lessons.playground_sharing.to_query`), such as
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
    names = (*CONTROL_NAMES, "presets", "share", "draw")
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
    voila = playground_sharing.VOILA_ARGUMENTS
    try:  # a shared setting that names no setting (Voila's arguments alone) is none
        if any(name not in voila for name, _ in playground_sharing.query_pairs(share)):
            settings = playground_sharing.from_query(share, voila)
    except ValueError as error:
        note = f"The shared setting could not be read ({error}); these are the usual ones."
    return PlaygroundExplorer(settings, tuple(hide), note)
