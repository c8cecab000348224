"""Notebook 07, computed: a network's cost from scalar Values and from matrix nodes; forward mode
with dual numbers; a gradient's cost by each mode; the backward loop in a right or wrong order."""

import time
from collections import deque
from types import SimpleNamespace

import numpy as np

from ..activations import LEAKY_RELU_SLOPE, get_activation, sigmoid
from ..autodiff import Value
from ..backprop import (
    bias_gradient,
    hidden_delta,
    l2_gradient,
    l2_penalty,
    linear_forward,
    output_delta,
    weight_gradient,
)
from ..gradcheck import cost_of_parameter, numerical_gradient
from ..losses import LOGIT_LOSSES, get_loss, mean_cost, sigmoid_cross_entropy_delta
from ..network import MLP
from ..validation import is_real

ACTIVATION_METHODS = {
    "sigmoid": lambda z: z.sigmoid(),
    "tanh": lambda z: z.tanh(),
    "relu": lambda z: z.relu(),
    "leaky_relu": lambda z: z.relu() - LEAKY_RELU_SLOPE * (-z).relu(),
    "identity": lambda z: z,
}
"""The activations in the methods that Value and :class:`Dual` share: one table for both."""

LOSS_EXPRESSIONS = {
    "squared_error": lambda a, y: (a - y) ** 2,
    "half_squared_error": lambda a, y: 0.5 * (a - y) ** 2,
    "cross_entropy": lambda a, y: -(y * a.log() + (1.0 - y) * (1.0 - a).log()),
}
"""The losses in the same methods (cross-entropy unclipped: it needs 0 < a < 1)."""

METHODS = ("reverse mode", "forward mode", "central differences")
"""The three ways of computing a gradient that notebook 07 compares."""


def _supported(model):
    """(g, g_out, loss) of ``model`` in the shared methods, or a ValueError (softmax)."""
    names = (model.hidden_activation, model.output_activation, model.loss_name)
    known = (ACTIVATION_METHODS, ACTIVATION_METHODS, LOSS_EXPRESSIONS)
    if any(name not in table for name, table in zip(names, known, strict=True)):
        raise ValueError(
            f"notebook 07's graphs know the activations {list(ACTIVATION_METHODS)} and the "
            f"losses {list(LOSS_EXPRESSIONS)}; got {names} (hidden, output, loss)"
        )
    return tuple(table[name] for name, table in zip(names, known, strict=True))


def scalar_cost(model, X, Y):
    r"""The cost J of ``model`` on X (n_0, m) and Y (n_L, m), built from scalar Values.

    For each example i and unit j, :math:`z^l_j = \sum_k W^l_{jk} a^{l-1}_k + b^l_j` and
    :math:`a^l_j = g(z^l_j)`; then :math:`J = \frac1m \sum_i \sum_j C(a^L_j, y_j)`
    (:math:`+ \frac{\lambda}{2m} \sum W^2`). Each weight and bias is one Value node, shared
    by every example. Returns a SimpleNamespace: ``cost`` (the Value J), ``weights`` and
    ``biases`` (``weights[l - 1][j][k]`` is :math:`W^l_{jk}`, ``biases[l - 1][j]`` is
    :math:`b^l_j`) and ``z`` (``z[l - 1][j][i]`` is :math:`z^l_j` of example i).
    """
    X, Y = model.check_data(X, Y)  # the same checks, and errors, as MLP.gradients
    g, g_out, loss = _supported(model)
    weights = [[[Value(w) for w in row] for row in W.tolist()] for W in model.weights]
    biases = [[Value(b) for b in B[:, 0].tolist()] for B in model.biases]
    L, m = len(weights), X.shape[1]
    z = [[[None] * m for _ in W] for W in weights]
    losses = []
    for i in range(m):
        a = X[:, i].tolist()  # plain numbers: the inputs need no gradient
        for l in range(L):
            for j, (row, b) in enumerate(zip(weights[l], biases[l], strict=True)):
                z[l][j][i] = sum((w * x for w, x in zip(row, a, strict=True)), start=b)
            a = [(g_out if l == L - 1 else g)(z_j[i]) for z_j in z[l]]
        losses += [loss(a_j, y_j) for a_j, y_j in zip(a, Y[:, i].tolist(), strict=True)]
    cost = sum(losses[1:], start=losses[0]) / m  # no constant 0 node, as sum() would add
    if model.l2_lambda > 0:
        squares = [w * w for W in weights for row in W for w in row]
        cost = cost + model.l2_lambda / (2 * m) * sum(squares[1:], start=squares[0])
    return SimpleNamespace(cost=cost, weights=weights, biases=biases, z=z)


