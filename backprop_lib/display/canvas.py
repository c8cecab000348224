"""Frames drawn by the browser: panels of a live view sent as small binary arrays.

An explorer that animates (notebook 06's playground) cannot afford a matplotlib figure per
frame: drawing and encoding one as a PNG took about 80 ms in the kernel. A
:class:`FrameCanvas` sends instead what changes from frame to frame (a probability map as one
byte per grid point, the weights, the curves) and the browser draws it on a ``<canvas>``
with ``canvas.js``, an ES module that ships in this folder (anywidget loads it as it is: no
build step, nothing fetched).

The still part (the kinds of panel, the data points, where the network's units sit) is
sent once per run as :attr:`FrameCanvas.still`; each frame is :attr:`FrameCanvas.frame`. The
browser draws the newest frame at its next display refresh, skipping any it had no time for,
and tells the kernel which frame it drew: at once for a frame sent with ``answer``, else at
most every 250 ms (``ANSWER_MS`` in canvas.js). The kernel keeps at most
:data:`MAX_IN_FLIGHT` frames on their way (:meth:`FrameCanvas.ready`). The canvas's text
alternative is :attr:`FrameCanvas.label`, which an explorer updates at a calm rate, not every
frame.

Panel kinds (each a dict with ``kind`` and ``name``, the key of its data in a frame):

``map``
    ``grid`` (n), ``extent`` [x0, x1, y0, y1], ``lut`` (256 RGBA rows, bytes), ``points``
    (float32 rows x, y, class, test), ``colours`` of the classes (two or three: circles,
    triangles, squares), ``xlabel``, ``ylabel``; a frame gives n x n bytes, row 0 the lowest
    y. A click on it is sent to the kernel (:meth:`FrameCanvas.on_click`).
``network``
    ``extent``, ``edges`` (float32 rows x0, y0, x1, y1), ``units`` (float32 rows x, y),
    ``inputs`` (the input units' names, ending ``input_gap`` left of them), ``columns`` (the
    layers' names), ``colours`` (negative, positive), ``max_width``; a frame gives one
    float32 weight per edge. Units ``hidden`` [first, count] are drawn as small maps,
    ``unit_grid`` points a side, coloured by ``unit_lut`` (256 RGBA rows): a frame gives
    their bytes under the key the panel's ``maps`` names.
``curves``
    ``xlabel``, ``ylabel``; a frame gives ``epochs`` (float32), ``values`` (float32, one row
    per line, drawn on a log scale) and ``styles`` (``name``, ``colour``, ``dashed``).
"""

from pathlib import Path

import anywidget
import numpy as np
from traitlets import Dict, Unicode

MAX_IN_FLIGHT = 30
"""Frames sent and not yet drawn, at most: half a second of frames at 60 a second, a bound on
the queue behind a slow browser. The browser says which frame it drew every 250 ms while
frames stream in, so the bound must hold more than 15 frames; a browser that keeps up has one
or two on their way."""


def float32(*rows):
    """``rows`` (equal-length sequences) as the bytes of a float32 array, one row after
    another: the form the panels' arrays take."""
    return np.asarray(rows, dtype=np.float32).tobytes()


class FrameCanvas(anywidget.AnyWidget):
    """A ``<canvas>`` the browser draws from :attr:`still` and the newest :attr:`frame`.

    Attributes
    ----------
    still : dict
        ``size`` [width, height] in CSS pixels, ``columns`` (panels per row) and ``panels``
        (see the module's docstring).
    frame : dict
        ``id`` (counts up), ``caption`` (a line above the panels), ``titles`` (one per
        panel) and each panel's data by its ``name``.
    label : str
        The text alternative a screen reader reads.
    sent, drawn : int
        The number of the last frame sent, and of the last the browser drew.
    """

    _esm = Path(__file__).with_name("canvas.js")
    still = Dict().tag(sync=True)
    frame = Dict().tag(sync=True)
    label = Unicode("").tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.sent = self.drawn = 0
        self._after = []  # (frame, action): actions waiting for the browser to draw a frame
        self._clicked = None
        self.on_msg(self._on_message)

    def show(self, caption, titles, data, answer=False):
        """Send a new frame: a ``caption`` above the panels, ``titles`` (one per panel) and
        each panel's data by name; with ``answer``, the browser says at once when it drew it
        (for :meth:`after_drawn`)."""
        self.sent += 1
        self.frame = {
            "id": self.sent,
            "answer": answer,
            "caption": caption,
            "titles": list(titles),
            **data,
        }

    def ready(self):
        """True when a new frame would not queue behind :data:`MAX_IN_FLIGHT` others, or no
        browser has drawn one yet (a canvas not shown anywhere answers nothing)."""
        return self.drawn == 0 or self.sent - self.drawn < MAX_IN_FLIGHT

    def after_drawn(self, action):
        """Call ``action`` once the browser has drawn the last frame sent (at once when no
        browser has drawn one yet): other widgets' changes, which make the browser lay out
        the page again, then wait until the frame is on screen (in JupyterLab, 38 ms instead
        of 30 from a slider to the new frame)."""
        if self.drawn == 0 or self.drawn >= self.sent:
            action()
        else:
            self._after.append((self.sent, action))

    def _run_after(self):
        """Call the actions waiting for frames the browser has now drawn."""
        due = [action for frame, action in self._after if frame <= self.drawn]
        self._after = [(frame, action) for frame, action in self._after if frame > self.drawn]
        for action in due:
            action()

    def on_click(self, callback):
        """Call ``callback(x, y)`` when the reader clicks on a ``map`` panel, with the point's
        coordinates in the panel's ``extent``."""
        self._clicked = callback

    def _on_message(self, widget, content, buffers):
        """The browser's messages: {"drawn": frame number}, {"click": [x, y]}."""
        content = content if isinstance(content, dict) else {}
        drawn, click = content.get("drawn"), content.get("click")
        if isinstance(drawn, int):
            self.drawn = max(self.drawn, drawn)
            self._run_after()
        numbers = isinstance(click, list) and all(isinstance(v, (int, float)) for v in click)
        if self._clicked is not None and numbers and len(click) == 2:
            self._clicked(*map(float, click))
