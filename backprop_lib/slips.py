r"""The one table of the known slips of a backward pass.

Each :class:`Slip` is :func:`~backprop_lib.backward.backward_pass` with one step (or one rule
over two steps) done wrong, and what to tell a student who makes it. :data:`SLIPS` holds each
once: notebook 05 plants the course notes' slips and catches them with a gradient check, and
the exercises' checks of backward passes name a student's mistake by the slip that gives the
same gradients.
"""

from dataclasses import dataclass, replace

import numpy as np

from .backprop import hidden_delta, l2_gradient, weight_gradient
from .backward import RIGHT_STEPS, BackwardSteps

# ----- wrong steps ------------------------------------------------------------------------------


def loss_prime_against_one(model, a, y):
    r""":math:`\partial C/\partial a` with 1 in place of the target: note 001's :math:`2(a - 1)`."""
    return model.loss_prime(a, np.ones_like(y))


def cross_entropy_prime_wrong_sign(model, a, y):
    r"""Note 003's :math:`y/a + (1 - y)/(1 - a)`; right is :math:`-y/a + (1 - y)/(1 - a)`."""
    return y / a + (1.0 - y) / (1.0 - a)


def loss_prime_of_mean_cost(model, a, y):
    r"""Note 004's :math:`\Delta^L` from the mean cost J: :math:`\frac1m \partial C/\partial a`.
    The 1/m rides down the deltas, and the gradients divide by m again: :math:`1/m^2`."""
    return model.loss_prime(a, y) / a.shape[1]


def loss_prime_is_residual(model, a, y):
    """a - y in place of dC/da (with the output slope left out: the fused delta, in general)."""
    return a - y


def output_slope_at_a(model, z, a):
    r""":math:`g'(a^L)` at the output, instead of :math:`g'(z^L)`."""
    return model.g_out_prime(a)


def output_slope_of_hidden_layers(model, z, a):
    """The hidden layers' derivative at the output layer."""
    return model.g_prime(z)


def slope_left_out(*args):
    """A derivative left out of the chain rule: 1 in its place."""
    return 1.0


def activation_prime_at_a(g_prime, z, a):
    r""":math:`g'(a^l)` instead of :math:`g'(z^l)`: notes 002 and 003 write the sigmoid's
    derivative in the output, :math:`a(1 - a)`, which is right; feeding a to a derivative that
    takes z is not."""
    return g_prime(a)


def hidden_delta_untransposed(W_next, delta_next, g_prime_z):
    r""":math:`g'(z^l) \odot W^{l+1} \delta^{l+1}`: note 002's row form (right in its own
    notation) read in columns without transposing."""
    return hidden_delta(W_next.T, delta_next, g_prime_z)


def weight_gradient_from_to(delta, a_prev):
    r""":math:`\frac1m a^{l-1} (\delta^l)^T`, the transpose: note 002's :math:`w_{ij}` from unit i
    to unit j copied into our layout."""
    return weight_gradient(delta, a_prev).T


def bias_gradient_like_weight_gradient(delta, a_prev):
    r"""Note 001's :math:`\partial C/\partial b` with the weight's factor :math:`a^{l-1}`."""
    return weight_gradient(delta, a_prev)


def weight_gradient_summed(delta, a_prev):
    """The weight gradient's sum over the examples, not their mean."""
    return delta @ a_prev.T


def bias_gradient_summed(delta, a_prev):
    """The bias gradient's sum over the examples, not their mean."""
    return delta.sum(axis=1, keepdims=True)


def l2_gradient_without_m(W, l2_lambda, m):
    r"""Note 003's :math:`\lambda W`; right is :math:`(\lambda / m) W`."""
    return l2_gradient(W, l2_lambda, 1)


def l2_gradient_halved(W, l2_lambda, m):
    r""":math:`(\lambda / 2m) W`: the 2 of the square not cancelled."""
    return l2_gradient(W, l2_lambda, 2 * m)


def l2_gradient_left_out(W, l2_lambda, m):
    """No L2 term."""
    return np.zeros_like(W)


# ----- the table --------------------------------------------------------------------------------

CLASSIC = "a classic mistake, not in the notes"
"""The :attr:`Slip.source` of a mistake that none of the course notes makes."""


@dataclass(frozen=True)
class Slip:
    """A backward pass with one step done wrong, and what to tell a student who does it.

    Attributes
    ----------
    name : str
        Short name, for notebook 05's table.
    source : str
        The course note that makes it ("001" ... "004"), or :data:`CLASSIC`.
    steps : BackwardSteps
        The right steps with the wrong one in place (a wrong rule may replace two fields,
        such as the data term of both gradients).
    message : str
        What a check says to an answer equal to this pass's gradients; fields such as
        ``{m}`` and ``{l2_lambda}`` are the checked case's.
    """

    name: str
    source: str
    steps: BackwardSteps
    message: str


def _slip(name, source, message, **wrong):
    return Slip(name, source, replace(RIGHT_STEPS, **wrong), message)


