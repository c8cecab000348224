"""Tests of notebook 07's other pieces: the backward loop in a right and a wrong order, and the
drawings and the explorer (autodiff_graph_views), used as a student would."""

import math

import pytest
from matplotlib.text import Annotation

import backprop_lib as bp
from backprop_lib import data
from backprop_lib.autodiff import graph
from backprop_lib.display.explorer import ERROR_COLOUR, NOTE_COLOUR, message_html
from backprop_lib.display.figures import new_figure
from backprop_lib.lessons import autodiff_graph as ag
from backprop_lib.lessons import autodiff_graph_views as views
from tests.explorer_checks import PNG_SIGNATURE, assert_slider_range, move

H = 1e-6  # central-difference step


def central(f, xs, k):
    up, down = list(xs), list(xs)
    up[k] += H
    down[k] -= H
    return (f(*up) - f(*down)) / (2 * H)


def value_of(expression, *xs):
    return views.evaluate(expression, *xs).output.data


# ----- the order of the backward loop ------------------------------------------------------


def out_of_a_shared_node():
    x = bp.Value(0.5, label="x")
    a = x * 2.0
    return x, a + (a * 3.0).tanh()


def test_the_sweep_in_reverse_topological_order_is_backward():
    x, out = out_of_a_shared_node()
    ag.chain_rule_sweep(out, list(reversed(graph(out)[0])))
    expected = 2.0 + 6.0 * (1.0 - math.tanh(3.0) ** 2)  # d/dx of 2x + tanh(6x) at 0.5
    assert x.grad == pytest.approx(expected, rel=1e-14)
    out.backward()
    assert x.grad == pytest.approx(expected, rel=1e-14)


def test_the_sweep_by_distance_from_the_output_misses_the_long_path():
    x, out = out_of_a_shared_node()
    order = ag.breadth_first_order(out)
    assert order[0] is out
    assert len(order) == len(graph(out)[0])  # every node once
    ag.chain_rule_sweep(out, order)
    assert x.grad == 2.0  # only the short path a -> out


def test_overwriting_instead_of_adding_keeps_one_use():
    x, y, z = bp.Value(2.0), bp.Value(-1.0), bp.Value(0.5)
    out = x * y + x * z
    order = list(reversed(graph(out)[0]))
    ag.chain_rule_sweep(out, order, accumulate=True)
    assert x.grad == -0.5  # y + z
    ag.chain_rule_sweep(out, order, accumulate=False)
    assert x.grad in (-1.0, 0.5)  # y or z, whichever use came last


# ----- drawing -------------------------------------------------------------------------------


def test_layout_puts_each_operation_right_of_its_inputs_and_leaves_just_before_a_user():
    x, y, z = bp.Value(1.0, label="x"), bp.Value(2.0, label="y"), bp.Value(3.0, label="z")
    q = x + y
    f = q * z
    position = views.layout(graph(f)[0])
    column = {node.label or node.op: position[id(node)][0] for node in graph(f)[0]}
    assert column == {"x": 0, "y": 0, "+": 1, "z": 1, "*": 2}
    assert position[id(q)][1] == 0  # operations at the bottom of their column


def test_node_text_shows_value_and_gradient_or_shape_and_steps():
    x = bp.Value(-2.0, label="x")
    out = x * 3.0
    out.backward()
    assert views.node_text(x) == "x\nvalue -2\ngrad 3"
    assert views.node_text(out) == "*\nvalue -6\ngrad 1"
    assert views.node_text(out.parents[1]) == "3\nvalue 3\ngrad -2"  # a constant: its number
    model = bp.MLP([2, 3, 1], hidden_activation="tanh", seed=0)
    built = ag.matrix_graph(model, *data.make_moons(n_samples=5, seed=0))
    assert views.node_text(built.weights[0]) == "W1  (3, 2)"
    assert views.node_text(built.z[1]).splitlines() == [
        "z2  (1, 5)",
        "linear_forward(W2, g(z1), b2)",
        "backward:",
        "weight_gradient",
        "bias_gradient",
        "hidden_delta",
    ]


def test_node_kinds():
    x = bp.Value(1.0, label="x")
    out = x * 2.0
    assert [views.node_kind(n, out) for n in graph(out)[0]] == ["input", "constant", "output"]


