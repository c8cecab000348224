r"""Notebook 07's checks: reverse-mode automatic differentiation, one piece at a time.

* "local_derivatives": ``fn(op, a, b) -> (d/da, d/db)`` of one operation of
  :class:`backprop_lib.Value` ("+", "-", "*", "/"; "exp", "log", "tanh", "sigmoid", "relu" of a
  alone, so d/db = 0.0), checked against central differences of the operation on floats.
* "backward_sweep": ``fn(output)`` sets ``node.grad`` = d output / d node on every node behind
  the Value ``output``; checked against central differences of the output recomputed on floats
  with one node's value moved, on graphs with shared nodes and paths of uneven length, on one
  whose grads an earlier sweep left behind, and on a chain deeper than the recursion limit.
"""

import math

import numpy as np

from ..autodiff import Value, topological_order
from .checking import EPSILON, Case, Mistake, Step, wrong
from .reading import described, read_number


def _sigmoid(u):
    return 1.0 / (1.0 + math.exp(-u))


# ----- local_derivatives -------------------------------------------------------------------

OPERATIONS = {
    "+": ("a + b", lambda a, b: a + b),
    "-": ("a - b", lambda a, b: a - b),
    "*": ("a * b", lambda a, b: a * b),
    "/": ("a / b", lambda a, b: a / b),
    "exp": ("exp(a)", lambda a, b: math.exp(a)),
    "log": ("log(a)", lambda a, b: math.log(a)),
    "tanh": ("tanh(a)", lambda a, b: math.tanh(a)),
    "sigmoid": ("sigmoid(a)", lambda a, b: _sigmoid(a)),
    "relu": ("relu(a)", lambda a, b: max(a, 0.0)),
}
"""op -> (how it is written, its value on two floats a and b)."""

ONE_INPUT = ("exp", "log", "tanh", "sigmoid", "relu")

POINTS = 3
"""Points (a, b) per operation; a alternates in sign (positive only for log)."""

A_RANGE = (0.2, 2.5)
"""|a| is drawn from here: away from relu's kink and log's pole at 0; tanh and sigmoid curve."""

B_RANGE = (0.5, 2.0)
"""|b| is drawn from here: away from 0, where a / b and its derivatives blow up."""


def _local_cases(rng):
    made = []
    for op, (expression, f) in OPERATIONS.items():
        for k in range(POINTS):
            sign = 1.0 if op == "log" or k % 2 == 0 else -1.0
            a = sign * float(rng.uniform(*A_RANGE))
            b = float(rng.choice([-1.0, 1.0]) * rng.uniform(*B_RANGE))
            point = np.array([a, b])
            expected = tuple(  # d/da, d/db: move one input at a time
                np.array((f(*(point + step)) - f(*(point - step))) / (2 * EPSILON))
                for step in EPSILON * np.eye(2)
            )
            labels = (f"d/da of {expression}", f"d/db of {expression}")
            right_text = f"({expected[0]:.3g}, {expected[1]:.3g})"
            context = {"op": op, "a": a, "b": b, "expression": expression, "right_text": right_text}
            made.append(Case((op, a, b), expected, labels, context))
    return made


def _read_local(value, case):
    op, expression = case.context["op"], case.context["expression"]
    if not isinstance(value, tuple | list) or len(value) != 2:
        unused = ", with d/db = 0.0 because b is not used" if op in ONE_INPUT else ""
        raise wrong(
            f"wrong: return two numbers (d/da, d/db) for {expression}{unused}; got "
            f"{described(value)}."
        )
    parts = tuple(read_number(part, label) for part, label in zip(value, case.labels, strict=True))
    if op in ONE_INPUT and parts[1] != 0.0:
        raise wrong(
            f"wrong: {expression} does not depend on b, so its d/db is 0.0; you returned "
            f"{float(parts[1]):.3g}."
        )
    case.context["yours"] = parts  # for the last mistake of the catalogue, which shows it
    case.context["yours_text"] = f"({parts[0]:.3g}, {parts[1]:.3g})"
    return parts


def _slope_at(op, at):
    """(tanh'(at), 0.0) or (sigma'(at), 0.0): the derivative taken at ``at`` instead of at a."""
    t = math.tanh(at) if op == "tanh" else _sigmoid(at)
    return (1 - t * t if op == "tanh" else t * (1 - t)), 0.0


