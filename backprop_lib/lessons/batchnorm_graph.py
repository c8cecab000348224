r"""Batch normalisation as a graph of small steps (notebook 10): each node's value, each node's
backward step by the chain rule, and the same graph built from scalar Values for the engine of
notebook 07 to check.

For one unit (a row of z) over a batch of m examples (the columns), the nodes are

.. math::

    \mu = \tfrac1m \textstyle\sum_i z_i, \quad c_i = z_i - \mu, \quad
    \sigma^2 = \tfrac1m \textstyle\sum_i c_i^2, \quad s = (\sigma^2 + \epsilon)^{-1/2}, \quad
    \hat z_i = c_i s, \quad \text{out}_i = \gamma \hat z_i + \beta .

Every unit has its own mu, sigma^2 and s, of shape (n, 1); z, c, z_hat and out are (n, m).
"""

import numpy as np

from ..autodiff import Value
from ..normalisation import DEFAULT_EPSILON

NODES = ("z", "mu", "centred", "variance", "inv_std", "z_hat", "gamma", "beta", "out")
"""The graph's nodes in the order the forward pass computes them (gamma and beta are inputs,
used at the last step)."""


def forward_steps(z, gamma, beta, epsilon=DEFAULT_EPSILON):
    """Every node's value, one line a node: a dict over :data:`NODES` of (n, 1) or (n, m)
    arrays, for z (n, m) and gamma, beta (n, 1)."""
    m = z.shape[1]
    mu = z.sum(axis=1, keepdims=True) / m
    centred = z - mu
    variance = (centred**2).sum(axis=1, keepdims=True) / m
    inv_std = (variance + epsilon) ** -0.5
    z_hat = centred * inv_std
    out = gamma * z_hat + beta
    values = (z, mu, centred, variance, inv_std, z_hat, gamma, beta, out)
    return dict(zip(NODES, values, strict=True))


def backward_steps(d_out, nodes):
    r"""dJ/d(node) for every node, from dJ/d(out) = ``d_out`` (n, m) and the values ``nodes`` of
    :func:`forward_steps`, one chain-rule step a node, from the output back to z.

    A node used several times sums the gradients its uses bring: beta, gamma, s and mu are
    shared by the whole batch (a sum over the m examples), and c_i reaches the cost both
    through :math:`\hat z_i` and through :math:`\sigma^2` (two terms). With
    :math:`ds/d\sigma^2 = -\tfrac12 (\sigma^2 + \epsilon)^{-3/2} = -\tfrac12 s^3`.
    """
    m = d_out.shape[1]
    grads = {"out": d_out}
    grads["beta"] = d_out.sum(axis=1, keepdims=True)
    grads["gamma"] = (d_out * nodes["z_hat"]).sum(axis=1, keepdims=True)
    grads["z_hat"] = d_out * nodes["gamma"]
    grads["inv_std"] = (grads["z_hat"] * nodes["centred"]).sum(axis=1, keepdims=True)
    grads["variance"] = grads["inv_std"] * -0.5 * nodes["inv_std"] ** 3
    through_variance = grads["variance"] * 2 * nodes["centred"] / m
    grads["centred"] = grads["z_hat"] * nodes["inv_std"] + through_variance
    grads["mu"] = -grads["centred"].sum(axis=1, keepdims=True)
    grads["z"] = grads["centred"] + grads["mu"] / m
    return {name: grads[name] for name in NODES}


def value_graph(z, gamma, beta, epsilon=DEFAULT_EPSILON):
    """The graph of :func:`forward_steps` built from scalar Values: a dict over :data:`NODES`
    of nested lists (one list of Values a unit; mu, variance, inv_std, gamma and beta hold
    one Value a unit), whose ``.data`` are the values of :func:`forward_steps`."""
    nodes = {name: [] for name in NODES}
    for row, g, b in zip(np.asarray(z, float), gamma[:, 0], beta[:, 0], strict=True):
        zs = [Value(float(x)) for x in row]
        mu = sum(zs[1:], zs[0]) / len(zs)
        centred = [x - mu for x in zs]
        variance = sum((c**2 for c in centred[1:]), centred[0] ** 2) / len(zs)
        inv_std = (variance + epsilon) ** -0.5
        z_hat = [c * inv_std for c in centred]
        g, b = Value(float(g)), Value(float(b))
        out = [g * x + b for x in z_hat]
        values = (zs, mu, centred, variance, inv_std, z_hat, g, b, out)
        for name, value in zip(NODES, values, strict=True):
            nodes[name].append(value)
    return nodes


def as_array(values, attribute="grad"):
    """The ``.grad`` (or ``.data``) of a node of :func:`value_graph` as an (n, m) or (n, 1)
    array."""
    rows = [row if isinstance(row, list) else [row] for row in values]
    return np.array([[getattr(v, attribute) for v in row] for row in rows])


def engine_gradients(z, gamma, beta, weights, epsilon=DEFAULT_EPSILON):
    """Every node's gradient by the Value engine's backward sweep for the cost
    J = sum of ``weights`` * out (so dJ/d(out) = ``weights``, (n, m)): a dict over
    :data:`NODES` of arrays shaped as those of :func:`forward_steps`."""
    nodes = value_graph(z, gamma, beta, epsilon)
    outs = [v for row in nodes["out"] for v in row]
    cost = sum((v * float(w) for w, v in zip(np.ravel(weights), outs, strict=True)), Value(0.0))
    cost.backward()
    return {name: as_array(nodes[name]) for name in NODES}