AT_A = (
    "wrong: you took the activations' derivatives at a instead of z: use g'(z^l), with z^l "
    "from model.forward (its Zs), not g'(a^l)."
)

SLIPS = {
    slip.name: slip
    for slip in (
        _slip(
            "2(a - 1) for dC/da",
            "001",
            "wrong: your dC/da has 1 where the target y belongs (note 001 prints 2(a - 1) for "
            "2(a - y)): the loss compares the prediction a with y.",
            loss_prime=loss_prime_against_one,
        ),
        _slip(
            "bias gradient copied from w",
            "001",
            "wrong: your dJ/db^l is the weight gradient again: b enters z with factor 1, so "
            "dJ/db^l averages the columns of delta^l, without a^(l-1).",
            bias_gradient=bias_gradient_like_weight_gradient,
        ),
        _slip(
            "wrong sign in dC/da",
            "003",
            "wrong: the first term of your dC/da has the wrong sign: the cross-entropy's is "
            "-y/a + (1 - y)/(1 - a) (note 003 prints +y/a).",
            loss_prime=cross_entropy_prime_wrong_sign,
        ),
        _slip(
            "lambda W without /m",
            "003",
            "wrong: your L2 term is lambda W; the gradient of (lambda / 2m) sum ||W^l||^2 is "
            "(lambda / m) W^l (the notes leave out the m).",
            weight_penalty=l2_gradient_without_m,
        ),
        _slip(
            "biases regularised",
            "003",
            "wrong: you regularised the biases: the L2 penalty is on the weights only, so "
            "dJ/db^l has no (lambda / m) b^l term.",
            bias_penalty=l2_gradient,
        ),
        _slip(
            "1/m twice (Delta^L from J)",
            "004",
            "wrong: your gradients are m = {m} times too small: you divided by m twice (as the "
            "notes do); the deltas are per example, so divide by m once.",
            loss_prime=loss_prime_of_mean_cost,
        ),
        _slip("g'(a) instead of g'(z)", CLASSIC, AT_A, activation_prime=activation_prime_at_a),
        _slip(
            "dW transposed (w_ij order)",
            CLASSIC,
            "wrong: your dJ/dW^l is transposed: (1/m) delta^l (a^(l-1))^T has the shape of W^l, "
            "(n_l, n_(l-1)).",
            weight_gradient=weight_gradient_from_to,
        ),
        _slip(
            "W not transposed in delta",
            CLASSIC,
            "wrong: you used W^(l+1) where its transpose belongs: delta^l = g'(z^l) * "
            "(W^(l+1))^T delta^(l+1).",
            hidden_delta=hidden_delta_untransposed,
        ),
        _slip(
            "g'(a) at every layer",
            CLASSIC,
            AT_A,
            output_slope=output_slope_at_a,
            activation_prime=activation_prime_at_a,
        ),
        _slip(
            "hidden delta without g'(z)",
            CLASSIC,
            "wrong: your hidden delta leaves out g'(z^l): delta^l = g'(z^l) * (W^(l+1))^T "
            "delta^(l+1).",
            activation_prime=slope_left_out,
        ),
        _slip(
            "sums, not means",
            CLASSIC,
            "wrong: your gradients are m = {m} times too large: divide the sums over examples "
            "by m (J is a mean over the examples).",
            weight_gradient=weight_gradient_summed,
            bias_gradient=bias_gradient_summed,
        ),
        _slip(
            "no L2 term",
            CLASSIC,
            "wrong: you left out the L2 term: add (lambda / m) W^l to dJ/dW^l (this model's "
            "l2_lambda is {l2_lambda}).",
            weight_penalty=l2_gradient_left_out,
        ),
        _slip(
            "L2 term halved",
            CLASSIC,
            "wrong: your L2 term is (lambda / 2m) W^l; the 2 of the square cancels the 1/2: it "
            "is (lambda / m) W^l.",
            weight_penalty=l2_gradient_halved,
        ),
        _slip(
            "delta^L = a - y for any output",
            CLASSIC,
            "wrong: you used delta^L = a - y, which holds only for a sigmoid output with the "
            "cross-entropy; in general delta^L = dC/da * g'(z^L).",
            loss_prime=loss_prime_is_residual,
            output_slope=slope_left_out,
        ),
        _slip(
            "output delta without g'(z)",
            CLASSIC,
            "wrong: your output delta leaves out the output activation's derivative: delta^L = "
            "dC/da * g'(z^L) (a - y alone is the delta of a sigmoid output with the "
            "cross-entropy).",
            output_slope=slope_left_out,
        ),
        _slip(
            "hidden g' at the output",
            CLASSIC,
            "wrong: at the output layer you used the hidden layers' derivative; the output's "
            "is model.g_out_prime.",
            output_slope=output_slope_of_hidden_layers,
        ),
    )
}
"""Each known slip of a backward pass, once: name -> :class:`Slip`. Notebook 05 plants the
notes' slips and three classic ones; the checks of notebooks 03, 04 and 06 name the others."""
