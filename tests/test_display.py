"""Tests of the explorer and view kit every lesson draws with (backprop_lib.display): figures
and frames, the shared charts, the text tables and the Explorer with its sliders and
message line."""

import base64
import io
import json
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import ipywidgets as widgets
import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.markers import MarkerStyle
from nbconvert import HTMLExporter, NotebookExporter
from PIL import Image
from traitlets.config import Config

from backprop_lib import MLP, data, format_relative_error, sigmoid
from backprop_lib.display import charts, explorer, figures, palette, tables
from backprop_lib.display.canvas import FrameCanvas

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def xor():
    return data.make_xor(n_samples=60, noise=0.1, seed=0)


# ----- figures and frames ---------------------------------------------------------------


def test_describe_adds_the_titles_that_carry_the_numbers():
    figure, (left, _) = figures.new_figure(ncols=2)
    assert figures.describe(figure, " Two panels. ") == "Two panels."
    left.set_title("cost 0.25")
    figure.suptitle("epoch 7")
    assert figures.describe(figure, "Two panels.") == "Two panels. Titles: epoch 7; cost 0.25."


def test_show_sends_the_png_once_with_its_alt_text_in_the_metadata_and_as_plain_text(
    monkeypatch,
):
    sent = []
    monkeypatch.setattr(
        figures, "display", lambda bundle, **options: sent.append((bundle, options))
    )
    figure, ax = plt.subplots()
    ax.set_title('a "quoted" <title>')
    expected = figures.figure_png(figure)  # as drawn: compacted only where it is stored
    figures.show(figure, "A blank chart.")
    [(bundle, options)] = sent
    alt = 'A blank chart. Titles: a "quoted" <title>.'
    # the PNG once, no HTML copy; its alt where nbconvert, Voila and the course's
    # JupyterLab extension read it
    assert options == {"metadata": {"image/png": {"alt": alt}}, "raw": True}
    assert set(bundle) == {"image/png", "text/plain"}
    assert bundle["text/plain"] == alt
    assert base64.b64decode(bundle["image/png"]) == expected
    assert not plt.fignum_exists(figure.number)  # closed: the inline backend shows it once


class FigureAlts(HTMLParser):
    """The alt text of each PNG figure of an HTML page, in page order (None if it has none)."""

    def __init__(self, page):
        super().__init__()
        self.alts = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "img" and attributes.get("src", "").startswith("data:image/png;base64,"):
            self.alts.append(attributes.get("alt"))


def test_nbconvert_html_gives_each_stored_figure_its_alt_text():
    """With the classic template (nbviewer's look): nbconvert 7.17's lab template writes
    "No description has been provided" for every PNG (README, "For contributors")."""
    path = Path(__file__).parents[1] / "notebooks" / "03_one_hidden_layer.ipynb"
    notebook = nbformat.read(path, as_version=4)
    outputs = [o for cell in notebook.cells for o in cell.get("outputs", [])]
    stored = [o.metadata["image/png"]["alt"] for o in outputs if "image/png" in o.get("data", {})]
    page, _ = HTMLExporter(template_name="classic").from_notebook_node(notebook)
    alts = FigureAlts(page).alts  # the Markdown diagrams' too, from their own alt text
    assert len(stored) >= 3 and None not in alts
    assert [alt for alt in alts if alt in stored] == stored


NOTEBOOK_BYTES = 4_000_000
"""Both editions together at most 4 MB (issue 20)."""


def test_both_editions_store_each_figure_once_and_together_stay_under_4_mb():
    root = Path(__file__).parents[1] / "notebooks"
    paths = [*root.glob("*.ipynb"), *root.glob("student/*.ipynb")]
    assert len(paths) >= 20
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        for output in (o for cell in notebook.cells for o in cell.get("outputs", [])):
            if "image/png" in output.get("data", {}):
                assert set(output.data) == {"image/png", "text/plain"}, path.name
                assert output.metadata["image/png"]["alt"] == output.data["text/plain"]
    assert sum(path.stat().st_size for path in paths) <= NOTEBOOK_BYTES


def pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(float)


def notebook_with_a_figure(png):
    """A notebook of one code cell whose outputs are a figure (``png``) and a printed line."""
    figure = nbformat.v4.new_output(
        "display_data",
        data={"image/png": base64.b64encode(png).decode("ascii"), "text/plain": "A chart."},
    )
    printed = nbformat.v4.new_output("stream", name="stdout", text="done\n")
    return nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# A"),
            nbformat.v4.new_code_cell(outputs=[figure, printed]),
        ]
    )


def stored_png(notebook):
    return base64.b64decode(notebook.cells[1].outputs[0].data["image/png"])


def test_compact_figures_compacts_each_stored_figure_and_leaves_the_rest():
    figure, ax = figures.new_figure(width=4.0, height=2.0)
    ax.plot([0, 1], [0, 1])
    png = figures.figure_png(figure)
    notebook = notebook_with_a_figure(png)
    expected = nbformat.from_dict(notebook)
    resources = {"kept": True}
    assert figures.compact_figures(notebook, resources) == (notebook, resources)
    assert stored_png(notebook) == figures.compact_png(png)
    expected.cells[1].outputs[0].data["image/png"] = notebook.cells[1].outputs[0].data["image/png"]
    assert notebook == expected  # nothing else changed
    again = pixels(figures.compact_png(stored_png(notebook)))
    np.testing.assert_array_equal(again, pixels(stored_png(notebook)))  # compacted again: same


def test_the_nbconvert_config_stores_each_figure_compacted():
    """README's command (``jupyter nbconvert --config=jupyter_nbconvert_config.json --to
    notebook``) runs compact_figures on what it writes: here without --execute, on a notebook
    that holds a figure as the kernel sent it."""
    config = Path(__file__).parents[1] / "jupyter_nbconvert_config.json"
    figure, ax = figures.new_figure(width=4.0, height=2.0)
    ax.plot([0, 1], [0, 1])
    png = figures.figure_png(figure)
    exporter = NotebookExporter(config=Config(json.loads(config.read_text())))
    written, _ = exporter.from_notebook_node(notebook_with_a_figure(png))
    assert stored_png(nbformat.reads(written, as_version=4)) == figures.compact_png(png)


def test_compact_png_keeps_a_few_colours_exactly_and_is_smaller():
    figure, ax = figures.new_figure(width=4.0, height=2.0)
    ax.plot([0, 1], [0, 1], color="black", antialiased=False)
    ax.set_axis_off()
    png = figures.figure_png(figure)
    small = figures.compact_png(png)
    assert small[:8] == PNG_SIGNATURE and len(small) < len(png)
    assert Image.open(io.BytesIO(small)).mode == "P"  # an exact palette: every pixel kept
    np.testing.assert_array_equal(pixels(small), pixels(png))
    assert figures.compact_png(png) == small  # the same bytes every time


