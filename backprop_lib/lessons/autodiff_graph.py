"""Notebook 07, computed: a network's cost as a graph, of scalar Values and of matrix nodes, and the
backward loop over a graph's nodes in a right or a wrong order."""

from collections import deque
from types import SimpleNamespace

import numpy as np

from ..activations import LEAKY_RELU_SLOPE, get_activation
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
from ..losses import LOGIT_LOSSES, get_loss, mean_cost, sigmoid_cross_entropy_delta

ACTIVATION_METHODS = {
    "sigmoid": lambda z: z.sigmoid(),
    "tanh": lambda z: z.tanh(),
    "relu": lambda z: z.relu(),
    "leaky_relu": lambda z: z.relu() - LEAKY_RELU_SLOPE * (-z).relu(),
    "identity": lambda z: z,
}
"""The activations in the methods that Value and forward mode's
:class:`~backprop_lib.lessons.forward_mode.Dual` share: one table for both."""

LOSS_EXPRESSIONS = {
    "squared_error": lambda a, y: (a - y) ** 2,
    "half_squared_error": lambda a, y: 0.5 * (a - y) ** 2,
    "cross_entropy": lambda a, y: -(y * a.log() + (1.0 - y) * (1.0 - a).log()),
}
"""The losses in the same methods (cross-entropy unclipped: it needs 0 < a < 1)."""


def network_expressions(model):
    """(g, g_out, loss): ``model``'s hidden and output activations and its loss in the methods
    that Value and Dual share, or a ValueError (softmax; an L1 term, which the graphs leave
    out)."""
    if model.l1_lambda > 0:
        raise ValueError(
            "notebook 07's graphs build the data term of J and its L2 term, not an L1 term; "
            f"got l1_lambda={model.l1_lambda:g}: set it to 0, or use model.gradients(X, Y)"
        )
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
    g, g_out, loss = network_expressions(model)
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
    network_expressions(model)
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