def scalar_gradients(model, X, Y):
    """:func:`scalar_cost` and its ``backward()``: (dWs, dbs) as :meth:`MLP.gradients`."""
    built = scalar_cost(model, X, Y)
    built.cost.backward()
    dWs = [np.array([[w.grad for w in row] for row in W]) for W in built.weights]
    dbs = [np.array([[b.grad] for b in B]) for B in built.biases]
    return dWs, dbs


class MatrixNode:
    r"""One array of a computation: a node of the graph of :func:`matrix_graph`.

    ``data`` is an array (the float J for the cost). After ``backward()``, ``grad`` is
    dJ/d(node) for W^l, b^l and J; for z^l it is the library's :math:`\delta^l` (n_l, m),
    each column the derivative of its own example's loss, so m dJ/dz^l (``weight_gradient``
    and ``bias_gradient`` take the mean); None for X and Y. ``label``, ``forward`` and
    ``backward_steps`` name the node and the library functions of its two steps.
    """

    def __init__(self, data, label, parents=(), *, tape):
        self.data, self.grad, self.label = data, None, label
        self._parents = self.parents = tuple(parents)  # _parents for topological_order
        self._backward, self.forward, self.backward_steps = None, "", ""
        self.tape = tape  # every node of the graph, in the order they were made
        tape.append(self)

    def backward(self):
        """Fill in every ``grad`` behind this node, the scalar cost J, in reverse topological
        order: the reverse of the order the nodes were made in (a tape, as in the frameworks;
        a node is made after its parents). A parent used twice (W^l, by z^l and by the L2
        term) adds up what it receives."""
        if isinstance(self.data, np.ndarray):  # J is a float
            raise ValueError(
                f"backward() starts from the scalar cost J; {self.label} holds an array of shape "
                f"{np.shape(self.data)}. Call it on the graph's cost node."
            )
        for node in self.tape:
            node.grad = None
        self.grad = 1.0
        for node in reversed(self.tape):
            step = node._backward
            if step is None:  # a leaf hands nothing on
                continue
            for parent, grad in zip(node._parents, step(), strict=True):
                if grad is not None:
                    parent.grad = grad if parent.grad is None else parent.grad + grad


def _layer_node(l, W, b, below, g, g_prime):
    """z^l = linear_forward(W^l, g(z^{l-1}), b^l), or W^1 X + b^1 when ``below`` is X."""
    first = l == 1
    a_prev = below.data if first else g(below.data)
    z = MatrixNode(linear_forward(W.data, a_prev, b.data), f"z{l}", (W, b, below), tape=W.tape)
    z.forward = f"linear_forward(W{l}, {'X' if first else f'g(z{l - 1})'}, b{l})"
    z.backward_steps = "weight_gradient, bias_gradient" + ("" if first else ", hidden_delta")

    def backward():
        delta = z.grad
        below_delta = None if first else hidden_delta(W.data, delta, g_prime(below.data))
        return weight_gradient(delta, a_prev), bias_gradient(delta), below_delta

    z._backward = backward
    return z


