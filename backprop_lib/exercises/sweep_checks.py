r"""Notebook 07's second check: ``backward_sweep(output)`` sets ``node.grad`` = d output / d node
on every node behind the Value ``output``; against central differences of the output recomputed
on floats with one node's value moved.
"""

import math

import numpy as np

from ..autodiff import Value, topological_order
from .autodiff_checks import ONE_INPUT, OPERATIONS, on_values
from .checking import EPSILON, Case, Mistake, Step, wrong
from .reading import described

GRAPH_OPERATIONS = ("+", "-", "*", "tanh", "sigmoid")

RANDOM_GRAPHS = ((3, 12, False), (2, 16, False), (3, 10, True))
"""(inputs, operations, whether an earlier backward() left its grads) of the random graphs."""

NEAR, RECENT = 0.6, 3
"""Inputs come from the last RECENT nodes with probability NEAR (long paths), else any node."""

INPUT_RANGE = (0.5, 1.5)
"""|x| of the graphs' inputs: tanh and sigmoid curve there (no path's share fades to 0)."""

PRODUCT_LIMIT = 4.0
"""A product is formed only while |u v| stays below this (else a sum): moderate values."""

CHAIN_STEPS = 10_000
"""Multiplications in the chain case: far deeper than Python's recursion limit (1000)."""

CHAIN_WATCHED = 4
"""Nodes inside the chain whose grads are compared (each costs two passes of the chain)."""


def _random_graph(rng, inputs, operations):
    """A Value graph of random operations; its output adds up every node no other node uses."""
    signs = rng.choice([-1.0, 1.0], size=inputs)
    nodes = [Value(s * rng.uniform(*INPUT_RANGE), label=f"x{i + 1}") for i, s in enumerate(signs)]
    used = set()
    for k in range(operations):
        op = GRAPH_OPERATIONS[rng.integers(len(GRAPH_OPERATIONS))]
        pools = [nodes[-RECENT:] if rng.random() < NEAR else nodes for _ in range(2)]
        parents = [pool[rng.integers(len(pool))] for pool in pools][: 1 if op in ONE_INPUT else 2]
        if op == "*" and abs(parents[0].data * parents[1].data) > PRODUCT_LIMIT:
            op = "+"
        nodes.append(on_values(op, *parents))
        nodes[-1].label = f"n{k + 1}"
        used.update(parents)
    sinks = [node for node in nodes if node not in used]
    return sum(sinks[1:], start=sinks[0])


def _uneven(rng):
    """out = a + tanh(a y), a = x x: a reaches out by paths of two lengths, x is used twice."""
    x, y = Value(rng.uniform(*INPUT_RANGE), label="x"), Value(-rng.uniform(*INPUT_RANGE), label="y")
    a = x * x
    return a + (a * y).tanh()


def _chain(rng):
    """x c^n by n multiplications, c = e^(u/n): the output stays between e^-1 and e^1 times x."""
    y = Value(rng.uniform(*INPUT_RANGE), label="x")
    c = Value(math.exp(rng.uniform(-1, 1) / CHAIN_STEPS), label="c")
    for _ in range(CHAIN_STEPS):
        y = y * c
    return y


def _floats(nodes):
    """Each node's value recomputed on floats from the inputs, ``nodes`` in topological order."""
    values = {}
    for node in nodes:
        parents = (values[p] for p in node.parents)
        values[node] = node.data if node.op == "input" else OPERATIONS[node.op][1](*parents)
    return values


def _slope(nodes, i, values):
    """d output / d ``nodes[i]`` by central differences: ``nodes[i]`` moved by +-EPSILON, the
    nodes after it recomputed on floats from ``values`` (:func:`_floats`; those before it
    cannot change)."""
    ends = []
    for step in (EPSILON, -EPSILON):
        moved = dict(values)
        moved[nodes[i]] += step
        for node in nodes[i + 1 :]:
            if node.op != "input":
                moved[node] = OPERATIONS[node.op][1](*(moved[p] for p in node.parents))
        ends.append(moved[nodes[-1]])
    return (ends[0] - ends[1]) / (2 * EPSILON)


def _sweep_case(output, stale=False, watched=None):
    """The case of the graph behind ``output``: central differences for the watched nodes."""
    nodes = topological_order(output)  # output last; each node after its inputs
    watched = range(len(nodes)) if watched is None else watched
    c = {
        "nodes": nodes,
        "data": [node.data for node in nodes],
        "inputs": [i for i in watched if nodes[i].op == "input"],
        "others": [i for i in watched if nodes[i].op != "input"],
    }
    values = _floats(nodes)
    slope = {i: _slope(nodes, i, values) for i in watched}
    if stale:
        output.backward()  # as if the function were called a second time
    c["before"] = [node.grad for node in nodes]
    labels = ("grad of each input", "grad of each other node")
    return Case((output,), _parts(c, slope), labels, c)


def _parts(c, grads):
    """The grads of the watched inputs and of the other watched nodes, as two arrays."""
    return tuple(np.array([float(grads[i]) for i in c[kind]]) for kind in ("inputs", "others"))


