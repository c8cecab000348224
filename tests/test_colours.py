"""Colours that mean different things in one figure stay apart in the common colour-vision
deficiencies: every set registered with backprop_lib.display.palette.distinct (the package's
and the diagrams'), and the class colours as the views draw them and as the notebooks store
them. Protanopia, deuteranopia and tritanopia are simulated with colorspacious (the model of
Machado, Oliveira and Fernandes 2009) and distances measured in CAM02-UCS, where a distance
of about 1 is a just-noticeable difference."""

import base64
import importlib
import importlib.util
import io
import itertools
import json
import pkgutil
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from colorspacious import cspace_convert
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from PIL import Image

import backprop_lib
from backprop_lib import sigmoid
from backprop_lib.display import palette
from backprop_lib.display.charts import TrainingView
from backprop_lib.display.figures import figure_png, new_figure
from backprop_lib.lessons import playground_views
from backprop_lib.lessons.playground import Playground
from backprop_lib.lessons.playground_settings import Settings

ROOT = Path(__file__).resolve().parent.parent

MIN_DISTANCE = 20.0
"""Least CAM02-UCS distance between two colours that mean different things, in every vision.
A just-noticeable difference is about 1 to 2; 20 is told apart at a glance in thin lines and
small markers. The class colours (blue, vermillion) are 49 apart at worst (protanopia), the
closest pairs of Okabe and Ito's palette 11 to 16 (orange and reddish purple for a
tritanope, orange and vermillion for a deuteranope), and matplotlib's old red and green
(#d62728, #2ca02c) 5 for a deuteranope."""

VISIONS = {
    "normal": None,
    "protanopia": "protanomaly",
    "deuteranopia": "deuteranomaly",
    "tritanopia": "tritanomaly",
}
"""colorspacious's name of each deficiency; at severity 100 the anomaly is the complete loss
of one kind of cone (-anopia)."""

OLD_RED, OLD_GREEN = "#d62728", "#2ca02c"
"""matplotlib's default red and green (C3, C2): apart in normal vision, not for a deuteranope."""

CLASS_TOLERANCE = 6 / 255
"""How far (per RGB channel, 0 to 1) a pixel may be from a class colour and still count as
drawn in it: the inside of a marker is drawn in the exact colour, its antialiased rim and
the half-transparent probability map are not."""

MIN_CLASS_PIXELS = 20
"""Pixels of each class colour a figure needs before it counts as showing both classes: a
few markers' insides (a marker of the decision boundary has about 15)."""

CLASS_NOTEBOOKS = ("02_logistic_regression", "03_one_hidden_layer", "06_playground")
"""The notebooks that draw decision boundaries: each stores figures with both classes."""

NOTEBOOKS = sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("notebooks/student/*.ipynb")])


def import_everything():
    """Import every module of the package, and the diagram script, so that every colour set
    is registered (the script changes matplotlib's settings at import: they are restored)."""
    for module in pkgutil.walk_packages(backprop_lib.__path__, "backprop_lib."):
        importlib.import_module(module.name)
    script = ROOT / "images" / "make_diagrams.py"
    spec = importlib.util.spec_from_file_location("make_diagrams", script)
    with matplotlib.rc_context():
        spec.loader.exec_module(importlib.util.module_from_spec(spec))


import_everything()


def simulate(rgb, vision):
    """Colours as seen in ``vision``, in CAM02-UCS.

    Parameters
    ----------
    rgb : ndarray of shape (..., 3)
        sRGB, 0 to 1.
    vision : str
        A key of :data:`VISIONS`.
    """
    if VISIONS[vision] is not None:
        deficiency = {"name": "sRGB1+CVD", "cvd_type": VISIONS[vision], "severity": 100}
        rgb = np.clip(cspace_convert(rgb, deficiency, "sRGB1"), 0.0, 1.0)
    return cspace_convert(rgb, "sRGB1", "CAM02-UCS")


def closest_pair(colours, vision):
    """The smallest CAM02-UCS distance between two of ``colours`` as seen in ``vision``."""
    seen = simulate(np.array([to_rgb(colour) for colour in colours]), vision)
    return min(np.linalg.norm(a - b) for a, b in itertools.combinations(seen, 2))


def png_pixels(png):
    """A PNG's pixels, ndarray of shape (height, width, 3), RGB from 0 to 1."""
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float) / 255


def class_pixels(pixels):
    """For class 0 and class 1, the pixels drawn in its colour: two arrays of shape (k, 3)."""
    return [
        pixels[np.all(np.abs(pixels - to_rgb(colour)) <= CLASS_TOLERANCE, axis=-1)]
        for colour in palette.CLASS_COLOURS
    ]