def _cost_node(model, top, Y, Ws):
    """J = mean_cost(loss(g_out(z^L), Y)) (+ l2_penalty), and its backward step."""
    g_out, g_out_prime = get_activation(model.output_activation)
    loss, loss_prime = get_loss(model.loss_name)
    a_L, m = g_out(top.data), Y.data.shape[1]
    logits = LOGIT_LOSSES.get((model.output_activation, model.loss_name))  # as MLP.cost
    J = mean_cost(logits(top.data, Y.data) if logits else loss(a_L, Y.data))
    regularised = model.l2_lambda > 0
    if regularised:
        J += l2_penalty([W.data for W in Ws], model.l2_lambda, m)
    fused = model.output_activation == "sigmoid" and model.loss_name == "cross_entropy"
    first_step = "sigmoid_cross_entropy_delta" if fused else "output_delta"
    cost = MatrixNode(J, "J", (top, Y, *(Ws if regularised else ())), tape=top.tape)
    cost.forward = "mean_cost" + regularised * " + l2_penalty"
    cost.backward_steps = first_step + regularised * ", l2_gradient"

    def backward():
        if fused:  # delta^L = a^L - y: sigma' cancels cross-entropy's denominators
            delta = sigmoid_cross_entropy_delta(a_L, Y.data)
        else:
            delta = output_delta(loss_prime(a_L, Y.data), g_out_prime(top.data))
        penalties = [l2_gradient(W.data, model.l2_lambda, m) for W in Ws] if regularised else []
        return delta, None, *penalties

    cost._backward = backward
    return cost


def matrix_graph(model, X, Y):
    """The cost J of ``model`` on X (n_0, m), Y (n_L, m) as a graph of matrices.

    Leaves: X, Y, W^l, b^l (the model's arrays). Node z^l is ``linear_forward(W^l, g(z^{l-1}),
    b^l)`` (X for g(z^0)); its backward step hands ``weight_gradient`` to W^l,
    ``bias_gradient`` to b^l and ``hidden_delta`` (the recursion) to z^{l-1}. Node J is
    ``mean_cost`` of the loss (+ ``l2_penalty``); it hands ``output_delta``
    (``sigmoid_cross_entropy_delta`` for a sigmoid with cross-entropy) to z^L and
    ``l2_gradient`` to each W^l. Returns a SimpleNamespace: ``cost`` (call
    ``cost.backward()``), ``weights``, ``biases`` and ``z`` (``z[l - 1]`` is z^l).
    """
    X, Y = model.check_data(X, Y)  # the same checks, and errors, as MLP.gradients
    _supported(model)
    g, g_prime = get_activation(model.hidden_activation)
    tape = []
    Ws = [MatrixNode(W, f"W{l}", tape=tape) for l, W in enumerate(model.weights, start=1)]
    bs = [MatrixNode(b, f"b{l}", tape=tape) for l, b in enumerate(model.biases, start=1)]
    below, zs = MatrixNode(X, "X", tape=tape), []
    for l, (W, b) in enumerate(zip(Ws, bs, strict=True), start=1):
        below = _layer_node(l, W, b, below, g, g_prime)
        zs.append(below)
    cost = _cost_node(model, below, MatrixNode(Y, "Y", tape=tape), Ws)
    return SimpleNamespace(cost=cost, weights=Ws, biases=bs, z=zs)


def matrix_gradients(model, X, Y):
    """:func:`matrix_graph` and its backward pass: (dWs, dbs) as :meth:`MLP.gradients`."""
    built = matrix_graph(model, X, Y)
    built.cost.backward()
    return [W.grad for W in built.weights], [b.grad for b in built.biases]


def _as_dual(x):
    return x if isinstance(x, Dual) else Dual(x)


