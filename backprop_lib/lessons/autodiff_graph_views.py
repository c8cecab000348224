"""Notebook 07, drawn: computation graphs with each node's value and gradient, and an explorer of
small expressions (what a gradient costs by each method is drawn by
:func:`~backprop_lib.lessons.gradient_checking_views.plot_gradient_costs`).

A graph is drawn with matplotlib alone (no Graphviz): nodes in columns by depth, inputs on
the left, the output on the right, an arrow for each use of a node. The same drawing serves
the scalar :class:`~backprop_lib.Value` graphs and the matrix graphs of
:func:`~backprop_lib.lessons.autodiff_graph.matrix_graph`.
"""

from types import SimpleNamespace

import ipywidgets as widgets
import numpy as np

from ..autodiff import Value, topological_order
from ..display.explorer import Explorer, slider
from ..display.figures import new_figure
from ..display.palette import ORANGE, SKY_BLUE, distinct

NODE_COLOURS = distinct(
    "graph nodes (notebook 07)",
    {"input": SKY_BLUE, "constant": "0.7", "operation": "white", "output": ORANGE},
)
"""Fill of each kind of node: Okabe-Ito sky blue for inputs and parameters (what gradients
are wanted for), grey for constants and data, white for operations, Okabe-Ito orange for the
output. Text stays black on all four, and the kinds differ in lightness too."""

EXPRESSIONS = {
    "(x + y) · z": lambda x, y, z: (x + y) * z,
    "max(x, y) · z = (relu(x - y) + y) · z": lambda x, y, z: ((x - y).relu() + y) * z,
    "x · y + x · z": lambda x, y, z: x * y + x * z,
    "tanh(x · y + z)": lambda x, y, z: (x * y + z).tanh(),
    "½ (sigmoid(x · y + z) - 1)²": lambda x, y, z: 0.5 * ((x * y + z).sigmoid() - 1.0) ** 2,
    "log(x) · y / z": lambda x, y, z: x.log() * y / z,
}
"""The explorer's expressions of three inputs: the gate patterns (add distributes, multiply
swaps, max routes), an input used twice, a neuron, its loss, and two operations with a
domain (log needs x > 0, division z != 0)."""

INPUT_NAMES = ("x", "y", "z")
DEFAULT_INPUTS = (2.0, -1.0, 0.5)
"""Inputs at which every expression is defined and no input's gradient is 0."""

INPUT_RANGE = (-3.0, 3.0, 0.1)
"""Slider range and step of each input: wide enough to saturate tanh and the sigmoid."""


def evaluate(expression, x, y, z):
    """Build one of :data:`EXPRESSIONS` on the Values x, y, z and run ``backward()``.

    Returns
    -------
    SimpleNamespace
        ``output`` (the Value), ``inputs`` (name -> its Value, with its grad) and
        ``unused`` (the names of inputs the expression does not use).
    """
    if expression not in EXPRESSIONS:
        raise ValueError(f"unknown expression {expression!r}; expected one of {list(EXPRESSIONS)}")
    inputs = {name: Value(v, name) for name, v in zip(INPUT_NAMES, (x, y, z), strict=True)}
    output = EXPRESSIONS[expression](*inputs.values())
    output.backward()
    in_graph = set(topological_order(output))
    unused = [name for name, v in inputs.items() if v not in in_graph]
    return SimpleNamespace(output=output, inputs=inputs, unused=unused)


def _number(x):
    """A number short enough for a node: 3 significant digits (-0.0 shown as 0)."""
    return f"{x + 0.0:.3g}"


def node_kind(node, output):
    """ "output", "input" (an input Value, a parameter), "constant" (a number, the data) or
    "operation"."""
    if node is output:
        return "output"
    if node.parents:
        return "operation"
    if isinstance(node, Value):
        return "constant" if node.op == "const" else "input"
    return "constant" if node.grad is None else "input"


def node_text(node):
    """What a node shows: its name, value and gradient (a Value); or its name, shape and
    the library functions of its forward and backward steps (a matrix node)."""
    if isinstance(node, Value):
        name = node.label or (_number(node.data) if node.op == "const" else node.op)
        return f"{name}\nvalue {_number(node.data)}\ngrad {_number(node.grad)}"
    shape = "a number" if np.ndim(node.data) == 0 else str(np.shape(node.data))
    if not node.parents:
        return f"{node.label}  {shape}"
    steps = node.backward_steps.split(", ")
    return "\n".join([f"{node.label}  {shape}", node.forward, "backward:", *steps])


