r"""Notebook 07, computed: forward mode, the chain rule from one input towards the output.

A :class:`Dual` carries each value with its derivative along one direction; one pass of a
network on Duals gives one directional derivative of its cost, so a gradient with respect to
P parameters takes P passes (reverse mode, :mod:`~backprop_lib.lessons.autodiff_graph`,
takes one forward and one backward pass).
"""

import numpy as np

from ..activations import sigmoid
from ..backprop import linear_forward
from ..validation import is_real
from .autodiff_graph import network_expressions


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
    g, g_out, loss = network_expressions(model)
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
    parameter, and the passes run: P forward, 0 backward (a method of
    :func:`~backprop_lib.lessons.gradient_cost.gradient_costs`)."""
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
    return *gradients, passes, 0
