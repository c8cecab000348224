r"""Forward and backward propagation through an MLP, in training or in prediction mode.

Layer l = 1..L computes :math:`z^l = W^l a^{l-1} + b^l` from :math:`a^0 = X` (columns are
examples). A hidden layer then normalises, :math:`\tilde z^l = \gamma^l \hat z^l + \beta^l`,
when the network has batch normalisation (else :math:`\tilde z^l = z^l`), activates,
:math:`h^l = g(\tilde z^l)`, and drops units, :math:`a^l = h^l \odot M^l / p`, when it has
dropout (else :math:`a^l = h^l`); the output layer is :math:`a^L = g_{out}(z^L)`, never
normalised nor dropped. Training mode normalises with the batch's mean and variance and draws
the masks M^l; prediction mode normalises with the running averages and keeps every unit.

``net`` is the :class:`~backprop_lib.MLP`, which checks the data before calling these.
Notebook 04 derives the plain passes, notebook 10 batch normalisation and dropout; every
formula but the running averages' is a call of backprop.py, losses.py or normalisation.py.
"""

from dataclasses import dataclass

from .backprop import (
    bias_gradient,
    hidden_delta,
    l1_gradient,
    l1_penalty,
    l2_gradient,
    l2_penalty,
    linear_forward,
    output_delta,
    weight_gradient,
)
from .losses import mean_cost
from .normalisation import (
    batch_statistics,
    batchnorm_backward,
    batchnorm_forward,
    dropout_backward,
    dropout_forward,
)


@dataclass
class Pass:
    r"""A forward pass's values, which the backward pass needs.

    Attributes
    ----------
    Zs : list of ndarray
        ``Zs[l - 1]`` is :math:`z^l = W^l a^{l-1} + b^l`, (n_l, m), for l = 1..L.
    As : list of ndarray
        ``As[l]`` is a^l, (n_l, m), for l = 0..L (``As[0]`` is X).
    normalised : list of ndarray
        ``normalised[l - 1]`` is :math:`\tilde z^l`, the activation's input: ``Zs[l - 1]``
        itself without batch normalisation, and at the output.
    masks : list of ndarray
        ``masks[l - 1]`` is the boolean dropout mask M^l of hidden layer l, when units were
        dropped (training mode with keep_prob < 1); else empty.
    """

    Zs: list
    As: list
    normalised: list
    masks: list


def _normalise(net, l, z, training):
    if not net.batchnorm:
        return z
    gamma, beta = net.gammas[l - 1], net.betas[l - 1]
    if training:
        return batchnorm_forward(z, gamma, beta)
    return batchnorm_forward(
        z, gamma, beta, statistics=(net.running_means[l - 1], net.running_vars[l - 1])
    )


def forward_pass(net, X, training, rng=None):
    """The forward pass through ``net``, keeping every layer's values (a :class:`Pass`).

    ``training``: normalise with the batch's statistics and drop units with masks drawn from
    the Generator ``rng``; else normalise with the running statistics and drop nothing.
    """
    Zs, normalised, As, masks = [], [], [X], []
    L = len(net.weights)
    for l in range(1, L + 1):
        z = linear_forward(net.weights[l - 1], As[-1], net.biases[l - 1])
        Zs.append(z)
        if l == L:
            normalised.append(z)
            As.append(net.g_out(z))
            break
        z_tilde = _normalise(net, l, z, training)
        normalised.append(z_tilde)
        a = net.g(z_tilde)
        if training and net.keep_prob < 1:
            a, mask = dropout_forward(a, net.keep_prob, rng)
            masks.append(mask)
        As.append(a)
    return Pass(Zs, As, normalised, masks)


# m is the number of examples of the cost J, which sets the L2 term's lambda / m. It is the
# batch's size, except in a mini-batch step, where the data term is averaged over the batch
# but the L2 term keeps the m of the whole training set: so the step follows an unbiased
# estimate of the gradient of the J the notebooks write down.