def layout(nodes):
    """Positions of ``nodes`` (in topological order): an operation one column right of its
    deepest parent, a leaf (input, constant) one column left of its nearest user; in each
    column the leaves above the operations, each group in topological order, from y = 0 up.

    Returns
    -------
    dict of id(node) to (x, y)
    """
    column, nearest_user = {}, {}
    for node in nodes:
        column[id(node)] = 1 + max((column[id(p)] for p in node.parents), default=-1)
        for parent in node.parents:
            nearest_user[id(parent)] = min(
                nearest_user.get(id(parent), column[id(node)]), column[id(node)]
            )
    for node in nodes:
        if not node.parents and id(node) in nearest_user:
            column[id(node)] = nearest_user[id(node)] - 1
    columns = {}
    for node in sorted(nodes, key=lambda node: bool(node.parents)):  # leaves above operations
        columns.setdefault(column[id(node)], []).append(node)
    return {
        id(node): (c, len(members) - 1 - k)
        for c, members in columns.items()
        for k, node in enumerate(members)
    }


class GraphView:
    """A computation graph on one Axes, redrawn in place when only its numbers change.

    Parameters
    ----------
    ax : matplotlib Axes
    fontsize : float
    """

    WHAT = (
        "A computation graph drawn left to right: inputs in sky blue, constants in grey, "
        "operations in white and the output in orange, each box holding its name, its value "
        "and its gradient, with arrows from each operand to the operation that uses it."
    )
    """What the view shows, for readers who cannot see it (alt text)."""

    def __init__(self, ax, fontsize=9):
        self.ax, self.fontsize = ax, fontsize
        self.texts, self._structure = [], None

    def update(self, output, title=""):
        """Draw the graph behind ``output`` (a Value or a matrix node) with every node's
        numbers; if only the numbers changed since the last call, change just the texts."""
        nodes = topological_order(output)
        index = {id(node): k for k, node in enumerate(nodes)}
        edges = [(index[id(p)], index[id(n)]) for n in nodes for p in n.parents]
        structure = (
            [node_kind(n, output) for n in nodes],
            [node_text(n)[:1] for n in nodes],
            edges,
        )
        if structure == self._structure:
            for text, node in zip(self.texts, nodes, strict=True):
                text.set_text(node_text(node))
        else:
            self._draw(nodes, edges, output)
            self._structure = structure
        self.ax.set_title(title)

    def _draw(self, nodes, edges, output):
        ax = self.ax
        ax.clear()
        ax.set_axis_off()
        position = layout(nodes)
        self.texts = []
        for node in nodes:
            x, y = position[id(node)]
            box = {"boxstyle": "round,pad=0.4", "fc": NODE_COLOURS[node_kind(node, output)]}
            text = ax.text(
                x,
                y,
                node_text(node),
                ha="center",
                va="center",
                fontsize=self.fontsize,
                bbox={**box, "ec": "0.3"},
                zorder=3,
            )
            self.texts.append(text)
        uses = {}
        for parent, child in edges:
            uses[(parent, child)] = uses.get((parent, child), 0) + 1
            bend = 0.0 if edges.count((parent, child)) == 1 else 0.3 * (-1) ** uses[(parent, child)]
            ax.annotate(
                "",
                xy=(0.0, 0.5),
                xycoords=self.texts[child],
                xytext=(1.0, 0.5),
                textcoords=self.texts[parent],
                zorder=2,
                arrowprops={
                    "arrowstyle": "->",
                    "color": "0.35",
                    "connectionstyle": f"arc3,rad={bend}",
                },
            )
        xs, ys = zip(*position.values(), strict=True)
        ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
        ax.set_ylim(min(ys) - 0.7, max(ys) + 0.7)


def draw_graph(ax, output, title="", fontsize=9):
    """Draw the graph behind ``output`` on ``ax`` once; returns the :class:`GraphView`."""
    view = GraphView(ax, fontsize)
    view.update(output, title)
    return view


def expression_explorer(expression="(x + y) · z", inputs=DEFAULT_INPUTS):
    """Pick an expression of :data:`EXPRESSIONS`, move x, y and z: the graph is redrawn with
    every node's value and gradient. A slider the expression does not use is disabled, and
    an input outside an operation's domain (log of x <= 0, division by z = 0) is reported.

    Returns
    -------
    Explorer
        Its ``result`` is the last :func:`evaluate`, with a ``note`` naming unused inputs.
    """
    figure, ax = new_figure(width=9.0, height=4.2)
    view = GraphView(ax)
    controls = {
        "expression": widgets.Dropdown(
            options=list(EXPRESSIONS),
            value=expression,
            description="expression",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="24em"),
        ),
        **{
            name: slider(name, value, *INPUT_RANGE)
            for name, value in zip(INPUT_NAMES, inputs, strict=True)
        },
    }

    def update(expression, **values):
        result = evaluate(expression, **values)
        for name in INPUT_NAMES:
            controls[name].disabled = name in result.unused
        grads = ", ".join(f"d/d{name} = {_number(v.grad)}" for name, v in result.inputs.items())
        view.update(result.output, f"{expression} = {_number(result.output.data)};  {grads}")
        if result.unused:
            result.note = f"{' and '.join(result.unused)} not used by this expression: gradient 0."
        return result

    return Explorer(controls, update, figure, GraphView.WHAT)
