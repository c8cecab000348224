r"""A scalar reverse-mode automatic differentiation engine: backpropagation on one number at a time.

Reverse mode records every operation of a computation as a node of a graph, together with the
local derivatives of its result with respect to its inputs. One backward sweep from the output
then visits the nodes in reverse order and applies the chain rule,
:math:`\partial L / \partial x \mathrel{+}= (\partial y / \partial x)\,(\partial L / \partial y)`
for each input x of each node y. The sweep gives the derivative of the output with respect to
every node at the cost of about one forward pass, however many inputs there are.

The gate patterns of the backward sweep (with g the gradient arriving from above):

- add distributes: z = x + y hands g unchanged to both x and y;
- multiply swaps: z = x * y hands g * y to x and g * x to y;
- max routes: z = max(x, y) (so relu, max(0, x)) hands all of g to the larger input, 0 to the other.

Notebook 07 derives it. For arrays, use the matrix step functions of :mod:`backprop_lib.backprop`.

Example
-------
>>> x, w = Value(2.0, label="x"), Value(-0.25, label="w")
>>> loss = (w * x + 1.0).tanh() ** 2
>>> loss.backward()
>>> round(w.grad, 6), round(x.grad, 6)
(1.453724, -0.181715)
"""

import math
import numbers

REAL_NUMBER = "a real number (int, float, numpy integer or floating scalar)"


def _as_float(x, what, accepted=REAL_NUMBER):
    """``x`` as a finite Python float, or the TypeError/ValueError that says what was expected."""
    if isinstance(x, bool):
        raise TypeError(f"{what} must be a number, not a bool ({x!r}): write 1.0 or 0.0 instead")
    if not isinstance(x, numbers.Real):
        shape = getattr(x, "shape", None)
        if shape is not None:
            raise TypeError(
                f"a Value holds one number; {what} is a {type(x).__name__} of shape {shape}. "
                "Use the matrix step functions of backprop_lib.backprop for arrays."
            )
        raise TypeError(f"{what} must be {accepted}; got {type(x).__name__} ({x!r})")
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"{what} must be a finite number; got {x}")
    return x


def _as_value(x):
    """``x`` itself if it is a Value, else a new constant node holding the number ``x``."""
    if isinstance(x, Value):
        return x
    node = Value(_as_float(x, "an operand of a Value operation", "a Value or " + REAL_NUMBER))
    node.op = "const"
    return node