def data_cost(net, passed, Y):
    r""":math:`\frac1m \sum_i C^{(i)}` of a :class:`Pass`'s output."""
    if net.logit_loss is not None:  # from z^L: exact where a^L rounds to 0 or 1
        return mean_cost(net.logit_loss(passed.Zs[-1], Y))
    return mean_cost(net.loss(passed.As[-1], Y))


def cost(net, passed, Y, m):
    """The cost J of a :class:`Pass`: its data term, plus the L2 and L1 terms of m examples."""
    J = data_cost(net, passed, Y)
    if net.l2_lambda > 0:
        J += l2_penalty(net.weights, net.l2_lambda, m)
    if net.l1_lambda > 0:
        J += l1_penalty(net.weights, net.l1_lambda, m)
    return J


def _activation_slope(net, normalised, masks, l):
    r""":math:`\partial a^l / \partial \tilde z^l` of hidden layer l: :math:`g'(\tilde z^l)`,
    times M^l / p where units were dropped."""
    slope = net.g_prime(normalised[l - 1])
    if masks:
        slope = dropout_backward(slope, masks[l - 1], net.keep_prob)
    return slope


def back_propagate(net, Zs, As, Y, m, normalised=None, masks=()):
    r"""The gradients of J from the values of a training :class:`Pass` (``normalised``: Zs
    without batch normalisation; ``masks``: none without dropout): (dWs, dbs), and with batch
    normalisation (dWs, dbs, dgammas, dbetas), ``dgammas[l - 1]`` being dJ/dgamma^l of hidden
    layer l = 1..L-1, (n_l, 1).

    Each delta is per example, :math:`\partial C/\partial \tilde z^l` for each column; it goes
    through batch normalisation with :func:`batchnorm_backward`, which is linear in its d_out:
    from these deltas it gives the next delta, and m_b dJ/dgamma^l and m_b dJ/dbeta^l, so
    both are divided by the batch's size m_b.
    """
    L = len(net.weights)
    normalised = Zs if normalised is None else normalised
    if net.fused_delta is not None:
        delta = net.fused_delta(As[L], Y)
    else:
        delta = output_delta(net.loss_prime(As[L], Y), net.g_out_prime(Zs[L - 1]))
    dWs, dbs = [None] * L, [None] * L
    dgammas, dbetas = [None] * (L - 1), [None] * (L - 1)
    for l in range(L, 0, -1):
        if net.batchnorm and l < L:  # delta is dC/d(z tilde^l): through the normalisation
            delta, dgamma, dbeta = batchnorm_backward(delta, Zs[l - 1], net.gammas[l - 1])
            dgammas[l - 1], dbetas[l - 1] = dgamma / delta.shape[1], dbeta / delta.shape[1]
        dW = weight_gradient(delta, As[l - 1])
        if net.l2_lambda > 0:
            dW = dW + l2_gradient(net.weights[l - 1], net.l2_lambda, m)
        if net.l1_lambda > 0:
            dW = dW + l1_gradient(net.weights[l - 1], net.l1_lambda, m)
        dWs[l - 1], dbs[l - 1] = dW, bias_gradient(delta)
        if l > 1:  # the input layer needs no delta
            slope = _activation_slope(net, normalised, masks, l - 1)
            delta = hidden_delta(net.weights[l - 1], delta, slope)
    return (dWs, dbs, dgammas, dbetas) if net.batchnorm else (dWs, dbs)


def update_running_statistics(net, passed):
    r"""After a training step, each hidden layer's running averages
    :math:`\bar\mu \leftarrow d \bar\mu + (1 - d) \mu`,
    :math:`\bar\sigma^2 \leftarrow d \bar\sigma^2 + (1 - d) \sigma^2`, d = ``running_decay``,
    mu and sigma^2 the batch statistics of z^l (new arrays)."""
    d = net.running_decay
    for l, z in enumerate(passed.Zs[:-1], start=1):
        mean, variance = batch_statistics(z)
        net.running_means[l - 1] = d * net.running_means[l - 1] + (1 - d) * mean
        net.running_vars[l - 1] = d * net.running_vars[l - 1] + (1 - d) * variance
