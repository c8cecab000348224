"""Figures drawn off screen and sent to the browser as PNG bytes.

Every explorer draws on one reused :class:`matplotlib.figure.Figure` (never shown by the
inline backend) and shows it as a PNG in an ``ipywidgets.Image``, which works the same in
JupyterLab, Voila and pytest. :class:`FrameRenderer` makes such PNGs fast enough for an
animation by drawing again only the artists that move.

Every figure a reader sees carries a text alternative for screen readers: :func:`show`
puts a notebook's figure in the page as an ``<img>`` with ``alt`` text, and an explorer's
image carries the same kind of description (see :func:`describe`).
"""

import base64
import html
import io

import numpy as np
from IPython.display import display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

FIGURE_DPI = 100
"""Resolution of the figures the explorers send to the browser: sharp enough on a
projector, small enough (tens of kB) to redraw at once."""

PNG_COMPRESS_LEVEL = 1
"""zlib level of animation frames: level 1 encodes several times faster than the default 6,
for a file about a fifth larger."""


def new_figure(width=8.0, height=3.2, ncols=1):
    """A figure drawn off screen, with ``ncols`` axes in a row and a constrained layout.

    Returns
    -------
    figure : matplotlib.figure.Figure
    axes : Axes or array of Axes
    """
    figure = Figure(figsize=(width, height), layout="constrained")
    return figure, figure.subplots(1, ncols)


def figure_png(figure):
    """Render a matplotlib figure to PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=FIGURE_DPI)
    return buffer.getvalue()


def describe(figure, what):
    """A text alternative of ``figure``: ``what`` it shows, then its titles.

    The titles carry what changes from one drawing to the next (an epoch, a cost, an
    accuracy), so a screen reader hears the same numbers a sighted reader sees.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
    what : str
        One or two sentences: what the figure shows (axes, marks, colours and shapes).

    Titles are read from the figure, its subfigures and all their axes, each on one line.
    """
    parts = [figure, *figure.subfigs]
    titles = [part.get_suptitle() for part in parts] + [ax.get_title() for ax in figure.axes]
    shown = "; ".join(" ".join(title.split()) for title in titles if title.strip())
    return f"{what.strip()} Titles: {shown}." if shown else what.strip()


def show(figure, what):
    """Show ``figure`` in a notebook as a PNG with alt text, and close it.

    Jupyter shows a matplotlib figure as a bare ``<img>``, which a screen reader cannot
    describe. This sends the PNG as usual (``image/png``, which every notebook viewer and
    tool knows as a figure), an ``<img>`` of it whose ``alt`` is :func:`describe` (the HTML
    output, which JupyterLab, nbconvert and Voila prefer) and the same text as plain text,
    which nbval compares. A pyplot figure is closed, so the inline backend does not show it
    a second time.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
    what : str
        What the figure shows, for readers who cannot see it.
    """
    import matplotlib.pyplot as plt  # only here: the explorers' figures never use pyplot

    alt = describe(figure, what)
    png = base64.b64encode(figure_png(figure)).decode("ascii")
    image = f'<img src="data:image/png;base64,{png}" alt="{html.escape(alt)}">'
    display({"image/png": png, "text/html": image, "text/plain": alt}, raw=True)
    plt.close(figure)


def animation_figure(size, nrows, ncols, margins):
    """A figure for :class:`FrameRenderer`: an Agg canvas and a layout fixed once.

    A constrained layout would be worked out again for every frame, so the margins are
    given instead.

    Parameters
    ----------
    size : (float, float)
        Width and height in inches.
    nrows, ncols : int
    margins : dict
        Keyword arguments of ``Figure.subplots_adjust`` (left, right, bottom, top, wspace,
        hspace).

    Returns
    -------
    figure : matplotlib.figure.Figure
    axes : array of Axes, shape (nrows, ncols)
    """
    figure = Figure(figsize=size, dpi=FIGURE_DPI)
    FigureCanvasAgg(figure)
    axes = figure.subplots(nrows, ncols, squeeze=False)
    figure.subplots_adjust(**margins)
    return figure, axes


class FrameRenderer:
    """PNG frames of one reused figure, drawing again only the artists that move.

    The still part (axes, ticks, labels, titles) is drawn once and kept as a bitmap; each
    frame pastes it back and draws the moving artists over it (matplotlib's blitting). The
    still part is drawn again when ``layout`` changes.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        With an Agg canvas (see :func:`animation_figure`).
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
