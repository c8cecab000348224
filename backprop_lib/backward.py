r"""Backpropagation with swappable steps: the one place where a mistake is one changed step.

:func:`backward_pass` is :class:`~backprop_lib.MLP`'s backward pass (with the general output
delta :math:`\delta^L = \partial C/\partial a^L \odot g'(z^L)`, never the fused one) written
as a :class:`BackwardSteps` of small functions. Notebook 05 plants the course notes' slips in
it and catches them with a gradient check; the exercises' checks recognise a student's
mistake as the same pass with one step changed.
"""

from dataclasses import dataclass

from .backprop import bias_gradient, hidden_delta, l2_gradient, output_delta, weight_gradient


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

    A softmax output has no dC/da and g'(z) apart (only its fused delta a - y): not for it.
    """
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
        dWs[l - 1], dbs[l - 1] = dW, db
        if l > 1:
            g_prime = steps.activation_prime(model.g_prime, Zs[l - 2], As[l - 1])
            delta = steps.hidden_delta(W, delta, g_prime)
    return dWs, dbs


# ----- two classic mistakes, planted in notebook 05 and named by the exercises' checks ------


def activation_prime_at_a(g_prime, z, a):
    r""":math:`g'(a^l)` instead of :math:`g'(z^l)` (``z`` is not used): notes 002 and 003 write
    the sigmoid's derivative as a formula in the output, :math:`a(1 - a)`, which is right;
    feeding a to a derivative that takes z is not."""
    return g_prime(a)


def hidden_delta_untransposed(W_next, delta_next, g_prime_z):
    r""":math:`g'(z^l) \odot W^{l+1} \delta^{l+1}`, what note 002's row form (right in its own
    notation) gives when read in columns without transposing."""
    return hidden_delta(W_next.T, delta_next, g_prime_z)