def _sweep_cases(rng):
    made = [_sweep_case(_uneven(rng))]
    for inputs, operations, stale in RANDOM_GRAPHS:
        made.append(_sweep_case(_random_graph(rng, inputs, operations), stale))
    inside = rng.choice(np.arange(2, CHAIN_STEPS + 1), size=CHAIN_WATCHED, replace=False)
    chain = _sweep_case(_chain(rng), watched=[0, *sorted(int(i) for i in inside)])  # x, products
    return [*made, chain]


def _reset_sweep(case):
    for node, grad in zip(case.context["nodes"], case.context["before"], strict=True):
        node.grad = grad


def _observe_sweep(value, case):
    """What the sweep left in the graph: every node's grad and data, in topological order."""
    nodes = case.context["nodes"]
    return {"grads": [node.grad for node in nodes], "data": [node.data for node in nodes]}


def _read_sweep(value, case):
    c, grads = case.context, value["grads"]
    for i, node in enumerate(c["nodes"]):
        name = node.label or ("the output" if i == len(grads) - 1 else f"a {node.op} node")
        if value["data"][i] != c["data"][i]:
            raise wrong(f"wrong: backward_sweep changed the .data of {name}: set only the grads.")
        number = isinstance(grads[i], int | float | np.number) and not isinstance(grads[i], bool)
        if not (number and math.isfinite(grads[i])):
            shown = repr(grads[i]) if number else described(grads[i])
            raise wrong(
                f"wrong: after backward_sweep the grad of {name} is {shown}: every grad must be a "
                "finite number (start from 0.0)."
            )
    return _parts(c, grads)


def _other_order(output):
    """Each node after its inputs, by the other depth-first search: topological_order visits a
    node's inputs first to last, this one last to first."""
    order, seen, stack = [], set(), [(output, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
        elif node not in seen:
            seen.add(node)
            stack += [(node, True), *((parent, False) for parent in node.parents)]
    return order


def _by_distance(output):
    """The nodes by distance from the output, each once (a breadth-first search)."""
    order, seen = [output], {output}
    for node in order:  # the list grows as it is read: a queue
        for parent in node.parents:
            if parent not in seen:
                seen.add(parent)
                order.append(parent)
    return order


def _sweep(order=None, assign=False, zero=True, start=1.0, local=True, upstream=True):
    """A backward_sweep over ``order(output)`` (by default the reverse topological order), with
    one thing changed."""

    def backward_sweep(output):
        nodes = order(output) if order else topological_order(output)[::-1]
        if zero:
            for node in nodes:
                node.grad = 0.0
        output.grad = start
        for node in nodes:
            for parent, slope in zip(node.parents, node.local_grads, strict=True):
                share = (slope if local else 1.0) * (node.grad if upstream else 1.0)
                parent.grad = share if assign else parent.grad + share

    return backward_sweep


ASSIGNED = (
    "wrong: a node used more than once kept the share of one use only: add the shares, "
    "parent.grad += local * node.grad, rather than assign them."
)

BACKWARD_SWEEP = Step(
    "backward_sweep",
    "backward_sweep(output) -> None; sets node.grad = d output / d node on every node behind "
    "the Value output, from node.parents and node.local_grads",
    ("output",),
    _sweep_cases,
    _read_sweep,
    (
        Mistake(_sweep(assign=True), ASSIGNED),
        Mistake(_sweep(lambda output: _other_order(output)[::-1], assign=True), ASSIGNED),
        Mistake(
            _sweep(topological_order),
            "wrong: you swept from the inputs to the output; walk the topological order "
            "backwards, from the output to the inputs.",
        ),
        Mistake(
            _sweep(_by_distance),
            "wrong: you visited the nodes by their distance from the output, so a node reached "
            "by paths of different lengths passed its grad on before the longer path delivered "
            "its share: visit them in reverse topological order.",
        ),
        Mistake(
            _sweep(zero=False),
            "wrong: your grads kept what an earlier sweep left in them, so a second call doubles "
            "them: set every node's grad to 0.0 before the sweep.",
        ),
        Mistake(
            _sweep(start=0.0),
            "wrong: every grad is 0.0: set node.grad on the nodes themselves (the function "
            "returns nothing), starting from output.grad = 1.0, d output / d output.",
        ),
        Mistake(
            _sweep(local=False),
            "wrong: you passed node.grad on without the local derivative: parent.grad += local "
            "* node.grad, with local from node.local_grads.",
        ),
        Mistake(
            _sweep(upstream=False),
            "wrong: you passed on the local derivatives alone; multiply each by the grad "
            "arriving from above: parent.grad += local * node.grad.",
        ),
    ),
    hint="Find an order in which each node comes after its inputs (for example "
    "topological_order(output)) and walk it backwards.",
    against="central differences of the output in each node",
    observe=_observe_sweep,
    reset=_reset_sweep,
)

STEPS = (BACKWARD_SWEEP,)
"""Notebook 07's second check."""