def test_compact_png_of_a_smooth_shading_stays_within_a_colour_difference_no_one_sees():
    figure, ax = figures.new_figure(width=4.0, height=3.0)
    u = np.linspace(0.0, 1.0, 150)
    ax.imshow(
        np.add.outer(u, u) / 2, cmap=charts.PROBABILITY_COLOURS, alpha=0.5, interpolation="bilinear"
    )
    ax.plot(u, u**2, color="black")
    ax.set_title("a title with anti-aliased letters")
    png = figures.figure_png(figure)
    before, after = pixels(png), pixels(figures.compact_png(png))
    assert len(figures.compact_png(png)) < len(png) / 2
    lab = [figures._lab(image.reshape(-1, 3)) for image in (before, after)]
    error = np.sqrt(((lab[0] - lab[1]) ** 2).sum(1))
    assert error.max() <= 2 * figures.EDGE_ERROR  # a dithered pixel: two palette colours
    # averaged over each 4 x 4 tile of the dither, what the eye sees is the colour drawn
    tiles = [
        image[: image.shape[0] // 4 * 4, : image.shape[1] // 4 * 4]
        .reshape(image.shape[0] // 4, 4, image.shape[1] // 4, 4, 3)
        .mean(axis=(1, 3))
        for image in (before, after)
    ]
    tile_lab = [figures._lab(tile.reshape(-1, 3)) for tile in tiles]
    assert np.median(np.sqrt(((tile_lab[0] - tile_lab[1]) ** 2).sum(1))) < 0.5


def test_compact_png_keeps_transparency_and_many_far_apart_colours():
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 256, size=(64, 64, 3), dtype=np.uint8)  # no palette fits it
    buffer = io.BytesIO()
    Image.fromarray(noise).save(buffer, format="png")
    np.testing.assert_array_equal(pixels(figures.compact_png(buffer.getvalue())), noise)
    clear = np.zeros((8, 8, 4), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(clear).save(buffer, format="png")
    kept = Image.open(io.BytesIO(figures.compact_png(buffer.getvalue())))
    np.testing.assert_array_equal(np.asarray(kept.convert("RGBA")), clear)


def test_new_figure_has_the_axes_asked_for_and_renders_to_png():
    figure, axes = figures.new_figure(width=4.0, height=2.0, ncols=3)
    assert len(axes) == 3
    assert tuple(figure.get_size_inches()) == (4.0, 2.0)
    png = figures.figure_png(figure)
    assert png[:8] == PNG_SIGNATURE
    # 4 x 2 inches at FIGURE_DPI: the PNG header holds width and height (big-endian).
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (4 * figures.FIGURE_DPI, 2 * figures.FIGURE_DPI)


@pytest.mark.parametrize("dpi", [figures.FIGURE_DPI, 72])
def test_figure_png_draws_once_the_pixels_savefig_draws_twice(dpi):
    figure, axes = figures.new_figure(width=6.0, height=2.5, ncols=3)
    figure.set_dpi(dpi)  # as a pyplot figure's may be: rendered at FIGURE_DPI all the same
    for i, ax in enumerate(axes):
        ax.plot(np.arange(10.0) ** i, label=f"$x^{i}$")
        ax.set(title=f"power {i}", xlabel="$x$", ylabel=f"long label {'y' * 4 * i}")
        ax.legend()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=figures.FIGURE_DPI)
    first = figures.figure_png(figure)
    draws = []
    figure.canvas.mpl_connect("draw_event", draws.append)
    png = figures.figure_png(figure)
    assert len(draws) == 1
    assert png == first
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(png))), np.asarray(Image.open(buffer)))


# ----- curves -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "limit"), [(0, 10), (10, 10), (11, 20), (21, 50), (51, 100), (101, 200), (450, 500)]
)
def test_nice_limit_steps_through_1_2_5_times_powers_of_ten(value, limit):
    assert charts.nice_limit(value) == limit


def test_decade_limits_enclose_the_positive_values_in_powers_of_ten():
    low, high = charts.decade_limits(np.array([[0.03, 0.5], [0.0, 2.0]]))
    assert (low, high) == pytest.approx((0.01, 10.0))
    assert charts.decade_limits(np.zeros((2, 3))) == (0.1, 1.0)  # nothing to show


def test_curves_show_one_line_per_curve_and_hide_the_others():
    fig, ax = plt.subplots()
    curves = charts.Curves(ax, "y", "title", labels=("a", "b", "c"))
    curves.update([np.array([3.0, 2.0, 1.0]), np.array([0.5, 0.25, 0.125])])
    first, second, third = curves.lines
    np.testing.assert_array_equal(first.get_xdata(), [1, 2, 3])  # epochs count from 1
    np.testing.assert_array_equal(second.get_ydata(), [0.5, 0.25, 0.125])
    assert first.get_visible() and second.get_visible()
    assert not third.get_visible()
    assert ax.get_ylim()[0] <= 0.125 and ax.get_ylim()[1] >= 3.0  # fitted to the data
    curves.update([np.array([1.0, 2.0])], epochs=[5, 10], labels=["only"])
    np.testing.assert_array_equal(first.get_xdata(), [5, 10])
    assert not second.get_visible()
    assert curves.labels == ["only"]
    assert ax.get_legend() is None  # one line needs no legend
    curves.update([np.array([1.0]), np.array([2.0])], labels=["p", "q"])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["p", "q"]
    plt.close(fig)