class Dual:
    r"""Forward mode: a value carried with its derivative along one direction, :math:`(v, v')`.

    Each operation applies a rule of calculus to the pair: :math:`(u + v)' = u' + v'`,
    :math:`(uv)' = u'v + uv'`, :math:`(u/v)' = (u'v - uv')/v^2`, :math:`(AB)' = A'B + AB'`,
    :math:`f(u)' = f'(u)\,u'`. ``value`` is a number or an array, ``tangent`` is shaped like
    it (zero, a constant, by default), so ``linear_forward`` runs on Duals unchanged. One pass
    gives one directional derivative: a gradient with respect to P inputs takes P passes.
    """

    __slots__ = ("tangent", "value")
    __array_ufunc__ = None  # ndarray * Dual then calls Dual.__rmul__

    def __init__(self, value, tangent=None):
        if not (is_real(value) or (isinstance(value, np.ndarray) and value.dtype.kind in "fiu")):
            raise TypeError(f"a Dual holds a number or an array of numbers; got {value!r}")
        self.value, self.tangent = value, 0.0 * value if tangent is None else tangent

    def __add__(self, other):
        other = _as_dual(other)
        return Dual(self.value + other.value, self.tangent + other.tangent)

    __radd__ = __add__

    def __sub__(self, other):
        other = _as_dual(other)
        return Dual(self.value - other.value, self.tangent - other.tangent)

    def __rsub__(self, other):
        return _as_dual(other) - self

    def __neg__(self):
        return Dual(-self.value, -self.tangent)

    def __mul__(self, other):
        u, v = self, _as_dual(other)
        return Dual(u.value * v.value, u.tangent * v.value + u.value * v.tangent)

    __rmul__ = __mul__

    def __truediv__(self, other):
        u, v = self, _as_dual(other)
        return Dual(u.value / v.value, (u.tangent * v.value - u.value * v.tangent) / v.value**2)

    def __pow__(self, p):
        return Dual(self.value**p, p * self.value ** (p - 1.0) * self.tangent)

    def __matmul__(self, other):
        u, v = self, _as_dual(other)
        return Dual(u.value @ v.value, u.tangent @ v.value + u.value @ v.tangent)

    def log(self):
        if np.any(np.asarray(self.value) <= 0.0):
            raise ValueError(f"log needs values > 0; got {self.value!r}")
        return Dual(np.log(self.value), self.tangent / self.value)

    def tanh(self):
        t = np.tanh(self.value)
        return Dual(t, (1.0 - t * t) * self.tangent)

    def sigmoid(self):
        s = sigmoid(self.value)
        return Dual(s, s * (1.0 - s) * self.tangent)

    def relu(self):
        return Dual(np.maximum(self.value, 0.0), self.tangent * (self.value > 0.0))

    def sum(self):
        return Dual(np.sum(self.value), np.sum(self.tangent))


def dual_cost(model, X, Y, weight_tangents, bias_tangents):
    """One forward pass of ``model`` on Duals, X (n_0, m), Y (n_L, m): a Dual whose value is
    J and whose tangent is J's derivative along the direction given by ``weight_tangents``
    and ``bias_tangents`` (lists of arrays shaped like the W^l and b^l)."""
    g, g_out, loss = _supported(model)
    Ws = [Dual(W, t) for W, t in zip(model.weights, weight_tangents, strict=True)]
    a, L, m = X, len(Ws), X.shape[1]
    for l, (W, b, t) in enumerate(zip(Ws, model.biases, bias_tangents, strict=True), start=1):
        a = (g_out if l == L else g)(linear_forward(W, a, Dual(b, t)))
    J = loss(a, Y).sum() / m
    if model.l2_lambda > 0:
        J = J + model.l2_lambda / (2 * m) * sum((W * W).sum() for W in Ws)
    return J


def forward_mode_gradients(model, X, Y):
    """dWs, dbs (as :meth:`MLP.gradients`) by forward mode, one :func:`dual_cost` pass per
    parameter, and the number of passes run (P)."""
    X, Y = model.check_data(X, Y)
    directions = [[np.zeros_like(p) for p in params] for params in (model.weights, model.biases)]
    gradients = [[np.zeros_like(p) for p in params] for params in (model.weights, model.biases)]
    passes = 0
    for direction, grads in zip(directions, gradients, strict=True):
        for seed, grad in zip(direction, grads, strict=True):
            for index in np.ndindex(grad.shape):
                seed[index] = 1.0
                grad[index] = dual_cost(model, X, Y, *directions).tangent
                seed[index] = 0.0
                passes += 1
    return *gradients, passes