def topological_order(output):
    """Every node ``output`` depends on, each after all its parents (inputs first, ``output``
    last), by an iterative depth-first search.

    Post-order with an explicit stack instead of recursion, so graphs of any depth work: a
    node is appended only after all its parents are. Each stack entry is (node, expanded):
    on the first visit we push the node back as expanded, then its parents above it. Any
    node that keeps its inputs in a tuple ``_parents`` works: :class:`Value` here, and the
    matrix nodes of notebook 07 (:mod:`backprop_lib.lessons.autodiff_graph`).

    Parameters
    ----------
    output : Value
        The final node of a computation.

    Returns
    -------
    list
        The nodes, each once.
    """
    order, visited = [], set()
    stack = [(output, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            stack.extend((p, False) for p in reversed(node._parents) if p not in visited)
    return order


def graph(output):
    """The computation graph behind ``output``, for drawing it or walking it by hand.

    Parameters
    ----------
    output : Value
        The final scalar of an expression.

    Returns
    -------
    nodes : list of Value
        Every node ``output`` depends on, in topological order: each node after all its
        parents (inputs first, ``output`` last). This is the order ``backward`` uses.
    edges : list of (Value, Value)
        One (parent, child) pair per use of a parent: ``v * v`` gives two (v, v * v) edges.
    """
    if not isinstance(output, Value):
        raise TypeError(f"graph needs a Value; got {type(output).__name__}")
    nodes = topological_order(output)
    return nodes, [(parent, node) for node in nodes for parent in node._parents]


class Value:
    r"""One number in a computation, with the gradient of the output with respect to it.

    Parameters
    ----------
    data : int or float
        A finite real number (numpy scalars such as ``np.float64(1.5)`` work). Bools,
        strings, arrays and NaN or inf are refused: bools because ``True + True`` is
        almost always a mistake in a gradient computation, NaN and inf because every
        derivative through them is meaningless.
    label : str, optional
        A name to show when drawing the graph, such as "w1".

    Attributes
    ----------
    data : float
    grad : float
        :math:`\partial L / \partial \text{self}` after ``L.backward()``; 0.0 before.
    op : str
        The operation that made this node: "input" (made by you), "const" (a plain number
        used in an operation), "+", "-", "neg", "*", "/", "**2" (with the exponent), "exp",
        "log", "tanh", "sigmoid" or "relu".
    label : str

    Notes
    -----
    Each node stores its parents and the local derivatives of its data with respect to each
    of them, as numbers, in ``_parents`` and ``_local_grads`` (read-only as ``parents`` and
    ``local_grads``). The backward pass is then the one loop
    ``parent.grad += local * node.grad``. A result that overflows (is beyond the largest
    float, about 1.8e308), or whose local derivative does, raises OverflowError.
    """

    __slots__ = ("_local_grads", "_parents", "data", "grad", "label", "op")
    __array_ufunc__ = None  # np.float64(2.0) * v then calls Value.__rmul__ and gives a Value

    def __init__(self, data, label=""):
        self.data = _as_float(data, "the data of a Value")
        self.grad = 0.0
        self.label = str(label)
        self.op = "input"
        self._parents = ()
        self._local_grads = ()

    @classmethod
    def _result(cls, data, op, parents, local_grads):
        """A new node made by ``op``. Its inputs were finite, so a non-finite number is overflow."""
        if not (math.isfinite(data) and all(math.isfinite(g) for g in local_grads)):
            inputs = ", ".join(repr(p.data) for p in parents)
            raise OverflowError(
                f"{op} of ({inputs}) overflowed: its result {data!r} or its local derivatives "
                f"{local_grads!r} are beyond the largest float (about 1.8e308)"
            )
        node = cls.__new__(cls)
        node.data, node.grad, node.label, node.op = data, 0.0, "", op
        node._parents, node._local_grads = parents, local_grads
        return node

    @property
    def parents(self):
        """The nodes this one was computed from, one entry per use (``v * v`` has (v, v))."""
        return self._parents

    @property
    def local_grads(self):
        r""":math:`\partial\,\text{self} / \partial\,\text{parent}` for each of ``parents``."""
        return self._local_grads

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    # ----- arithmetic: each returns a new node with its local derivatives -----------------

    def __add__(self, other):
        other = _as_value(other)
        return Value._result(self.data + other.data, "+", (self, other), (1.0, 1.0))

    def __radd__(self, other):
        return _as_value(other) + self

    def __sub__(self, other):
        other = _as_value(other)
        return Value._result(self.data - other.data, "-", (self, other), (1.0, -1.0))

    def __rsub__(self, other):
        return _as_value(other) - self

    def __neg__(self):
        return Value._result(-self.data, "neg", (self,), (-1.0,))

    def __mul__(self, other):
        other = _as_value(other)
        return Value._result(self.data * other.data, "*", (self, other), (other.data, self.data))

    def __rmul__(self, other):
        return _as_value(other) * self

    def __truediv__(self, other):
        r""":math:`a / b`, with local derivatives :math:`1/b` and :math:`-a/b^2`."""
        other = _as_value(other)
        a, b = self.data, other.data
        if b == 0.0:
            raise ZeroDivisionError(f"division of {a!r} by a Value holding 0.0")
        return Value._result(a / b, "/", (self, other), (1.0 / b, -(a / b) / b))

    def __rtruediv__(self, other):
        return _as_value(other) / self

    def __pow__(self, exponent):
        r""":math:`x^p` for a number p, with local derivative :math:`p\,x^{p-1}`."""
        if isinstance(exponent, Value):
            raise TypeError(
                "only number exponents are supported in x ** p, not a Value; "
                "for a Value exponent p write (p * x.log()).exp()"
            )
        p, x = _as_float(exponent, "the exponent p in x ** p"), self.data
        if x < 0.0 and not p.is_integer():
            raise ValueError(f"x ** p with a non-integer p = {p} needs x >= 0; got x = {x}")
        if x == 0.0 and p < 0.0:
            raise ZeroDivisionError(f"0.0 ** {p} divides by zero (a negative power of 0)")
        if x == 0.0 and 0.0 < p < 1.0:
            raise ValueError(f"x ** {p} has an infinite derivative at x = 0.0")
        try:
            data, local = x**p, (0.0 if p == 0.0 else p * x ** (p - 1.0))
        except OverflowError:
            data, local = math.inf, math.inf  # _result raises the clear message
        return Value._result(data, f"**{p:g}", (self,), (local,))

    def __rpow__(self, base):
        raise TypeError(
            f"only number exponents are supported: {type(base).__name__} ** Value is not; "
            "for b ** x write (x * math.log(b)).exp()"
        )

    # ----- functions ------------------------------------------------------------------------

    def exp(self):
        r""":math:`e^x`, with local derivative :math:`e^x`. OverflowError for x > about 709.78."""
        try:
            e = math.exp(self.data)
        except OverflowError:
            e = math.inf  # _result raises the clear message
        return Value._result(e, "exp", (self,), (e,))

    def log(self):
        r"""Natural logarithm :math:`\ln x` for x > 0, with local derivative :math:`1/x`."""
        if self.data <= 0.0:
            raise ValueError(f"log needs a value > 0; got {self.data!r}")
        return Value._result(math.log(self.data), "log", (self,), (1.0 / self.data,))

    def tanh(self):
        r""":math:`\tanh x`, with local derivative :math:`1 - \tanh^2 x`."""
        t = math.tanh(self.data)
        return Value._result(t, "tanh", (self,), (1.0 - t * t,))

    def sigmoid(self):
        r""":math:`\sigma(x) = 1 / (1 + e^{-x})`, with local derivative :math:`\sigma(1 - \sigma)`.

        Stable for any finite x: for x < 0 it computes :math:`e^x / (1 + e^x)`, so exp never
        sees a large positive argument; far out it gives exactly 0.0 or 1.0 (and derivative 0).
        """
        x = self.data
        if x >= 0.0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            s = e / (1.0 + e)
        return Value._result(s, "sigmoid", (self,), (s * (1.0 - s),))

    def relu(self):
        r""":math:`\max(0, x)`, with local derivative 1 for x > 0, else 0 (0 at the kink x = 0)."""
        positive = self.data > 0.0
        return Value._result(self.data if positive else 0.0, "relu", (self,), (float(positive),))

    # ----- the backward pass ----------------------------------------------------------------

    def backward(self):
        r"""Set each node's ``grad`` to :math:`\partial\,\text{self} / \partial\,\text{node}`.

        Call it on the output: the final scalar of the expression (usually the loss L). It
        walks the graph behind ``self`` (see :func:`graph`) without recursion, so any depth
        works, sets ``self.grad = 1.0`` and visits the nodes from the output back to the
        inputs, each one adding ``local * node.grad`` to the grad of each of its parents. A
        node used several times (``v * v``, a shared subexpression) collects the sum.

        Each call first resets to 0.0 the grad of every node in the graph behind ``self``,
        so calling it twice gives the same gradients, not doubled ones. This includes nodes
        shared with another output's graph: after ``L1.backward(); L2.backward()`` a shared
        weight holds only :math:`\partial L_2 / \partial w`. For the gradient of a sum, call
        ``(L1 + L2).backward()``. Nodes outside the graph behind ``self`` are left as they
        are, so calling it on an intermediate node leaves stale grads on the nodes after it.
        """
        order = topological_order(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in zip(node._parents, node._local_grads, strict=True):
                parent.grad += local * node.grad