def test_a_single_unsteady_curve_has_no_legend_and_a_log_one_skips_non_positive_values():
    fig, ax = plt.subplots()
    curves = charts.Curves(ax, "cost", "title", log=True)
    assert ax.get_legend() is None
    assert ax.get_yscale() == "log"
    curves.update([np.array([1.0, 0.0, 0.5])])
    y = curves.lines[0].get_ydata()
    assert y[0] == 1.0 and np.isnan(y[1]) and y[2] == 0.5
    plt.close(fig)


def test_a_fixed_y_range_stays_and_steady_curves_move_their_limits_in_steps():
    fig, (ax_fixed, ax_steady) = plt.subplots(1, 2)
    fixed = charts.Curves(ax_fixed, "accuracy", "title", ylim=(0.0, 1.0))
    fixed.update([np.array([0.2, 0.4, 0.6])])
    assert ax_fixed.get_ylim() == (0.0, 1.0)
    steady = charts.Curves(ax_steady, "cost", "title", ["train", "test"], log=True, steady=True)
    costs = [np.array([0.9, 0.3, 0.04]), np.array([1.2, 0.5, 0.2])]
    steady.update(costs, epochs=[0, 1, 12])
    assert ax_steady.get_xlim() == (0, charts.nice_limit(12)) == (0, 20)
    assert ax_steady.get_ylim() == pytest.approx(charts.decade_limits(np.concatenate(costs)))
    assert ax_steady.get_ylim() == pytest.approx((0.01, 10.0))
    plt.close(fig)


# ----- decision boundaries ----------------------------------------------------------------


def test_decision_boundary_gives_each_class_its_colour_and_marker_and_edges_test_points():
    fig, ax = plt.subplots()
    X, Y = np.array([[0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 0.0, 1.0]]), np.array([[0, 1, 1, 0]])
    X_test, Y_test = np.array([[0.5, 2.5], [0.5, 0.5]]), np.array([[1, 0]])
    view = charts.DecisionBoundary(ax)
    view.set_data(X, Y, X_test, Y_test)
    class_0, class_1 = view.classes
    # class 0: training points 1 and 4, then test point 2; class 1: 2 and 3, then test point 1
    np.testing.assert_array_equal(class_0.get_offsets(), [[0, 0], [3, 1], [2.5, 0.5]])
    np.testing.assert_array_equal(class_1.get_offsets(), [[1, 1], [2, 0], [0.5, 0.5]])
    white, black = to_rgba("white"), to_rgba("black")
    for points, colour, marker in zip(
        view.classes, palette.CLASS_COLOURS, palette.CLASS_MARKERS, strict=True
    ):
        assert [tuple(c) for c in points.get_facecolors()] == [to_rgba(colour)]
        expected = MarkerStyle(marker)
        path = expected.get_path().transformed(expected.get_transform())
        np.testing.assert_allclose(points.get_paths()[0].vertices, path.vertices)
        assert [tuple(c) for c in points.get_edgecolors()] == [white, white, black]
        train_width, _, test_width = points.get_linewidths()
        assert test_width > train_width  # a test point's black edge is thicker
    assert palette.CLASS_MARKERS[0] != palette.CLASS_MARKERS[1]  # shapes differ, not only hues
    plt.close(fig)