def test_graph_view_changes_only_the_texts_when_only_numbers_change():
    _, ax = new_figure()
    view = views.GraphView(ax)
    first = views.evaluate("(x + y) · z", 2.0, -1.0, 0.5)
    view.update(first.output)
    texts = list(view.texts)
    assert len(texts) == 5
    second = views.evaluate("(x + y) · z", 1.0, -1.0, 0.5)
    view.update(second.output)
    assert view.texts == texts  # the same artists
    assert texts[-1].get_text() == "*\nvalue 0\ngrad 1"
    other = views.evaluate("tanh(x · y + z)", 1.0, -1.0, 0.5)
    view.update(other.output)
    assert view.texts != texts
    assert len(view.texts) == 6


def test_draw_graph_draws_a_box_and_an_arrow_per_use():
    _, ax = new_figure()
    x = bp.Value(1.5, label="x")
    view = views.draw_graph(ax, x * x, title="x * x")
    arrows = [text for text in ax.texts if isinstance(text, Annotation)]
    assert len(view.texts) == len(ax.texts) - len(arrows) == 2  # x and x * x
    assert len(arrows) == 2  # one per use of x, bent apart
    bends = {arrow.arrow_patch.get_connectionstyle().rad for arrow in arrows}
    assert len(bends) == 2
    assert ax.get_title() == "x * x"


# ----- the explorer ---------------------------------------------------------------------------


@pytest.fixture
def explorer():
    return views.expression_explorer()


def test_explorer_starts_drawn_at_the_defaults(explorer):
    assert explorer.message.value == ""
    assert explorer.image.value[:8] == PNG_SIGNATURE
    grads = {name: v.grad for name, v in explorer.result.inputs.items()}
    assert grads == {"x": 0.5, "y": 0.5, "z": 1.0}  # (x + y) z at (2, -1, 0.5)
    for name in views.INPUT_NAMES:
        assert_slider_range(explorer.controls[name], *views.INPUT_RANGE[:2])
        assert explorer.controls[name].description == name
    assert explorer.controls["expression"].description == "expression"


def test_moving_a_slider_recomputes_and_redraws(explorer):
    before = move(explorer, "z", -2.0)
    assert explorer.image.value != before
    assert explorer.result.inputs["x"].grad == pytest.approx(-2.0)
    assert explorer.message.value == ""


@pytest.mark.parametrize("expression", list(views.EXPRESSIONS))
def test_every_expression_is_drawn_with_gradients_that_central_differences_confirm(
    explorer, expression
):
    explorer.controls["expression"].value = expression
    result = explorer.result
    point = views.DEFAULT_INPUTS
    for k, name in enumerate(views.INPUT_NAMES):
        numerical = central(lambda *xs: value_of(expression, *xs), point, k)
        assert result.inputs[name].grad == pytest.approx(numerical, rel=1e-6, abs=1e-9)
    assert explorer.message.value == ""


def test_max_routes_the_gradient_to_the_larger_input(explorer):
    explorer.controls["expression"].value = "max(x, y) · z = (relu(x - y) + y) · z"
    assert explorer.result.inputs["y"].grad == 0.0
    move(explorer, "y", 2.5)  # now y > x
    assert explorer.result.inputs["x"].grad == 0.0
    assert explorer.result.inputs["y"].grad == pytest.approx(0.5)


def test_a_value_outside_the_domain_is_reported_and_the_figure_kept(explorer):
    explorer.controls["expression"].value = "log(x) · y / z"
    good_image, good_result = explorer.image.value, explorer.result
    explorer.controls["x"].value = -1.0
    assert explorer.message.value == message_html("log needs a value > 0; got -1.0", ERROR_COLOUR)
    assert explorer.image.value == good_image
    assert explorer.result is good_result
    explorer.controls["x"].value = 1.5
    assert explorer.message.value == ""


def test_an_unused_input_is_disabled_and_named():
    explorer = views.expression_explorer("(x + y) · z")
    views.EXPRESSIONS["x alone"] = lambda x, y, z: x * x
    try:
        explorer.controls["expression"].options = list(views.EXPRESSIONS)
        explorer.controls["expression"].value = "x alone"
        assert explorer.controls["y"].disabled and explorer.controls["z"].disabled
        assert not explorer.controls["x"].disabled
        note = "y and z not used by this expression: gradient 0."
        assert explorer.message.value == message_html(note, NOTE_COLOUR)
    finally:
        del views.EXPRESSIONS["x alone"]


def test_evaluate_an_unknown_expression_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown expression 'x'; expected one of"):
        views.evaluate("x", 1.0, 2.0, 3.0)
