"""Figures drawn off screen and sent to the browser as PNG bytes.

Every explorer draws on one reused :class:`matplotlib.figure.Figure` (never shown by the
inline backend) and shows it as a PNG in an ``ipywidgets.Image``, which works the same in
JupyterLab, Voila and pytest. (The playground's live view is drawn by the browser instead:
:mod:`backprop_lib.display.canvas`.)

Every figure a reader sees carries a text alternative for screen readers: :func:`show`
stores a notebook's figure with its ``alt`` text, and an explorer's image carries the same
kind of description (see :func:`describe`).

A notebook stores each figure once, as a PNG made as small as it goes without a visible
change by :func:`compact_png` (the diagrams of images/ too). That takes about 0.15 s a
figure, so it is done only where a notebook is stored (:func:`compact_figures`), not each
time a figure is shown.
"""

import base64
import io

import numpy as np
import oxipng
from IPython.display import display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

FIGURE_DPI = 100
"""Resolution of the figures the explorers send to the browser: sharp enough on a
projector, small enough (tens of kB) to redraw at once."""

PNG_COMPRESS_LEVEL = 1
"""zlib level of the PNGs an explorer and :func:`show` send: level 1 encodes notebook 05's
explorer in 6 ms instead of the default 6's 9.5 ms, for a file about a fifth larger. (A
stored notebook keeps its figures smaller, through :func:`compact_figures`.)"""

OXIPNG_LEVEL = 2
"""oxipng's optimisation level for a stored figure: about 50 ms a figure for 7 % fewer bytes
than Pillow's best encoding; level 3 saves 0.7 % more in twice the time."""

PALETTE_SIZE = 256
"""Colours of an 8-bit PNG palette, a third of the bytes of RGB before compression."""

AREA_PIXELS = 32
"""A colour covering at least this many pixels fills an area (a flat fill, or a step of a
smooth shading) rather than the anti-aliased edge of a line or a letter."""

AREA_ERROR = 1.25
"""Largest colour error (CIE76 Delta E) allowed on an area's colours: about half the
smallest difference people notice side by side (2.3), and the ordered dither of
:func:`compact_png` takes away the steps a smooth shading would show. (0.75 made the
figures 4 % larger, notebook 03's shaded maps 16 %.)"""

EDGE_ERROR = 7.5
"""Largest colour error (Delta E) on any colour, edge pixels included: a few pixels of an
anti-aliased edge a little off, which no one sees even magnified (the playground's figure, a
shaded map beside weight lines of many shades, needs 6.7: 49 kB instead of 121 kB in RGB).
A figure that needs more keeps every colour (RGB)."""