def test_decision_boundary_map_runs_from_class_0_through_white_to_class_1():
    fig, ax = plt.subplots()
    view = charts.DecisionBoundary(ax)
    cmap = view.image.get_cmap()
    low, middle, high = (to_rgba(cmap(value)) for value in (0.0, 0.5, 1.0))
    assert low == pytest.approx(to_rgba(palette.CLASS_COLOURS[0]))
    assert middle == pytest.approx(to_rgba("white"), abs=0.01)
    assert high == pytest.approx(to_rgba(palette.CLASS_COLOURS[1]))
    assert view.image.get_alpha() == 0.5
    plt.close(fig)


def test_decision_boundary_covers_every_point_and_a_margin():
    fig, ax = plt.subplots()
    X, Y = np.array([[-1.0, 2.0], [0.0, 3.0]]), np.array([[0, 1]])
    view = charts.DecisionBoundary(ax, X, Y, grid_points=7)
    assert view.grid.shape == (2, 49)
    margin = charts.BOUNDARY_MARGIN
    assert ax.get_xlim() == pytest.approx((-1.0 - margin, 2.0 + margin))
    assert ax.get_ylim() == pytest.approx((0.0 - margin, 3.0 + margin))
    view.set_data(X, Y, np.array([[5.0], [-4.0]]), np.array([[1]]))  # test points count too
    assert ax.get_xlim() == pytest.approx((-1.0 - margin, 5.0 + margin))
    assert ax.get_ylim() == pytest.approx((-4.0 - margin, 3.0 + margin))
    plt.close(fig)


def test_decision_boundary_shows_the_probabilities_and_the_half_line():
    fig, (ax, ax_plain) = plt.subplots(1, 2)
    X, Y = np.array([[-2.0, 2.0], [-1.0, 1.0]]), np.array([[0, 1]])

    def proba(grid):
        return sigmoid(grid[:1])  # a = 0.5 on the line x1 = 0

    view = charts.DecisionBoundary(ax, X, Y, grid_points=20)
    view.update(proba)
    np.testing.assert_allclose(np.asarray(view.image.get_array()).ravel(), proba(view.grid)[0])
    assert view.contour is not None
    view.update(lambda grid: np.full((1, grid.shape[1]), 0.9))  # never 0.5: no line
    assert view.contour is None
    plain = charts.DecisionBoundary(ax_plain, X, Y, grid_points=20, contour=False)
    plain.update(proba)
    assert plain.contour is None
    assert not ax_plain.collections[2:]  # the two scatters only, no contour lines
    plt.close(fig)


def test_training_view_titles_the_accuracy(xor):
    X, Y = xor
    _, axes = figures.new_figure(ncols=2)
    view = charts.TrainingView(axes, X, Y)
    # Notebook 03's network, trained as train_hidden_layer(X, Y, 3, 10.0, 100) does.
    model = MLP([2, 3, 1], hidden_activation="sigmoid", loss="half_squared_error", seed=0)
    costs = model.fit(X, Y, 10.0, 100)
    view.update(costs, model.predict_proba, 0.875, "3 hidden units")
    assert axes[1].get_title() == "3 hidden units: training accuracy 87.5%"
    line_x, line_y = view.cost_curve.lines[0].get_data()
    np.testing.assert_array_equal(line_y, costs)
    assert line_x[0] == 1
    assert line_x[-1] == 100


# ----- text tables ----------------------------------------------------------------------


def test_text_table_aligns_columns_and_never_prints_negative_zero():
    table = tables.text_table(
        ["unit", "z"], [("h1", 0.5), ("y10", -1e-9), ("y2", -12.25)], digits=3
    )
    lines = table.splitlines()
    assert lines == [
        "unit        z",
        "----  -------",
        "h1      0.500",
        "y10     0.000",
        "y2    -12.250",
    ]
    with pytest.raises(ValueError, match="2 cells"):
        tables.text_table(["a", "b"], [(1.0,)])


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (3e-12, "< 1e-07 (right)"),
        (4.2e-5, "4.2e-05 (look closer)"),
        (0.6154, "0.615 (wrong)"),
        (1.0, "1.000 (wrong)"),
    ],
)
def test_format_relative_error_prints_a_stable_verdict(error, text):
    assert format_relative_error(error) == text


