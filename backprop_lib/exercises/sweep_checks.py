r"""Notebook 07's second check: the backward sweep over a graph of Values.

"backward_sweep": ``fn(output)`` sets ``node.grad`` = d output / d node on every node behind
the Value ``output``; checked against central differences of the output recomputed on floats
with one node's value moved, on graphs with shared nodes and paths of uneven length, on one
whose grads an earlier sweep left behind, and on a chain deeper than the recursion limit.
"""

import math

import numpy as np

from ..autodiff import Value, topological_order
from .autodiff_checks import ONE_INPUT, sigmoid_of_float
from .checking import EPSILON, Case, Mistake, Step, wrong
from .reading import described

VALUE_OPERATIONS = {
    "+": lambda u, v: u + v,
    "-": lambda u, v: u - v,
    "*": lambda u, v: u * v,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
}
"""The operations of the random graphs, on Values; FLOAT_OPERATIONS recompute them on floats."""

FLOAT_OPERATIONS = {**VALUE_OPERATIONS, "tanh": math.tanh, "sigmoid": sigmoid_of_float}

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
        op = list(VALUE_OPERATIONS)[rng.integers(len(VALUE_OPERATIONS))]
        pools = [nodes[-RECENT:] if rng.random() < NEAR else nodes for _ in range(2)]
        parents = [pool[rng.integers(len(pool))] for pool in pools][: 1 if op in ONE_INPUT else 2]
        if op == "*" and abs(parents[0].data * parents[1].data) > PRODUCT_LIMIT:
            op = "+"
        nodes.append(VALUE_OPERATIONS[op](*parents))
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


def _output_moved(c, moved, step):
    """The output recomputed on floats, with node ``moved``'s value changed by ``step``."""
    values = list(c["data"])  # the inputs' values; the others are recomputed in order
    for i, (op, parents) in enumerate(zip(c["ops"], c["parents"], strict=True)):
        if op != "input":
            values[i] = FLOAT_OPERATIONS[op](*(values[p] for p in parents))
        values[i] += step * (i == moved)
    return values[-1]


def _sweep_case(output, stale=False, watched=None):
    """The graph behind ``output`` as indices, and central differences for the watched nodes."""
    nodes = topological_order(output)  # output last; each node after its inputs
    index = {node: i for i, node in enumerate(nodes)}
    c = {
        "nodes": nodes,
        "ops": [node.op for node in nodes],
        "parents": [tuple(index[p] for p in node.parents) for node in nodes],
        "local": [node.local_grads for node in nodes],
        "data": [node.data for node in nodes],
    }
    watched = range(len(nodes)) if watched is None else watched
    c["inputs"] = [i for i in watched if c["ops"][i] == "input"]
    c["others"] = [i for i in watched if c["ops"][i] != "input"]
    slope = {
        i: (_output_moved(c, i, EPSILON) - _output_moved(c, i, -EPSILON)) / (2 * EPSILON)
        for i in watched
    }
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


def _postorder(c, flip=False):
    """A depth-first order, each node after its inputs, visited first to last (or the reverse)."""
    order, seen, stack = [], set(), [(len(c["ops"]) - 1, False)]
    while stack:
        i, expanded = stack.pop()
        if expanded:
            order.append(i)
        elif i not in seen:
            seen.add(i)
            parents = c["parents"][i] if flip else c["parents"][i][::-1]
            stack += [(i, True), *((p, False) for p in parents if p not in seen)]
    return order


def _by_distance(c):
    """The nodes by distance from the output, each once (a breadth-first search)."""
    order, seen = [len(c["ops"]) - 1], {len(c["ops"]) - 1}
    for i in order:  # the list grows as it is read: a queue
        fresh = [p for p in dict.fromkeys(c["parents"][i]) if p not in seen]
        seen.update(fresh)
        order += fresh
    return order


def _sweep(c, order, accumulate=True, reset=True, local=True, upstream=True):
    """What the backward loop over ``order`` leaves in the grads, with one thing changed."""
    grads = [0.0] * len(c["ops"]) if reset else list(c["before"])
    grads[-1] = 1.0
    for i in order:
        for p, slope in zip(c["parents"][i], c["local"][i], strict=True):
            share = (slope if local else 1.0) * (grads[i] if upstream else 1.0)
            grads[p] = grads[p] + share if accumulate else share
    return _parts(c, grads)


REVERSE_ORDERS = (lambda c: _postorder(c)[::-1], lambda c: _postorder(c, True)[::-1])
"""Reverse topological orders a student's search may find: the library's, and the other."""

ASSIGNED = (
    "wrong: a node used more than once kept the share of one use only: add the shares, "
    "parent.grad += local * node.grad, rather than assign them."
)
FORWARD = (
    "wrong: you swept from the inputs to the output; walk the topological order backwards, "
    "from the output to the inputs."
)
SWEEP_MISTAKES = (
    *(Mistake(lambda c, o=o: _sweep(c, o(c), accumulate=False), ASSIGNED) for o in REVERSE_ORDERS),
    Mistake(lambda c: _sweep(c, _postorder(c)), FORWARD),
    Mistake(
        lambda c: _sweep(c, _by_distance(c)),
        "wrong: you visited the nodes by their distance from the output, so a node reached by "
        "paths of different lengths passed its grad on before the longer path delivered its "
        "share: visit them in reverse topological order.",
    ),
    Mistake(
        lambda c: _sweep(c, REVERSE_ORDERS[0](c), reset=False),
        "wrong: your grads kept what an earlier sweep left in them, so a second call doubles "
        "them: set every node's grad to 0.0 before the sweep.",
    ),
    Mistake(
        lambda c: _parts(c, [0.0] * len(c["ops"])),
        "wrong: every grad is 0.0: set node.grad on the nodes themselves (the function returns "
        "nothing), starting from output.grad = 1.0, d output / d output.",
    ),
    Mistake(
        lambda c: _sweep(c, REVERSE_ORDERS[0](c), local=False),
        "wrong: you passed node.grad on without the local derivative: parent.grad += local * "
        "node.grad, with local from node.local_grads.",
    ),
    Mistake(
        lambda c: _sweep(c, REVERSE_ORDERS[0](c), upstream=False),
        "wrong: you passed on the local derivatives alone; multiply each by the grad arriving "
        "from above: parent.grad += local * node.grad.",
    ),
)

BACKWARD_SWEEP = Step(
    "backward_sweep",
    "backward_sweep(output) -> None; sets node.grad = d output / d node on every node behind "
    "the Value output, from node.parents and node.local_grads",
    ("output",),
    _sweep_cases,
    _read_sweep,
    SWEEP_MISTAKES,
    hint="Find an order in which each node comes after its inputs (for example "
    "topological_order(output)) and walk it backwards.",
    against="central differences of the output in each node",
    observe=_observe_sweep,
)

STEPS = (BACKWARD_SWEEP,)
"""Notebook 07's second check."""