BAYER = (np.array([[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]]) + 0.5) / 16
"""Thresholds of a 4 x 4 ordered dither: a colour between two palette colours is drawn as a
fine pattern of both, in proportion, which the eye averages."""


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
    """Render a matplotlib figure to PNG bytes, at :data:`FIGURE_DPI`.

    The figure's own Agg canvas draws it once (a figure made off screen gets one). With a
    layout engine, ``savefig`` draws twice, once to lay out and once to render, for the same
    pixels: the canvas's draw lays out before it renders.
    """
    if not isinstance(figure.canvas, FigureCanvasAgg):
        FigureCanvasAgg(figure)
    figure.set_dpi(FIGURE_DPI)
    buffer = io.BytesIO()
    figure.canvas.print_png(buffer, pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL})
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
    describe. This sends the PNG once, as ``image/png`` (what every notebook viewer shows,
    GitHub and nbviewer too; :func:`compact_figures` makes it smaller where the notebook is
    stored), with :func:`describe` as its
    ``alt`` in the output's metadata (where JupyterLab and Voila read it through the course's
    extension, ``display/labextension``, and nbconvert's classic HTML template by itself),
    and the same text as plain text (what nbval compares). A pyplot figure is closed, so the
    inline backend does not show it a second time.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
    what : str
        What the figure shows, for readers who cannot see it.
    """
    import matplotlib.pyplot as plt  # only here: the explorers' figures never use pyplot

    alt = describe(figure, what)
    png = base64.b64encode(figure_png(figure)).decode("ascii")
    display({"image/png": png, "text/plain": alt}, metadata={"image/png": {"alt": alt}}, raw=True)
    plt.close(figure)


def _png(image):
    """A quick PNG encoding of ``image`` (zlib level 1), to compare candidates' sizes: oxipng
    compresses the smallest again, and Pillow's best (``optimize``) would only double the
    time (0.26 -> 0.15 s a figure of the notebooks, their sizes within 0.01 %)."""
    buffer = io.BytesIO()
    image.save(buffer, format="png", compress_level=PNG_COMPRESS_LEVEL)
    return buffer.getvalue()


def _smallest(candidates):
    """The smallest of the PNG encodings ``candidates``, re-encoded losslessly by oxipng."""
    return oxipng.optimize_from_memory(min(candidates, key=len), level=OXIPNG_LEVEL)


def _lab(rgb):
    """CIE L*a*b* (D65) of sRGB colours, shape (n, 3) of 0-255 values."""
    c = np.asarray(rgb, dtype=float) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    xyz = (
        linear
        @ np.array(
            [
                [0.4124564, 0.3575761, 0.1804375],
                [0.2126729, 0.7151522, 0.0721750],
                [0.0193339, 0.1191920, 0.9503041],
            ]
        ).T
        / np.array([0.95047, 1.0, 1.08883])
    )
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], 1)


def _palette(lab, counts, area_error):
    """Indices of at most :data:`PALETTE_SIZE` of the colours ``lab``, and each colour's
    distance to the nearest: first every area colour (``counts`` >= :data:`AREA_PIXELS`)
    within ``area_error``, then the farthest colour in turn (a greedy k-centre)."""
    chosen = [int(np.argmax(counts))]
    distance = ((lab - lab[chosen[0]]) ** 2).sum(1)
    area = counts >= AREA_PIXELS
    for only_areas in (True, False):
        while len(chosen) < PALETTE_SIZE:
            far = np.where(area, distance, -1.0) if only_areas else distance
            i = int(np.argmax(far))
            if far[i] <= (area_error**2 if only_areas else 0.0):
                break
            chosen.append(i)
            distance = np.minimum(distance, ((lab - lab[i]) ** 2).sum(1))
    return np.array(chosen), np.sqrt(distance)


def compact_png(png):
    """The smallest PNG of ``png`` (bytes) without a visible change, for storing a figure.

    An opaque image of at most 256 colours becomes an exact palette image; one of more
    colours a palette image whose colours lie within :data:`AREA_ERROR` of the originals on
    every area and within :data:`EDGE_ERROR` on edges, a colour between two close palette
    colours drawn with an ordered dither of both (Pillow's quantizers leave steps in a
    smooth shading, as in the decision boundaries' maps). Otherwise, and for an image with
    transparency, every colour is kept. Always encoded again, by Pillow (no text chunks) and
    then losslessly by oxipng (:data:`OXIPNG_LEVEL`), so the bytes depend on the pixels only.
    """
    image = Image.open(io.BytesIO(png))
    if image.mode == "RGBA" and image.getextrema()[3][0] < 255:
        return _smallest([_png(image)])  # transparency: keep every pixel as it is
    rgb = np.asarray(image.convert("RGB"))
    height, width, _ = rgb.shape
    colours, pixel_colour, counts = _colours(rgb)
    candidates = [_png(Image.fromarray(rgb))]
    if len(colours) <= PALETTE_SIZE:
        chosen, index = np.arange(len(colours)), pixel_colour
    else:
        lab = _lab(colours)
        chosen, error = _palette(lab, counts, AREA_ERROR)
        if error.max() > EDGE_ERROR:
            return _smallest(candidates)
        index = _dither(lab, lab[chosen], 2 * AREA_ERROR, pixel_colour, (height, width))
    palette_image = Image.fromarray(index.reshape(height, width).astype(np.uint8), "P")
    palette_image.putpalette(colours[chosen].astype(np.uint8).ravel().tolist())
    candidates.append(_png(palette_image))
    return _smallest(candidates)


def compact_figures(notebook, resources=None):
    """Make every figure (``image/png`` output) of ``notebook`` as small as :func:`compact_png`
    makes it, in place, for storing the notebook.

    Its signature is an nbconvert preprocessor's: ``jupyter_nbconvert_config.json`` runs it
    after a notebook has run (the README's command), and the release calls it on each
    student notebook. A figure compacted again keeps its pixels.

    Returns
    -------
    notebook, resources
        The notebook and ``resources`` as they were given.
    """
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                png = compact_png(base64.b64decode(data["image/png"]))
                data["image/png"] = base64.b64encode(png).decode("ascii")
    return notebook, resources


def _colours(rgb):
    """The distinct colours of ``rgb`` (h, w, 3) in (R, G, B) order, each pixel's index into
    them and each colour's pixel count. Each pixel is packed into one integer first: sorting
    one integer a pixel is several times faster than ``np.unique(axis=0)`` on its rows."""
    packed = (rgb[..., 0].astype(np.uint32) << 16) | (rgb[..., 1].astype(np.uint32) << 8)
    codes, pixel_colour, counts = np.unique(
        (packed | rgb[..., 2]).ravel(), return_inverse=True, return_counts=True
    )
    colours = np.stack([codes >> 16, (codes >> 8) & 0xFF, codes & 0xFF], axis=1)
    return colours.astype(np.uint8), pixel_colour.ravel(), counts


def _dither(lab, palette, closest, pixel_colour, shape):
    """Palette index of every pixel: each colour's nearest palette colour, or, when the
    next nearest lies within ``closest`` (Delta E), both in an ordered dither."""
    distance = ((lab[:, None, :] - palette[None, :, :]) ** 2).sum(-1)
    rows = np.arange(len(lab))
    first = np.argmin(distance, axis=1)
    distance[rows, first] = np.inf
    second = np.argmin(distance, axis=1)
    step = palette[second] - palette[first]
    length = (step**2).sum(1)
    share = np.clip(((lab - palette[first]) * step).sum(1) / np.maximum(length, 1e-12), 0, 1)
    share[length > closest**2] = 0.0
    height, width = shape
    threshold = np.tile(BAYER, (height // 4 + 1, width // 4 + 1))[:height, :width].ravel()
    return np.where(share[pixel_colour] > threshold, second[pixel_colour], first[pixel_colour])