def test_gradient_check_table_names_shapes_and_verdicts():
    right = np.array([[1.0, 2.0]])
    table = tables.gradient_check_table([("dJ/dW", right, right + 1e-13), ("dJ/db", right, -right)])
    lines = table.splitlines()
    assert lines[0].split() == ["gradient", "shape", "relative", "error"]
    assert "dJ/dW" in lines[2] and "(1, 2)" in lines[2] and "< 1e-07 (right)" in lines[2]
    assert lines[3].endswith("1.000 (wrong)")


# ----- sliders, messages and the Explorer -------------------------------------------------


def test_slider_kind_follows_its_arguments_and_reports_on_release():
    whole = explorer.slider("units", 3, 1, 16, 1)
    real = explorer.slider("noise", 0.1, 0.0, 0.5, 0.01)
    log = explorer.slider("learning rate", 0.1, 1e-3, 100.0, 0.1, log=True)
    assert isinstance(whole, widgets.IntSlider)
    assert isinstance(real, widgets.FloatSlider)
    assert isinstance(log, widgets.FloatLogSlider)
    assert (log.min, log.max, log.value) == pytest.approx((-3.0, 2.0, 0.1))  # min, max: decades
    assert (whole.min, whole.max, whole.value, whole.description) == (1, 16, 3, "units")
    assert not any(s.continuous_update for s in (whole, real, log))


def test_checkboxes_value_is_the_ticked_options_in_order_both_ways():
    group = explorer.Checkboxes("inputs", ("a", "b", "c"), ("c", "a"))
    assert group.value == ("a", "c") and group.children[0].value == "inputs"
    seen = []
    group.observe(lambda change: seen.append(change["new"]), names="value")
    group.boxes["b"].value = True  # a click
    group.value = ("b",)  # set from the code: the boxes follow, with no value in between
    assert seen == [("a", "b", "c"), ("b",)]
    assert [box.value for box in group.boxes.values()] == [False, True, False]
    group.disabled = True
    assert all(box.disabled for box in group.boxes.values())


def test_message_html_escapes_the_text_and_colours_it():
    assert explorer.message_html("a < b & c") == (
        f'<span style="color:{explorer.ERROR_COLOUR}">a &lt; b &amp; c</span>'
    )
    assert explorer.message_html("note", explorer.NOTE_COLOUR) == (
        f'<span style="color:{explorer.NOTE_COLOUR}">note</span>'
    )
    assert explorer.ERROR_COLOUR != explorer.NOTE_COLOUR


def test_cost_rise_note_only_when_the_last_cost_is_higher_and_join_notes():
    assert explorer.cost_rise_note(np.array([1.0, 0.5])) is None
    assert explorer.cost_rise_note(np.array([1.0])) is None
    assert explorer.cost_rise_note(np.array([0.5, 2.0, 1.25])) == (
        "The cost went up, from 0.5 to 1.25: gradient descent is overshooting. "
        "Try a smaller learning rate."
    )
    assert explorer.join_notes(None, None) is None
    assert explorer.join_notes("One.", None, "Two.") == "One. Two."


def line_explorer(fail_at=None, extras=None):
    """An Explorer of one slider x that draws the line y = x t; ``update`` raises at
    ``x == fail_at`` and notes any x above 3."""
    figure, ax = figures.new_figure(width=3.0, height=2.0)
    (line,) = ax.plot([0, 1], [0, 0])
    ax.set_ylim(0, 6)
    calls = []

    def update(x):
        calls.append(x)
        if x == fail_at:
            raise ValueError(f"x must not be {fail_at}: try another value")
        line.set_ydata([0, x])
        ax.set_title(f"slope {x}")
        return SimpleNamespace(x=x, note="x is above 3." if x > 3 else None)

    controls = {"x": explorer.slider("x", 1, 0, 5, 1)}
    return explorer.Explorer(controls, update, figure, "A line.", extras=extras), calls


