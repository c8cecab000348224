"""Explorers: controls that recompute and redraw one reused figure, and never show a traceback.

An :class:`Explorer` joins ipywidgets controls to an ``update`` function. ``update`` takes
the controls' values as keyword arguments, recomputes (with the pure functions of the core
and the lessons), changes the figure's artists in place and returns what it computed. The
explorer keeps that as ``result`` and shows the figure as a PNG.

Anything ``update`` raises (a setting that makes training diverge, an invalid value) is
shown as a short message above the figure; the figure and ``result`` keep the last good
run.
"""

import html
import math

import ipywidgets as widgets
from traitlets import Bool, Tuple, Unicode

from .figures import describe, figure_png

ERROR_COLOUR, NOTE_COLOUR = "#b00020", "#8a5a00"
"""Message-line colours: dark red for what went wrong, amber for a note about a run."""


def message_html(text, colour=ERROR_COLOUR):
    """``text`` escaped and coloured, for a message line (an ``ipywidgets.HTML``)."""
    return f'<span style="color:{colour}">{html.escape(text)}</span>'


class DescribedImage(widgets.Image):
    """An ``ipywidgets.Image`` whose ``tooltip`` is its text alternative.

    The tooltip becomes the ``<img>``'s ``title``, which screen readers read as the image's
    name when it has no ``alt`` (and accessibility checkers such as axe accept). ipywidgets
    8.1 sets it only when the widget's ``description`` is empty, and ``Image`` has none: the
    page then fails with "Cannot read properties of undefined". An empty one fixes that.
    """

    description = Unicode("").tag(sync=True)


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


class Checkboxes(widgets.HBox):
    """A named row of checkboxes, one per option, whose ``value`` is the tuple of the ticked
    options in the options' order: a control like the others (set ``value``, observe it).

    Parameters
    ----------
    description : str
        The group's name, shown before the boxes.
    options : sequence of str
        Each box's name.
    value : sequence of str
        The options ticked at first.

    ``description`` names the group, as any control's names it (a screen reader reads each
    box by its option); ``disabled``, like any control's, disables every box.
    """

    value = Tuple()
    disabled = Bool(False)

    def __init__(self, description, options, value):
        self.boxes = {
            option: widgets.Checkbox(description=option, value=option in value, indent=False)
            for option in options
        }
        label = widgets.Label(description)
        super().__init__([label, *self.boxes.values()], layout=widgets.Layout(width="auto"))
        self.description = description
        self.value = tuple(option for option in options if option in value)
        self._setting = False  # True while _on_value ticks the boxes to match a new value
        for box in self.boxes.values():
            box.observe(self._on_box, names="value")
        self.observe(self._on_value, names="value")
        self.observe(self._on_disabled, names="disabled")

    def _on_disabled(self, change):
        for box in self.boxes.values():
            box.disabled = change["new"]

    def _on_box(self, change):
        if not self._setting:
            self.value = tuple(option for option, box in self.boxes.items() if box.value)

    def _on_value(self, change):
        self._setting = True
        try:
            for option, box in self.boxes.items():
                box.value = option in change["new"]
        finally:
            self._setting = False


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


def join_notes(*notes):
    """The notes that are not None, in one line; None when there are none."""
    return " ".join(note for note in notes if note) or None


class Explorer:
    """Controls, a message line and one figure, redrawn whenever a control changes.

    Parameters
    ----------
    controls : dict of str to ipywidgets.ValueWidget
        Passed to ``update`` as keyword arguments, by name.
    update : callable
        ``update(**values)`` recomputes, updates the figure's artists in place and returns
        a result (any object, usually a ``SimpleNamespace``). A ``note`` attribute on it, a
        short remark for the reader (for example from :func:`cost_rise_note`), is shown
        above the figure.
    figure : matplotlib.figure.Figure
        The figure ``update`` draws on; rendered after every update.
    what : str
        What the figure shows, for readers who cannot see it: the image's text alternative
        is :func:`~backprop_lib.display.figures.describe` of the figure after each update.
    extras : dict of str to ipywidgets.Widget, optional
        Shown between the controls and the message line, for example a progress bar that
        ``update`` moves; they are not passed to ``update``.

    Attributes
    ----------
    result : object
        What the last successful ``update`` returned (None before the first).
    extras : dict of str to ipywidgets.Widget
    widget : ipywidgets.VBox
        What a notebook displays.
    image : DescribedImage
        The rendered figure; its ``tooltip`` (the ``title`` of the ``<img>``, which screen
        readers read when there is no ``alt``) describes it.
    message : ipywidgets.HTML
        Empty, a note, or what went wrong and how to fix it.
    """

    def __init__(self, controls, update, figure, what, extras=None):
        self.controls = controls
        self.what = what
        self.extras = dict(extras or {})
        self.figure = figure
        self.result = None
        self._update = update
        self.image = DescribedImage(format="png")
        self.message = widgets.HTML()
        row = widgets.HBox(list(controls.values()), layout=widgets.Layout(flex_flow="row wrap"))
        self.widget = widgets.VBox([row, *self.extras.values(), self.message, self.image])
        for control in controls.values():
            control.observe(self.refresh, names="value")
        self.refresh()

    def values(self):
        """The controls' current values, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self, change=None):
        """Recompute and redraw; show the result's note, or on failure say why in
        ``message`` and keep the figure and the result."""
        try:
            result = self._update(**self.values())
        except Exception as error:  # a widget shows what went wrong, never a traceback
            self.message.value = message_html(str(error))
            return
        self.result = result
        note = getattr(result, "note", None)
        self.message.value = "" if note is None else message_html(note, NOTE_COLOUR)
        self.image.value = figure_png(self.figure)
        self.image.tooltip = describe(self.figure, self.what)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
