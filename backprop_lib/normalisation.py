r"""Batch normalisation and dropout, forward and backward, one function per formula.

Columns are examples: z, a and their gradients are (n, m); gamma and beta are (n, 1).
Batch normalisation (training mode) normalises each unit over the batch,
:math:`\hat z = (z - \mu) / \sqrt{\sigma^2 + \epsilon}` with the batch mean mu and the biased
batch variance sigma^2 (divided by m), then scales and shifts: :math:`\gamma \hat z + \beta`;
prediction mode takes mu and sigma^2 given (an MLP's running averages of them) instead.
Dropout (inverted) keeps each unit with probability p and scales the kept ones by 1/p, so
that the expected output equals the input. Derived in notebook 10.
"""

import numpy as np

from .validation import check_matrix, check_real

DEFAULT_EPSILON = 1e-5
"""epsilon of batch normalisation's square root (PyTorch's default)."""


def _batch(z):
    z = check_matrix("z", z)
    if z.shape[1] < 2:
        raise ValueError(
            f"batch normalisation needs a batch of at least 2 examples (columns); got z of shape "
            f"{z.shape}: with one example every normalised value is 0"
        )
    return z


def _column(name, value, n):
    array = check_matrix(name, value)
    if array.shape != (n, 1):
        raise ValueError(f"{name} must have shape ({n}, 1), one entry per unit; got {array.shape}")
    return array


def _statistics(z):
    mean = z.mean(axis=1, keepdims=True)
    return mean, ((z - mean) ** 2).mean(axis=1, keepdims=True)


def batch_statistics(z):
    r"""(mu, sigma^2): each row's batch mean :math:`\mu = \frac1m \sum_i z_i` and biased
    variance :math:`\sigma^2 = \frac1m \sum_i (z_i - \mu)^2`: z (n, m >= 2) -> two (n, 1)."""
    return _statistics(_batch(z))


def _normalised(z, epsilon, statistics=None):
    """(z_hat, 1 / sqrt(sigma^2 + epsilon)) of each unit, by the batch's statistics or those
    given."""
    mean, variance = _statistics(z) if statistics is None else statistics
    inv_std = 1.0 / np.sqrt(variance + epsilon)
    return (z - mean) * inv_std, inv_std


def _given_statistics(statistics, n):
    try:
        mean, variance = statistics
    except (TypeError, ValueError):
        raise ValueError(
            f"statistics must be a pair (mean, variance) of ({n}, 1) arrays; got {statistics!r}"
        ) from None
    mean, variance = _column("mean", mean, n), _column("variance", variance, n)
    if np.any(variance < 0):
        raise ValueError(f"variance must be >= 0 in every unit; got {variance.ravel()}")
    return mean, variance


def batchnorm_forward(z, gamma, beta, epsilon=DEFAULT_EPSILON, statistics=None):
    r""":math:`\gamma \hat z + \beta` with :math:`\hat z = (z - \mu)/\sqrt{\sigma^2 + \epsilon}`,
    mu and sigma^2 the batch mean and biased variance of each row (training mode: z (n, m >= 2)),
    or the ``statistics`` (mu, sigma^2) given, two (n, 1) (prediction mode, with the running
    averages: any m); gamma and beta (n, 1) -> (n, m)."""
    z = _batch(z) if statistics is None else check_matrix("z", z)
    gamma, beta = _column("gamma", gamma, z.shape[0]), _column("beta", beta, z.shape[0])
    epsilon = check_real("epsilon", epsilon, positive=True)
    if statistics is not None:
        statistics = _given_statistics(statistics, z.shape[0])
    return gamma * _normalised(z, epsilon, statistics)[0] + beta


def batchnorm_backward(d_out, z, gamma, epsilon=DEFAULT_EPSILON):
    r"""The compact backward pass of :func:`batchnorm_forward`: with
    :math:`g = \gamma \odot \partial J/\partial \text{out}`,
    :math:`\partial J/\partial z = \frac{1}{m\sqrt{\sigma^2+\epsilon}}
    \left(m g - \textstyle\sum_i g_i - \hat z \sum_i g_i \hat z_i\right)`,
    :math:`\partial J/\partial \gamma = \sum_i (\partial J/\partial \text{out})_i \hat z_i`,
    :math:`\partial J/\partial \beta = \sum_i (\partial J/\partial \text{out})_i` (sums over
    the batch): d_out and z (n, m), gamma (n, 1) -> dz (n, m), dgamma and dbeta (n, 1).

    Each example's dz depends on every example of the batch, through mu and sigma^2.
    """
    z = _batch(z)
    d_out = check_matrix("d_out", d_out)
    if d_out.shape != z.shape:
        raise ValueError(f"d_out must have the shape of z, {z.shape}; got {d_out.shape}")
    gamma = _column("gamma", gamma, z.shape[0])
    epsilon = check_real("epsilon", epsilon, positive=True)
    z_hat, inv_std = _normalised(z, epsilon)
    m = z.shape[1]
    g = gamma * d_out
    g_sum, g_z_hat_sum = g.sum(axis=1, keepdims=True), (g * z_hat).sum(axis=1, keepdims=True)
    dz = inv_std / m * (m * g - g_sum - z_hat * g_z_hat_sum)
    return dz, (d_out * z_hat).sum(axis=1, keepdims=True), d_out.sum(axis=1, keepdims=True)


def check_keep_prob(keep_prob):
    """``float(keep_prob)`` for a probability p in (0, 1], else a ValueError that says so."""
    keep_prob = check_real("keep_prob", keep_prob)
    if not 0 < keep_prob <= 1:
        raise ValueError(
            f"keep_prob must be in (0, 1], the probability of keeping a unit; got {keep_prob:g}"
        )
    return keep_prob


def dropout_forward(a, keep_prob, rng):
    r"""Inverted dropout: :math:`a \odot M / p` with M a random mask of ones (probability p,
    ``keep_prob``) and zeros: a (n, m) -> (out, mask), both (n, m), mask boolean.

    ``rng`` is a ``numpy.random.Generator``, so the mask is seeded and can be fixed (a
    gradient check must see the same mask on every evaluation).
    """
    a = check_matrix("a", a)
    keep_prob = check_keep_prob(keep_prob)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(
            f"rng must be a numpy.random.Generator (np.random.default_rng(seed)); got {rng!r}"
        )
    mask = rng.random(a.shape) < keep_prob
    return a * mask / keep_prob, mask


def dropout_backward(d_out, mask, keep_prob):
    r""":math:`\partial J/\partial a = \partial J/\partial \text{out} \odot M / p`: the mask of
    the forward pass and the same scaling; d_out and mask (n, m) -> (n, m)."""
    d_out = check_matrix("d_out", d_out)
    mask = np.asarray(mask)
    if mask.shape != d_out.shape or mask.dtype != bool:
        raise ValueError(
            f"mask must be the boolean mask dropout_forward returned, of shape {d_out.shape}; "
            f"got {mask.dtype} of shape {mask.shape}"
        )
    return d_out * mask / check_keep_prob(keep_prob)