def test_explorer_keeps_what_update_returned_and_shows_its_note():
    shown, calls = line_explorer()
    assert calls == [1]  # drawn once at the start, with the controls' values by name
    assert shown.result.x == 1
    assert shown.values() == {"x": 1}
    assert shown.message.value == ""
    assert shown.image.value == figures.figure_png(shown.figure)
    first = shown.image.value
    shown.controls["x"].value = 4
    assert shown.result.x == 4
    assert shown.message.value == explorer.message_html("x is above 3.", explorer.NOTE_COLOUR)
    assert shown.image.value != first
    shown.controls["x"].value = 2
    assert shown.message.value == ""


def test_explorer_describes_its_figure_as_it_changes():
    shown, _ = line_explorer(fail_at=5)
    assert shown.image.tooltip == "A line. Titles: slope 1."
    shown.controls["x"].value = 4
    assert shown.image.tooltip == "A line. Titles: slope 4."
    shown.controls["x"].value = 5  # a failed update keeps the last good figure and its text
    assert shown.image.tooltip == "A line. Titles: slope 4."
    # ipywidgets shows a tooltip (the <img>'s title) only beside an empty description
    assert shown.image.description == ""
    assert "description" in shown.image.get_state()


def test_explorer_says_what_went_wrong_and_keeps_the_last_good_figure_and_result():
    shown, _ = line_explorer(fail_at=2)
    good_result, good_image = shown.result, shown.image.value
    shown.controls["x"].value = 2
    assert shown.message.value == explorer.message_html("x must not be 2: try another value")
    assert shown.result is good_result
    assert shown.image.value == good_image
    shown.controls["x"].value = 3
    assert (shown.result.x, shown.message.value) == (3, "")
    assert shown.image.value != good_image


def test_explorer_without_a_good_run_has_no_result_and_no_figure():
    shown, _ = line_explorer(fail_at=1)
    assert shown.result is None
    assert bytes(shown.image.value) == b""
    assert shown.message.value == explorer.message_html("x must not be 1: try another value")


def test_explorer_shows_extras_between_the_controls_and_the_message():
    bar = widgets.IntProgress()
    shown, calls = line_explorer(extras={"progress": bar})
    assert shown.extras == {"progress": bar}
    row, *middle, message, image = shown.widget.children
    assert list(row.children) == [shown.controls["x"]]
    assert row.layout.flex_flow == "row wrap"
    assert middle == [bar]
    assert (message, image) == (shown.message, shown.image)
    assert calls == [1]  # extras are not passed to update


# ----- the browser's canvas -----------------------------------------------------------------


def test_a_canvas_acts_once_the_browser_drew_the_frame_sent_before():
    canvas = FrameCanvas()
    calls = []
    canvas.show("caption", ["title"], {})
    canvas.after_drawn(lambda: calls.append("no browser yet"))  # none drew a frame: at once
    canvas._on_message(canvas, {"drawn": 1}, [])
    canvas.show("caption", ["title"], {}, answer=True)  # frame 2, answered at once
    canvas.after_drawn(lambda: calls.append("frame 2"))
    canvas.show("caption", ["title"], {})  # frame 3, while playing: answered later
    canvas._on_message(canvas, {"drawn": 1}, [])
    assert calls == ["no browser yet"]
    canvas._on_message(canvas, {"drawn": 2}, [])  # frame 3 is still on its way
    assert calls == ["no browser yet", "frame 2"]
    assert (canvas.frame["id"], canvas.frame["answer"], canvas.ready()) == (3, False, True)
    canvas._on_message(canvas, {"drawn": "3"}, [])  # not a number: nothing happens
    assert canvas.drawn == 2
