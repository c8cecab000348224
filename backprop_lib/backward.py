r"""Backpropagation with swappable steps.

:func:`backward_pass` is :class:`~backprop_lib.MLP`'s backward pass (with the general output
delta :math:`\delta^L = \partial C/\partial a^L \odot g'(z^L)`, never the fused one) written
as a :class:`BackwardSteps` of small functions, so that one step can be done wrong at a time:
:mod:`backprop_lib.slips` holds the known wrong steps.
"""

from dataclasses import dataclass, fields

from .backprop import (
    bias_gradient,
    hidden_delta,
    l1_gradient,
    l2_gradient,
    output_delta,
    weight_gradient,
)


def loss_prime_of_model(model, a, y):
    r""":math:`\partial C/\partial a^L` of the model's own loss."""
    return model.loss_prime(a, y)


def output_slope_at_z(model, z, a):
    r""":math:`g'(z^L)` of the model's output activation (``a`` is not used)."""
    return model.g_out_prime(z)


def activation_prime_at_z(g_prime, z, a):
    r""":math:`g'(z^l)` of a hidden layer (``a`` is not used)."""
    return g_prime(z)


def bias_gradient_of_delta(delta, a_prev):
    r""":math:`\frac1m \sum_i \delta^{l,(i)}` (``a_prev`` is not used)."""
    return bias_gradient(delta)


@dataclass(frozen=True)
class BackwardSteps:
    r"""The steps of backpropagation; the defaults are the right ones.

    Attributes
    ----------
    loss_prime : callable
        ``(model, a, y) -> dC/da`` at the output.
    output_slope : callable
        ``(model, z, a) -> g'(z^L)``, multiplied into dC/da for delta^L.
    activation_prime : callable
        ``(g_prime, z, a) -> g'(z^l)`` for a hidden layer.
    hidden_delta : callable
        ``(W_next, delta_next, g_prime_z) -> delta^l``.
    weight_gradient, bias_gradient : callable
        ``(delta, a_prev) ->`` dJ/dW^l, dJ/db^l without an L2 term.
    weight_penalty : callable
        ``(W, l2_lambda, m) ->`` the L2 term of dJ/dW^l (added when l2_lambda > 0).
    bias_penalty : callable or None
        ``(b, l2_lambda, m) ->`` an L2 term for dJ/db^l; None is right.
    """

    loss_prime: object = loss_prime_of_model
    output_slope: object = output_slope_at_z
    activation_prime: object = activation_prime_at_z
    hidden_delta: object = hidden_delta
    weight_gradient: object = weight_gradient
    bias_gradient: object = bias_gradient_of_delta
    weight_penalty: object = l2_gradient
    bias_penalty: object = None


RIGHT_STEPS = BackwardSteps()
"""The right steps: ``backward_pass(model, X, Y, RIGHT_STEPS)`` equals ``model.gradients(X, Y)``
(up to round-off where the model fuses its output delta)."""


def backward_pass(model, X, Y, steps=RIGHT_STEPS):
    r"""dJ/dW^l and dJ/db^l of ``model`` on (X, Y) by the given steps.

    Parameters
    ----------
    model : MLP
    X : ndarray of shape (n_0, m)
    Y : ndarray of shape (n_L, m)
    steps : BackwardSteps

    Returns
    -------
    dWs, dbs : lists of ndarray
        ``dWs[l - 1]`` is (n_l, n_{l-1}), ``dbs[l - 1]`` is (n_l, 1) when the steps are right.

    A softmax output has no dC/da and g'(z) apart (only its fused delta a - y): not for it;
    nor is a network with batch normalisation or dropout (its ``gradients`` handle those).
    """
    if getattr(model, "batchnorm", False) or getattr(model, "keep_prob", 1.0) < 1:
        raise ValueError(
            "backward_pass is the plain network's backward pass; this one has batchnorm or "
            f"dropout ({model!r}): use model.gradients(X, Y)"
        )
    Zs, As = model.forward(X)
    L, m = len(model.weights), X.shape[1]
    slope = steps.output_slope(model, Zs[L - 1], As[L])
    delta = output_delta(steps.loss_prime(model, As[L], Y), slope)
    dWs, dbs = [None] * L, [None] * L
    for l in range(L, 0, -1):
        W, b = model.weights[l - 1], model.biases[l - 1]
        dW = steps.weight_gradient(delta, As[l - 1])
        db = steps.bias_gradient(delta, As[l - 1])
        if model.l2_lambda > 0:
            dW = dW + steps.weight_penalty(W, model.l2_lambda, m)
            if steps.bias_penalty is not None:
                db = db + steps.bias_penalty(b, model.l2_lambda, m)
        if model.l1_lambda > 0:
            dW = dW + l1_gradient(W, model.l1_lambda, m)
        dWs[l - 1], dbs[l - 1] = dW, db
        if l > 1:
            g_prime = steps.activation_prime(model.g_prime, Zs[l - 2], As[l - 1])
            delta = steps.hidden_delta(W, delta, g_prime)
    return dWs, dbs


def replaced_steps(steps):
    """The steps of ``steps`` that differ from the right ones, as {field name: function}."""
    return {
        field.name: getattr(steps, field.name)
        for field in fields(steps)
        if getattr(steps, field.name) is not getattr(RIGHT_STEPS, field.name)
    }