def class_distance(classes, vision):
    """CAM02-UCS distance between the two classes' pixels as seen in ``vision`` (each class's
    simulated pixels averaged)."""
    first, second = (simulate(pixels, vision).mean(axis=0) for pixels in classes)
    return float(np.linalg.norm(first - second))


def assert_classes_apart(png, where):
    """Both class colours are drawn in ``png``, and stay apart in every vision."""
    classes = class_pixels(png_pixels(png))
    counts = [len(pixels) for pixels in classes]
    assert min(counts) >= MIN_CLASS_PIXELS, f"{where}: pixels of each class colour {counts}"
    for vision in VISIONS:
        distance = class_distance(classes, vision)
        assert distance >= MIN_DISTANCE, f"{where}, {vision}: classes {distance:.1f} apart"


def assert_markers_differ(boundary):
    """A DecisionBoundary's classes are drawn with different marker shapes."""
    first, second = (points.get_paths() for points in boundary.classes)
    assert len(first) == len(second) == 1
    assert first[0].vertices.shape != second[0].vertices.shape or not np.allclose(
        first[0].vertices, second[0].vertices
    )


# ----- the registered sets ---------------------------------------------------------------


def test_every_drawing_module_registered_its_colours():
    assert {
        "classes",
        "curves",
        "losses (notebook 02)",
        "weight signs (notebook 06)",
        "activations (notebook 05)",
        "graph nodes (notebook 07)",
        "diagram passes",
        "diagram node kinds",
    } <= set(palette.DISTINCT)


@pytest.mark.parametrize("vision", VISIONS)
@pytest.mark.parametrize("name", sorted(palette.DISTINCT))
def test_every_registered_set_stays_apart(name, vision):
    colours = palette.DISTINCT[name]
    assert len(set(colours)) == len(colours), f"{name} repeats a colour: {colours}"
    assert closest_pair(colours, vision) >= MIN_DISTANCE


def test_the_check_fails_for_red_and_green():
    assert closest_pair((OLD_RED, OLD_GREEN), "normal") >= MIN_DISTANCE
    assert closest_pair((OLD_RED, OLD_GREEN), "deuteranopia") < MIN_DISTANCE


def test_a_set_is_registered_once_and_returned_unchanged():
    colours = {"a": palette.BLUE, "b": palette.ORANGE}
    assert palette.distinct("a test set", colours) is colours
    assert palette.DISTINCT["a test set"] == (palette.BLUE, palette.ORANGE)
    assert palette.distinct("a test set", colours) is colours  # the same again is fine
    with pytest.raises(ValueError, match="'a test set' is registered as"):
        palette.distinct("a test set", (palette.BLUE, palette.YELLOW))
    del palette.DISTINCT["a test set"]


# ----- the class colours as drawn ---------------------------------------------------------


def test_a_training_view_draws_the_classes_apart_and_in_two_shapes():
    rng = np.random.default_rng(0)
    X, X_test = rng.standard_normal((2, 40)), rng.standard_normal((2, 12))
    Y, Y_test = (X[:1] > 0).astype(float), (X_test[:1] > 0).astype(float)
    figure, axes = new_figure(ncols=2)
    view = TrainingView(axes, X, Y)
    view.boundary.set_data(X, Y, X_test, Y_test)
    view.update(np.array([0.7, 0.4, 0.3]), lambda grid: sigmoid(3 * grid[:1]), 1.0, "a test")
    assert_markers_differ(view.boundary)
    assert_classes_apart(figure_png(figure), "training view")


def test_the_playground_draws_the_classes_apart_and_in_two_shapes():
    figure = Figure(figsize=playground_views.FIGURE_SIZE)
    axes = figure.subplots(2, 2)
    view = playground_views.PlaygroundView(axes)
    run = Playground(Settings(dataset="xor", hidden_layers=1, units=3, seed=0))
    run.run(5)
    view.show(run)
    assert_markers_differ(view.boundary)
    assert_classes_apart(figure_png(figure), "playground")


# ----- the class colours as the notebooks store them ------------------------------------------


def stored_figures(notebook):
    """The PNGs of a notebook's stored outputs."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        for output in cell.get("outputs", []):
            if "image/png" in output.get("data", {}):
                yield base64.b64decode(output["data"]["image/png"])


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_stored_figures_keep_the_classes_apart(notebook):
    with_classes = 0
    for number, png in enumerate(stored_figures(notebook), start=1):
        classes = class_pixels(png_pixels(png))
        if min(len(pixels) for pixels in classes) >= MIN_CLASS_PIXELS:
            with_classes += 1
            assert_classes_apart(png, f"{notebook.name}, figure {number}")
    if notebook.stem in CLASS_NOTEBOOKS:
        assert with_classes, f"{notebook.name}: no stored figure shows both class colours"