def central_difference_gradients(model, X, Y):
    """dWs, dbs (as :meth:`MLP.gradients`) by central differences (``numerical_gradient``
    of ``cost_of_parameter``), and the number of evaluations of J run (2P)."""
    passes = 0

    def cost(l, name):
        def counted(value):
            nonlocal passes
            passes += 1
            return cost_of_parameter(model, X, Y, l, name)(value)

        return counted

    dWs = [numerical_gradient(cost(l, "W"), W) for l, W in enumerate(model.weights, start=1)]
    dbs = [numerical_gradient(cost(l, "b"), b) for l, b in enumerate(model.biases, start=1)]
    return dWs, dbs, passes


def gradient_by(method, model, X, Y):
    """One gradient of ``model.cost(X, Y)`` by one of :data:`METHODS`: ``dWs``, ``dbs`` (as
    :meth:`MLP.gradients`), the ``forward_passes`` and ``backward_passes`` run, ``seconds``."""
    runs = {
        "reverse mode": lambda: (*matrix_gradients(model, X, Y), 1, 1),  # one pass each way
        "forward mode": lambda: (*forward_mode_gradients(model, X, Y), 0),
        "central differences": lambda: (*central_difference_gradients(model, X, Y), 0),
    }
    if method not in runs:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    start = time.perf_counter()
    dWs, dbs, forward, backward = runs[method]()
    run = SimpleNamespace(dWs=dWs, dbs=dbs, forward_passes=forward, backward_passes=backward)
    run.seconds = time.perf_counter() - start
    return run


def gradient_costs(widths, X, Y, seed=0, repeats=5):
    """One gradient of [n_0, u, u, 1] networks (tanh, sigmoid output, cross-entropy), for
    each width u, by each of :data:`METHODS`; X (n_0, m), Y (1, m) 0/1 labels.

    Returns a list of SimpleNamespace, one per width: ``parameters`` (P), and ``runs``, each
    method's :func:`gradient_by` with its ``error``, the largest difference from reverse mode
    over the largest gradient entry. Reverse mode, well under a millisecond, is run ``repeats``
    times and its fastest run kept (the others include interruptions by other programs)."""
    costs = []
    for u in widths:
        model = MLP([X.shape[0], u, u, 1], hidden_activation="tanh", seed=seed)
        runs = {method: gradient_by(method, model, X, Y) for method in METHODS}
        again = [gradient_by(METHODS[0], model, X, Y) for _ in range(repeats - 1)]
        reverse = runs[METHODS[0]] = min([runs[METHODS[0]], *again], key=lambda r: r.seconds)
        scale = max(np.max(np.abs(g)) for g in reverse.dWs + reverse.dbs)
        for run in runs.values():
            pairs = zip(run.dWs + run.dbs, reverse.dWs + reverse.dbs, strict=True)
            run.error = max(np.max(np.abs(a - b)) for a, b in pairs) / scale
        parameters = sum(p.size for p in [*model.weights, *model.biases])
        costs.append(SimpleNamespace(parameters=parameters, runs=runs))
    return costs


def breadth_first_order(output):
    """The nodes by distance from ``output`` (it, its parents, theirs, ...), each once:
    a tempting order for the backward loop, but not a reverse topological one."""
    order, seen, queue = [], {output}, deque([output])
    while queue:
        order.append(queue.popleft())
        fresh = [parent for parent in order[-1].parents if parent not in seen]
        seen.update(fresh)
        queue.extend(dict.fromkeys(fresh))  # a parent used twice is queued once
    return order


def chain_rule_sweep(output, order, accumulate=True):
    """The loop of ``Value.backward`` over the nodes in ``order``, adding each contribution
    to its parent's grad (``+=``; ``=`` with ``accumulate=False``). Right only in reverse
    topological order with ``+=``: a node must hold what all its uses sent before passing it on."""
    for node in order:
        node.grad = 0.0
    output.grad = 1.0
    for node in order:
        for parent, local in zip(node.parents, node.local_grads, strict=True):
            parent.grad = (parent.grad if accumulate else 0.0) + local * node.grad
