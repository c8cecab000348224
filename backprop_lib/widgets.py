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

import ipywidgets as widgets
from matplotlib.figure import Figure

FIGURE_DPI = 100
"""Resolution of the figures the explorers send to the browser: sharp enough on a
projector, small enough (tens of kB) to redraw at once."""


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

    Attributes
    ----------
    widget : ipywidgets.VBox
        What a notebook displays.
    image : ipywidgets.Image
        The rendered figure.
    message : ipywidgets.HTML
        Empty, or what went wrong and how to fix it.
    """

    def __init__(self, controls, update, figure):
        self.controls = controls
        self.figure = figure
        self._update = update
        self.image = widgets.Image(format="png")
        self.message = widgets.HTML()
        self.widget = widgets.VBox(
            [widgets.HBox(list(controls.values())), self.message, self.image]
        )
        for control in controls.values():
            control.observe(self.refresh, names="value")
        self.refresh()

    def values(self):
        """The controls' current values, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self, change=None):
        """Recompute and redraw; on failure, say why in ``message`` and keep the figure."""
        try:
            self._update(**self.values())
        except Exception as error:  # a widget shows what went wrong, never a traceback
            self.message.value = f'<span style="color:#b00020">{html.escape(str(error))}</span>'
            return
        self.message.value = ""
        self.image.value = figure_png(self.figure)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