def _only(ops, formula, message):
    """A mistake in the operations ``ops`` (space-separated): ``formula(a, b, op)`` -> answer."""

    def predict(c):
        if c["op"] not in ops.split():
            raise ValueError("the mistake concerns another operation")
        return tuple(np.array(float(part)) for part in formula(c["a"], c["b"], c["op"]))

    return Mistake(predict, message)


LOCAL_MISTAKES = (
    _only(
        "-",
        lambda a, b, _: (1.0, 1.0),
        "wrong: a - b hands b the gradient with a minus sign: its local derivatives are 1 and -1.",
    ),
    _only(
        "*",
        lambda a, b, _: (a, b),
        "wrong: you gave each input of a * b its own value; multiply swaps: d/da = b and d/db = a.",
    ),
    _only(
        "/",
        lambda a, b, _: (1 / b, a / b**2),
        "wrong: you lost the minus sign of d/db of a / b, which is -a/b^2 (the derivative of "
        "1/b is -1/b^2).",
    ),
    _only(
        "/",
        lambda a, b, _: (1 / b, -a / b),
        "wrong: you lost the square of d/db of a / b, which is -a/b^2 (a / b = a b^(-1)).",
    ),
    _only(
        "tanh sigmoid log relu",
        lambda a, b, op: (OPERATIONS[op][1](a, b), 0.0),
        "wrong: you returned {expression} itself, not its derivative.",
    ),
    _only(
        "tanh sigmoid",
        lambda a, b, op: _slope_at(op, OPERATIONS[op][1](a, b)),
        "wrong: you took the derivative at the output, {expression}, instead of at a: "
        "tanh'(a) = 1 - tanh(a)^2 and sigma'(a) = s (1 - s) with s = sigma(a).",
    ),
    _only(
        "tanh sigmoid",
        lambda a, b, op: (1 - a**2 if op == "tanh" else a * (1 - a), 0.0),
        "wrong: for {expression} you put a where the formula needs the output: tanh'(a) = "
        "1 - t^2 with t = tanh(a), not 1 - a^2; sigma'(a) = s (1 - s) with s = sigma(a).",
    ),
    _only(
        "tanh",
        lambda a, b, _: (1 - math.tanh(a), 0.0),
        "wrong: you forgot the square: tanh'(a) = 1 - tanh(a)^2.",
    ),
    _only(
        "relu",
        lambda a, b, _: (float(a < 0), 0.0),
        "wrong: your comparison is the wrong way round: relu'(a) is 1 where a > 0, else 0.",
    ),
    Mistake(  # last: any other wrong answer, shown beside the right one
        lambda c: c["yours"],
        "wrong: for {expression} at a = {a:.3g}, b = {b:.3g} you returned (d/da, d/db) = "
        "{yours_text}; central differences give {right_text}.",
    ),
)
"""The mistakes of local_derivatives, each in one operation or a few."""

LOCAL_DERIVATIVES = Step(
    "local_derivatives",
    "local_derivatives(op, a, b) -> (d/da, d/db), two numbers: the local derivatives of a + b, "
    'a - b, a * b, a / b (op "+", "-", "*", "/") or of exp, log, tanh, sigmoid, relu of a (b '
    "unused, so d/db = 0.0)",
    ("op", "a", "b"),
    _local_cases,
    _read_local,
    LOCAL_MISTAKES,
    against="central differences of each operation in a and in b",
)


# ----- backward_sweep ----------------------------------------------------------------------

VALUE_OPERATIONS = {
    "+": lambda u, v: u + v,
    "-": lambda u, v: u - v,
    "*": lambda u, v: u * v,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
}
"""The operations of the random graphs, on Values; FLOAT_OPERATIONS recompute them on floats."""

FLOAT_OPERATIONS = {**VALUE_OPERATIONS, "tanh": math.tanh, "sigmoid": _sigmoid}

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
    "topological_order(output)) and walk it backwards, with your own stack rather than recursion.",
    against="central differences of the output in each node",
    observe=_observe_sweep,
)

STEPS = (LOCAL_DERIVATIVES, BACKWARD_SWEEP)
"""Notebook 07's checks, in the course's order."""
